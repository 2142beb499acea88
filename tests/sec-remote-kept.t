#!/bin/sh
# berth-remote as a guest (doc/guests.md): two different jobs run one after the other in one kept
# berth-rspawn child (its own code, remote_serve) must give exactly what the same two jobs give
# when each is an exec'ed berth-remote ($BERTH_REMOTE): a headered queue file, then a header-less
# one (the offset of the first must not carry over), different senders, recipients and recipient
# counts. Compared: the results, the envelope and the bytes each server received.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
ctl timeoutconnect 5
ctl timeoutremote 10
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")

printf 'Subject: first\n\nbody one\n' > "$T_DIR/m"; chmod 644 "$T_DIR/m"
printf 'Fs1@b.test\0Tu@x.test\0\0' > "$T_DIR/env"
id1=$(as_user sh -c 'BERTH_IDFD=3 berth-queue < "$1" 3>&1 1< "$2"' sh "$T_DIR/m" "$T_DIR/env")
[ -n "$id1" ]; ok $? "a headered message queued"
id2=999999999.2
printf 'Subject: second, header-less\nX-Marker: kept\n\nbody two\n.leading dot\n' > "$H/queue/mess/$id2"
chown "$U:$G" "$H/queue/mess/$id2"; chmod 600 "$H/queue/mess/$id2"

# run SINK: the two jobs through berth-rspawn to SINK, its results in $T_DIR/out.SINK
run () {
  _p=$(free_port)
  sink "$1" 127.0.0.1 "$_p"
  wait_listen 127.0.0.1 "$_p"
  printf ':[127.0.0.1]:%s\n' "$_p" > "$H/control/smtproutes"
  as_user /usr/bin/python3 "$BERTH_TOP/tests/spawn-drive.py" \
    "J:1:$id1:s1@b.test:u@x.test" "J:2:$id2:s2@c.test:v@x.test,w@x.test" -- berth-rspawn > "$T_DIR/out.$1" 2>>"$T_DIR/log"
}
run kept
BERTH_REMOTE=$(command -v berth-remote) run fresh
trans () { awk '{ if (!($1 in m)) m[$1] = ++n; printf "%s %s ", m[$1], $2 }' "$T_DIR/$1/trans" 2>/dev/null; }

is "$(trans kept)" "1 MAIL 1 MAIL 1 QUIT " "kept: both jobs on one connection, so in one child"
is "$(trans fresh)" "1 MAIL 1 QUIT 2 MAIL 2 QUIT " "exec'ed: one connection per job"
is "$(sed -n 1,2p "$T_DIR/out.kept" | sed 's/sink.*//')" "$(sed -n 1,2p "$T_DIR/out.fresh" | sed 's/sink.*//')" "the same results"
case $(sed -n 2p "$T_DIR/out.kept") in "2: K"*"| K"*) ok 0 "the second job: both recipients accepted" ;; *) ok 1 "the second job: both recipients accepted"; diag "$(cat "$T_DIR/out.kept")" ;; esac
for n in 1 2; do
  cmp -s "$T_DIR/kept/$n.env" "$T_DIR/fresh/$n.env"; ok $? "job $n: the same envelope ($(tr '\n' ' ' < "$T_DIR/kept/$n.env" 2>/dev/null))"
  cmp -s "$T_DIR/kept/$n.eml" "$T_DIR/fresh/$n.eml"; ok $? "job $n: the same bytes received"
done
grep -q "Subject: second" "$T_DIR/kept/2.eml" && ! grep -q "body one" "$T_DIR/kept/2.eml"
ok $? "the header-less message after a headered one: sent whole, from its byte 0, nothing of the first"
t_done

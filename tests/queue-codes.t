#!/bin/sh
# berth-queue: every exit code that can be provoked, and nothing deliverable left behind on failure.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance

printf 'Subject: test\n\nhello\n' > "$T_DIR/msg"
chmod 644 "$T_DIR/msg"

# inject ENVELOPE-FILE [MESSAGE-FILE]: runs berth-queue as the owner; prints the exit code.
inject () {
  as_user berth-queue < "${2:-$T_DIR/msg}" 1< "$1"
  echo $?
}
count () { ls "$BERTH_HOME/queue/$1" | wc -l | tr -d ' '; }
env_file () { printf "$1" > "$T_DIR/env"; chmod 644 "$T_DIR/env"; echo "$T_DIR/env"; }
nothing_left () { # nothing in todo beyond N, nothing in intd or mess beyond N
  is "$(count todo)/$(count intd)/$(count mess)" "$1/0/$1" "$2: nothing left behind"
}

is "$(inject "$(env_file 'Fa@b\0Tc@d\0\0')")" 0 "a good envelope is queued (0)"
nothing_left 1 "after success"
is "$(inject "$(env_file 'F\0T\0\0')")" 0 "null sender and empty recipient are accepted, as qmail"
is "$(inject "$(env_file 'Xa@b\0Tc@d\0\0')")" 91 "no F: 91"
nothing_left 2 "after 91"
is "$(inject "$(env_file 'Fa@b\0Xc@d\0\0')")" 91 "record not T: 91"
is "$(inject "$(env_file '\377\376garbage')")" 91 "garbage: 91"
is "$(inject "$(env_file 'Fa@b\0Tc@d\0')")" 54 "missing final NUL: 54"
is "$(inject "$(env_file 'Fa@b\0Tc@')")" 54 "truncated envelope: 54"
is "$(inject "$(env_file '')")" 54 "empty envelope: 54"
nothing_left 2 "after 54"

long=$(head -c 1003 /dev/zero | tr '\0' a)
is "$(inject "$(env_file "Fa@b\\0T${long}\\0\\0")")" 11 "recipient of 1003 bytes: 11"
long=$(head -c 1004 /dev/zero | tr '\0' a)
is "$(inject "$(env_file "F${long}\\0Tc@d\\0\\0")")" 11 "sender of 1004 bytes: 11"
long=$(head -c 1002 /dev/zero | tr '\0' a)
is "$(inject "$(env_file "F${long}\\0Tc@d\\0\\0")")" 0 "sender of 1002 bytes: accepted"
nothing_left 3 "after 11"

good=$(env_file 'Fa@b\0Tc@d\0\0')
chmod 555 "$BERTH_HOME/queue/mess"
is "$(inject "$good")" 64 "unwritable queue/mess: 64"
chmod 700 "$BERTH_HOME/queue/mess"
# An envelope too big for the message file's header goes to intd/ (doc/queue.md).
big=$T_DIR/envbig
{ printf 'Fa@b\0'; for i in $(seq 60); do printf 'Trecipient-%02d@example.org\0' "$i"; done; printf '\0'; } > "$big"
chmod 644 "$big"
chmod 555 "$BERTH_HOME/queue/intd"
is "$(inject "$big")" 65 "unwritable queue/intd, envelope over the header's room: 65"
is "$(inject "$good")" 0 "... a small envelope does not need intd/"
chmod 700 "$BERTH_HOME/queue/intd"
chmod 555 "$BERTH_HOME/queue/todo"
is "$(inject "$good")" 66 "unwritable queue/todo: 66"
is "$(inject "$big")" 66 "... and with an envelope in intd/: 66"
chmod 700 "$BERTH_HOME/queue/todo"
nothing_left 4 "after 64-66"
mv "$BERTH_HOME/queue" "$BERTH_HOME/queue.away"
is "$(inject "$good")" 62 "missing queue: 62"
mv "$BERTH_HOME/queue.away" "$BERTH_HOME/queue"
is "$(BERTH_HOME=$T_DIR/nonexistent inject "$good")" 61 "missing home: 61"

# A full disk: a tiny tmpfs in a private mount namespace.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  head -c 300000 /dev/urandom | base64 > "$T_DIR/big"
  chmod 644 "$T_DIR/big"
  mkdir "$T_DIR/small"
  out=$(unshare -m sh -c '
    mount -t tmpfs -o size=256k,nr_inodes=128 tmpfs "$1" || exit 1
    berth-setup -u "$2" -n t "$1/h" >/dev/null || exit 1
    BERTH_HOME=$1/h; export BERTH_HOME
    s6-setuidgid "$2" berth-queue < "$3" 1< "$4"; rc=$?
    printf "%s %s %s %s" $rc $(ls "$1/h/queue/todo" | wc -l) $(ls "$1/h/queue/mess" | wc -l) $(ls "$1/h/queue/intd" | wc -l)
    s6-setuidgid "$2" berth-queue < "$5" 1< "$4"; printf " %s" $?
  ' sh "$T_DIR/small" "$TESTUSER" "$T_DIR/big" "$good" "$T_DIR/msg")
  is "$out" "53 0 0 0 0" "full disk: 53, nothing left, and a small message fits afterwards"
else
  ok 0 "# SKIP full disk needs root and mount namespaces"
fi

# The id is written to $BERTH_IDFD.
id=$(BERTH_IDFD=3 as_user berth-queue < "$T_DIR/msg" 3>&1 1< "$good")
[ -n "$id" ] && [ -f "$BERTH_HOME/queue/todo/$id" ] && [ -f "$BERTH_HOME/queue/mess/$id" ]
ok $? "the queue id goes to \$BERTH_IDFD and names the committed files ($id)"

# The Received line and the message bytes.
{ qbody "$BERTH_HOME/queue/mess/$id" | head -n 1 | grep -Eq '^Received: \(berth [0-9]+ invoked by uid [0-9]+\); [A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} \+0000$'; }
ok $? "Received line in qmail's form"
qbody "$BERTH_HOME/queue/mess/$id" | tail -n +2 | cmp -s - "$T_DIR/msg"
ok $? "message stored byte for byte after the Received line"
qenv "$BERTH_HOME/queue/todo/$id" > "$T_DIR/env"
printf 'u%s\0p' "$(id -u "$TESTUSER")" | cmp -s -n 6 - "$T_DIR/env"
ok $? "envelope records the invoking uid"
[ "$(stat -c %i "$BERTH_HOME/queue/todo/$id")" = "$(stat -c %i "$BERTH_HOME/queue/mess/$id")" ]
ok $? "a small envelope: todo/<id> is a second name of mess/<id> (one inode)"

# An envelope over the header's room: its own todo/ file, whole; the message as usual.
id=$(BERTH_IDFD=3 as_user berth-queue < "$T_DIR/msg" 3>&1 1< "$big")
{ printf 'u%s\0p' "$(id -u "$TESTUSER")"; } | cmp -s -n 6 - "$BERTH_HOME/queue/todo/$id" \
  && tail -c "$(wc -c < "$big")" "$BERTH_HOME/queue/todo/$id" | cmp -s - "$big" \
  && [ "$(stat -c %i "$BERTH_HOME/queue/todo/$id")" != "$(stat -c %i "$BERTH_HOME/queue/mess/$id")" ]
ok $? "a big envelope: todo/<id> is its own file with all 60 recipients"
qbody "$BERTH_HOME/queue/mess/$id" | tail -n +2 | cmp -s - "$T_DIR/msg"
ok $? "... and the message is stored as for a small one"

t_done

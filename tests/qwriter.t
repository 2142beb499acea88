#!/bin/sh
# berth-qwriter (doc/berth-qwriter.md): in a multi-user instance made by berth-setup as root,
# berth-smtpd's messages go through the writer service, not the set-uid berth-queue (made
# unrunnable here: the messages still arrive); the message file is the one berth-queue writes
# for the same input, but for ids, pids and dates; an envelope over control/enveloperecipients
# gets berth-queue's 554; a session cut mid-message leaves nothing in todo/ nor mess/; another
# uid is not served; with the service down berth-smtpd falls back to berth-queue; DSN is offered
# and its parameters reach the queue as envelope extension records.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
for p in useradd userdel groupadd groupdel; do [ -x "/usr/sbin/$p" ] || skip_all "no /usr/sbin/$p"; done
for p in berth-smtpd berth-listen berth-queue berth-qwriter; do [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"; done
t_start 120
P=bw$(( $$ % 100000 ))
H=$T_DIR/home
svc=$H/service
users_gone () {
  t_svscan_stop "$svc"
  t_users_del "$P"
  t_cleanup
}
trap users_gone EXIT
for u in "${P}q" "${P}r" "${P}d" "${P}l" "${P}alias"; do
  getent passwd "$u" >/dev/null && { echo "Bail out! user $u exists already"; trap - EXIT; t_cleanup; exit 1; }
done

port=$(free_port)
berth-setup -P "$P" -n test.example -a 127.0.0.1 -p "$port" "$H" >/dev/null; ok $? "berth-setup as root"
[ -x "$svc/qwriter/run" ]; ok $? "the qwriter service is made"
is "$(stat -c '%U:%G %a' "$H/qwriter")" "${P}q:${P}nofiles 2750" "qwriter/: the queue's owner's, smtpd's group, 2750"
grep -q 'BERTH_QWRITER=$H/qwriter/socket' "$svc/smtpd/run"; ok $? "the smtpd service names the socket"
rm -f "$H/control/rcptcheck"
touch "$svc/send/down"   # nothing delivered: the queue files stay to be read
chmod 0 "$H/bin/berth-queue"   # berth-smtpd cannot run it: whatever arrives came through the writer
t_bg s6-svscan "$svc"; SCAN_PID=$T_PID
n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/smtpd" && s6-svstat "$svc/qwriter"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$svc/smtpd" "$svc/qwriter"; ok $? "smtpd and qwriter up and ready"
puser () { ps -o user= -p "$1" 2>/dev/null | tr -d ' '; }
is "$(puser "$(s6-svstat -o pid "$svc/qwriter")")" "${P}q" "berth-qwriter runs as ${P}q"
is "$(stat -c '%U:%G %a' "$H/qwriter/socket")" "${P}q:${P}nofiles 660" "its socket: 0660, smtpd's group"

printf 'Subject: same bytes\r\nFrom: a@example.org\r\n\r\nline one\r\n..dot line\r\nend\r\n' > "$T_DIR/body"
sendit () { "$PY" "$BERTH_TOP/tests/qwriter-smtp.py" "$port" "$T_DIR/body" "$@"; }
sendit one@test.example two@test.example > "$T_DIR/r1" 2>&1
grep -q '^250 2.0.0 ok queued as ' "$T_DIR/r1"; ok $? "accepted through the writer, berth-queue unrunnable" || sed 's/^/# /' "$T_DIR/r1"
id1=$(sed -n 's/^250 2.0.0 ok queued as //p' "$T_DIR/r1")
[ -n "$id1" ] && [ -f "$H/queue/todo/$id1" ]; ok $? "queue/todo/$id1 committed"
grep -q '^Received: (berth [0-9]* invoked from network)' "$H/queue/mess/$id1"; ok $? "berth-queue's Received line for the smtpd uid"
sendit three@test.example > "$T_DIR/r2" 2>&1
grep -q '^250 ' "$T_DIR/r2"; ok $? "a second message, in a second session"
precord () { qenv "$H/queue/mess/$1" | tr '\0' '\n' | sed -n 's/^p//p'; }
id2=$(sed -n 's/^250 2.0.0 ok queued as //p' "$T_DIR/r2")
[ -n "$id2" ] && is "$(precord "$id2")" "$(precord "$id1")" "written by the same worker, kept for the next session (no fork)"
# several messages in one session use one connection: one writer child serves them
"$PY" - "$port" <<'PY' > "$T_DIR/r3" 2>&1
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
for i in range(5):
    s.sendmail("s@example.org", ["r%d@test.example" % i], "Subject: %d\r\n\r\nx\r\n" % i)
s.quit()
print("done")
PY
grep -q '^done$' "$T_DIR/r3"; ok $? "five messages in one session" || sed 's/^/# /' "$T_DIR/r3"
pids=$(for i in 0 1 2 3 4; do f=$(grep -l "^Subject: $i\$" "$H/queue/mess"/* | head -n 1); qenv "$f" | tr '\0' '\n' | sed -n 's/^p//p'; done | sort -u | wc -l)
is "$pids" 1 "all five written by the same writer process (p record)"

# DSN's parameters go through the writer as envelope extension records (doc/queue.md)
"$PY" - "$port" <<'PY' > "$T_DIR/r6" 2>&1
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.ehlo("qw.test")
print("dsn" if s.has_extn("dsn") else "no-dsn")
s.sendmail("s@example.org", ["dsn@test.example"], "Subject: dsn\r\n\r\nx\r\n",
           mail_options=["RET=HDRS", "ENVID=QW1"], rcpt_options=["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;dsn+40test.example"])
s.quit()
print("done")
PY
grep -q '^dsn$' "$T_DIR/r6"; ok $? "EHLO offers DSN through the writer" || sed 's/^/# /' "$T_DIR/r6"
f=$(grep -l '^Subject: dsn$' "$H/queue/mess"/* | head -n 1)
env6=$(qenv "$f" | tr '\0' '\n')
case $env6 in *"ERET=HDRS ENVID=QW1"*"Tdsn@test.example"*"RNOTIFY=SUCCESS,FAILURE ORCPT=rfc822;dsn+40test.example"*) ok 0 "the E and R records reach the queue through the writer";;
  *) ok 1 "the E and R records reach the queue through the writer"; diag "$env6";; esac

# The envelope limit: berth-queue's 554 and text.
echo 2 > "$H/control/enveloperecipients"
sendit a@test.example b@test.example c@test.example > "$T_DIR/r4" 2>&1
is "$(cat "$T_DIR/r4")" "554 5.5.3 too many recipients for one message (#5.5.3)" "over enveloperecipients: 554, berth-queue's text"
sendit a@test.example b@test.example > "$T_DIR/r5" 2>&1
grep -q '^250 ' "$T_DIR/r5"; ok $? "at the limit: accepted (a new connection after the refusal)"

# The protocol by hand: a peer of another uid is not served; the smtpd uid is.
printf 'Subject: by hand\n\nx\n' > "$T_DIR/hbody"; printf 'Fme@example.org\0Tto@test.example\0\0' > "$T_DIR/henv"
peer () { s6-setuidgid "$1" "$PY" "$BERTH_TOP/tests/qwriter-peer.py" "$H/qwriter/socket" "$2" "$T_DIR/hbody" "$T_DIR/henv" 2>&1; }
is "$(peer nobody start)" "connect-error EACCES" "an ordinary user cannot reach the socket"
is "$(peer "${P}l" start)" "eof" "the log user (smtpd's group) reaches it and is not served"
out=$(peer "${P}d" send)
case $out in "answer 0
reply 0 "*) ok 0 "the smtpd uid is served";; *) ok 1 "the smtpd uid is served"; diag "$out";; esac
hid=${out##*reply 0 }
[ -f "$H/queue/todo/$hid" ] && qenv "$H/queue/mess/$hid" | tr '\0' '\n' | grep -qx "u$(id -u "${P}d")"; ok $? "its message carries the smtpd uid (u record)"

# A client cut mid-message: the writer withdraws it.
count () { find "$H/queue/mess" "$H/queue/todo" "$H/queue/intd" -type f | wc -l; }
before=$(count)
is "$(peer "${P}d" cut)" "answer 0" "a peer leaves after its message, before its envelope"
wait_until 10 sh -c "[ \$(find '$H/queue/mess' '$H/queue/todo' '$H/queue/intd' -type f | wc -l) = $before ]"; ok $? "nothing left of it in the queue"
"$PY" - "$port" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
f = s.makefile("rb")
def cmd(c):
    s.sendall(c + b"\r\n")
    while True:
        l = f.readline()
        if l[3:4] != b"-": return l
f.readline()
cmd(b"EHLO x"); cmd(b"MAIL FROM:<a@example.org>"); cmd(b"RCPT TO:<cut@test.example>"); cmd(b"DATA")
s.sendall(b"Subject: cut\r\n\r\n" + (b"x" * 70 + b"\r\n") * 2000)
time.sleep(30)
PY
cpid=$!
echo "$cpid" >> "$T_DIR/pids"
smtpd_pid () { for p in $(pgrep -x berth-smtpd); do [ "$(readlink "/proc/$p/cwd")" = "$H" ] && echo "$p"; done; }
wait_until 10 sh -c "grep -lqs '^Subject: cut' '$H'/queue/mess/*"; ok $? "the cut message is being written"
sp=$(smtpd_pid | head -n 1)
[ -n "$sp" ] && kill -9 "$sp"; ok $? "its berth-smtpd killed mid-message"
kill "$cpid" 2>/dev/null
wait_until 10 sh -c "! grep -lqs '^Subject: cut' '$H'/queue/mess/*"; ok $? "the writer withdrew it: no mess/ file"
grep -lqs 'cut@test.example' "$H"/queue/todo/* ; is $? 1 "and no todo/ entry"

# The writer down: berth-queue again (repaired by a re-run of berth-setup), the same bytes.
s6-svc -d "$svc/qwriter" && s6-svwait -D -t 10000 "$svc/qwriter"; ok $? "qwriter down"
berth-setup -P "$P" "$H" >/dev/null
sendit one@test.example two@test.example > "$T_DIR/r6" 2>&1
grep -q '^250 2.0.0 ok queued as ' "$T_DIR/r6"; ok $? "accepted through berth-queue (fallback)" || sed 's/^/# /' "$T_DIR/r6"
id3=$(sed -n 's/^250 2.0.0 ok queued as //p' "$T_DIR/r6")
norm () { qbody "$1" | sed 's/[0-9][0-9]*/N/g'; }
[ -n "$id3" ] && [ "$(norm "$H/queue/mess/$id1")" = "$(norm "$H/queue/mess/$id3")" ]; ok $? "the message file's text is berth-queue's, but for numbers (ids, pids, dates)" || { norm "$H/queue/mess/$id1" | sed 's/^/# w: /'; norm "$H/queue/mess/$id3" | sed 's/^/# q: /'; }
[ "$(qenv "$H/queue/mess/$id1" | tr '\0' '\n' | grep -v '^p')" = "$(qenv "$H/queue/mess/$id3" | tr '\0' '\n' | grep -v '^p')" ]; ok $? "and its envelope records the same, but for the pid"
cmp -s "$H/queue/mess/$id1" "$H/queue/mess/$id3"; is $? 1 "(two files: ids differ)"
is "$(stat -c '%U:%G %a' "$H/queue/mess/$id1")" "$(stat -c '%U:%G %a' "$H/queue/mess/$id3")" "the same owner, group and mode (${P}q:$P 640: the remote user reads it)"
sendit a@test.example b@test.example c@test.example > "$T_DIR/r7" 2>&1
is "$(cat "$T_DIR/r7")" "$(cat "$T_DIR/r4")" "over the limit through berth-queue: the same reply"
s6-svc -u "$svc/qwriter" && s6-svwait -U -t 10000 "$svc/qwriter"; ok $? "qwriter up again"

s6-svscanctl -t "$svc"
n=0; while [ $n -lt 100 ] && kill -0 "$SCAN_PID" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
! kill -0 "$SCAN_PID" 2>/dev/null; ok $? "everything stops"
t_done

#!/bin/sh
# berth-reload on a supervised instance: an edited tcp.smtp denies at the next connection (before,
# nothing changed until a restart), a new morercpthosts domain is accepted, users/assign is
# compiled, berth-send rereads its control files (its log says so); up-to-date files are left
# alone; a syntax error is permanent and keeps the old cdb.
. "$BERTH_TOP/tests/lib.sh"
for p in berth-smtpd berth-start berth-send berth-reload; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 90
port=$(free_port)
BERTH_HOME=$T_DIR/home; export BERTH_HOME
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$port" "$BERTH_HOME" > /dev/null || { echo "Bail out! setup"; exit 1; }
svc=$BERTH_HOME/service
[ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
t_bg s6-svscan "$svc"
n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/smtpd" && s6-svstat "$svc/send"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$svc/smtpd" "$svc/send"; ok $? "instance up"

# rcpt DOMAIN: the code the smtpd answers RCPT to x@DOMAIN with (0: no session)
rcpt () {
  "$PY" -c 'import smtplib, sys
try:
    s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
    s.ehlo(); s.mail("a@example.org"); print(s.rcpt("x@" + sys.argv[2])[0]); s.quit()
except Exception: print(0)' "$port" "$1"
}
H=$BERTH_HOME
sleep 1.1   # a second for the mtimes
echo "127.:deny" > "$H/control/tcp.smtp"
echo "more.example" > "$H/control/morercpthosts"
# joe's home is a directory of its own: a file created in a home makes the recipients map stale
# (doc/control.md), and this test writes its outputs into $T_DIR
mkdir "$T_DIR/joe"
echo "=joe:$(id -un "$TESTUSER"):$(id -u "$TESTUSER"):$(id -g "$TESTUSER"):$T_DIR/joe:::" > "$H/users/assign"; echo "." >> "$H/users/assign"
is "$(rcpt test.example)" 250 "before berth-reload: an edited tcp.smtp changes nothing"
berth-reload > "$T_DIR/out" 2>&1; is "$?" 0 "berth-reload exits 0"
grep -q 'info: rebuilt control/tcp.smtp.cdb' "$T_DIR/out"; ok $? "it rebuilt tcp.smtp.cdb"
grep -q 'info: rebuilt control/morercpthosts.cdb' "$T_DIR/out"; ok $? "it built morercpthosts.cdb"
grep -q 'info: rebuilt users/assign.cdb' "$T_DIR/out"; ok $? "it compiled users/assign"
grep -q 'info: told berth-send to reread' "$T_DIR/out"; ok $? "it told berth-send to reread"
is "$(rcpt test.example)" 0 "the next connection from 127.0.0.1 is denied"
echo "127.:allow" > "$H/control/tcp.smtp"
berth-reload > /dev/null 2>&1
is "$(rcpt more.example)" 250 "a domain of morercpthosts is accepted (not relayed for: 127. no longer relays)"
is "$(rcpt other.example)" 553 "and another is still refused"
n=0; while [ $n -lt 50 ] && ! grep -q 'reread' "$H/log/send/current"; do sleep 0.1; n=$((n + 1)); done
grep -q 'reread' "$H/log/send/current"; ok $? "berth-send's log: it reread its control files"
berth-reload > "$T_DIR/out2" 2>&1
# (the recipient map follows /etc/passwd, which the suite's other tests change at any time)
grep 'rebuilt' "$T_DIR/out2" | grep -v 'rebuilt users/recipients.cdb$' > "$T_DIR/out2r"
is "$(cat "$T_DIR/out2r")" "" "a second run rebuilds nothing (every cdb is newer than its source)"
sleep 1.1
cp "$H/control/tcp.smtp.cdb" "$T_DIR/good.cdb"
echo "127.:allow,NOEQUALS" > "$H/control/tcp.smtp"
berth-reload > "$T_DIR/out3" 2>&1; r=$?
is "$r" 100 "a syntax error in tcp.smtp: berth-reload fails permanently (tcprules' 100)"
cmp -s "$H/control/tcp.smtp.cdb" "$T_DIR/good.cdb"; ok $? "and the old cdb stays in force"
echo "no colon here" > "$H/control/tcp.smtp"   # ucspi-tcp's tcprules loops for ever on it
timeout 30 berth-reload > "$T_DIR/out4" 2>&1; r=$?
is "$r" 111 "a line tcprules loops on: killed after 10 s, a temporary failure, not a hang"
grep -q 'tcprules did not finish in time' "$T_DIR/out4"; ok $? "and it says so"
cmp -s "$H/control/tcp.smtp.cdb" "$T_DIR/good.cdb"; ok $? "the old cdb still in force"
s6-svscanctl -t "$svc"
t_done

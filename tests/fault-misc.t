#!/bin/sh
# Faults outside the processes: unreadable control files (berth-smtpd, berth-send, berth-lspawn,
# berth-remote), a missing Maildir, a peer that hangs before its greeting. Each is a temporary
# failure: nothing bounced, nothing lost, and the message is delivered once the fault is gone
# (a hung local program is killed at control/timeoutlocal)
# (berth-send retries at once on SIGALRM). Full disks: queue-codes.t and local-full.t.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 90
t_instance
C=$BERTH_HOME/control
if [ "$(id -u)" = 0 ]; then own () { chown "$TESTUSER" "$@"; }; else own () { :; }; fi
printf 'sender@sender.example\n' > "$C/badmailfrom"; own "$C/badmailfrom"
printf '0\n' > "$C/databytes"; own "$C/databytes"

# 1. berth-smtpd: an unreadable control file is 421 4.3.0 before the greeting, nothing queued.
for f in me rcpthosts badmailfrom databytes; do
  chmod 000 "$C/$f"
  out=$(printf 'EHLO a\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<postmaster@test.example>\r\nQUIT\r\n' |
    as_user env TCPREMOTEIP=127.0.0.1 berth-smtpd 2>"$T_DIR/smtpd.err")
  chmod 644 "$C/$f"
  is "$(echo "$out" | tr -d '\r')" "421 4.3.0 unable to read configuration (#4.3.0)" "berth-smtpd, control/$f unreadable: 421 4.3.0 and nothing else"
  grep -q "unable to read control/$f" "$T_DIR/smtpd.err"; ok $? "berth-smtpd logs which file ($f)"
done
is "$(ls "$BERTH_HOME/queue/todo" | wc -l | tr -d ' ')" 0 "nothing queued"

# 2. the delivery set refuses to start with control/locals (berth-send) or control/defaultdelivery
# (berth-lspawn) unreadable: guessing would misroute mail.
printf 'test.example\n' > "$C/locals"; own "$C/locals"
for f in locals defaultdelivery; do
  chmod 000 "$C/$f"
  (cd "$BERTH_HOME" && as_user berth-start 2>"$T_DIR/start.err" & p=$!; n=0
   while [ $n -lt 50 ] && kill -0 $p 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
   kill -KILL $p 2>/dev/null; wait $p; echo "rc=$?" > "$T_DIR/start.rc")
  chmod 644 "$C/$f"
  is "$(cat "$T_DIR/start.rc")" "rc=111" "berth-start with control/$f unreadable: exit 111 at once"
  grep -q "unable to read control/$f" "$T_DIR/start.err"; ok $? "and says why ($f)"
done

# The delivery set, running for the rest: a sink that hangs 5 s before its greeting, timeoutremote 1.
P=$(free_port)
sink hang 127.0.0.1 "$P" --stall 5
HANG=$T_PID
wait_listen 127.0.0.1 "$P" || { echo "Bail out! sink did not start"; exit 1; }
ctl smtproutes ":[127.0.0.1]:$P"; own "$C/smtproutes"
ctl timeoutremote 1; own "$C/timeoutremote"
ctl timeoutlocal 2; own "$C/timeoutlocal"
(cd "$BERTH_HOME" && exec setsid $( [ "$(id -u)" = 0 ] && echo s6-setuidgid "$TESTUSER" ) berth-start 2>>"$T_DIR/send.log") &
SEND=$!; echo "$SEND" >> "$T_DIR/pids"
inject () { # inject RCPT SUBJECT
  printf 'Fsender@example.org\0T%s\0\0' "$1" > "$T_DIR/env"; chmod 644 "$T_DIR/env"
  printf 'Subject: %s\n\nfault\n' "$2" | as_user berth-queue 1< "$T_DIR/env"
}
count () { grep -l "^Subject: $1[[:space:]]*\$" "$BERTH_HOME/alias/Maildir/new/"* "$T_DIR"/*/*.eml 2>/dev/null | wc -l | tr -d ' '; }
deferred () { grep -c "event=delivery .*rcpt=$1 .*status=deferred" "$T_DIR/send.log"; }
bounced () { grep -c "status=bounced" "$T_DIR/send.log"; }
# until_delivered SUBJECT: SIGALRM each second until delivered (10 s at most)
until_delivered () {
  n=0; while [ $n -lt 100 ] && [ "$(count "$1")" = 0 ]; do
    [ $((n % 10)) = 0 ] && kill -ALRM "$SEND" 2>/dev/null; sleep 0.1; n=$((n + 1)); done
  sleep 0.5
}
# until_deferred RCPT: the first deferral logged (10 s at most)
until_deferred () { n=0; while [ $n -lt 100 ] && [ "$(deferred "$1")" = 0 ]; do sleep 0.1; n=$((n + 1)); done; }

# 3. a peer that hangs before its greeting: deferred by timeoutremote, delivered once it answers.
inject r1@remote.example hang
until_deferred r1@remote.example
[ "$(deferred r1@remote.example)" -ge 1 ]; ok $? "hanging peer: the delivery is deferred ($(grep "rcpt=r1@" "$T_DIR/send.log" | sed -n 's/.*text=//p' | head -n 1))"
kill -KILL "$HANG"; sink good 127.0.0.1 "$P"; wait_listen 127.0.0.1 "$P"
until_delivered hang
is "$(count hang)" 1 "delivered exactly once after the peer recovered"

# 4. control/smtproutes unreadable: berth-remote defers (never guesses a route), then delivers.
chmod 000 "$C/smtproutes"
inject r2@remote.example routes
until_deferred r2@remote.example
[ "$(deferred r2@remote.example)" -ge 1 ]; ok $? "smtproutes unreadable: deferred ($(grep "rcpt=r2@" "$T_DIR/send.log" | sed -n 's/.*text=//p' | head -n 1))"
is "$(count routes)" 0 "not delivered anywhere meanwhile"
chmod 644 "$C/smtproutes"
until_delivered routes
is "$(count routes)" 1 "delivered once smtproutes is readable"

# 5. a missing Maildir: berth-local defers, and delivers once it exists again.
mv "$BERTH_HOME/alias/Maildir" "$BERTH_HOME/alias/Maildir.away"
inject postmaster@test.example nomaildir
until_deferred postmaster@test.example
[ "$(deferred postmaster@test.example)" -ge 1 ]; ok $? "missing Maildir: deferred ($(grep "rcpt=postmaster@" "$T_DIR/send.log" | sed -n 's/.*text=//p' | head -n 1))"
mv "$BERTH_HOME/alias/Maildir.away" "$BERTH_HOME/alias/Maildir"
until_delivered nomaildir
is "$(count nomaildir)" 1 "delivered once the Maildir is back"

# 6. a local delivery that hangs (a .qmail program that never exits): killed with its whole process
# group at control/timeoutlocal, deferred, delivered once the .qmail is fixed.
hq=$BERTH_HOME/alias/.qmail-hang
printf '|exec sleep 3171\n' > "$hq"; own "$hq"; chmod 644 "$hq"
inject hang@test.example hanglocal
until_deferred hang@test.example
[ "$(deferred hang@test.example)" -ge 1 ]; ok $? "hanging .qmail program: deferred ($(grep "rcpt=hang@" "$T_DIR/send.log" | sed -n 's/.*text=//p' | head -n 1))"
grep "rcpt=hang@" "$T_DIR/send.log" | grep -q 'timed out after 2 seconds'; ok $? "the deferral says it timed out"
n=0; while [ $n -lt 30 ] && pgrep -f 'sleep 3171' >/dev/null; do sleep 0.1; n=$((n + 1)); done
pgrep -f 'sleep 3171' >/dev/null; is $? 1 "the hung program was killed"
printf './Maildir/\n' > "$hq"
until_delivered hanglocal
is "$(count hanglocal)" 1 "delivered once the .qmail is fixed"

is "$(bounced)" 0 "no fault produced a bounce"
q=$BERTH_HOME/queue
is "$(find "$q/todo" "$q/state" -type f | wc -l | tr -d ' ')" 0 "the queue is empty at the end"
t_done

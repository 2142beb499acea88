#!/bin/sh
# berth-send: retries on qmail's schedule (time shortened by control/retryscale), queuelifetime
# turning deferrals into bounce records, permanent failures recorded for the bouncer, SIGALRM.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 60
send_setup
ctl locals test.example
ctl retryscale 400
FAKE_ZFIRST=2 FAKE_Z_RE='^never@' FAKE_D_RE='^perm@' 
export FAKE_ZFIRST FAKE_Z_RE FAKE_D_RE
send_start
# hup: SIGHUP, then wait until berth-send logged the reread
hup () {
  n0=$(grep -c 'event=reread' "$SEND_LOG")
  kill -HUP "$SEND_PID"
  reread () { [ "$(grep -c 'event=reread' "$SEND_LOG")" -gt "$n0" ]; }
  wait_until 5 reread
}

inject a@x.example twice@test.example
inject a@x.example r2@far.example
T=$FAKE_DIR/tries
tries_of () { n=$(grep -c " $1 " "$T" 2>/dev/null); echo "${n:-0}"; }
has_k () { grep -q " $1 K\$" "$T" 2>/dev/null; }
wait_until 10 has_k twice@test.example; ok $? "local recipient delivered after two deferrals"
is "$(tries_of twice@test.example)" 3 "three tries"
# schedule: a deferral at age d (seconds) is retried at birth + (isqrt(d*400) + chanskip)^2 / 400;
# the log's delay= field is the age at each result.
sched () { grep "event=delivery .*rcpt=$1 " "$SEND_LOG" | sed 's/.* delay=\([0-9.]*\) .*/\1/' | awk -v skip="$2" '
  function isqrt(x,  r) { r = int(sqrt(x)); while (r * r > x) r--; while ((r + 1) * (r + 1) <= x) r++; return r }
  { d[n++] = $1 }
  END { bad = (n != 3)
        for (i = 1; i < n; i++) { want = (isqrt(int(d[i-1] * 400)) + skip) ^ 2 / 400
          printf "# try %d at %.3f s, expected %.3f s\n", i + 1, d[i], want
          if (d[i] < want - 0.01 || d[i] > want + 0.5) bad = 1 }
        exit bad }'; }
sched twice@test.example 10; ok $? "local retries on qmail's schedule (chanskip 10)"
wait_until 20 has_k r2@far.example; ok $? "remote recipient delivered after two deferrals"
sched r2@far.example 20; ok $? "remote retries on qmail's schedule (chanskip 20)"

# queuelifetime 1000 s, 2.5 s at this scale
ctl queuelifetime 1000
hup
inject a@x.example never@test.example perm@test.example
B=$BERTH_HOME/queue/bounce
bounced () { grep -q 'event=delivery.*rcpt=never@test.example .*status=expired' "$SEND_LOG"; }
wait_until 10 bounced; ok $? "queuelifetime: a deferral after the lifetime expires (status=expired, then a bounce)"
grep -q 'event=delivery.*rcpt=perm@test.example .*dsn=5\.[0-9.]* status=bounced' "$SEND_LOG"; ok $? "a permanent failure within the lifetime is status=bounced with a 5.x.x dsn"
! grep -q 'rcpt=never@test.example .*status=bounced' "$SEND_LOG"; ok $? "the expired recipient is never logged as bounced"
f=$(ls "$B" | head -n 1)
[ -n "$f" ] && tr '\000' '\n' < "$B/$f" > "$T_DIR/bounce.txt"
grep -q '^Rperm@test.example$' "$T_DIR/bounce.txt"; ok $? "permanent failure recorded for the bouncer"
grep -q '^Xfake permanent failure for perm@test.example$' "$T_DIR/bounce.txt"; ok $? "with the deliverer's text"
grep -q '^Rnever@test.example$' "$T_DIR/bounce.txt" && grep -q "^Xfake deferral .* for never@test.example I'm not going to try again" "$T_DIR/bounce.txt"
ok $? "lifetime expiry recorded with qmail's text"
grep -q '^SL$' "$T_DIR/bounce.txt" && grep -q '^SD$' "$T_DIR/bounce.txt"; ok $? "status L (lifetime) and D (permanent)"
n=$(tries_of never@test.example)
[ "$n" -ge 4 ] && [ "$n" -le 6 ]; ok $? "never@ tried $n times within the lifetime"
[ -f "$BERTH_HOME/queue/mess/$f" ] && [ -f "$BERTH_HOME/queue/state/$f" ]; ok $? "message kept while its bounce is pending"
grep -q "event=bounce-pending id=$f" "$SEND_LOG"; ok $? "bounce-pending logged"
BERTH_HOME=$BERTH_HOME berth-qread > "$T_DIR/qread.txt" 2>&1
grep -q "^$f .* expired$" "$T_DIR/qread.txt" && grep -q "next attempt: expired (queue lifetime over), waiting for the bouncer" "$T_DIR/qread.txt"
ok $? "berth-qread shows the message as expired until the bounce removes it"
BERTH_HOME=$BERTH_HOME berth-qread --json | grep -q '"status":"expired"'; ok $? "berth-qread --json: status expired"
# a bouncer removes the record and triggers: the message leaves the queue
rm -f "$B/$f"; printf x > "$BERTH_HOME/queue/lock/trigger"
ended () { grep -q "event=end id=$f" "$SEND_LOG"; }
wait_until 5 ended; ok $? "message removed once its bounce is gone"
wait_until 5 queue_empty; ok $? "queue empty"

# SIGALRM: a deferral with real-time delays (100 s) is retried at once
ctl retryscale 1
ctl queuelifetime 604800
hup
inject a@x.example alrm@test.example
one_try () { [ "$(tries_of alrm@test.example)" -ge 1 ]; }
wait_until 5 one_try
sleep 0.5
is "$(tries_of alrm@test.example)" 1 "deferred, next try far away"
kill -ALRM "$SEND_PID"; sleep 0.5; kill -ALRM "$SEND_PID"
wait_until 5 has_k alrm@test.example; ok $? "SIGALRM retried it now (delivered on the third try)"

# concurrencylocal 0 holds the channel; a torn bounce record is cut before the next append
ctl concurrencylocal 0
hup
inject a@x.example perm@test.example
# (no state file yet: a message is delivered from todo/ until a result needs a mark)
newmsg () { [ -n "$(ls "$BERTH_HOME/queue/mess")" ] && grep -q "event=new id=$(ls "$BERTH_HOME/queue/mess")" "$SEND_LOG"; }
wait_until 5 newmsg
id=$(ls "$BERTH_HOME/queue/mess")
as_user sh -c "printf 'Rtorn@x.example\000SD\000T1' > '$B/$id'"
sleep 0.5
is "$(tries_of perm@test.example)" 1 "concurrencylocal 0: nothing started"
ctl concurrencylocal 10
kill -HUP "$SEND_PID"
pbounced () { [ "$(grep -c 'rcpt=perm@test.example .*status=bounced' "$SEND_LOG")" -ge 2 ]; }
wait_until 5 pbounced; ok $? "delivered after concurrencylocal is raised"
is "$(tr '\000' '\n' < "$B/$id" | grep -c '^R')" 1 "the torn record was cut, one complete record appended"
tail -c 2 "$B/$id" | od -An -c | grep -q '\\0  \\0'; ok $? "the file ends with the record terminator"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
t_done

#!/bin/sh
# berth-send crash safety: SIGKILL berth-send and its spawners at random moments while 500
# messages flow in, restart each time; at the end every recipient was delivered at least once.
# Duplicates (delivered, killed before the result was recorded) are counted and reported.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 90
send_setup
ctl locals test.example
FAKE_SLEEP=0.05 FAKE_EARLY=1
export FAKE_SLEEP FAKE_EARLY
send_start

N=500
( as_user "$BERTH_TOP/tests/send-inject" 1 250 "$FAKE_DIR/env1" > "$T_DIR/inject1.rc" &
  as_user "$BERTH_TOP/tests/send-inject" 251 "$N" "$FAKE_DIR/env2" > "$T_DIR/inject2.rc"
  wait ) &
INJ=$!
echo "$INJ" >> "$T_DIR/pids"

want=$((N + N / 5))
unique () { awk '{ print $2 }' "$FAKE_DIR/deliveries" 2>/dev/null | sort -u | wc -l | tr -d ' '; }
all_delivered () { [ "$(unique)" -ge "$want" ]; }
kills=0 seed=$$
while [ "$kills" -lt 10 ] && ! all_delivered; do
  seed=$((seed + 1))
  sleep "$(awk -v s="$seed" 'BEGIN { srand(s); printf "%.2f", 0.1 + rand() * 0.4 }')"
  kids=$(children_of "$SEND_PID")
  kill -KILL "$SEND_PID" $kids 2>/dev/null
  wait "$SEND_PID" 2>/dev/null
  kills=$((kills + 1))
  send_start
done
wait "$INJ"
diag "killed berth-send and its spawners $kills times"
is "$(cat "$T_DIR"/inject?.rc | grep -c '^0$')" "$N" "$N messages accepted by berth-queue"
diag "delivered when the kills stopped: $(unique)"
wait_until 60 all_delivered
is "$(unique)" "$want" "every recipient delivered at least once"
total=$(count_lines "$FAKE_DIR/deliveries")
dups=$((total - $(unique)))
diag "deliveries: $total for $want recipients, duplicates: $dups"
# a duplicate needs a job running (or answered) at the kill: at most 10 local + 20 remote per kill
[ "$dups" -le $((kills * 30)) ]; ok $? "duplicates ($dups) only from jobs running at a kill"
# a recipient recorded as sent is never handed out again: at most one "sent" per recipient
twice=$(grep 'event=delivery .*status=sent' "$SEND_LOG" | sed 's/.* rcpt=\([^ ]*\) .*/\1/' | sort | uniq -d | wc -l | tr -d ' ')
is "$twice" 0 "no recipient recorded as sent twice"
wait_until 10 queue_empty; ok $? "queue empty at the end"
[ -z "$(ls "$BERTH_HOME/queue/bounce")" ]; ok $? "no bounce records"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
t_done

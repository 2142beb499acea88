#!/bin/sh
# berth-send: SIGTERM during load stops taking jobs, lets the running ones finish and records
# them, exits 0; a restart finishes the queue with nothing lost and nothing delivered twice.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 40
send_setup
ctl locals test.example
ctl concurrencylocal 5
FAKE_SLEEP=0.4
export FAKE_SLEEP
send_start
N=40
i=1; while [ "$i" -le "$N" ]; do inject s@x.example "u$i@test.example"; i=$((i + 1)); done
some () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge 5 ]; }
wait_until 10 some
t0=$(date +%s)
kill -TERM "$SEND_PID"
wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
[ $(( $(date +%s) - t0 )) -le 3 ]; ok $? "stopped within the running jobs' time"
jobs=$(count_lines "$FAKE_DIR/local.jobs")
recorded=$(grep -c 'event=delivery' "$SEND_LOG")
is "$recorded" "$jobs" "every job started before the stop was recorded ($jobs)"
[ "$jobs" -lt "$N" ]; ok $? "no new jobs after SIGTERM ($jobs of $N started)"
grep -q 'event=stopping' "$SEND_LOG" && grep -q 'event=exit' "$SEND_LOG"; ok $? "stop logged"
send_start
all () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge "$N" ]; }
wait_until 20 all; ok $? "the restart delivers the rest"
wait_until 5 queue_empty; ok $? "queue empty"
is "$(awk '{ print $2 }' "$FAKE_DIR/deliveries" | sort -u | wc -l | tr -d ' ')" "$N" "all $N recipients delivered"
is "$(count_lines "$FAKE_DIR/deliveries")" "$N" "none twice"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
send_done

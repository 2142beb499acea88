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
N=40
as_user "$BERTH_TOP/tests/send-inject" 1 "$N" "$FAKE_DIR/env" > "$T_DIR/inject.rc"
is "$(grep -c '^0$' "$T_DIR/inject.rc")" "$N" "$N messages queued"
W=$((N + N / 5))
send_start
some () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge 5 ]; }
wait_until 10 some
t0=$(date +%s)
kill -TERM "$SEND_PID"
wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
[ $(( $(date +%s) - t0 )) -le 3 ]; ok $? "stopped within the running jobs' time"
jobs=$(( $(count_lines "$FAKE_DIR/local.jobs") + $(count_lines "$FAKE_DIR/remote.jobs") ))
recorded=$(grep -c 'event=delivery' "$SEND_LOG")
is "$recorded" "$jobs" "every job started before the stop was recorded ($jobs)"
[ "$jobs" -lt "$W" ]; ok $? "no new jobs after SIGTERM ($jobs of $W started)"
grep -q 'event=stopping' "$SEND_LOG" && grep -q 'event=exit' "$SEND_LOG"; ok $? "stop logged"
grep 'event=stopping' "$SEND_LOG" | grep -qv 'local=0 .*remote=0 '; ok $? "jobs were running when SIGTERM came"
send_start
all () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge "$W" ]; }
wait_until 20 all; ok $? "the restart delivers the rest"
wait_until 5 queue_empty; ok $? "queue empty"
is "$(awk '{ print $2 }' "$FAKE_DIR/deliveries" | sort -u | wc -l | tr -d ' ')" "$W" "all $W recipients delivered"
is "$(count_lines "$FAKE_DIR/deliveries")" "$W" "none twice"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
t_done

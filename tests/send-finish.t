#!/bin/sh
# berth-send's removal without marks (doc/send-state.md): a message whose last job ends it is
# removed with no done mark written; a state file left without its mess/ file (a removal cut
# between its two unlinks) is finished at start, never delivered; a state file with its mess/
# file and pending recipients is still delivered; preprocessing works through a large todo/
# in batches.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 40
send_setup
ctl locals test.example
Q=$BERTH_HOME/queue
mkdir -p "$Q/state"
# a removal cut after the unlink of mess/: all T, no mess -> finished, not delivered
printf 'B1000\0Fa@x.example\0TLcut@test.example\0\0' > "$Q/state/1.1.1"
# a live preprocessed message: all T, mess present -> delivered
printf 'B1000\0Fa@x.example\0TLlive@test.example\0\0' > "$Q/state/1.1.2"
printf 'Subject: live\n\nbody for live@test.example\n' > "$Q/mess/1.1.2"
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$Q/state" "$Q/mess"
send_start
delivered_ge () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge "$1" ]; }
wait_until 10 delivered_ge 1
wait_until 5 queue_empty; ok $? "queue empty: the cut removal finished, the live message delivered"
grep -q 'event=end id=1.1.1' "$SEND_LOG"; ok $? "the state file without mess/ ended with a log line"
grep -q 'cut@test.example' "$FAKE_DIR/deliveries"; is "$?" 1 "and was not delivered"
grep -q 'live@test.example' "$FAKE_DIR/deliveries"; ok $? "the state file with mess/ was delivered"

# 300 messages queued at once: preprocessed in batches, every one delivered once
before=$(count_lines "$FAKE_DIR/deliveries")
i=0; while [ $i -lt 300 ]; do echo "r$i@test.example"; i=$((i + 1)); done > "$T_DIR/list"
inject_list < "$T_DIR/list"
wait_until 30 delivered_ge $((before + 300))
is "$(count_lines "$FAKE_DIR/deliveries")" $((before + 300)) "300 injected, 300 delivered"
is "$(grep -c 'event=delivery.*status=sent' "$SEND_LOG")" 301 "one sent line each"
wait_until 5 queue_empty; ok $? "queue empty again (no mark needed, no state file left)"
t_done

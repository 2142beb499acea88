#!/bin/sh
# berth-send's removal without marks (doc/send-state.md): a message whose last job ends it is
# removed with no done mark written; a state file left without its mess/ file (a removal cut
# between its two unlinks) is finished at start, never delivered, and so is a todo/ file with a
# partial state file beside it; a state file with its mess/
# file and pending recipients is still delivered; preprocessing works through a large todo/
# in batches; a backlog read from todo/ while berth-send was stopped, a third of it deferred
# (state files written then), the rest removed from memory as it goes.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 50
send_setup
ctl locals test.example
Q=$BERTH_HOME/queue
mkdir -p "$Q/state"
# a removal cut after the unlink of mess/: all T, no mess -> finished, not delivered
printf 'B1000\0Fa@x.example\0TLcut@test.example\0\0' > "$Q/state/1.1.1"
# a live preprocessed message: all T, mess present -> delivered
printf 'B1000\0Fa@x.example\0TLlive@test.example\0\0' > "$Q/state/1.1.2"
printf 'Subject: live\n\nbody for live@test.example\n' > "$Q/mess/1.1.2"
# the same cut with todo/ still there and a state file being written when the crash came: both go
printf 'Fa@x.example\0Tcut3@test.example\0\0' > "$Q/todo/1.1.3"
: > "$Q/state/1.1.3"
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$Q/state" "$Q/mess" "$Q/todo"
send_start
delivered_ge () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge "$1" ]; }
wait_until 10 delivered_ge 1
wait_until 5 queue_empty; ok $? "queue empty: the cut removal finished, the live message delivered"
grep -q 'event=end id=1.1.1' "$SEND_LOG"; ok $? "the state file without mess/ ended with a log line"
grep -q 'cut@test.example' "$FAKE_DIR/deliveries"; is "$?" 1 "and was not delivered"
grep -q 'live@test.example' "$FAKE_DIR/deliveries"; ok $? "the state file with mess/ was delivered"
[ ! -e "$Q/todo/1.1.3" ] && [ ! -e "$Q/state/1.1.3" ] && ! grep -q 'cut3@test.example' "$FAKE_DIR/deliveries"; ok $? "a todo/ and a partial state file without mess/: both removed, nothing delivered"

# 300 messages queued at once: preprocessed in batches, every one delivered once
before=$(count_lines "$FAKE_DIR/deliveries")
i=0; while [ $i -lt 300 ]; do echo "r$i@test.example"; i=$((i + 1)); done > "$T_DIR/list"
inject_list < "$T_DIR/list"
wait_until 30 delivered_ge $((before + 300))
is "$(count_lines "$FAKE_DIR/deliveries")" $((before + 300)) "300 injected, 300 delivered"
is "$(grep -c 'event=delivery.*status=sent' "$SEND_LOG")" 301 "one sent line each"
wait_until 5 queue_empty; ok $? "queue empty again (no mark needed, no state file left)"

# a backlog of 600 in todo/ at start: hundreds in memory at once, removals and deferrals mixed,
# the todo/ listing checked against the messages in memory by id
kill -TERM "$SEND_PID"; wait "$SEND_PID"
before=$(count_lines "$FAKE_DIR/deliveries")
i=0; while [ $i -lt 600 ]; do if [ $((i % 3)) = 0 ]; then echo "z$i@test.example"; else echo "k$i@test.example"; fi; i=$((i + 1)); done > "$T_DIR/list"
inject_list < "$T_DIR/list"
is "$(ls "$Q/todo" | wc -l)" 600 "600 messages wait in todo/"
FAKE_Z_RE='^z' send_start
wait_until 30 delivered_ge $((before + 400))
is "$(count_lines "$FAKE_DIR/deliveries")" $((before + 400)) "the 400 deliverable ones delivered once each"
nstate () { [ "$(ls "$Q/state" | wc -l)" -ge 200 ]; }
wait_until 10 nstate
is "$(ls "$Q/state" | wc -l)" 200 "the 200 deferred ones have state files"
is "$(ls "$Q/todo" | wc -l)" 0 "and todo/ is empty"
inject a@x.example late@test.example
late () { grep -q 'late@test.example' "$FAKE_DIR/deliveries"; }
wait_until 5 late; ok $? "berth-send still answers: a new message is delivered"
t_done

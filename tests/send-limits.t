#!/bin/sh
# berth-send: concurrencylocal/concurrencyremote hold with slow spawners; a slow local channel
# does not hold up the remote one.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 30
send_setup
ctl locals test.example
ctl concurrencylocal 3
ctl concurrencyremote 2
FAKE_SLEEP_local=1 FAKE_SLEEP_remote=0.2
export FAKE_SLEEP_local FAKE_SLEEP_remote
# everything queued before berth-send starts, so the limits are reached whatever the load
{ for i in 1 2 3 4 5 6 7 8 9; do echo "l$i@test.example"; done
  for i in 1 2 3 4 5 6; do echo "r$i@d$i.example"; done; } | inject_list
ok $? "15 messages queued"
send_start
remote_done () { [ "$(grep -c ' remote .* K$' "$FAKE_DIR/tries" 2>/dev/null)" = 6 ]; }
wait_until 10 remote_done; ok $? "6 remote deliveries done"
lnow=$(grep -c ' local .* K$' "$FAKE_DIR/tries")
[ "$lnow" -lt 9 ]; ok $? "meanwhile the slow local channel is still busy ($lnow/9 done): no blocking"
local_done () { [ "$(grep -c ' local .* K$' "$FAKE_DIR/tries" 2>/dev/null)" = 9 ]; }
wait_until 15 local_done; ok $? "9 local deliveries done"
is "$(cat "$FAKE_DIR/local.max")" 3 "at most concurrencylocal (3) local jobs at once"
is "$(cat "$FAKE_DIR/remote.max")" 2 "at most concurrencyremote (2) remote jobs at once"
grep -q 'event=delivery .*status=sent' "$SEND_LOG"; ok $? "deliveries logged"
wait_until 5 queue_empty; ok $? "queue empty"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
t_done

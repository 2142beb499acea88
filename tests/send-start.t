#!/bin/sh
# berth-start: the fd layout between berth-send and the spawners (berth-send's 3/4 are the local
# spawner's 0/1, 5/6 the remote spawner's), and privileges: as root only the local spawner keeps
# root; berth-send and the remote spawner run as the owner of HOME/queue.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 60
send_setup
if [ "$(id -u)" = 0 ]; then
  berth-start 2>>"$SEND_LOG" &
  SEND_PID=$!
  echo "$SEND_PID" >> "$T_DIR/pids"
else
  send_start
fi
# two N: berth-send has started N times (its fds are set up) and has two children
two () { [ "$(grep -c 'event=start' "$SEND_LOG")" -ge "$1" ] && [ -f "$FAKE_DIR/local.uid" ] && [ -f "$FAKE_DIR/remote.uid" ] && [ "$(children_of "$SEND_PID" | wc -l)" = 2 ]; }
wait_until 10 two 1; ok $? "two spawners running as berth-send's children"
owner=$(stat -c %u "$BERTH_HOME/queue")
suid=$(awk '/^Uid:/ { print $2 }' "/proc/$SEND_PID/status")
is "$suid" "$owner" "berth-send runs as the queue owner"
is "$(cat "$FAKE_DIR/remote.uid")" "$owner" "the remote spawner runs as the queue owner"
is "$(cat "$FAKE_DIR/local.uid")" "$(id -u)" "the local spawner keeps berth-start's uid"
lsp= rsp=
for p in $(children_of "$SEND_PID"); do
  if [ "$(readlink "/proc/$p/fd/0")" = "$(readlink "/proc/$SEND_PID/fd/3")" ]; then lsp=$p; fi
  if [ "$(readlink "/proc/$p/fd/0")" = "$(readlink "/proc/$SEND_PID/fd/5")" ]; then rsp=$p; fi
done
[ -n "$lsp" ] && [ "$(readlink "/proc/$lsp/fd/1")" = "$(readlink "/proc/$SEND_PID/fd/4")" ]; ok $? "fd 3 -> local spawner's fd 0, its fd 1 -> fd 4"
[ -n "$rsp" ] && [ "$(readlink "/proc/$rsp/fd/1")" = "$(readlink "/proc/$SEND_PID/fd/6")" ]; ok $? "fd 5 -> remote spawner's fd 0, its fd 1 -> fd 6"
[ -n "$lsp" ] && [ "$(cat "$FAKE_DIR/local.uid")" = "$(awk '/^Uid:/ { print $2 }' "/proc/$lsp/status")" ]; ok $? "local spawner identified"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
gone () { ! kill -0 "$lsp" 2>/dev/null && ! kill -0 "$rsp" 2>/dev/null; }
wait_until 5 gone; ok $? "the spawners exit on EOF"
# a spawner that dies: berth-send exits 111 (the supervisor restarts the lot)
rm -f "$FAKE_DIR/local.uid" "$FAKE_DIR/remote.uid"
send_start
wait_until 10 two 2
victim=
for p in $(children_of "$SEND_PID"); do
  [ "$(readlink "/proc/$p/fd/0")" = "$(readlink "/proc/$SEND_PID/fd/3")" ] && victim=$p
done
if [ -n "$victim" ]; then
  kill -KILL "$victim"
  wait "$SEND_PID"; is "$?" 111 "a dead local spawner: berth-send exits 111"
else
  kill -TERM "$SEND_PID"; ok 1 "a dead local spawner: berth-send exits 111 (spawner not found)"
fi
grep -q 'berth-send: fatal: unable to read results from the local spawner' "$SEND_LOG"; ok $? "and says why"
BERTH_LSPAWN=/nonexistent/x berth-send 2>/dev/null; r=$?
[ "$r" = 100 ]; ok $? "berth-send alone (no fds 3-6, or as root) exits 100"
t_done

#!/bin/sh
# SIGKILL one process of the delivery set at a time, in turn berth-send, berth-lspawn,
# berth-rspawn, a running berth-local, a running berth-remote, while 200 messages flow (half to
# a local Maildir, half through berth-remote to a loopback sink). berth-send dies with its
# spawners; berth-start is restarted then, as s6 would. None may be lost; duplicates (delivered,
# killed before the result was recorded) are counted. pipeline-crash.t kills the whole group.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 100
t_instance
P=$(free_port)
sink sink 127.0.0.1 "$P" --stall 0.05
wait_listen 127.0.0.1 "$P" || { echo "Bail out! sink did not start"; exit 1; }
ctl smtproutes ":[127.0.0.1]:$P"
# a slower local delivery (a program step first), so that berth-local can be caught running
printf '|sleep 0.05\n./Maildir/\n' > "$BERTH_HOME/alias/.qmail-postmaster"
[ "$(id -u)" = 0 ] && chown "$TESTUSER" "$BERTH_HOME/alias/.qmail-postmaster"
md=$BERTH_HOME/alias/Maildir/new
N=200
start_send () { # own process group: its members are found with pgrep -g, killed one at a time
  if [ "$(id -u)" = 0 ]; then setsid s6-setuidgid "$TESTUSER" berth-start 2>>"$T_DIR/send.log" &
  else setsid berth-start 2>>"$T_DIR/send.log" & fi
  SEND=$!; echo "$SEND" >> "$T_DIR/pids"
}
printf 'Fsender@example.org\0Tpostmaster@test.example\0\0' > "$T_DIR/el"
printf 'Fsender@example.org\0Tr@remote.example\0\0' > "$T_DIR/er"
chmod 644 "$T_DIR/el" "$T_DIR/er"
( i=0; while [ $i -lt $N ]; do
    if [ $((i % 2)) = 0 ]; then e=el; else e=er; fi
    printf 'Subject: fk %d\n\nmessage %d\n' $i $i | as_user berth-queue 1< "$T_DIR/$e" || echo "inject $i failed" >> "$T_DIR/inject.err"
    i=$((i + 1)); sleep 0.02; done ) &
INJ=$!; echo "$INJ" >> "$T_DIR/pids"
start_send
# kill NAME: SIGKILL one running NAME of the current set (waits for one, at most 3 s)
killone () {
  n=0
  while [ $n -lt 150 ]; do
    if [ "$1" = berth-local ]; then
      # a delivery runs in its own process group (killed whole at control/timeoutlocal): it is
      # a child of berth-lspawn
      l=$(pgrep -g "$SEND" -x berth-lspawn | head -n 1)
      p=$([ -n "$l" ] && pgrep -P "$l" | head -n 1)
    else p=$(pgrep -g "$SEND" -x "$1" | head -n 1); fi
    [ -n "$p" ] && kill -KILL "$p" 2>/dev/null && { echo "$1" >> "$T_DIR/killed"; return 0; }
    sleep 0.02; n=$((n + 1))
  done
  return 1
}
round=0
while [ $round -lt 10 ]; do
  sleep 0.3
  case $((round % 5)) in
    0) killone berth-send ;; 1) killone berth-lspawn ;; 2) killone berth-rspawn ;;
    3) killone berth-local ;; 4) killone berth-remote ;;
  esac
  sleep 0.2
  # berth-send exits when a spawner goes away: restart the set, as the supervisor does
  if ! kill -0 "$SEND" 2>/dev/null || [ -z "$(pgrep -g "$SEND" -x berth-send)" ]; then
    /bin/kill -KILL -- "-$SEND" 2>/dev/null; wait "$SEND" 2>/dev/null; start_send
  fi
  round=$((round + 1))
done
wait "$INJ"
for k in berth-send berth-lspawn berth-rspawn berth-local berth-remote; do
  c=$(grep -cx "$k" "$T_DIR/killed" 2>/dev/null)
  [ "${c:-0}" -ge 1 ]; ok $? "$k killed $c times while mail flowed"
done
[ ! -s "$T_DIR/inject.err" ]; ok $? "every injection succeeded"
# killed jobs were deferred: ask for their retry now (SIGALRM) until the queue drains (30 s at most)
q=$BERTH_HOME/queue
n=0; while [ $n -lt 300 ] && [ "$(find "$q/state" "$q/todo" -type f | wc -l)" != 0 ]; do
  [ $((n % 10)) = 0 ] && kill -ALRM "$SEND" 2>/dev/null
  sleep 0.1; n=$((n + 1)); done
is "$(find "$q/state" "$q/todo" -type f | wc -l | tr -d ' ')" 0 "the queue drains after the last restart"
grep -h '^Subject: fk ' "$md"/* "$T_DIR"/sink/*.eml 2>/dev/null | tr -d '\r' | sort | uniq -c > "$T_DIR/counts"
is "$(wc -l < "$T_DIR/counts" | tr -d ' ')" "$N" "every one of the $N messages was delivered (none lost)"
is "$(grep -l '^Subject: fk ' "$T_DIR"/sink/*.eml | wc -l | tr -d ' ')" "$(awk '$4 % 2 == 1' "$T_DIR/counts" | awk '{ s += $1 } END { print s + 0 }')" "remote ones reached the sink, local ones the Maildir"
dups=$(awk '$1 > 1 { d += $1 - 1 } END { print d + 0 }' "$T_DIR/counts")
kills=$(wc -l < "$T_DIR/killed" | tr -d ' ')
diag "duplicates: $dups over $kills kills; berth-send started $(grep -c 'event=start ' "$T_DIR/send.log") times"
[ "$dups" -le $((kills * 20)) ]; ok $? "duplicates stay within the window (at most 20 per kill)"
t_done

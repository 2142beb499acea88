#!/bin/sh
# SIGKILL berth-send, both spawners and any running berth-local (the set's process group, and the
# deliveries' own groups) at
# random moments while 300 messages flow to a Maildir; restart each time. Every message must be
# delivered at least once; duplicates (the window between a delivery and its record) are counted.
. "$BERTH_TOP/tests/lib.sh"
t_start 120
t_instance
# A delivery killed a moment before its set can be reported (Z) and recorded as a deferral,
# retried on qmail's schedule (the first local retry 100 s after the message arrived) also after
# a restart: scaled down here, that retry comes within the drain's wait below.
echo 100 > "$BERTH_HOME/control/retryscale"
md=$BERTH_HOME/alias/Maildir/new
N=300
start_send () { # in its own process group, so that one kill reaches every process of the set
  if [ "$(id -u)" = 0 ]; then setsid s6-setuidgid "$TESTUSER" berth-start 2>>"$T_DIR/send.log" &
  else setsid berth-start 2>>"$T_DIR/send.log" & fi
  SEND=$!; echo "$SEND" >> "$T_DIR/pids"
}
printf 'Fsender@example.org\0Tpostmaster@test.example\0\0' > "$T_DIR/e"; chmod 644 "$T_DIR/e"
( i=0; while [ $i -lt $N ]; do
    printf 'Subject: crash %d\n\nmessage %d\n' $i $i | as_user berth-queue 1< "$T_DIR/e" 2>>"$T_DIR/inject.err" \
      || echo "inject $i failed: exit $?" >> "$T_DIR/inject.err"
    i=$((i + 1)); done ) &
INJ=$!; echo "$INJ" >> "$T_DIR/pids"
starts () { grep -c 'event=start ' "$T_DIR/send.log" 2>/dev/null; }
started () { [ "$(starts)" -gt "$kills" ]; }
kills=0
start_send
while [ $kills -lt 8 ]; do
  # each kill must hit a running berth-send: wait (bounded) for this start's log line first
  wait_until 10 started || break
  sleep "$(awk -v s="$$$kills" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() * 0.6 }')"
  # running deliveries first (each in its own process group, a child of berth-lspawn), then the set
  l=$(pgrep -g "$SEND" -x berth-lspawn | head -n 1); [ -n "$l" ] && pkill -KILL -P "$l"
  /bin/kill -KILL -- "-$SEND" 2>/dev/null && kills=$((kills + 1))
  wait "$SEND" 2>/dev/null
  start_send
done
wait "$INJ"
wait_until 10 started
[ "$(starts)" -ge $((kills + 1)) ] && [ "$kills" -ge 8 ]; ok $? "$kills kills of a running delivery set, $(starts) starts of berth-send"
[ ! -s "$T_DIR/inject.err" ]; ok $? "every injection succeeded" || diag "$(head -5 "$T_DIR/inject.err")"
q=$BERTH_HOME/queue
n=0; while [ $n -lt 600 ] && [ "$(find "$q/state" "$q/todo" -type f | wc -l)" != 0 ]; do sleep 0.1; n=$((n + 1)); done
is "$(find "$q/state" "$q/todo" -type f | wc -l)" 0 "after the last restart the queue drains"
grep -h '^Subject: crash ' "$md"/* | sort | uniq -c > "$T_DIR/counts"
is "$(wc -l < "$T_DIR/counts" | tr -d ' ')" "$N" "every one of the $N messages was delivered (none lost)"
dups=$(awk '$1 > 1 { d += $1 - 1 } END { print d + 0 }' "$T_DIR/counts")
diag "duplicates: $dups over $kills kills (deliveries done but not yet recorded when killed)"
[ "$dups" -le $((kills * 10)) ]; ok $? "duplicates stay within the window (at most 10 per kill, the local concurrency)"
[ -z "$(ls "$BERTH_HOME/alias/Maildir/tmp")" ] || diag "tmp/ leftovers of killed deliveries: $(ls "$BERTH_HOME/alias/Maildir/tmp" | wc -l) (never in new/)"
t_done

#!/bin/sh
# SIGKILL berth-send, both spawners and any running berth-local (the whole process group) at
# random moments while 300 messages flow to a Maildir; restart each time. Every message must be
# delivered at least once; duplicates (the window between a delivery and its record) are counted.
. "$BERTH_TOP/tests/lib.sh"
t_start 120
t_instance
md=$BERTH_HOME/alias/Maildir/new
N=300
start_send () { # in its own process group, so that one kill reaches every process of the set
  if [ "$(id -u)" = 0 ]; then setsid s6-setuidgid "$TESTUSER" berth-start 2>>"$T_DIR/send.log" &
  else setsid berth-start 2>>"$T_DIR/send.log" & fi
  SEND=$!; echo "$SEND" >> "$T_DIR/pids"
}
printf 'Fsender@example.org\0Tpostmaster@test.example\0\0' > "$T_DIR/e"; chmod 644 "$T_DIR/e"
( i=0; while [ $i -lt $N ]; do
    printf 'Subject: crash %d\n\nmessage %d\n' $i $i | as_user berth-queue 1< "$T_DIR/e" || echo "inject $i failed" >> "$T_DIR/inject.err"
    i=$((i + 1)); done ) &
INJ=$!; echo "$INJ" >> "$T_DIR/pids"
start_send
kills=0
while [ $kills -lt 8 ]; do
  sleep "$(awk -v s="$$$kills" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() * 0.6 }')"
  /bin/kill -KILL -- "-$SEND" 2>/dev/null && kills=$((kills + 1))
  wait "$SEND" 2>/dev/null
  start_send
done
wait "$INJ"
# the last berth-send may still be starting when a fast injection has already ended
n=0; while [ $n -lt 100 ] && [ "$(grep -c 'event=start ' "$T_DIR/send.log")" -le "$kills" ]; do sleep 0.1; n=$((n + 1)); done
starts=$(grep -c 'event=start ' "$T_DIR/send.log")
[ "$starts" -ge $((kills + 1)) ] && [ "$kills" -ge 8 ]; ok $? "$kills kills of the whole delivery set, $starts starts of berth-send"
[ ! -s "$T_DIR/inject.err" ]; ok $? "every injection succeeded"
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

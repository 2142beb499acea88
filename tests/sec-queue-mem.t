#!/bin/sh
# Security review: berth-send's memory is bounded whatever the queue holds (doc/send-state.md,
# "Memory and scaling"). 100 held messages of 10,000 recipients (about 1 MB of envelope each:
# 160 MB in memory if all were read) and one normal message, berth-send under a 150 MB data
# limit: it stops reading at its 64 MiB bound (event=memory-full), stays up, and reads the rest
# once berth-qctl delete has made room (event=memory-room); the normal message is delivered.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
. "$BERTH_TOP/tests/sec-queue-lib.sh"
t_start 150
send_setup
ctl locals test.example
send_limited 150000000
"$PY" - <<'PY'
import os
q, uid = os.environ["Q"], os.environ["uid"].encode()
os.makedirs(os.path.join(q, "hold"), exist_ok=True)
env = bytearray(b"u" + uid + b"\0p1\0Fs@x.example\0")
for i in range(10000): env += b"T" + (b"r%d@test.example" % i).rjust(90, b"a") + b"\0"
env += b"\0"
for n in range(100):
    id = "2000.1.%d" % n
    open(os.path.join(q, "mess", id), "wb").write(b"Subject: x\n\nbody\n")
    open(os.path.join(q, "todo", id), "wb").write(env)
    open(os.path.join(q, "hold", id), "wb").close()
PY
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$Q/todo" "$Q/mess" "$Q/hold"
send_start
full () { grep -q 'event=memory-full' "$SEND_LOG"; }
wait_until 60 full; ok $? "berth-send stops reading at its bound (event=memory-full)"
sleep 1
n=$(grep -c 'event=new' "$SEND_LOG")
[ "$n" -ge 30 ] && [ "$n" -lt 100 ]; ok $? "... after some of the 100 messages ($n read)"
kill -0 "$SEND_PID" 2>/dev/null; ok $? "berth-send still running under its data limit"
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SEND_PID/status")
[ "$hwm" -lt 120000 ]; ok $? "its peak memory stays under 120 MB (${hwm} kB)"
diag "peak RSS ${hwm} kB with $n messages of 10,000 recipients in memory"
printf 'good@test.example\n' | inject_list
# delete what is in memory, in rounds, until every message has been read (each round frees
# room for the next ones, which are held too and fill it again)
: > "$T_DIR/deleted"
all () { [ "$(grep -c 'event=new id=2000' "$SEND_LOG")" -ge 100 ]; }
fulls () { grep -c 'event=memory-full' "$SEND_LOG"; }
round=0 rc=0
while [ $round -lt 5 ] && ! all; do
  round=$((round + 1))
  f=$(fulls)
  grep 'event=new id=2000' "$SEND_LOG" | sed 's/.* id=\([^ ]*\) .*/\1/' | sort > "$T_DIR/read"
  ids=$(sort "$T_DIR/deleted" | comm -23 "$T_DIR/read" - | tr '\n' ' ')
  as_user berth-qctl delete $ids > "$T_DIR/qctl.out" 2>&1 || rc=1
  printf '%s\n' $ids >> "$T_DIR/deleted"
  again () { all || [ "$(fulls)" -gt "$f" ]; }
  wait_until 60 again
done
is "$rc" 0 "berth-qctl delete of the messages in memory ($round rounds)"
grep -q 'event=memory-room' "$SEND_LOG"; ok $? "room again after the deletes (event=memory-room)"
all; ok $? "every one of the 100 is read in the end"
delivered () { grep -q 'good@test.example' "$FAKE_DIR/deliveries" 2>/dev/null; }
wait_until 60 delivered; ok $? "the normal message is delivered"
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SEND_PID/status")
[ "$hwm" -lt 120000 ]; ok $? "peak memory at the end still under 120 MB (${hwm} kB)"
grep -q fatal "$SEND_LOG"; is "$?" 1 "no fatal error"
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
t_done

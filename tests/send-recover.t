#!/bin/sh
# The seal (doc/queue.md): berth-queue commits a message with one fsync of its sealed file, and
# its todo/ link is not fsynced; a reboot may lose that link. berth-send, at its first start in
# a boot (queue/lock/boot holds another boot id, or none), links back into todo/ every sealed,
# whole message file that has no todo/ name and no whole state file, and only those: a torn file,
# a file never sealed (an older berth's, an envelope in its own file), and a message with a whole
# state file stay as they are; a partial state file (empty, zeros, cut short) or more names of
# the file (a pool slot, an old todo/ name) do not stop the relink. A restart in the same boot does not walk mess/. Removals leave nothing behind.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 60
send_setup
ctl locals test.example
Q=$BERTH_HOME/queue
bootid=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) || skip_all "no /proc/sys/kernel/random/boot_id"
idof () { grep -l "body for $1\$" "$Q"/mess/* | sed 's|.*/||'; }
for r in lost1 lost2 torn kept state; do inject a@x.example "$r@test.example" || echo "Bail out! inject $r"; done
# an envelope too big for the header: its own todo/ file, a header with no seal
rcpts=; i=0; while [ $i -lt 60 ]; do rcpts="$rcpts big$i@test.example"; i=$((i + 1)); done
inject a@x.example $rcpts || echo "Bail out! inject big"
big=$(grep -l 'body for big0@' "$Q"/mess/* | sed 's|.*/||')
lost1=$(idof lost1@test.example) lost2=$(idof lost2@test.example) torn=$(idof torn@test.example)
kept=$(idof kept@test.example) state=$(idof state@test.example)
[ -n "$lost1" ] && [ -n "$lost2" ] && [ -n "$torn" ] && [ -n "$kept" ] && [ -n "$state" ] && [ -n "$big" ]
ok $? "six messages queued by berth-queue"
# what a reboot can leave: the links into todo/ lost
rm -f "$Q/todo/$lost1" "$Q/todo/$lost2" "$Q/todo/$torn" "$Q/todo/$big"
# a torn one: a block of its message never written
printf 'X' | dd of="$Q/mess/$torn" bs=1 seek=1030 conv=notrunc 2>/dev/null
# one with a state file (berth-send had taken it over): not an orphan
rm -f "$Q/todo/$state"; mkdir -p "$Q/state"
printf 'B1000\0Fa@x.example\0TLstate@test.example\0\0' > "$Q/state/$state"
# an older berth's message file: no header, no seal
printf 'Subject: old\n\nbody for old@test.example\n' > "$Q/mess/1.1.1"
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$Q/state" "$Q/mess"
echo "another-boot" > "$Q/lock/boot"
send_start
started () { grep -q 'event=start' "$SEND_LOG"; }
wait_until 10 started
delivered () { grep -c " $1\$" "$FAKE_DIR/deliveries" 2>/dev/null || true; }
four () { [ "$(delivered lost1@test.example)" = 1 ] && [ "$(delivered lost2@test.example)" = 1 ] && [ "$(delivered kept@test.example)" = 1 ] && [ "$(delivered state@test.example)" = 1 ]; }
wait_until 20 four; ok $? "the two lost links relinked and delivered, with the untouched one and the state file's, once each"
is "$(grep -c 'event=recover' "$SEND_LOG")" 2 "two recover lines"
grep -q "event=recover id=$lost1" "$SEND_LOG" && grep -q "event=recover id=$lost2" "$SEND_LOG"; ok $? "naming the two"
is "$(delivered torn@test.example)" 0 "the torn file is not delivered"
[ -f "$Q/mess/$torn" ] && [ ! -e "$Q/todo/$torn" ]; ok $? "and stays in mess/ (a leftover, swept when stale)"
is "$(delivered big0@test.example)" 0 "an unsealed header (envelope in its own file) is not relinked"
[ -f "$Q/mess/1.1.1" ] && [ ! -e "$Q/todo/1.1.1" ]; ok $? "nor an older berth's file without a header"
is "$(head -n 1 "$Q/lock/boot")" "$bootid" "queue/lock/boot notes this boot"
grep -q "^m[0-9][0-9]*\$" "$Q/lock/boot"; ok $? "and the mount of the queue's filesystem"
gone () { [ ! -e "$Q/mess/$1" ] && [ ! -e "$Q/todo/$1" ] && [ ! -e "$Q/state/$1" ]; }
gone4 () { gone "$lost1" && gone "$lost2" && gone "$kept" && gone "$state"; }
wait_until 10 gone4; ok $? "the delivered messages removed: no mess/, todo/ or state/ name left"

# a restart in the same boot: no walk (a link that succeeded cannot be lost without a reboot)
kill -TERM "$SEND_PID"; wait "$SEND_PID"
inject a@x.example same@test.example || echo "Bail out! inject same"
same=$(idof same@test.example)
rm -f "$Q/todo/$same"
: > "$SEND_LOG"
send_start
wait_until 10 started
sleep 0.3
is "$(grep -c 'event=recover' "$SEND_LOG")" 0 "same boot: no recovery walk"
is "$(delivered same@test.example)" 0 "the unlinked file waits"
kill -TERM "$SEND_PID"; wait "$SEND_PID"
# the same boot, another mount of the queue's filesystem (unmounted and mounted again, as after
# an I/O error): the walk runs
printf '%s\nm999999999\n' "$bootid" > "$Q/lock/boot"
: > "$SEND_LOG"
send_start
wait_until 10 started
one () { [ "$(delivered same@test.example)" = 1 ]; }
wait_until 10 one; ok $? "same boot, another mount: the walk runs, it is delivered"
grep -q "event=recover id=$same" "$SEND_LOG"; ok $? "with its recover line"
kill -TERM "$SEND_PID"; wait "$SEND_PID"
# no note at all (a new instance, or a queue moved by hand): the walk runs
inject a@x.example none@test.example || echo "Bail out! inject none"
none=$(idof none@test.example)
rm -f "$Q/todo/$none" "$Q/lock/boot"
: > "$SEND_LOG"
send_start
wait_until 10 started
onen () { [ "$(delivered none@test.example)" = 1 ]; }
wait_until 10 onen; ok $? "no note of a boot: the walk runs, it is delivered"
kill -TERM "$SEND_PID"; wait "$SEND_PID"

# what a power cut during berth-send's first delivery of a message can leave beside its sealed
# file, with the todo/ link lost: a state file whose name reached the disk before its bytes
# (zeros, or empty), or one cut short by a block of zeros; such a file was never fsynced, so
# berth-send never unlinked todo/<id>: the walk relinks the message and it is delivered, not
# quarantined. And a file that a crash left other names (a pool slot, the todo/ name of the id it
# had before it was pooled) is still an orphan.
for r in zst est alias; do inject a@x.example "$r@test.example" || echo "Bail out! inject $r"; done
inject a@x.example tz1@test.example tz2@test.example || echo "Bail out! inject tz"
zst=$(idof zst@test.example) est=$(idof est@test.example) alias=$(idof alias@test.example)
tz=$(grep -l 'body for tz1@test.example tz2@test.example$' "$Q"/mess/* | sed 's|.*/||')
rm -f "$Q/todo/$zst" "$Q/todo/$est" "$Q/todo/$alias" "$Q/todo/$tz"
head -c 64 /dev/zero > "$Q/state/$zst"
: > "$Q/state/$est"
{ printf 'B1000\0Fa@x.example\0TLtz1@test.example\0'; head -c 40 /dev/zero; } > "$Q/state/$tz"
ln "$Q/mess/$alias" "$Q/pool/s77"; ln "$Q/mess/$alias" "$Q/todo/1.2.9"
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$Q/state" "$Q/pool" "$Q/todo"
echo "another-boot" > "$Q/lock/boot"
: > "$SEND_LOG"
send_start
five () { for r in zst est alias tz1 tz2; do [ "$(delivered $r@test.example)" = 1 ] || return 1; done; }
wait_until 20 five; ok $? "a zero-filled, an empty and a cut-short state file without todo/: relinked and delivered to every recipient, once; so is a file with two more names"
for i in "$zst" "$est" "$tz" "$alias"; do grep -q "event=recover id=$i" "$SEND_LOG" || echo "# no recover line for $i"; done
is "$(grep -c 'event=recover' "$SEND_LOG")" 4 "four recover lines"
is "$(ls "$Q/bad" | wc -l)" 0 "nothing quarantined"
gone4b () { gone "$zst" && gone "$est" && gone "$tz" && gone "$alias" && [ ! -e "$Q/todo/1.2.9" ]; }
wait_until 10 gone4b; ok $? "all removed, the stale todo/ name too"
t_done

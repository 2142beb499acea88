#!/bin/sh
# The pool (doc/queue.md, "The pool"): berth-send keeps removed message files of at most 64 KiB in
# the slots queue/pool/s<n> (1024 of them), and the writers (berth-queue, berth-smtpd in process)
# take one instead of a new inode and overwrite it: the new message is byte for byte what was
# sent, with no byte of the old one left after it, and its seal names its own id. Bigger files,
# and files when the slots are full, are unlinked; a pool/<id> left by a crash is moved to a
# slot, its removal finished. A slot whose file has another name (a crash's half rename) is not
# taken: it may be a live message's.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 60
send_setup
ctl locals test.example
Q=$BERTH_HOME/queue
slots () { ls "$Q/pool" | grep -c '^s[0-9]*$'; }
others () { ls "$Q/pool" | grep -vc '^s[0-9]*$'; }
delivered () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge "$1" ]; }
# 70 messages of about 8 KiB
pad=$(head -c 8000 /dev/zero | tr '\0' 'x')
as_user sh -c '
  i=0
  while [ $i -lt 70 ]; do
    printf "Fs@x.example\000Tfill%s@test.example\000\000" $i > "$1"
    printf "Subject: fill\n\n%s\nbody %s\n" "$2" $i | berth-queue 1<"$1" || exit 1
    i=$((i + 1))
  done' sh "$FAKE_DIR/env.fill" "$pad"
ok $? "70 messages of 8 KiB queued (berth-send stopped: none of them takes a pooled file)"
send_start
wait_until 30 delivered 70; ok $? "all delivered"
wait_until 10 queue_empty; ok $? "the queue is empty"
all70 () { [ "$(slots)" = 70 ]; }
wait_until 5 all70; ok $? "the 70 removed message files kept in slots"
is "$(others)" 0 "no pool/<id> left behind"
ls -i "$Q/pool" | awk '{ print $1 }' | sort > "$T_DIR/pooled"

# berth-queue takes one
printf 'F%s\000T%s\000\000' a@x.example small@test.example > "$T_DIR/env.small"
printf 'Subject: small\n\nsmall body\n' > "$T_DIR/small"
kill -STOP "$SEND_PID"   # hold deliveries: the file must stay in mess/ to be looked at
as_user berth-queue < "$T_DIR/small" 1<"$T_DIR/env.small"; ok $? "a small message queued"
id=$(ls "$Q/todo")
ino=$(stat -c %i "$Q/mess/$id")
grep -qx "$ino" "$T_DIR/pooled"; ok $? "its file is a pooled one (inode $ino)"
is "$(slots)" 69 "and its slot is empty now"
qbody "$Q/mess/$id" | tail -n +2 | cmp -s - "$T_DIR/small"; ok $? "the message is byte for byte what was sent, nothing of the old one after it"
is "$(stat -c %s "$Q/mess/$id")" "$((1024 + $(qbody "$Q/mess/$id" | wc -c)))" "the file ends where the message does"
qenv "$Q/todo/$id" | tr '\0' '\n' | grep -x 'Tsmall@test.example' >/dev/null; ok $? "its envelope is the new one"
# its seal is its own: taken away from todo/ as a reboot may, it is relinked
rm -f "$Q/todo/$id"
kill -CONT "$SEND_PID"; kill -TERM "$SEND_PID"; wait "$SEND_PID"
echo other-boot > "$Q/lock/boot"
: > "$SEND_LOG"
send_start
wait_until 10 delivered 71; ok $? "its seal checks under its own id: recovered after a 'reboot' and delivered"
grep -q "event=recover id=$id" "$SEND_LOG"; ok $? "with its recover line"

# berth-smtpd in process takes one too
wait_until 10 queue_empty
kill -STOP "$SEND_PID"
before=$(slots)
printf 'HELO x\r\nMAIL FROM:<a@x.example>\r\nRCPT TO:<smtp@test.example>\r\nDATA\r\nSubject: smtp\r\n\r\nsmtp body\r\n.\r\nQUIT\r\n' \
  | as_user env TCPREMOTEIP=127.0.0.1 TCPLOCALIP=127.0.0.1 TCPLOCALPORT=25 RELAYCLIENT= berth-smtpd > "$T_DIR/smtpd.out" 2>/dev/null
grep -q '^250 2.0.0 ok queued' "$T_DIR/smtpd.out"; ok $? "berth-smtpd accepts a message"
id=$(ls "$Q/todo")
[ -n "$id" ] && grep -qx "$(stat -c %i "$Q/mess/$id")" "$T_DIR/pooled"; ok $? "in a pooled file ($before slots before, $(slots) after)"
qbody "$Q/mess/$id" | grep -q '^smtp body$' && ! qbody "$Q/mess/$id" | grep -q 'xxxx'; ok $? "holding its own message only"
is "$(stat -c %s "$Q/mess/$id")" "$((1024 + $(qbody "$Q/mess/$id" | wc -c)))" "the file ends where the message does"
kill -CONT "$SEND_PID"
wait_until 10 delivered 72; ok $? "delivered"

# a file over 64 KiB is not kept
big=$(head -c 70000 /dev/zero | tr '\0' 'y')
wait_until 10 queue_empty
printf 'F%s\000T%s\000\000' a@x.example big@test.example > "$T_DIR/env.big"
printf 'Subject: big\n\n%s\n' "$big" > "$T_DIR/bigmsg"
kill -STOP "$SEND_PID"
as_user berth-queue < "$T_DIR/bigmsg" 1<"$T_DIR/env.big"
id=$(ls "$Q/todo"); bino=$(stat -c %i "$Q/mess/$id")
kill -CONT "$SEND_PID"
wait_until 10 delivered 73
wait_until 10 queue_empty
ls -i "$Q/pool" | awk '{ print $1 }' | grep -qx "$bino"; is "$?" 1 "a removed file over 64 KiB is not kept in the pool"
# every slot taken: a removed file is unlinked, the pool stays at 1024
kill -STOP "$SEND_PID"
inject a@x.example over@test.example || echo "Bail out! inject over"
id=$(ls "$Q/todo"); oino=$(stat -c %i "$Q/mess/$id")
as_user sh -c 'k=0; while [ $k -lt 1024 ]; do [ -e "$1/s$k" ] || : > "$1/s$k"; k=$((k + 1)); done' sh "$Q/pool"
kill -CONT "$SEND_PID"
wait_until 10 delivered 74
wait_until 10 queue_empty
is "$(slots)" 1024 "1024 slots full: the pool does not grow"
ls -i "$Q/pool" | awk '{ print $1 }' | grep -qx "$oino"; is "$?" 1 "and the removed file is unlinked"

# a crash can leave a slot as a second name of a live message's file (the writer's rename of the
# slot into mess/ half on disk, pool/ never fsynced): a writer must not take it and write over
# that message
kill -STOP "$SEND_PID"
wait_until 10 queue_empty
inject a@x.example live@test.example || echo "Bail out! inject live"
live=$(ls "$Q/todo"); cp "$Q/mess/$live" "$T_DIR/live.copy"
rm -f "$Q"/pool/s*
as_user ln "$Q/mess/$live" "$Q/pool/s0"
printf 'Subject: after\n\nafter body\n' > "$T_DIR/after"
as_user berth-queue < "$T_DIR/after" 1<"$T_DIR/env.small"; ok $? "a message queued while the only slot names a live message's file"
cmp -s "$Q/mess/$live" "$T_DIR/live.copy"; ok $? "the live message's file is unchanged"
after=$(ls "$Q/todo" | grep -vx "$live")
[ -n "$after" ] && [ "$(stat -c %i "$Q/mess/$after")" != "$(stat -c %i "$Q/mess/$live")" ]; ok $? "the new message has a file of its own"
[ ! -e "$Q/pool/s0" ] && [ "$(stat -c %h "$Q/mess/$live")" = 2 ]; ok $? "the slot name is gone, the live file keeps its two names"
kill -CONT "$SEND_PID"
wait_until 10 queue_empty; ok $? "both delivered and removed"

# a crash between a removal and the move to a slot: pool/<id> with its todo/<id> still there
kill -TERM "$SEND_PID"; wait "$SEND_PID"
printf 'x' > "$Q/pool/1.2.3"
printf 'Fa@x.example\000Tcut@test.example\000\000' > "$Q/todo/1.2.3"
[ "$(id -u)" = 0 ] && chown "$TESTUSER" "$Q/pool/1.2.3" "$Q/todo/1.2.3"
send_start
left () { [ "$(others)" = 0 ] && [ ! -e "$Q/todo/1.2.3" ]; }
wait_until 10 left; ok $? "a pool/<id> left by a crash: the removal finished, the file in a slot"
grep -q 'cut@test.example' "$FAKE_DIR/deliveries"; is "$?" 1 "and nothing delivered from it"
t_done

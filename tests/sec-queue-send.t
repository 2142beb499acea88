#!/bin/sh
# Security review: berth-send never dies or loops on one todo/ entry. A hostile queue writer's
# entries put straight into todo/ (an envelope of 30 MB, a malformed one, an invalid id, a fifo)
# next to normal mail, berth-send under a 48 MB data limit: the normal mail is delivered, each bad
# entry is moved to queue/bad/ and logged once, berth-send keeps running (no restart), berth-qread
# shows the entries as quarantined with their reason, berth-qctl delete removes one, and a
# restart logs nothing again. An over-limit recipient count is quarantined too.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
. "$BERTH_TOP/tests/sec-queue-lib.sh"
t_start 90
send_setup
ctl locals test.example
send_limited 48000000
"$PY" - <<'PY'
import os
q, uid = os.environ["Q"], os.environ["uid"].encode()
def put(id, env, msg=b"Subject: x\n\nbody\n"):
    open(os.path.join(q, "mess", id), "wb").write(msg)
    open(os.path.join(q, "todo", id), "wb").write(env)
head = b"u" + uid + b"\0p1\0Fs@x.example\0"
# 30 MB of recipients: 2.5 million of 12 bytes
big = bytearray(head)
for i in range(2500000): big += b"T%07d@t.e\0" % i
put("1000.1.1", bytes(big) + b"\0")
put("1000.1.2", head + b"Xnot-a-record\0\0")                         # malformed
put("1000.1.3", head + b"".join(b"Tr%d@test.example\0" % i for i in range(10001)) + b"\0")   # over 10,000
put("not-an-id", head + b"Tinvalid@test.example\0\0")                  # invalid id
os.mkfifo(os.path.join(q, "todo", "1000.1.4"), 0o600)                  # not a file
open(os.path.join(q, "mess", "1000.1.4"), "wb").write(b"Subject: x\n\nbody\n")
PY
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$Q/todo" "$Q/mess"
printf 'good%s@test.example\n' 1 2 3 | inject_list
send_start
delivered () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge 3 ]; }
wait_until 30 delivered; ok $? "normal mail next to the bad entries: delivered"
is "$(grep -c '@test.example' "$FAKE_DIR/deliveries")" 3 "only the 3 normal recipients delivered (nothing of the bad entries)"
quarantined () { [ "$(grep -c 'event=quarantine' "$SEND_LOG")" -ge 5 ]; }
wait_until 10 quarantined; ok $? "5 entries quarantined"
for x in "1000.1.1 envelope-too-big" "1000.1.2 malformed" "1000.1.3 too-many-recipients" "not-an-id invalid-id" "1000.1.4 malformed"; do
  set -- $x
  [ -e "$Q/bad/$1" ] && [ ! -e "$Q/todo/$1" ] && is "$(grep -c "event=quarantine id=$1 reason=$2 " "$SEND_LOG")" 1 "$1: moved to bad/, logged once ($2)"
  [ $? = 0 ] || ok 1 "$1: moved to bad/, logged once ($2)"
done
kill -0 "$SEND_PID" 2>/dev/null; ok $? "berth-send still running (never died on an entry)"
grep -q 'fatal' "$SEND_LOG"; is "$?" 1 "no fatal error logged"
# more scans: the trigger, SIGALRM (retry all, scan todo/)
printf x > "$Q/lock/trigger"; kill -ALRM "$SEND_PID"; sleep 1
is "$(grep -c 'event=quarantine\|bad-envelope' "$SEND_LOG")" 5 "later scans log nothing again"
[ "$(wc -l < "$SEND_LOG")" -lt 60 ]; ok $? "the log stays short ($(wc -l < "$SEND_LOG") lines)"

as_user berth-qread > "$T_DIR/qread" 2>&1
grep -q '^1000.1.1 .* quarantined$' "$T_DIR/qread" && grep -q 'quarantined: envelope over control/envelopebytes' "$T_DIR/qread"
ok $? "berth-qread: quarantined, with the reason"
grep -q '^not-an-id .* quarantined$' "$T_DIR/qread"; ok $? "berth-qread: the invalid id too"
as_user berth-qread --json > "$T_DIR/qread.json"
"$PY" -c '
import json, sys
m = {x["id"]: x for x in json.load(open(sys.argv[1]))}
x = m["1000.1.3"]
sys.exit(0 if x["status"] == "quarantined" and x["quarantined"] and "enveloperecipients" in x["last_error"] else 1)' "$T_DIR/qread.json"
ok $? "berth-qread --json: status quarantined, the reason in last_error"
as_user berth-qstat | grep -q '^entries quarantined: 5$'; ok $? "berth-qstat counts them"
as_user berth-qctl delete 1000.1.1 > "$T_DIR/qctl" 2>&1; is "$?" 0 "berth-qctl delete of a quarantined entry: exit 0"
[ ! -e "$Q/bad/1000.1.1" ] && [ ! -e "$Q/mess/1000.1.1" ]; ok $? "... bad/ and mess/ gone"
as_user berth-qctl delete not-an-id > /dev/null 2>&1; [ ! -e "$Q/bad/not-an-id" ]; ok $? "... an invalid id's entry too"

# a restart: nothing re-logged, nothing left in todo/
kill -TERM "$SEND_PID"; wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
send_start
sleep 2
kill -0 "$SEND_PID" 2>/dev/null; ok $? "berth-send runs again"
is "$(grep -c 'event=quarantine' "$SEND_LOG")" 5 "a restart logs no quarantine again"
is "$(ls "$Q/todo" | wc -l | tr -d ' ')" 0 "todo/ empty"
is "$(ls "$Q/bad" | sort | tr '\n' ' ')" "1000.1.2 1000.1.3 1000.1.4 " "the rest stays in bad/"
kill -TERM "$SEND_PID"; wait "$SEND_PID"
t_done

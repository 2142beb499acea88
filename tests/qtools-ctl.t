#!/bin/sh
# The queue tools against a running berth-send (real spawners, a sink answering 450 to RCPT):
# berth-qread (text and JSON), berth-qstat, and berth-qctl hold/release/retry/delete/bounce by
# id, sender and domain; hold survives a restart; berth-qctl without berth-send exits 111.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
. "$BERTH_TOP/tests/qtools-lib.sh"
t_start 50
qt_setup
Q=$BERTH_HOME/queue

[ -p "$Q/lock/ctl" ] && [ "$(stat -c %a "$Q/lock/ctl")" = 600 ]; ok $? "berth-setup makes queue/lock/ctl, mode 0600"
as_user berth-qctl retry 1.2.3 >/dev/null 2>"$T_DIR/err"; is "$?" 111 "berth-qctl without berth-send: 111"
grep -q "not running" "$T_DIR/err"; ok $? "with a clear message"

send_start
m1=$(qinject a@x.example t450a@far.example)
m2=$(qinject b@x.example t450b@far.example)
m3=$(qinject a@x.example t450c@other.example)
m4=$(qinject c@x.example t450d@far.example)
[ -n "$m1" ] && [ -n "$m4" ]; ok $? "four messages injected"
all1 () { at_least 1 t450a@far.example && at_least 1 t450b@far.example && at_least 1 t450c@other.example && at_least 1 t450d@far.example; }
infos () { [ "$(ls "$Q/info" | wc -l)" = 4 ]; }
wait_until 10 all1 && wait_until 5 infos; ok $? "each tried once and deferred (info records written)"

# berth-qread, text
as_user berth-qread > "$T_DIR/list"; is "$?" 0 "berth-qread exits 0"
grep -q "^$m1 size=[0-9]* age=[0-9]*s from=<a@x.example>\$" "$T_DIR/list"; ok $? "message line: id, size, age, sender"
grep -q "^  to=<t450a@far.example> pending remote\$" "$T_DIR/list"; ok $? "recipient line: state, channel"
grep -q "^  last error: .*450 4.2.0 try later t450a (<t450a@far.example>, try 1, [0-9]*s ago)\$" "$T_DIR/list"; ok $? "last error, recipient, tries, time"
grep -q "^  next attempt: in [0-9]" "$T_DIR/list"; ok $? "next attempt shown"
tail -n 1 "$T_DIR/list" | grep -q "^4 messages\$"; ok $? "summary line"
# JSON
as_user berth-qread --json > "$T_DIR/json"
/usr/bin/python3 - "$T_DIR/json" "$m1" <<'PY'; ok $? "berth-qread --json: valid, complete"
import json, sys, time
d = json.load(open(sys.argv[1]))
assert len(d) == 4, d
m = [x for x in d if x["id"] == sys.argv[2]][0]
assert m["sender"] == "a@x.example" and m["preprocessed"] and not m["held"], m
assert m["recipients"] == [{"address": "t450a@far.example", "state": "pending", "channel": "remote"}], m
assert "450 4.2.0 try later" in m["last_error"] and m["tries"] == 1, m
assert m["status"] == "scheduled" and m["next_attempt"] > time.time() + 100, m
assert m["size"] > 0 and m["age"] >= 0, m
PY

# berth-qstat
as_user berth-qstat > "$T_DIR/stat"
grep -q "^messages in queue: 4\$" "$T_DIR/stat" && grep -q "^recipients pending remote: 4\$" "$T_DIR/stat" \
  && grep -q "^messages held: 0\$" "$T_DIR/stat" && grep -q "^oldest message: [0-9]*s\$" "$T_DIR/stat"
ok $? "berth-qstat counts"

# hold by id: not retried on SIGALRM, durable across a restart
as_user berth-qctl hold "$m1" > "$T_DIR/out"; is "$?" 0 "hold by id"
grep -q "^$m1: ok held\$" "$T_DIR/out"; ok $? "acknowledged"
[ -f "$Q/hold/$m1" ]; ok $? "hold mark written"
as_user berth-qread > "$T_DIR/list"
grep -q "^$m1 .* held\$" "$T_DIR/list" && grep -q "^  next attempt: held" "$T_DIR/list"; ok $? "berth-qread shows it held"
kill -ALRM "$SEND_PID"
all2 () { at_least 2 t450b@far.example && at_least 2 t450c@other.example && at_least 2 t450d@far.example; }
wait_until 10 all2; ok $? "SIGALRM: the others retried"
sleep 0.5
is "$(attempts t450a@far.example)" 1 "the held message was not"
kill -TERM "$SEND_PID"; wait "$SEND_PID"
as_user touch "$Q/info/1.1.1" "$Q/hold/1.1.2"
send_start
sleep 0.3
[ ! -e "$Q/info/1.1.1" ] && [ ! -e "$Q/hold/1.1.2" ] && [ -e "$Q/info/$m1" ]; ok $? "restart: orphaned info/hold records removed, live ones kept"
kill -ALRM "$SEND_PID"
all3 () { at_least 3 t450b@far.example && at_least 3 t450c@other.example && at_least 3 t450d@far.example; }
wait_until 10 all3; sleep 0.5
is "$(attempts t450a@far.example)" 1 "still held after a restart"
as_user berth-qctl release "$m1" | grep -q "ok released"; ok $? "release"
[ ! -e "$Q/hold/$m1" ]; ok $? "hold mark removed"
sleep 0.5
is "$(attempts t450a@far.example)" 1 "released: back on its schedule, no attempt yet"
as_user berth-qctl retry "$m1" | grep -q "ok 1 recipients scheduled now"; ok $? "retry"
wait_until 5 at_least 2 t450a@far.example; ok $? "retry: the sink sees an attempt at once"

# selection
as_user berth-qctl hold -n -f a@x.example > "$T_DIR/sel"
printf '%s\n%s\n' "$m1" "$m3" | cmp -s - "$T_DIR/sel"; ok $? "selection by sender (dry run)"
as_user berth-qctl hold -n -d far.example > "$T_DIR/sel"
printf '%s\n%s\n%s\n' "$m1" "$m2" "$m4" | cmp -s - "$T_DIR/sel"; ok $? "selection by domain (dry run)"
as_user berth-qctl hold -f A@X.EXAMPLE >/dev/null; is "$?" 0 "hold by sender"
as_user berth-qstat | grep -q "^messages held: 2\$"; ok $? "two held"
as_user berth-qctl release -f a@x.example >/dev/null && [ -z "$(ls "$Q/hold")" ]; ok $? "release by sender"

# delete (silently) and bounce
as_user berth-qctl delete "$m2" | grep -q "ok 1 recipients deleted"; ok $? "delete by id"
gone2 () { [ ! -e "$Q/state/$m2" ] && [ ! -e "$Q/mess/$m2" ]; }
wait_until 5 gone2; ok $? "deleted: gone from the queue"
[ ! -e "$Q/bounce/$m2" ] && ! as_user berth-qread | grep -q "$m2"; ok $? "no bounce, not listed"
as_user berth-qctl bounce -d other.example | grep -q "^$m3: ok 1 recipients bounced\$"; ok $? "bounce by domain"
tr '\000' '\n' < "$Q/bounce/$m3" > "$T_DIR/b3" 2>/dev/null
grep -q '^Rt450c@other.example$' "$T_DIR/b3" && grep -q '^X.*deleted by the administrator' "$T_DIR/b3"
ok $? "bounce record: the recipient, 'deleted by the administrator'"
as_user berth-qread --json | /usr/bin/python3 -c '
import json, sys
d = {m["id"]: m for m in json.load(sys.stdin)}
m = d[sys.argv[1]]
assert m["bounce_pending"] and m["status"] == "bounce_pending" and m["recipients"][0]["state"] == "done", m
' "$m3"; ok $? "berth-qread: bounce pending"
# delete while a delivery is in flight: busy (held), berth-qctl asks again until it is recorded
P2=$(free_port)
mkdir -p "$T_DIR/slow" && chmod 777 "$T_DIR/slow"
t_bg /usr/bin/python3 "$BERTH_TOP/tests/remote-sink.py" "$P2" "$T_DIR/slow" --host 127.0.0.1 --stall 3
wait_port "$P2" 10
ctl smtproutes "slow.example:[127.0.0.1]:$P2" ":[127.0.0.1]:$QT_PORT"
m5=$(qinject d@x.example t450e@slow.example)
connected () { [ -s "$T_DIR/slow/peers" ]; }
wait_until 10 connected; ok $? "a slow delivery in flight"
t0=$(date +%s%N)
as_user berth-qctl delete "$m5" > "$T_DIR/out"; rc=$?
t1=$(date +%s%N)
is "$rc" 0 "delete during a delivery: exit 0"
grep -q "^$m5: ok 1 recipients deleted\$" "$T_DIR/out"; ok $? "... once the delivery was recorded"
[ $(( (t1 - t0) / 1000000 )) -ge 500 ]; ok $? "berth-qctl waited for it ($(( (t1 - t0) / 1000000 )) ms)"
grep -q "event=ctl cmd=delete id=$m5 result=busy" "$SEND_LOG"; ok $? "berth-send answered busy first"
gone5 () { [ ! -e "$Q/state/$m5" ] && [ ! -e "$Q/hold/$m5" ]; }
wait_until 5 gone5; ok $? "deleted, hold mark gone with it"
as_user berth-qctl hold 99.99.99 >/dev/null; is "$?" 100 "unknown id: 100"
as_user berth-qctl hold ../../etc >/dev/null; is "$?" 100 "not an id: refused"

as_user berth-qctl hold -o "$m4" >/dev/null 2>"$T_DIR/err"; is "$?" 111 "-o while berth-send runs: 111"
grep -q "berth-send is running" "$T_DIR/err"; ok $? "... saying why"
as_user berth-start 2>"$T_DIR/err2"; is "$?" 111 "a second berth-send on the same queue: 111"
kill -0 "$SEND_PID"; ok $? "the first one still runs"

kill -TERM "$SEND_PID"; wait "$SEND_PID"
as_user berth-qctl retry "$m4" >/dev/null 2>&1; is "$?" 111 "berth-send stopped: 111"
[ -z "$(ls "$Q/lock" | grep qctl)" ]; ok $? "no reply fifo left behind"

# offline (-o): hold, release, delete with berth-send stopped
as_user berth-qctl hold -o "$m4" | grep -q "^$m4: ok held\$"; ok $? "-o hold"
send_start
sleep 0.3
as_user berth-qread | grep -q "^$m4 .* held\$"; ok $? "berth-send starts with it held"
kill -TERM "$SEND_PID"; wait "$SEND_PID"
as_user berth-qctl release -o "$m4" >/dev/null && [ ! -e "$Q/hold/$m4" ]; ok $? "-o release"
as_user berth-qctl retry -o "$m4" >/dev/null 2>&1; is "$?" 111 "-o retry: refused"
as_user berth-qctl delete -o "$m4" | grep -q "^$m4: ok deleted\$"; ok $? "-o delete"
[ ! -e "$Q/state/$m4" ] && [ ! -e "$Q/mess/$m4" ] && [ ! -e "$Q/info/$m4" ]; ok $? "... gone"
m6=$(qinject e@x.example t450f@far.example)
as_user berth-qctl delete -o -f e@x.example | grep -q "^$m6: ok deleted\$" && [ ! -e "$Q/todo/$m6" ] && [ ! -e "$Q/mess/$m6" ]
ok $? "-o delete of a message still in todo/"
as_user berth-qctl delete -o 5.5.5 >/dev/null; is "$?" 100 "-o unknown id: 100"
# a name longer than any queue id is no message: its path is never built (it overflowed a
# fixed buffer before queue_path)
long=$(printf '1%.0s' $(seq 1 400))
as_user berth-qctl hold -o "$long" > "$T_DIR/long.out" 2>&1; is "$?" 100 "-o with a 400-byte name: 100"
grep -q "nomsg no such message$" "$T_DIR/long.out"; ok $? "... no such message"
t_done

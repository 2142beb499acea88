#!/bin/sh
# berth-send: mail injected with berth-queue reaches the fake spawners; local/remote classification
# (locals, virtualdomains exact/domain/.suffix/empty key, percenthack, envnoathost); remote grouping.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 30
send_setup
ctl locals test.example localhost
ctl envnoathost noat.example
ctl percenthack hack.example
ctl virtualdomains 'virt.example:pv' '.sub.example:ps' 'exact@other.example:px' 'notvirt.sub.example:'
Q=$BERTH_HOME/queue
for f in mess/1.1.1 intd/1.1.1 mess/1.1.2; do echo x > "$Q/$f"; done
touch -d '2 days ago' "$Q/mess/1.1.1" "$Q/intd/1.1.1"
send_start

inject a@x.example bob
inject a@x.example joe@test.example
inject a@x.example u%far.example@hack.example
inject a@x.example jo@virt.example exact@other.example n@deep.sub.example y@notvirt.sub.example
inject a@x.example g1@far.example g2@FAR.example g3@other2.example
delivered_ge () { [ "$(count_lines "$FAKE_DIR/deliveries")" -ge "$1" ]; }
wait_until 10 delivered_ge 10
is "$(count_lines "$FAKE_DIR/deliveries")" 10 "10 recipients delivered"

L=$FAKE_DIR/local.jobs R=$FAKE_DIR/remote.jobs
grep -q 'rcpts=bob@noat.example$' "$R"; ok $? "envnoathost: bob -> bob@noat.example, remote"
grep -q 'rcpts=joe@test.example$' "$L"; ok $? "locals: joe@test.example is local"
grep -q 'rcpts=u@far.example$' "$R"; ok $? "percenthack: u%far.example@hack.example -> u@far.example, remote"
grep -q 'rcpts=pv-jo@virt.example$' "$L"; ok $? "virtualdomains domain: pv-jo@virt.example"
grep -q 'rcpts=px-exact@other.example$' "$L"; ok $? "virtualdomains exact address beats nothing"
grep -q 'rcpts=ps-n@deep.sub.example$' "$L"; ok $? "virtualdomains .suffix"
grep -q 'rcpts=y@notvirt.sub.example$' "$R"; ok $? "virtualdomains empty prepend: remote"
grep -q 'rcpts=g1@far.example,g2@FAR.example$' "$R"; ok $? "remote job groups one domain (case-insensitive)"
grep -q 'rcpts=g3@other2.example$' "$R"; ok $? "other domain in its own job"
grep -q 'body for joe@test.example' "$FAKE_DIR/box/joe@test.example"; ok $? "message bytes reached the spawner"
[ ! -e "$Q/mess/1.1.1" ] && [ ! -e "$Q/intd/1.1.1" ]; ok $? "stale intd/ and mess/ leftovers removed at start"
[ -e "$Q/mess/1.1.2" ]; ok $? "a fresh mess/ file (injection in progress) kept"
grep -q 'event=stale file=queue/intd/1.1.1' "$SEND_LOG"; ok $? "stale removal logged"
rm -f "$Q/mess/1.1.2"

wait_until 5 queue_empty; ok $? "queue empty after delivery"
is "$(grep -c 'event=delivery.*status=sent' "$SEND_LOG")" 10 "one log line per delivery"
is "$(grep -c 'event=end ' "$SEND_LOG")" 5 "one end line per message"

# empty key, reread on SIGHUP
ctl virtualdomains 'virt.example:pv' ':pall'
kill -HUP "$SEND_PID"
wait_until 5 grep -q 'event=reread' "$SEND_LOG"
inject a@x.example k@anywhere.example
wait_until 10 grep -q 'rcpts=pall-k@anywhere.example$' "$L"; ok $? "virtualdomains empty key after SIGHUP: pall-k@anywhere.example local"

kill -TERM "$SEND_PID"
wait "$SEND_PID"; is "$?" 0 "SIGTERM: exit 0"
grep -q 'berth-send: fatal' "$SEND_LOG" && { ok 1 "no fatal errors"; cat "$SEND_LOG" | sed 's/^/# /'; } || ok 0 "no fatal errors"
t_done

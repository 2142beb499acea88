#!/bin/sh
# berth-qctl requeue (postsuper -r): a message to a domain classed remote stays deferred at the
# sink; once control/virtualdomains names the domain, requeue reclassifies its pending
# recipient and it is delivered locally. Also for a message whose envelope did not fit in the
# queue header (its original envelope is gone once preprocessed), twice (nothing changes the
# second time), and across a restart of berth-send (the replaced state file is read back).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
. "$BERTH_TOP/tests/qtools-lib.sh"
t_start 60
qt_setup
Q=$BERTH_HOME/queue
uid=$(id -u "$TESTUSER"); gid=$(id -g "$TESTUSER")
joe=$T_DIR/joe
mkdir -p "$joe/Maildir-virt/tmp" "$joe/Maildir-virt/new" "$joe/Maildir-virt/cur"
echo './Maildir-virt/' > "$joe/.qmail-t450v"
echo './Maildir-virt/' > "$joe/.qmail-t450w"
chown -R "$TESTUSER" "$joe" 2>/dev/null; chmod -R go-w "$joe"
printf '=joe:%s:%s:%s:%s:::\n+joe-:%s:%s:%s:%s:-::\n.\n' "$TESTUSER" "$uid" "$gid" "$joe" "$TESTUSER" "$uid" "$gid" "$joe" > "$BERTH_HOME/users/assign"
(cd "$BERTH_HOME" && berth-newu) ; ok $? "users/assign compiled"
send_start

m1=$(qinject a@x.example t450v@virt.example)
# an envelope over the 1024-byte queue header: it lives in todo/<id> until preprocessed
pads=$(i=0; while [ $i -lt 30 ]; do printf 't450pad-%02d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@far.example ' $i; i=$((i + 1)); done)
m2=$(qinject b@x.example t450w@virt.example $pads)
[ -n "$m1" ] && [ -n "$m2" ]; ok $? "two messages injected"
tried () { at_least 1 t450v@virt.example && at_least 1 t450w@virt.example && at_least 1 t450pad-29-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@far.example; }
wait_until 10 tried; ok $? "both tried remotely and deferred"
st () { [ -f "$Q/state/$m1" ] && [ -f "$Q/state/$m2" ] && [ ! -e "$Q/todo/$m2" ]; }
wait_until 5 st; ok $? "both have a state file (todo/ gone)"
as_user berth-qread > "$T_DIR/list"
grep -q "^  to=<t450v@virt.example> pending remote\$" "$T_DIR/list"; ok $? "berth-qread: the recipient is pending remote"

as_user berth-qctl requeue "$m1" > "$T_DIR/out"; rc=$?
is "$rc" 0 "requeue before the fix: exit 0"
grep -q "^$m1: ok 0 recipients reclassified\$" "$T_DIR/out"; ok $? "nothing to reclassify yet"

echo 'virt.example:joe' > "$BERTH_HOME/control/virtualdomains"
as_user berth-qctl requeue "$m1" > "$T_DIR/out"; rc=$?
is "$rc" 0 "requeue after the fix: exit 0"
grep -q "^$m1: ok 1 recipients reclassified\$" "$T_DIR/out"; ok $? "one recipient reclassified"
got1 () { [ "$(ls "$joe/Maildir-virt/new" | wc -l)" -ge 1 ]; }
wait_until 10 got1; ok $? "delivered locally"
f=$(ls "$joe/Maildir-virt/new" | head -n 1)
sed -n 2p "$joe/Maildir-virt/new/$f" | grep -qx 'Delivered-To: joe-t450v@virt.example'; ok $? "as the virtual domain's user (joe-t450v@virt.example)"
gone1 () { [ ! -e "$Q/mess/$m1" ] && [ ! -e "$Q/state/$m1" ]; }
wait_until 5 gone1; ok $? "the message left the queue"

as_user berth-qctl requeue -f b@x.example > "$T_DIR/out"; rc=$?
is "$rc" 0 "requeue by sender (envelope no longer kept): exit 0"
grep -q "^$m2: ok 1 recipients reclassified\$" "$T_DIR/out"; ok $? "the remote recipient reclassified from its stored address"
got2 () { [ "$(ls "$joe/Maildir-virt/new" | wc -l)" -ge 2 ]; }
wait_until 10 got2; ok $? "delivered locally"
as_user berth-qctl requeue "$m2" > "$T_DIR/out"
grep -q "^$m2: ok 0 recipients reclassified\$" "$T_DIR/out"; ok $? "a second requeue changes nothing"
ls -A "$Q/state" | grep -q '^\.'; [ $? = 1 ]; ok $? "no temporary state file left"

kill -TERM "$SEND_PID"; wait "$SEND_PID"
send_start
sleep 0.5
as_user berth-qread > "$T_DIR/list"
grep -q "^  to=<joe-t450w@virt.example> done local\$" "$T_DIR/list"; r1=$?
grep -c "^  to=<t450pad-.*@far.example> pending remote\$" "$T_DIR/list" > "$T_DIR/n"
[ $r1 = 0 ] && [ "$(cat "$T_DIR/n")" = 30 ]; ok $? "after a restart: the rewritten state file is read back (1 done local, 30 pending remote)"
[ -z "$(ls "$Q/bad" 2>/dev/null)" ]; ok $? "nothing quarantined"
as_user berth-qctl requeue 1.2.3 >/dev/null; is $? 100 "requeue of an unknown id: 100"
as_user berth-qctl requeue -o "$m2" > "$T_DIR/out" 2>&1; is $? 111 "requeue needs berth-send (-o refuses): 111"
t_done

#!/bin/sh
# sendmail -q with a running berth-send: the queue's owner retries deferred mail at once (as
# berth-qctl retry -a); another user is told how and gets 100; without berth-send, a warning and 0.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/send-lib.sh"
. "$BERTH_TOP/tests/qtools-lib.sh"
t_start 40
qt_setup
as_user sendmail -q > "$T_DIR/out" 2> "$T_DIR/err"; is $? 0 "-q without berth-send: exit 0"
grep -q 'berth-send is not running' "$T_DIR/err"; ok $? "and a warning says so"
send_start
m1=$(qinject a@x.example t450q@far.example)
wait_until 10 at_least 1 t450q@far.example; ok $? "tried once and deferred"
sleep 0.3
is "$(attempts t450q@far.example)" 1 "not retried by itself yet"
as_user sendmail -q > "$T_DIR/out" 2> "$T_DIR/err"; is $? 0 "-q as the queue's owner: exit 0"
grep -q "^$m1: ok 1 recipients scheduled now\$" "$T_DIR/out"; ok $? "the deferred message is scheduled now"
wait_until 5 at_least 2 t450q@far.example; ok $? "and tried again at once"
if [ "$(id -u)" = 0 ] && [ "$TESTUSER" != daemon ] && id daemon >/dev/null 2>&1; then
  chmod o+x "$T_DIR" "$BERTH_HOME" 2>/dev/null
  s6-setuidgid daemon env BERTH_HOME="$BERTH_HOME" "$BERTH_TOP/bin/sendmail" -q > "$T_DIR/out" 2> "$T_DIR/err"; is $? 100 "-q as another user: 100"
  grep -q 'only root or the queue.s owner may retry deferred mail now: .*berth-qctl retry -a' "$T_DIR/err"; ok $? "which says how"
  sendmail -q > "$T_DIR/out" 2> "$T_DIR/err"; is $? 0 "-q as root: exit 0"
  wait_until 5 at_least 3 t450q@far.example; ok $? "root's -q retries too"
else
  for i in 1 2 3 4; do ok 0 "another user's -q # SKIP needs root and a daemon user"; done
fi
t_done

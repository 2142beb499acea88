#!/bin/sh
# A null client needs no $QMAILQUEUE: berth-queue itself, in an instance with
# control/qmqpservers, hands the message to berth-qmqpc, so berth-inject and sendmail deliver to
# the hub and nothing is queued on the null client; berth-qmqpc's exit codes come back. Set-uid
# (as root): the instance is berth-queue's own, not the caller's BERTH_HOME, and berth-qmqpc
# runs with the caller's ids, not the queue owner's.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/qmqp-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 90
unset QMAILQUEUE QMAILINJECT
qmqp_pair
printf '127.0.0.1:%s\n127.0.0.1:%s\n' "$dead" "$HP" > "$NC/control/qmqpservers"

printf 'To: a@hub.example\nSubject: inject\n\nbody\n' > "$T_DIR/m1"
as_user berth-inject < "$T_DIR/m1" 2> "$T_DIR/err"
is "$?" 0 "berth-inject on a null client, no QMAILQUEUE: exit 0 ($(cat "$T_DIR/err"))"
is "$(qcount "$NC")" 0 "... nothing queued on the null client"
is "$(qcount "$HUB")" 1 "... the message in the hub's queue"
grep -q 'status=accepted from=anonymous@test.example rcpts=1' "$T_DIR/hub.log"; ok $? "... the hub's log line"

printf 'Subject: sendmail\n\nbody\n' > "$T_DIR/m2"
as_user sendmail -f s@nc.example b@hub.example c@hub.example < "$T_DIR/m2" 2> "$T_DIR/err"
is "$?" 0 "sendmail on a null client: exit 0 ($(cat "$T_DIR/err"))"
is "$(qcount "$NC")" 0 "... nothing queued on the null client"
is "$(qcount "$HUB")" 2 "... at the hub"
id=$(ls -t "$HUB/queue/todo" | head -1)
is "$(qenv "$HUB/queue/todo/$id" | tr '\000' '|' | sed 's/^.*|F/F/')" "Fs@nc.example|Tb@hub.example|Tc@hub.example||" "... with sendmail's sender and recipients"
grep -q '^Subject: sendmail$' "$HUB/queue/mess/$id"; ok $? "... the message intact"

# berth-queue's exit codes are berth-qmqpc's (qmail-qmqpc's)
printf 'Subject: x\n\nx\n' > "$T_DIR/m"
printf 'Fs@nc.example\000Tr@hub.example\000\000' > "$T_DIR/env"
qq () { as_user "$BERTH_TOP/bin/berth-queue" < "$T_DIR/m" 1< "$T_DIR/env"; echo $?; }
printf '127.0.0.1:%s\n' "$dead" > "$NC/control/qmqpservers"
is "$(qq)" 73 "every hub refusing: berth-queue exits 73, berth-qmqpc's"
is "$(qcount "$NC")" 0 "... nothing queued on the null client"
printf 'Fs@nc.example\000Xr@hub.example\000\000' > "$T_DIR/env"
printf '127.0.0.1:%s\n' "$HP" > "$NC/control/qmqpservers"
is "$(qq)" 91 "an envelope not in qmail-queue's form: 91"
printf 'Fs@nc.example\000Tr@hub.example\000\000' > "$T_DIR/env"
is "$(qq)" 0 "berth-queue run directly: 0"
is "$(qcount "$HUB")" 3 "... at the hub"

# without control/qmqpservers, the instance queues for itself as before
rm "$NC/control/qmqpservers"
is "$(qq)" 0 "no control/qmqpservers: berth-queue queues here"
is "$(qcount "$NC")" 1 "... in the instance's own queue"
is "$(qcount "$HUB")" 3 "... not at the hub"

# set-uid: the instance of the binary's own HOME, the caller's ids for berth-qmqpc
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$NC/bin" "$T_DIR/fake/control"
  cp "$BERTH_TOP/bin/berth-queue" "$BERTH_TOP/bin/berth-qmqpc" "$NC/bin/"
  chown "$TESTUSER" "$NC/bin/berth-queue"; chmod 4711 "$NC/bin/berth-queue"
  printf '127.0.0.1:%s\n' "$HP" > "$NC/control/qmqpservers"
  printf '127.0.0.1:%s\n' "$dead" > "$T_DIR/fake/control/qmqpservers"
  caller () { s6-applyuidgid -u 54321 -g 54321 -G '' env BERTH_HOME="$T_DIR/fake" "$NC/bin/berth-queue" < "$T_DIR/m" 1< "$T_DIR/env"; echo $?; }
  is "$(caller)" 0 "set-uid berth-queue, a caller's BERTH_HOME naming a dead hub: 0"
  is "$(qcount "$HUB")" 4 "... at the instance's own hub"
  chown "$TESTUSER" "$NC/control/qmqpservers"; chmod 600 "$NC/control/qmqpservers"
  is "$(caller)" 55 "qmqpservers readable by the queue owner only: 55 (berth-qmqpc runs as the caller)"
  is "$(qcount "$HUB")" 4 "... nothing at the hub"
  is "$(qcount "$NC")" 1 "... nor queued here"
else
  for i in 1 2 3 4 5; do ok 0 "# SKIP set-uid berth-queue needs root"; done
fi
t_done

#!/bin/sh
# A small cluster on loopback addresses, every instance made by berth-setup and run under s6:
# two null clients (-Q: no queue, no send service) -> two hubs (-q: qmqpd) over QMQP -> an MX
# (-t: qmtpd) over QMTP (the hubs' control/qmtproutes) -> its Maildir. One hub's qmqpd is stopped
# mid-run: the clients fail over to the other, nothing is lost, nothing arrives more than twice
# (and twice only for a message whose submission was retried).
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 240
unset QMAILQUEUE
N=30   # messages per null client
mk () { # mk NAME ADDR OPTIONS...: an instance, its services' ports free ones
  _n=$1 _a=$2; shift 2
  berth-setup -u "$TESTUSER" -n "$_n.example" -a "$_a" -p "$(free_port)" "$@" "$T_DIR/$_n" > /dev/null || { echo "Bail out! setup $_n"; exit 1; }
  [ "${BERTH_SAN:-}" = 1 ] && for f in "$T_DIR/$_n"/service/*/conf/datalimit; do echo 100000000000000 > "$f"; done
  :
}
port_of () { head -n 1 "$T_DIR/$1/service/$2/conf/port"; }
up () { # up NAME SERVICE...: s6-svscan on NAME's services, ready
  t_bg s6-svscan "$T_DIR/$1/service"
  _s=$1; shift
  for svc in "$@"; do
    n=0; while [ $n -lt 100 ] && ! s6-svok "$T_DIR/$_s/service/$svc" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
    s6-svwait -U -t 20000 "$T_DIR/$_s/service/$svc" || { echo "Bail out! $_s/$svc not ready"; exit 1; }
  done
}

mk mx 127.0.0.4 -t
port_of mx qmtpd > /dev/null && free_port > "$T_DIR/mx/service/qmtpd/conf/port"
MXP=$(port_of mx qmtpd)
for h in hub1:127.0.0.2 hub2:127.0.0.3; do
  mk "${h%%:*}" "${h#*:}" -q
  free_port > "$T_DIR/${h%%:*}/service/qmqpd/conf/port"
  echo "mx.example:127.0.0.4:$MXP" > "$T_DIR/${h%%:*}/control/qmtproutes"
done
H1=127.0.0.2:$(port_of hub1 qmqpd) H2=127.0.0.3:$(port_of hub2 qmqpd)
mk nc1 127.0.0.5 -Q "$H1,$H2"
mk nc2 127.0.0.6 -Q "$H2,$H1"
[ ! -d "$T_DIR/nc1/service/send" ] && [ -d "$T_DIR/hub1/service/qmqpd" ] && [ -d "$T_DIR/mx/service/qmtpd" ]
ok $? "berth-setup: a null client has no send service; -q and -t make qmqpd and qmtpd"
is "$(cat "$T_DIR/nc1/control/qmqpservers" | tr '\n' ' ')" "$H1 $H2 " "-Q writes control/qmqpservers in order"

up mx smtpd send qmtpd
up hub1 smtpd send qmqpd
up hub2 smtpd send qmqpd
up nc1 smtpd
ok 0 "every service up and ready (s6-svwait -U)"

# each null client: N messages through berth-inject and berth-qmqpc; a temporary failure is
# retried (at most 3 times), and remembered, as it may be the reason for a duplicate
client () { # client NAME
  i=1
  while [ $i -le $N ]; do
    try=0
    while [ $try -lt 3 ]; do
      printf 'To: postmaster@mx.example\nSubject: %s-%s\n\nfrom %s\n' "$1" "$i" "$1" |
        as_user env BERTH_HOME="$T_DIR/$1" QMAILQUEUE="$BERTH_TOP/bin/berth-qmqpc" berth-inject
      rc=$?
      [ $rc = 0 ] && break
      echo "$1-$i $rc" >> "$T_DIR/$1.retries"
      try=$((try + 1)); sleep 0.2
    done
    [ $rc = 0 ] || echo "$1-$i" >> "$T_DIR/$1.failed"
    [ $i = 10 ] && touch "$T_DIR/$1.tenth"
    i=$((i + 1))
  done
}
client nc1 & c1=$!
client nc2 & c2=$!
echo "$c1" >> "$T_DIR/pids"; echo "$c2" >> "$T_DIR/pids"
wait_until 60 test -f "$T_DIR/nc1.tenth"
s6-svc -wD -d -T 10000 "$T_DIR/hub1/service/qmqpd"; ok $? "hub1's qmqpd stopped mid-run"
wait "$c1" "$c2"
[ ! -s "$T_DIR/nc1.failed" ] && [ ! -s "$T_DIR/nc2.failed" ]; ok $? "every submission accepted in the end ($(cat "$T_DIR"/*.failed 2>/dev/null | wc -l) not)"
diag "retried submissions: $(cat "$T_DIR"/*.retries 2>/dev/null | wc -l)"

# through nc1's smtpd service: its run script queues through berth-qmqpc
swaks --server "127.0.0.5:$(port_of nc1 smtpd)" --from s@nc1.example --to postmaster@mx.example \
  --header "Subject: nc1-smtp" --body "via the null client's smtpd" > "$T_DIR/swaks.log" 2>&1
ok $? "the null client's smtpd service accepts a message"
is "$(ls "$T_DIR/nc1/queue/todo" "$T_DIR/nc2/queue/todo" | grep -c '^[0-9]')" 0 "nothing queued on the null clients"

md=$T_DIR/mx/alias/Maildir/new
want=$((2 * N + 1))
got () { ls "$md" 2>/dev/null | wc -l; }
n=0; while [ $n -lt 600 ] && [ "$(got)" -lt "$want" ]; do sleep 0.1; n=$((n + 1)); done
cat "$md"/* 2>/dev/null | sed -n 's/^Subject: //p' | sort > "$T_DIR/subjects"
sort -u "$T_DIR/subjects" > "$T_DIR/unique"
is "$(wc -l < "$T_DIR/unique")" "$want" "nothing lost: every message in the MX's Maildir"
sort "$T_DIR/subjects" | uniq -c | awk '$1 > 2' > "$T_DIR/thrice"
[ ! -s "$T_DIR/thrice" ]; ok $? "none delivered more than twice"
uniq -d "$T_DIR/subjects" | while read -r s; do grep -q "^$s " "$T_DIR"/*.retries 2>/dev/null || echo "$s"; done > "$T_DIR/dupnoretry"
[ ! -s "$T_DIR/dupnoretry" ]; ok $? "a message arrived twice only when its submission was retried"
f=$(grep -l '^Subject: nc2-30$' "$md"/* | head -n 1)
grep -q 'with QMQP;' "$f" && grep -q '(berth-qmtpd) with QMTP;' "$f"; ok $? "a message's Received lines: QMQP to a hub, QMTP to the MX"
grep -q 'by hub2.example (berth-qmqpd)' "$(grep -l '^Subject: nc1-30$' "$md"/* | head -n 1)"; ok $? "after hub1 stopped, nc1's mail went through hub2"
for s in mx hub1 hub2 nc1; do s6-svscanctl -t "$T_DIR/$s/service"; done
t_done

#!/bin/sh
# berth-remote's SMTP client against scripted sinks: next MX on a 421 greeting and on a drop
# after EHLO, per-recipient replies, HELO fallback, SIZE, a drop after the dot, smtproutes.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
notipme_sinks
P=$(free_port)
D=$(free_port)
ctl smtpport "$P"
ctl timeoutconnect 5
ctl timeoutremote 10
sink busy 127.0.0.1 "$P" --greet '421 4.3.2 too busy'
sink good 127.0.0.2 "$P"
sink drop 127.0.0.3 "$P" --drop-after-ehlo
sink helo 127.0.0.4 "$P" --no-ehlo
sink small 127.0.0.5 "$P" --caps 'PIPELINING,SIZE 100'
sink dot 127.0.0.6 "$P" --drop-after-dot
sink nopipe 127.0.0.7 "$P" --caps '8BITMIME'
sink temp 127.0.0.8 "$P" --final '451 4.3.0 queue trouble'
sink v6 ::1 "$P"
sink stall 127.0.0.12 "$P" --stall 5
sink tls 127.0.0.13 "$P" --caps 'PIPELINING,STARTTLS'
dns "$D" --local=/test/ \
  --mx-host=busy.test,mx1.busy.test,10 --mx-host=busy.test,mx2.busy.test,20 \
  --host-record=mx1.busy.test,127.0.0.1 --host-record=mx2.busy.test,127.0.0.2 \
  --mx-host=drop.test,mx1.drop.test,10 --mx-host=drop.test,mx2.drop.test,20 \
  --host-record=mx1.drop.test,127.0.0.3 --host-record=mx2.drop.test,127.0.0.2 \
  --host-record=relay.test,127.0.0.2 \
  --mx-host=dead.test,mx1.dead.test,10 --mx-host=dead.test,mx2.dead.test,20 \
  --host-record=mx1.dead.test,127.0.0.10 --host-record=mx2.dead.test,127.0.0.2
t_bg /usr/bin/python3 "$BERTH_TOP/tests/remote-blackhole.py" 127.0.0.10 "$P"
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
for i in 1 2 3 4 5 6 7 8; do wait_listen 127.0.0.$i "$P"; done
printf 'Subject: smtp\n\nhello\n' > "$T_DIR/msg"

has () { # has TEXT PATTERN DESCRIPTION
  case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac
}

out=$(remote busy.test a@b.test u@busy.test < "$T_DIR/msg")
has "$out" "Kmx2.busy.test [127.0.0.2] accepted message." "421 greeting: next MX took it"
out=$(remote drop.test a@b.test u@drop.test < "$T_DIR/msg")
has "$out" "Kmx2.drop.test [127.0.0.2] accepted message." "drop after EHLO: next MX took it"
has "$out" "Irelay=mx2.drop.test[127.0.0.2]:$P conn=" "the facts record names the MX that took it, name[ip]:port"

out=$(remote '[127.0.0.2]' a@b.test u@x.test t450@x.test p550@x.test v@x.test < "$T_DIR/msg")
is "$(printf '%s\n' "$out" | cut -c1 | tr -d '\n')" "rshrKI" "per-recipient r/s/h and K, then the facts record (I)"
has "$out" "s127.0.0.2 does not like recipient. Remote host said: 450 4.2.0 try later t450" "450 quoted"
has "$out" "h127.0.0.2 does not like recipient. Remote host said: 550 5.1.1 no such user p550" "550 quoted"
n=$(ls "$T_DIR/good"/*.env | wc -l)
is "$(tail -n +2 "$T_DIR/good/$n.env" | tr '\n' ' ')" "<u@x.test> <v@x.test> " "only accepted recipients got the message"

out=$(remote '[127.0.0.2]' a@b.test t450@x.test p550@x.test < "$T_DIR/msg")
is "$(printf '%s\n' "$out" | cut -c1 | tr -d '\n')" "shDI" "no recipient accepted: s, h, final D, no DATA, then the facts record (I)"
is "$(ls "$T_DIR/good"/*.env | wc -l)" "$n" "no message stored"

out=$(remote '[127.0.0.4]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "K127.0.0.4 accepted message." "EHLO refused: HELO used"
grep -q "HELO test.example" "$T_DIR/helo/chunks"; ok $? "HELO with helohost (default me)"

head -c 300 /dev/zero | tr '\0' x > "$T_DIR/big"
out=$(remote '[127.0.0.5]' a@b.test u@x.test < "$T_DIR/big")
has "$out" "DConnected to 127.0.0.5 but the message is larger than its limit of 100 bytes." "SIZE limit: permanent, before MAIL"
grep -q MAIL "$T_DIR/small/chunks"; ok $((! $?)) "no MAIL sent to the small peer"

out=$(remote '[127.0.0.6]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "ZConnected to 127.0.0.6 but connection died. Possible duplicate! (#4.4.2)" "drop after the dot: possible duplicate"

out=$(remote '[127.0.0.8]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "Z127.0.0.8 failed after I sent the message. Remote host said: 451 4.3.0 queue trouble" "451 after the dot: Z"

out=$(remote '[127.0.0.7]' a@b.test u@x.test v@x.test < "$T_DIR/msg")
has "$out" "K127.0.0.7 accepted" "no PIPELINING: one command at a time works"
is "$(grep -c 'RCPT' "$T_DIR/nopipe/chunks")" 2 "no PIPELINING: each RCPT in its own write"

out=$(remote '[IPv6:::1]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "K::1 accepted" "IPv6 literal"
out=$(remote '[127.0.0.9]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "ZSorry, I wasn't able to establish an SMTP connection: 127.0.0.9:$P: Connection refused. (#4.4.1)" "connect refused: Z, the text names the address and the port"

# a peer that never greets: timeoutremote bounds the wait
ctl timeoutremote 1
t0=$(date +%s); out=$(remote '[127.0.0.12]' a@b.test u@x.test < "$T_DIR/msg"); t1=$(date +%s)
has "$out" "ZConnected to 127.0.0.12 but it timed out before the greeting." "greeting timeout: Z"
[ $((t1 - t0)) -le 3 ]; ok $? "greeting timeout took timeoutremote ($((t1 - t0)) s)"
ctl timeoutremote 10

# outgoing address
ctl outgoingip 127.0.0.11
out=$(remote '[127.0.0.2]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "K127.0.0.2 accepted" "outgoingip: delivered"
is "$(tail -n 1 "$T_DIR/good/peers")" "127.0.0.11" "outgoingip: connection came from 127.0.0.11"
rm "$BERTH_HOME/control/outgoingip"
ctl outgoingip6 ::1
out=$(remote '[IPv6:::1]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "K::1 accepted" "outgoingip6: delivered"
is "$(tail -n 1 "$T_DIR/v6/peers")" "::1" "outgoingip6: bound to ::1"
rm "$BERTH_HOME/control/outgoingip6"

# STARTTLS offered but refused (this sink answers 502): policy may goes on in cleartext
# (TLS itself: tests/rtls-*.t)
out=$(remote '[127.0.0.13]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "K127.0.0.13 accepted" "STARTTLS offered: delivered"
grep -q STARTTLS "$T_DIR/tls/chunks"; ok $? "STARTTLS offered: tried, refused, cleartext"

# a connect timeout is remembered (tcpto): the second delivery skips the dead MX at once
ctl timeoutconnect 3
ms () { /usr/bin/python3 -c 'import time; print(int(time.time() * 1000))'; }
t0=$(ms); out=$(remote dead.test a@b.test u@dead.test < "$T_DIR/msg"); t1=$(ms)
has "$out" "Kmx2.dead.test [127.0.0.2] accepted" "connect timeout: next MX took it"
[ $((t1 - t0)) -ge 2900 ]; ok $? "first delivery waited for the connect timeout ($((t1 - t0)) ms)"
[ -s "$BERTH_HOME/queue/lock/tcpto" ]; ok $? "queue/lock/tcpto written"
t0=$(ms); out=$(remote dead.test a@b.test u@dead.test < "$T_DIR/msg"); t1=$(ms)
has "$out" "Kmx2.dead.test [127.0.0.2] accepted" "second delivery: next MX took it"
[ $((t1 - t0)) -lt 2500 ]; ok $? "second delivery skipped the dead MX ($((t1 - t0)) ms)"
out=$(remote '[127.0.0.10]' a@b.test u@x.test < "$T_DIR/msg")
has "$out" "ZSorry, I wasn't able to establish an SMTP connection: every address timed out recently. (#4.4.1)" "only a dead address: Z at once"
ctl timeoutconnect 5

# smtproutes: exact, .suffix, default, literal relays, port, empty relay = MX
printf '%s\n' "# comment" "exact.test:[127.0.0.4]" ".sub.test:127.0.0.7" "v6.test:[IPv6:::1]" \
  "mxroute.test:" "named.test:relay.test" ":[127.0.0.2]:$P" > "$BERTH_HOME/control/smtproutes"
out=$(remote exact.test a@b.test u@exact.test < "$T_DIR/msg"); has "$out" "K127.0.0.4 accepted" "smtproutes: exact domain"
out=$(remote a.sub.test a@b.test u@a.sub.test < "$T_DIR/msg"); has "$out" "K127.0.0.7 accepted" "smtproutes: .suffix"
out=$(remote v6.test a@b.test u@v6.test < "$T_DIR/msg"); has "$out" "K::1 accepted" "smtproutes: [IPv6:...] relay"
out=$(remote named.test a@b.test u@named.test < "$T_DIR/msg"); has "$out" "Krelay.test [127.0.0.2] accepted" "smtproutes: relay by name (A, no MX)"
out=$(remote busy.test a@b.test u@busy.test < "$T_DIR/msg"); has "$out" "K127.0.0.2 accepted" "smtproutes: default route with port"
out=$(remote mxroute.test a@b.test u@mxroute.test < "$T_DIR/msg"); has "$out" "DSorry, I couldn't find any host named mxroute.test." "smtproutes: empty relay uses DNS"
t_done

#!/bin/sh
# Delivering to itself: an MX or A record of any domain that leads back to this host (an
# attacker's domain pointing at 127.0.0.1) is a permanent "loops back to myself" failure, never
# a connection to our own port (qmail's ipme, Postfix's loop check): the MXes at and after the
# first one that is us are dropped; control/notipme and control/moreipme adjust the set; a route
# in smtproutes is used as it is. An address literal (x@[127.0.0.1], a bounce to such a sender)
# is checked as qmail-remote checks it. A peer greeting with our own name is a loop too.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
t_start 60
t_instance
D=$(free_port)
# this instance's own berth-smtpd on 127.0.0.1, relaying for 127.0.0.1 as the default rules do
RELAYCLIENT=
export RELAYCLIENT
smtpd_listen -HRl0
unset RELAYCLIENT
P=$port
ctl smtpport "$P"
ctl timeoutconnect 5
ctl timeoutremote 10
sink other 127.0.0.2 "$P"
sink named 127.0.0.3 "$P" --greet '220 test.example ESMTP'
dns "$D" --local=/test/ \
  --mx-host=evil.test,mx.evil.test,10 --host-record=mx.evil.test,127.0.0.1 \
  --host-record=bare.test,127.0.0.1 \
  --host-record=v6.test,::1 \
  --mx-host=backup.test,mx.evil.test,10 --mx-host=backup.test,other.test,20 \
  --mx-host=before.test,other.test,5 --mx-host=before.test,mx.evil.test,10 \
  --host-record=other.test,127.0.0.2 \
  --mx-host=named.test,named.mx.test,10 --host-record=named.mx.test,127.0.0.3 \
  --host-record=more.test,192.0.2.7
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
wait_listen 127.0.0.2 "$P"; wait_listen 127.0.0.3 "$P"
printf 'Subject: loop\n\nhello\n' > "$T_DIR/msg"
echo 127.0.0.2 > "$BERTH_HOME/control/notipme"
echo 127.0.0.3 >> "$BERTH_HOME/control/notipme"

queued () { find "$BERTH_HOME/queue" -path '*todo*' -type f 2>/dev/null | wc -l; }
last () { printf '%s\n' "$1" | grep -v '^I' | tail -n 1; }   # the final record (K, Z or D), not the facts record (I) after it
loops () { # loops OUT DOMAIN DESCRIPTION
  case $(last "$1") in "DSorry, mail for $2 loops back to myself"*"(#5.4.6)") ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac
}

q0=$(queued)
out=$(remote evil.test a@b.test victim@evil.test < "$T_DIR/msg")
loops "$out" evil.test "MX pointing at 127.0.0.1: permanent loop failure"
is "$(queued)" "$q0" "nothing reached our own berth-smtpd"
out=$(remote evil.test '' victim@evil.test < "$T_DIR/msg")
loops "$out" evil.test "a bounce (null sender) the same"
out=$(remote bare.test a@b.test victim@bare.test < "$T_DIR/msg")
loops "$out" bare.test "no MX, A record 127.0.0.1: loop"
out=$(remote v6.test a@b.test victim@v6.test < "$T_DIR/msg")
loops "$out" v6.test "no MX, AAAA record ::1: loop"
out=$(remote backup.test a@b.test victim@backup.test < "$T_DIR/msg")
loops "$out" backup.test "MX after the one that is us: dropped too (qmail's rule)"
[ ! -e "$T_DIR/other/chunks" ]; ok $? "the backup MX was not tried"
out=$(remote before.test a@b.test u@before.test < "$T_DIR/msg")
case $(last "$out") in "Kother.test [127.0.0.2] accepted message."*) ok 0 "a better MX than us is used" ;; *) ok 1 "a better MX than us is used"; diag "$out" ;; esac
echo 192.0.2.7 > "$BERTH_HOME/control/moreipme"
out=$(remote more.test a@b.test u@more.test < "$T_DIR/msg")
loops "$out" more.test "control/moreipme: an address of ours behind NAT, no connection"
rm "$BERTH_HOME/control/moreipme"
out=$(remote '[127.0.0.1]' '' 'x@[127.0.0.1]' < "$T_DIR/msg")
loops "$out" '[127.0.0.1]' "an address literal of this host (a bounce to x@[127.0.0.1]): loop"
out=$(remote '[IPv6:::1]' a@b.test 'x@[IPv6:::1]' < "$T_DIR/msg")
loops "$out" '[IPv6:::1]' "an IPv6 literal of this host: loop"
is "$(queued)" "$q0" "nothing reached our own berth-smtpd by a literal"
out=$(remote '[127.0.0.2]' a@b.test 'u@[127.0.0.2]' < "$T_DIR/msg")
case $(last "$out") in "K127.0.0.2 accepted message."*|"K[127.0.0.2] accepted message."*) ok 0 "a literal listed in control/notipme: used" ;; *) ok 1 "a literal listed in control/notipme: used"; diag "$out" ;; esac

out=$(remote named.test a@b.test u@named.test < "$T_DIR/msg")
case $(last "$out") in "DConnected to named.mx.test [127.0.0.3] but it greeted me with my own name"*"(#5.4.6)") ok 0 "a peer greeting with our name: loop" ;; *) ok 1 "a peer greeting with our name: loop"; diag "$out" ;; esac
n=$(ls "$T_DIR/named/"*.env 2>/dev/null | wc -l)
is "$n" 0 "no message given to it"

# the escapes: notipme, a route, a literal
echo 127.0.0.1 >> "$BERTH_HOME/control/notipme"
out=$(remote evil.test a@b.test victim@evil.test < "$T_DIR/msg")
case $(last "$out") in "DConnected to mx.evil.test [127.0.0.1] but it greeted me with my own name"*) ok 0 "listed in control/notipme: tried, and our own berth-smtpd's greeting stops the loop" ;; *) ok 1 "listed in control/notipme: tried, our own greeting stops the loop"; diag "$out" ;; esac
is "$(queued)" "$q0" "still nothing reached our own queue"
echo 127.0.0.2 > "$BERTH_HOME/control/notipme"
echo "evil.test:127.0.0.1" > "$BERTH_HOME/control/smtproutes"
out=$(remote evil.test a@b.test victim@evil.test < "$T_DIR/msg")
case $(last "$out") in "K127.0.0.1 accepted message."*) ok 0 "a route in smtproutes to this host: used" ;; *) ok 1 "a route in smtproutes to this host: used"; diag "$out" ;; esac
rm "$BERTH_HOME/control/smtproutes"
echo "bad address" > "$BERTH_HOME/control/notipme"
out=$(remote evil.test a@b.test victim@evil.test < "$T_DIR/msg")
case $(last "$out") in "ZUnable to read control/moreipme, control/notipme"*) ok 0 "a bad control/notipme line: temporary, nothing sent" ;; *) ok 1 "a bad control/notipme line: temporary"; diag "$out" ;; esac
t_done

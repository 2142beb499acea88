#!/bin/sh
# REQUIRETLS (RFC 8689) end to end. A sending instance (berth-start: berth-send, berth-rspawn,
# berth-remote) with a REQUIRETLS message in its queue (an E record) delivers it to a receiving
# berth instance's port-25 service over STARTTLS verified with the MX name and the test CA; the
# receiver offered REQUIRETLS after STARTTLS, took MAIL ... REQUIRETLS and keeps the flag in its
# own queue (its E record). A second message goes to a verified peer that does not offer
# REQUIRETLS: nothing is sent, and the sender gets a bounce with 5.7.30.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/tls25-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "two instances with s6 services need root"
for p in berth-smtpd berth-listen berth-tlsd berth-start; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 150
tls_certs
C=$T_DIR/certs
port=$(free_port)
# the receiver: mx.test on 127.0.0.2, port 25's service with the test CA's certificate for mx.test
berth25_start 127.0.0.2 "$port" mx.test "$C/chain.crt" "$C/leaf.key" "the receiving instance's smtpd (STARTTLS) and send are ready"
R=$BERTH_HOME
trap 's6-svscanctl -t "$svc" 2>/dev/null; t_cleanup' EXIT
s6-svc -d "$svc/send"   # what it queues stays in its queue, to be looked at
# a verified peer without REQUIRETLS on 127.0.0.3
mkdir -p "$T_DIR/noreq" && chmod 777 "$T_DIR/noreq"
t_bg "$PY" "$BERTH_TOP/tests/rtls-sink.py" "$port" "$T_DIR/noreq" --host 127.0.0.3 --cert "$C/chain.crt" --key "$C/leaf.key" 2>"$T_DIR/noreq.stderr"
D=$(free_port)
dns "$D" --local=/test/ --host-record=mx.test,127.0.0.2 \
  --mx-host=noreq.test,mx-noreq.test,10 --host-record=mx-noreq.test,127.0.0.3
wait_listen 127.0.0.3 "$port" || diag "the sink did not start"

# the sender
t_instance sender
ctl smtpport "$port"
ctl dnsserver "127.0.0.1:$D"
ctl tlspolicy "noreq.test:may:name=mx.test"
cp "$C/ca.crt" "$BERTH_HOME/control/tlsanchors"
notipme_sinks
t_bg as_user berth-start 2>"$T_DIR/send.log"
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
# inject RCPT SUBJECT: a REQUIRETLS message from postmaster@test.example into the sender's queue
inject () {
  printf 'From: postmaster@test.example\nTo: %s\nSubject: %s\n\nsecret body\n' "$1" "$2" > "$T_DIR/m"
  printf 'Fpostmaster@test.example\0EREQUIRETLS\0T%s\0\0' "$1" > "$T_DIR/e"
  chmod 644 "$T_DIR/m" "$T_DIR/e"
  as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e"
}
inject postmaster@mx.test "to berth"; ok $? "a REQUIRETLS message queued for postmaster@mx.test"
n=0; while [ $n -lt 200 ] && ! grep -q 'rcpt=postmaster@mx.test .*status=' "$T_DIR/send.log"; do sleep 0.1; n=$((n + 1)); done
grep -q 'rcpt=postmaster@mx.test .*status=sent tls=TLSv1.2 cipher=[A-Z0-9_]* verified=1' "$T_DIR/send.log"; ok $? "the sender delivered it over verified TLS"
t=$(find "$R/queue/todo" -type f | head -n 1)
[ -n "$t" ] && qenv "$t" | tr '\0' '|' | grep -q '|EREQUIRETLS|Tpostmaster@mx.test|'; ok $? "the receiver queued it with REQUIRETLS (its E record)"
m=$(find "$R/queue/mess" -type f | head -n 1)
[ -n "$m" ] && qbody "$m" | grep -q 'secret body'; ok $? "the receiver has the message"
[ -n "$m" ] && qbody "$m" | grep -q 'with ESMTPS'; ok $? "its Received: says ESMTPS"

inject u@noreq.test "to a peer without REQUIRETLS"; ok $? "a REQUIRETLS message queued for u@noreq.test"
n=0; while [ $n -lt 200 ] && ! grep -q 'rcpt=u@noreq.test .*status=' "$T_DIR/send.log"; do sleep 0.1; n=$((n + 1)); done
grep -q 'rcpt=u@noreq.test .*dsn=5.7.30 status=bounced.*REQUIRETLS support required: connected to mx-noreq.test \[127.0.0.3\] but it does not offer REQUIRETLS after STARTTLS' "$T_DIR/send.log"
ok $? "a verified peer without REQUIRETLS: bounced with 5.7.30, the reason in the log"
! grep -q '^MAIL' "$T_DIR/noreq/log" 2>/dev/null; ok $? "nothing was sent to it"
md=$BERTH_HOME/alias/Maildir/new
n=0; while [ $n -lt 200 ] && ! grep -qs 'Status: 5.7.30' "$md"/*; do sleep 0.1; n=$((n + 1)); done
grep -qs 'Status: 5.7.30' "$md"/*; ok $? "the sender's bounce says Status: 5.7.30"
grep -qs 'REQUIRETLS support required' "$md"/*; ok $? "... and why"
t_done

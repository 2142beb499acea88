#!/bin/sh
# berth-remote's outbound STARTTLS through berth-tlsc against aiosmtpd sinks: opportunistic
# TLS (may) with a self-signed certificate, the cleartext retry after a failed handshake,
# control/tlspolicy's none / encrypt / verify (name from MX or name=, trust anchors from
# anchors=, control/tlsanchors, or the default), and the report's TLS facts.
. "$BERTH_TOP/tests/rtls-lib.sh"
rtls_setup 60
D=$(free_port)
rsink self 127.0.0.1 --cert "$C/rsa.crt" --key "$C/rsa.key"
rsink plain 127.0.0.2
rsink ca 127.0.0.3 --cert "$C/chain.crt" --key "$C/leaf.key"
rsink tls13 127.0.0.4 --cert "$C/rsa.crt" --key "$C/rsa.key" --tls13
dns "$D" --local=/test/ \
  --mx-host=good.test,mx.test,10 --host-record=mx.test,127.0.0.3 \
  --mx-host=wrong.test,other.test,10 --host-record=other.test,127.0.0.3
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
for i in 1 2 3 4; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
printf 'Subject: tls\n\nhello over tls\n' > "$T_DIR/msg"
# run HOST: berth-remote to u@x.test; report in $out (one record a line), stderr in $T_DIR/err
run () { out=$(as_user berth-remote "$1" a@b.test u@x.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n'); }
count () { grep -c "$2" "$T_DIR/$1/log" 2>/dev/null; }

# may (no tlspolicy): STARTTLS to a self-signed certificate, accepted unverified
run '[127.0.0.1]'
has "$out" "K127.0.0.1 accepted message. Remote host said: 250 2.0.0 stored 1 TLS=TLSv1.2 cipher=TLS_" "may: delivered over TLS, report names TLS version and cipher"
has "$out" " verified=0" "may: self-signed certificate reported as verified=0"
diag "report: $(printf "%s\n" "$out" | tail -n 1)"
grep -q 'MAIL tls=1' "$T_DIR/self/log"; ok $? "may: the sink saw MAIL over TLS"
grep -q 'hello over tls' "$T_DIR/self/1.eml"; ok $? "may: the message arrived"
grep -q "^berth-remote: info: tls relay=127\.0\.0\.1\[127\.0\.0\.1\]:$P tls=TLSv1\.2 cipher=[A-Z0-9_]* verified=0 policy=may\$" "$T_DIR/err"; ok $? "may: one log line with the relay host[ip]:port and the TLS facts"
grep -q 'reason=X509_NOT_TRUSTED' "$T_DIR/err"; ok $? "may: berth-tlsc logged why it is not verified"

# may, a peer without STARTTLS: cleartext, no TLS facts
run '[127.0.0.2]'
has "$out" "K127.0.0.2 accepted message. Remote host said: 250 2.0.0 stored 1" "may: no STARTTLS offered, cleartext delivery"
case $out in *TLS=*) ok 1 "cleartext report has no TLS facts" ;; *) ok 0 "cleartext report has no TLS facts" ;; esac

# may, the handshake fails (TLS 1.3 only peer): the same address again in cleartext
run '[127.0.0.4]'
has "$out" "K127.0.0.4 accepted message." "may: failed handshake, retried in cleartext and delivered"
is "$(count tls13 STARTTLS)" 1 "may: STARTTLS tried once, not on the retry"
is "$(grep 'MAIL' "$T_DIR/tls13/log")" "MAIL tls=0 auth=-" "may: the retry sent MAIL in cleartext"
grep -q "warning: TLS with 127.0.0.4 failed: berth-tlsc status 98.*retrying in cleartext" "$T_DIR/err"; ok $? "may: the fallback is logged"

# none: never STARTTLS
printf '%s\n' '# comment' '[127.0.0.1]:none' > "$BERTH_HOME/control/tlspolicy"
n=$(count self STARTTLS)
run '[127.0.0.1]'
has "$out" "K127.0.0.1 accepted" "none: delivered"
is "$(count self STARTTLS)" "$n" "none: no STARTTLS sent"

# encrypt: a peer without STARTTLS defers; a failed handshake defers (no cleartext retry)
printf '%s\n' '[127.0.0.2]:encrypt' '[127.0.0.4]:encrypt' '[127.0.0.1]:encrypt' > "$BERTH_HOME/control/tlspolicy"
n=$(ls "$T_DIR/plain"/*.eml | wc -l)
run '[127.0.0.2]'
has "$out" "ZConnected to 127.0.0.2 but it does not offer STARTTLS: TLS required but not offered" "encrypt: no STARTTLS offered: Z"
has "$out" "(#4.7.4)" "encrypt: 4.7.4"
is "$(ls "$T_DIR/plain"/*.eml | wc -l)" "$n" "encrypt: nothing sent in cleartext"
n=$(count tls13 MAIL)
run '[127.0.0.4]'
has "$out" "ZConnected to 127.0.0.4 but TLS failed: berth-tlsc status 98" "encrypt: failed handshake: Z"
is "$(count tls13 MAIL)" "$n" "encrypt: no cleartext retry"
run '[127.0.0.1]'
has "$out" "K127.0.0.1 accepted message." "encrypt: self-signed peer accepted"
has "$out" "verified=0" "encrypt: verified=0"

# a peer that injects a reply after its 220 to STARTTLS, one that refuses STARTTLS (454)
mkdir -p "$T_DIR/inject" "$T_DIR/refuse"
t_bg "$PY" "$BERTH_TOP/tests/rtls-peer.py" 127.0.0.5 "$P" "$T_DIR/inject" inject
t_bg "$PY" "$BERTH_TOP/tests/rtls-peer.py" 127.0.0.6 "$P" "$T_DIR/refuse" refuse
wait_listen 127.0.0.5 "$P"; wait_listen 127.0.0.6 "$P"
printf '%s\n' '[127.0.0.5]:encrypt' '[127.0.0.6]:verify:name=peer.test' > "$BERTH_HOME/control/tlspolicy"
run '[127.0.0.5]'
has "$out" "ZConnected to 127.0.0.5 but TLS failed: the server sent data after its 220 to STARTTLS. (#4.7.5)" "injected bytes after 220: refused"
grep -q '^MAIL' "$T_DIR/inject/log"; ok $((! $?)) "injected bytes after 220: nothing more sent"
run '[127.0.0.6]'
has "$out" "ZConnected to 127.0.0.6 but it refused STARTTLS, which control/tlspolicy requires. (#4.7.4) Remote host said: 454 4.7.0 TLS not available" "STARTTLS refused under verify: Z"
grep -q '^MAIL' "$T_DIR/refuse/log"; ok $((! $?)) "STARTTLS refused under verify: no MAIL"
rm "$BERTH_HOME/control/tlspolicy"
run '[127.0.0.6]'
has "$out" "K127.0.0.6 accepted message." "STARTTLS refused under may: cleartext on the same connection"
is "$(grep -c '^EHLO' "$T_DIR/refuse/log")" 2 "STARTTLS refused under may: no second connection, no second EHLO"

# verify with the MX name: the right name and anchor, a wrong name, no anchor
printf '%s\n' "good.test:verify:anchors=$C/ca.crt" "wrong.test:verify:anchors=$C/ca.crt" \
  "[127.0.0.3]:verify:name=mx.test:anchors=$C/ca.crt" "[127.0.0.1]:verify:name=localhost" \
  ".sub.test:verify" "*:encrypt" > "$BERTH_HOME/control/tlspolicy"
run good.test
has "$out" "Kmx.test [127.0.0.3] accepted message." "verify: MX name and trust anchor: delivered"
has "$out" "verified=1" "verify: verified=1"
grep -q 'policy=verify' "$T_DIR/err"; ok $? "verify: logged with the policy"
n=$(count ca MAIL)
run wrong.test
has "$out" "ZConnected to other.test [127.0.0.3] but TLS failed: berth-tlsc status 98" "verify: wrong name (MX other.test): Z"
grep -q 'X509_BAD_SERVER_NAME' "$T_DIR/err"; ok $? "verify: berth-tlsc logged the bad name"
has "$out" "but TLS failed: berth-tlsc status 98: X509_BAD_SERVER_NAME. (#4.7.5)" "verify: the report names the reason (so bounces and berth-qread do)"
is "$(count ca MAIL)" "$n" "verify: nothing sent after a wrong name"
run '[127.0.0.3]'
has "$out" "K127.0.0.3 accepted message." "verify: name= on an address literal: delivered"
has "$out" "verified=1" "verify: name= verified=1"
run '[127.0.0.1]'
has "$out" "ZConnected to 127.0.0.1 but TLS failed" "verify: self-signed, not in the default anchors: Z"
grep -q 'X509_NOT_TRUSTED' "$T_DIR/err"; ok $? "verify: berth-tlsc logged the untrusted chain"
has "$out" "berth-tlsc status 98: X509_NOT_TRUSTED" "verify: the report names the untrusted chain"

# control/tlsanchors replaces the default; .suffix lines match; "*" is the default line
printf '%s\n' "[127.0.0.3]:verify:name=mx.test" "*:may" > "$BERTH_HOME/control/tlspolicy"
cp "$C/ca.crt" "$BERTH_HOME/control/tlsanchors"
run '[127.0.0.3]'
has "$out" "verified=1" "control/tlsanchors: verify succeeds"
rm "$BERTH_HOME/control/tlsanchors"
run '[127.0.0.3]'
has "$out" "ZConnected to 127.0.0.3 but TLS failed" "without control/tlsanchors: the test CA is not trusted"
printf '%s\n' "x.sub.test:encrypt" ".test:encrypt" "*:none" > "$BERTH_HOME/control/tlspolicy"
printf '%s\n' "good.test:" > "$BERTH_HOME/control/smtproutes"
n=$(count self STARTTLS)
run '[127.0.0.1]'
is "$(count self STARTTLS)" "$n" "'*:none' applies to a host without a line"
run good.test
has "$out" "Kmx.test [127.0.0.3] accepted message." ".test:encrypt applies to good.test"
has "$out" "verified=0" ".test:encrypt: the chain is not verified without anchors"
rm "$BERTH_HOME/control/smtproutes"
# a large message over TLS (the pipes to berth-tlsc under load), then berth-tlsc missing
{ head -c 3000000 /dev/zero | tr '\0' 'x' | fold -w 999; echo; } > "$T_DIR/big"
rm "$BERTH_HOME/control/tlspolicy"
out=$(as_user berth-remote '[127.0.0.1]' a@b.test u@x.test < "$T_DIR/big" 2>"$T_DIR/err" | tr '\0' '\n')
has "$out" "TLS=TLSv1.2" "3 MB over TLS: delivered"
f=$(ls -t "$T_DIR/self"/*.eml | head -n 1)
is "$(tr -d '\r' < "$f" | cmp -s - "$T_DIR/big"; echo $?)" 0 "3 MB over TLS: arrived byte for byte"
out=$(BERTH_TLSC=/nonexistent/berth-tlsc as_user berth-remote '[127.0.0.1]' a@b.test u@x.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n')
has "$out" "K127.0.0.1 accepted message." "berth-tlsc missing, may: delivered in cleartext"
grep -q 'unable to exec /nonexistent/berth-tlsc' "$T_DIR/err"; ok $? "berth-tlsc missing: logged"

# through the queue: berth-send's log line carries the TLS facts
printf '%s\n' "e2e.test:[127.0.0.1]" > "$BERTH_HOME/control/smtproutes"
t_bg as_user berth-start 2>"$T_DIR/send.log"
printf 'To: u@e2e.test\nSubject: e2e\n\nthrough the queue\n' | as_user berth-inject -f a@b.test u@e2e.test
n=0; while [ $n -lt 100 ] && ! grep -q 'status=' "$T_DIR/send.log"; do sleep 0.1; n=$((n + 1)); done
n=0; while [ $n -lt 100 ] && ! grep -q 'event=delivery' "$T_DIR/send.log"; do sleep 0.1; n=$((n + 1)); done
grep -q 'berth-send: event=delivery .*rcpt=u@e2e.test chan=remote relay=127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]* try=1 .*dsn=2\.0\.0 status=sent tls=TLSv1\.2 cipher=[A-Z0-9_]* verified=0 text="127.0.0.1 accepted message. .* TLS=TLSv1.2 cipher=.* verified=0"' "$T_DIR/send.log"; ok $? "the delivery log line carries the relay, TLS version, cipher and verified"
! grep -q '^berth-rspawn: info: id=' "$T_DIR/send.log"; ok $? "no second line for the delivery from berth-rspawn (control/logdebug is off)"
grep -q 'berth-remote: info: tls relay=127.0.0.1\[127.0.0.1\]:' "$T_DIR/send.log"; ok $? "berth-remote's TLS line is in the same log"
/bin/kill -TERM "$T_PID" 2>/dev/null
rm "$BERTH_HOME/control/smtproutes"

# a kept session (berth-rspawn, doc/berth-rspawn.md "Connection reuse"): the second job goes over
# the same TLS session, its report with the same TLS facts
printf 'Fa@b.test\0Tu@[127.0.0.1]\0\0' > "$T_DIR/env"
qid=$(BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env" < "$T_DIR/msg")
n=$(count self STARTTLS); m=$(count self 'MAIL tls=1')
as_user /usr/bin/python3 "$BERTH_TOP/tests/spawn-drive.py" "J:1:$qid:a@b.test:u@[127.0.0.1]" "J:2:$qid:a@b.test:v@[127.0.0.1]" \
  -- berth-rspawn > "$T_DIR/kept" 2>"$T_DIR/err"
has "$(sed -n 2p "$T_DIR/kept")" "2: K127.0.0.1 accepted message. Remote host said: 250 2.0.0 stored" "a kept TLS session: the second job delivered"
has "$(sed -n 2p "$T_DIR/kept")" " TLS=TLSv1.2 cipher=TLS_" "its report carries the TLS facts"
is "$(( $(count self STARTTLS) - n )) $(( $(count self 'MAIL tls=1') - m ))" "1 2" "one STARTTLS, two transactions over TLS"

printf '%s\n' "*:sometimes" > "$BERTH_HOME/control/tlspolicy"
run '[127.0.0.1]'
has "$out" "Zcontrol/tlspolicy: a bad line. (#4.3.5)" "a bad policy defers"
t_done

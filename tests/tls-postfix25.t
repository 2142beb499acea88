#!/bin/sh
# A private Postfix sends to berth's port-25 service over STARTTLS when it must: as a sender with
# smtp_tls_security_level = encrypt, then = secure (the test CA, match=mx.test). Postfix's log
# shows the TLS session; berth's Received: says ESMTPS with the suite.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
. "$BERTH_TOP/tests/tls25-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private Postfix needs root"
command -v postfix >/dev/null 2>&1 || skip_all "postfix is not installed"
for p in berth-smtpd berth-listen berth-tlsd berth-start; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 240
tls_certs
C=$T_DIR/certs
port=$(free_port)
berth25_start 127.0.0.1 "$port" mx.test "$C/chain.crt" "$C/leaf.key" "berth's smtpd (port 25 service, with a certificate) and send are ready"

P=$T_DIR/pf
pfport=$(free_port)
pf_setup "$P" pf.test "$pfport" "$TESTUSER" || { echo "Bail out! cannot write the Postfix instance"; exit 1; }
echo "[127.0.0.1]:$port encrypt" > "$P/etc/tls_policy"
{
  echo "relayhost = [127.0.0.1]:$port"
  echo "relay_transport = smtp"
  echo "default_transport = smtp"
  echo "smtp_tls_security_level = encrypt"
  echo "smtp_tls_policy_maps = texthash:$P/etc/tls_policy"
  echo "smtp_tls_CAfile = $C/ca.crt"
  echo "smtp_tls_loglevel = 1"
} >> "$P/etc/main.cf"
trap 'pf "$P" stop >/dev/null 2>&1; s6-svscanctl -t "$svc" 2>/dev/null; t_cleanup' EXIT
pf "$P" start >"$T_DIR/pf.start" 2>&1; r=$?
ok $r "a private Postfix starts as the sender"
wait_port "$pfport" 20
[ $r = 0 ] || diag "$(cat "$T_DIR/pf.start")"

maildir=$BERTH_HOME/alias/Maildir
count () { ls "$maildir/new" 2>/dev/null | wc -l; }
inject () { swaks --server "127.0.0.1:$pfport" --from a@pf.test --to postmaster@mx.test --header "Subject: $1" --body body >"$T_DIR/swaks" 2>&1; }
# a loaded machine can make Postfix's first try fail (it then waits minutes): flush every 10 s
await () {
  n=0; while [ $n -lt 600 ] && [ "$(count)" -lt "$1" ]; do
    sleep 0.1; n=$((n + 1)); [ $((n % 100)) = 0 ] && postqueue -c "$P/etc" -f 2>/dev/null
  done
}

inject "postfix encrypt"; ok $? "Postfix takes a message for berth (swaks to its smtpd)"
await 1
f=$(grep -l '^Subject: postfix encrypt' "$maildir"/new/* 2>/dev/null | head -n 1)
[ -n "$f" ]; ok $? "smtp_tls_security_level = encrypt: delivered to berth over port 25"
[ -n "$f" ] || diag "$(grep -v overriding "$P/maillog" | tail -n 8)"
grep -q 'with ESMTPS (TLSv1.2 TLS_ECDHE_' "$f" 2>/dev/null; ok $? "berth's Received: says ESMTPS and the suite"
grep -q "Trusted TLS connection established to 127.0.0.1\[127.0.0.1\]:$port: TLSv1.2" "$P/maillog" \
  || grep -q "TLS connection established to 127.0.0.1\[127.0.0.1\]:$port: TLSv1.2" "$P/maillog"
ok $? "Postfix logged its TLS session to berth"

echo "[127.0.0.1]:$port secure match=mx.test" > "$P/etc/tls_policy"
pf "$P" reload >/dev/null 2>&1
inject "postfix secure"
await 2
f=$(grep -l '^Subject: postfix secure' "$maildir"/new/* 2>/dev/null | head -n 1)
[ -n "$f" ]; ok $? "secure, match=mx.test with the test CA: delivered (berth's chain verifies)"
[ -n "$f" ] || diag "$(grep -v overriding "$P/maillog" | tail -n 8)"
grep -q "Verified TLS connection established to 127.0.0.1\[127.0.0.1\]:$port" "$P/maillog"; ok $? "Postfix logged a verified session"

echo "[127.0.0.1]:$port secure match=other.test" > "$P/etc/tls_policy"
pf "$P" reload >/dev/null 2>&1
inject "postfix wrong name"
n=0; while [ $n -lt 150 ] && ! grep -q 'Server certificate not verified' "$P/maillog"; do sleep 0.1; n=$((n + 1)); done
grep -q 'Server certificate not verified' "$P/maillog"; ok $? "secure, match=other.test: Postfix refuses berth's certificate (the test can fail)"
is "$(count)" 2 "and nothing more arrived"
t_done

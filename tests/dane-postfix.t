#!/bin/sh
# Postfix as a DANE sender (smtp_tls_security_level = dane, smtp_dns_support_level = dnssec)
# to berth's port-25 service with control/tlscert: the MX and the TLSA record (3 1 1, berth's
# key) are in a zone signed by ldns-signzone, served by NSD and validated by unbound; Postfix
# delivers over a DANE-verified session. A TLSA record that does not match berth's key makes
# Postfix refuse (the test can fail). Postfix reads /etc/resolv.conf only (no port): the test
# runs in its own mount namespace with a private resolv.conf naming unbound on 127.0.0.153:53.
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP a private Postfix and a mount namespace need root"; exit 0; }
if [ -z "${DANE_MNTNS:-}" ]; then
  DANE_MNTNS=1 exec unshare -m --propagation private sh "$0" "$@" 2>/dev/null \
    || { echo "1..0 # SKIP no mount namespace"; exit 0; }
fi
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
. "$BERTH_TOP/tests/tls25-lib.sh"
. "$BERTH_TOP/tests/dane-lib.sh"
command -v postfix >/dev/null 2>&1 || skip_all "postfix is not installed"
for p in berth-smtpd berth-listen berth-tlsd berth-start; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 150
tls_certs
C=$T_DIR/certs
port=$(free_port)

UNB_IP=127.0.0.153 UNB_PORT=53
dane_zone "$T_DIR/dns" "
mx MX 10 mx
mx A 127.0.0.2
_$port._tcp.mx TLSA 3 1 1 $(tlsa_hash 1 1 "$C/leaf.crt")
bad MX 10 mxbad
mxbad A 127.0.0.2
_$port._tcp.mxbad TLSA 3 1 1 $(tlsa_hash 1 1 "$C/rsa.crt")
" ""
printf 'nameserver %s\noptions trust-ad\n' "$UNB_IP" > "$T_DIR/resolv.conf"
mount --bind "$T_DIR/resolv.conf" /etc/resolv.conf || { echo "Bail out! cannot mount a private resolv.conf"; exit 1; }

# berth on 127.0.0.2: an address that is not Postfix's own (else "loops back to myself")
berth25_start 127.0.0.2 "$port" mx.test "$C/chain.crt" "$C/leaf.key" "berth's port-25 service (with a certificate) and send are ready"

P=$T_DIR/pf
pfport=$(free_port)
pf_setup "$P" pf.test "$pfport" "$TESTUSER" || { echo "Bail out! cannot write the Postfix instance"; exit 1; }
# MX lookups (no brackets) on berth's port: the TLSA name is _PORT._tcp.MXHOST
printf '%s\n' "mx.test smtp:mx.test:$port" "bad.test smtp:bad.test:$port" > "$P/etc/transport"
{
  echo "smtp_dns_support_level = dnssec"
  echo "smtp_tls_security_level = dane"
  echo "default_transport = smtp"
  echo "relay_transport = smtp"
  echo "transport_maps = texthash:$P/etc/transport"
  echo "smtp_tls_loglevel = 1"
} >> "$P/etc/main.cf"
trap 'pf "$P" stop >/dev/null 2>&1; s6-svscanctl -t "$svc" 2>/dev/null; t_cleanup' EXIT
pf "$P" start >"$T_DIR/pf.start" 2>&1; r=$?
ok $r "a private Postfix starts as the DANE sender"
wait_port "$pfport" 20
[ $r = 0 ] || diag "$(cat "$T_DIR/pf.start")"

maildir=$BERTH_HOME/alias/Maildir
count () { ls "$maildir/new" 2>/dev/null | wc -l; }
inject () { swaks --server "127.0.0.1:$pfport" --from a@pf.test --to "$2" --header "Subject: $1" --body body >"$T_DIR/swaks" 2>&1; }

inject "postfix dane" postmaster@mx.test; ok $? "Postfix takes a message for mx.test"
n=0; while [ $n -lt 300 ] && [ "$(count)" -lt 1 ]; do sleep 0.1; n=$((n + 1)); done
f=$(grep -l '^Subject: postfix dane' "$maildir"/new/* 2>/dev/null | head -n 1)
[ -n "$f" ]; ok $? "smtp_tls_security_level = dane: delivered to berth"
[ -n "$f" ] || diag "$(grep -v overriding "$P/maillog" | tail -n 8)"
grep -q "Verified TLS connection established to mx.test\[127.0.0.2\]:$port" "$P/maillog"; ok $? "Postfix logged a DANE-verified session to berth"
grep -q 'with ESMTPS (TLSv1.2 TLS_ECDHE_' "$f" 2>/dev/null; ok $? "berth's Received: says ESMTPS"

inject "postfix dane mismatch" postmaster@bad.test
refused () { grep 'mxbad\.test' "$P/maillog" | grep -q 'not verified\|certificate verification failed\|no matching DANE TLSA'; }
n=0; while [ $n -lt 200 ] && ! refused; do sleep 0.1; n=$((n + 1)); done
refused; ok $? "a TLSA record that does not match berth's key: Postfix refuses (the test can fail)"
diag "$(grep "mxbad.test" "$P/maillog" | grep -v overriding | head -n 2)"
is "$(count)" 1 "and nothing more arrived"
t_done

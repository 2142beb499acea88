#!/bin/sh
# berth-remote -> a private Postfix on loopback that requires TLS from its clients
# (smtpd_tls_security_level = encrypt, as an MX that publishes MTA-STS or DANE may run): under
# berth's default policy (opportunistic STARTTLS) and under verify the message goes over TLS and
# is delivered; with TLS turned off for the route Postfix's refusal (530 5.7.0) comes back and
# nothing is delivered in cleartext.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private Postfix needs root"
command -v postfix >/dev/null 2>&1 || skip_all "postfix is not installed"
t_start 90
t_instance
tls_certs
C=$T_DIR/certs
pf_up "$T_DIR/pf" "smtpd_tls_security_level = encrypt
smtpd_tls_cert_file = $C/chain.crt
smtpd_tls_key_file = $C/leaf.key
smtpd_tls_loglevel = 1"
ctl smtpport "$pfport"
ctl timeoutremote 20
notipme_sinks
printf 'Subject: to an MX that requires TLS\n\nbody line\n' > "$T_DIR/msg"
send () { out=$(as_user berth-remote '[127.0.0.1]' a@b.test box@pf.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n'); }
has () { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1"; diag "$(cat "$T_DIR/err")" ;; esac; }
mails () { find "$P/mail" -type f 2>/dev/null | wc -l; }
wait_mails () { n=0; while [ $n -lt 100 ] && [ "$(mails)" -lt "$1" ]; do sleep 0.1; n=$((n + 1)); done; }

rm -f "$BERTH_HOME/control/tlspolicy"
send
has "$out" "K127.0.0.1 accepted message." "default policy: accepted by an MX at smtpd_tls_security_level=encrypt"
has "$out" "TLS=TLSv1." "default policy: the report names the TLS version"
wait_mails 1
is "$(mails)" 1 "default policy: Postfix delivered it"
grep -q 'TLS connection established from .*127.0.0.1' "$P/maillog"; ok $? "Postfix logged the TLS session"

echo "[127.0.0.1]:verify:name=mx.test:anchors=$C/ca.crt" > "$BERTH_HOME/control/tlspolicy"
send
has "$out" "K127.0.0.1 accepted message." "verify: accepted"
has "$out" "verified=1" "verify: verified=1"
wait_mails 2
is "$(mails)" 2 "verify: delivered"
f=$(find "$P/mail" -type f | head -n 1)
grep -q 'with ESMTPS id' "$f"; ok $? "Postfix's Received header says ESMTPS"

echo "[127.0.0.1]:none" > "$BERTH_HOME/control/tlspolicy"
send
has "$out" "5.7.0" "policy none: Postfix's refusal without STARTTLS comes back (5.7.0)"
case $out in *K127.0.0.1*) ok 1 "policy none: not accepted in cleartext" ;; *) ok 0 "policy none: not accepted in cleartext" ;; esac
sleep 0.5
is "$(mails)" 2 "policy none: nothing more delivered"
t_done

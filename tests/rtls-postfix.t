#!/bin/sh
# berth-remote -> a private Postfix on loopback with TLS (smtpd_tls_cert_file, security level
# may): STARTTLS under policy may (verified=0, no anchor) and verify (name= and the test CA:
# verified=1); Postfix's log confirms the TLS session and its Maildir holds the messages.
# Postfix does not offer REQUIRETLS (RFC 8689): a REQUIRETLS message bounces with 5.7.30.
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
P=$T_DIR/pf
pfport=$(free_port)
pf_setup "$P" mx.test "$pfport" "$TESTUSER" || { echo "Bail out! cannot write the Postfix instance"; exit 1; }
{
  echo "smtpd_tls_security_level = may"
  echo "smtpd_tls_cert_file = $C/chain.crt"
  echo "smtpd_tls_key_file = $C/leaf.key"
  echo "smtpd_tls_loglevel = 1"
} >> "$P/etc/main.cf"
trap 'pf "$P" stop >/dev/null 2>&1; t_cleanup' EXIT
pf "$P" start >"$T_DIR/pf.start" 2>&1
wait_port "$pfport" 20; r=$?
ok $r "a private Postfix with TLS listens on 127.0.0.1:$pfport"
[ $r = 0 ] || diag "$(cat "$T_DIR/pf.start")"
ctl smtpport "$pfport"
ctl timeoutremote 20
notipme_sinks   # Postfix listens on this host: an address literal of it is a loop unless listed
printf 'Subject: to postfix over tls\n\nfirst line\n.leading dot\n' > "$T_DIR/msg"
send () { out=$(as_user berth-remote '[127.0.0.1]' a@b.test box@pf.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n'); }
has () { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1"; diag "$(cat "$T_DIR/err")" ;; esac; }
mails () { find "$P/mail" -type f 2>/dev/null | wc -l; }
wait_mails () { n=0; while [ $n -lt 100 ] && [ "$(mails)" -lt "$1" ]; do sleep 0.1; n=$((n + 1)); done; }

send
# Postfix answers BDAT ... LAST (it offers CHUNKING) with the byte count: this message is 58 bytes
has "$out" "K127.0.0.1 accepted message. Remote host said: 250 2.0.0 Ok: 58 bytes queued as" "may: Postfix accepted over STARTTLS, through BDAT"
has "$out" "TLS=TLSv1.2 cipher=TLS_ECDHE_" "may: report carries TLS version and cipher"
has "$out" "verified=0" "may: the test CA is not an anchor: verified=0"
wait_mails 1
is "$(mails)" 1 "may: Postfix delivered it to its Maildir"
grep -q 'TLS connection established from .*127.0.0.1.*TLSv1.2' "$P/maillog"; ok $? "Postfix logged a TLSv1.2 session"

echo "[127.0.0.1]:verify:name=mx.test:anchors=$C/ca.crt" > "$BERTH_HOME/control/tlspolicy"
send
has "$out" "K127.0.0.1 accepted message." "verify: name=mx.test and the test CA: accepted"
has "$out" "verified=1" "verify: verified=1"
wait_mails 2
is "$(mails)" 2 "verify: delivered"
f=$(find "$P/mail" -type f | head -n 1)
grep -q '^\.\.leading dot' "$f"; ok $((! $?)) "the leading dot was unstuffed by Postfix"
grep -q '^\.leading dot' "$f"; ok $? "the message body arrived"
grep -q 'with ESMTPS id' "$f"; ok $? "Postfix's Received header says ESMTPS"
# REQUIRETLS (RFC 8689): Postfix verifies but does not offer REQUIRETLS: 5.7.30, nothing sent
out=$(BERTH_MAILPARAMS=REQUIRETLS as_user berth-remote '[127.0.0.1]' a@b.test box@pf.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n')
has "$out" "DSorry, REQUIRETLS support required: connected to 127.0.0.1 but it does not offer REQUIRETLS after STARTTLS (#5.7.30)" "REQUIRETLS to Postfix (verified, no REQUIRETLS): D 5.7.30"
sleep 0.5
is "$(mails)" 2 "REQUIRETLS: nothing delivered"

echo "[127.0.0.1]:verify:name=pf.test:anchors=$C/ca.crt" > "$BERTH_HOME/control/tlspolicy"
send
has "$out" "ZConnected to 127.0.0.1 but TLS failed" "verify: name=pf.test (not the certificate's): Z"
sleep 0.5
is "$(mails)" 2 "verify: nothing delivered after the wrong name"
t_done

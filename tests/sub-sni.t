#!/bin/sh
# SNI with berth-smtpd behind berth-tlsd (tcpserver, STARTTLS and implicit TLS): several
# certificates configured, the client's name picks one (verified against the test CA), a whole
# transaction under the picked certificate, unknown and absent names get the default, and an SNI
# certificate replaced by rename is used by the next connection without a restart.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 60
t_instance
tls_certs
C=$T_DIR/certs
mkdir "$T_DIR/sni"; cp "$C/sni.crt" "$T_DIR/sni/cert.pem"; cp "$C/sni.key" "$T_DIR/sni/key.pem"; chmod 644 "$T_DIR/sni"/*
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
TLSD=$BERTH_TOP/bin/berth-tlsd
SMTPD=$BERTH_TOP/bin/berth-smtpd
set -- CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa-trad.key" "CERTFILE:mx.test=$C/chain.crt" "KEYFILE:mx.test=$C/leaf.key" \
  "CERTFILE:sni.test=$T_DIR/sni/cert.pem" "KEYFILE:sni.test=$T_DIR/sni/key.pem" \
  "CERTFILE:*.ec.test=$C/ec.crt" "KEYFILE:*.ec.test=$C/ec-trad.key"
port=$(free_port); iport=$(free_port)
t_bg env "$@" $setuid tcpserver -HRl0 127.0.0.1 "$port" "$TLSD" -K 3000 "$SMTPD" 2> "$T_DIR/tcp.log"
t_bg env "$@" $setuid tcpserver -HRl0 127.0.0.1 "$iport" "$TLSD" -i -K 3000 "$SMTPD" 2> "$T_DIR/imp.log"
for p in "$port" "$iport"; do wait_port "$p" || { echo "Bail out! tcpserver did not start"; exit 1; }; done
export port iport C

# cn PORT [s_client options]: the subject CN the server sends
cn () {
  p=$1; shift
  printf 'QUIT\n' | timeout 10 openssl s_client -connect "127.0.0.1:$p" -crlf "$@" 2>/dev/null |
    sed -n 's/^subject=.*CN *= *\([^,]*\).*/\1/p'
}
is "$(cn "$port" -starttls smtp -servername sni.test)" sni.test "STARTTLS, SNI sni.test: its EC certificate"
is "$(cn "$port" -starttls smtp -servername MX.Test)" mx.test "STARTTLS, SNI MX.Test (any case): the CA-signed certificate"
is "$(cn "$port" -starttls smtp -servername a.ec.test)" ec.test "STARTTLS, SNI a.ec.test: the *.ec.test certificate"
is "$(cn "$port" -starttls smtp -servername b.a.ec.test)" localhost "STARTTLS, SNI b.a.ec.test: a wildcard covers one label only"
is "$(cn "$port" -starttls smtp -servername other.test)" localhost "STARTTLS, unknown SNI: the default certificate"
is "$(cn "$port" -starttls smtp -noservername)" localhost "STARTTLS, no SNI: the default certificate"
is "$(cn "$iport" -servername sni.test)" sni.test "implicit TLS, SNI sni.test: its certificate"
is "$(cn "$iport")" localhost "implicit TLS, no SNI: the default certificate"
out=$(printf 'QUIT\n' | timeout 10 openssl s_client -connect "127.0.0.1:$iport" -crlf -servername mx.test \
  -CAfile "$C/ca.crt" -verify_return_error -verify_hostname mx.test 2>&1)
printf '%s\n' "$out" | grep -q 'Verify return code: 0 (ok)'; ok $? "implicit TLS, SNI mx.test: chain verified against the test CA"

smtpd_py <<'PY'
import os, re, smtplib, ssl
port, C = int(os.environ["port"]), os.environ["C"]
ctx = ssl.create_default_context(cafile=os.path.join(C, "ca.crt"))
before = queue_ids()
c = smtplib.SMTP("127.0.0.1", port, local_hostname="sni.example", timeout=10)
c._host = "mx.test"   # the name smtplib sends as SNI and checks the certificate against
c.ehlo()
is_(c.starttls(context=ctx)[0], 220, "smtplib starttls() with SNI mx.test, certificate verified by the test CA")
is_(c.sendmail("a@b.example", ["sni@test.example"], b"Subject: sni\r\n\r\nhi\r\n"), {}, "transaction under the SNI certificate accepted")
c.quit()
new = [q for q in queue_ids() if q not in before]
if check(len(new) == 1, "SNI transaction queued"):
    check(re.search(rb" with ESMTPS \(TLSv1\.[23] TLS_[A-Z0-9_]+\) id ", mess(new[0])) is not None, "Received says ESMTPS with version and cipher")
PY

# Reload: the sni.test pair replaced by rename (the EC certificate of ec.test, its SEC1 key).
cp "$C/ec-trad.key" "$T_DIR/sni/key.new"; cp "$C/ec.crt" "$T_DIR/sni/cert.new"; chmod 644 "$T_DIR/sni"/*.new
mv "$T_DIR/sni/key.new" "$T_DIR/sni/key.pem"; mv "$T_DIR/sni/cert.new" "$T_DIR/sni/cert.pem"
is "$(cn "$port" -starttls smtp -servername sni.test)" ec.test "reloaded: SNI sni.test now gets the new certificate"
is "$(cn "$iport" -servername sni.test)" ec.test "reloaded: implicit TLS too"
is "$(cn "$port" -starttls smtp -servername mx.test)" mx.test "reloaded: the other names unchanged"
t_done

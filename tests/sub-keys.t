#!/bin/sh
# Keys and certificates of berth-setup's submission and smtps services under s6: a key that does
# not match its certificate (or that the owner cannot read) is a clear error in the service log at
# start, with no port open, and the service comes up by itself once the pair is fixed; RSA (2048,
# 4096) and EC keys in PKCS#8 and traditional PEM (PKCS#1, SEC1), a single file holding both,
# swapped in by rename and picked up by the next connection without a restart, while a session
# in progress goes on; SNI pairs in conf/sni (checked at start too).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/sub-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 90
tls_certs
C=$T_DIR/certs
sub_instance "$C/rsa.crt" "$C/ec.key"
L=$BERTH_HOME/log

# closed PORT: 0 when nothing listens on 127.0.0.1:PORT
closed () {
  "$PY" -c 'import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)' "$1"
}
# subject PORT [s_client options]: the subject CN of the certificate the smtps service sends
subject () {
  p=$1; shift
  timeout 10 openssl s_client -connect "127.0.0.1:$p" "$@" </dev/null 2>/dev/null |
    sed -n 's/^subject=.*CN *= *\([^,]*\).*/\1/p'
}
# swap CERT KEY: replace the service's files by rename (each written beside it first)
swap () {
  cp "$1" "$T_DIR/tls/cert.new"; cp "$2" "$T_DIR/tls/key.new"
  chmod 644 "$T_DIR/tls/cert.new"; chmod 600 "$T_DIR/tls/key.new"; chown "$TESTUSER" "$T_DIR/tls/key.new"
  mv "$T_DIR/tls/key.new" "$T_DIR/tls/key.pem"; mv "$T_DIR/tls/cert.new" "$T_DIR/tls/cert.pem"
}

# restart SERVICE: s6-svc -r, then wait (10 s at most) until its pid has changed
restart () {
  p0=$(s6-svstat -o pid "$svc/$1")
  s6-svc -r "$svc/$1"
  n=0; while [ $n -lt 100 ] && [ "$(s6-svstat -o pid "$svc/$1")" = "$p0" ]; do sleep 0.1; n=$((n + 1)); done
}

# A mismatched pair: both services log it at start, listen nowhere, and are not ready.
sub_up smtpd send
n=0; while [ $n -lt 100 ] && ! grep -q 'does not match' "$L/submission/current" "$L/smtps/current" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
grep -q "berth-tlsd: fatal: private key $T_DIR/tls/key.pem does not match the certificate in $T_DIR/tls/cert.pem" "$L/submission/current"
ok $? "mismatched key: submission log names both files at start, no client involved"
grep -q 'does not match the certificate' "$L/smtps/current"; ok $? "mismatched key: smtps log says so too"
closed "$sub"; ok $? "mismatched key: nothing listens on the submission port"
closed "$smtps"; ok $? "mismatched key: nothing listens on the smtps port"
s6-svstat -o ready "$svc/smtps" | grep -q false; ok $? "mismatched key: smtps is not ready"

# Fixed by rename: s6-supervise's next start of the run script succeeds.
swap "$C/rsa.crt" "$C/rsa.key"
sub_up submission smtps; ok $? "pair fixed: both services come up by themselves"
is "$(subject "$smtps")" localhost "RSA PKCS#8 key: certificate served on the smtps port"
is "$(subject "$sub" -starttls smtp)" localhost "RSA PKCS#8 key: certificate served after STARTTLS on the submission port"

# A session opened now keeps its TLS state across the swaps below.
mkfifo "$T_DIR/go"
"$PY" - "$smtps" "$SUB_PASS" "$T_DIR/go" > "$T_DIR/held.out" 2>&1 <<'PY' &
import smtplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), timeout=30, context=ctx)
s.ehlo("held.example")
open(sys.argv[3]).read()
s.login("alice", sys.argv[2])
print("sent", s.sendmail("alice@example.org", ["postmaster@test.example"], b"Subject: held session\r\n\r\nacross reloads\r\n"))
s.quit()
PY
held=$!
echo "$held" >> "$T_DIR/pids"   # lib.sh's cleanup ends it if the test stops early
pid=$(s6-svstat -o pid "$svc/smtps"); spid=$(s6-svstat -o pid "$svc/submission")

swap "$C/rsa.crt" "$C/rsa-trad.key"
is "$(subject "$smtps")" localhost "RSA traditional (PKCS#1) key: served after a swap"
swap "$C/ec.crt" "$C/ec.key"
is "$(subject "$smtps")" ec.test "EC PKCS#8 key: the next connection gets the new certificate, no restart"
is "$(subject "$sub" -starttls smtp)" ec.test "EC PKCS#8 key: submission too"
swap "$C/ec.crt" "$C/ec-trad.key"
is "$(subject "$smtps")" ec.test "EC traditional (SEC1) key: served after a swap"
openssl req -x509 -newkey rsa:4096 -nodes -keyout "$C/big.key" -out "$C/big.crt" -days 2 -subj /CN=big.test >>"$C/openssl.log" 2>&1
swap "$C/big.crt" "$C/big.key"
is "$(subject "$smtps")" big.test "RSA 4096 key: served (its match is checked by a signature)"
is "$(subject "$smtps" -cipher AES256-GCM-SHA384)" "" "RSA 4096 key: no static RSA key exchange by default (control/tlssuites compat offers it: tls-implicit.t)"
cat "$C/chain.crt" "$C/leaf.key" > "$T_DIR/both.pem"
swap "$T_DIR/both.pem" "$T_DIR/both.pem"
out=$(timeout 10 openssl s_client -connect "127.0.0.1:$smtps" -CAfile "$C/ca.crt" -verify_return_error -verify_hostname mx.test </dev/null 2>&1)
printf '%s\n' "$out" | grep -q 'Verify return code: 0 (ok)'; ok $? "one file with chain and key: verified against the test CA"
is "$(s6-svstat -o pid "$svc/smtps") $(s6-svstat -o pid "$svc/submission")" "$pid $spid" "no service was restarted"

timeout 5 sh -c 'echo go > "$1"' sh "$T_DIR/go"   # bounded: the reader may have died
n=0; while [ $n -lt 100 ] && kill -0 "$held" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
grep -q '^sent {}$' "$T_DIR/held.out"; ok $? "a session opened before the swaps still authenticates and sends"
sub_wait_mail '^Subject: held session'; ok $? "its message is delivered"

# SNI on the services: conf/sni/CERTFILE:name and KEYFILE:name (read by s6-envdir at start).
for v in submission smtps; do
  mkdir "$svc/$v/conf/sni"
  echo "$C/sni.crt" > "$svc/$v/conf/sni/CERTFILE:sni.test"; echo "$C/ec.key" > "$svc/$v/conf/sni/KEYFILE:sni.test"
done
lines=$(wc -l < "$L/smtps/current")
restart smtps
n=0; while [ $n -lt 100 ] && [ "$(tail -n +"$((lines + 1))" "$L/smtps/current" | grep -c 'does not match')" = 0 ]; do sleep 0.1; n=$((n + 1)); done
tail -n +"$((lines + 1))" "$L/smtps/current" | grep -q "private key $C/ec.key does not match the certificate in $C/sni.crt"
ok $? "mismatched SNI pair in conf/sni: clear error at start"
for v in submission smtps; do echo "$C/sni.key" > "$svc/$v/conf/sni/KEYFILE:sni.test"; done
restart submission
sub_up submission smtps; ok $? "SNI pair fixed: both services up"
is "$(subject "$smtps" -servername sni.test)" sni.test "smtps, SNI sni.test: its certificate"
is "$(subject "$sub" -starttls smtp -servername sni.test)" sni.test "submission, SNI sni.test: its certificate"
is "$(subject "$smtps" -servername other.test)" mx.test "smtps, another name: the default certificate"
is "$(subject "$smtps")" mx.test "smtps, no SNI: the default certificate"

# A key the owner cannot read: the start check runs as the owner, not as root.
if [ "$(id -u)" = 0 ]; then
  chown root "$T_DIR/tls/key.pem"
  restart submission
  n=0; while [ $n -lt 100 ] && ! grep -q 'unable to load certificate' "$L/submission/current"; do sleep 0.1; n=$((n + 1)); done
  grep -q "berth-tlsd: fatal: unable to load certificate $T_DIR/tls/cert.pem or key $T_DIR/tls/key.pem: Permission denied" "$L/submission/current"
  ok $? "key unreadable by the owner: clear error at start (run as the owner)"
  chown "$TESTUSER" "$T_DIR/tls/key.pem"
fi
sub_down
t_done

#!/bin/sh
# berth-tlsd configuration errors are caught at start, before any client traffic: a key that does
# not match its certificate, missing or malformed files, encrypted keys, incomplete SNI pairs (96);
# usage errors (100); -t checks the pairs and exits.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
t_start 30
tls_certs
C=$T_DIR/certs
RAN=$T_DIR/ran

# start EXPECTED_CODE DESCRIPTION ENV...: run berth-tlsd with ENV, app must never run
start () {
  code=$1 desc=$2; shift 2
  rm -f "$RAN"
  env -u CERTFILE -u KEYFILE "$@" berth-tlsd -i sh -c "echo ran > $RAN" </dev/null >/dev/null 2>"$T_DIR/err"
  is "$?" "$code" "$desc: exit $code"
  [ ! -e "$RAN" ]; ok $? "$desc: app not started"
}

start 96 "RSA key of another certificate" CERTFILE="$C/rsa.crt" KEYFILE="$C/leaf.key"
grep -q "berth-tlsd: fatal: private key $C/leaf.key does not match the certificate in $C/rsa.crt" "$T_DIR/err"
ok $? "mismatch: clear message naming both files"
start 96 "EC key with an RSA certificate" CERTFILE="$C/rsa.crt" KEYFILE="$C/ec.key"
grep -q 'does not match the certificate' "$T_DIR/err"; ok $? "key type mismatch reported as mismatch"
start 96 "EC key of another EC certificate" CERTFILE="$C/ec.crt" KEYFILE="$C/sni.key"
start 96 "SNI pair with mismatched key" CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" "CERTFILE:sni.test=$C/sni.crt" "KEYFILE:sni.test=$C/ec.key"
start 96 "SNI certificate without KEYFILE:name" CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" "CERTFILE:sni.test=$C/sni.crt"
grep -q 'KEYFILE:sni.test' "$T_DIR/err"; ok $? "missing KEYFILE:name named"
start 96 "no CERTFILE" KEYFILE="$C/rsa.key"
start 96 "missing file" CERTFILE="$C/nonexistent.crt" KEYFILE="$C/rsa.key"
printf 'not a pem file\n' > "$T_DIR/garbage"
start 96 "garbage certificate file" CERTFILE="$T_DIR/garbage" KEYFILE="$C/rsa.key"
start 96 "certificate given as key" CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.crt"
grep -q 'no RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY' "$T_DIR/err"; ok $? "no key: clear message"
openssl pkcs8 -topk8 -in "$C/rsa.key" -out "$T_DIR/enc.key" -passout pass:secret 2>/dev/null
start 96 "encrypted key" CERTFILE="$C/rsa.crt" KEYFILE="$T_DIR/enc.key"
grep -q 'encrypted private keys are not supported' "$T_DIR/err"; ok $? "encrypted key: clear message"

# TLS_SUITES (control/tlssuites): IANA names or compat; anything else is a configuration error
start 96 "unknown suite in TLS_SUITES" CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" TLS_SUITES="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 TLS_NO_SUCH"
grep -q 'invalid TLS_SUITES' "$T_DIR/err"; ok $? "unknown suite: clear message"
for v in compat "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,tls_ecdhe_rsa_with_chacha20_poly1305_sha256" ""; do
  env -u CERTFILE -u KEYFILE CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" TLS_SUITES="$v" berth-tlsd -t </dev/null >"$T_DIR/out" 2>&1
  is "$?" 0 "-t: TLS_SUITES='$v' is good"
done

# -t: the same checks, then exit 0 without running anything (the services' run scripts).
for pair in "rsa.crt rsa.key" "rsa.crt rsa-trad.key" "ec.crt ec.key" "ec.crt ec-trad.key" "chain.crt leaf.key"; do
  set -- $pair
  env -u CERTFILE -u KEYFILE CERTFILE="$C/$1" KEYFILE="$C/$2" berth-tlsd -t </dev/null >"$T_DIR/out" 2>&1
  is "$?" 0 "-t: $1 with $2 is good"
  [ ! -s "$T_DIR/out" ]; ok $? "-t: $1 with $2: no output"
done
# RSA 4096: BearSSL's modulus recomputation gives up at that size; the match is then checked by
# a signature (regression: such keys were refused as "unsupported key type").
( cd "$C" && openssl req -x509 -newkey rsa:4096 -nodes -keyout rsa4096.key -out rsa4096.crt -days 2 -subj /CN=big.test &&
  openssl rsa -in rsa4096.key -traditional -out rsa4096-trad.key ) >>"$C/openssl.log" 2>&1
for k in rsa4096.key rsa4096-trad.key; do
  env -u CERTFILE -u KEYFILE CERTFILE="$C/rsa4096.crt" KEYFILE="$C/$k" berth-tlsd -t </dev/null >"$T_DIR/out" 2>&1
  is "$?" 0 "-t: RSA 4096 certificate with its key $k"
  [ -s "$T_DIR/out" ] && diag "$(cat "$T_DIR/out")"
done
env -u CERTFILE -u KEYFILE CERTFILE="$C/rsa4096.crt" KEYFILE="$C/rsa.key" berth-tlsd -t </dev/null >/dev/null 2>"$T_DIR/err"
is "$?" 96 "-t: RSA 4096 certificate with a 2048-bit key: 96"
grep -q 'does not match the certificate' "$T_DIR/err"; ok $? "-t: reported as a mismatch"
openssl req -x509 -newkey rsa:4096 -nodes -keyout "$C/other4096.key" -out "$C/other4096.crt" -days 2 -subj /CN=other.test >>"$C/openssl.log" 2>&1
env -u CERTFILE -u KEYFILE CERTFILE="$C/rsa4096.crt" KEYFILE="$C/other4096.key" berth-tlsd -t </dev/null >/dev/null 2>"$T_DIR/err"
is "$?" 96 "-t: RSA 4096 certificate with another 4096-bit key: 96"
grep -q "private key $C/other4096.key does not match the certificate in $C/rsa4096.crt" "$T_DIR/err"; ok $? "-t: 4096-bit mismatch names both files"
env -u CERTFILE -u KEYFILE CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" "CERTFILE:sni.test=$C/sni.crt" "KEYFILE:sni.test=$C/sni.key" \
  berth-tlsd -t </dev/null >/dev/null 2>&1
is "$?" 0 "-t: default and SNI pairs good"
env -u CERTFILE -u KEYFILE CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" "CERTFILE:sni.test=$C/sni.crt" "KEYFILE:sni.test=$C/ec.key" \
  berth-tlsd -t </dev/null >/dev/null 2>"$T_DIR/err"
is "$?" 96 "-t: a mismatched SNI pair: exit 96"
grep -q "private key $C/ec.key does not match the certificate in $C/sni.crt" "$T_DIR/err"; ok $? "-t: the message names both files"
env -u CERTFILE -u KEYFILE berth-tlsd -t </dev/null >/dev/null 2>&1
is "$?" 96 "-t: no CERTFILE: exit 96"
env CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" berth-tlsd -t true </dev/null >/dev/null 2>&1
is "$?" 100 "-t with a program: usage, exit 100"
env CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" berth-tlsd -i -t </dev/null >/dev/null 2>&1
is "$?" 100 "-t with -i: usage, exit 100"

env CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" berth-tlsd </dev/null >/dev/null 2>&1
is "$?" 100 "no program: usage, exit 100"
env CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" berth-tlsd -K x true </dev/null >/dev/null 2>&1
is "$?" 100 "bad -K: usage, exit 100"

# Under tcpserver, a mismatch means the client gets nothing at all (no greeting, no handshake).
PORT=$(free_port)
t_bg env CERTFILE="$C/rsa.crt" KEYFILE="$C/leaf.key" tcpserver -HRl0 127.0.0.1 "$PORT" \
  berth-tlsd "$BERTH_TOP/tests/tls-smtp-app.py" 2>/dev/null
wait_port "$PORT" || echo "Bail out! tcpserver did not start"
OUT=$(timeout 10 python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(5)
print(repr(s.recv(100)))
PY
)
is "$OUT" "b''" "mismatch under tcpserver: connection closed before any byte"
t_done

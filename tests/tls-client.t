#!/bin/sh
# berth-tlsc against openssl s_server (-www) and against berth-tlsd in STARTTLS mode: no-verify
# reports the peer certificate hash; verifying with the right trust anchor (file, hashed directory,
# CA chain) succeeds; a wrong name or an untrusted certificate fails with a clear error (exit 98).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
t_start 30
tls_certs
C=$T_DIR/certs
INFO=$T_DIR/info
ERR=$T_DIR/err

# s_server CERT KEY [options]: an openssl s_server -www on a fresh port (sets PORT)
s_server () {
  cert=$1 key=$2; shift 2
  PORT=$(free_port)
  t_bg openssl s_server -accept "$PORT" -cert "$cert" -key "$key" -www -quiet "$@" >/dev/null 2>&1
  wait_port "$PORT" || echo "Bail out! s_server did not start"
}
# get OPTIONS...: GET / through berth-tlsc (via tcpclient: socket on fd 6); sets RC, OUT, INFO, ERR
get () {
  : > "$INFO"
  OUT=$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 tcpclient -RHl0 127.0.0.1 "$PORT" \
    berth-tlsc -d 3 "$@" 6 0 1 3>"$INFO" 2>"$ERR")
  RC=$?
  INFO_TEXT=$(tr '\0' '\n' < "$INFO")
}
hash_of () { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }

s_server "$C/rsa.crt" "$C/rsa.key"
get -n -k localhost
is "$RC" 0 "no-verify: exit 0"
printf '%s\n' "$OUT" | grep -q '^HTTP/1.0 200 ok'; ok $? "no-verify: data relayed"
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_PROTOCOL=TLSv1.2'; ok $? "info: SSL_PROTOCOL"
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_CIPHER=TLS_ECDHE_RSA_WITH_[A-Z0-9_]*'; ok $? "info: SSL_CIPHER (IANA name)"
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_VERIFIED=0'; ok $? "info: SSL_VERIFIED=0 without trust"
printf '%s\n' "$INFO_TEXT" | grep -qx "SSL_PEER_CERT_HASH=SHA256:$(hash_of "$C/rsa.crt")"; ok $? "info: peer certificate SHA-256 matches openssl's"
[ "$(tail -c 2 "$INFO" | od -An -c | tr -d ' ')" = '\0\0' ]; ok $? "info ends with a double NUL"
grep -q "^berth-tlsc: info: tls peer=localhost protocol=TLSv1.2 cipher=TLS_[A-Z0-9_]* verified=0 cert=SHA256:$(hash_of "$C/rsa.crt") reason=X509_NOT_TRUSTED$" "$ERR"
ok $? "no-verify: one key=value log line with the hash and the reason"

get -a "$C/rsa.crt" -k localhost
is "$RC" 0 "verify with the right trust anchor: exit 0"
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_VERIFIED=1'; ok $? "verify: SSL_VERIFIED=1"
printf '%s\n' "$OUT" | grep -q '^HTTP/1.0 200 ok'; ok $? "verify: data relayed"
get -n -a "$C/rsa.crt" -k localhost
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_VERIFIED=1'; ok $? "no-verify with a matching anchor still reports SSL_VERIFIED=1"

get -a "$C/rsa.crt" -k wrong.test
is "$RC" 98 "wrong name: exit 98"
grep -q 'certificate verification failed for wrong.test: error 56: X509_BAD_SERVER_NAME' "$ERR"; ok $? "wrong name: clear error"
[ ! -s "$INFO" ]; ok $? "wrong name: no info on the control fd"
get -a "$C/ec.crt" -k localhost
is "$RC" 98 "untrusted certificate: exit 98"
grep -q 'X509_NOT_TRUSTED' "$ERR"; ok $? "untrusted: clear error"
get -k localhost -a "$T_DIR/nonexistent"
is "$RC" 96 "missing trust anchor file: exit 96"
get -a "$C/rsa.crt"
is "$RC" 100 "verify without -k: usage error"

s_server "$C/leaf.crt" "$C/leaf.key" -cert_chain "$C/ca.crt"
get -a "$C/ca.crt" -k mx.test
is "$RC" 0 "CA-signed chain verified against the CA file"
mkdir "$T_DIR/cadir"
cp "$C/ca.crt" "$T_DIR/cadir/$(openssl x509 -hash -noout -in "$C/ca.crt").0"
cp "$C/rsa.crt" "$T_DIR/cadir/not-a-hash-name.pem"
get -a "$T_DIR/cadir" -k mx.test
is "$RC" 0 "trust anchors from a hashed directory (/etc/ssl/certs style)"
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_VERIFIED=1'; ok $? "hashed directory: verified"

s_server "$C/ec.crt" "$C/ec.key"
get -a "$C/ec.crt" -k ec.test
is "$RC" 0 "EC server certificate verified"
printf '%s\n' "$INFO_TEXT" | grep -qx 'SSL_CIPHER=TLS_ECDHE_ECDSA_WITH_[A-Z0-9_]*'; ok $? "EC: ECDSA suite"

# A plain echo peer (s_server -rev answers each line reversed, closes on CLOSE): data both ways,
# no CPU burnt while idle, clean exit when the peer closes while our input is still open.
s_server "$C/rsa.crt" "$C/rsa.key" -rev
OUT=$( (printf 'hello\n'; sleep 1; printf 'CLOSE\n'; sleep 5) | timeout 10 tcpclient -RHl0 127.0.0.1 "$PORT" \
  python3 -c 'import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], close_fds=False)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("cpu=%d rc=%d" % ((r.ru_utime + r.ru_stime) * 1000, p.returncode))' berth-tlsc -n -k localhost 6 0 1 2>"$ERR")
printf '%s\n' "$OUT" | grep -qx 'olleh'; ok $? "echo peer: data both ways"
printf '%s\n' "$OUT" | grep -q '^cpu=[0-9]* rc=0$'; ok $? "echo peer: exit 0 when the peer closes first"
cpu=$(printf '%s\n' "$OUT" | sed -n 's/^cpu=\([0-9]*\) .*/\1/p')
[ "${cpu:-9999}" -lt 500 ]; ok $? "idle session does not spin (${cpu:-?} ms CPU)"

# berth-tlsc after a cleartext STARTTLS, against berth-tlsd: the berth-remote contract end to end.
PORT=$(free_port)
t_bg env CERTFILE="$C/chain.crt" KEYFILE="$C/leaf.key" tcpserver -HRl0 127.0.0.1 "$PORT" \
  berth-tlsd "$BERTH_TOP/tests/tls-smtp-app.py" 2>/dev/null
wait_port "$PORT" || echo "Bail out! tcpserver did not start"
OUT=$(timeout 15 python3 "$BERTH_TOP/tests/tls-remote-sim.py" "$PORT" -a "$C/ca.crt" -k mx.test 2>&1)
printf '%s\n' "$OUT" | grep -qx 'starttls 220'; ok $? "STARTTLS in cleartext, then berth-tlsc"
printf '%s\n' "$OUT" | grep -qx 'info SSL_VERIFIED=1'; ok $? "berth-tlsc verified berth-tlsd's chain"
printf '%s\n' "$OUT" | grep -q '^reply 250 tls=yes SSL_PROTOCOL=TLSv1.2 SSL_CIPHER=TLS_ECDHE_RSA_WITH_.* SSL_TLS_SNI_SERVERNAME=mx.test$'
ok $? "server app saw TLS and the SNI sent by berth-tlsc"
printf '%s\n' "$OUT" | grep -qx 'reply 221 bye'; ok $? "QUIT over TLS"
printf '%s\n' "$OUT" | grep -qx 'eof True'; ok $? "EOF after QUIT"
printf '%s\n' "$OUT" | grep -qx 'exit 0'; ok $? "berth-tlsc exits 0 after a clean session"
OUT=$(timeout 15 python3 "$BERTH_TOP/tests/tls-remote-sim.py" "$PORT" -a "$C/rsa.crt" -k mx.test 2>&1)
printf '%s\n' "$OUT" | grep -qx 'info-complete False'; ok $? "untrusted STARTTLS peer: control fd closed without info"
printf '%s\n' "$OUT" | grep -qx 'exit 98'; ok $? "untrusted STARTTLS peer: exit 98"
t_done

#!/bin/sh
# berth-tlsd -i (implicit TLS, port 465 style) under tcpserver, with openssl s_client as the peer:
# data both ways, SSL_* in the app's environment, RSA/EC keys in PKCS#8 and traditional PEM,
# a chain file, and SNI picking the certificate.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
t_start 40
tls_certs
C=$T_DIR/certs
chmod 600 "$C"/*.key
APP=$BERTH_TOP/tests/tls-echo-app.sh
if [ "$(id -u)" = 0 ]; then TLSIDS="TLS_UID=$(id -u nobody) TLS_GID=$(id -g nobody)"; else TLSIDS=; fi

# serve CERT KEY [ENV...]: berth-tlsd -i on a fresh port (sets PORT)
serve () {
  cert=$1 key=$2; shift 2
  PORT=$(free_port)
  t_bg env CERTFILE="$cert" KEYFILE="$key" $TLSIDS "$@" tcpserver -HRl0 127.0.0.1 "$PORT" berth-tlsd -i -K 2000 "$APP" 2>>"$T_DIR/server.log"
  wait_port "$PORT" || echo "Bail out! tcpserver did not start"
}
# talk [s_client options]: one session sending "ping"; output in $OUT
talk () {
  OUT=$(printf 'ping\n' | timeout 10 openssl s_client -ign_eof -connect "127.0.0.1:$PORT" "$@" 2>&1)
}

serve "$C/rsa.crt" "$C/rsa.key"
talk -quiet
printf "%s\n" "$OUT" | grep -q '^hello proto=TLSv1.2 cipher=TLS_ECDHE_RSA_WITH_[A-Z0-9_]* sni=unset certfile=unset$'
ok $? "RSA PKCS#8: SSL_PROTOCOL and SSL_CIPHER reach the app, CERTFILE removed"
printf "%s\n" "$OUT" | grep -q '^echo: ping$'; ok $? "RSA PKCS#8: data relayed both ways"
if [ "$(id -u)" = 0 ]; then
  printf "%s\n" "$OUT" | grep -q "^engine-uid=$(id -u nobody)$"; ok $? "engine runs as TLS_UID (key file is mode 600, read before the drop)"
fi
talk -quiet -servername localhost
printf "%s\n" "$OUT" | grep -q 'sni=localhost '; ok $? "SSL_TLS_SNI_SERVERNAME reaches the app"
talk -cipher AES256-GCM-SHA384
printf "%s\n" "$OUT" | grep -q 'Cipher is AES256-GCM-SHA384'; [ $? != 0 ]; ok $? "static RSA key exchange refused by default (forward-secret AEAD suites only)"
serve "$C/rsa.crt" "$C/rsa.key" TLS_SUITES=compat
talk -cipher AES256-GCM-SHA384
printf "%s\n" "$OUT" | grep -q 'Cipher is AES256-GCM-SHA384'; ok $? "TLS_SUITES=compat: a static RSA suite negotiable"
printf "%s\n" "$OUT" | grep -q 'cipher=TLS_RSA_WITH_AES_256_GCM_SHA384 '; ok $? "its IANA name in SSL_CIPHER"

serve "$C/rsa.crt" "$C/rsa-trad.key"
talk -quiet
printf "%s\n" "$OUT" | grep -q '^echo: ping$'; ok $? "RSA traditional (PKCS#1) key"

serve "$C/ec.crt" "$C/ec.key"
talk -quiet
printf "%s\n" "$OUT" | grep -q '^hello proto=TLSv1.2 cipher=TLS_ECDHE_ECDSA_WITH_'; ok $? "EC PKCS#8 key: ECDSA suite"
printf "%s\n" "$OUT" | grep -q '^echo: ping$'; ok $? "EC PKCS#8 key: data relayed"

serve "$C/ec.crt" "$C/ec-trad.key"
talk -quiet
printf "%s\n" "$OUT" | grep -q '^echo: ping$'; ok $? "EC traditional (SEC1) key"

serve "$C/chain.crt" "$C/leaf.key"
talk -showcerts -CAfile "$C/ca.crt" -verify_return_error -verify_hostname mx.test
is "$(printf "%s\n" "$OUT" | grep -c 'BEGIN CERTIFICATE')" 2 "chain file: both certificates sent"
printf "%s\n" "$OUT" | grep -q 'Verify return code: 0 (ok)'; ok $? "chain file: client verifies against the CA"

serve "$C/rsa.crt" "$C/rsa.key" "CERTFILE:sni.test=$C/sni.crt" "KEYFILE:sni.test=$C/sni.key" \
  "CERTFILE:*.wild.test=$C/ec.crt" "KEYFILE:*.wild.test=$C/ec.key"
talk -servername sni.test
printf "%s\n" "$OUT" | grep -q 'subject=CN *= *sni.test'; ok $? "SNI sni.test picks its EC certificate"
printf "%s\n" "$OUT" | grep -q 'sni=sni.test '; ok $? "SNI name reaches the app"
talk -servername other.test
printf "%s\n" "$OUT" | grep -q 'subject=CN *= *localhost'; ok $? "unknown SNI name gets the default certificate"
talk -servername a.wild.test
printf "%s\n" "$OUT" | grep -q 'subject=CN *= *ec.test'; ok $? "wildcard SNI entry matches one label"
talk
printf "%s\n" "$OUT" | grep -q 'subject=CN *= *localhost'; ok $? "no SNI gets the default certificate"

# Bulk data both ways at once (pipes and socket buffers fill up): 1 MiB echoed by head -c.
APP_SAVE=$APP; APP=$T_DIR/bulk-app
printf '#!/bin/sh\nexec head -c 1048576\n' > "$APP"; chmod 755 "$APP"
serve "$C/ec.crt" "$C/ec.key"
APP=$APP_SAVE
OUT=$(timeout 20 python3 - "$PORT" <<'PY' 2>&1
import hashlib, os, select, socket, ssl, sys, time
# one thread: OpenSSL does not allow reading and writing one SSL object from two threads
data = os.urandom(1 << 20)
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10))
s.setblocking(False)
got, sent, limit = b"", 0, time.time() + 15
while time.time() < limit:
    want_w = sent < len(data)
    r, w, _ = select.select([s], [s] if want_w else [], [], 1)
    if r or s.pending():
        try:
            c = s.recv(65536)
            if not c:
                break
            got += c
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        except (ssl.SSLError, OSError):
            break
    if w and want_w:
        try:
            sent += s.send(data[sent:sent + 16384])
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
    if len(got) >= len(data):
        break
print("bulk", len(got), hashlib.sha256(got).digest() == hashlib.sha256(data).digest())
PY
)
is "$OUT" "bulk 1048576 True" "1 MiB echoed intact through the engine"

# A client that never finishes the handshake is dropped at the -K deadline.
PORT2=$PORT
start=$(date +%s)
python3 - "$PORT2" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(15)
s.recv(100)
PY
is "$?" 0 "silent client: server closes the connection"
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -le 5 ]; ok $? "handshake deadline enforced (${elapsed}s)"
grep -q 'berth-tlsd: fatal: unable to complete the TLS handshake with 127.0.0.1: Connection timed out' "$T_DIR/server.log"
ok $? "handshake timeout logged"
t_done

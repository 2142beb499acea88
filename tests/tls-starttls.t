#!/bin/sh
# berth-tlsd in UCSPI-TLS mode (STARTTLS) under tcpserver, in front of tests/tls-smtp-app.py:
# openssl s_client -starttls smtp, python smtplib starttls(), the handshake info on SSLCTLFD,
# declining TLS (the engine child exits and the connection closes), and a failed handshake.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
t_start 30
tls_certs
C=$T_DIR/certs
APP=$BERTH_TOP/tests/tls-smtp-app.py
PORT=$(free_port)
t_bg env CERTFILE="$C/rsa.crt" KEYFILE="$C/rsa.key" "CERTFILE:ec.test=$C/ec.crt" "KEYFILE:ec.test=$C/ec-trad.key" \
  tcpserver -HRl0 127.0.0.1 "$PORT" berth-tlsd -K 3000 "$APP" 2>"$T_DIR/server.log"
wait_port "$PORT" || echo "Bail out! tcpserver did not start"

OUT=$(printf 'INFO\nQUIT\n' | timeout 10 openssl s_client -starttls smtp -crlf -quiet -connect "127.0.0.1:$PORT" 2>&1)
printf '%s\n' "$OUT" | grep -q '^250 tls=yes SSL_PROTOCOL=TLSv1.2 SSL_CIPHER=TLS_ECDHE_RSA_WITH_[A-Z0-9_]* SSL_TLS_SNI_SERVERNAME[[:space:]]*$'
ok $? "s_client -starttls smtp: app got Y-mode info (no SNI: bare name)"
printf '%s\n' "$OUT" | grep -q '^221 bye'; ok $? "s_client -starttls smtp: session continues over TLS"

OUT=$(printf 'INFO\nQUIT\n' | timeout 10 openssl s_client -starttls smtp -crlf -ign_eof -servername ec.test -connect "127.0.0.1:$PORT" 2>&1)
printf '%s\n' "$OUT" | grep -q 'SSL_TLS_SNI_SERVERNAME=ec.test'; ok $? "STARTTLS with SNI: name in the info"
printf '%s\n' "$OUT" | grep -q 'subject=CN *= *ec.test'; ok $? "STARTTLS with SNI: EC certificate (SEC1 key) picked"

OUT=$(timeout 10 python3 - "$PORT" <<'PY' 2>&1
import smtplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("client.test")
print("starttls-offered", s.has_extn("starttls"))
print("starttls", s.starttls(context=ctx)[0])
s.ehlo("client.test")
print("info", s.docmd("INFO")[1].decode())
print("cipher", s.sock.cipher()[0], s.sock.version())
print("quit", s.quit()[0])
PY
)
printf '%s\n' "$OUT" | grep -q '^starttls 220$'; ok $? "smtplib starttls() succeeds"
printf '%s\n' "$OUT" | grep -q '^info tls=yes SSL_PROTOCOL=TLSv1.2'; ok $? "smtplib: commands run over TLS"
printf '%s\n' "$OUT" | grep -q '^quit 221$'; ok $? "smtplib: QUIT over TLS"
diag "$(printf '%s\n' "$OUT" | grep '^cipher')"

# 'y' instead of 'Y': TLS without handshake info.
OUT=$(timeout 10 python3 - "$PORT" <<'PY' 2>&1
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
f = s.makefile("rb")
f.readline()
s.sendall(b"XSTARTTLS\r\n")
print(f.readline().decode().strip())
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="y.test")
g = t.makefile("rb")
t.sendall(b"INFO\r\n")
print(g.readline().decode().strip())
PY
)
printf '%s\n' "$OUT" | grep -q '^250 tls=yes none$'; ok $? "'y' command: TLS without info"

# Declining: MAIL without STARTTLS closes the UCSPI-TLS fds; the engine child must exit so the
# connection closes as soon as the app exits.
OUT=$(timeout 10 python3 - "$PORT" <<'PY' 2>&1
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO c\r\n")
while f.readline()[3:4] == b"-": pass
s.sendall(b"MAIL FROM:<a@b>\r\nINFO\r\nQUIT\r\n")
print(f.readline().decode().strip()); print(f.readline().decode().strip()); print(f.readline().decode().strip())
t = time.time()
s.settimeout(5)
print("eof", f.read() == b"", round(time.time() - t) < 3)
PY
)
printf '%s\n' "$OUT" | grep -q '^250 tls=no none$'; ok $? "declined: cleartext session goes on"
printf '%s\n' "$OUT" | grep -q '^eof True True$'; ok $? "declined: connection closes when the app exits"

# A client that sends garbage instead of a ClientHello: the app reads EOF on SSLCTLFD.
OUT=$(timeout 10 python3 - "$PORT" <<'PY' 2>&1
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
f = s.makefile("rb")
f.readline()
s.sendall(b"STARTTLS\r\n")
print(f.readline().decode().strip())
s.sendall(b"\x16\x03\x01\x00\x05hello")
s.settimeout(5)
try:
    print("rest", repr(f.read()[:2]))
except Exception as e:
    print("rest", e)
PY
)
printf '%s\n' "$OUT" | grep -q '^220 ready'; ok $? "garbage handshake: STARTTLS accepted"
sleep 0.2
grep -q 'tls-smtp-app: handshake failed' "$T_DIR/server.log"; ok $? "garbage handshake: app sees EOF without info"
grep -q 'berth-tlsd: fatal: TLS error with 127.0.0.1: [0-9]*: ' "$T_DIR/server.log"; ok $? "garbage handshake: engine logs a TLS error"
t_done

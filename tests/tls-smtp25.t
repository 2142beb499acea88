#!/bin/sh
# STARTTLS on port 25 (berth-setup's smtpd service with control/tlscert and tlskey): berth-tlsd -P
# holds the keys beside berth-listen; a session hands its socket over at STARTTLS. Forward-secret
# AEAD suites only by default (sslscan and openssl s_client check), control/tlssuites changes the
# list, no AUTH on port 25, Received: and the log carry the TLS facts, a bad pair leaves port 25 up
# in clear, a lost proxy restarts the service.
. "$BERTH_TOP/tests/lib.sh"
command -v openssl >/dev/null 2>&1 || skip_all "openssl is not installed"
for p in berth-smtpd berth-listen berth-tlsd berth-start; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 150
port=$(free_port)
BERTH_HOME=$T_DIR/home; export BERTH_HOME
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$port" "$BERTH_HOME" >/dev/null || { echo "Bail out! setup"; exit 1; }
c=$BERTH_HOME/control svc=$BERTH_HOME/service
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test.example -keyout "$T_DIR/k.pem" -out "$T_DIR/c.pem" -days 2 2>/dev/null
chown "$TESTUSER" "$T_DIR/k.pem"; chmod 600 "$T_DIR/k.pem"
echo "$T_DIR/c.pem" > "$c/tlscert"; echo "$T_DIR/k.pem" > "$c/tlskey"
printf '#!/bin/sh\nexit 1\n' > "$T_DIR/checkpw"; chmod 755 "$T_DIR/checkpw"; echo "$T_DIR/checkpw" > "$c/checkpassword"
[ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
rm -rf "$svc/submission" "$svc/smtps"   # port 25 only here (service-tls.t has those)
t_bg s6-svscan "$svc"
n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/smtpd" && s6-svstat "$svc/send"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$svc/smtpd" "$svc/send"; ok $? "smtpd and send report ready"
wait_port "$port" 20
# this instance's TLS proxy: a berth-tlsd whose cwd is its smtpd service (other tests run their own)
proxy () { for p in $(pgrep -x berth-tlsd); do [ "$(readlink "/proc/$p/cwd")" = "$svc/smtpd" ] && echo "$p"; done; }
p=$(proxy); [ -n "$p" ] && [ "$(ps -o user= -p "$p" | tr -d ' ')" = "$TESTUSER" ]
ok $? "the TLS proxy runs (berth-tlsd, as the instance's user)"

maildir=$BERTH_HOME/alias/Maildir
"$PY" - "$port" > "$T_DIR/py.out" <<'PY'
import smtplib, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def res(ok, d): print("%s\t%s" % (0 if ok else 1, d))
s = smtplib.SMTP("127.0.0.1", port, timeout=20); s.ehlo("client.example")
res(s.has_extn("starttls"), "port 25 offers STARTTLS")
res(not s.has_extn("auth"), "and no AUTH in clear")
s.starttls(context=ctx); s.ehlo("client.example")
res(s.sock.version() == "TLSv1.2", "TLS 1.2 (%s)" % s.sock.version())
res("GCM" in s.sock.cipher()[0] or "CHACHA" in s.sock.cipher()[0], "an AEAD suite: %s" % s.sock.cipher()[0])
res(not s.has_extn("auth"), "no AUTH after STARTTLS on port 25 either (control/checkpassword exists)")
res(not s.has_extn("starttls"), "STARTTLS no longer offered")
r = s.sendmail("sender@example.org", ["postmaster@test.example"], b"Subject: over tls on 25\r\n\r\nbody\r\n")
res(r == {}, "a message over STARTTLS is accepted")
s.quit()
s = smtplib.SMTP("127.0.0.1", port, timeout=20); s.ehlo("client.example")
r = s.sendmail("sender@example.org", ["postmaster@test.example"], b"Subject: in clear on 25\r\n\r\nbody\r\n")
res(r == {}, "a cleartext session still delivers")
s.quit()
PY
TAB=$(printf '\t')
while IFS="$TAB" read -r st d; do ok "$st" "$d"; done < "$T_DIR/py.out"
is "$(grep -c . "$T_DIR/py.out")" 8 "all eight client checks ran"
n=0; while [ $n -lt 100 ] && [ "$(ls "$maildir/new" 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.1; n=$((n + 1)); done
f=$(grep -l '^Subject: over tls on 25' "$maildir"/new/* 2>/dev/null | head -n 1)
grep -q 'with ESMTPS (TLSv1.2 TLS_ECDHE_RSA_WITH_AES_[0-9]*_GCM_SHA[0-9]*)' "$f" 2>/dev/null
ok $? "Received: says ESMTPS with the version and suite ($(grep -m1 'with ESMTP' "$f" 2>/dev/null))"
sleep 0.3
grep -q 'event=starttls .*result=ok tls=TLSv1.2 cipher=TLS_ECDHE_RSA_' "$BERTH_HOME/log/smtpd/current"; r=$?
ok $r "the smtpd log line carries tls= and cipher="
[ $r = 0 ] || diag "$(tail -n 8 "$BERTH_HOME/log/smtpd/current")"

# The suites: forward-secret AEAD only by default
sslscan --no-colour --starttls-smtp --no-heartbleed --no-renegotiation --no-compression --no-groups "127.0.0.1:$port" > "$T_DIR/scan" 2>&1
grep -E '^(Preferred|Accepted) ' "$T_DIR/scan" > "$T_DIR/acc"
[ -s "$T_DIR/acc" ]; ok $? "sslscan lists accepted suites ($(wc -l < "$T_DIR/acc"))"
grep -vE 'ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)' "$T_DIR/acc" > "$T_DIR/bad"
is "$(cat "$T_DIR/bad")" "" "every accepted suite is ECDHE with AES-GCM or ChaCha20-Poly1305"
grep -q 'TLSv1.2' "$T_DIR/acc" && ! grep -qE 'TLSv1\.[01] ' "$T_DIR/acc"; ok $? "TLS 1.2 only"
for cs in AES128-SHA AES256-GCM-SHA384 ECDHE-RSA-AES128-SHA; do
  echo QUIT | openssl s_client -connect "127.0.0.1:$port" -starttls smtp -tls1_2 -cipher "$cs" >/dev/null 2>&1
  [ $? != 0 ]; ok $? "refused by default: $cs (static RSA or CBC)"
done
echo QUIT | openssl s_client -connect "127.0.0.1:$port" -starttls smtp -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305 >/dev/null 2>&1
ok $? "ECDHE-RSA-CHACHA20-POLY1305 accepted"

# control/tlssuites: compat for old peers, a named list, a bad name
restart () {
  s6-svc -wR -r -T 10000 "$svc/smtpd" 2>/dev/null || s6-svc -r "$svc/smtpd"
  n=0; while [ $n -lt 100 ] && ! s6-svstat -o ready "$svc/smtpd" | grep -q true; do sleep 0.1; n=$((n + 1)); done
  wait_port "$port" 20
}
echo compat > "$c/tlssuites"; restart
echo QUIT | openssl s_client -connect "127.0.0.1:$port" -starttls smtp -tls1_2 -cipher AES128-SHA >/dev/null 2>&1
ok $? "tlssuites compat: a static-RSA CBC suite is accepted for old peers"
echo "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" > "$c/tlssuites"; restart
echo QUIT | openssl s_client -connect "127.0.0.1:$port" -starttls smtp -tls1_2 2>/dev/null > "$T_DIR/s1"
grep -q 'Cipher is ECDHE-RSA-AES128-GCM-SHA256' "$T_DIR/s1"; ok $? "tlssuites naming one suite: that suite is chosen"
echo "TLS_NO_SUCH_SUITE" > "$c/tlssuites"; restart
sleep 0.3
grep -q 'warning: TLS disabled on port' "$BERTH_HOME/log/smtpd/current"; ok $? "a bad tlssuites: the log says TLS is disabled on port 25"
grep -q 'invalid TLS_SUITES: TLS_NO_SUCH_SUITE' "$BERTH_HOME/log/smtpd/current"; ok $? "and names the bad suite"
swaks --server "127.0.0.1:$port" --from sender@example.org --to postmaster@test.example --quit-after EHLO > "$T_DIR/swaks" 2>&1
grep -q '^<-.*250' "$T_DIR/swaks" && ! grep -q 'STARTTLS' "$T_DIR/swaks"; ok $? "port 25 stays up in clear, without STARTTLS"
rm -f "$c/tlssuites"; restart

# The proxy lost: berth-listen exits, s6 restarts both, STARTTLS works again
old=$(s6-svstat -o pid "$svc/smtpd")
kill -KILL $(proxy)
n=0; while [ $n -lt 100 ] && [ "$(s6-svstat -o pid "$svc/smtpd")" = "$old" ]; do sleep 0.1; n=$((n + 1)); done
isnt_same=$([ "$(s6-svstat -o pid "$svc/smtpd")" != "$old" ] && echo 0 || echo 1)
ok "$isnt_same" "the proxy killed: berth-listen exits and s6 restarts the service"
sleep 0.3
grep -q 'the TLS proxy is gone' "$BERTH_HOME/log/smtpd/current"; ok $? "its log says why"
wait_port "$port" 20
echo QUIT | openssl s_client -connect "127.0.0.1:$port" -starttls smtp -tls1_2 >/dev/null 2>&1
ok $? "STARTTLS works again after the restart"
s6-svscanctl -t "$svc"
n=0; while [ $n -lt 200 ] && [ -n "$(proxy)" ]; do sleep 0.1; n=$((n + 1)); done
is "$(proxy)" "" "the proxy ends with the service"
t_done

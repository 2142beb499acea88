#!/bin/sh
# berth-setup's submission (STARTTLS + AUTH required) and smtps (implicit TLS + AUTH) services,
# written when control/tlscert and control/tlskey exist, run under s6-svscan with readiness.
. "$BERTH_TOP/tests/lib.sh"
command -v openssl >/dev/null 2>&1 || skip_all "openssl is not installed"
t_start 90
BERTH_HOME=$T_DIR/home; export BERTH_HOME
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$(free_port)" "$BERTH_HOME" >/dev/null || exit 1
c=$BERTH_HOME/control
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test.example -keyout "$T_DIR/k.pem" -out "$T_DIR/c.pem" -days 2 2>/dev/null
chown "$TESTUSER" "$T_DIR/k.pem"; chmod 600 "$T_DIR/k.pem"
echo "$T_DIR/c.pem" > "$c/tlscert"; echo "$T_DIR/k.pem" > "$c/tlskey"
cat > "$T_DIR/checkpw" <<'SH'
#!/bin/sh
x=$(tr '\0' '\n' <&3 | head -n 2 | tr '\n' ' ')
[ "$x" = "alice s3cret " ] && exec "$@"
exit 1
SH
chmod 755 "$T_DIR/checkpw"; echo "$T_DIR/checkpw" > "$c/checkpassword"
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 "$BERTH_HOME" >/dev/null; ok $? "a re-run adds the TLS services"
svc=$BERTH_HOME/service
[ -d "$svc/submission" ] && [ -d "$svc/smtps" ]; ok $? "submission and smtps service directories"
sub=$(free_port); smtps=$(free_port)
echo "$sub" > "$svc/submission/conf/port"; echo "$smtps" > "$svc/smtps/conf/port"
[ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
t_bg s6-svscan "$svc"
# s6-supervise running is not enough for s6-svwait: it reads supervise/status, written a moment later
n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/submission" && s6-svstat "$svc/smtps"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$svc/submission" "$svc/smtps"; ok $? "both report ready"
"$PY" - "$sub" "$smtps" > "$T_DIR/py.out" <<'PY'
import smtplib, ssl, sys
sub, smtps = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def res(ok, d): print("%s\t%s" % (0 if ok else 1, d))
s = smtplib.SMTP("127.0.0.1", sub, timeout=20); s.ehlo("client.example")
code, _ = s.docmd("MAIL FROM:<alice@example.org>")
res(code == 530, "submission: MAIL before STARTTLS refused (%d)" % code)
s.starttls(context=ctx); s.ehlo("client.example")
code, _ = s.docmd("MAIL FROM:<alice@example.org>")
res(code == 530, "submission: MAIL before AUTH refused (%d)" % code)
s.rset()
try:
    s.login("alice", "s3cret"); r = s.sendmail("alice@example.org", ["bob@elsewhere.example"], b"Subject: sub\r\n\r\nvia 587\r\n"); res(r == {}, "submission: STARTTLS + AUTH relays")
except Exception as e:
    res(False, "submission: STARTTLS + AUTH relays (%r)" % e)
s.quit()
try:
    s = smtplib.SMTP_SSL("127.0.0.1", smtps, timeout=20, context=ctx); s.ehlo("client.example")
    s.login("alice", "s3cret"); r = s.sendmail("alice@example.org", ["bob@elsewhere.example"], b"Subject: smtps\r\n\r\nvia 465\r\n"); res(r == {}, "smtps: implicit TLS + AUTH relays")
    s.quit()
except Exception as e:
    res(False, "smtps: implicit TLS + AUTH relays (%r)" % e)
PY
TAB=$(printf '\t')
while IFS="$TAB" read -r st d; do ok "$st" "$d"; done < "$T_DIR/py.out"
is "$(grep -c . "$T_DIR/py.out")" 4 "all four client checks ran"
s6-svscanctl -t "$svc"
t_done

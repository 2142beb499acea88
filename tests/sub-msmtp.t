#!/bin/sh
# Issue 7 end to end through berth-setup's services under s6: msmtp with STARTTLS (verifying the
# test CA) and AUTH on the submission service sends a mail that is delivered, with ESMTPSA and the
# TLS version and cipher in Received and Date:/Message-ID: added by the server; openssl s_client
# -starttls smtp and smtplib starttls() + login() deliver too; a wrong password
# or a wrong CA fails; a client that never sends STARTTLS cannot MAIL; pipelined data after
# STARTTLS is refused; swaks --tls-on-connect with AUTH on the smtps service; no password in the
# s6-log files.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
. "$BERTH_TOP/tests/sub-lib.sh"
command -v msmtp >/dev/null || skip_all "msmtp is not installed"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 90
tls_certs
C=$T_DIR/certs
sub_instance "$C/chain.crt" "$C/leaf.key"
sub_up smtpd send submission smtps; ok $? "smtpd, send, submission and smtps report ready"

# msmtp_conf FILE PASSWORD TRUSTFILE [EXTRA...]: an msmtp configuration for the submission port
msmtp_conf () {
  f=$1 pw=$2 trust=$3; shift 3
  {
    printf 'defaults\nlogfile %s.log\n' "$f"
    printf 'account sub\nhost 127.0.0.1\nport %s\nfrom alice@example.org\n' "$sub"
    printf 'tls on\ntls_starttls on\ntls_trust_file %s\ntls_host_override mx.test\n' "$trust"
    printf 'auth plain\nuser alice\npassword %s\n' "$pw"
    printf 'set_date_header off\nset_msgid_header off\n'
    for x in "$@"; do printf '%s\n' "$x"; done
    printf 'account default : sub\n'
  } > "$f"
  chmod 600 "$f"
}
MSG='From: alice@example.org
To: postmaster@test.example
Subject: msmtp over 587

sent by msmtp with STARTTLS and AUTH
'

msmtp_conf "$T_DIR/msmtprc" "$SUB_PASS" "$C/ca.crt"
printf '%s' "$MSG" | timeout 20 msmtp -C "$T_DIR/msmtprc" postmaster@test.example > "$T_DIR/msmtp.out" 2>&1
rc=$?
is "$rc" 0 "msmtp: STARTTLS (CA verified) + AUTH PLAIN on the submission port succeeds"
[ "$rc" = 0 ] || diag "$(tail -n 5 "$T_DIR/msmtp.out" "$T_DIR/msmtprc.log")"
sub_wait_mail '^Subject: msmtp over 587'; ok $? "msmtp's message is delivered to the postmaster Maildir"
if [ -n "$MAIL_FILE" ]; then
  grep -q '^	by [^ ]* (berth-smtpd) with ESMTPSA (TLSv1\.[23] TLS_[A-Z0-9_]*) id s[0-9.]*$' "$MAIL_FILE"
  ok $? "delivered: Received says ESMTPSA with the TLS version and cipher suite"
  grep -q '^Date: [A-Z][a-z][a-z], [0-9]* [A-Z][a-z][a-z] [0-9]* [0-9:]* +0000$' "$MAIL_FILE"
  ok $? "delivered: Date: added by the server (msmtp told not to)"
  grep -q '^Message-ID: <s[0-9.]*@test\.example>$' "$MAIL_FILE"
  ok $? "delivered: Message-ID: added by the server"
  is "$(grep -c '^Date: ' "$MAIL_FILE")" 1 "delivered: one Date:"
else
  for d in Received Date Message-ID count; do ok 1 "delivered: $d (no message)"; done
fi

# openssl s_client -starttls smtp and python smtplib starttls() + login() on the same port.
auth=$(printf '\0alice\0%s' "$SUB_PASS" | base64)
printf 'EHLO sclient.example\nAUTH PLAIN %s\nMAIL FROM:<alice@example.org>\nRCPT TO:<postmaster@test.example>\nDATA\nSubject: s_client on 587\n\nover tls\n.\nQUIT\n' "$auth" |
  timeout 20 openssl s_client -starttls smtp -connect "127.0.0.1:$sub" -crlf -quiet -CAfile "$C/ca.crt" \
    -verify_return_error -verify_hostname mx.test > "$T_DIR/sclient.out" 2>&1
grep -q '^235 ' "$T_DIR/sclient.out" && grep -q '^250 2\.0\.0 ok queued' "$T_DIR/sclient.out"
ok $? "s_client -starttls smtp (verified) + AUTH PLAIN on 587: accepted"
sub_wait_mail '^Subject: s_client on 587'; ok $? "s_client's message is delivered"
"$PY" - "$sub" "$SUB_PASS" "$C/ca.crt" > "$T_DIR/smtplib.out" 2>&1 <<'PY'
import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[3])
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="smtplib.example", timeout=20)
c._host = "mx.test"   # the name the certificate is checked against
print("starttls", c.starttls(context=ctx)[0])
c.login("alice", sys.argv[2])
print("sent", c.sendmail("alice@example.org", ["postmaster@test.example"], b"Subject: smtplib on 587\r\n\r\nhi\r\n"))
c.quit()
PY
grep -q '^starttls 220$' "$T_DIR/smtplib.out" && grep -q '^sent {}$' "$T_DIR/smtplib.out"
ok $? "smtplib starttls() (verified) + login() on 587: accepted"
sub_wait_mail '^Subject: smtplib on 587'; ok $? "smtplib's message is delivered"

msmtp_conf "$T_DIR/badpw" "wrong-Pa55word" "$C/ca.crt"
printf '%s' "$MSG" | sed 's/^Subject: .*/Subject: bad password/' |
  timeout 20 msmtp -C "$T_DIR/badpw" postmaster@test.example > "$T_DIR/badpw.out" 2>&1
rc=$?
[ "$rc" != 0 ]; ok $? "msmtp with a wrong password fails (exit $rc)"
grep -q '535' "$T_DIR/badpw.out" "$T_DIR/badpw.log"; ok $? "wrong password: the server said 535"

msmtp_conf "$T_DIR/badca" "$SUB_PASS" "$C/rsa.crt"
printf '%s' "$MSG" | sed 's/^Subject: .*/Subject: bad ca/' |
  timeout 20 msmtp -C "$T_DIR/badca" postmaster@test.example > "$T_DIR/badca.out" 2>&1
rc=$?
[ "$rc" != 0 ]; ok $? "msmtp trusting another CA refuses the server certificate (exit $rc)"

msmtp_conf "$T_DIR/clear" "$SUB_PASS" "$C/ca.crt" 'tls off' 'auth off'
printf '%s' "$MSG" | sed 's/^Subject: .*/Subject: in clear/' |
  timeout 20 msmtp -C "$T_DIR/clear" postmaster@test.example > "$T_DIR/clear.out" 2>&1
rc=$?
[ "$rc" != 0 ]; ok $? "msmtp without STARTTLS on 587 fails (exit $rc)"
grep -q '530' "$T_DIR/clear.out" "$T_DIR/clear.log"; ok $? "without STARTTLS: MAIL refused with 530"

# Without STARTTLS: no AUTH offered, MAIL refused; pipelined data after STARTTLS: 554, session ends.
"$PY" - "$sub" "$SUB_PASS" > "$T_DIR/py.out" <<'PY'
import base64, socket, sys
port, pw = int(sys.argv[1]), sys.argv[2]
def res(ok, d): print("%s\t%s" % (0 if ok else 1, d))
def reply(f):
    lines = []
    while True:
        l = f.readline().decode("latin-1").rstrip("\r\n")
        lines.append(l)
        if len(l) < 4 or l[3] != "-": return lines
s = socket.create_connection(("127.0.0.1", port), 10); s.settimeout(10)
f = s.makefile("rb")
reply(f)
s.sendall(b"EHLO clear.example\r\n"); ehlo = reply(f)
res(any("STARTTLS" in l for l in ehlo) and not any("AUTH" in l for l in ehlo), "587 in clear: STARTTLS offered, AUTH not")
s.sendall(b"AUTH PLAIN " + base64.b64encode(("\0alice\0" + pw).encode()) + b"\r\n"); r = reply(f)
res(r[0].startswith("530 "), "587 in clear: AUTH refused with 530 (%s)" % r[0])
s.sendall(b"MAIL FROM:<alice@example.org>\r\n"); r = reply(f)
res(r[0].startswith("530 5.7.0"), "587 in clear: MAIL refused with 530 5.7.0 (%s)" % r[0])
s.sendall(b"RCPT TO:<postmaster@test.example>\r\n"); r = reply(f)
res(not r[0].startswith("250"), "587 in clear: RCPT refused too (%s)" % r[0])
s.sendall(b"QUIT\r\n"); reply(f); s.close()

s = socket.create_connection(("127.0.0.1", port), 10); s.settimeout(10)
f = s.makefile("rb")
reply(f)
s.sendall(b"EHLO evil.example\r\n"); reply(f)
s.sendall(b"STARTTLS\r\nMAIL FROM:<alice@example.org>\r\n"); r = reply(f)
res(r[0].startswith("554 5.5.1"), "587: data pipelined after STARTTLS refused with 554 5.5.1 (%s)" % r[0])
res(f.read() == b"", "587: the session ends after pipelined STARTTLS")
s.close()
PY
TAB=$(printf '\t')
while IFS="$TAB" read -r st d; do ok "$st" "$d"; done < "$T_DIR/py.out"
is "$(grep -c . "$T_DIR/py.out")" 6 "all six raw client checks ran"

# swaks --tls-on-connect with AUTH LOGIN on the smtps (465) service.
swaks --server "127.0.0.1:$smtps" --tls-on-connect --auth LOGIN --auth-user alice --auth-password "$SUB_PASS" \
  --from alice@example.org --to postmaster@test.example --helo swaks.example \
  --header 'Subject: swaks on 465' --body 'implicit TLS' > "$T_DIR/swaks.out" 2>&1
is "$?" 0 "swaks --tls-on-connect + AUTH LOGIN on the smtps service succeeds"
grep -q 'STARTTLS' "$T_DIR/swaks.out"; [ $? = 1 ]; ok $? "smtps: STARTTLS not offered (TLS from the first byte)"
sub_wait_mail '^Subject: swaks on 465'; ok $? "swaks's message is delivered"
[ -n "$MAIL_FILE" ] && grep -q '^	by [^ ]* (berth-smtpd) with ESMTPSA (TLSv1\.[23] TLS_[A-Z0-9_]*) id ' "$MAIL_FILE"
ok $? "smtps: Received says ESMTPSA with version and cipher"
swaks --server "127.0.0.1:$smtps" --tls-on-connect --from alice@example.org --to postmaster@test.example \
  --helo swaks.example --body 'no auth' > "$T_DIR/swaks-noauth.out" 2>&1
[ $? != 0 ] && grep -q '^<~\* *530 5\.7\.0' "$T_DIR/swaks-noauth.out"; ok $? "smtps without AUTH: MAIL refused with 530"

sub_down
# The s6-log files: AUTH results are there, the passwords (plain or base64) are not.
L=$BERTH_HOME/log
grep -q 'event=auth .*user=alice result=ok' "$L/submission/current"; ok $? "submission log: AUTH ok for alice"
grep -q 'event=auth .*user=alice result=bad' "$L/submission/current"; ok $? "submission log: AUTH bad for alice"
grep -q 'event=auth .*mech=LOGIN user=alice result=ok' "$L/smtps/current"; ok $? "smtps log: AUTH LOGIN ok"
b64p=$(printf '\0alice\0%s' "$SUB_PASS" | base64)
b64w=$(printf '\0alice\0%s' "wrong-Pa55word" | base64)
b64l=$(printf '%s' "$SUB_PASS" | base64)
found=$(grep -rl -e "$SUB_PASS" -e 'wrong-Pa55word' -e "$b64p" -e "$b64w" -e "$b64l" "$L" 2>/dev/null)
is "$found" "" "no password, plain or base64, in any s6-log file"
t_done

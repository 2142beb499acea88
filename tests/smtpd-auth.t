#!/bin/sh
# berth-smtpd SMTP AUTH (RFC 4954): PLAIN and LOGIN checked by a checkpassword(8) script,
# bad credentials, malformed base64, cancel, three failures, the 1 s pause before each failure
# reply (per session), no password in the log, relaying
# opened by AUTH only, requireauth, Date:/Message-ID: added to submissions only, and smtplib
# login() over STARTTLS through tcpserver + berth-tlsd (ESMTPSA).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v openssl >/dev/null || skip_all "openssl not installed"
t_start 60
t_instance
C=$T_DIR/certs
mkdir "$C"
( cd "$C" && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -keyout k.pem -out c.pem -days 2 ) \
  > "$T_DIR/openssl.log" 2>&1 || { echo "Bail out! cannot make a test certificate"; exit 1; }
chmod 644 "$C"/*

# The checkpassword program: user\0password\0timestamp\0 on fd 3, exit 0 and run its
# argument (/bin/true) when they match, 1 otherwise. It also records what it was given.
cat > "$T_DIR/checkpw" <<'SH'
#!/bin/sh
data=$(dd bs=1024 count=1 <&3 2>/dev/null | tr '\0' '\n')
user=$(printf '%s\n' "$data" | sed -n 1p)
pass=$(printf '%s\n' "$data" | sed -n 2p)
stamp=$(printf '%s\n' "$data" | sed -n 3p)
printf 'argv=%s stamp=%s\n' "$*" "$stamp" > "${0%/*}/checkpw.seen"
[ "$user" = "joe@test.example" ] && [ "$pass" = "s3cret pass" ] || exit 1
exec "$@"
SH
chmod 755 "$T_DIR/checkpw"
chmod 777 "$T_DIR"
echo "$T_DIR/checkpw" > "$BERTH_HOME/control/checkpassword"
export T_DIR

smtpd_py <<'PY'
import base64, os, re
control("authloopback", "")
def b64(x):
    return base64.b64encode(x.encode() if isinstance(x, str) else x).decode()
GOOD = b64("\0joe@test.example\0s3cret pass")
MSG = "From: joe@test.example\r\nTo: x@other.example\r\nSubject: submission\r\n\r\nbody\r\n"

s = Session()
c, lines = s.cmd("EHLO client.example")
check("250-AUTH PLAIN LOGIN" in lines or "250 AUTH PLAIN LOGIN" in lines, "loopback + authloopback: EHLO offers AUTH PLAIN LOGIN")
check(not any("STARTTLS" in l for l in lines), "no SSLCTLFD: no STARTTLS offered")
is_(s.code("MAIL FROM:<joe@test.example>"), 250, "MAIL without AUTH")
is_(s.code("RCPT TO:<x@other.example>"), 553, "without AUTH: relaying refused")
is_(s.code("AUTH PLAIN " + GOOD), 503, "AUTH during a transaction: 503")
is_(s.code("RSET"), 250, "RSET")
c, l = s.cmd("AUTH PLAIN " + GOOD)
is_(c, 235, "AUTH PLAIN with an initial response: 235")
check(l and l[0].startswith("235 2.7.0"), "235 carries 2.7.0")
is_(s.code("AUTH PLAIN " + GOOD), 503, "second AUTH: 503")
c, l = s.cmd("EHLO client.example")
check(not any("AUTH" in x for x in l), "EHLO after AUTH no longer offers AUTH")
before = queue_ids()
is_(s.code("MAIL FROM:<joe@test.example>"), 250, "MAIL after AUTH")
is_(s.code("RCPT TO:<x@other.example>"), 250, "AUTH opens relaying to a domain not in rcpthosts")
is_(s.code("DATA"), 354, "DATA")
is_(s.cmd(MSG + ".")[0], 250, "submission accepted")
s.cmd("QUIT")
s.close()
new = [q for q in queue_ids() if q not in before]
is_(len(new), 1, "submission queued")
if new:
    m = mess(new[0])
    check(b" with ESMTPA id " in m, "Received says ESMTPA (AUTH without TLS)")
    body = body_after_received(m)
    check(re.match(rb"From: joe@test\.example\nTo: x@other\.example\nSubject: submission\nDate: \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d \+0000\nMessage-ID: <s[0-9.]+@test\.example>\n\nbody\n$", body) is not None,
          "Date: and Message-ID: added at the end of the header")
    if b"Date:" not in body: diag(body)
    is_(envelope(new[0]).split(b"\0")[2:4], [b"Fjoe@test.example", b"Tx@other.example"], "relayed envelope intact")
check(re.search(r"event=auth .*mech=PLAIN user=joe@test\.example result=ok", s.log) is not None, "log: AUTH PLAIN user= result=ok")
check(re.search(r"event=tx .*proto=ESMTPA .*user=joe@test\.example", s.log) is not None, "log: tx line has proto=ESMTPA and user=")
seen = open(os.path.join(os.environ["T_DIR"], "checkpw.seen")).read()
check(re.match(r"argv=/bin/true stamp=<\d+\.\d+@test\.example>$", seen.strip()) is not None, "checkpassword run as 'prog /bin/true' with a timestamp on fd 3")

# A submission that has its own Date: and Message-ID: keeps them, without duplicates.
s = Session()
s.cmd("EHLO client.example")
is_(s.code("AUTH PLAIN"), 334, "AUTH PLAIN without an initial response: 334")
is_(s.code(GOOD), 235, "AUTH PLAIN response: 235")
before = queue_ids()
s.cmd("MAIL FROM:<joe@test.example>"); s.cmd("RCPT TO:<y@test.example>"); s.cmd("DATA")
own = "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nmessage-id: <own@x>\r\nSubject: s\r\n\r\nb\r\n"
is_(s.cmd(own + ".")[0], 250, "submission with its own fields accepted")
s.cmd("QUIT"); s.close()
new = [q for q in queue_ids() if q not in before]
if check(len(new) == 1, "queued"):
    is_(body_after_received(mess(new[0])), own.replace("\r\n", "\n").encode(), "own Date:/Message-ID: kept, nothing added")

# Where the fields go: before the first line that is no field, or at the end of a header-only
# message; folded fields stay whole. IPv6 loopback counts as loopback.
for desc, body, want in (
    ("header-only message", "Subject: only\r\n", rb"Subject: only\nDate: [^\n]+\nMessage-ID: <[^\n]+>\n$"),
    ("first line no field", "no field here\r\nSubject: x\r\n", rb"Date: [^\n]+\nMessage-ID: <[^\n]+>\nno field here\nSubject: x\n$"),
    ("folded field, Date present", "Subject: a\r\n folded\r\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nb\r\n",
     rb"Subject: a\n folded\nDATE: Mon, 1 Jan 2024 00:00:00 \+0000\nMessage-ID: <[^\n]+>\n\nb\n$"),
):
    s = Session({"TCPREMOTEIP": "::1"})
    s.cmd("EHLO client.example")
    s.cmd("AUTH PLAIN " + GOOD)
    before = queue_ids()
    s.cmd("MAIL FROM:<joe@test.example>"); s.cmd("RCPT TO:<y@test.example>"); s.cmd("DATA")
    is_(s.cmd(body + ".")[0], 250, "%s: accepted (::1 is loopback)" % desc)
    s.cmd("QUIT"); s.close()
    new = [q for q in queue_ids() if q not in before]
    if check(len(new) == 1, "%s: queued" % desc):
        got = body_after_received(mess(new[0]))
        if not check(re.match(want, got) is not None, "%s: fields placed right" % desc): diag(got)

# LOGIN, with and without an initial response.
for init in (False, True):
    s = Session()
    s.cmd("EHLO client.example")
    if init:
        c, l = s.cmd("AUTH LOGIN " + b64("joe@test.example"))
    else:
        c, l = s.cmd("AUTH LOGIN")
        is_(l, ["334 VXNlcm5hbWU6"], "AUTH LOGIN asks Username:")
        c, l = s.cmd(b64("joe@test.example"))
    is_(l, ["334 UGFzc3dvcmQ6"], "AUTH LOGIN asks Password: (initial response %s)" % init)
    is_(s.code(b64("s3cret pass")), 235, "AUTH LOGIN good: 235 (initial response %s)" % init)
    s.cmd("QUIT"); s.close()

# Unauthenticated mail, and mail relayed by a RELAYCLIENT peer (tcprules, no AUTH), is not a
# submission: never touched.
for desc, env, rcpt in (("unauthenticated", None, "y@test.example"), ("RELAYCLIENT without AUTH", {"RELAYCLIENT": ""}, "y@other.example")):
    s = Session(env)
    s.cmd("EHLO client.example")
    before = queue_ids()
    s.cmd("MAIL FROM:<a@b.example>")
    is_(s.code("RCPT TO:<%s>" % rcpt), 250, "%s: RCPT accepted" % desc)
    s.cmd("DATA")
    plain = "Subject: no date\r\n\r\nb\r\n"
    is_(s.cmd(plain + ".")[0], 250, "%s: message accepted" % desc)
    s.cmd("QUIT"); s.close()
    new = [q for q in queue_ids() if q not in before]
    if check(len(new) == 1, "%s: queued" % desc):
        is_(body_after_received(mess(new[0])), plain.replace("\r\n", "\n").encode(), "%s: no Date:/Message-ID: added" % desc)
        check(b" with ESMTP id " in mess(new[0]), "%s: Received says ESMTP" % desc)

# Failures: bad password (535), malformed base64 (501), cancel (501), then 421.
s = Session()
s.cmd("EHLO client.example")
c, l = s.cmd("AUTH PLAIN " + b64("\0joe@test.example\0wrong password"))
is_(c, 535, "bad password: 535")
check(l and l[0].startswith("535 5.7.8"), "535 carries 5.7.8")
c, l = s.cmd("AUTH PLAIN not*base64")
is_(c, 501, "malformed base64: 501")
check(l and l[0].startswith("501 5.5.2"), "malformed: 5.5.2")
is_(s.code("AUTH LOGIN"), 334, "AUTH LOGIN: 334")
c, l = s.cmd("*")
is_(c, 501, "AUTH cancelled with '*': 501, third failure...")
c, l = s.reply()
is_(c, 421, "... then 421 after three failures")
check(s.eof(), "session ends after three AUTH failures")
s.close()
check("wrong password" not in s.log and "wrong" not in s.log and "s3cret" not in s.log, "no password in the log")
check(re.search(r"event=auth .*user=joe@test\.example result=bad", s.log) is not None, "log: user= result=bad")
check("end=auth-failures" in s.log, "log: session ended for auth-failures")

# Rate limit: each failure is answered only after SMTPD_AUTH_DELAY_MS (1 s); the count is per
# session, so a new session starts at zero.
import time
s = Session()
s.cmd("EHLO client.example")
t0 = time.monotonic()
is_(s.code("AUTH PLAIN " + b64("\0joe@test.example\0bad one")), 535, "rate limit: bad password 535")
d1 = time.monotonic() - t0
check(d1 >= 0.9, "rate limit: the 535 comes after the failure pause (%.2f s)" % d1)
t0 = time.monotonic()
is_(s.code("AUTH LOGIN %%%"), 501, "rate limit: malformed base64 501")
d2 = time.monotonic() - t0
check(d2 >= 0.9, "rate limit: malformed base64 is paused too (%.2f s)" % d2)
t0 = time.monotonic()
is_(s.code("AUTH PLAIN " + GOOD), 235, "rate limit: a good password after two failures: 235")
check(time.monotonic() - t0 < 0.9, "rate limit: success is not paused")
s.cmd("QUIT"); s.close()
check(re.search(r"result=bad failures=0\b", s.log) is not None and re.search(r"result=malformed failures=1\b", s.log) is not None,
      "rate limit: failures counted in the log")
s = Session()
s.cmd("EHLO client.example")
is_(s.code("AUTH PLAIN " + b64("\0joe@test.example\0bad two")), 535, "new session: first failure 535, not 421")
is_(s.code("AUTH PLAIN " + b64("\0joe@test.example\0bad three")), 535, "new session: second failure 535")
is_(s.code("NOOP"), 250, "new session: still open after two failures")
s.cmd("QUIT"); s.close()
check("bad one" not in s.log and "bad two" not in s.log and "bad three" not in s.log, "rate limit: no bad password in the log")

# The good password never reaches the log either.
s = Session(); s.cmd("EHLO c"); s.cmd("AUTH LOGIN"); s.cmd(b64("joe@test.example")); s.cmd(b64("s3cret pass")); s.cmd("QUIT"); s.close()
check("s3cret" not in s.log and b64("s3cret pass") not in s.log, "good password not logged")
check("result=ok" in s.log, "LOGIN success logged")

# Other refusals.
s = Session()
is_(s.code("AUTH PLAIN " + GOOD), 503, "AUTH before EHLO: 503")
s.cmd("HELO client.example")
is_(s.code("AUTH PLAIN " + GOOD), 503, "AUTH after HELO: 503")
s.cmd("EHLO client.example")
is_(s.code("AUTH CRAM-MD5"), 504, "unknown mechanism: 504")
is_(s.code("AUTH PLAIN " + b64("joe@test.example\0s3cret pass")), 501, "PLAIN without two NULs: 501")
s.cmd("QUIT"); s.close()
s = Session({"TCPREMOTEIP": "10.1.2.3"})
c, lines = s.cmd("EHLO client.example")
check(not any("AUTH" in l for l in lines), "remote peer without TLS: no AUTH offered")
is_(s.code("AUTH PLAIN " + GOOD), 503, "remote peer without TLS: AUTH refused")
s.cmd("QUIT"); s.close()

# requireauth: MAIL needs AUTH.
for how, env in (("control/requireauth", None), ("REQUIREAUTH", {"REQUIREAUTH": "1"})):
    if env is None: control("requireauth", "")
    s = Session(env)
    s.cmd("EHLO client.example")
    c, l = s.cmd("MAIL FROM:<joe@test.example>")
    is_(c, 530, "%s: MAIL without AUTH: 530" % how)
    check(l and l[0].startswith("530 5.7.0"), "%s: 530 5.7.0" % how)
    is_(s.code("AUTH PLAIN " + GOOD), 235, "%s: AUTH" % how)
    is_(s.code("MAIL FROM:<joe@test.example>"), 250, "%s: MAIL after AUTH" % how)
    s.cmd("QUIT"); s.close()
    control("requireauth", None)

# A temporary failure of the checkpassword program: 454, not counted as bad credentials.
control("checkpassword", "/nonexistent/checkpw\n")
s = Session(); s.cmd("EHLO c")
is_(s.code("AUTH PLAIN " + GOOD), 454, "checkpassword missing: 454")
s.cmd("QUIT"); s.close()
control("checkpassword", os.environ["T_DIR"] + "/checkpw\n")
control("authloopback", None)
s = Session(); c, lines = s.cmd("EHLO c")
check(not any("AUTH" in l for l in lines), "loopback without control/authloopback: no AUTH")
s.cmd("QUIT"); s.close()
PY

# smtplib login() over STARTTLS, through tcpserver + berth-tlsd + berth-smtpd.
port=$(free_port)
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
t_bg env CERTFILE="$C/c.pem" KEYFILE="$C/k.pem" $setuid tcpserver -HRl0 127.0.0.1 "$port" \
  "$BERTH_TOP/bin/berth-tlsd" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/tcp.log"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
export port
smtpd_py <<'PY'
import os, re, smtplib, ssl
port = int(os.environ["port"])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
before = queue_ids()
c = smtplib.SMTP("127.0.0.1", port, local_hostname="submit.example", timeout=10)
c.ehlo()
check(c.has_extn("starttls") and not c.has_extn("auth"), "before STARTTLS: STARTTLS offered, AUTH not")
c.starttls(context=ctx)
c.ehlo()
check(c.has_extn("auth") and not c.has_extn("starttls"), "after STARTTLS: AUTH offered, STARTTLS not")
c.login("joe@test.example", "s3cret pass")
refused = c.sendmail("joe@test.example", ["z@other.example"], b"Subject: via tls\r\n\r\nhi\r\n")
is_(refused, {}, "smtplib login() over STARTTLS, relayed submission accepted")
c.quit()
new = [q for q in queue_ids() if q not in before]
if check(len(new) == 1, "queued"):
    m = mess(new[0])
    check(re.search(rb" with ESMTPSA \(TLSv1\.[23] TLS_[A-Z0-9_]+\) id ", m) is not None, "Received says ESMTPSA with version and cipher")
    check(b"\nDate: " in m and b"\nMessage-ID: <" in m, "Date:/Message-ID: added")
PY
# AUTH in clear (loopback + authloopback), then STARTTLS: the AUTH and its relaying are gone.
echo > "$BERTH_HOME/control/authloopback"
smtpd_py <<'PY'
import os, smtplib, ssl
port = int(os.environ["port"])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
c = smtplib.SMTP("127.0.0.1", port, local_hostname="submit.example", timeout=10)
c.ehlo()
check(c.has_extn("auth") and c.has_extn("starttls"), "authloopback: AUTH and STARTTLS offered in clear")
c.login("joe@test.example", "s3cret pass")
c.starttls(context=ctx)
c.ehlo()
check(c.has_extn("auth"), "after STARTTLS: AUTH offered again (the clear AUTH is forgotten)")
is_(c.docmd("MAIL FROM:<joe@test.example>")[0], 250, "MAIL over TLS")
is_(c.docmd("RCPT TO:<z@other.example>")[0], 553, "the clear AUTH no longer opens relaying after STARTTLS")
c.quit()
PY
rm -f "$BERTH_HOME/control/authloopback"
grep -q 'event=auth .*result=ok' "$T_DIR/tcp.log"; ok $? "tcp log: AUTH ok"
! grep -q 's3cret' "$T_DIR/tcp.log"; ok $? "tcp log: no password"
t_done

#!/bin/sh
# berth-smtpd DATA: end-of-data variants, bare CR/LF, dot-unstuffing, LF storage, Received
# line, databytes, line length, loops, timeouts, memory, and $QMAILQUEUE exit codes.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
t_start 60
t_instance
for c in 31 71; do printf '#!/bin/sh\ncat >/dev/null\nexit %s\n' $c > "$T_DIR/qq$c"; done
printf '#!/bin/sh\ncat >/dev/null\nprintf "Dno thanks, filtered (#5.7.1)" >&6\nexit 82\n' > "$T_DIR/qq82"
chmod 755 "$T_DIR"/qq*
export T_DIR

smtpd_py <<'PY'
import os, re, time
T = os.environ["T_DIR"]

def start(env=None, rcpt="b@test.example", mail="a@b.example"):
    s = Session(env)
    s.cmd("EHLO client.example")
    s.cmd("MAIL FROM:<%s>" % mail)
    s.cmd("RCPT TO:<%s>" % rcpt)
    c = s.code("DATA")
    return s, c

# The message lands with LF endings, dot-unstuffed, under a Received line.
before = queue_ids()
s, c = start()
is_(c, 354, "DATA: 354")
s.send(b"Subject: t\r\n\r\n..leading dot\r\n.x\r\nlast\r\n.\r\n")
c, l = s.reply()
is_(c, 250, "message accepted")
new = [q for q in queue_ids() if q not in before]
is_(len(new), 1, "one message in the queue")
qid = new[0] if new else "none"
check(qid in l[0], "250 reply names the queue id")
m = mess(qid) if new else b""
is_(body_after_received(m) if new else b"", b"Subject: t\n\n.leading dot\nx\nlast\n", "stored with LF endings, dot-unstuffed")
check(re.search(rb"\nReceived: from client\.example \(unknown \[127\.0\.0\.1\]\)\n\tby test\.example \(berth-smtpd\) with ESMTP id s[0-9.]+\n\tfor <b@test\.example>; \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n", m) is not None, "Received line in RFC 5321 form")
is_(envelope(qid) .split(b"\0")[2:] if new else b"", [b"Fa@b.example", b"Tb@test.example", b"", b""], "envelope")
s.cmd("QUIT"); s.close()
check(("qid=" + qid) in s.log, "log line carries the queue id")

# HELO mode, TCPREMOTEHOST/TCPREMOTEINFO, sanitised HELO in the Received line; escaped log values.
before = queue_ids()
s = Session({"TCPREMOTEHOST": "peer.example", "TCPREMOTEINFO": "ident"})
s.cmd(b"HELO evil)name\x01(x")
s.cmd('MAIL FROM:<"a b=c"@b.example>')
s.cmd("RCPT TO:<b@test.example>")
s.cmd("RCPT TO:<c@test.example>")
s.cmd("DATA")
s.send("Subject: h\r\n\r\nh\r\n.\r\n")
is_(s.reply()[0], 250, "HELO-mode message accepted")
s.cmd("QUIT"); s.close()
new = [q for q in queue_ids() if q not in before]
m = mess(new[0]) if new else b""
check(re.search(rb"\nReceived: from evil\?name\?\?x \(ident@peer\.example \[127\.0\.0\.1\]\)\n\tby test\.example \(berth-smtpd\) with SMTP id s[0-9.]+; ", m) is not None,
      "Received: sanitised HELO, ident@host, SMTP, no 'for' with two recipients")
check("from=a\\x20b\\x3dc@b.example" in s.log and "helo=evil)name\\x01(x" in s.log, "log escapes untrusted bytes")

# Every end-of-data impostor: refused (451, drop) or kept as data, never the end.
variants = [b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r", b"\r.\n", b"\r.\r\n", b"\r\n.\r", b"\n.\r"]
for v in variants:
    before = queue_count()
    s, c = start()
    s.send(b"Subject: v\r\n\r\nline" + v + b"X\r\nmore\r\n")
    c, l = s.reply()
    check(c == 451, "end-of-data variant %r: 451" % v)
    check(s.eof(), "variant %r: connection dropped" % v)
    s.close()
    is_(queue_count(), before, "variant %r: nothing queued" % v)
for what, body in [("bare LF", b"a\nb\r\n"), ("bare CR", b"a\rb\r\n"), ("bare LF at the end", b"ab\n"), ("bare CR in a header", b"X-A: 1\r\rX-B: 2\r\n")]:
    before = queue_count()
    s, c = start()
    s.send(b"Subject: v\r\n\r\n" + body + b"\r\n.\r\n")
    c, l = s.reply()
    is_(c, 451, what + ": 451")
    check(l and "4.6.0" in l[0] and "bare" in l[0], what + ": the reply says why")
    s.close()
    is_(queue_count(), before, what + ": never reaches the queue")
    check("bare-cr-or-lf" in s.log, what + ": logged")
before = queue_ids()
s, c = start()
s.send(b"Subject: nul\r\n\r\nline\r\n\x00.\r\nafter\r\n.\r\n")
is_(s.reply()[0], 250, "NUL before the dot is data; the real end follows")
new = [q for q in queue_ids() if q not in before]
is_(body_after_received(mess(new[0])) if new else b"", b"Subject: nul\n\nline\n\x00.\nafter\n", "NUL line kept as data")
s.close()

# Text line length.
before = queue_count()
s, c = start()
s.send(b"Subject: l\r\n\r\n" + b"a" * 998 + b"\r\n.\r\n")
is_(s.reply()[0], 250, "1000-byte text line accepted")
s.cmd("MAIL FROM:<a@b.example>"); s.cmd("RCPT TO:<b@test.example>"); s.cmd("DATA")
s.send(b"Subject: l\r\n\r\n" + b"a" * 999 + b"\r\n.\r\n")
c, l = s.reply()
is_(c, 500, "1001-byte text line: 500")
check(l and "5.5.2" in l[0], "text line refusal says 5.5.2")
s.send(b"NOOP\r\n")
is_(s.reply()[0], 250, "session continues after a long text line")
s.cmd("QUIT"); s.close()
is_(queue_count(), before + 1, "only the good message queued")

# Loop detection.
s, c = start()
s.send(b"".join(b"Received: from h%d\r\n" % i for i in range(99)) + b"Delivered-To: x@test.example\r\n\r\nbody\r\n.\r\n")
is_(s.reply()[0], 250, "100 Received/Delivered-To lines accepted")
s.cmd("MAIL FROM:<a@b.example>"); s.cmd("RCPT TO:<b@test.example>"); s.cmd("DATA")
s.send(b"".join(b"Received: from h%d\r\n" % i for i in range(100)) + b"Delivered-To: x@test.example\r\n\r\nbody\r\n.\r\n")
c, l = s.reply()
is_(c, 554, "101 hops: 554")
check(l and "5.4.6" in l[0], "loop refusal says 5.4.6")
s.cmd("QUIT"); s.close()

# databytes and DATABYTES.
control("databytes", "1000\n")
before = queue_count()
s, c = start()
s.send(b"Subject: big\r\n\r\n" + b"0123456789abcdef\r\n" * 100 + b".\r\n")
c, l = s.reply()
is_(c, 552, "over databytes: 552")
check(l and "5.3.4" in l[0], "databytes refusal says 5.3.4")
is_(s.code("NOOP"), 250, "session continues after databytes")
s.close()
is_(queue_count(), before, "nothing queued over databytes")
s, c = start({"DATABYTES": "50000"})
s.send(b"Subject: big\r\n\r\n" + b"0123456789abcdef\r\n" * 100 + b".\r\n")
is_(s.reply()[0], 250, "DATABYTES overrides control/databytes")
s.close()
control("databytes", None)

# Memory does not grow with the message: 24 MiB streamed.
s, c = start()
chunk = (b"x" * 998 + b"\r\n") * 1024
s.send(b"Subject: huge\r\n\r\n")
for i in range(24):
    s.send(chunk)
hwm = vmhwm(s.proc.pid)
s.send(b".\r\n")
is_(s.reply()[0], 250, "24 MiB message accepted")
check(0 < hwm < 8192, "peak RSS stays small (%d kB)" % hwm)
s.close()

# $QMAILQUEUE exit codes.
for code, want, esc in [(31, 554, "5.3.0"), (71, 451, "4.3.0"), (82, 554, "5.7.1")]:
    s, c = start({"QMAILQUEUE": "%s/qq%d" % (T, code)})
    s.send(b"Subject: q\r\n\r\nq\r\n.\r\n")
    c, l = s.reply()
    is_(c, want, "QMAILQUEUE exiting %d: %d" % (code, want))
    check(l and (" %s " % esc) in l[0], "exit %d reply carries %s" % (code, esc))
    if code == 82:
        check(l and "no thanks, filtered" in l[0], "exit 82 reply carries the fd 6 text")
    s.close()

# Timeouts: control/timeoutsmtpd, at a command and in the middle of DATA.
control("timeoutsmtpd", "1\n")
s = Session()
t0 = time.time()
c, l = s.reply()
is_(c, 421, "idle peer: 421")
check(s.eof() and time.time() - t0 < 5, "idle peer dropped after the timeout")
s.close()
before = queue_count()
s, c = start()
s.send(b"Subject: slow\r\n\r\npart")
is_(s.reply()[0], 421, "stalled DATA: 421")
s.close()
is_(queue_count(), before, "stalled DATA: nothing queued")
check("end=timeout" in s.log, "timeout logged")
control("timeoutsmtpd", None)

# The whole session is bounded too (control/timeoutsmtpdsession), even for a chatty peer.
control("timeoutsmtpdsession", "2\n")
s = Session()
s.cmd("HELO x")
t0, codes = time.time(), []
while (not codes or codes[-1] == 250) and time.time() - t0 < 8:
    codes.append(s.code("NOOP"))
    time.sleep(0.2)
while codes[-1] is not None and codes[-1] != 421:
    codes.append(s.reply()[0])
check(421 in codes, "chatty peer: 421 at the session time bound")
check(time.time() - t0 < 5, "session bound enforced in time")
s.close()
check("end=session-time" in s.log, "session bound logged")
control("timeoutsmtpdsession", None)
PY
t_done

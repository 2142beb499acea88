#!/bin/sh
# berth-smtpd BDAT (RFC 3030 CHUNKING): the EHLO keyword, single and pipelined chunks of mixed
# sizes, BDAT 0 LAST, a CRLF split between chunks, the stored message byte-exact (LF endings, no
# dot-unstuffing), the sequence errors (503/554, chunk bytes read and discarded, never run as
# commands), RSET, syntax errors (the session ends), SMTP smuggling variants inside chunks
# (554 5.6.0, nothing queued), databytes, line length and hop count across chunks, memory on a
# 24 MiB chunk, and a queue program ($QMAILQUEUE) instead of the in-process commit.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
t_start 120
t_instance
printf '#!/bin/sh\ncat >/dev/null\nexit 31\n' > "$T_DIR/qq31"
chmod 755 "$T_DIR/qq31"
export T_DIR

smtpd_py <<'PY'
import os, re, time
T = os.environ["T_DIR"]

def start(env=None):
    s = Session(env)
    s.cmd("EHLO client.example")
    s.cmd("MAIL FROM:<a@b.example>")
    s.cmd("RCPT TO:<b@test.example>")
    return s

def bdat(data, last=False):
    return b"BDAT %d%s\r\n" % (len(data), b" LAST" if last else b"") + data

def new_since(before):
    return [q for q in queue_ids() if q not in before]

def stored(before):
    n = new_since(before)
    return body_after_received(mess(n[0])) if len(n) == 1 else None

# EHLO offers CHUNKING (and not BINARYMIME).
s = Session()
c, l = s.cmd("EHLO client.example")
check("250-CHUNKING" in l or "250 CHUNKING" in l, "EHLO offers CHUNKING")
check(not any("BINARYMIME" in x for x in l), "BINARYMIME is not offered")
s.cmd("QUIT"); s.close()

# One chunk with LAST: stored with LF endings, leading dots kept (no unstuffing), logged.
before = queue_ids()
s = start()
s.send(bdat(b"Subject: one\r\n\r\n..two dots\r\n.\r\nlast\r\n", True))
c, l = s.reply()
is_(c, 250, "BDAT n LAST: 250")
check(l and "queued as" in l[0], "the reply names the queue id")
is_(stored(before), b"Subject: one\n\n..two dots\n.\nlast\n", "stored byte-exact: LF endings, dots as sent")
m = mess(new_since(before)[0]) if len(new_since(before)) == 1 else b""
check(re.search(rb"\nReceived: from client\.example \(unknown \[127\.0\.0\.1\]\)\n\tby test\.example \(berth-smtpd\) with ESMTP id s[0-9.]+\n\tfor <b@test\.example>; ", m) is not None, "the Received line as for DATA")
s.cmd("QUIT"); s.close()
check(re.search(r"event=tx .*status=accepted .*chunks=1 ", s.log) is not None, "tx log line says chunks=1")

# Pipelined chunks of mixed sizes in one write, a CRLF split between two chunks, BDAT 0 in
# the middle and BDAT 0 LAST at the end: one reply per BDAT, in order.
before = queue_ids()
s = start()
body = b"Subject: many\r\n\r\n" + b"".join(b"line %d\r\n" % i for i in range(2000))
parts = [body[:17], body[17:18], body[18:5000], b"", body[5000:12345], body[12345:]]
parts[1] = parts[1] + b"x\r"     # a chunk ending in CR ...
parts[2] = b"\n" + parts[2]      # ... and the next starting with its LF
want = b"".join(parts).replace(b"\r\n", b"\n")
s.send(b"".join(bdat(p) for p in parts) + bdat(b"", True))
codes = []
for p in parts:
    c, l = s.reply()
    codes.append(c)
    if c == 250 and l[0] != "250 2.0.0 %d octets received" % len(p):
        diag("reply %r for %d octets" % (l, len(p)))
        codes[-1] = -1
is_(codes, [250] * len(parts), "each chunk answered in order: 250 2.0.0 N octets received")
c, l = s.reply()
is_(c, 250, "BDAT 0 LAST ends the message")
is_(stored(before), want, "the chunks stored whole, CR|LF across chunks is one line end")
s.cmd("QUIT"); s.close()
check("chunks=%d " % (len(parts) + 1) in s.log, "chunks counted in the log")

# BDAT 0 LAST alone: an empty message; an unterminated last line gets its line end.
before = queue_ids()
s = start()
is_(s.cmd(b"BDAT 0 LAST")[0], 250, "BDAT 0 LAST alone: 250")
is_(stored(before), b"", "an empty message: only the Received lines")
before = queue_ids()
s.cmd("MAIL FROM:<a@b.example>"); s.cmd("RCPT TO:<b@test.example>")
s.send(bdat(b"Subject: u\r\n\r\nno newline", True))
is_(s.reply()[0], 250, "a message without a final CRLF: 250")
is_(stored(before), b"Subject: u\n\nno newline\n", "its last line is closed with LF")
s.cmd("QUIT"); s.close()

# Whole transactions pipelined: MAIL, RCPT, BDAT, MAIL, RCPT, BDAT LAST, QUIT in one write.
before = queue_ids()
s = Session()
s.cmd("EHLO client.example")
s.send(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<b@test.example>\r\n" + bdat(b"Subject: p1\r\n\r\nbody\r\n", True)
       + b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@test.example>\r\n" + bdat(b"Subject: p2\r\n") + bdat(b"\r\nbody\r\n", True)
       + b"QUIT\r\n")
is_([s.reply()[0] for i in range(8)], [250, 250, 250, 250, 250, 250, 250, 221], "pipelined transactions: replies in order")
s.close()
is_(len(new_since(before)), 2, "two messages queued")

# Sequence errors: the chunk's bytes are read and thrown away, never taken as commands.
before = queue_ids()
evil = b"MAIL FROM:<evil@b.example>\r\nRCPT TO:<b@test.example>\r\nDATA\r\n"
s = Session()
s.cmd("EHLO client.example")
s.send(bdat(evil))
is_(s.reply()[0], 503, "BDAT without MAIL: 503")
is_(s.code("NOOP"), 250, "its bytes were not run as commands")
s.cmd("MAIL FROM:<a@b.example>")
s.send(bdat(evil, True))
is_(s.reply()[0], 554, "BDAT without a valid RCPT: 554")
is_(s.code("NOOP"), 250, "again nothing run from the chunk")
s.cmd("RCPT TO:<b@test.example>")
s.send(bdat(b"Subject: seq\r\n\r\n"))
is_(s.reply()[0], 250, "first chunk")
is_(s.code("DATA"), 503, "DATA after BDAT in the same transaction: 503")
is_(s.code("RCPT TO:<c@test.example>"), 503, "RCPT after BDAT: 503")
is_(s.code("MAIL FROM:<a@b.example>"), 503, "MAIL after BDAT: 503 (nested)")
s.send(bdat(b"body\r\n", True))
is_(s.reply()[0], 250, "the message still ends with BDAT LAST")
is_(stored(before), b"Subject: seq\n\nbody\n", "and is stored whole")
s.cmd("QUIT"); s.close()

# RSET (and EHLO) after a chunk withdraws the message.
before = queue_ids()
s = start()
s.send(bdat(b"Subject: gone\r\n\r\n"))
is_(s.reply()[0], 250, "a chunk")
is_(s.code("RSET"), 250, "RSET")
is_(s.code("MAIL FROM:<a@b.example>"), 250, "a new transaction after RSET")
s.cmd("RCPT TO:<b@test.example>")
s.send(bdat(b"Subject: gone too\r\n"))
s.reply()
s.cmd("EHLO client.example")
s.cmd("MAIL FROM:<a@b.example>"); s.cmd("RCPT TO:<b@test.example>")
s.send(bdat(b"Subject: kept\r\n\r\nk\r\n", True))
is_(s.reply()[0], 250, "the next message after EHLO")
is_(stored(before), b"Subject: kept\n\nk\n", "only the last message is queued")
s.cmd("QUIT"); s.close()
is_(s.log.count("reason=bdat-abandoned"), 2, "the withdrawn messages are logged")
is_(len([f for f in os.listdir(os.path.join(os.environ["BERTH_HOME"], "queue", "mess"))]) - queue_count(), 0, "no message file left behind")

# A malformed BDAT: the byte count is unknown, so the session ends.
for arg in [b"BDAT", b"BDAT x", b"BDAT -1", b"BDAT 10 LAS", b"BDAT 10  LAST", b"BDAT 99999999999999999999", b"BDAT 5 LAST x"]:
    s = start()
    s.send(arg + b"\r\nQUIT\r\n")
    c, l = s.reply()
    check(c == 501 and s.eof(), "%r: 501 and the session ends" % arg)
    s.close()
    check("end=bdat-syntax" in s.log, "%r: logged" % arg)
s = start()
is_(s.cmd(b"bdat 4 last\r\na\r\nb")[0], 250, "bdat and last are case-insensitive")
s.close()

# Smuggling variants inside chunks: every CR or LF outside CRLF refuses the message (554
# 5.6.0) after its chunk; nothing is queued; pipelined chunks after it are discarded; the
# session goes on.
variants = [b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r", b"\r.\n", b"\r.\r\n", b"\r\n.\r", b"\n.\r", b"a\nb", b"a\rb", b"\r\r\n", b"\n\r\n"]
for v in variants:
    before = queue_count()
    s = start()
    smug = b"Subject: v\r\n\r\nline" + v + b"MAIL FROM:<evil@b.example>\r\nRCPT TO:<b@test.example>\r\nDATA\r\nX\r\n"
    s.send(bdat(smug) + bdat(b"more\r\n") + bdat(b"end\r\n", True))
    c, l = s.reply()
    check(c == 554 and l and "5.6.0" in l[0], "variant %r: 554 5.6.0" % v)
    is_([s.reply()[0], s.reply()[0]], [503, 503], "variant %r: the chunks after it discarded" % v)
    is_(s.code("NOOP"), 250, "variant %r: the session goes on" % v)
    s.cmd("QUIT"); s.close()
    is_(queue_count(), before, "variant %r: nothing queued" % v)
    check("reason=bare-cr-or-lf" in s.log, "variant %r: logged" % v)
before = queue_count()
s = start()
s.send(bdat(b"Subject: v\r\n\r\nends in CR\r", True))
c, l = s.reply()
check(c == 554 and l and "5.6.0" in l[0], "a message ending in a bare CR: 554 5.6.0")
s.close()
is_(queue_count(), before, "nothing queued")
# <CRLF>.<CRLF> inside a chunk is content: one message, stored with the dot line.
before = queue_ids()
s = start()
s.send(bdat(b"Subject: dot\r\n\r\na\r\n.\r\nMAIL FROM:<evil@b.example>\r\n", True))
is_(s.reply()[0], 250, "CRLF.CRLF inside a chunk: accepted as content")
is_(s.code("NOOP"), 250, "nothing after it was run as a command")
s.close()
is_(stored(before), b"Subject: dot\n\na\n.\nMAIL FROM:<evil@b.example>\n", "one message, the dot line kept")

# databytes across chunks: the chunk that goes over is refused, the rest discarded.
control("databytes", "1000\n")
before = queue_count()
s = start()
s.send(bdat(b"Subject: big\r\n\r\n" + b"x" * 500 + b"\r\n") + bdat(b"y" * 500 + b"\r\n") + bdat(b"z\r\n", True))
is_(s.reply()[0], 250, "databytes: the first chunk fits")
c, l = s.reply()
check(c == 552 and l and "5.3.4" in l[0], "databytes: the chunk that goes over: 552 5.3.4")
is_(s.reply()[0], 503, "databytes: BDAT LAST after it: discarded")
s.cmd("QUIT"); s.close()
is_(queue_count(), before, "databytes: nothing queued")
control("databytes", None)

# Line length across chunks, and the hop count.
before = queue_count()
s = start()
s.send(bdat(b"Subject: l\r\n\r\n" + b"a" * 600) + bdat(b"a" * 399 + b"\r\n", True))
is_(s.reply()[0], 250, "line length: first part")
c, l = s.reply()
check(c == 500 and l and "5.5.2" in l[0], "a 1001-byte line split over two chunks: 500 5.5.2")
s.cmd("MAIL FROM:<a@b.example>"); s.cmd("RCPT TO:<b@test.example>")
s.send(bdat(b"".join(b"Received: from h%d\r\n" % i for i in range(101)) + b"\r\nbody\r\n", True))
c, l = s.reply()
check(c == 554 and l and "5.4.6" in l[0], "101 hops: 554 5.4.6")
s.cmd("QUIT"); s.close()
is_(queue_count(), before, "neither queued")

# Memory does not grow with the chunk: 24 MiB in one BDAT.
before = queue_ids()
s = start()
line = b"x" * 998 + b"\r\n"
block = line * 1024
s.send(b"BDAT %d LAST\r\nSubject: huge\r\n\r\n" % (len(block) * 24 + 17))
for i in range(24):
    s.send(block)
hwm = vmhwm(s.proc.pid)
is_(s.reply()[0], 250, "a 24 MiB chunk accepted")
check(0 < hwm < 8192, "peak RSS stays small (%d kB)" % hwm)
s.close()
n = new_since(before)
check(len(n) == 1 and os.path.getsize(os.path.join(os.environ["BERTH_HOME"], "queue", "mess", n[0])) > 24 * 1024 * 999, "stored whole")

# Through a queue program: berth-queue, and one that refuses (exit 31) at BDAT LAST.
before = queue_ids()
s = start({"QMAILQUEUE": os.path.join(TOP, "bin", "berth-queue")})
s.send(bdat(b"Subject: qq\r\n") + bdat(b"\r\nvia berth-queue\r\n", True))
is_([s.reply()[0], s.reply()[0]], [250, 250], "BDAT through $QMAILQUEUE")
s.close()
is_(stored(before), b"Subject: qq\n\nvia berth-queue\n", "stored by berth-queue")
s = start({"QMAILQUEUE": T + "/qq31"})
s.send(bdat(b"Subject: qq\r\n\r\nx\r\n", True))
c, l = s.reply()
check(c == 554 and l and "5.3.0" in l[0], "a queue program's refusal is BDAT LAST's reply")
s.close()
PY
t_done

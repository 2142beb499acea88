#!/bin/sh
# Hostile input against berth-smtpd (on a socketpair, as the instance owner), each with the
# session's peak RSS: 100 MB without a newline (command mode and DATA), 10,000 RCPTs, a
# pipelining flood of 100,000 commands, a flood by a client that never reads, binary garbage.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
t_start 60
t_instance
echo 3 > "$BERTH_HOME/control/timeoutsmtpd"
smtpd_py <<'PY'
import os, random, threading, time
from abuse_lib import Peak
SAN = os.environ.get("BERTH_SAN") == "1"
RSS_KB = 4096   # a session's peak RSS bound (berth-smtpd is static, about 1 MiB)

def rss_ok(kb, what):
    if SAN:
        diag("%s: peak RSS %d kB (not bounded under the sanitizers)" % (what, kb)); return
    check(0 < kb < RSS_KB, "%s: peak RSS %d kB, under %d kB" % (what, kb, RSS_KB))

def start(timeout=20):
    s = Session(timeout=timeout)
    return s, Peak(s.proc.pid)

# 1. 100 MB without a newline in command mode: skipped, then the session ends at 4 MiB.
s, p = start()
chunk, sent, t0 = b"x" * (1 << 20), 0, time.time()
try:
    for i in range(100):
        s.s.sendall(chunk); sent += 1
except OSError:
    pass
code, lines = s.reply()
is_(code, 421, "100 MB without a newline: 421 (%d MiB taken before the server hung up)" % sent)
check(lines and "without a newline" in lines[0], "the 421 says why: %s" % (lines[0] if lines else ""))
check(sent <= 8, "the server stops reading after about 4 MiB (%d MiB sent)" % sent)
check(s.eof(), "then the connection is closed")
s.close()
rss_ok(p.done(), "100 MB without a newline")
check("end=line-flood" in s.log, "logged end=line-flood")

# 2. a 100 MB line in DATA: read to its end, refused, nothing queued, the session goes on.
before = queue_count()
s, p = start(60)
s.cmd("EHLO a.example"); s.cmd("MAIL FROM:<a@example.org>"); s.cmd("RCPT TO:<postmaster@test.example>")
is_(s.code("DATA"), 354, "DATA for the 100 MB line")
s.send(b"Subject: long\r\n\r\n")
for i in range(100):
    s.send(chunk)
s.send(b"\r\n.\r\n")
code, lines = s.reply()
is_(code, 500, "a 100 MB text line: 500 (%s)" % (lines[0] if lines else ""))
is_(queue_count(), before, "nothing queued")
is_(s.code("NOOP"), 250, "the session goes on")
s.cmd("QUIT"); s.close()
rss_ok(p.done(), "100 MB line in DATA")

# 3. 10,000 RCPTs, pipelined: 100 accepted, the rest 452 (temporary: the client sends them
# again in another transaction); the message goes to the 100.
s, p = start(30)
s.cmd("EHLO a.example"); s.cmd("MAIL FROM:<a@example.org>")
# sent by a thread while the replies are read: a client that writes everything before reading
# would stall both sides (berth-smtpd's replies fill the socket) until timeoutsmtpd
w = threading.Thread(target=lambda: s.send(b"".join(b"RCPT TO:<u%d@test.example>\r\n" % i for i in range(10000))))
w.start()
codes = [s.reply()[0] for i in range(10000)]
w.join()
is_(codes.count(250), 100, "10,000 RCPTs: the first 100 accepted")
is_(codes.count(452), 9900, "the other 9,900 get 452 4.5.3")
is_(s.code("DATA"), 354, "DATA after 10,000 RCPTs")
before = queue_ids()
s.send(b"Subject: many\r\n\r\nmany\r\n.\r\n")
is_(s.reply()[0], 250, "the message is accepted")
new = [q for q in queue_ids() if q not in before]
if check(len(new) == 1, "queued once"):
    is_(envelope(new[0]).count(b"\0T"), 100, "its envelope holds 100 recipients")
s.cmd("QUIT"); s.close()
rss_ok(p.done(), "10,000 RCPTs")

# 4. a pipelining flood: 100,000 commands in one stream, replies read as they come.
s, p = start(30)
s.cmd("EHLO a.example")
n, t0 = 100000, time.time()
w = threading.Thread(target=lambda: s.send(b"NOOP\r\n" * n)); w.start()
got = 0
for i in range(n):
    if s.reply()[0] != 250: break
    got += 1
w.join()
is_(got, n, "100,000 pipelined NOOPs: 100,000 replies 250 (%.1f s)" % (time.time() - t0))
is_(s.code("QUIT"), 221, "QUIT after the flood")
s.close()
rss_ok(p.done(), "pipelining flood")

# 5. a flood from a client that never reads: the replies fill the socket, berth-smtpd's write
# waits timeoutsmtpd (3 s) and the session ends.
s, p = start(30)
s.s.settimeout(20)
t0 = time.time()
try:
    for i in range(2000):
        s.s.sendall(b"NOOP\r\n" * 10000)   # 120 MB offered in all
except OSError:
    pass
s.close()
took = time.time() - t0
check(took < 15, "never-reading client: the session ends by itself (%.1f s)" % took)
check("end=write-timeout" in s.log, "logged end=write-timeout")
rss_ok(p.done(), "never-reading client")

# 6. binary garbage: 1 MB of random bytes ends with 421 after 20 errors, nothing queued.
before = queue_count()
s, p = start()
random.seed(9)
garbage = bytes(random.getrandbits(8) for i in range(1 << 20))
s.send(garbage)
last = None
while True:
    code, lines = s.reply()
    if code is None: break
    last = (code, lines)
check(last is not None and last[0] == 421, "1 MB of random bytes: the session ends with 421 (%s)" % (last[1][0] if last else None))
s.close()
is_(queue_count(), before, "nothing queued from garbage")
rss_ok(p.done(), "binary garbage")
PY
t_done

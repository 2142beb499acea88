#!/bin/sh
# Slow and silent clients through tcpserver (timeoutsmtpd 2 s, timeoutsmtpdsession 6 s, 20
# session slots): one-byte-per-second senders (in commands and in DATA) are cut by the session
# limit, silent ones by the read timeout, and meanwhile normal clients are served at once; when
# slow clients hold every slot, newcomers get 421 4.3.2 and are served again once the limit
# has cut the slow ones.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 60
t_instance
echo 2 > "$BERTH_HOME/control/timeoutsmtpd"
echo 6 > "$BERTH_HOME/control/timeoutsmtpdsession"
mkdir "$T_DIR/slots" && chown "$TESTUSER" "$T_DIR/slots"
SMTPDSLOTS=20 SMTPDSLOTDIR=$T_DIR/slots; export SMTPDSLOTS SMTPDSLOTDIR
smtpd_listen -c 40 -b 1024 -HRl0
smtpd_py <<'PY'
import asyncio, os, time
PORT = int(os.environ["port"])

async def reply(r, timeout=15):
    lines = []
    while True:
        l = await asyncio.wait_for(r.readline(), timeout)
        if not l:
            return None, lines
        lines.append(l.decode("utf-8", "replace").rstrip())
        if l[3:4] != b"-":
            return int(l[:3]), lines

async def slow(in_data):
    """One byte a second until the server hangs up (at most 20 s): (seconds, last reply)."""
    r, w = await asyncio.open_connection("127.0.0.1", PORT)
    t0 = time.time()
    await reply(r)
    if in_data:
        for c in (b"HELO s.example", b"MAIL FROM:<s@example.org>", b"RCPT TO:<postmaster@test.example>", b"DATA"):
            w.write(c + b"\r\n"); await reply(r)
    text = b"Subject: slow\r\n\r\n" + b"x" * 40 if in_data else b"EHLO " + b"s" * 40
    last = None
    for b in text:
        try:
            w.write(bytes([b])); await w.drain()
        except OSError:
            break
        try:
            code, lines = await reply(r, 1.0)
            last = lines[0] if lines else None
            break
        except asyncio.TimeoutError:
            pass
    w.close()
    return time.time() - t0, last

async def silent():
    r, w = await asyncio.open_connection("127.0.0.1", PORT)
    t0 = time.time()
    await reply(r)
    code, lines = await reply(r)
    w.close()
    return time.time() - t0, lines[0] if lines else None

async def normal(i):
    """A whole transaction: (seconds, greeting code, final code)."""
    t0 = time.time()
    r, w = await asyncio.open_connection("127.0.0.1", PORT)
    g, _ = await reply(r)
    if g != 220:
        w.close(); return time.time() - t0, g, None
    for c in (b"EHLO n.example", b"MAIL FROM:<n%d@example.org>" % i, b"RCPT TO:<postmaster@test.example>", b"DATA"):
        w.write(c + b"\r\n"); await reply(r)
    w.write(b"Subject: normal %d\r\n\r\nhi\r\n.\r\n" % i)
    code, _ = await reply(r)
    w.write(b"QUIT\r\n"); await reply(r); w.close()
    return time.time() - t0, g, code

async def normals(rounds, each, gap):
    out = []
    for k in range(rounds):
        out += await asyncio.gather(*(normal(k * each + j) for j in range(each)))
        await asyncio.sleep(gap)
    return out

async def phase1():
    slows = [slow(i % 4 == 0) for i in range(8)] + [silent() for i in range(3)]
    t = asyncio.gather(*slows)
    await asyncio.sleep(0.5)
    n = await normals(8, 5, 0.5)
    return await t, n

res, n = asyncio.run(phase1())
cut = [x for x in res[:8]]
diag("slow senders cut after: %s" % ", ".join("%.1f s" % t for t, l in cut))
check(all(5 <= t <= 9 and l and l.startswith("421 4.4.2 session time limit") for t, l in cut),
      "8 one-byte-per-second senders (2 in DATA) cut by the 6 s session limit with 421 4.4.2")
check(all(1.5 <= t <= 4 and l and l.startswith("421 4.4.2 timeout") for t, l in res[8:]),
      "3 silent clients cut by the 2 s read timeout with 421 4.4.2 (%s)" % ", ".join("%.1f s" % t for t, l in res[8:]))
is_(sum(1 for t, g, c in n if g == 220 and c == 250), 40, "meanwhile 40 normal transactions all accepted")
worst = max(t for t, g, c in n)
check(worst < 2, "none of them waited: the slowest took %.2f s" % worst)

async def phase2():
    hogs = asyncio.gather(*(slow(False) for i in range(20)))
    await asyncio.sleep(1.5)
    first = await normal(1000)
    t0 = time.time()
    while True:   # retry each 0.5 s, as a client would after 421 (bounded: 15 s)
        later = await normal(1001)
        if later[1] == 220 or time.time() - t0 > 15: break
        await asyncio.sleep(0.5)
    return await hogs, first, later, time.time() - t0

hogs, first, later, waited = asyncio.run(phase2())
is_(first[1], 421, "20 slow senders hold every slot: a newcomer gets 421 at once (%.2f s)" % first[0])
check(later[1] == 220 and later[2] == 250, "once the session limit cut them, a newcomer is served (after %.1f s)" % waited)
check(all(l and l.startswith("421 4.4.2 session time limit") for t, l in hogs), "the 20 were cut by the session limit")
PY
t_done

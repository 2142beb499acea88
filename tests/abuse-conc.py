# 500 SMTP sessions at once against berth-setup's smtpd service (tests/abuse-conc.t).
# argv: port maxconn. Prints "key value" lines: counts, timings, peak RSS of berth-smtpd.
import asyncio, os, sys, threading, time

PORT, MAXCONN = int(sys.argv[1]), int(sys.argv[2])
N, HOLD, CLIENT_TIMEOUT = 500, 2.0, 45.0
res = {"refused": 0, "completed": 0, "other": 0, "connect_failed": 0, "held": 0, "peak_held": 0, "after": 0}
others = []
stop = threading.Event()
peak = {"hwm_kb": 0, "procs": 0, "samples": 0}

def sample():
    # berth-smtpd processes: the peak of VmHWM (their own peak RSS) and of how many tcpserver runs
    # at once (a berth-smtpd's child between its fork and its exec of berth-queue is not counted)
    while not stop.is_set():
        procs = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/status" % pid) as f:
                    st = f.read()
            except OSError:
                continue
            fields = dict(l.split(":\t", 1) for l in st.splitlines() if ":\t" in l)
            procs[pid] = (fields.get("Name"), fields.get("PPid", "").strip(), fields.get("VmHWM", ""))
        n = 0
        for pid, (name, ppid, hwm) in procs.items():
            if name != "berth-smtpd":
                continue
            if hwm:
                peak["hwm_kb"] = max(peak["hwm_kb"], int(hwm.split()[0]))
            if procs.get(ppid, (None,))[0] != "berth-smtpd":
                n += 1
        peak["procs"] = max(peak["procs"], n)
        peak["samples"] += 1
        time.sleep(0.02)

async def reply(r):
    lines = []
    while True:
        l = await r.readline()
        if not l:
            raise EOFError("eof after %r" % lines)
        lines.append(l)
        if l[3:4] != b"-":
            return int(l[:3]), lines

async def client(i):
    try:
        r, w = await asyncio.open_connection("127.0.0.1", PORT)
    except OSError as e:
        res["connect_failed"] += 1; others.append("connect %d: %s" % (i, e)); return
    try:
        code, lines = await reply(r)
        if code == 421:
            res["refused"] += 1
            if not lines[0].startswith(b"421 4.3.2 "): others.append("421 text: %r" % lines[0])
            return
        if code != 220:
            raise ValueError("greeting %r" % lines)
        res["held"] += 1; res["peak_held"] = max(res["peak_held"], res["held"])
        await asyncio.sleep(HOLD)   # keep the slot busy: later clients find every slot taken
        for cmd, want in ((b"EHLO c%d.example" % i, 250), (b"MAIL FROM:<a%d@example.org>" % i, 250),
                          (b"RCPT TO:<postmaster@test.example>", 250), (b"DATA", 354)):
            w.write(cmd + b"\r\n")
            code, lines = await reply(r)
            if code != want:
                raise ValueError("%r -> %r" % (cmd, lines))
        w.write(b"Subject: conc %d\r\n\r\nsession %d\r\n.\r\n" % (i, i))
        code, lines = await reply(r)
        if code != 250:
            raise ValueError("end of data -> %r" % lines)
        w.write(b"QUIT\r\n")
        code, lines = await reply(r)
        res["completed"] += 1
        res["held"] -= 1
    except Exception as e:
        res["other"] += 1; others.append("client %d: %r" % (i, e))
    finally:
        w.close()

async def greet():
    r, w = await asyncio.open_connection("127.0.0.1", PORT)
    code, lines = await reply(r)
    w.write(b"QUIT\r\n"); await reply(r); w.close()
    return code

async def main():
    t0 = time.time()
    await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(N))), CLIENT_TIMEOUT)
    elapsed = time.time() - t0
    await asyncio.sleep(0.5)   # the last sessions' processes exit, their slots unlock
    codes = await asyncio.wait_for(asyncio.gather(*(greet() for i in range(MAXCONN))), 10)
    res["after"] = codes.count(220)
    return elapsed

th = threading.Thread(target=sample, daemon=True); th.start()
try:
    elapsed = asyncio.run(main())
except asyncio.TimeoutError:
    elapsed = -1
stop.set(); th.join()
for k, v in res.items(): print(k, v)
print("elapsed %.1f" % elapsed)
print("peak_hwm_kb", peak["hwm_kb"]); print("peak_procs", peak["procs"]); print("samples", peak["samples"])
for o in others[:10]: print("D", o)

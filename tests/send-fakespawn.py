#!/usr/bin/python3
# A fake spawner for berth-send's tests, speaking the spawn protocol (doc/berth-start.md).
# argv[1] = channel name (local|remote). Environment:
#   FAKE_DIR     where it logs: <chan>.jobs, tries, deliveries, <chan>.max, <chan>.uid, box/<rcpt>
#   FAKE_ZFIRST  answer Z for the first N tries of each recipient (0)
#   FAKE_Z_RE    recipients matching this regex always get Z;  FAKE_D_RE: always D
#   FAKE_SLEEP   seconds each job takes (0); FAKE_SLEEP_local, FAKE_SLEEP_remote per channel
#   FAKE_EARLY   1: deliver when the job arrives, answer after FAKE_SLEEP (a wide window for
#                "delivered but not yet recorded", as after a remote 250)
import os, re, select, sys, time

chan = sys.argv[1]
d = os.environ["FAKE_DIR"]
zfirst = int(os.environ.get("FAKE_ZFIRST", "0"))
zre = os.environ.get("FAKE_Z_RE")
dre = os.environ.get("FAKE_D_RE")
delay = float(os.environ.get("FAKE_SLEEP_" + chan, os.environ.get("FAKE_SLEEP", "0")))
early = os.environ.get("FAKE_EARLY") == "1"
tries = {}
running = []          # (due, slot, [(id, sender, rcpt)])
maxrun = 0
buf = b""
eof = False
os.makedirs(os.path.join(d, "box"), exist_ok=True)
with open(os.path.join(d, chan + ".uid"), "w") as f:
    f.write("%d\n" % os.getuid())

def append(name, line):
    fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, line.encode())
    os.close(fd)

def parse():
    global buf
    jobs = []
    while buf:
        slot = buf[0]
        fields, pos = [], 1
        while True:
            e = buf.find(b"\0", pos)
            if e < 0:
                return jobs
            f = buf[pos:e]
            pos = e + 1
            if not f and len(fields) % 3 == 0:
                break
            fields.append(f.decode("utf-8", "replace"))
        buf = buf[pos:]
        jobs.append((slot, [tuple(fields[i:i+3]) for i in range(0, len(fields), 3)]))
    return jobs

def answer(slot, rcpts):
    os.write(1, deliver(slot, rcpts))

def deliver(slot, rcpts):
    out = bytes([slot])
    for (mid, sender, rcpt) in rcpts:
        n = tries.get(rcpt, 0) + 1
        tries[rcpt] = n
        if dre and re.search(dre, rcpt):
            code, text = "D", "fake permanent failure for " + rcpt
        elif (zre and re.search(zre, rcpt)) or n <= zfirst:
            code, text = "Z", "fake deferral %d for %s" % (n, rcpt)
        else:
            try:
                with open(os.path.join("queue/mess", mid), "rb") as f:
                    data = f.read()
                safe = rcpt.replace("/", "_")
                fd = os.open(os.path.join(d, "box", safe), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                os.write(fd, data + b"\n--\n")
                os.close(fd)
                append("deliveries", "%s %s\n" % (mid, rcpt))
                code, text = "K", "fake delivered to " + rcpt
            except OSError as e:
                code, text = "Z", "fake cannot read message: %s" % e.strerror
        append("tries", "%.3f %s %s %s %s\n" % (time.time(), chan, mid, rcpt, code))
        out += (code + text).encode() + b"\0"
    return out

while not eof or running:
    now = time.time()
    timeout = None
    if running:
        timeout = max(0, min(r[0] for r in running) - now)
    if not eof:
        r, _, _ = select.select([0], [], [], timeout)
        if r:
            data = os.read(0, 65536)
            if not data:
                eof = True
            buf += data
            for (slot, rcpts) in parse():
                append(chan + ".jobs", "%.3f slot=%d id=%s rcpts=%s\n" % (time.time(), slot, rcpts[0][0], ",".join(x[2] for x in rcpts)))
                running.append((time.time() + delay, slot, deliver(slot, rcpts) if early else rcpts))
                if len(running) > maxrun:
                    maxrun = len(running)
                    with open(os.path.join(d, chan + ".max"), "w") as f:
                        f.write("%d\n" % maxrun)
    elif timeout:
        time.sleep(timeout)
    now = time.time()
    for job in [j for j in running if j[0] <= now]:
        running.remove(job)
        if early:
            os.write(1, job[2])
        else:
            answer(job[1], job[2])

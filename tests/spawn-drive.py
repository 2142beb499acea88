#!/usr/bin/python3
# Drives a spawner (berth-rspawn, berth-lspawn: the same job and result framing) one job at a
# time, for tests/remote-reuse.t and tests/local-kept.t: each job is written only after the
# result before it came back, as berth-send does when it has one job at a time.
#   spawn-drive.py STEP... -- COMMAND...
# Steps: J:SLOT:ID:SENDER:RCPT,RCPT  a job; prints "SLOT: rec | rec" once its result is in
#        S:SECONDS                   sleep
#        KILL                        SIGKILL every child of the spawner, wait until they are gone
#        STOP                        SIGSTOP every child of the spawner (as their user could)
#        KIDS                        prints "kids N": the spawner's children now
#        TIME                        prints "time T": seconds since the start, one decimal
# Then closes the spawner's stdin and prints "exit RC after SECONDS". Every wait is bounded.
# A record's facts (after \037) are not printed; with SPAWN_DRIVE_FACTS=FILE they go to FILE.
import os, signal, subprocess, sys, time

LIMIT = 20.0
FACTS = os.environ.get("SPAWN_DRIVE_FACTS")   # a file: each record's facts, "SLOT: facts" a line
i = sys.argv.index("--")
steps, cmd = sys.argv[1:i], sys.argv[i + 1:]
t0 = time.time()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
# the spawner's process: the command may be s6-setuidgid, which execs into it (same pid)

def kids():
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            if int(st[st.rindex(")") + 2:].split()[1]) == p.pid:
                out.append(int(d))
    return out

def result(n):
    recs = []
    slot = p.stdout.read(1)
    if not slot:
        sys.exit("spawn-drive: the spawner closed its output")
    for _ in range(n):
        r = b""
        while not r.endswith(b"\0"):
            c = p.stdout.read(1)
            if not c:
                sys.exit("spawn-drive: a short result")
            r += c
        text, _, facts = r[:-1].partition(b"\x1f")   # the spawn protocol's facts follow \037
        recs.append(text.decode("utf-8", "replace"))
        if FACTS:
            with open(FACTS, "a") as f:
                f.write("%d: %s\n" % (slot[0], facts.decode("utf-8", "replace")))
    return "%d: %s" % (slot[0], " | ".join(recs))

signal.signal(signal.SIGALRM, lambda *_: sys.exit("spawn-drive: timed out"))
for s in steps:
    kind, _, rest = s.partition(":")
    if kind == "J":
        slot, mid, sender, rcpts = rest.split(":")
        job = bytes([int(slot)])
        for r in rcpts.split(","):
            job += mid.encode() + b"\0" + sender.encode() + b"\0" + r.encode() + b"\0"
        p.stdin.write(job + b"\0")
        p.stdin.flush()
        signal.alarm(int(LIMIT))
        print(result(len(rcpts.split(","))), flush=True)
        signal.alarm(0)
    elif kind == "S":
        time.sleep(float(rest))
    elif kind == "KILL":
        for k in kids():
            os.kill(k, signal.SIGKILL)
        end = time.time() + LIMIT
        while kids() and time.time() < end:
            time.sleep(0.05)
    elif kind == "STOP":
        for k in kids():
            os.kill(k, signal.SIGSTOP)
    elif kind == "TIME":
        print("time %.1f" % (time.time() - t0), flush=True)
    elif kind == "KIDS":
        print("kids %d" % len(kids()), flush=True)
t = time.time()
p.stdin.close()
try:
    rc = p.wait(LIMIT)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "timeout"
print("exit %s after %.1f" % (rc, time.time() - t), flush=True)

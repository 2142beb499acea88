#!/usr/bin/env python3
"""berth-queue under load, crashes and large input. TAP on stdout.
usage: queue-load.py HOME USER  (BERTH_HOME is HOME; berth-queue on PATH)"""
import os, random, signal, subprocess, sys, tempfile, threading, time

home, user = sys.argv[1], sys.argv[2]
runas = user if os.getuid() == 0 else None
tmp = tempfile.mkdtemp(dir=os.path.dirname(home))
os.chmod(tmp, 0o755)
n_tests, n_failed = 0, 0

def ok(cond, desc):
    global n_tests, n_failed
    n_tests += 1
    if not cond:
        n_failed += 1
    print(("ok" if cond else "not ok"), n_tests, "-", desc, flush=True)

def diag(s):
    print("#", s, flush=True)

def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)

def envelope(i, tag):
    return b"Fs%d@%s.example\0Tr%d@%s.example\0\0" % (i, tag, i, tag)

def start(msgpath, envpath):
    msg, env = open(msgpath, "rb"), open(envpath, "rb")
    p = subprocess.Popen(["berth-queue"], stdin=msg, stdout=env, user=runas)
    msg.close(); env.close()
    return p

def env_of(data):
    """the envelope records of a todo/ file: its own file, or the message file's header"""
    if data[:8] == b"\0BERTHQ1":
        data = data[8:1024]
    return data[:data.find(b"\0\0") + 1]

def body_of(data):
    """a mess/ file without berth's queue header"""
    return data[1024:] if data[:8] == b"\0BERTHQ1" else data

def queued():
    """{recipient: (sender, message bytes)} for everything committed in todo/."""
    out = {}
    for qid in os.listdir(os.path.join(home, "queue/todo")):
        with open(os.path.join(home, "queue/todo", qid), "rb") as f:
            recs = env_of(f.read()).split(b"\0")
        sender = [r[1:] for r in recs if r.startswith(b"F")][0]
        rcpts = [r[1:] for r in recs if r.startswith(b"T")]
        with open(os.path.join(home, "queue/mess", qid), "rb") as f:
            body = body_of(f.read())
        for r in rcpts:
            out[r] = (qid, sender, body)
    return out

def whole(body, expected):
    first, _, rest = body.partition(b"\n")
    return first.startswith(b"Received: (berth ") and rest == expected

# 1. 1000 messages from 8 concurrent injectors.
msgs = {}
for i in range(1000):
    body = b"Subject: m%d\n\n" % i + os.urandom(random.randint(0, 3000)).replace(b"\0", b"\1") + b"\nend %d\n" % i
    msgs[i] = body
    write(os.path.join(tmp, "m%d" % i), body)
    write(os.path.join(tmp, "e%d" % i), envelope(i, b"load"))
codes = {}
def worker(k):
    for i in range(k, 1000, 8):
        p = start(os.path.join(tmp, "m%d" % i), os.path.join(tmp, "e%d" % i))
        codes[i] = p.wait()
t0 = time.time()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join(120)
elapsed = time.time() - t0
ok(sum(1 for c in codes.values() if c == 0) == 1000, "1000 injections by 8 processes all exit 0")
q = queued()
ids = {v[0] for v in q.values()}
ok(len(ids) == 1000, "1000 distinct committed messages (%d)" % len(ids))
bad = [i for i in range(1000) if b"r%d@load.example" % i not in q or not whole(q[b"r%d@load.example" % i][2], msgs[i])]
ok(not bad, "every message byte-identical to its input plus the Received line (%d bad)" % len(bad))
diag("1000 injections in %.2f s (%.0f/s with 8 injectors)" % (elapsed, 1000 / elapsed))

# 2. SIGKILL at random moments during 200 injections.
big = {}
for i in range(200):
    body = b"Subject: crash %d\n\n" % i + (b"x" * 199 + b"\n") * random.randint(100, 1500) + b"end %d\n" % i
    big[i] = body
    write(os.path.join(tmp, "c%d" % i), body)
    write(os.path.join(tmp, "ce%d" % i), envelope(i, b"crash"))
seed = int(os.environ.get("BERTH_SEED", time.time()))
random.seed(seed)
# Calibrate: kill at a uniform moment within 1.2 times a whole injection's duration.
write(os.path.join(tmp, "cal-e"), envelope(0, b"calibrate"))
durations = []
for i in range(5):
    p = start(os.path.join(tmp, "c%d" % i), os.path.join(tmp, "cal-e"))
    t = time.time()   # Popen returns once the exec is done: time berth-queue's own run
    p.wait()
    durations.append(time.time() - t)
span = 1.2 * sorted(durations)[2]
diag("seed %d; one injection takes %.1f ms; kills land within %.1f ms" % (seed, 1000 * span / 1.2, 1000 * span))
rc = {}
for i in range(200):
    p = start(os.path.join(tmp, "c%d" % i), os.path.join(tmp, "ce%d" % i))
    time.sleep(random.uniform(0, span))
    p.send_signal(signal.SIGKILL)
    rc[i] = p.wait()
q = queued()
present = {i for i in range(200) if b"r%d@crash.example" % i in q}
exited0 = {i for i in range(200) if rc[i] == 0}
killed = {i for i in range(200) if rc[i] != 0}
ok(exited0 <= present, "every injection that exited 0 is committed (%d exited 0)" % len(exited0))
ok(all(whole(q[b"r%d@crash.example" % i][2], big[i]) for i in present), "every committed message is whole")
late = killed & present
diag("%d killed before exit 0; %d of them after the commit (rename) had happened" % (len(killed), len(late)))
ok(len(killed) >= 40, "the kills really landed during injection (%d)" % len(killed))
# Nothing partial is deliverable: every todo entry has its whole message (checked above) and
# no todo entry lacks a mess file.
todo = set(os.listdir(os.path.join(home, "queue/todo")))
mess = set(os.listdir(os.path.join(home, "queue/mess")))
ok(todo <= mess, "no committed envelope without its message")
diag("leftovers for the 36-hour sweep: %d in mess without todo, %d in intd"
     % (len(mess - todo), len(os.listdir(os.path.join(home, "queue/intd")))))

# 3. A 50 MiB message is streamed: peak RSS stays small.
bigpath = os.path.join(tmp, "huge")
with open(bigpath, "wb") as f:
    line = b"y" * 1023 + b"\n"
    f.write(b"Subject: huge\n\n")
    for _ in range(50 * 1024):
        f.write(line)
os.chmod(bigpath, 0o644)
write(os.path.join(tmp, "he"), envelope(0, b"huge"))
p = start(bigpath, os.path.join(tmp, "he"))
rss, deadline = 0, time.time() + 120
while p.poll() is None and time.time() < deadline:
    # VmHWM of berth-queue's own address space (after exec), sampled until it exits.
    try:
        with open("/proc/%d/status" % p.pid) as f:
            for l in f:
                if l.startswith("VmHWM:") and "berth-queue" in open("/proc/%d/comm" % p.pid).read():
                    rss = max(rss, int(l.split()[1]))
    except OSError:
        pass
    time.sleep(0.005)
code = p.wait()
ok(code == 0, "50 MiB message queued")
q = queued()
stored = q[b"r0@huge.example"][2]
ok(len(stored) == os.path.getsize(bigpath) + len(stored.partition(b"\n")[0]) + 1,
   "50 MiB message stored whole")
diag("peak RSS of berth-queue on a 50 MiB message: %d KiB" % rss)
if os.environ.get("BERTH_SAN") == "1":
    n_tests += 1
    print("ok %d # SKIP RSS bound not meaningful under AddressSanitizer (%d KiB)" % (n_tests, rss))
else:
  ok(0 < rss < 4096, "peak RSS under 4 MiB while streaming 50 MiB (%d KiB)" % rss)

print("1..%d" % n_tests)
print("# %d passed, %d failed" % (n_tests - n_failed, n_failed))
sys.exit(1 if n_failed else 0)

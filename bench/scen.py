# bench/scen.py: the scenarios. Each takes a started MTA (bench/mta.py) and returns a dict of
# measurements; every wait is bounded by LIMIT seconds. The MTA's Maildir is emptied first.
import os, re, smtplib, statistics, subprocess, threading, time
from mta import FROM, count_files, proc_status, proc_cpu, free_port, wait_port

LIMIT = 300.0
OUTSIDE = False   # bench/run --outside: delivered files are deleted, as the outside method did
SOURCE = "/usr/sbin/smtp-source"


def clear_maildir(m):
    """Empties the Maildir by moving its files aside (next to the Maildir, removed with the whole
    temporary directory at the end): deleting them here would free thousands of inodes, and on
    ext4 without a journal every file created in the next minutes, by either MTA, scans past
    recently freed inodes (doc/performance.md), a cost of the bench's cleanup, not of the MTA."""
    maildir = os.path.dirname(m.maildir)
    if OUTSIDE:
        for d in (m.maildir, os.path.join(maildir, "cur")):
            for f in os.listdir(d) if os.path.isdir(d) else []:
                os.unlink(os.path.join(d, f))
        return
    aside = os.path.join(os.path.dirname(maildir), "delivered")
    os.makedirs(aside, exist_ok=True)
    for d in (m.maildir, os.path.join(maildir, "cur")):
        for f in os.listdir(d) if os.path.isdir(d) else []:
            os.rename(os.path.join(d, f), os.path.join(aside, "%s.%s" % (os.path.basename(d), f)))


def wait_empty(m, limit=120.0):
    end = time.time() + limit
    while m.queued() and time.time() < end:
        time.sleep(0.05)
    if m.queued():
        raise RuntimeError("%s: %d messages still queued" % (m.name, m.queued()))


def source(m, n, rcpt, size=2048, conc=10):
    return subprocess.Popen([SOURCE, "-s", str(conc), "-m", str(n), "-l", str(size), "-f", FROM, "-t", rcpt,
                             "-M", "client.example", "127.0.0.1:%d" % m.port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def check_source(p, what):
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode:
        raise RuntimeError("smtp-source (%s) failed: %s" % (what, err.strip()[:300]))


def accept_local(m, n):
    """Scenarios 1 and 2: n messages of 2 KiB at concurrency 10, delivery running."""
    clear_maildir(m)
    t0 = time.time()
    p = source(m, n, m.rcpt)
    t_acc = t_first = t_all = None
    end = t0 + LIMIT
    while time.time() < end:
        now = time.time()
        if t_acc is None and p.poll() is not None:
            t_acc = now - t0
            if p.returncode:
                check_source(p, "accept")
        c = count_files(m.maildir)
        if t_first is None and c:
            t_first = now - t0
        if c >= n:
            t_all = now - t0
            break
        time.sleep(0.005 if t_first is None else 0.02)
    if t_acc is None:
        p.wait(max(1, end - time.time()))
        t_acc = time.time() - t0
    check_source(p, "accept")
    if t_all is None:
        raise RuntimeError("%s: only %d of %d delivered" % (m.name, count_files(m.maildir), n))
    return {"accept": n / t_acc, "local": n / t_all, "first": t_first * 1000}


def sink_count(path):
    with open(path, "rb") as f:
        found = re.findall(rb"mesg=(\d+)", f.read()[-200:])
    return int(found[-1]) if found else 0


def relay(m, n, sink_out):
    """Scenario 3: n messages to rcpt@sink.test, relayed to smtp-sink; until the queue is empty."""
    base = sink_count(sink_out)
    t0 = time.time()
    p = source(m, n, "user@sink.test")
    end = t0 + LIMIT
    while time.time() < end and (p.poll() is None or m.queued() or sink_count(sink_out) < base + n):
        if p.returncode:
            check_source(p, "relay")
        time.sleep(0.02)
    t = time.time() - t0
    check_source(p, "relay")
    got = sink_count(sink_out) - base
    if got < n:
        raise RuntimeError("%s: the sink got %d of %d" % (m.name, got, n))
    return {"relay": n / t}


def inject_smtp(m, rcpts, threads=10):
    """One 2 KiB message per address of rcpts, over `threads` SMTP sessions at once (many
    transactions each): smtp-source sends to one address only."""
    body = ("From: " + FROM + "\r\nSubject: polite\r\n\r\n" + ("x" * 76 + "\r\n") * 26).encode()
    errs = []

    def run(part):
        try:
            s = smtplib.SMTP("127.0.0.1", m.port, timeout=60)
            s.ehlo("client.example")
            for r in part:
                s.sendmail(FROM, [r], body)
            s.quit()
        except Exception as e:  # reported below
            errs.append(str(e))
    ts = [threading.Thread(target=run, args=(rcpts[i::threads],)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errs:
        raise RuntimeError("%s: injection failed: %s" % (m.name, errs[0][:300]))


def polite(m, n, ndom, sink_out):
    """Scenario 9: n messages queued while delivery is held, to ndom domains (d0.sink.test, ...,
    round robin, all routed to smtp-sink), then released: the relay rate under each MTA's
    per-destination limits (both: 20 per destination, 20 remote deliveries at once, no rate
    delay), from the scheduler's start until the sink has them all."""
    m.hold()
    inject_smtp(m, ["u%d@d%d.sink.test" % (i, i % ndom) for i in range(n)])
    base = sink_count(sink_out)
    m.release()   # as in scenario 6, the clock starts when the scheduler exists
    t0 = time.time()
    end = t0 + LIMIT
    while time.time() < end and (m.queued() or sink_count(sink_out) < base + n):
        time.sleep(0.02)
    t = time.time() - t0
    got = sink_count(sink_out) - base
    if got < n:
        raise RuntimeError("%s: polite relay: the sink got %d of %d" % (m.name, got, n))
    return {"polite%d" % ndom: n / t}


def latency(m, n):
    """Scenario 4: one message at a time, from connect to the file in Maildir/new."""
    clear_maildir(m)
    body = "From: " + FROM + "\r\nSubject: latency\r\n\r\n" + "x" * 70 + "\r\n"
    out = []
    for i in range(n):
        t0 = time.time()
        s = smtplib.SMTP("127.0.0.1", m.port, timeout=30)
        s.sendmail(FROM, [m.rcpt], body)
        s.quit()
        end = t0 + 30
        while count_files(m.maildir) <= i and time.time() < end:
            time.sleep(0.0005)
        if count_files(m.maildir) <= i:
            raise RuntimeError("%s: latency message %d not delivered in 30 s" % (m.name, i))
        out.append((time.time() - t0) * 1000)
    out.sort()
    return {"lat50": statistics.median(out), "lat99": out[min(len(out) - 1, int(len(out) * 0.99))]}


def fanout(m, n):
    """Scenario 5: one message (sendmail) to n local recipients; until n files are in the Maildir."""
    clear_maildir(m)
    rcpts = [m.ext % i for i in range(n)]
    t0 = time.time()
    m.sendmail(rcpts, b"Subject: fan-out\n\nto many\n")
    end = t0 + LIMIT
    while count_files(m.maildir) < n and time.time() < end:
        time.sleep(0.01)
    t = time.time() - t0
    if count_files(m.maildir) < n:
        raise RuntimeError("%s: fan-out: %d of %d delivered" % (m.name, count_files(m.maildir), n))
    return {"fanout": n / t}


def drain(m, n):
    """Scenario 6: n messages injected while delivery is held (the accept rate without delivery);
    release; time to drain, and the scheduler's peak RSS (VmHWM, kB) and CPU seconds. Leaves
    delivery running."""
    clear_maildir(m)
    m.hold()
    t = time.time()
    p = source(m, n, m.rcpt)
    p.wait(LIMIT)
    check_source(p, "inject")
    inject = n / (time.time() - t)
    m.release()   # berth: berth-start is forked; Postfix: after a SIGHUP, its master started qmgr
    t0 = time.time()
    pid, end = 0, t0 + LIMIT
    hwm = cpu = 0
    first = None
    while count_files(m.maildir) < n and time.time() < end:
        if first is None and count_files(m.maildir):
            first = time.time() - t0
        pid = pid or m.scheduler_pid()
        if pid:
            hwm, cpu = max(hwm, proc_status(pid, "VmHWM")), max(cpu, proc_cpu(pid))
        time.sleep(0.02)
    t = time.time() - t0
    if pid:
        hwm, cpu = max(hwm, proc_status(pid, "VmHWM")), max(cpu, proc_cpu(pid))
    if count_files(m.maildir) < n:
        raise RuntimeError("%s: drain: %d of %d delivered" % (m.name, count_files(m.maildir), n))
    return {"drain": n / t, "hwm": hwm, "cpu": cpu, "inject": inject, "first": (t if first is None else first) * 1000}


def session_rss(m, size):
    """Peak RSS (kB) of one SMTP session: its largest process. berth: berth-smtpd runs under GNU
    time (`%M`: the larger of berth-smtpd and the berth-queue it waited for). Postfix: the largest
    VmHWM of its smtpd, cleanup and trivial-rewrite processes, sampled every millisecond while the
    session runs (Postfix is restarted first, so that its reused processes start fresh)."""
    peaks, stop = {}, threading.Event()
    port = m.rss_port()
    log = getattr(m, "home", "") + "/rss.log"
    before = open(log).read().split() if m.kind == "berth" else []

    def sample():
        while not stop.is_set():
            for pid, comm in m.session_pids():
                peaks[comm] = max(peaks.get(comm, 0), proc_status(pid, "VmHWM"))
            time.sleep(0.001)
    th = threading.Thread(target=sample)
    if m.kind != "berth":
        th.start()
    try:
        line = b"y" * 78 + b"\r\n"
        body = b"From: " + FROM.encode() + b"\r\nSubject: rss\r\n\r\n" + line * (size // len(line) + 1)
        s = smtplib.SMTP("127.0.0.1", port, timeout=120)
        s.sendmail(FROM, [m.rcpt], body)
        time.sleep(0.05)
        s.quit()
        time.sleep(0.05)
    finally:
        stop.set()
        if th.is_alive():
            th.join()
    if m.kind != "berth":
        return max(peaks.values())
    end = time.time() + 10
    while len(open(log).read().split()) <= len(before) and time.time() < end:
        time.sleep(0.02)
    after = open(log).read().split()
    if len(after) <= len(before):
        raise RuntimeError("berth: no RSS line from GNU time")
    return float(after[-1])

# bench/cost.py: scenario 7, system calls per message under strace -f -c (fsync, fdatasync,
# execve) over each MTA's whole process tree, split into the accept path (delivery held) and
# the delivery path (released, until the Maildir holds every message).
import os, signal, subprocess, time
from mta import count_files, children
import scen
from scen import clear_maildir, source, check_source

CALLS = "fsync,fdatasync,execve"


def parse(path):
    """strace -c's table: {syscall: calls}."""
    out = {}
    with open(path) as f:
        for line in f:
            t = line.split()
            if len(t) >= 5 and t[0][0].isdigit() and t[-1] in CALLS.split(","):
                out[t[-1]] = int(t[3])
    return out


def attach(pids, path):
    argv = ["strace", "-f", "-c", "-o", path, "-e", "trace=" + CALLS]
    for p in pids:
        argv += ["-p", str(p)]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(0.5)   # strace attaches
    return p


def detach(p):
    p.send_signal(signal.SIGINT)
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def tree(m):
    """The running processes to attach to: berth's tcpserver; Postfix's master and children."""
    if m.name == "berth":
        return [m.smtpd.pid]
    mp = m.master_pid()
    return [mp] + [p for p, _ in children(mp)]


def per_message(counts, n):
    return {k: counts.get(k, 0) / n for k in CALLS.split(",")}


def cost(m, n, tmp):
    clear_maildir(m)
    m.hold()
    a = os.path.join(tmp, m.name + "-accept.strace")
    s = attach(tree(m), a)
    p = source(m, n, "user@" + m.domain)
    p.wait(scen.LIMIT)
    check_source(p, "cost")
    detach(s)
    d = os.path.join(tmp, m.name + "-deliver.strace")
    if m.name == "berth":
        # berth-send starts delivering at once: start it under strace
        m.release(wrap=["strace", "-f", "-c", "-o", d, "-e", "trace=" + CALLS])
    else:
        s = attach(tree(m), d)
        m.release()
    end = time.time() + scen.LIMIT
    while count_files(m.maildir) < n and time.time() < end:
        time.sleep(0.05)
    if m.name == "berth":
        # TERM berth-send only (strace's child): strace writes its table when the tree is gone
        for pid, _ in children(m.send.pid):
            os.kill(pid, signal.SIGTERM)
        m.send.wait(60)
        m.procs.groups.remove(m.send.pid)
        m.send = None
        m.release()
    else:
        detach(s)
    if count_files(m.maildir) < n:
        raise RuntimeError("%s: cost: %d of %d delivered" % (m.name, count_files(m.maildir), n))
    acc, dlv = per_message(parse(a), n), per_message(parse(d), n)
    return {"acc_fsync": acc["fsync"] + acc["fdatasync"], "acc_exec": acc["execve"],
            "dlv_fsync": dlv["fsync"] + dlv["fdatasync"], "dlv_exec": dlv["execve"]}

# bench/cost.py: scenario 7, system calls per message under strace -f (fsync, fdatasync,
# execve, and the forks that tell which program each process runs) over each MTA's whole process
# tree, split into the accept path (delivery held) and the delivery path (released, until the
# Maildir holds every message). Besides the totals, it says which program made the calls.
import os, re, signal, subprocess, time
from mta import count_files, children, proc_table
import scen
from scen import clear_maildir, source, check_source

CALLS = "fsync,fdatasync,execve,fork,vfork,clone,clone3"
LINE = re.compile(r"^(\d+)\s+(\w+)\((.*)\)\s+= (-?\d+)")
FORKS = ("fork", "vfork", "clone", "clone3")


def parse(path, names):
    """strace -f's trace: {program: {call: count}}; names: pid -> program at attach time. A
    child may run before its parent's fork returns in the trace: parents are read first."""
    lines, pending = [], {}
    with open(path, errors="replace") as f:
        for text in f:
            pid = text.split(" ", 1)[0]
            if text.rstrip().endswith("<unfinished ...>"):
                pending[pid] = text.rstrip()[:-len("<unfinished ...>")]
                continue
            if "resumed>" in text and pid in pending:
                text = pending.pop(pid) + text.split("resumed>", 1)[1]
            m = LINE.match(text)
            if m:
                lines.append((int(m.group(1)), m.group(2), m.group(3), int(m.group(4))))
    parent = {ret: pid for pid, call, _, ret in lines if call in FORKS and ret > 0}
    prog, out = dict(names), {}

    def program(pid, depth=0):
        if pid not in prog:
            prog[pid] = program(parent[pid], depth + 1) if pid in parent and depth < 50 else "?"
        return prog[pid]
    for pid, call, args, ret in lines:
        if call in FORKS:
            continue
        name = program(pid)
        if call == "execve":
            if ret != 0:
                continue
            a = re.search(r'"([^"]*)"', args)
            name = prog[pid] = os.path.basename(a.group(1)) if a else "?"
        c = out.setdefault(name, {})
        c[call] = c.get(call, 0) + 1
    return out


def strace(extra):
    return ["strace", "-f", "-qq", "-e", "trace=" + CALLS] + extra


def attach(pids, path):
    argv = strace(["-o", path])
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
    """The running processes to attach to (berth-listen; Postfix's master and children),
    with their programs."""
    if m.kind == "berth":
        # berth-listen and its workers (-m: sessions run in processes that already exist)
        t = dict([(m.smtpd.pid, "berth-listen")] + children(m.smtpd.pid))
        if getattr(m, "qwriter", None):   # multi-user: the queue writer commits for berth-smtpd
            t.update([(m.qwriter.pid, "berth-qwriter")] + children(m.qwriter.pid))
        return t
    mp = m.master_pid()
    return dict([(mp, "master")] + children(mp))


def per_message(by_prog, n):
    """Totals per message, and a text line of the programs' fsync/exec counts per message."""
    tot = {"fsync": 0, "execve": 0}
    parts = []
    for name, c in sorted(by_prog.items()):
        fs, ex = c.get("fsync", 0) + c.get("fdatasync", 0), c.get("execve", 0)
        tot["fsync"] += fs
        tot["execve"] += ex
        if fs or ex:
            parts.append("%s fsync %.2f exec %.2f" % (name, fs / n, ex / n))
    return tot["fsync"] / n, tot["execve"] / n, "; ".join(parts)


def cost(m, n, tmp):
    clear_maildir(m)
    m.hold()
    a = os.path.join(tmp, m.name + "-accept.strace")
    names = tree(m)
    s = attach(list(names), a)
    p = source(m, n, m.rcpt)
    p.wait(scen.LIMIT)
    check_source(p, "cost")
    detach(s)
    d = os.path.join(tmp, m.name + "-deliver.strace")
    if m.kind == "berth":
        # berth-send starts delivering at once: start it under strace
        m.release(wrap=strace(["-o", d]))
        dnames = {}
    else:
        dnames = tree(m)
        s = attach(list(dnames), d)
        m.release()
    end = time.time() + scen.LIMIT
    while count_files(m.maildir) < n and time.time() < end:
        time.sleep(0.05)
    if m.kind == "berth":
        # TERM berth-send only (strace's child); strace ends when the whole tree has
        for pid, _ in children(m.send.pid, proc_table()):
            os.kill(pid, signal.SIGTERM)
        m.send.wait(60)
        m.procs.groups.remove(m.send.pid)
        m.send = None
        m.release()
    else:
        detach(s)
    if count_files(m.maildir) < n:
        raise RuntimeError("%s: cost: %d of %d delivered" % (m.name, count_files(m.maildir), n))
    af, ae, atext = per_message(parse(a, names), n)
    df, de, dtext = per_message(parse(d, dnames), n)
    print("#   %s accept path, per message: %s" % (m.name, atext))
    print("#   %s delivery path, per message: %s" % (m.name, dtext))
    return {"acc_fsync": af, "acc_exec": ae, "dlv_fsync": df, "dlv_exec": de}

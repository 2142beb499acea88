# Helpers for berth-smtpd's tests (tests/smtpd-*.t): run berth-smtpd on a socketpair or reach it
# through tcpserver, read replies, inspect the queue, write a cdb, report results as
# "STATUS<TAB>description" lines that the .t script turns into TAP with lib.sh's ok.
import os, socket, struct, subprocess, sys, time

TOP = os.environ["BERTH_TOP"]
HOME = os.environ["BERTH_HOME"]
SMTPD = os.path.join(TOP, "bin", "berth-smtpd")
ROOT = os.getuid() == 0
USER = os.environ.get("TESTUSER", "nobody")

def clean(text):
    # one line, and backslashes doubled: lib.sh prints descriptions with dash's echo
    return str(text).replace("\t", " ").replace("\n", " ").replace("\\", "\\\\")

def check(cond, desc):
    print("%d\t%s" % (0 if cond else 1, clean(desc)), flush=True)
    return cond

def diag(msg):
    print("D\t%s" % clean(msg), flush=True)

def is_(got, want, desc):
    if not check(got == want, desc):
        diag("got %r, expected %r" % (got, want))
    return got == want

def base_env(extra=None):
    env = {"TCPREMOTEIP": "127.0.0.1", "TCPLOCALIP": "127.0.0.1", "TCPLOCALHOST": "test.example"}
    if extra:
        env.update(extra)
    return env

def smtpd_cmd(env):
    cmd = ["env"]
    for k, v in env.items():
        cmd += ["-u", k] if v is None else []
    cmd += ["%s=%s" % (k, v) for k, v in env.items() if v is not None] + [SMTPD]
    return (["s6-setuidgid", USER] if ROOT else []) + cmd

class Session:
    def __init__(self, env=None, timeout=10, sock=None):
        self.proc = None
        if sock is None:
            a, b = socket.socketpair()
            self.proc = subprocess.Popen(smtpd_cmd(base_env(env)), stdin=b, stdout=b,
                                         stderr=subprocess.PIPE, close_fds=True)
            b.close()
            sock = a
        self.s = sock
        self.s.settimeout(timeout)
        self.buf = b""
        self.greeting = self.reply()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        try:
            self.s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the server has hung up: the next reply() reports it

    def line(self):
        while b"\n" not in self.buf:
            try:
                d = self.s.recv(65536)
            except (socket.timeout, ConnectionResetError, BrokenPipeError):
                d = b""
            if not d:
                r, self.buf = self.buf, b""
                return r
            self.buf += d
        i = self.buf.index(b"\n") + 1
        r, self.buf = self.buf[:i], self.buf[i:]
        return r

    def reply(self):
        """(code, [lines]) of one possibly multi-line reply; (None, [..]) on EOF."""
        lines = []
        while True:
            l = self.line()
            if not l:
                return (None, lines)
            lines.append(l.decode("utf-8", "replace").rstrip("\r\n"))
            if len(l) < 4 or l[3:4] != b"-":
                try:
                    return (int(l[:3]), lines)
                except ValueError:
                    return (None, lines)

    def cmd(self, c):
        self.send(c + b"\r\n" if isinstance(c, bytes) else c + "\r\n")
        return self.reply()

    def code(self, c):
        return self.cmd(c)[0]

    def eof(self, wait=5):
        self.s.settimeout(wait)
        try:
            d = self.s.recv(65536)
        except (socket.timeout,):
            return False
        except ConnectionResetError:
            return True
        return d == b""

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass
        if self.proc:
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.log = self.proc.stderr.read().decode("utf-8", "replace")
            self.proc.stderr.close()
        return self

def tcp(port, timeout=10):
    return Session(sock=socket.create_connection(("127.0.0.1", port), timeout), timeout=timeout)

def vmhwm(pid):
    """a process's peak resident size in kB (0 when unknown)"""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0

def queue_ids():
    return sorted(os.listdir(os.path.join(HOME, "queue", "todo")))

def queue_count():
    return len(queue_ids())

HEAD, MAGIC = 1024, b"\0BERTHQ1"   # berth's queue header (doc/queue.md)

def mess(qid):
    """the message in mess/<id>, without the queue header"""
    with open(os.path.join(HOME, "queue", "mess", qid), "rb") as f:
        data = f.read()
    return data[HEAD:] if data[:len(MAGIC)] == MAGIC else data

def envelope(qid):
    """the envelope records of todo/<id> (its own file, or the message file's header)"""
    with open(os.path.join(HOME, "queue", "todo", qid), "rb") as f:
        data = f.read()
    if data[:len(MAGIC)] == MAGIC:
        data = data[len(MAGIC):HEAD]
        data = data[:data.find(b"\0\0") + 2]
    return data

def body_after_received(m):
    """The message without berth-queue's and berth-smtpd's Received lines."""
    lines = m.split(b"\n")
    assert lines[0].startswith(b"Received: (berth ")
    i = 1
    assert lines[i].startswith(b"Received: from ")
    i += 1
    while lines[i].startswith(b"\t"):
        i += 1
    return b"\n".join(lines[i:])

def control(name, content):
    p = os.path.join(HOME, "control", name)
    if content is None:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass
        return
    with open(p, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)
    os.chmod(p, 0o644)

def cdb_write(path, pairs):
    """A cdb (D. J. Bernstein's format, as skalibs reads it)."""
    def h(k):
        x = 5381
        for c in k:
            x = ((x << 5) + x ^ c) & 0xffffffff
        return x
    recs, pos = [], 2048
    out = b""
    for k, v in pairs:
        recs.append((h(k), pos))
        out += struct.pack("<LL", len(k), len(v)) + k + v
        pos += 8 + len(k) + len(v)
    tables = [[] for _ in range(256)]
    for hh, p in recs:
        tables[hh & 255].append((hh, p))
    head, tail = b"", b""
    for t in tables:
        n = len(t) * 2
        slots = [(0, 0)] * n
        for hh, p in t:
            i = (hh >> 8) % n
            while slots[i][1]:
                i = (i + 1) % n
            slots[i] = (hh, p)
        head += struct.pack("<LL", pos + len(tail), n)
        tail += b"".join(struct.pack("<LL", a, b) for a, b in slots)
    with open(path, "wb") as f:
        f.write(head + out + tail)
    os.chmod(path, 0o644)

# The crash explorer's file-system replay (tests/crash/): applies the calls of a trace
# (trace.py) under one root to an in-memory copy of the tree as it was before the run, and
# emits what a crash model needs: Piece (a directory entry, a block, a size: what the page cache
# may write back on its own), Sync (fsync/fdatasync of a file, fsync of a directory) and Ack
# (an injection or a delivery acknowledged: berth-queue's or berth-local's exit 0 after writing a
# message's marker, the first 250 berth-smtpd writes to its peer after it wrote one).
# Trust: a test's own trace; unknown calls are ignored.
import os, re
from trace import BLOCK, FDARG, cstring, lines

MARK = re.compile(rb'crash-marker-([0-9a-z]+)')


class Piece:
    def __init__(self, kind, key, val, journal, group=None):
        self.kind, self.key, self.val, self.journal, self.group = kind, key, val, journal, group


class Sync:
    def __init__(self, ino, dirs, newdirs, who=None):
        self.ino, self.dirs, self.newdirs, self.who = ino, dirs, newdirs, who


class Ack:
    def __init__(self, marker, what):
        self.marker, self.what = marker, what


class Desc:
    def __init__(self, ino, path, append=False):
        self.ino, self.path, self.off, self.append = ino, path, 0, append


class Replay:
    def __init__(self, root):
        self.root = root.rstrip('/')
        self.dirs, self.data, self.next = {}, {}, 1
        for d, sub, files in os.walk(self.root):
            self.dirs[d] = {}
            for s in sub:
                self.dirs[d][s] = ('dir', os.path.join(d, s))
            for f in files:
                p = os.path.join(d, f)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                with open(p, 'rb') as fh:
                    self.data[self.next] = bytearray(fh.read())
                self.dirs[d][f] = self.next
                self.next += 1
        self.base_dirs = {d: dict(e) for d, e in self.dirs.items()}
        self.base_data = {i: bytes(b) for i, b in self.data.items()}
        self.events, self.newentry, self.procs = [], {}, {}
        self.group = 0

    # -- names
    def under(self, p):
        return p == self.root or p.startswith(self.root + '/')

    def resolve(self, pid, dirarg, name):
        if name.startswith('/'):
            return os.path.normpath(name)
        if dirarg is None or dirarg.startswith('AT_FDCWD'):
            base = self.procs.get(pid, {}).get('cwd', '/')
        else:
            m = FDARG.match(dirarg)
            base = m.group(2) if m and m.group(2) else '/'
        return os.path.normpath(os.path.join(base, name))

    def lookup(self, p):
        d, n = os.path.split(p)
        return self.dirs.get(d, {}).get(n)

    def dent(self, p, ino, group=None):
        d, n = os.path.split(p)
        if d not in self.dirs:
            return
        if ino is None:
            self.dirs[d].pop(n, None)
        else:
            self.dirs[d][n] = ino
            if isinstance(ino, int):
                self.newentry.setdefault(ino, set()).add(d)
        self.events.append(Piece('dent', (d, n), ino, True, group))

    # -- data
    def write(self, ino, off, buf):
        b = self.data[ino]
        old = len(b)
        if off > old:
            b.extend(bytes(off - old))
        b[off:off + len(buf)] = buf
        first, last = off // BLOCK, (off + len(buf) - 1) // BLOCK
        for k in range(first, last + 1):
            self.events.append(Piece('blk', (ino, k), bytes(b[k * BLOCK:(k + 1) * BLOCK]), k * BLOCK >= old))
        if len(b) != old:
            self.events.append(Piece('size', ino, len(b), True))

    def truncate(self, ino, n):
        b = self.data[ino]
        if n < len(b):
            del b[n:]
        else:
            b.extend(bytes(n - len(b)))
        self.events.append(Piece('size', ino, n, True))

    def newino(self):
        self.next += 1
        self.data[self.next] = bytearray()
        return self.next

    def fd(self, pid, arg):
        m = FDARG.match(arg)
        if not m:
            return None, None
        fds = self.procs.setdefault(pid, {'cwd': '/', 'fds': {}})['fds']
        n, p = m.group(1), m.group(2)
        if p and not self.under(p):
            # strace -y names what the descriptor is now: a socket, a pipe, a file elsewhere
            # (a number reused by a call not traced, or a dup2 over a file of ours)
            fds.pop(n, None)
            return n, None
        if n in fds:
            return n, fds[n]
        if p and self.under(p):
            ino = self.lookup(p) if not p.rstrip('/') in self.dirs else ('dir', p)
            if ino is not None:
                fds[n] = Desc(ino, p)
                return n, fds[n]
        return n, None

    # -- calls
    def run(self, tracefile):
        writer, written = {}, {}
        for pid, name, a, ret in lines(tracefile):
            proc = self.procs.setdefault(pid, {'cwd': '/', 'fds': {}})
            if name == 'exit':
                if writer.get(pid) in ('berth-queue', 'berth-local') and ret == 0:
                    for mk in sorted(written.pop(pid, ())):
                        self.events.append(Ack(mk, writer[pid] + ' exit 0'))
                continue
            if ret is None or (ret < 0 and name not in ('lseek',)):
                continue
            if name == 'execve':
                prog = os.path.basename(cstring(a[0]).decode()) if a else ''
                if prog in ('berth-queue', 'berth-local', 'berth-smtpd'):
                    writer[pid] = prog
            elif name in ('clone', 'clone3', 'fork', 'vfork'):
                self.procs[ret] = {'cwd': proc['cwd'], 'fds': dict(proc['fds'])}
            elif name == 'chdir':
                proc['cwd'] = self.resolve(pid, None, cstring(a[0]).decode())
            elif name in ('open', 'openat', 'creat'):
                self.open_(pid, proc, name, a, ret)
            elif name in ('dup', 'dup2', 'dup3') or (name == 'fcntl' and 'F_DUPFD' in a[1]):
                _, d = self.fd(pid, a[0])
                if d:
                    proc['fds'][str(ret)] = d
                else:
                    proc['fds'].pop(str(ret), None)
            elif name == 'close':
                m = FDARG.match(a[0])
                if m:
                    proc['fds'].pop(m.group(1), None)
            elif name in ('write', 'pwrite64', 'writev'):
                _, d = self.fd(pid, a[0])
                if name == 'writev':
                    buf = b''.join(cstring(s) for s in re.findall(r'iov_base=("(?:[^"\\]|\\.)*")', a[1]))
                else:
                    buf = cstring(a[1])
                buf = buf[:ret]
                if not d or not isinstance(d.ino, int):
                    # berth-smtpd's reply to its peer: the 250 after the dot acknowledges
                    if writer.get(pid) == 'berth-smtpd' and buf.startswith(b'250 ') and written.get(pid):
                        for mk in sorted(written.pop(pid)):
                            self.events.append(Ack(mk, 'berth-smtpd 250'))
                    continue
                if pid in writer:
                    written.setdefault(pid, set()).update(m.decode() for m in MARK.findall(buf))
                if name == 'pwrite64':
                    off = int(a[3])
                else:
                    off = len(self.data[d.ino]) if d.append else d.off
                    d.off = off + len(buf)
                self.write(d.ino, off, buf)
            elif name == 'lseek':
                _, d = self.fd(pid, a[0])
                if d and ret >= 0:
                    d.off = ret
            elif name == 'ftruncate':
                _, d = self.fd(pid, a[0])
                if d and isinstance(d.ino, int):
                    self.truncate(d.ino, int(a[1]))
            elif name in ('link', 'linkat'):
                self.link_(pid, proc, name, a)
            elif name in ('rename', 'renameat', 'renameat2'):
                o, n = (a[0], a[1]) if name == 'rename' else (a[1], a[3])
                od = None if name == 'rename' else a[0]
                nd = None if name == 'rename' else a[2]
                src = self.resolve(pid, od, cstring(o).decode())
                dst = self.resolve(pid, nd, cstring(n).decode())
                ino = self.lookup(src)
                if ino is None or not self.under(dst):
                    continue
                self.group += 1
                g = self.group if os.path.dirname(src) == os.path.dirname(dst) else None
                self.dent(src, None, g)
                self.dent(dst, ino, g)
            elif name in ('unlink', 'unlinkat', 'rmdir'):
                dirarg = a[0] if name == 'unlinkat' else None
                p = self.resolve(pid, dirarg, cstring(a[1] if name == 'unlinkat' else a[0]).decode())
                if self.under(p) and self.lookup(p) is not None:
                    self.dent(p, None)
            elif name in ('mkdir', 'mkdirat'):
                p = self.resolve(pid, a[0] if name == 'mkdirat' else None,
                                 cstring(a[1] if name == 'mkdirat' else a[0]).decode())
                if self.under(p):
                    self.dirs[p] = {}
                    self.dent(p, ('dir', p))
            elif name in ('fsync', 'fdatasync'):
                _, d = self.fd(pid, a[0])
                if not d:
                    continue
                if isinstance(d.ino, int):
                    self.events.append(Sync(d.ino, (), tuple(self.newentry.pop(d.ino, ())), writer.get(pid)))
                else:
                    self.events.append(Sync(None, (d.ino[1].rstrip('/'),), (), writer.get(pid)))
        return self.events

    def open_(self, pid, proc, name, a, ret):
        if name == 'openat':
            dirarg, path, flags = a[0], a[1], a[2]
        else:
            dirarg, path, flags = None, a[0], (a[1] if name == 'open' else 'O_CREAT|O_TRUNC')
        p = self.resolve(pid, dirarg, cstring(path).decode())
        if not self.under(p):
            return
        if 'O_TMPFILE' in flags:
            ino = self.newino()
        elif p in self.dirs:
            ino = ('dir', p)
        else:
            ino = self.lookup(p)
            if ino is None:
                if 'O_CREAT' not in flags:
                    return
                ino = self.newino()
                self.dent(p, ino)
            elif 'O_TRUNC' in flags and isinstance(ino, int):
                self.truncate(ino, 0)
        proc['fds'][str(ret)] = Desc(ino, p, 'O_APPEND' in flags)

    def link_(self, pid, proc, name, a):
        if name == 'link':
            src, dst = self.resolve(pid, None, cstring(a[0]).decode()), self.resolve(pid, None, cstring(a[1]).decode())
        else:
            o = cstring(a[1]).decode()
            src = self.resolve(pid, a[0], o)
            dst = self.resolve(pid, a[2], cstring(a[3]).decode())
        m = re.match(r'^/proc/self/fd/(\d+)$', src)
        if m:
            d = proc['fds'].get(m.group(1))
            ino = d.ino if d else None
        elif src == '/' or 'AT_EMPTY_PATH' in (a[4] if len(a) > 4 else ''):
            _, d = self.fd(pid, a[0])
            ino = d.ino if d else None
        else:
            ino = self.lookup(src)
        if ino is not None and self.under(dst):
            self.dent(dst, ino)

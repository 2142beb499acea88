#!/usr/bin/python3
# The crash explorer's spawner (tests/crash/): speaks the spawn protocol (doc/berth-start.md) for
# both channels and delivers durably, as a real deliverer must before it answers K: the message
# (past its queue header) is written to an unnamed file in $CRASH_BOX (O_TMPFILE), fsynced, then
# named d.<id>.<sha1(rcpt)[:8]>.<n> (a link, never over another) and the directory fsynced, so
# that no crash leaves a partial delivery (as berth-local does for a Maildir).
# Trust: a test program, run by berth-start in a scratch instance.
import hashlib, os, sys

box = os.environ["CRASH_BOX"]
HEAD, MAGIC = 1024, b"\0BERTHQ1"

def deliver(mid, rcpt):
    with open(os.path.join("queue/mess", mid), "rb") as f:
        data = f.read()
    if data.startswith(MAGIC):
        data = data[HEAD:]
    fd = os.open(box, os.O_WRONLY | os.O_TMPFILE, 0o644)
    os.write(fd, data)
    os.fsync(fd)
    dfd = os.open(box, os.O_RDONLY | os.O_DIRECTORY)
    n = 0
    while True:
        try:
            # with a directory fd, os.link is linkat(AT_SYMLINK_FOLLOW), which /proc/self/fd needs
            os.link("/proc/self/fd/%d" % fd, "d.%s.%s.%d" % (mid, hashlib.sha1(rcpt.encode()).hexdigest()[:8], n),
                    src_dir_fd=dfd, dst_dir_fd=dfd)
            break
        except FileExistsError:
            n += 1
    os.close(fd)
    os.fsync(dfd)
    os.close(dfd)

buf = b""
while True:
    data = os.read(0, 65536)
    if not data:
        break
    buf += data
    while buf:
        fields, pos, done = [], 1, False
        while True:
            e = buf.find(b"\0", pos)
            if e < 0:
                break
            f, pos = buf[pos:e], e + 1
            if not f and len(fields) % 3 == 0:
                done = True
                break
            fields.append(f.decode("utf-8", "replace"))
        if not done:
            break
        slot, buf = buf[0], buf[pos:]
        out = bytes([slot])
        for i in range(0, len(fields), 3):
            try:
                deliver(fields[i], fields[i + 2])
                out += b"Kcrash spawner delivered\0"
            except OSError as e:
                out += ("Zcrash spawner: %s" % e.strerror).encode() + b"\0"
        os.write(1, out)

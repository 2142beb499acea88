#!/usr/bin/python3
# Run by a .qmail program line as the recipient (tests/sec-local-root.t): reads, from offset 0,
# every fd this process has and every fd of its parent (berth-local) taken with pidfd_getfd, as
# a recipient's program can, and prints "fds N parent M message yes|no found K": found counts
# the fds holding MARKER (an address of the envelope that is not this recipient's).
#   sec-local-scan.py MARKER BODYMARK
import ctypes, os, sys

SYS_PIDFD_GETFD = 438
marker, body = sys.argv[1].encode(), sys.argv[2].encode()
libc = ctypes.CDLL(None, use_errno=True)
state = {"found": 0, "message": False}

def check(fd):
    try:
        data = os.pread(fd, 1 << 20, 0)
    except OSError:
        return
    if marker in data:
        state["found"] += 1
    if body in data:
        state["message"] = True

own = [int(n) for n in os.listdir("/proc/self/fd")]
for fd in own:
    check(fd)
ppid = os.getppid()
pidfd = os.pidfd_open(ppid)
theirs = 0
for n in os.listdir("/proc/%d/fd" % ppid):
    fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(n), 0)
    if fd < 0:
        continue
    theirs += 1
    check(fd)
    os.close(fd)
print("fds %d parent %d message %s found %d" % (len(own), theirs, "yes" if state["message"] else "no", state["found"]))

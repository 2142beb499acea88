#!/usr/bin/python3
# Plays berth-remote's side of the berth-tlsc contract (doc/berth-tlsc.md): cleartext
# EHLO/STARTTLS on a socket, then berth-tlsc runs TLS on it while we talk over two pipes.
# Usage: tls-remote-sim.py PORT berth-tlsc-options...   Prints what it sees, one line per step.
import os, socket, subprocess, sys

port, opts = int(sys.argv[1]), sys.argv[2:]
s = socket.create_connection(("127.0.0.1", port), 5)
f = s.makefile("rb", buffering=0)

def reply():
    lines = []
    while True:
        l = f.readline()
        lines.append(l.decode().rstrip("\r\n"))
        if l[3:4] != b"-":
            return lines

reply()
s.sendall(b"EHLO client.test\r\n")
print("ehlo-starttls", any("STARTTLS" in l for l in reply()))
s.sendall(b"STARTTLS\r\n")
print("starttls", reply()[-1][:3])
# to_tls: we write cleartext, berth-tlsc reads it; from_tls: the reverse; ctl: handshake info.
to_r, to_w = os.pipe()
from_r, from_w = os.pipe()
ctl_r, ctl_w = os.pipe()
sock = s.fileno()
p = subprocess.Popen(["berth-tlsc", "-d", str(ctl_w)] + opts + ["--", str(sock), str(to_r), str(from_w)],
                     pass_fds=(sock, to_r, from_w, ctl_w))
for fd in (to_r, from_w, ctl_w):
    os.close(fd)
f.close(); s.close()   # berth-tlsc owns the connection now
info = b""
while True:
    c = os.read(ctl_r, 4096)
    if not c:
        break
    info += c
os.close(ctl_r)
print("info-complete", info.endswith(b"\0\0"))
for v in info.split(b"\0"):
    if v:
        print("info", v.decode())
if info:
    tw, tr = os.fdopen(to_w, "wb", buffering=0), os.fdopen(from_r, "rb")
    tw.write(b"EHLO client.test\r\n")
    while True:
        l = tr.readline()
        if l[3:4] != b"-":
            break
    print("ehlo-over-tls", l.decode().strip()[:3])
    tw.write(b"INFO\r\nQUIT\r\n")
    print("reply", tr.readline().decode().strip())
    print("reply", tr.readline().decode().strip())
    tw.close()
    print("eof", tr.read() == b"")
print("exit", p.wait(timeout=10))

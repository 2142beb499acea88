#!/usr/bin/python3
# Test application for berth-tlsd in UCSPI-TLS (STARTTLS) mode: a tiny SMTP-like server.
# On STARTTLS it answers 220, writes 'Y' on SSLCTLFD, reads the handshake info up to the double
# NUL, then talks over SSLREADFD/SSLWRITEFD. "INFO" shows the info; MAIL without TLS declines TLS
# (closes the three fds). Reads byte by byte so no pipelined input is swallowed.
import os, sys

rfd, wfd = 0, 1
ctl = int(os.environ["SSLCTLFD"]) if "SSLCTLFD" in os.environ else -1
tls = False
info = "none"

def send(s):
    b = s.encode()
    while b:
        b = b[os.write(wfd, b):]

def readline():
    buf = b""
    while not buf.endswith(b"\n"):
        c = os.read(rfd, 1)
        if not c:
            return None
        buf += c
    return buf.decode(errors="replace").rstrip("\r\n")

def decline():
    global ctl
    if ctl >= 0:
        for v in ("SSLCTLFD", "SSLREADFD", "SSLWRITEFD"):
            os.close(int(os.environ[v]))
        ctl = -1

send("220 tls.test ESMTP test\r\n")
while True:
    line = readline()
    if line is None:
        sys.exit(0)
    cmd = line.split(" ")[0].upper()
    if cmd in ("EHLO", "HELO"):
        ext = "" if tls or ctl < 0 else "250-STARTTLS\r\n"
        send("250-tls.test\r\n" + ext + "250 8BITMIME\r\n")
    elif cmd in ("STARTTLS", "XSTARTTLS"):  # XSTARTTLS: test of the 'y' (no info) command
        if tls or ctl < 0:
            send("503 no\r\n")
            continue
        send("220 ready to start TLS\r\n")
        if cmd == "XSTARTTLS":
            os.write(ctl, b"y")
            os.close(ctl)
            rfd, wfd = int(os.environ["SSLREADFD"]), int(os.environ["SSLWRITEFD"])
            ctl, tls = -1, True
            continue
        os.write(ctl, b"Y")
        data = b""
        while not data.endswith(b"\0\0"):
            c = os.read(ctl, 4096)
            if not c:
                break
            data += c
        os.close(ctl)
        if not data:
            sys.stderr.write("tls-smtp-app: handshake failed\n")
            sys.exit(1)
        info = " ".join(x.decode() for x in data.split(b"\0") if x)
        rfd, wfd = int(os.environ["SSLREADFD"]), int(os.environ["SSLWRITEFD"])
        ctl, tls = -1, True
    elif cmd == "INFO":
        send("250 tls=%s %s\r\n" % ("yes" if tls else "no", info))
    elif cmd == "MAIL":
        decline()
        send("250 ok\r\n")
    elif cmd == "QUIT":
        send("221 bye\r\n")
        sys.exit(0)
    else:
        send("250 ok\r\n")

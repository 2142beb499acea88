#!/usr/bin/python3
# A scripted SMTP peer for tests/rtls-*.t that misbehaves at STARTTLS. It offers STARTTLS and:
#   inject: answers "220" and, in the same write, a forged "250" (STARTTLS response injection)
#   refuse: answers "454 4.7.0 TLS not available"
# Every command received is appended to DIR/log. Serves connections one at a time, forever.
#   rtls-peer.py IP PORT DIR MODE
import os, socket, sys

ip, port, d, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ip, port))
s.listen(8)
while True:
    c, _ = s.accept()
    c.settimeout(10)
    f = c.makefile("rb")
    try:
        c.sendall(b"220 peer.test ESMTP\r\n")
        for line in f:
            cmd = line.decode("latin-1").rstrip("\r\n")
            with open(os.path.join(d, "log"), "a") as l:
                l.write(cmd + "\n")
            verb = cmd.split(" ")[0].upper()
            if verb == "EHLO":
                c.sendall(b"250-peer.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            elif verb == "STARTTLS" and mode == "inject":
                c.sendall(b"220 2.0.0 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
            elif verb == "STARTTLS":
                c.sendall(b"454 4.7.0 TLS not available\r\n")
            elif verb == "DATA":
                c.sendall(b"354 go\r\n")
                for data in f:
                    if data in (b".\r\n", b".\n"):
                        break
                c.sendall(b"250 2.0.0 stored\r\n")
            elif verb == "QUIT":
                c.sendall(b"221 bye\r\n")
                break
            else:
                c.sendall(b"250 ok\r\n")
    except OSError:
        pass
    c.close()

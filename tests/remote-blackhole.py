#!/usr/bin/python3
# A TCP address whose connects time out: a listener with a full backlog that never accepts
# (Linux drops further SYNs). Used to test connect timeouts and tcpto.
#   remote-blackhole.py IP PORT
import socket, sys, time
ip, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.bind((ip, port))
s.listen(0)
held = []
for i in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect((ip, port))
    except BlockingIOError:
        pass
    held.append(c)
time.sleep(120)

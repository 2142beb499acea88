# A raw QMQP/QMTP peer for tests: sends bytes to 127.0.0.1:PORT, closes its writing side and
# prints what came back.
#   qmqp-peer.py raw PORT FILE: FILE's bytes as they are; the answer, or "none"
#   qmqp-peer.py qmtp PORT SPEC...: QMTP messages, each "lf|BODY|SENDER|RCPT,RCPT" or
#     "crlf|..." (\r and \n in BODY are CR and LF), or "raw:BYTES"; one line per answer netstring
import socket, sys

def ns(b):
    return str(len(b)).encode() + b":" + b + b","

def talk(port, req):
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.settimeout(10)
    s.sendall(req)
    s.shutdown(socket.SHUT_WR)
    got = b""
    try:
        for _ in range(100000):
            b = s.recv(4096)
            if not b:
                break
            got += b
    except OSError:
        pass
    return got

mode, port = sys.argv[1], int(sys.argv[2])
if mode == "raw":
    got = talk(port, open(sys.argv[3], "rb").read())
    print(got.decode("latin-1") if got else "none")
    sys.exit(0)
req = b""
for spec in sys.argv[3:]:
    if spec.startswith("raw:"):
        req += spec[4:].encode().replace(b"\\n", b"\n")
        continue
    t, body, sender, rcpts = spec.split("|")
    body = body.replace("\\r", "\r").replace("\\n", "\n").encode()
    req += ns((b"\r" if t == "crlf" else b"\n") + body) + ns(sender.encode())
    req += ns(b"".join(ns(r.encode()) for r in rcpts.split(",") if r))
got = talk(port, req)
i = 0
while i < len(got):
    c = got.index(b":", i)
    n = int(got[i:c])
    print(got[c + 1:c + 1 + n].decode())
    i = c + 2 + n
if not got:
    print("none")

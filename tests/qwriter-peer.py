# tests/qwriter.t: berth-qwriter's protocol spoken by hand (berth/qwriter.h). Connects to SOCKET,
# sends a start with a pipe's read end and prints what comes back: "answer N" (the start's
# answer byte), "eof" (the writer closed the connection), or "connect-error ERRNO". With
# "send BODYFILE ENVFILE" it goes on: the message into the pipe, the envelope, and prints the
# reply's code and text. With "cut BODYFILE" it writes the message, then leaves without its envelope.
import errno, os, socket, sys
path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
try:
    s.connect(path)
except OSError as e:
    print("connect-error", errno.errorcode.get(e.errno, e.errno)); sys.exit(0)
r, w = os.pipe()
try:
    socket.send_fds(s, [b"S"], [r])
    a = s.recv(1)
except OSError as e:
    print("eof"); sys.exit(0)
os.close(r)
if not a:
    print("eof"); sys.exit(0)
print("answer", a[0])
if mode == "start" or a[0]:
    sys.exit(0)
os.write(w, open(sys.argv[3], "rb").read()); os.close(w)
if mode == "cut":
    s.close(); sys.exit(0)
s.sendall(open(sys.argv[4], "rb").read())
rep = b""
while len(rep) < 2 or len(rep) < 2 + rep[1]:
    x = s.recv(300)
    if not x: break
    rep += x
print("reply", rep[0], rep[2:2 + rep[1]].decode())

#!/usr/bin/python3
# The crash explorer's SMTP client (tests/crash/): one message into berth-smtpd on a socketpair,
# so that berth-smtpd, the queue's owner with $QMAILQUEUE unset, commits it in process.
#   smtp.py MSGFILE ENVFILE   (berth-queue's fd 0 and fd 1 formats); exit 0 after the 250
# that follows the dot, 111 on any other answer.
# Trust: a test program, run in a scratch instance.
import os, socket, subprocess, sys

body, env = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
sender, rest = env[1:].split(b'\0', 1)
rcpts = [r[1:] for r in rest.split(b'\0') if r.startswith(b'T')]
a, b = socket.socketpair()
e = dict(os.environ, TCPREMOTEIP='127.0.0.1', TCPLOCALIP='127.0.0.1', TCPLOCALHOST='test.example')
e.pop('QMAILQUEUE', None)
p = subprocess.Popen(['berth-smtpd'], stdin=b, stdout=b, env=e)
b.close()
f = a.makefile('rb')


def reply():
    while True:
        line = f.readline()
        if len(line) < 4 or line[3:4] != b'-':
            return line


def cmd(line, want):
    if line is not None:
        a.sendall(line + b'\r\n')
    r = reply()
    if not r.startswith(want):
        sys.stderr.write('smtp.py: fatal: %r answered %r\n' % (line, r))
        sys.exit(111)


cmd(None, b'220')
cmd(b'EHLO crash.example', b'250')
cmd(b'MAIL FROM:<' + sender + b'>', b'250')
for r in rcpts:
    cmd(b'RCPT TO:<' + r + b'>', b'250')
cmd(b'DATA', b'354')
data = b''.join((b'.' + l if l.startswith(b'.') else l) + b'\r\n' for l in body.split(b'\n')[:-1])
cmd(data + b'.', b'250')
cmd(b'QUIT', b'221')
a.close()
sys.exit(0 if p.wait(10) == 0 else 111)

#!/usr/bin/python3
# A scriptable SMTP sink for berth-remote's tests (plain sockets, one thread per connection).
# Records every received chunk (to see pipelining) and every message (dot-unstuffed, CRLF kept).
#   remote-sink.py PORT DIR [--host 127.0.0.1|::1] [--greet 'CODE text'] [--caps 'PIPELINING,8BITMIME,...']
#       [--no-ehlo] [--drop-after-ehlo] [--drop-after-dot] [--final 'CODE text']
#       [--close-after-final] [--mails-per-conn N] [--bdat-refuse 'N CODE text']
# The file "trans" gets "CONN MAIL" and "CONN QUIT" lines, the file "cmds" "CONN DATA" and
# "CONN BDAT n [LAST]" lines, CONN counting connections from 1. With CHUNKING in --caps, BDAT (RFC 3030) is taken: exactly n
# bytes after the command, the message stored as received; --bdat-refuse answers the Nth chunk
# of a transaction with CODE text (the transaction fails).
# Recipients: a local part starting with t450 gets "450", p550 gets "550", others "250".
import argparse, os, socket, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("dir")
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--greet", default="220 sink ESMTP")
ap.add_argument("--caps", default="PIPELINING,8BITMIME,SMTPUTF8,SIZE 10000000")
ap.add_argument("--no-ehlo", action="store_true")
ap.add_argument("--drop-after-ehlo", action="store_true")
ap.add_argument("--drop-after-dot", action="store_true")
ap.add_argument("--final", default="250 2.0.0 queued as sink")
ap.add_argument("--stall", type=float, default=0, help="seconds to wait before the greeting")
ap.add_argument("--close-after-final", action="store_true", help="close the connection after the reply to the dot")
ap.add_argument("--mails-per-conn", type=int, default=0, help="421 and close on the MAIL after N in one connection")
ap.add_argument("--bdat-refuse", default="", help="'N CODE text': the reply to the Nth BDAT of a transaction")
a = ap.parse_args()
lock = threading.Lock()
count = [0]
conns = [0]

def log(name, data):
    with lock:
        with open(os.path.join(a.dir, name), "ab") as f:
            f.write(data)

def session(c):
    with lock:
        conns[0] += 1
        conn = conns[0]
    mails = 0
    buf = b""
    def readline():
        nonlocal buf
        while b"\n" not in buf:
            d = c.recv(65536)
            if not d:
                raise EOFError
            log("chunks", repr(d).encode() + b"\n")
            buf += d
        i = buf.index(b"\n") + 1
        line, buf = buf[:i], buf[i:]
        return line
    def readn(n):
        nonlocal buf
        while len(buf) < n:
            d = c.recv(65536)
            if not d:
                raise EOFError
            log("chunks", repr(d).encode() + b"\n")
            buf += d
        data, buf = buf[:n], buf[n:]
        return data
    def store(data):
        with lock:
            count[0] += 1
            n = count[0]
        with open(os.path.join(a.dir, "%d.eml" % n), "wb") as f:
            f.write(data)
        with open(os.path.join(a.dir, "%d.env" % n), "wb") as f:
            f.write(mail + b"\n" + b"\n".join(rcpts) + b"\n")
    def say(s):
        c.sendall(s.encode() + b"\r\n")
    if a.stall:
        time.sleep(a.stall)
    say(a.greet)
    if not a.greet.startswith("2"):
        try:
            readline()
        except Exception:
            pass
        return
    mail, rcpts, opts = None, [], b""
    bdat, nbdat, failed = b"", 0, False
    while True:
        line = readline()
        cmd = line.strip().upper()
        if cmd.startswith(b"EHLO"):
            if a.no_ehlo:
                say("502 5.5.1 no EHLO here"); continue
            if a.drop_after_ehlo:
                return
            caps = [x for x in a.caps.split(",") if x]
            lines = ["sink"] + caps
            for i, l in enumerate(lines):
                say("250" + ("-" if i < len(lines) - 1 else " ") + l)
        elif cmd.startswith(b"HELO"):
            if a.drop_after_ehlo:
                return
            say("250 sink")
        elif cmd.startswith(b"MAIL FROM:"):
            log("trans", b"%d MAIL\n" % conn)
            mails += 1
            if a.mails_per_conn and mails > a.mails_per_conn:
                say("421 4.7.0 too many transactions, closing"); return
            mail, rcpts = line.strip()[10:], []
            bdat, nbdat, failed = b"", 0, False
            say("250 2.1.0 ok")
        elif cmd.startswith(b"RCPT TO:"):
            r = line.strip()[8:]
            local = r.strip(b"<>").split(b"@")[0]
            if local.startswith(b"t450"):
                say("450 4.2.0 try later " + local.decode("utf-8", "replace"))
            elif local.startswith(b"p550"):
                say("550 5.1.1 no such user " + local.decode("utf-8", "replace"))
            else:
                rcpts.append(r); say("250 2.1.5 ok")
        elif cmd.startswith(b"BDAT ") and "CHUNKING" in a.caps:
            w = cmd.split()
            n, last = int(w[1]), len(w) > 2 and w[2] == b"LAST"
            log("cmds", b"%d %s\n" % (conn, b" ".join(w)))
            chunk = readn(n)
            nbdat += 1
            if not rcpts or failed:
                say("503 5.5.1 no transaction"); continue
            bdat += chunk
            if a.bdat_refuse and nbdat == int(a.bdat_refuse.split()[0]):
                failed = True
                say(a.bdat_refuse.split(None, 1)[1]); continue
            if not last:
                say("250 2.0.0 %d octets received" % n); continue
            store(bdat)
            bdat, nbdat, rcpts = b"", 0, []
            say(a.final)
            if a.close_after_final:
                return
        elif cmd == b"DATA":
            log("cmds", b"%d DATA\n" % conn)
            if not rcpts:
                say("503 5.5.1 no valid recipients"); continue
            say("354 go ahead")
            data = b""
            while True:
                l = readline()
                if l == b".\r\n":
                    break
                if l.startswith(b"."):
                    l = l[1:]
                data += l
            store(data)
            if a.drop_after_dot:
                return
            say(a.final)
            if a.close_after_final:
                return
        elif cmd == b"QUIT":
            log("trans", b"%d QUIT\n" % conn)
            say("221 bye"); return
        elif cmd == b"RSET":
            mail, rcpts = None, []; say("250 ok")
        else:
            say("502 5.5.2 unknown")

def serve(c):
    try:
        session(c)
    except Exception:
        pass
    finally:
        c.close()

s = socket.socket(socket.AF_INET6 if ":" in a.host else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((a.host, a.port))
s.listen(50)
while True:
    c, peer = s.accept()
    log("peers", peer[0].encode() + b"\n")
    threading.Thread(target=serve, args=(c,), daemon=True).start()

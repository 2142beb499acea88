#!/usr/bin/python3
# A loopback SMTP sink for tests/send-polite.t: counts simultaneous connections and answers
# "421" at the greeting when more than --max are open (or while the file --down exists).
#   polite-sink.py PORT DIR [--max N] [--delay SECS] [--down FILE] [--rcpt-limit N]
# DIR/events gets one line per event, "TIME open N" (N: connections open with this one),
# "TIME 421", "TIME mail", "TIME msg RCPTS"; DIR/max the highest N. --delay waits before the reply to the dot.
import argparse, os, socket, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("dir")
ap.add_argument("--max", type=int, default=0)
ap.add_argument("--delay", type=float, default=0)
ap.add_argument("--down", default="")
ap.add_argument("--rcpt-limit", type=int, default=0, help="452 to the RCPTs after N in a transaction")
a = ap.parse_args()
lock = threading.Lock()
state = {"open": 0, "max": 0}
events = open(os.path.join(a.dir, "events"), "a", buffering=1)

def event(s):
    with lock:
        events.write("%.3f %s\n" % (time.time(), s))

def session(c):
    f = c.makefile("rb")
    def say(s):
        c.sendall(s.encode() + b"\r\n")
    with lock:
        state["open"] += 1
        n = state["open"]
        if n > state["max"]:
            state["max"] = n
            with open(os.path.join(a.dir, "max"), "w") as m:
                m.write("%d\n" % n)
    event("open %d" % n)
    try:
        if (a.max and n > a.max) or (a.down and os.path.exists(a.down)):
            event("421")
            say("421 4.7.0 too many connections from you")
            return
        say("220 polite-sink ESMTP")
        rcpts = 0
        while True:
            line = f.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                say("250-polite-sink\r\n250-PIPELINING\r\n250 8BITMIME")
            elif verb == b"MAIL":
                rcpts = 0
                event("mail")
                say("250 2.1.0 ok")
            elif verb == b"RCPT":
                if a.rcpt_limit and rcpts >= a.rcpt_limit:
                    say("452 4.5.3 too many recipients")
                else:
                    rcpts += 1
                    say("250 2.1.5 ok")
            elif verb == b"DATA":
                say("354 go ahead")
                while True:
                    l = f.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                if a.delay:
                    time.sleep(a.delay)
                event("msg %d" % rcpts)
                say("250 2.0.0 queued")
            elif verb == b"QUIT":
                say("221 bye")
                return
            elif verb == b"RSET" or verb == b"NOOP":
                say("250 ok")
            else:
                say("502 5.5.2 unknown")
    except OSError:
        pass
    finally:
        with lock:
            state["open"] -= 1
        c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", a.port))
s.listen(512)
while True:
    c, _ = s.accept()
    threading.Thread(target=session, args=(c,), daemon=True).start()

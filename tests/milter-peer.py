#!/usr/bin/python3
# A scripted milter for berth-milter's tests (Sendmail's milter protocol, version 6, written here
# from the protocol's description). usage: milter-peer.py PORT SCRIPT LOG
# For each connection it rereads SCRIPT (JSON), so a test changes the milter's behaviour without
# restarting it, and appends one JSON line to LOG with all it was told: the negotiation, the
# macros per stage, connect, HELO, MAIL and RCPT arguments, the header fields, the body. The line
# is written before the milter gives its verdict (so a test that has the SMTP reply finds it),
# or when the connection ends without one.
# SCRIPT keys (all optional):
#   actions, protocol: the option negotiation's answer (default: all actions, no steps left out)
#   at: a command code ("C", "H", "M", "R", "T", "L", "N", "B") answered with "final" instead of
#       continue; the end of the message is answered with "mods" then "final" (default "c")
#   final: "a", "c", "r", "t", "d", or ["y", "550 5.7.1 text"]
#   mods: a list of changes sent at the end: ["h", name, value], ["i", index, name, value],
#       ["m", index, name, value], ["+", rcpt], ["2", rcpt, args], ["-", rcpt], ["e", from],
#       ["b", body], ["q", reason]
#   mode: "garbage" (answers the end with bytes that are no packet), "badlen" (a length of 2 GiB),
#       "close" (hangs up at the end), "slow" (sleeps "sleep" seconds before answering the end),
#       "progress" (sends a progress packet before the end's answer), "badheader" (an added header
#       whose value starts a new line), "partial" (sends mods, then hangs up)
import json, socket, socketserver, struct, sys, threading, time

PORT, SCRIPT, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd.encode() + data


def z(s):
    return (s if isinstance(s, bytes) else s.encode()) + b"\0"


def mod(m):
    c = m[0]
    if c == "h":
        return pkt("h", z(m[1]) + z(m[2]))
    if c in ("i", "m"):
        return pkt(c, struct.pack(">I", m[1]) + z(m[2]) + z(m[3]))
    if c in ("+", "-", "e", "q"):
        return pkt(c, z(m[1]))
    if c == "2":
        return pkt(c, z(m[1]) + z(m[2]))
    if c == "b":
        return pkt("b", m[1].encode())
    raise ValueError(c)


def final(f):
    if isinstance(f, list):
        return pkt("y", z(f[1]))
    return pkt(f)


class H(socketserver.BaseRequestHandler):
    done = False

    def record(self, log):
        if self.done:
            return
        self.done = True
        with lock:
            with open(LOG, "a") as f:
                f.write(json.dumps(log) + "\n")

    def recv(self, n):
        b = b""
        while len(b) < n:
            x = self.request.recv(n - len(b))
            if not x:
                raise EOFError
            b += x
        return b

    def handle(self):
        try:
            sc = json.load(open(SCRIPT))
        except (OSError, ValueError):
            sc = {}
        log = {"macros": {}, "rcpt": [], "headers": [], "body": ""}
        proto = sc.get("protocol", 0)
        try:
            while True:
                n = struct.unpack(">I", self.recv(4))[0]
                d = self.recv(n)
                cmd, data = chr(d[0]), d[1:]
                if cmd == "O":
                    log["optneg"] = list(struct.unpack(">III", data[:12]))
                    self.request.sendall(pkt("O", struct.pack(">III", 6, sc.get("actions", 0x1ff), proto)))
                    continue
                if cmd == "D":
                    parts = data[1:].split(b"\0")[:-1]
                    log["macros"][chr(data[0])] = {parts[i].decode(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2)}
                    continue
                if cmd in ("Q", "A", "K"):
                    break
                if cmd == "C":
                    h, rest = data.split(b"\0", 1)
                    log["connect"] = [h.decode(), chr(rest[0]), struct.unpack(">H", rest[1:3])[0], rest[3:-1].decode()]
                elif cmd == "H":
                    log["helo"] = data[:-1].decode()
                elif cmd == "M":
                    log["mail"] = [x.decode() for x in data.split(b"\0")[:-1]]
                elif cmd == "R":
                    log["rcpt"].append(data[:-1].decode())
                elif cmd == "L":
                    k, v = data.split(b"\0")[:2]
                    log["headers"].append([k.decode(), v.decode("latin-1")])
                elif cmd == "B":
                    log["body"] += data.decode("latin-1")
                elif cmd == "E":
                    self.eom(sc, log)
                    continue
                if sc.get("at") == cmd:
                    self.record(log)
                    self.request.sendall(final(sc.get("final", "r")))
                    continue
                noreply = {"C": 0x1000, "H": 0x2000, "M": 0x4000, "R": 0x8000, "T": 0x10000, "L": 0x80, "N": 0x40000, "B": 0x80000}
                if not proto & noreply.get(cmd, 0):
                    self.request.sendall(pkt("c"))
        except (EOFError, ConnectionError):
            pass
        self.record(log)

    def eom(self, sc, log):
        self.record(log)
        mode = sc.get("mode", "")
        out = b"".join(mod(m) for m in sc.get("mods", []))
        if mode == "garbage":
            self.request.sendall(b"\0\0\0\x05zzzzz" + b"hello, this is not a milter")
            return
        if mode == "badlen":
            self.request.sendall(b"\x7f\xff\xff\xff" + b"x" * 100)
            return
        if mode == "close":
            self.request.close()
            raise EOFError
        if mode == "partial":
            self.request.sendall(out)
            self.request.close()
            raise EOFError
        if mode == "badheader":
            out += pkt("h", z("X-Bad") + z("a\nInjected: yes"))
        if mode == "slow":
            time.sleep(sc.get("sleep", 5))
        if mode == "progress":
            self.request.sendall(pkt("p"))
            time.sleep(1)
        self.request.sendall(out + final(sc.get("final", "c")))


class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


S(("127.0.0.1", PORT), H).serve_forever()

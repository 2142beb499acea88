#!/usr/bin/python3
# aiosmtpd sink for berth-remote's tests: stores each message's raw content (CRLF form, after
# dot-unstuffing) as DIR/N.eml and its MAIL parameters and recipients as DIR/N.env.
# Recipients: a local part starting with t450 gets 450, p550 gets 550, others 250.
#   remote-aiosink.py PORT DIR [--no-smtputf8]
import asyncio, os, sys, threading, time
from aiosmtpd.controller import Controller

port, d = int(sys.argv[1]), sys.argv[2]
utf8 = "--no-smtputf8" not in sys.argv
count = [0]
lock = threading.Lock()

class H:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("t450"):
            return "450 4.2.1 mailbox busy " + local
        if local.startswith("p550"):
            return "550 5.1.1 unknown user " + local
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 ok"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            count[0] += 1
            n = count[0]
        with open(os.path.join(d, "%d.eml" % n), "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(d, "%d.env" % n), "wb") as f:
            f.write(("mail_options=%s\n" % " ".join(envelope.mail_options)).encode())
            f.write(("from=%s\n" % envelope.mail_from).encode("utf-8"))
            for r in envelope.rcpt_tos:
                f.write(("to=%s\n" % r).encode("utf-8"))
        return "250 2.0.0 stored %d" % n

c = Controller(H(), hostname="127.0.0.1", port=port, enable_SMTPUTF8=utf8, decode_data=False)
c.start()
try:
    while True:
        time.sleep(3600)
finally:
    c.stop()

#!/usr/bin/python3
# aiosmtpd sink for berth-remote's tests: stores each message's raw content (CRLF form, after
# dot-unstuffing) as DIR/N.eml and its MAIL parameters and recipients as DIR/N.env.
#   remote-aiosink.py PORT DIR [--no-smtputf8]
import asyncio, os, sys, threading, time
from aiosmtpd.controller import Controller

port, d = int(sys.argv[1]), sys.argv[2]
utf8 = "--no-smtputf8" not in sys.argv
count = [0]
lock = threading.Lock()

class H:
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

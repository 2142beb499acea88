#!/usr/bin/python3
# aiosmtpd sink for tests/rtls-*.t, remote-dsn.t, remote-requiretls.t: STARTTLS with a given
# certificate, optional AUTH, DSN and REQUIRETLS.
# Stores each message as DIR/N.eml and appends one line per event to DIR/log:
#   "STARTTLS", "AUTH tls=0|1 MECH", "LOGIN user ok|bad", "MAIL tls=0|1 auth=USER|-";
# and to DIR/args, MAIL's and RCPT's parameters as received: "FROM tls=0|1 PARAMS", "TO PARAMS".
#   rtls-sink.py PORT DIR [--host IP] [--cert CRT --key KEY] [--tls13] [--auth USER:PASS]
#                [--login-only] [--auth-cleartext] [--dsn] [--requiretls]
# --tls13: only TLS 1.3 (the handshake with berth-tlsc, TLS 1.0-1.2, fails).
# --auth: AUTH required for MAIL; offered only over TLS unless --auth-cleartext.
# --dsn: offers DSN (RFC 3461); --requiretls: offers REQUIRETLS (RFC 8689) over TLS only.
import argparse, os, ssl, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("dir")
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--tls13", action="store_true")
ap.add_argument("--auth")
ap.add_argument("--login-only", action="store_true")
ap.add_argument("--auth-cleartext", action="store_true")
ap.add_argument("--dsn", action="store_true")
ap.add_argument("--requiretls", action="store_true")
a = ap.parse_args()
lock = threading.Lock()
count = [0]
EXT = {"RET", "ENVID", "REQUIRETLS", "NOTIFY", "ORCPT"}


def log(s, name="log"):
    with lock:
        with open(os.path.join(a.dir, name), "a") as f:
            f.write(s + "\n")


def split(arg):
    """the parameters as received, and the command without those aiosmtpd does not know"""
    words = (arg or "").split(" ")
    params = [w for w in words[1:] if w]
    keep = [w for w in params if w.split("=")[0].upper() not in EXT]
    return " ".join(params), " ".join([words[0]] + keep)


class Sink(SMTP):
    async def smtp_STARTTLS(self, arg):
        log("STARTTLS")
        return await super().smtp_STARTTLS(arg)

    async def smtp_AUTH(self, arg):
        log("AUTH tls=%d %s" % (self._tls_protocol is not None, (arg or "").split(" ")[0]))
        return await super().smtp_AUTH(arg)

    async def smtp_MAIL(self, arg):
        user = getattr(self.session, "rtls_user", "-") if self.session.authenticated else "-"
        log("MAIL tls=%d auth=%s" % (self._tls_protocol is not None, user))
        params, arg = split(arg)
        log("FROM tls=%d %s" % (self._tls_protocol is not None, params), "args")
        if a.auth and not self.session.authenticated:
            await self.push("530 5.7.0 authentication required")
            return
        return await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        params, arg = split(arg)
        log("TO %s" % params, "args")
        return await super().smtp_RCPT(arg)


def check(server, session, envelope, mechanism, auth_data):
    user, pw = a.auth.split(":", 1)
    good = auth_data.login.decode() == user and auth_data.password.decode() == pw
    log("LOGIN %s %s" % (auth_data.login.decode(), "ok" if good else "bad"))
    if good:
        session.rtls_user = user
    return AuthResult(success=good, handled=False)


class H:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        extra = ["250-DSN"] if a.dsn else []
        if a.requiretls and server._tls_protocol is not None:
            extra.append("250-REQUIRETLS")
        return responses[:-1] + extra + responses[-1:]

    async def handle_DATA(self, server, session, envelope):
        with lock:
            count[0] += 1
            n = count[0]
        with open(os.path.join(a.dir, "%d.eml" % n), "wb") as f:
            f.write(envelope.original_content)
        return "250 2.0.0 stored %d" % n


class C(Controller):
    def factory(self):
        kw = dict(hostname="sink.test", decode_data=False)
        if ctx:
            kw["tls_context"] = ctx
        if a.auth:
            kw.update(authenticator=check, auth_required=False, auth_require_tls=not a.auth_cleartext)
            if a.login_only:
                kw["auth_exclude_mechanism"] = ["PLAIN"]
        return Sink(self.handler, **kw)


ctx = None
if a.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    if a.tls13:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
C(H(), hostname=a.host, port=a.port).start()
threading.Event().wait()   # until the test kills us

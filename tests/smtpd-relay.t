#!/bin/sh
# berth-smtpd relay control: rcpthosts (with .domain wildcards), morercpthosts.cdb, RELAYCLIENT,
# badmailfrom (with @host), postmaster, localiphost, and the tricks that must not open a relay.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
t_start 60
t_instance
printf 'test.example\n# a comment\n.wild.example\nExact.Example \n' > "$BERTH_HOME/control/rcpthosts"
printf 'bad@spam.example\n@spamhost.example\n' > "$BERTH_HOME/control/badmailfrom"

smtpd_py <<'PY'
import os
cdb_write(os.path.join(HOME, "control", "morercpthosts.cdb"), [(b"more.example", b""), (b".morewild.example", b"")])

def rcpts(env, sender, cases):
    s = Session(env)
    s.cmd("EHLO client.example")
    is_(s.code("MAIL FROM:<%s>" % sender), 250, "MAIL FROM:<%s>" % sender)
    for addr, want, desc in cases:
        c, l = s.cmd("RCPT TO:%s" % addr)
        is_(c, want, "%s: %s -> %d" % (desc, addr, want))
        if want == 553 and c == 553:
            check(" 5." in l[0], "%s: enhanced status code in the refusal" % desc)
    return s

stranger = [
    ("<b@test.example>", 250, "rcpthosts"),
    ("<b@TEST.Example>", 250, "rcpthosts, any case"),
    ("<b@exact.example>", 250, "rcpthosts with trailing space in the file"),
    ("<b@other.example>", 553, "not in rcpthosts"),
    ("<b@test.example.other.example>", 553, "rcpthosts is no prefix match"),
    ("<b@sub.wild.example>", 250, ".wild.example wildcard"),
    ("<b@a.b.wild.example>", 250, ".wild.example wildcard, deeper"),
    ("<b@wild.example>", 553, ".wild.example does not match wild.example itself"),
    ("<b@more.example>", 250, "morercpthosts.cdb"),
    ("<b@x.morewild.example>", 250, "morercpthosts.cdb wildcard"),
    ("<b@notmore.example>", 553, "not in morercpthosts.cdb"),
    ("<postmaster>", 250, "postmaster without a domain"),
    ("<b%other.example@test.example>", 553, "percent hack"),
    ("<other.example!b@test.example>", 553, "bang path"),
    ('<"b@other.example"@test.example>', 553, "quoted @ in the local part"),
    ('<"b%other.example"@test.example>', 553, "quoted % in the local part"),
    ("<@test.example:b@other.example>", 553, "source route through a rcpthost"),
    ("<@other.example:b@test.example>", 250, "source route stripped, final domain checked"),
    ("<b@[10.9.9.9]>", 553, "literal of another host"),
    ("<b@[127.0.0.1]>", 250, "literal of this host (localiphost)"),
    ("<b@test.example.>", 501, "trailing dot"),
    ('<"b.c"@test.example>', 250, "harmless quoted local part"),
]
s = rcpts(None, "a@b.example", stranger)
before = queue_ids()
s.cmd("DATA"); s.send("Subject: r\r\n\r\nr\r\n.\r\n")
is_(s.reply()[0], 250, "accepted for the allowed recipients")
s.close()
new = [q for q in queue_ids() if q not in before]
env = envelope(new[0]).split(b"\0")[2:] if new else []
is_(env, [b"Fa@b.example", b"Tb@test.example", b"Tb@TEST.Example", b"Tb@exact.example", b"Tb@sub.wild.example",
          b"Tb@a.b.wild.example", b"Tb@more.example", b"Tb@x.morewild.example", b"Tpostmaster",
          b"Tb@test.example", b"Tb@test.example", b"Tb.c@test.example", b"", b""],
    "envelope: routes stripped, [127.0.0.1] rewritten to localiphost, quotes removed")

relay = [
    ("<b@other.example>", 250, "RELAYCLIENT relays"),
    ("<b%c.example@other.example>", 250, "RELAYCLIENT: percent allowed"),
]
s = rcpts({"RELAYCLIENT": ""}, "a@b.example", relay)
before = queue_ids()
s.cmd("DATA"); s.send("Subject: r\r\n\r\nr\r\n.\r\n")
is_(s.reply()[0], 250, "relayed message accepted")
s.close()
s = rcpts({"RELAYCLIENT": "-x"}, "a@b.example", [("<b@other.example>", 250, "RELAYCLIENT with a value")])
s.cmd("DATA"); s.send("Subject: r\r\n\r\nr\r\n.\r\n")
is_(s.reply()[0], 250, "accepted")
s.close()
new = [q for q in queue_ids() if q not in before]
envs = sorted(envelope(q).split(b"\0")[3] for q in new)
is_(envs, [b"Tb@other.example", b"Tb@other.example-x"], "RELAYCLIENT's value appended to each recipient")

for sender in ["bad@spam.example", "BAD@Spam.Example", "anyone@spamhost.example"]:
    s = rcpts(None, sender, [("<b@test.example>", 553, "badmailfrom " + sender), ("<postmaster>", 250, "postmaster despite badmailfrom")])
    s.close()
    check("reason=badmailfrom" in s.log, "badmailfrom refusal logged")
s = rcpts(None, "good@spam.example", [("<b@test.example>", 250, "badmailfrom: other user at that domain")])
s.close()
s = rcpts(None, "a@sub.spamhost.example", [("<b@test.example>", 250, "@host matches that host only")])
s.close()
PY
t_done

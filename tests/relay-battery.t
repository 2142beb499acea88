#!/bin/sh
# Open-relay battery: addresses that must never be relayed without RELAYCLIENT or AUTH, checked
# against berth-smtpd (refused, or accepted only when they are local) and against what berth-send
# then does with what was accepted (every recipient goes to the local channel, none to remote).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/send-lib.sh"
t_start 90
send_setup
ctl rcpthosts test.example
ctl locals test.example

smtpd_py <<'PY'
foreign = [
    "<u@other.example>", "<u@OTHER.example>", "<u@other.example.>",
    "<u%other.example@test.example>", "<u%other.example%test.example@test.example>",
    "<u%other.example@TEST.example>", "<other.example!u@test.example>", "<a!b!u@test.example>",
    '<"u@other.example"@test.example>', '<"u%other.example"@test.example>', '<"other.example!u"@test.example>',
    '<"u\\@other.example"@test.example>', "<u\\@other.example@test.example>",
    "<u@other.example@test.example>", "<@test.example:u@other.example>",
    "<@test.example,@test.example:u@other.example>", "<u@[10.0.0.1]>", "<u@[IPv6:2001:db8::1]>",
    "<u@[192.0.2.1]>", "<u@test.example.other.example>", "<u@other.example%test.example>",
    "<u@test.example@other.example>", "<u@other.example,u@test.example>", "< u@other.example>",
    "<u@other.example >", "<u@test.example:25>", "<u@other.example\x00@test.example>",
    "<u@[127.0.0.1].other.example>", "<u@xn--other-example>", "<@other.example:u%test.example@other.example>",
]
local = [
    "<u@test.example>", "<U@Test.Example>", "<postmaster>", "<Postmaster@test.example>",
    "<u@[127.0.0.1]>", '<"u.v"@test.example>', "<=?utf-8?q?u=40other.example?=@test.example>",
    "<@other.example:u@test.example>",
]
# a new session every 10 refusals: berth-smtpd ends a session after 20 failed commands
for i in range(0, len(foreign), 10):
    s = Session(None)
    s.cmd("EHLO client.example")
    is_(s.code("MAIL FROM:<a@b.example>"), 250, "MAIL")
    for a in foreign[i:i + 10]:
        c, l = s.cmd("RCPT TO:" + a)
        check(c != 250 and c >= 500, "refused (%d): %r" % (c, a))
    s.close()
s = Session(None)
s.cmd("EHLO client.example")
is_(s.code("MAIL FROM:<a@b.example>"), 250, "MAIL")
for a in local:
    is_(s.code("RCPT TO:" + a), 250, "accepted (local): %r" % a)
s.cmd("DATA"); s.send("Subject: battery\r\n\r\nx\r\n.\r\n")
is_(s.reply()[0], 250, "the message for the local recipients is queued")
s.close()
PY

send_start
n=0; while [ $n -lt 100 ] && [ "$(cat "$FAKE_DIR"/local.jobs 2>/dev/null | wc -l)" -lt 8 ]; do sleep 0.1; n=$((n + 1)); done
is "$(cat "$FAKE_DIR"/local.jobs 2>/dev/null | wc -l)" 8 "berth-send hands every accepted recipient to the local channel"
sleep 0.5
is "$(cat "$FAKE_DIR"/remote.jobs 2>/dev/null | wc -l)" 0 "and nothing to the remote channel"
t_done

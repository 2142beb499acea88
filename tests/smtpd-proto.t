#!/bin/sh
# berth-smtpd protocol: verbs, sequence checks, EHLO capabilities, parameters, address forms,
# line and recipient limits, pipelining order, garbage, the error bound, root refusal.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
t_start 60
t_instance
echo 100000 > "$BERTH_HOME/control/databytes"

if [ "$(id -u)" = 0 ]; then
  out=$(bin/berth-smtpd </dev/null 2>&1); rc=$?
  is "$rc" 111 "refuses to run as root (exit 111)"
  case $out in *root*) ok 0 "says why it refuses root" ;; *) ok 1 "says why it refuses root" ;; esac
fi

smtpd_py <<'PY'
import re
s = Session()
is_(s.greeting[0], 220, "greeting 220")
is_(s.code("MAIL FROM:<a@b.example>"), 503, "MAIL before HELO: 503")
c, lines = s.cmd("EHLO client.example")
is_(c, 250, "EHLO 250")
caps = [l[4:] for l in lines[1:]]
for cap in ["PIPELINING", "8BITMIME", "SIZE 100000", "ENHANCEDSTATUSCODES", "SMTPUTF8"]:
    check(cap in caps, "EHLO advertises " + cap)
for verb, want in [("NOOP", 250), ("VRFY someone", 252), ("HELP", 214), ("RSET", 250), ("FOO bar", 500)]:
    c, l = s.cmd(verb)
    is_(c, want, verb + " -> %d" % want)
    check(re.match(r"^\d{3} [245]\.\d{1,3}\.\d{1,3} ", l[-1]) is not None, verb + " reply carries an enhanced status code")
is_(s.code("RCPT TO:<b@test.example>"), 503, "RCPT before MAIL: 503")
is_(s.code("DATA"), 503, "DATA before MAIL: 503")
is_(s.code("MAIL FROM:<a@b.example>"), 250, "MAIL 250")
is_(s.code("MAIL FROM:<a@b.example>"), 503, "nested MAIL: 503")
is_(s.code("DATA"), 554, "DATA without a valid recipient: 554")
is_(s.code("RCPT TO:<b@test.example> FOO=bar"), 555, "unknown RCPT parameter: 555")
is_(s.code("RSET"), 250, "RSET")
is_(s.code("MAIL FROM:<a@b.example> FOO=1"), 555, "unknown MAIL parameter: 555")
is_(s.code("MAIL FROM:<a@b.example> BODY=9BIT"), 501, "bad BODY value: 501")
c, l = s.cmd("MAIL FROM:<a@b.example> SIZE=100001")
is_(c, 552, "SIZE over databytes: 552")
check(" 5.3.4 " in l[0], "SIZE refusal says 5.3.4")
is_(s.code("MAIL FROM:<a@b.example> SIZE=99999999999999999999999999"), 501, "absurd SIZE: syntax error")
is_(s.code("MAIL FROM:<a@b.example> SIZE=100000 BODY=8BITMIME SMTPUTF8"), 250, "SIZE within the limit, BODY=8BITMIME, SMTPUTF8")
is_(s.code("RSET"), 250, "RSET")
is_(s.code("MAIL FROM:<>"), 250, "null sender accepted")
is_(s.code("RCPT TO:<>"), 501, "null recipient refused")
is_(s.code("RCPT TO:b@test.example"), 501, "recipient without angle brackets: 501")
is_(s.code('RCPT TO:<"john smith"@test.example>'), 250, "quoted local part accepted")
is_(s.code("RCPT TO:<@relay.example,@other.example:c@test.example>"), 250, "source route accepted")
is_(s.code("RCPT TO:<c@[127.0.0.1]>"), 250, "address literal naming this host accepted (localiphost)")
is_(s.code("RCPT TO:<c@[IPv6:::1]>"), 553, "foreign IPv6 literal is not a rcpthost")
is_(s.code("RCPT TO:<c@[999.1.1.1]>"), 501, "malformed literal: 501")
is_(s.code("RCPT TO:<c@bad..example>"), 501, "malformed domain: 501")
is_(s.code("RCPT TO:<Postmaster>"), 250, "<Postmaster> without a domain accepted")
is_(s.code("RCPT TO:<someone>"), 553, "other unqualified recipient refused")
is_(s.code("RCPT TO:<j\xc3\xbcrgen@test.example>".encode("latin-1")), 553, "UTF-8 recipient without SMTPUTF8: 553")
is_(s.code("RSET"), 250, "RSET")
is_(s.code("MAIL FROM:<j\xc3\xbcrgen@b.example>".encode("latin-1")), 553, "UTF-8 sender without SMTPUTF8: 553")
is_(s.code("MAIL FROM:<j\xc3\xbcrgen@b.example> SMTPUTF8".encode("latin-1")), 250, "UTF-8 sender with SMTPUTF8")
is_(s.code("RCPT TO:<j\xc3\xbcrgen@test.example>".encode("latin-1")), 250, "UTF-8 recipient with SMTPUTF8")
is_(s.code("RSET"), 250, "RSET")
s.cmd("QUIT")
s.close()

# Line lengths: 512 and 1000 bytes (CRLF included) accepted, 1001 refused, a 1 MiB line survived.
s = Session()
s.cmd("HELO x")
is_(s.code("NOOP " + "a" * (512 - 7)), 250, "512-byte command line accepted")
is_(s.code("NOOP " + "a" * (1000 - 7)), 250, "1000-byte command line accepted")
c, l = s.cmd("NOOP " + "a" * (1001 - 7))
is_(c, 500, "1001-byte command line: 500")
check(" 5.5.2 " in l[0], "long line refusal says 5.5.2")
s.send("NOOP " + "x" * (1 << 20) + "\r\n")
is_(s.reply()[0], 500, "1 MiB command line: 500")
is_(s.code("NOOP"), 250, "still well-behaved after the 1 MiB line")
is_(s.code(b"NO\x00OP"), 500, "NUL in a command: 500")
s.cmd("QUIT")
s.close()

# Recipient count.
s = Session()
s.cmd("EHLO x")
s.cmd("MAIL FROM:<a@b.example>")
s.send("".join("RCPT TO:<r%d@test.example>\r\n" % i for i in range(101)))
codes = [s.reply()[0] for i in range(101)]
is_(codes[:100], [250] * 100, "100 recipients accepted")
c = codes[100]
is_(c, 452, "101st recipient: 452")
s.cmd("QUIT")
s.close()

# Pipelining: one write, replies in order.
s = Session()
s.cmd("EHLO x")
s.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<one@test.example>\r\nRCPT TO:<x@elsewhere.example>\r\nRCPT TO:<two@test.example>\r\nDATA\r\n")
codes = [s.reply()[0] for i in range(5)]
is_(codes, [250, 250, 553, 250, 354], "pipelined MAIL/RCPT/RCPT/RCPT/DATA replies in order")
before = queue_count()
s.send("Subject: pipelined\r\n\r\nhello\r\n.\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<one@test.example>\r\nRSET\r\nQUIT\r\n")
codes = [s.reply()[0] for i in range(5)]
is_(codes, [250, 250, 250, 250, 221], "pipelined end of data, MAIL, RCPT, RSET, QUIT")
is_(queue_count(), before + 1, "the pipelined message is queued")
s.close()
check("event=session" in s.log and "event=tx" in s.log and "status=accepted" in s.log, "log lines for the session and the transaction")

# Garbage and the error bound.
s = Session()
import random
random.seed(5)
junk = bytes(random.randrange(256) for i in range(4096)).replace(b"\n", b"\r\n")
s.send(junk + b"\r\n" + b"\x01\xff junk\r\n" * 30)
got = []
while True:
    c, l = s.reply()
    if c is None:
        break
    got.append(c)
check(len(got) > 0 and got[-1] == 421, "garbage: refused, then 421 after too many errors")
check(s.eof(), "connection closed after the error bound")
s.close()
check("end=too-many-errors" in s.log, "session log gives the reason")
PY
t_done

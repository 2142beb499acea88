#!/bin/sh
# Every program's log lines from a real run, read by a parser of berth's one quoting rule
# (doc/logging.md): berth-smtpd takes a message for five recipients (one with a space in its
# local part); berth-send delivers it over STARTTLS to a sink (sent), into a Maildir (sent),
# fails one local user (bounced), defers one remote domain whose port refuses until the queue
# lifetime ends (deferred, then expired); berth-bounce sends the bounce. Every line is either a
# warning or fatal message, or parses whole; each field is checked. Then the totals recipe of
# doc/logging.md runs, as written there, on berth-send's log.
. "$BERTH_TOP/tests/rtls-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
rtls_setup 90
. "$BERTH_TOP/tests/smtpd-glue.sh"
c=$BERTH_HOME/control
DEAD=$(free_port)   # nothing listens there: connections are refused
rsink far 127.0.0.1 --cert "$C/rsa.crt" --key "$C/rsa.key"
wait_listen 127.0.0.1 "$P" || { echo "Bail out! the sink did not start"; exit 1; }
printf 'far.test:[127.0.0.1]\ndead.test:[127.0.0.1]:%s\n' "$DEAD" > "$c/smtproutes"
echo 400 > "$c/retryscale"
echo 1200 > "$c/queuelifetime"   # 3 s at retryscale 400: dead.test is tried at 0 s and 1 s, then expires at 4 s
echo 1 > "$c/logdebug"            # berth-rspawn's own line too, to be parsed like the others
t_bg as_user berth-start 2>"$T_DIR/send.log"
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
RELAYCLIENT=; export RELAYCLIENT   # berth-smtpd relays for the test's client
smtpd_listen -HRl0

"$PY" - "$port" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.ehlo("client.example")
s.sendmail("sender@far.test", ["u@far.test", '"a b"@far.test', "postmaster@test.example",
           "nosuchuser@test.example", "x@dead.test"],
           b"From: sender@far.test\r\nSubject: log format\r\n\r\nhello\r\n")
s.quit()
PY
ok $? "berth-smtpd took the message for five recipients"
done_ () { grep -q 'status=expired' "$T_DIR/send.log" && grep -q '^berth-bounce: info: bounce id=' "$T_DIR/send.log" && [ "$(grep -c 'event=end ' "$T_DIR/send.log")" -ge 2 ]; }
n=0; while [ $n -lt 300 ] && ! done_; do sleep 0.1; n=$((n + 1)); done
done_; ok $? "the run ended: the expired recipient, the bounce and both messages' end are logged"
/bin/kill -TERM "$T_PID" 2>/dev/null   # tcpserver
sleep 0.2

"$PY" - "$T_DIR/send.log" "$T_DIR/smtpd.log" "$P" "$DEAD" > "$T_DIR/py.out" <<'PY'
import re, sys
sendlog, smtpdlog, port, dead = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]

# the parser of doc/logging.md, as written there, and a check that no field comes twice
FIELD = re.compile(r' ([a-z0-9_]+)=("(?:[^"\\]|\\x[0-9a-f]{2})*"|[^ "]*)(?= |$)')
def parse(line):            # line without its "PROG:" (or "PROG: info: [WORD]") head
    out, pos = {}, 0
    while pos < len(line):
        m = FIELD.match(line, pos)
        if not m: raise ValueError("not berth's log form at %d: %r" % (pos, line))
        if m.group(1) in out: raise ValueError("field %s twice: %r" % (m.group(1), line))
        v = m.group(2)
        if v.startswith('"'): v = v[1:-1]
        out[m.group(1)] = re.sub(r'\\x([0-9a-f]{2})', lambda h: chr(int(h.group(1), 16)), v)
        pos = m.end()
    return out

HEAD = re.compile(r'^(berth-[a-z]+):(?: info:(?: ([a-z]+))?)?(?= [a-z0-9_]+=)')
PROSE = re.compile(r'^[a-z0-9-]+: (warning|fatal): ')
res = []
def check(cond, desc, info=""):
    res.append((bool(cond), desc, info))

lines = {}   # (prog, word) -> [fields]; word: the one after "info:", "info" when none, "" without info
bad = []
for f in (sendlog, smtpdlog):
    for raw in open(f, encoding="latin-1").read().splitlines():
        if not raw.startswith("berth-") or PROSE.match(raw): continue   # tcpserver's own lines
        m = HEAD.match(raw)
        try:
            if not m: raise ValueError("no berth head: %r" % raw)
            word = m.group(2) or ("info" if raw[len(m.group(1)):].startswith(": info:") else "")
            lines.setdefault((m.group(1), word), []).append(parse(raw[m.end():]))
        except ValueError as e:
            bad.append(str(e))
check(not bad, "every line is a warning, a fatal message, or parses whole under the quoting rule", "; ".join(bad[:3]))
check(set(p for p, w in lines) >= {"berth-send", "berth-smtpd", "berth-rspawn", "berth-remote", "berth-tlsc", "berth-bounce"},
      "lines of berth-send, berth-smtpd, berth-rspawn, berth-remote, berth-tlsc and berth-bounce", str(sorted(lines)))

send = lines.get(("berth-send", ""), [])
new = [x for x in send if x.get("event") == "new"]
check(len(new) == 2 and all(x["bytes"].isdigit() and int(x["bytes"]) > 0 for x in new), "berth-send: two event=new lines (message, bounce) with their bytes")
check(any(x.get("from") == "sender@far.test" and x.get("rcpts") == "5" for x in new), "event=new: from= and rcpts= of the message")
dl = [x for x in send if x.get("event") == "delivery"]
KEYS = ["event", "id", "rcpt", "chan", "relay", "try", "delay", "delays", "dsn", "status"]
check(all(list(x)[:len(KEYS)] == KEYS and list(x)[-1] == "text" for x in dl), "every delivery line: id rcpt chan relay try delay delays dsn status ... text, in that order")
check(len(set((x["id"], x["rcpt"], x["try"]) for x in dl)) == len(dl), "one line per delivery attempt: no (id, rcpt, try) twice")
def split_ok(x):
    q, c, t = (float(v) for v in x["delays"].split("/"))
    return abs(q + c + t - float(x["delay"])) <= 0.0025 and min(q, c, t) >= 0
check(all(re.fullmatch(r"\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}", x["delays"]) and split_ok(x) for x in dl), "delays=q/c/x adds up to delay on every line")
by = {}
for x in dl: by.setdefault(x["rcpt"], []).append(x)

u = by.get("u@far.test", [{}])[-1]
check(u.get("status") == "sent" and u.get("chan") == "remote" and u.get("relay") == "127.0.0.1[127.0.0.1]:" + port and u.get("dsn") == "2.0.0",
      "u@far.test: sent, relay 127.0.0.1[127.0.0.1]:PORT, dsn 2.0.0", str(u))
check(u.get("tls", "").startswith("TLSv1.") and u.get("cipher", "").startswith("TLS_") and u.get("verified") == "0",
      "u@far.test: tls, cipher and verified=0 fields")
check(u.get("text", "").startswith("127.0.0.1 accepted message. Remote host said: 250 "), "u@far.test: the reply text, quoted, with its spaces")
ab = by.get("a b@far.test", [{}])[-1]
check(ab.get("status") == "sent", "a recipient with a space (a\\x20b@far.test) is read back whole, sent", str(list(by)))
pm = by.get("postmaster@test.example", [{}])[-1]
check(pm.get("status") == "sent" and pm.get("chan") == "local" and pm.get("relay") == "local" and pm.get("delays", "").split("/")[1:2] == ["0.000"],
      "postmaster@test.example: local, relay=local, no setup time", str(pm))
ns = by.get("nosuchuser@test.example", [])
check([x["status"] for x in ns] == ["bounced"] and ns[0]["dsn"] == "5.1.1", "nosuchuser@test.example: bounced once, dsn 5.1.1", str(ns))
dd = by.get("x@dead.test", [])
st = [x["status"] for x in dd]
check(len(st) >= 2 and set(st[:-1]) == {"deferred"} and st[-1] == "expired", "x@dead.test: deferred, then expired once (never bounced)", str(st))
check(all(x["relay"] == "127.0.0.1[127.0.0.1]:" + dead and ("127.0.0.1:%s: Connection refused" % dead) in x["text"] for x in dd),
      "x@dead.test: the relay and the connect error name the port", dd and dd[0]["text"])
check(all(x["dsn"] == ("5.4.1" if x["status"] == "expired" else "4.4.1") for x in dd), "x@dead.test: dsn 4.4.1 deferred, 5.4.1 expired")
bl = [x for x in dl if x["id"].endswith("B")]
check(len(bl) == 1 and bl[0]["rcpt"] == "sender@far.test" and bl[0]["status"] == "sent", "the bounce delivered to the sender: one sent line")

rs = lines.get(("berth-rspawn", "info"), [])
check(rs and all(list(x) == ["id", "rcpt", "delay", "status", "reply"] and "\x1f" not in x["reply"] for x in rs),
      "berth-rspawn (control/logdebug): id rcpt delay status reply, the reply without the facts")
check(any(x["rcpt"] == "a b@far.test" for x in rs), "berth-rspawn: the address with a space read back whole")
tl = lines.get(("berth-remote", "tls"), [])
check(tl and all(list(x) == ["relay", "tls", "cipher", "verified", "policy"] and x["relay"] == "127.0.0.1[127.0.0.1]:" + port and x["policy"] == "may" for x in tl),
      "berth-remote: tls relay= tls= cipher= verified= policy=may", str(tl[:1]))
tc = lines.get(("berth-tlsc", "tls"), [])
check(tc and all(list(x)[:5] == ["peer", "protocol", "cipher", "verified", "cert"] and x["cert"].startswith("SHA256:") for x in tc),
      "berth-tlsc: tls peer= protocol= cipher= verified= cert=", str(tc[:1]))
bo = lines.get(("berth-bounce", "bounce"), [])
check(len(bo) == 1 and list(bo[0]) == ["id", "to", "recipients", "bytes", "qid"] and bo[0]["to"] == "<sender@far.test>" and bo[0]["recipients"] == "2",
      "berth-bounce: one line, id to recipients bytes qid, two recipients (bounced and expired)", str(bo))
sm = [x for x in lines.get(("berth-smtpd", ""), []) if x.get("event") == "tx"]
check(len(sm) == 1 and sm[0].get("status") == "accepted" and sm[0].get("from") == "sender@far.test" and sm[0].get("rcpts") == "5" and sm[0].get("helo") == "client.example",
      "berth-smtpd: the transaction line, accepted, from, rcpts, helo", str(sm))
for ok_, desc, info in res:
    print("%d\t%s" % (0 if ok_ else 1, desc))
    if not ok_ and info: print("D\t%s" % info)
PY
while IFS="$TAB" read -r st desc; do
  case $st in D) diag "$desc" ;; *) ok "$st" "$desc" ;; esac
done < "$T_DIR/py.out"
[ -s "$T_DIR/py.out" ]; ok $? "the parser ran"

# the totals recipe of doc/logging.md, taken from the page as it is
sed -n '/<!-- logstat begin -->/,/<!-- logstat end -->/p' "$BERTH_TOP/doc/logging.md" | sed -e '1d;$d' -e 's/^    //' \
  -e "s|/var/berth/service/send/log/current|\"\$1\"|" > "$T_DIR/logstat.sh"
sh "$T_DIR/logstat.sh" "$T_DIR/send.log" > "$T_DIR/totals" 2>&1; ok $? "the totals recipe runs"
diag "$(cat "$T_DIR/totals")"
nd=$(grep -c 'event=delivery .*status=deferred' "$T_DIR/send.log")
grep -Eq "^received +2 messages +[0-9]+ bytes$" "$T_DIR/totals"; ok $? "totals: 2 received"
grep -Eq "^delivered +4 recipients \(2 messages\) [1-9][0-9]* bytes$" "$T_DIR/totals"; ok $? "totals: 4 delivered (three of the message, the bounce)"
grep -Eq "^deferred +$nd attempts$" "$T_DIR/totals"; ok $? "totals: $nd deferred attempts"
grep -Eq "^bounced +1 recipients$" "$T_DIR/totals" && grep -Eq "^expired +1 recipients$" "$T_DIR/totals"; ok $? "totals: 1 bounced, 1 expired"
grep -Eq "^far\.test +3 +3 +0 +0 +0$" "$T_DIR/totals"; ok $? "totals: far.test, 3 attempts, all sent"
grep -Eq "^dead\.test +$((nd + 1)) +0 +$nd +0 +1$" "$T_DIR/totals"; ok $? "totals: dead.test, deferred then expired"

# berth-logstat: the same totals from the quoting rule's parser in C, with s6-log's timestamps too
berth-logstat "$T_DIR/send.log" > "$T_DIR/totals.c"; ok $? "berth-logstat runs"
cmp -s "$T_DIR/totals" "$T_DIR/totals.c"; ok $? "berth-logstat prints what the recipe prints"; diff "$T_DIR/totals" "$T_DIR/totals.c" | head -n 5 | sed 's/^/# /'
sed 's/^/@400000006543a1b2c3d4e5f6 /' "$T_DIR/send.log" | berth-logstat > "$T_DIR/totals.t"
cmp -s "$T_DIR/totals" "$T_DIR/totals.t"; ok $? "berth-logstat: the same from stdin with s6-log's timestamps"
sed 's/^/@400000006543a1b2c3d4e5f6 /' "$T_DIR/send.log" > "$T_DIR/send.tai"
sh "$T_DIR/logstat.sh" "$T_DIR/send.tai" | cmp -s "$T_DIR/totals" -; ok $? "the recipe: the same with s6-log's timestamps"
printf 'berth-send: event=delivery id=1 rcpt=a@b.test chan=remote relay=none try=1 delay=0.000 delays=0.000/0.000/0.000 dsn=2.0.0 status=sent text="ok status=bounced"\nberth-send: event=delivery id=2 rcpt=c@b\\x3 status=sent\n' | berth-logstat > "$T_DIR/totals.x"
grep -Eq '^delivered +1 recipients' "$T_DIR/totals.x" && grep -Eq '^bounced +0 recipients' "$T_DIR/totals.x"
ok $? "berth-logstat: a status= inside a quoted text is no field, a line that breaks the rule is skipped"
berth-logstat -x >/dev/null 2>&1; is "$?" 100 "berth-logstat: usage 100"
berth-logstat "$T_DIR/nonexistent" >/dev/null 2>&1; is "$?" 111 "berth-logstat: a file it cannot open 111"
t_done

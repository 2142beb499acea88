#!/bin/sh
# berth-smtpd STARTTLS through tcpserver + berth-tlsd (UCSPI-TLS): openssl s_client and python
# smtplib transactions (ESMTPS with version and cipher in Received), state forgotten after TLS,
# a second STARTTLS, pipelined data after STARTTLS refused, declining TLS (the engine child
# exits at MAIL), a failed handshake, requiretls, and implicit TLS (berth-tlsd -i) with swaks.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v openssl >/dev/null || skip_all "openssl not installed"
t_start 60
t_instance
C=$T_DIR/certs
mkdir "$C"
( cd "$C" && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -keyout k.pem -out c.pem -days 2 ) \
  > "$T_DIR/openssl.log" 2>&1 || { echo "Bail out! cannot make a test certificate"; exit 1; }
chmod 644 "$C"/*
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
TLSD=$BERTH_TOP/bin/berth-tlsd
SMTPD=$BERTH_TOP/bin/berth-smtpd
port=$(free_port)
t_bg env CERTFILE="$C/c.pem" KEYFILE="$C/k.pem" $setuid tcpserver -HRl0 127.0.0.1 "$port" "$TLSD" -K 3000 "$SMTPD" 2> "$T_DIR/tcp.log"
tcppid=$T_PID
rport=$(free_port)
t_bg env CERTFILE="$C/c.pem" KEYFILE="$C/k.pem" REQUIRETLS=1 $setuid tcpserver -HRl0 127.0.0.1 "$rport" "$TLSD" "$SMTPD" 2> "$T_DIR/req.log"
iport=$(free_port)
t_bg env CERTFILE="$C/c.pem" KEYFILE="$C/k.pem" $setuid tcpserver -HRl0 127.0.0.1 "$iport" "$TLSD" -i "$SMTPD" 2> "$T_DIR/imp.log"
for p in "$port" "$rport" "$iport"; do wait_port "$p" || { echo "Bail out! tcpserver did not start"; exit 1; }; done
export port rport iport tcppid
RECEIVED_RE='^	by [^ ]* (berth-smtpd) with ESMTPS (TLSv1\.[23] TLS_[A-Z0-9_]*) id s[0-9.]*$'

# openssl s_client -starttls smtp: a whole transaction over TLS.
before=$(ls "$BERTH_HOME/queue/todo" | wc -l)
printf 'EHLO sclient.example\nMAIL FROM:<a@b.example>\nRCPT TO:<c@test.example>\nDATA\nSubject: s_client\n\nover tls\n.\nQUIT\n' |
  timeout 10 openssl s_client -starttls smtp -connect "127.0.0.1:$port" -crlf -quiet > "$T_DIR/sclient.out" 2>&1
qid=$(sed -n 's/^250 2\.0\.0 ok queued as \([0-9.]*\).*/\1/p' "$T_DIR/sclient.out")
is "$(ls "$BERTH_HOME/queue/todo" | wc -l)" "$((before + 1))" "s_client -starttls smtp: message queued"
grep -q '^221 ' "$T_DIR/sclient.out"; ok $? "s_client: QUIT answered over TLS"
if [ -n "$qid" ] && [ -f "$BERTH_HOME/queue/mess/$qid" ]; then
  qbody "$BERTH_HOME/queue/mess/$qid" | sed -n 3p | grep -q "$RECEIVED_RE"
  ok $? "s_client: Received says ESMTPS with TLS version and cipher suite"
  qbody "$BERTH_HOME/queue/mess/$qid" | sed -n 3p | sed 's/^/# /'
else
  ok 1 "s_client: Received says ESMTPS (no queue id in: $(tr '\n' ' ' < "$T_DIR/sclient.out" | tail -c 300))"
fi

smtpd_py <<'PY'
import os, re, smtplib, socket, ssl, time
port, rport = int(os.environ["port"]), int(os.environ["rport"])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

# smtplib starttls(): state forgotten, no second STARTTLS, a transaction.
before = queue_ids()
c = smtplib.SMTP("127.0.0.1", port, local_hostname="smtplib.example", timeout=10)
c.ehlo()
check(c.has_extn("starttls"), "EHLO offers STARTTLS under berth-tlsd")
is_(c.starttls(context=ctx)[0], 220, "smtplib starttls(): 220")
is_(c.docmd("MAIL FROM:<a@b.example>")[0], 503, "after STARTTLS the HELO/EHLO state is forgotten (503)")
c.ehlo()
check(not c.has_extn("starttls"), "EHLO over TLS no longer offers STARTTLS")
is_(c.docmd("STARTTLS")[0], 503, "second STARTTLS: 503")
is_(c.sendmail("a@b.example", ["d@test.example"], b"Subject: smtplib\r\n\r\nhi\r\n"), {}, "smtplib transaction over TLS accepted")
c.quit()
new = [q for q in queue_ids() if q not in before]
if check(len(new) == 1, "smtplib message queued"):
    m = mess(new[0])
    check(re.search(rb"\n\tby \S+ \(berth-smtpd\) with ESMTPS \(TLSv1\.[23] TLS_[A-Z0-9_]+\) id s[0-9.]+\n\tfor <d@test\.example>; ", m) is not None,
          "smtplib: Received says ESMTPS with version and cipher")
    check(b"\nDate: " not in m, "no Date: added without AUTH")

# CVE-2011-0411: a command pipelined after STARTTLS in the same packet.
before = queue_count()
s = tcp(port)
s.cmd("EHLO evil.example")
s.send(b"STARTTLS\r\nMAIL FROM:<a@b.example>\r\n")
c, l = s.reply()
is_(c, 554, "pipelined data after STARTTLS: 554")
check(l and "pipelined" in l[0] and l[0].startswith("554 5.5.1"), "554 5.5.1 names the pipelined data")
check(s.eof(), "pipelined STARTTLS: session ends")
s.close()
is_(queue_count(), before, "nothing queued")

# Declining: a cleartext MAIL closes SSLCTLFD/SSLREADFD/SSLWRITEFD; berth-tlsd's child exits.
def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                st = open("/proc/%s/stat" % d).read()
            except OSError:
                continue
            f = st[st.rindex(")") + 2:].split()
            if int(f[1]) == pid:
                out.append((int(d), f[0]))
    return out
tcppid = int(os.environ["tcppid"])
s = tcp(port)
s.cmd("EHLO clear.example")
kids = children(tcppid)
smtpd = kids[0][0] if len(kids) == 1 else None
engine = children(smtpd) if smtpd else []
check(len(engine) == 1 and engine[0][1] in "SR", "before MAIL: berth-tlsd's child waits on SSLCTLFD")
is_(s.code("MAIL FROM:<a@b.example>"), 250, "MAIL in clear")
gone = False
for _ in range(100):
    e = children(smtpd) if smtpd else []
    if not e or all(st == "Z" for _, st in e):
        gone = True
        break
    time.sleep(0.02)
check(gone, "after a cleartext MAIL: berth-tlsd's child has exited (TLS declined)")
is_(s.code("STARTTLS"), 502, "STARTTLS after declining: 502")
is_(s.code("RCPT TO:<e@test.example>"), 250, "cleartext session goes on")
s.cmd("QUIT"); s.close()

# A failed handshake: garbage instead of a ClientHello ends the session.
s = tcp(port)
s.cmd("EHLO bad.example")
is_(s.code("STARTTLS"), 220, "STARTTLS accepted")
s.send(b"\x16\x03\x01\x00\x05hello")
check(s.eof(), "garbage handshake: connection closed")
s.close()

# requiretls from the environment (REQUIRETLS=1 on that service).
s = tcp(rport)
c, lines = s.cmd("EHLO clear.example")
c, l = s.cmd("MAIL FROM:<a@b.example>")
is_(c, 530, "REQUIRETLS: MAIL in clear refused: 530")
check(l and l[0].startswith("530 5.7.0"), "530 5.7.0")
s.cmd("QUIT"); s.close()
c = smtplib.SMTP("127.0.0.1", rport, local_hostname="smtplib.example", timeout=10)
c.starttls(context=ctx)
is_(c.sendmail("a@b.example", ["f@test.example"], b"Subject: required\r\n\r\nhi\r\n"), {}, "REQUIRETLS: MAIL after STARTTLS accepted")
c.quit()
# requiretls from the control file; a session without UCSPI-TLS can then never MAIL.
control("requiretls", "")
s = Session()
s.cmd("EHLO c.example")
is_(s.code("MAIL FROM:<a@b.example>"), 530, "control/requiretls: MAIL without TLS refused: 530")
is_(s.code("STARTTLS"), 502, "no SSLCTLFD: STARTTLS not available (502)")
s.cmd("QUIT"); s.close()
control("requiretls", None)
PY
sleep 0.2
grep -q 'event=starttls .*result=handshake-failed' "$T_DIR/tcp.log"; ok $? "log: failed handshake"
grep -q 'event=tx .*proto=ESMTPS tls=TLSv1\.[23] cipher=TLS_' "$T_DIR/tcp.log"; ok $? "log: tx line with proto=ESMTPS, tls= and cipher="
grep -q 'end=starttls-pipelined' "$T_DIR/tcp.log"; ok $? "log: pipelined STARTTLS"

# Implicit TLS (port 465 style): swaks --tls-on-connect.
before=$(ls "$BERTH_HOME/queue/todo" | wc -l)
swaks --server "127.0.0.1:$iport" --tls-on-connect --from a@b.example --to g@test.example --helo swaks.example \
  --body 'implicit' > "$T_DIR/swaks.out" 2>&1
is "$?" 0 "swaks --tls-on-connect: transaction succeeds"
grep -q 'STARTTLS' "$T_DIR/swaks.out"; [ $? = 1 ]; ok $? "implicit TLS: STARTTLS not offered"
qid=$(sed -n 's/.*250 2\.0\.0 ok queued as \([0-9.]*\).*/\1/p' "$T_DIR/swaks.out")
is "$(ls "$BERTH_HOME/queue/todo" | wc -l)" "$((before + 1))" "implicit TLS: message queued"
if [ -n "$qid" ] && [ -f "$BERTH_HOME/queue/mess/$qid" ]; then
  qbody "$BERTH_HOME/queue/mess/$qid" | sed -n 3p | grep -q "$RECEIVED_RE"
  ok $? "implicit TLS: Received says ESMTPS with version and cipher"
else
  ok 1 "implicit TLS: Received (no queue id)"
fi
t_done

#!/bin/sh
# DSN (RFC 3461, 3464, 6533) through berth: berth-smtpd offers it and checks its parameters, the
# queue keeps them in berth's envelope extension records (doc/queue.md), berth-queue refuses
# malformed ones (91), berth-qread shows them, and berth-send and berth-bounce honour them:
# NOTIFY=NEVER suppresses a bounce, NOTIFY=SUCCESS to a local Maildir gives a "delivered"
# report with Original-Recipient and Original-Envelope-Id, RET=HDRS returns the header only,
# delay warnings follow NOTIFY. A writer whose QMAILQUEUE is not berth's offers no DSN.
# REQUIRETLS is offered and written only in a TLS session.
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v openssl >/dev/null || skip_all "openssl not installed"
t_start 120
t_instance
c=$BERTH_HOME/control
Q=$BERTH_HOME/queue
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi

# berth-queue and malformed extension records
printf 'Subject: x\n\nx\n' > "$T_DIR/m"; chmod 644 "$T_DIR/m"
qq () { printf "$1" > "$T_DIR/e"; chmod 644 "$T_DIR/e"; as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e" 2>/dev/null; echo $?; }
is "$(qq 'Fa@test.example\0Ex\tY\0Tb@test.example\0\0')" 91 "berth-queue: a control byte in an E record: 91"
is "$(qq 'Fa@test.example\0Tb@test.example\0Rx\0Ry\0\0')" 91 "berth-queue: two R records after one T: 91"
is "$(qq 'Fa@test.example\0Rx\0Tb@test.example\0\0')" 91 "berth-queue: an R record after F: 91"
is "$(qq 'Fa@test.example\0Tb@te\037st.example\0\0')" 91 "berth-queue: a control byte in an address: 91"
big=$(head -c 1001 /dev/zero | tr '\0' x)
is "$(qq "Fa@test.example\0E$big\0Tb@test.example\0\0")" 91 "berth-queue: an E record of 1001 bytes: 91"
is "$(find "$Q/mess" "$Q/todo" -type f | wc -l)" 0 "nothing was queued by the refusals"

port=$(free_port)
t_bg $setuid tcpserver -HRl0 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
port2=$(free_port)
printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' > "$T_DIR/qmail-queue"; chmod 755 "$T_DIR/qmail-queue"
t_bg $setuid env QMAILQUEUE="$T_DIR/qmail-queue" tcpserver -HRl0 127.0.0.1 "$port2" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd2.log"
port3=$(free_port)
t_bg $setuid env QMAILQUEUE="$T_DIR/qmail-queue" QMAILQUEUE_EXT=1 tcpserver -HRl0 127.0.0.1 "$port3" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd3.log"
wait_port "$port" && wait_port "$port2" && wait_port "$port3" || { echo "Bail out! tcpserver did not start"; exit 1; }

md=$BERTH_HOME/alias/Maildir/new
ok_md=$BERTH_HOME/alias/Maildir-dsnok
mkdir -p "$ok_md/new" "$ok_md/cur" "$ok_md/tmp"
echo ./Maildir-dsnok/ > "$BERTH_HOME/alias/.qmail-dsnok"
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$ok_md" "$BERTH_HOME/alias/.qmail-dsnok"
export port port2 port3 Q

"$PY" - > "$T_DIR/py.out" <<'PY'
import os, smtplib
port, q = int(os.environ["port"]), os.environ["Q"]
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
def ehlo(p):
    c = smtplib.SMTP("127.0.0.1", p, timeout=10); c.ehlo("client.example"); return c
c = ehlo(port)
say(c.has_extn("dsn"), "EHLO offers DSN (queued in process)")
say(not c.has_extn("requiretls"), "no REQUIRETLS without TLS")
for p in (int(os.environ["port2"]), int(os.environ["port3"])):
    d = ehlo(p)
    want = p == int(os.environ["port3"])
    say(d.has_extn("dsn") == want, "QMAILQUEUE=a non-berth program%s: DSN %soffered" % (" with QMAILQUEUE_EXT=1" if want else "", "" if want else "not "))
    if not want:
        say(d.docmd("MAIL FROM:<a@x.example> RET=HDRS")[0] == 555, "there, MAIL RET=HDRS is 555")
    d.quit()
def cmd(line): return c.docmd(line)
r = cmd("MAIL FROM:<a@x.example> ENVID=a+4"); say(r[0] == 501 and b"5.5.4" in r[1], "ENVID with bad xtext: 501 5.5.4 (%r)" % (r,))
r = cmd("MAIL FROM:<a@x.example> RET=SOME"); say(r[0] == 501, "RET=SOME: 501")
r = cmd("MAIL FROM:<a@x.example> REQUIRETLS"); say(r[0] == 555, "REQUIRETLS outside TLS: 555")
r = cmd("MAIL FROM:<postmaster@test.example> RET=HDRS ENVID=QQ314159"); say(r[0] == 250, "MAIL RET=HDRS ENVID=QQ314159: 250")
r = cmd("RCPT TO:<x@test.example> NOTIFY=NEVER,SUCCESS"); say(r[0] == 501, "NOTIFY=NEVER,SUCCESS: 501")
r = cmd("RCPT TO:<x@test.example> ORCPT=rfc822;a+zz"); say(r[0] == 501 and b"5.5.4" in r[1], "ORCPT with bad xtext: 501 5.5.4")
r = cmd("RCPT TO:<dsnok@test.example> NOTIFY=SUCCESS ORCPT=rfc822;orig+40example.com"); say(r[0] == 250, "RCPT NOTIFY=SUCCESS ORCPT=...: 250")
r = cmd("RCPT TO:<nosuch1@test.example> NOTIFY=NEVER"); say(r[0] == 250, "RCPT NOTIFY=NEVER: 250")
r = cmd("RCPT TO:<nosuch2@test.example> NOTIFY=failure"); say(r[0] == 250, "RCPT NOTIFY=failure: 250")
code, resp = c.data(b"Subject: dsn one\r\nX-Marker: header-only\r\n\r\nBODY-MARKER\r\n")
say(code == 250, "message one accepted")
qid = resp.decode().rsplit(" ", 1)[-1]
raw = open(os.path.join(q, "mess", qid), "rb").read()
env = raw[8:1024]; env = env[:env.find(b"\0\0") + 2].split(b"\0")
want = [b"Fpostmaster@test.example", b"ERET=HDRS ENVID=QQ314159", b"Tdsnok@test.example",
        b"RNOTIFY=SUCCESS ORCPT=rfc822;orig+40example.com", b"Tnosuch1@test.example", b"RNOTIFY=NEVER",
        b"Tnosuch2@test.example", b"RNOTIFY=FAILURE", b"", b""]
say(env[2:] == want, "the queue header's envelope: E after F, R after each T (%r)" % env)
c.mail("postmaster@test.example"); c.rcpt("nosuch3@test.example", ["NOTIFY=NEVER"])
code, resp = c.data(b"Subject: dsn never\r\n\r\nnever\r\n")
say(code == 250, "message two (NOTIFY=NEVER only) accepted")
c.mail("postmaster@test.example"); c.rcpt("nosuch4@test.example")
code, resp = c.data(b"Subject: plain\r\n\r\nplain\r\n")
raw = open(os.path.join(q, "mess", resp.decode().rsplit(" ", 1)[-1]), "rb").read()
say(b"\0E" not in raw[8:1024] and b"\0R" not in raw[8:1024], "no parameters: no extension record")
# RFC 6533: ORCPT in raw UTF-8 only under SMTPUTF8, kept as utf-8-addr-xtext
raw8 = b"RCPT TO:<dsnok@test.example> ORCPT=utf-8;j\xc3\xb6rg@example.com\r\n"
c.docmd("MAIL FROM:<postmaster@test.example>"); c.send(raw8); r = c.getreply()
say(r[0] == 501, "ORCPT in raw UTF-8 without SMTPUTF8: 501 (%r)" % (r,))
c.docmd("RSET"); c.docmd("MAIL FROM:<postmaster@test.example> SMTPUTF8"); c.send(raw8); r = c.getreply()
say(r[0] == 250, "with SMTPUTF8: 250 (%r)" % (r,))
code, resp = c.data(b"Subject: utf8 orcpt\r\n\r\nx\r\n")
raw = open(os.path.join(q, "mess", resp.decode().rsplit(" ", 1)[-1]), "rb").read()
say(b"\0Tdsnok@test.example\0RORCPT=utf-8;j\\x{F6}rg@example.com\0\0" in raw[8:1024], "its R record holds utf-8-addr-xtext (\\x{F6})")
c.quit()
print("I\t" + qid)
PY
while IFS="	" read -r st d; do
  case $st in I) qid=$d ;; D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py.out"

# REQUIRETLS (RFC 8689): offered and taken only in a TLS session (berth-tlsd, a test certificate)
C=$T_DIR/certs; mkdir "$C"
( cd "$C" && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -keyout k.pem -out c.pem -days 2 ) \
  > "$T_DIR/openssl.log" 2>&1 || { echo "Bail out! cannot make a test certificate"; exit 1; }
chmod 644 "$C"/*
tport=$(free_port)
t_bg env CERTFILE="$C/c.pem" KEYFILE="$C/k.pem" $setuid tcpserver -HRl0 127.0.0.1 "$tport" "$BERTH_TOP/bin/berth-tlsd" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/tls.log"
wait_port "$tport" || { echo "Bail out! tcpserver did not start"; exit 1; }
"$PY" - "$tport" "$Q" > "$T_DIR/py4.out" <<'PY'
import os, smtplib, ssl, sys
port, q = int(sys.argv[1]), sys.argv[2]
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
c = smtplib.SMTP("127.0.0.1", port, timeout=10); c.ehlo("client.example")
say(not c.has_extn("requiretls") and c.has_extn("starttls"), "before STARTTLS: no REQUIRETLS")
c.starttls(context=ctx); c.ehlo("client.example")
say(c.has_extn("requiretls") and c.has_extn("dsn"), "after STARTTLS: REQUIRETLS and DSN offered")
r = c.docmd("MAIL FROM:<postmaster@test.example> REQUIRETLS=yes"); say(r[0] == 501, "REQUIRETLS with a value: 501")
r = c.docmd("MAIL FROM:<postmaster@test.example> REQUIRETLS ENVID=tls1"); say(r[0] == 250, "MAIL REQUIRETLS in TLS: 250")
c.rcpt("dsnok@test.example")
code, resp = c.data(b"Subject: requiretls\r\n\r\nx\r\n"); c.quit()
qid = resp.decode().rsplit(" ", 1)[-1]
raw = open(os.path.join(q, "mess", qid), "rb").read()[8:1024]
say(b"\0Fpostmaster@test.example\0EENVID=tls1 REQUIRETLS\0Tdsnok@test.example\0\0" in raw, "the E record holds the REQUIRETLS word, after ENVID")
PY
while IFS="	" read -r st d; do
  case $st in D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py4.out"

# berth-milter as the queue program: DSN offered, the records passed on, a recipient deleted by
# the milter taking its R record along, one it adds having none
. "$BERTH_TOP/tests/milter-lib.sh"
milter_peer A
script A '{"mods": [["-", "<t1@test.example>"], ["+", "<postmaster@test.example>"]]}'
printf 'inet:127.0.0.1:%s\n' "$A_port" > "$c/milters"
mport=$(free_port)
t_bg $setuid env QMAILQUEUE="$BERTH_TOP/bin/berth-milter" tcpserver -HRl0 127.0.0.1 "$mport" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/milter.log"
wait_port "$mport" || { echo "Bail out! tcpserver did not start"; exit 1; }
"$PY" - "$mport" "$Q" > "$T_DIR/py5.out" <<'PY'
import os, smtplib, sys
port, q = int(sys.argv[1]), sys.argv[2]
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
c = smtplib.SMTP("127.0.0.1", port, timeout=20); c.ehlo("client.example")
say(c.has_extn("dsn"), "QMAILQUEUE=berth-milter: DSN offered")
c.mail("postmaster@test.example", ["ENVID=mil1"])
c.rcpt("dsnok@test.example", ["NOTIFY=FAILURE", "ORCPT=rfc822;d+40x.example"])
c.rcpt("t1@test.example", ["NOTIFY=SUCCESS"])
code, resp = c.data(b"Subject: through a milter\r\n\r\nx\r\n"); c.quit()
say(code == 250, "accepted through berth-milter (%d %r)" % (code, resp))
qid = resp.decode().rsplit(" ", 1)[-1]
env = open(os.path.join(q, "mess", qid), "rb").read()[8:1024]
env = env[:env.find(b"\0\0") + 2].split(b"\0")
say(env[2:] == [b"Fpostmaster@test.example", b"EENVID=mil1", b"Tdsnok@test.example", b"RNOTIFY=FAILURE ORCPT=rfc822;d+40x.example", b"Tpostmaster@test.example", b"", b""],
    "the envelope: E kept, t1 gone with its R record, the added recipient without one (%r)" % env)
PY
while IFS="	" read -r st d; do
  case $st in D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py5.out"
rm -f "$c/milters"

as_user berth-qread > "$T_DIR/qread" 2>&1
grep -q '^  params: RET=HDRS ENVID=QQ314159$' "$T_DIR/qread"; ok $? "berth-qread shows the message's parameters"
grep -q 'to=<dsnok@test.example>.* params: NOTIFY=SUCCESS ORCPT=rfc822;orig+40example.com$' "$T_DIR/qread"; ok $? "berth-qread shows a recipient's parameters"
as_user berth-qread -j > "$T_DIR/qread.json" 2>&1
grep -q '"params":"RET=HDRS ENVID=QQ314159"' "$T_DIR/qread.json"; ok $? "berth-qread -j too"

t_bg as_user berth-start 2>"$T_DIR/send.log"; sendpid=$T_PID
n=0; while [ $n -lt 300 ] && [ "$(find "$Q/mess" "$Q/todo" "$Q/state" -type f | wc -l)" != 0 ]; do sleep 0.1; n=$((n + 1)); done
is "$(find "$Q/mess" "$Q/todo" "$Q/state" -type f | wc -l)" 0 "the queue empties"
[ -n "$(ls "$ok_md/new")" ]; ok $? "dsnok got its message"
export md qid
"$PY" - "$md" > "$T_DIR/py2.out" <<'PY'
import email, email.policy, os, sys
md = sys.argv[1]
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
reports = []
for f in sorted(os.listdir(md)):
    m = email.message_from_bytes(open(os.path.join(md, f), "rb").read(), policy=email.policy.default)
    if not m.is_multipart(): continue
    parts = list(m.iter_parts())
    ds = [p for p in parts if p.get_content_type() == "message/delivery-status"]
    if not ds: continue
    blocks = ds[0].get_payload()
    reports.append((m, blocks, parts))
print("D\treports: %r" % [(str(m["Subject"]), [dict(b.items()) for b in bl]) for m, bl, p in reports])
say(len(reports) == 2, "two reports: message one's and message three's bounce; none for NOTIFY=NEVER")
one = [r for r in reports if any(str(b.get("Final-Recipient", "")).endswith("dsnok@test.example") for b in r[1][1:])]
say(len(one) == 1, "message one's report")
if one:
    m, bl, parts = one[0]
    per = {str(b["Final-Recipient"]).split(";")[-1].strip(): b for b in bl[1:]}
    say(sorted(per) == ["dsnok@test.example", "nosuch2@test.example"], "its recipients: dsnok (delivered), nosuch2 (failed), not nosuch1 (NEVER): %r" % sorted(per))
    d = per.get("dsnok@test.example")
    say(d is not None and str(d["Action"]) == "delivered" and str(d["Status"]).startswith("2."), "dsnok: Action delivered, Status 2.x.x")
    say(d is not None and str(d["Original-Recipient"]).replace(" ", "") == "rfc822;orig@example.com", "dsnok: Original-Recipient from ORCPT, decoded")
    f = per.get("nosuch2@test.example")
    say(f is not None and str(f["Action"]) == "failed" and str(f["Status"]).startswith("5."), "nosuch2: Action failed, 5.x.x")
    say(str(bl[0]["Original-Envelope-Id"]) == "QQ314159", "Original-Envelope-Id from ENVID")
    last = parts[-1]
    body = last.get_payload() if isinstance(last.get_payload(), str) else last.as_string()
    say(last.get_content_type() == "text/rfc822-headers", "RET=HDRS: the original as text/rfc822-headers (%s)" % last.get_content_type())
    say("X-Marker: header-only" in str(body) and "BODY-MARKER" not in m.as_string(), "its header is there, its body is not")
PY
while IFS="	" read -r st d; do
  case $st in D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py2.out"

# Remote: the parameters reach the remote program (berth-rspawn's two variables, argv as
# qmail-remote's), "relayed" when it says the next hop had no DSN (dsn=relayed), and delay
# warnings as NOTIFY says. A stand-in remote program: t450* deferred, others accepted.
kill "$sendpid"; n=0; while [ $n -lt 100 ] && kill -0 "$sendpid" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
kill -0 "$sendpid" 2>/dev/null; [ $? != 0 ]; ok $? "the first berth-start stopped"
cat > "$T_DIR/remote" <<'SH'
#!/bin/sh
# one write per job: jobs run at once
entry=$(printf 'argv:%s\nmail:%s\nrcpt:%s|' "$*" "${BERTH_MAILPARAMS-unset}" "$(printf '%s' "${BERTH_RCPTPARAMS-unset}" | tr '\n' '|')")
printf '%s\n' "$entry" >> "$REMOTE_LOG"
cat > /dev/null
shift 2
for r in "$@"; do
  case $r in t450*) printf 's127.0.0.1 does not like recipient. Remote host said: 450 4.2.1 busy\0' ;; *) printf 'r\0' ;; esac
done
printf 'K127.0.0.1 accepted message. Remote host said: 250 ok\0Irelay=far.example[127.0.0.1]:25 dsn=relayed conn=1 xfer=1\0'
SH
chmod 755 "$T_DIR/remote"; : > "$T_DIR/remote.log"; chmod 666 "$T_DIR/remote.log"
echo 400 > "$c/retryscale"; echo 400 > "$c/delaywarning"; echo 2400 > "$c/queuelifetime"
before=$(ls "$md" | wc -l)
t_bg as_user env BERTH_REMOTE="$T_DIR/remote" REMOTE_LOG="$T_DIR/remote.log" berth-start 2>"$T_DIR/send2.log"
port4=$(free_port)
t_bg $setuid env RELAYCLIENT= tcpserver -HRl0 127.0.0.1 "$port4" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd4.log"
wait_port "$port4" || { echo "Bail out! tcpserver did not start"; exit 1; }
"$PY" - "$port4" <<'PY'
import smtplib, sys
c = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10); c.ehlo("client.example")
def send(rcpts, mopts=()):
    c.mail("postmaster@test.example", list(mopts))
    for r, o in rcpts: c.rcpt(r, o)
    code, _ = c.data(b"Subject: remote dsn\r\n\r\nremote\r\n")
    assert code == 250
send([("t450a@far.example", [])])
send([("t450b@far.example", ["NOTIFY=FAILURE"])])
send([("t450c@far.example", ["NOTIFY=DELAY"])])
send([("ok1@far.example", ["NOTIFY=SUCCESS", "ORCPT=rfc822;ok1+40far.example"]), ("ok2@far.example", ["NOTIFY=NEVER"])], ["RET=FULL", "ENVID=rel1"])
c.quit()
PY
ok $? "four messages to the remote channel accepted"
n=0; while [ $n -lt 300 ] && [ "$(find "$Q/mess" "$Q/todo" "$Q/state" "$Q/delay" -type f | wc -l)" != 0 ]; do sleep 0.1; n=$((n + 1)); done
is "$(find "$Q/mess" "$Q/todo" "$Q/state" "$Q/delay" -type f | wc -l)" 0 "the queue empties (queue lifetime over for t450*)"
grep -q '^argv:far.example postmaster@test.example ok1@far.example ok2@far.example$' "$T_DIR/remote.log"; r=$?
ok $r "the remote program's argv is qmail-remote's, without the parameters"
[ $r = 0 ] || diag "$(cat "$T_DIR/remote.log")"
grep -q '^mail:RET=FULL ENVID=rel1$' "$T_DIR/remote.log"; ok $? "BERTH_MAILPARAMS: the message's parameters"
grep -q '^rcpt:NOTIFY=SUCCESS ORCPT=rfc822;ok1+40far.example|NOTIFY=NEVER|$' "$T_DIR/remote.log"; ok $? "BERTH_RCPTPARAMS: one line per recipient, in argv order"
grep -A2 '^argv:far.example postmaster@test.example t450a@far.example$' "$T_DIR/remote.log" | grep -q '^mail:unset$'; ok $? "a job without parameters: the variables are unset"
"$PY" - "$md" "$before" > "$T_DIR/py3.out" <<'PY'
import email, email.policy, os, sys
md, before = sys.argv[1], int(sys.argv[2])
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
got = []
for f in sorted(os.listdir(md), key=lambda f: os.stat(os.path.join(md, f)).st_mtime)[before:]:
    m = email.message_from_bytes(open(os.path.join(md, f), "rb").read(), policy=email.policy.default)
    ds = [p for p in m.iter_parts() if p.get_content_type() == "message/delivery-status"] if m.is_multipart() else []
    if not ds: continue
    bl = ds[0].get_payload()
    for b in bl[1:]:
        got.append((str(b["Final-Recipient"]).split(";")[-1].strip().split("@")[0], str(b["Action"]), str(b.get("Original-Recipient", "")).replace(" ", ""), str(bl[0].get("Original-Envelope-Id", ""))))
print("D\tnotices: %r" % got)
acts = sorted((r, a) for r, a, o, e in got)
say(acts == [("ok1", "relayed"), ("t450a", "delayed"), ("t450a", "failed"), ("t450b", "failed"), ("t450c", "delayed")],
    "t450a (no NOTIFY): delay warning and bounce; t450b (FAILURE): bounce only; t450c (DELAY): warning only; ok1: relayed; ok2 (NEVER): nothing")
rel = [g for g in got if g[0] == "ok1"]
say(rel and rel[0][2] == "rfc822;ok1@far.example" and rel[0][3] == "rel1", "the relayed report: Original-Recipient and Original-Envelope-Id")
PY
while IFS="	" read -r st d; do
  case $st in D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py3.out"
t_done

#!/bin/sh
# DSN (RFC 3461, 3464, 6533) through berth: berth-smtpd offers it and checks its parameters, the
# queue keeps them in berth's envelope extension records (doc/queue.md), berth-queue refuses
# malformed ones (91), berth-qread shows them, and berth-send and berth-bounce honour them:
# NOTIFY=NEVER suppresses a bounce, NOTIFY=SUCCESS to a local Maildir gives a "delivered"
# report with Original-Recipient and Original-Envelope-Id, RET=HDRS returns the header only,
# delay warnings follow NOTIFY. A writer whose QMAILQUEUE is not berth's offers no DSN.
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
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
c.quit()
print("I\t" + qid)
PY
while IFS="	" read -r st d; do
  case $st in I) qid=$d ;; D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py.out"

as_user berth-qread > "$T_DIR/qread" 2>&1
grep -q '^  params: RET=HDRS ENVID=QQ314159$' "$T_DIR/qread"; ok $? "berth-qread shows the message's parameters"
grep -q 'to=<dsnok@test.example>.* params: NOTIFY=SUCCESS ORCPT=rfc822;orig+40example.com$' "$T_DIR/qread"; ok $? "berth-qread shows a recipient's parameters"
as_user berth-qread -j > "$T_DIR/qread.json" 2>&1
grep -q '"params":"RET=HDRS ENVID=QQ314159"' "$T_DIR/qread.json"; ok $? "berth-qread -j too"

t_bg as_user berth-start 2>"$T_DIR/send.log"
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
t_done

#!/bin/sh
# DSN with a real peer: a private Postfix takes a message with DSN requests (RET=HDRS, ENVID,
# NOTIFY=SUCCESS,FAILURE and ORCPT), relays it to berth-smtpd, which offers DSN; berth delivers
# one recipient to a Maildir and bounces the other, and its one report (Action delivered and
# failed, Original-Envelope-Id, Original-Recipient, the header only) comes back through
# berth-remote to Postfix's user. Then Postfix as the next hop: berth-remote passes the
# parameters to Postfix, which offers DSN and sends its own "delivered" report back through
# berth (berth makes none), and to Postfix's second listener, which does not offer DSN, where
# berth's own "relayed" report goes to the sender.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private Postfix needs root"
command -v postfix >/dev/null 2>&1 || skip_all "postfix is not installed"
t_start 180
t_instance
RELAYCLIENT= ; export RELAYCLIENT   # the test's client relays to Postfix's domains through berth
smtpd_listen -HR -l test.example
pfport2=$(free_port)
pf_up "$T_DIR/pf" "relayhost = [127.0.0.1]:$port
relay_transport = smtp
default_transport = smtp
virtual_mailbox_domains = pf.test, nodsn.test" "127.0.0.1:$pfport2 inet n - n - - smtpd -o smtpd_discard_ehlo_keywords=dsn"
c=$BERTH_HOME/control
printf 'pf.test:127.0.0.1\nnodsn.test:127.0.0.1:%s\n' "$pfport2" > "$c/smtproutes"
echo "$pfport" > "$c/smtpport"
ok_md=$BERTH_HOME/alias/Maildir-dsnok
mkdir -p "$ok_md/new" "$ok_md/cur" "$ok_md/tmp"
echo ./Maildir-dsnok/ > "$BERTH_HOME/alias/.qmail-dsnok"
chown -R "$TESTUSER" "$ok_md" "$BERTH_HOME/alias/.qmail-dsnok"
t_bg as_user berth-start 2>"$T_DIR/send.log"

"$PY" - "$pfport" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.ehlo("client.example")
assert s.has_extn("dsn")
s.mail("a@pf.test", ["RET=HDRS", "ENVID=pfenv1"])
s.rcpt("dsnok@test.example", ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;dsnok+40test.example"])
s.rcpt("nosuch@test.example", ["NOTIFY=FAILURE"])
code, _ = s.data(b"From: a@pf.test\r\nSubject: dsn through postfix\r\nX-Marker: pf-header\r\n\r\nPF-BODY-MARKER\r\n")
s.quit()
sys.exit(0 if code == 250 else 1)
PY
ok $? "Postfix took the message with DSN requests"
txs () { grep -c 'event=tx .*status=accepted' "$T_DIR/smtpd.log" 2>/dev/null; }
n=0; while [ $n -lt 600 ] && [ "$(txs)" -lt 1 ]; do
  sleep 0.1; n=$((n + 1)); [ $((n % 100)) = 0 ] && postqueue -c "$P/etc" -f 2>/dev/null
done
is "$(txs)" 1 "Postfix relayed it to berth-smtpd"
n=0; while [ $n -lt 300 ] && [ -z "$(find "$P/mail/box/new" -type f 2>/dev/null)" ]; do sleep 0.1; n=$((n + 1)); done
[ -n "$(ls "$ok_md/new")" ]; ok $? "berth delivered dsnok to its Maildir"
f=$(find "$P/mail/box/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ]; ok $? "a report came back to Postfix's user (a@pf.test)"
"$PY" - "${f:-/dev/null}" > "$T_DIR/py.out" <<'PY'
import email, email.policy, sys
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
parts = list(m.iter_parts()) if m.is_multipart() else []
ds = [p for p in parts if p.get_content_type() == "message/delivery-status"]
say(len(ds) == 1, "it is a delivery status notification")
if ds:
    bl = ds[0].get_payload()
    print("D\t%r" % [dict(b.items()) for b in bl])
    per = {str(b["Final-Recipient"]).split(";")[-1].strip(): b for b in bl[1:]}
    say(str(bl[0].get("Original-Envelope-Id")) == "pfenv1", "Original-Envelope-Id: Postfix's ENVID")
    d = per.get("dsnok@test.example")
    say(d is not None and str(d["Action"]) == "delivered" and str(d.get("Original-Recipient", "")).replace(" ", "") == "rfc822;dsnok@test.example",
        "dsnok: Action delivered, Original-Recipient from Postfix's ORCPT")
    f = per.get("nosuch@test.example")
    say(f is not None and str(f["Action"]) == "failed", "nosuch: Action failed")
    say(parts[-1].get_content_type() == "text/rfc822-headers" and b"X-Marker: pf-header" in raw and b"PF-BODY-MARKER" not in raw,
        "RET=HDRS: the header only")
PY
while IFS="	" read -r st d; do
  case $st in D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py.out"

# Postfix as the next hop
md=$BERTH_HOME/alias/Maildir/new
before=$(ls "$md" | wc -l)
"$PY" - "$port" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.ehlo("client.example")
s.mail("postmaster@test.example", ["RET=HDRS", "ENVID=nh1"])
s.rcpt("joe@pf.test", ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;joe+40pf.test"])
s.rcpt("ann@nodsn.test", ["NOTIFY=SUCCESS", "ORCPT=rfc822;ann+40nodsn.test"])
code, _ = s.data(b"From: postmaster@test.example\r\nSubject: to postfix with dsn\r\n\r\nNH-BODY-MARKER\r\n")
s.quit()
sys.exit(0 if code == 250 else 1)
PY
ok $? "berth-smtpd took a message for Postfix's two listeners with DSN requests"
n=0; while [ $n -lt 600 ] && [ "$(ls "$md" | wc -l)" -lt $((before + 2)) ]; do
  sleep 0.1; n=$((n + 1)); [ $((n % 100)) = 0 ] && postqueue -c "$P/etc" -f 2>/dev/null
done
grep -q 'rcpt=joe@pf.test .*status=sent' "$T_DIR/send.log"; ok $? "berth-send: joe@pf.test sent"
grep -q 'rcpt=ann@nodsn.test .*status=sent' "$T_DIR/send.log"; ok $? "berth-send: ann@nodsn.test sent"
"$PY" - "$md" "$before" > "$T_DIR/py2.out" <<'PY'
import email, email.policy, os, sys
md, before = sys.argv[1], int(sys.argv[2])
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d.replace("\n", " ")), flush=True)
got = []
for f in sorted(os.listdir(md), key=lambda f: os.stat(os.path.join(md, f)).st_mtime)[before:]:
    raw = open(os.path.join(md, f), "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    ds = [p for p in m.iter_parts() if p.get_content_type() == "message/delivery-status"] if m.is_multipart() else []
    if not ds: continue
    bl = ds[0].get_payload()
    for b in bl[1:]:
        got.append((str(b["Final-Recipient"]).split(";")[-1].strip(), str(b["Action"]), str(bl[0].get("Reporting-MTA", "")),
                    str(bl[0].get("Original-Envelope-Id", "")), str(b.get("Original-Recipient", "")).replace(" ", ""), b"NH-BODY-MARKER" in raw))
print("D\t%r" % got)
pf = [g for g in got if g[0] == "joe@pf.test"]
say(len(pf) == 1 and pf[0][1] == "delivered" and "pf.test" in pf[0][2], "joe@pf.test: one report, Postfix's own (Reporting-MTA pf.test), Action delivered")
say(pf and pf[0][3] == "nh1" and pf[0][4] == "rfc822;joe@pf.test" and not pf[0][5], "... with our ENVID and ORCPT, headers only (RET=HDRS)")
nd = [g for g in got if g[0] == "ann@nodsn.test"]
say(len(nd) == 1 and nd[0][1] == "relayed" and "test.example" in nd[0][2], "ann@nodsn.test (no DSN there): berth's own report, Action relayed")
say(nd and nd[0][3] == "nh1" and nd[0][4] == "rfc822;ann@nodsn.test", "... with the ENVID and ORCPT")
PY
while IFS="	" read -r st d; do
  case $st in D) diag "$d" ;; *) ok "$st" "$d" ;; esac
done < "$T_DIR/py2.out"
t_done

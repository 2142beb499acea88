#!/bin/sh
# DSN with a real peer: a private Postfix takes a message with DSN requests (RET=HDRS, ENVID,
# NOTIFY=SUCCESS,FAILURE and ORCPT), relays it to berth-smtpd, which offers DSN; berth delivers
# one recipient to a Maildir and bounces the other, and its one report (Action delivered and
# failed, Original-Envelope-Id, Original-Recipient, the header only) comes back through
# berth-remote to Postfix's user.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private Postfix needs root"
command -v postfix >/dev/null 2>&1 || skip_all "postfix is not installed"
t_start 180
t_instance
smtpd_listen -HR -l test.example
pf_up "$T_DIR/pf" "relayhost = [127.0.0.1]:$port
relay_transport = smtp
default_transport = smtp"
c=$BERTH_HOME/control
echo "pf.test:127.0.0.1" > "$c/smtproutes"
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
t_done

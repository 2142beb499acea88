#!/bin/sh
# End to end to a real MTA: smtplib -> tcpserver + berth-smtpd -> berth-queue -> berth-send ->
# berth-rspawn -> berth-remote -> a private Postfix instance on loopback, which delivers to a
# Maildir. Postfix runs from Debian's package with its own directories (never the system MTA).
# Then DSN's parameters from berth-remote to Postfix, and Postfix's own "delivered" report.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private Postfix needs root"
command -v postfix >/dev/null 2>&1 || skip_all "postfix is not installed"
t_start 90
t_instance
pf_up "$T_DIR/pf"

c=$BERTH_HOME/control
echo "pf.test:127.0.0.1" > "$c/smtproutes"
echo "$pfport" > "$c/smtpport"
t_bg as_user berth-start 2>"$T_DIR/send.log"
port=$(free_port)
t_bg s6-setuidgid "$TESTUSER" env RELAYCLIENT= tcpserver -HR -l test.example 127.0.0.1 "$port" berth-smtpd 2>"$T_DIR/smtpd.log"
wait_port "$port" 20; ok $? "berth-smtpd under tcpserver"

"$PY" -c 'import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.sendmail("sender@example.org", ["rcpt@pf.test"], b"From: sender@example.org\r\nTo: rcpt@pf.test\r\nSubject: to postfix\r\n\r\nline one\r\n.a leading dot\r\n\r\nlast line\r\n")
s.quit()' "$port"
ok $? "smtplib: accepted by berth-smtpd (relaying allowed for this client)"
n=0; while [ $n -lt 200 ] && [ -z "$(find "$P/mail" -type f 2>/dev/null)" ]; do sleep 0.1; n=$((n + 1)); done
f=$(find "$P/mail/box/new" -type f 2>/dev/null | head -n 1)
[ -n "$f" ]; ok $? "Postfix delivered it to its Maildir"
grep -q 'status=sent (delivered to maildir)' "$P/maillog"; ok $? "Postfix's log says status=sent"
grep -q '^	by test.example (berth-smtpd) with ESMTP id s' "$f"; ok $? "berth-smtpd's Received header travelled"
grep -q '^Received: (berth [0-9]* invoked from network\|^Received: (berth [0-9]* invoked by uid' "$f"; ok $? "berth-queue's Received header travelled"
# the body arrives as sent (Postfix stores LF line ends; the leading dot is stuffed and
# unstuffed at every hop)
printf 'line one\n.a leading dot\n\nlast line\n' > "$T_DIR/body"
awk 'b { print } /^$/ && !b { b = 1 }' "$f" | cmp -s - "$T_DIR/body"; ok $? "the body arrives byte for byte"
grep -q 'rcpt=rcpt@pf.test .*status=sent' "$T_DIR/send.log"; ok $? "berth-send logged the delivery as sent"

# DSN to Postfix (it offers DSN and PIPELINING): berth-remote passes RET, ENVID, NOTIFY and ORCPT
# on, and Postfix, having delivered, sends its own "delivered" report to the sender (pf.test too)
printf 'From: s@pf.test\nTo: joe@pf.test\nSubject: dsn to postfix\n\nsecret body\n' > "$T_DIR/dsnmsg"
BERTH_MAILPARAMS='RET=HDRS ENVID=QQ314159' BERTH_RCPTPARAMS='NOTIFY=SUCCESS ORCPT=rfc822;joe+40pf.test' \
  as_user berth-remote pf.test s@pf.test joe@pf.test < "$T_DIR/dsnmsg" 2>"$T_DIR/dsn.err" | tr '\0' '\n' > "$T_DIR/dsn.rep"
grep -q '^K127.0.0.1 accepted message' "$T_DIR/dsn.rep"; ok $? "NOTIFY=SUCCESS to Postfix: delivered"
! grep -q 'dsn=relayed' "$T_DIR/dsn.rep"; ok $? "Postfix offers DSN: no dsn=relayed"
n=0; while [ $n -lt 200 ] && ! grep -lqs 'Action: delivered' "$P/mail/box/new"/*; do sleep 0.1; n=$((n + 1)); done
r=$(grep -ls 'Action: delivered' "$P/mail/box/new"/* | head -n 1)
[ -n "$r" ]; ok $? "Postfix sent its delivered report (DSN) to the sender"
grep -q '^Original-Envelope-Id: QQ314159' "$r"; ok $? "... with our ENVID"
grep -q '^Original-Recipient: rfc822;joe@pf.test' "$r"; ok $? "... with our ORCPT, decoded"
grep -qi 'text/rfc822-headers' "$r" && ! grep -q 'secret body' "$r"; ok $? "... headers only, as RET=HDRS asked"
t_done

#!/bin/sh
# Real clients of berth-smtpd, which offers CHUNKING: berth-remote sends with BDAT (berth's log
# counts the chunks; the queued message byte for byte: dots, a long body, and a bare CR stored
# at the sender, which reaches the wire as CRLF and so is accepted as a line end, never as a
# bare CR); a private Postfix relaying to berth-smtpd sends with DATA (Postfix 3.7's SMTP client
# has no BDAT: its smtp(8) carries no BDAT code; its server does, tests/remote-bdat.t), and the
# message arrives the same.
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

/usr/bin/python3 - "$T_DIR" <<'PY'
import sys
body = b".one dot\r\n..two dots\r\n.\r\n" + b"".join(b"line %06d %s\r\n" % (i, b"y" * 70) for i in range(4000)) + b"end\r\n"
open(sys.argv[1] + "/body", "wb").write(body)
open(sys.argv[1] + "/body.lf", "wb").write(body.replace(b"\r\n", b"\n"))
PY
# inject SUBJECT: smtplib to Postfix's smtpd, for b@test.example
inject () {
  /usr/bin/python3 -c 'import smtplib, sys
body = open(sys.argv[3], "rb").read()
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.sendmail("a@pf.test", ["b@test.example"], b"From: a@pf.test\r\nTo: b@test.example\r\nSubject: " + sys.argv[2].encode() + b"\r\n\r\n" + body)
s.quit()' "$pfport" "$1" "$T_DIR/body"
}
txs () { grep -c 'event=tx .*status=accepted' "$T_DIR/smtpd.log" 2>/dev/null; }
# await N: until berth-smtpd logged N accepted messages; a loaded machine can make Postfix's
# first try fail (it then waits minutes): flush every 10 s
await () {
  n=0; while [ $n -lt 600 ] && [ "$(txs)" -lt "$1" ]; do
    sleep 0.1; n=$((n + 1)); [ $((n % 100)) = 0 ] && postqueue -c "$P/etc" -f 2>/dev/null
  done
}
# stored SUBJECT: the body of the queued message with that subject equals body.lf
stored () {
  for q in "$BERTH_HOME"/queue/mess/*; do
    if qbody "$q" | grep -q "^Subject: $1\$"; then
      qbody "$q" | awk 'b { print } /^$/ && !b { b = 1 }' | cmp -s - "$T_DIR/body.lf"; return
    fi
  done
  return 1
}

# berth-remote to berth-smtpd: BDAT.
echo "test.example:127.0.0.1:$port" > "$BERTH_HOME/control/smtproutes"
{ printf 'Subject: by bdat

'; cat "$T_DIR/body.lf"; } > "$T_DIR/msg1"
out=$(as_user berth-remote test.example a@pf.test b@test.example < "$T_DIR/msg1" | tr '\0' '\n')
case $out in *"K127.0.0.1 accepted message. Remote host said: 250 2.0.0 ok queued as"*) ok 0 "berth-remote to berth-smtpd: K" ;; *) ok 1 "berth-remote to berth-smtpd: K"; diag "$out" ;; esac
line=$(grep 'event=tx .*status=accepted' "$T_DIR/smtpd.log" | tail -n 1)
n=${line##* chunks=}; n=${n%% *}
case $n in [1-9]*) ok 0 "sent with BDAT ($n chunks logged)" ;; *) ok 1 "sent with BDAT (chunks= logged)"; diag "$line" ;; esac
[ "${n:-0}" -ge 3 ] 2>/dev/null; ok $? "a 330 KB message in several chunks"
stored "by bdat"; ok $? "berth queued the body byte for byte (dots as sent, LF line ends)"
printf 'Subject: bare cr

bare\rCR\nend\n' > "$T_DIR/msg2"
out=$(as_user berth-remote test.example a@pf.test b@test.example < "$T_DIR/msg2" | tr '\0' '\n')
case $out in *"K127.0.0.1 accepted message."*) ok 0 "a stored bare CR is relayed by BDAT as a line end: K" ;; *) ok 1 "a stored bare CR is relayed by BDAT as a line end: K"; diag "$out" ;; esac
f=$(grep -l '^Subject: bare cr$' "$BERTH_HOME"/queue/mess/* | head -n 1)
[ -n "$f" ] && [ "$(qbody "$f" | awk 'b { print } /^$/ && !b { b = 1 }')" = "$(printf 'bare\nCR\nend')" ]; ok $? "stored at the next hop as two lines, no CR"

# Postfix to berth-smtpd: DATA (its client has no BDAT), the same bytes.
inject "by data"; ok $? "Postfix takes a message for berth"
await 3
line=$(grep 'event=tx .*status=accepted' "$T_DIR/smtpd.log" | tail -n 1)
case $line in *"from=a@pf.test"*chunks=*) ok 1 "Postfix's client sends DATA (no chunks=)"; diag "$line" ;;
  *"from=a@pf.test"*) ok 0 "Postfix's client sends DATA (no chunks=)" ;;
  *) ok 1 "Postfix's client sends DATA (no chunks=)"; diag "$line" ;; esac
stored "by data"; ok $? "the same body through DATA"
grep -q 'status=sent (250 2.0.0 ok queued as' "$P/maillog"; ok $? "Postfix logged berth's queue reply"
t_done

#!/bin/sh
# berth-milter with a scripted milter (tests/milter-peer.py): what a milter is told (the SMTP
# facts berth-smtpd exports, AUTH and TLS among them, macros, headers, body), every change applied byte for byte (headers
# added, inserted, changed, deleted; body replaced; recipients added and deleted; sender
# changed), the verdicts (reject and tempfail with the milter's own code and text reaching the
# SMTP client at the end of DATA, a RCPT-stage reject too, discard, quarantine shown by
# berth-qread), two milters in order, local mail (berth-inject, control/milters-local), and a
# milter that is down, slow or answers garbage: the line's default action, nothing lost, nothing
# half-changed in the queue.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/milter-lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 240
unset QMAILINJECT BERTH_MILTERS BERTH_MILTER_NEXT
t_instance
milter_peer A
milter_peer B
printf 'inet:127.0.0.1:%s\n' "$A_port" > "$BERTH_HOME/control/milters"
QMAILQUEUE=$BERTH_TOP/bin/berth-milter; export QMAILQUEUE
smtpd_listen

M=$T_DIR/msg
printf 'From: Alice <a@client.example>\nTo: u@test.example\nSubject: hello\nX-Fold: one\n two\n\nline 1\n.line 2\n' > "$M"

berth-showctl 2>&1 | grep -q "^milters: inet:127.0.0.1:$A_port "; ok $? "berth-showctl shows control/milters"
# 1. a milter that only looks: the message queued exactly; what it was told
script A '{}'
n0=$(qcount)
r=$(smtp_send a@client.example u@test.example "$M" helo.client.example)
case $r in 250*) ok 0 "a milter that continues: 250 ($r)" ;; *) ok 1 "a milter that continues: 250 ($r)" ;; esac
is "$(qcount)" $((n0 + 1)) "... queued"
id=$(qlast)
qmsg "$id" | norcvd > "$T_DIR/got"   # without berth-smtpd's Received line
cmp -s "$M" "$T_DIR/got"; ok $? "... the message byte for byte as sent"
qbody "$BERTH_HOME/queue/mess/$id" | head -n 1 | grep -q '^Received: (berth [0-9]* invoked from network);'
ok $? "... committed by berth-milter itself, as the queue's owner (no berth-queue exec: its own Received line)"
grep -q "berth-milter: event=milter tx=[0-9.]* milter=\"inet:127.0.0.1:$A_port\" verdict=accept" "$T_DIR/smtpd.log"; ok $? "... berth-milter's log line for the milter"
grep -q "berth-milter: event=next tx=[0-9.]* exit=0 qid=$id\$" "$T_DIR/smtpd.log"; ok $? "... and for the queue program, with the queue id"
is "$(seen A 'r["optneg"][0]')" 6 "the milter is offered protocol version 6"
is "$(seen A 'r["connect"][1:]')" "['4', $(seen A 'r["connect"][2]'), '127.0.0.1']" "... SMFIC_CONNECT: IPv4, the client's port and address"
is "$(seen A 'r["macros"]["C"]["{client_addr}"]')" 127.0.0.1 "... {client_addr}"
is "$(seen A 'r["macros"]["C"]["j"]')" test.example "... j (control/me)"
is "$(seen A 'r["macros"]["C"]["{daemon_name}"]')" berth-smtpd "... {daemon_name}"
is "$(seen A 'r["helo"]')" helo.client.example "... HELO as the client said it"
is "$(seen A 'r["mail"]')" "['<a@client.example>', 'SIZE=100', 'BODY=8BITMIME']" "... MAIL with its ESMTP parameters"
is "$(seen A 'r["rcpt"]')" "['<u@test.example>']" "... RCPT"
is "$(seen A 'r["macros"]["R"]["{rcpt_addr}"]')" u@test.example "... {rcpt_addr}"
is "$(seen A 'bool(r["macros"]["M"]["i"])')" True "... the transaction id as macro i"
is "$(seen A '[h[0] for h in r["headers"]][1:]')" "['From', 'To', 'Subject', 'X-Fold']" "... the header fields after berth-smtpd's Received, in order"
is "$(seen A 'r["headers"][4][1]')" "$(printf 'one\n two')" "... a folded value with its fold, one leading space off"
is "$(seen A 'r["body"]')" "$(printf 'line 1\r\n.line 2\r')" "... the body in CRLF, dot-unstuffed"

# 1b. after AUTH: the user and the mechanism as Sendmail's {auth_authen} and {auth_type}
cat > "$T_DIR/checkpw" <<'SH'
#!/bin/sh
data=$(dd bs=1024 count=1 <&3 2>/dev/null | tr '\0' '\n')
[ "$(printf '%s\n' "$data" | sed -n 1p)" = joe ] && [ "$(printf '%s\n' "$data" | sed -n 2p)" = pw ] || exit 1
exec "$@"
SH
chmod 755 "$T_DIR/checkpw"
echo "$T_DIR/checkpw" > "$BERTH_HOME/control/checkpassword"
: > "$BERTH_HOME/control/authloopback"
"$PY" - "$port" "$M" <<'PY' > "$T_DIR/auth.out"
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=60)
s.ehlo("client.example")
s.login("joe", "pw")
print(s.sendmail("a@client.example", ["u@test.example"], open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n")))
s.quit()
PY
is "$(cat "$T_DIR/auth.out")" "{}" "an authenticated client: accepted"
is "$(seen A 'r["macros"]["M"]["{auth_authen}"] + " " + r["macros"]["M"]["{auth_type}"]')" "joe PLAIN" "... {auth_authen} and {auth_type}"
is "$(seen A 'r["macros"]["M"]["{mail_mailer}"]')" esmtp "... {mail_mailer} esmtp"
smtp_send a@client.example u@test.example "$M" > /dev/null
is "$(seen A '"{auth_authen}" in r["macros"]["M"]')" False "the next session, without AUTH: no {auth_authen}"
rm "$BERTH_HOME/control/checkpassword" "$BERTH_HOME/control/authloopback"

# 1c. under TLS (implicit, berth-tlsd -i): the protocol and cipher as {tls_version} and {cipher}
tls_certs
chmod 644 "$T_DIR/certs/rsa.key"
tport=$(free_port)
if [ "$(id -u)" = 0 ]; then _su="s6-setuidgid $TESTUSER"; else _su=; fi
t_bg $_su env CERTFILE="$T_DIR/certs/rsa.crt" KEYFILE="$T_DIR/certs/rsa.key" tcpserver -HRl0 127.0.0.1 "$tport" \
  berth-tlsd -i berth-smtpd 2>> "$T_DIR/smtpd.log"
wait_port "$tport" || echo "Bail out! the TLS service did not start"
"$PY" - "$tport" "$M" <<'PY' > "$T_DIR/tls.out"
import smtplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), context=ctx, timeout=60)
s.ehlo("client.example")
print(s.sendmail("a@client.example", ["u@test.example"], open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n")))
s.quit()
PY
is "$(cat "$T_DIR/tls.out")" "{}" "a client over implicit TLS: accepted"
v=$(seen A 'r["macros"]["H"]["{tls_version}"]')
case $v in TLSv1.[23]) ok 0 "... {tls_version} $v" ;; *) ok 1 "... {tls_version} ($v)" ;; esac
grep -q " tls=$v " "$T_DIR/smtpd.log"; ok $? "... as berth-smtpd logged it"
is "$(seen A 'r["macros"]["H"]["{cipher}"]' | cut -c1-4)" "TLS_" "... {cipher}"

# 2. every change, applied exactly
script A '{"mods":[["h","X-Added","  two  spaces"],["i",1,"X-Inserted","at 1"],["m",1,"Subject","changed"],["m",1,"X-Fold",""],["m",3,"To","third To: appended"],["b","new body\r\nline 2\r\n"],["+","<added@test.example>"],["-","<u@test.example>"],["e","<bounce@client.example>"]]}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "changes: 250" ;; *) ok 1 "changes: 250 ($r)" ;; esac
id=$(qlast)
printf 'From: Alice <a@client.example>\nTo: u@test.example\nSubject: changed\nX-Added:   two  spaces\nTo: third To: appended\n\nnew body\nline 2\n' > "$T_DIR/want"
# the inserted field is at index 1: after berth-smtpd's Received field
is "$(qmsg "$id" | norcvd | head -n 1)" "X-Inserted: at 1" "SMFIR_INSHEADER at index 1: second field, after the Received field"
qmsg "$id" | norcvd | sed 1d > "$T_DIR/got"
cmp -s "$T_DIR/want" "$T_DIR/got"; ok $? "... header added (value as sent), changed, deleted, appended past the last; body replaced, CRLF made LF"
[ $? = 0 ] || diff "$T_DIR/want" "$T_DIR/got" | sed 's/^/# /'
is "$(qenv "$BERTH_HOME/queue/todo/$id" | tr '\000' '|' | sed 's/^.*|F/F/')" "Fbounce@client.example|Tadded@test.example||" "... sender changed, recipient added and deleted"

# 3. verdicts reach the SMTP client at the end of DATA with the milter's own code and text
n0=$(qcount)
script A '{"final":["y","550 5.7.1 rejected by policy"]}'
is "$(smtp_send a@client.example u@test.example "$M")" "550 5.7.1 rejected by policy" "a milter's 550 5.7.1 reaches the client as it said it"
script A '{"final":["y","451 4.7.1 greylisted, come back later"]}'
is "$(smtp_send a@client.example u@test.example "$M")" "451 4.7.1 greylisted, come back later" "... a 451 4.7.1 too"
script A '{"final":"r"}'
is "$(smtp_send a@client.example u@test.example "$M")" "550 5.7.1 Command rejected" "a plain reject: 550 5.7.1"
script A '{"final":"t"}'
is "$(smtp_send a@client.example u@test.example "$M")" "451 4.7.1 Service unavailable - try again later" "a plain tempfail: 451 4.7.1"
script A '{"at":"R","final":["y","550 5.1.1 no such user here"]}'
is "$(smtp_send a@client.example u@test.example "$M")" "550 5.1.1 no such user here" "a reject at RCPT: the client hears it at the end of DATA"
script A '{"at":"C","final":"t"}'
is "$(smtp_send a@client.example u@test.example "$M")" "451 4.7.1 Service unavailable - try again later" "a tempfail at connect: at the end of DATA"
script A '{"final":["y","550-5.7.1 first line\r\n550 5.7.1 second line"]}'
is "$(smtp_send a@client.example u@test.example "$M")" "550 5.7.1 first line" "a multi-line reply: its first line"
is "$(qcount)" "$n0" "... none of them queued"
script A '{"final":"d"}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "discard: 250 ($r)" ;; *) ok 1 "discard: 250 ($r)" ;; esac
is "$(qcount)" "$n0" "... and nothing queued"
script A '{"mods":[["-","<u@test.example>"]]}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "every recipient deleted: 250 ($r)" ;; *) ok 1 "every recipient deleted: 250 ($r)" ;; esac
is "$(qcount)" "$n0" "... and nothing queued (a discard)"

# 4. quarantine: queued and held with the reason, which berth-qread shows
script A '{"mods":[["q","looks like phishing"],["h","X-Spam","yes"]]}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "quarantine: 250 ($r)" ;; *) ok 1 "quarantine: 250 ($r)" ;; esac
id=$(qlast)
is "$(cat "$BERTH_HOME/queue/hold/$id" 2>/dev/null)" "looks like phishing" "... hold/<id> holds the reason"
qmsg "$id" | grep -q '^X-Spam: yes$'; ok $? "... with the milter's other changes"
berth-qread > "$T_DIR/qread" 2>&1
grep -q "held: looks like phishing" "$T_DIR/qread"; ok $? "... berth-qread shows it held with the reason"
berth-qread --json > "$T_DIR/qread.json" 2>&1
grep -q '"hold_reason":"looks like phishing"' "$T_DIR/qread.json"; ok $? "... and in JSON"

# 5. two milters in order: the second sees the first's changes
printf 'inet:127.0.0.1:%s\ninet:127.0.0.1:%s\n' "$A_port" "$B_port" > "$BERTH_HOME/control/milters"
script A '{"mods":[["h","X-First","1"]]}'
script B '{"mods":[["h","X-Second","2"]]}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "two milters: 250 ($r)" ;; *) ok 1 "two milters: 250 ($r)" ;; esac
is "$(seen B '[h for h in r["headers"] if h[0].startswith("X-Fi")]')" "[['X-First', '1']]" "... the second is shown the first's header"
is "$(qmsg "$(qlast)" | grep '^X-' | tr '\n' ' ')" "X-Fold: one X-First: 1 X-Second: 2 " "... both applied, in order"
script B '{"final":["y","554 5.7.0 second says no"]}'
is "$(smtp_send a@client.example u@test.example "$M")" "554 5.7.0 second says no" "... the second's reject after the first's accept"

# 6. a milter down, slow, or answering garbage: the line's default action; nothing half-changed
dead=$(free_port)
n0=$(qcount)
printf 'inet:127.0.0.1:%s\n' "$dead" > "$BERTH_HOME/control/milters"
is "$(smtp_send a@client.example u@test.example "$M")" "451 4.7.1 Service unavailable - try again later" "a milter down, no option: tempfail (Postfix's default)"
printf 'inet:127.0.0.1:%s default=reject\n' "$dead" > "$BERTH_HOME/control/milters"
is "$(smtp_send a@client.example u@test.example "$M")" "550 5.7.1 Command rejected" "... default=reject: 550"
is "$(qcount)" "$n0" "... nothing queued"
printf 'inet:127.0.0.1:%s default=accept\ninet:127.0.0.1:%s\n' "$dead" "$B_port" > "$BERTH_HOME/control/milters"
script B '{}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "... default=accept: 250, the next milter still asked ($r)" ;; *) ok 1 "... default=accept: 250 ($r)" ;; esac
for mode in garbage badlen close partial badheader slow; do
  printf 'inet:127.0.0.1:%s default=accept content=2\n' "$A_port" > "$BERTH_HOME/control/milters"
  script A '{"mode":"'$mode'","sleep":4,"mods":[["h","X-Half","changed"],["m",1,"Subject","half"]]}'
  t0=$(date +%s)
  r=$(smtp_send a@client.example u@test.example "$M")
  t1=$(date +%s)
  case $r in 250*) ok 0 "a milter that goes $mode at the end, default=accept: 250 ($r)" ;; *) ok 1 "$mode, default=accept: 250 ($r)" ;; esac
  qmsg "$(qlast)" | norcvd > "$T_DIR/got"
  cmp -s "$M" "$T_DIR/got"; ok $? "... queued as sent: none of its changes"
  [ "$mode" = slow ] && { [ $((t1 - t0)) -lt 4 ]; ok $? "... the content timeout (2 s) cut the wait ($((t1 - t0)) s)"; }
  printf 'inet:127.0.0.1:%s content=2\n' "$A_port" > "$BERTH_HOME/control/milters"
  n0=$(qcount)
  is "$(smtp_send a@client.example u@test.example "$M")" "451 4.7.1 Service unavailable - try again later" "... without an option: 451"
  is "$(qcount)" "$n0" "... nothing queued"
done
printf 'inet:127.0.0.1:%s\n' "$A_port" > "$BERTH_HOME/control/milters"
script A '{"mode":"progress","mods":[["h","X-After-Progress","ok"]]}'
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 250*) ok 0 "a progress packet before the verdict: 250 ($r)" ;; *) ok 1 "progress: 250 ($r)" ;; esac
qmsg "$(qlast)" | grep -q '^X-After-Progress: ok$'; ok $? "... and the changes after it applied"

# 7. the milter asks for leading spaces (SMFIP_HDR_LEADSPC) and fewer steps
script A '{"protocol":1048583,"mods":[["h","X-Lead","  kept"]]}'
r=$(smtp_send a@client.example u@test.example "$M")
is "$(seen A '"connect" in r or "helo" in r or "mail" in r')" False "steps left out (no connect, HELO, MAIL): not sent"
is "$(seen A 'r["headers"][3]')" "['Subject', ' hello']" "HDR_LEADSPC: the value with its leading space"
qmsg "$(qlast)" | grep -q '^X-Lead:  kept$'; ok $? "... an added value written right after the colon"

# 8. a bad control line: temporary failure, nothing queued
n0=$(qcount)
printf 'tcp:127.0.0.1:1\n' > "$BERTH_HOME/control/milters"
r=$(smtp_send a@client.example u@test.example "$M")
case $r in 451*) ok 0 "a line that is no socket: 451 ($r)" ;; *) ok 1 "a line that is no socket: 451 ($r)" ;; esac
is "$(qcount)" "$n0" "... nothing queued"

# 9. local mail: berth-inject runs berth-milter when control/milters-local is not empty
unset QMAILQUEUE
printf 'inet:127.0.0.1:%s\n' "$B_port" > "$BERTH_HOME/control/milters-local"
script B '{"mods":[["h","X-Local","signed"]]}'
printf 'To: u@test.example\nSubject: local\n\nlocal body\n' | as_user berth-inject -f s@test.example u@test.example 2> "$T_DIR/err"
is "$?" 0 "berth-inject with control/milters-local: exit 0 ($(cat "$T_DIR/err"))"
qmsg "$(qlast)" | grep -q '^X-Local: signed$'; ok $? "... the local milter's header"
is "$(seen B 'r["connect"][0] + " " + r["connect"][3]')" "localhost 127.0.0.1" "... the client is localhost, 127.0.0.1"
is "$(seen B 'r["macros"]["C"]["{daemon_name}"]')" berth-inject "... {daemon_name} berth-inject"
script B '{"final":["y","550 5.7.1 not from here"]}'
printf 'To: u@test.example\nSubject: local\n\nlocal body\n' | as_user berth-inject -f s@test.example u@test.example 2> "$T_DIR/err"
is "$?" 100 "... a milter's reject: berth-inject exits 100"
grep -q "550 5.7.1 not from here" "$T_DIR/err"; ok $? "... with the milter's text ($(cat "$T_DIR/err"))"
t_done

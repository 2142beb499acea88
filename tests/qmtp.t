#!/bin/sh
# QMTP: berth-qmtpd under tcpserver (several messages on one connection, LF and CRLF types,
# per-recipient answers, rcpthosts and RELAYCLIENT, databytes, a bad sender, framing errors
# with nothing queued) and berth-remote's QMTP client for a control/qmtproutes route (r/h
# records per recipient, K; a dead relay: Z; a relay that is not an address: Z; DSN asked:
# dsn=relayed; REQUIRETLS: 5.7.30).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/qmqp-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 90
unset QMAILQUEUE
QMQP_SERVER=berth-qmtpd qmqp_hub mx
MX=$T_DIR/mx; MP=$HUB_PORT
echo mx.example > "$MX/control/rcpthosts"

# QMTP messages from a raw client (tests/qmqp-peer.py), every answer printed
qmtp () { "$PY" "$BERTH_TOP/tests/qmqp-peer.py" qmtp "$MP" "$@"; }

qmtp 'lf|Subject: one\n\nbody\n|s@a.example|u@mx.example,v@elsewhere.example' \
     'crlf|Subject: two\r\n\r\nline\r\nbare\rcr\r\n|s@a.example|w@mx.example' > "$T_DIR/a"
is "$(sed -n 1p "$T_DIR/a" | cut -c1-14)" "Kok queued as " "two messages on one connection: the first recipient accepted"
is "$(sed -n 2p "$T_DIR/a")" "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" "... a domain outside rcpthosts refused"
is "$(sed -n 3p "$T_DIR/a" | cut -c1-14)" "Kok queued as " "... the second message's recipient accepted"
is "$(qcount "$MX")" 2 "two messages queued"
id2=$(sed -n 3p "$T_DIR/a" | cut -c15-)
qbody "$MX/queue/mess/$id2" > "$T_DIR/b2"
grep -q '^	by mx.example (berth-qmtpd) with QMTP; ' "$T_DIR/b2"; ok $? "berth-qmtpd's Received line"
is "$(sed '1,3d' "$T_DIR/b2" | od -An -c | tr -s ' ' | tr -d '\n')" " S u b j e c t : t w o \n \n l i n e \n b a r e \r c r \n" "the CRLF type: each CRLF made LF, a lone CR kept"
id1=$(sed -n 1p "$T_DIR/a" | cut -c15-)
is "$(qenv "$MX/queue/todo/$id1" | tr '\000' '|' | sed 's/^.*|F/F/')" "Fs@a.example|Tu@mx.example||" "only the accepted recipient in the envelope"

qmtp 'lf|x\n|s@a.example|v@elsewhere.example' > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" "no recipient accepted: its own D"
long=$(printf '%01003d' 0)
qmtp "lf|x\n|$long@a.example|u@mx.example" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "Dunacceptable sender (#5.1.7)" "a sender of 1003+ bytes: D 5.1.7"
echo 10 > "$MX/control/databytes"
qmtp 'lf|Subject: too long\n\n|s@a.example|u@mx.example,u2@mx.example' > "$T_DIR/a"
is "$(sort -u "$T_DIR/a")" "Dsorry, that message size exceeds my databytes limit (#5.3.4)" "over databytes: D for each recipient"
rm "$MX/control/databytes"
qmtp 'raw:5:xabc,' > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "none" "a bad type byte: the session ends without an answer"
qmtp 'lf|x\n|s@a.example|u@mx.example' 'raw:9:\nx,3:s@a,7:1:u,,,' > "$T_DIR/a"
is "$(wc -l < "$T_DIR/a")" 1 "a framing error after a good message: that one answered, then the end"
is "$(qcount "$MX")" 3 "nothing queued for the refusals and bad input"
grep -q 'event=tx ip=127.0.0.1 status=dropped .*reason="protocol error"' "$T_DIR/mx.log"; ok $? "a framing error is logged"

# berth-remote: QMTP for the domains of control/qmtproutes
t_instance hub
echo "mx.example:127.0.0.1:$MP" > "$BERTH_HOME/control/qmtproutes"
printf 'Subject: via qmtp\n\nhello\n' > "$T_DIR/m"
as_user berth-remote mx.example s@hub.example r1@mx.example r2@other.example < "$T_DIR/m" | tr '\000' '\n' > "$T_DIR/rep"
is "$(sed -n 1p "$T_DIR/rep" | cut -c1-32)" "rRemote host said: ok queued as " "berth-remote: r for the accepted recipient"
is "$(sed -n 2p "$T_DIR/rep")" "hRemote host said: sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)" "... h for the refused one"
is "$(sed -n 3p "$T_DIR/rep")" "KQMTP: 127.0.0.1:$MP accepted the message." "... final K"
is "$(qcount "$MX")" 4 "the message reached the QMTP server's queue"
is "$(wc -l < "$T_DIR/rep")" 3 "no DSN asked: no facts record (qmail-remote's report)"
# DSN cannot go on by QMTP: the facts record says so; REQUIRETLS cannot either: 5.7.30
BERTH_RCPTPARAMS=NOTIFY=SUCCESS as_user berth-remote mx.example s@hub.example r1@mx.example < "$T_DIR/m" | tr '\000' '\n' > "$T_DIR/rep"
is "$(sed -n 2p "$T_DIR/rep")" "KQMTP: 127.0.0.1:$MP accepted the message." "NOTIFY=SUCCESS by QMTP: delivered"
sed -n 3p "$T_DIR/rep" | grep -q "^Irelay=127\.0\.0\.1\[127\.0\.0\.1\]:$MP dsn=relayed conn=[0-9]* xfer=[0-9]*\$"; ok $? "... the facts record says dsn=relayed"
BERTH_MAILPARAMS=REQUIRETLS as_user berth-remote mx.example s@hub.example r1@mx.example < "$T_DIR/m" | tr '\000' '\n' > "$T_DIR/rep"
is "$(cat "$T_DIR/rep")" "DSorry, REQUIRETLS support required: control/qmtproutes sends mail for mx.example by QMTP, which cannot carry it. (#5.7.30)" "REQUIRETLS by QMTP: D 5.7.30"
is "$(qcount "$MX")" 5 "... nothing sent"
dead=$(free_port)
echo "mx.example:127.0.0.1:$dead" > "$BERTH_HOME/control/qmtproutes"
as_user berth-remote mx.example s@hub.example r1@mx.example < "$T_DIR/m" | tr '\000' '\n' > "$T_DIR/rep"
is "$(cat "$T_DIR/rep")" "ZSorry, I wasn't able to establish a QMTP connection to 127.0.0.1:$dead: refused. (#4.4.1)" "a dead QMTP relay: Z"
echo "mx.example:relay.example" > "$BERTH_HOME/control/qmtproutes"
as_user berth-remote mx.example s@hub.example r1@mx.example < "$T_DIR/m" | tr '\000' '\n' > "$T_DIR/rep"
is "$(cat "$T_DIR/rep")" "Zcontrol/qmtproutes: the relay for mx.example must be an IP address. (#4.3.5)" "a relay name in qmtproutes: Z"
t_done

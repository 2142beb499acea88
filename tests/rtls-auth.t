#!/bin/sh
# berth-remote's AUTH to a smarthost (control/smtpauth): PLAIN over TLS, LOGIN when only LOGIN
# is offered, never in cleartext, a refused password, the file's permissions, and the password
# in no log, report or file but control/smtpauth.
. "$BERTH_TOP/tests/rtls-lib.sh"
rtls_setup 60
D=$(free_port)
PW='s3cret:Pa55-word'
rsink plain 127.0.0.1 --cert "$C/rsa.crt" --key "$C/rsa.key" --auth "smart:$PW"
rsink login 127.0.0.2 --cert "$C/rsa.crt" --key "$C/rsa.key" --auth "smart:$PW" --login-only
rsink clear 127.0.0.3 --auth "smart:$PW" --auth-cleartext
dns "$D" --local=/test/ --host-record=relay.test,127.0.0.1
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
for i in 1 2 3; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
printf 'Subject: auth\n\nhello smarthost\n' > "$T_DIR/msg"
A=$BERTH_HOME/control/smtpauth
auth () { printf '%s\n' "$@" > "$A"; chown "$TESTUSER" "$A"; chmod 600 "$A"; }
run () { out=$(as_user berth-remote "$1" a@b.test u@x.test < "$T_DIR/msg" 2>>"$T_DIR/err" | tr '\0' '\n'); echo "$out" >> "$T_DIR/reports"; }

# a smarthost by name (smtproutes), its credentials by that name: AUTH PLAIN over TLS
echo ":relay.test" > "$BERTH_HOME/control/smtproutes"
auth "# smarthost" "relay.test:smart:$PW" "127.0.0.2:smart:$PW" "[127.0.0.3]:smart:$PW"
run x.test
has "$out" "Krelay.test [127.0.0.1] accepted message." "AUTH PLAIN over TLS: delivered"
has "$out" "TLS=TLSv1.2" "the report says TLS"
is "$(grep -v STARTTLS "$T_DIR/plain/log" | tr '\n' ' ')" "AUTH tls=1 PLAIN LOGIN smart ok MAIL tls=1 auth=smart " "the sink saw STARTTLS, AUTH PLAIN over TLS, then MAIL as smart"
grep -q 'hello smarthost' "$T_DIR/plain/1.eml"; ok $? "the message arrived"
rm "$BERTH_HOME/control/smtproutes"

# only LOGIN offered; the credentials found by the bare address
run '[127.0.0.2]'
has "$out" "K127.0.0.2 accepted message." "AUTH LOGIN over TLS: delivered"
is "$(grep -v STARTTLS "$T_DIR/login/log" | tr '\n' ' ')" "AUTH tls=1 LOGIN LOGIN smart ok MAIL tls=1 auth=smart " "the sink saw AUTH LOGIN over TLS"

# a peer without TLS that offers AUTH: the credentials are not sent, the delivery is deferred
run '[127.0.0.3]'
has "$out" "ZConnected to 127.0.0.3 but TLS is not up, so I did not send my AUTH credentials. (#4.7.0)" "no TLS: AUTH not attempted, Z"
grep -q AUTH "$T_DIR/clear/log" 2>/dev/null; ok $((! $?)) "no TLS: the sink never saw AUTH"
grep -q MAIL "$T_DIR/clear/log" 2>/dev/null; ok $((! $?)) "no TLS: nothing sent"

# a wrong password: the server's refusal, deferred
auth "[127.0.0.1]:smart:wrong-$PW"
run '[127.0.0.1]'
has "$out" "ZConnected to 127.0.0.1 but my AUTH was refused. Remote host said: 535 5.7.8" "wrong password: Z with the server's 535"
grep -q 'LOGIN smart bad' "$T_DIR/plain/log"; ok $? "the sink refused the wrong password"

# no credentials for this host: no AUTH, the sink's 530 comes back as usual
auth "[127.0.0.9]:smart:$PW"
n=$(grep -c AUTH "$T_DIR/plain/log")
run '[127.0.0.1]'
has "$out" "sender was rejected. Remote host said: 530 5.7.0 authentication required" "no credentials for the host: no AUTH, 530"
is "$(grep -c AUTH "$T_DIR/plain/log")" "$n" "no credentials: no AUTH sent"

# control/smtpauth readable by others: refused, nothing sent
auth "[127.0.0.1]:smart:$PW"
chmod 644 "$A"
n=$(grep -c MAIL "$T_DIR/plain/log")
run '[127.0.0.1]'
has "$out" "Zcontrol/smtpauth must be owned by the remote user and readable by nobody else. (#4.3.0)" "smtpauth mode 644: Z"
is "$(grep -c MAIL "$T_DIR/plain/log")" "$n" "smtpauth mode 644: no connection"

# the password is in no log, report or sink file (only in control/smtpauth and this script)
grep -rlF "Pa55-word" "$T_DIR" | grep -v "^$A\$" > "$T_DIR/leaks"
is "$(cat "$T_DIR/leaks")" "" "the password is in no log or report"
grep -q 'Pa55-word' "$A"; ok $? "(the search can find it: it is in control/smtpauth)"
t_done

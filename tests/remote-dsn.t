#!/bin/sh
# berth-remote passes DSN's parameters on (RFC 3461): from BERTH_MAILPARAMS and
# BERTH_RCPTPARAMS, RET and ENVID on MAIL, NOTIFY and ORCPT on each RCPT, to a peer that offers
# DSN; a peer without DSN gets none and the facts record says dsn=relayed; malformed parameters
# are dropped, unknown keys ignored; without the variables berth-remote is qmail-remote. Through
# the queue, the sender gets a "relayed" report only from a next hop without DSN.
. "$BERTH_TOP/tests/rtls-lib.sh"
rtls_setup 60
rsink dsn 127.0.0.1 --dsn
rsink nodsn 127.0.0.2
for i in 1 2; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
printf 'Subject: dsn\n\nhello\n' > "$T_DIR/msg"
NL='
'
# run HOST RCPT...: berth-remote from a@b.test; report in $out (one record a line), stderr in $T_DIR/err
run () { h=$1; shift; out=$(as_user berth-remote "$h" a@b.test "$@" < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n'); }
facts () { printf '%s\n' "$out" | grep '^Irelay='; }

BERTH_MAILPARAMS='RET=HDRS ENVID=QQ314159'
BERTH_RCPTPARAMS="NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;joe+40example.com${NL}${NL}NOTIFY=NEVER"
export BERTH_MAILPARAMS BERTH_RCPTPARAMS
run '[127.0.0.1]' joe@x.test ann@x.test bob@x.test
has "$out" "K127.0.0.1 accepted message." "a peer with DSN: delivered"
is "$(grep '^FROM' "$T_DIR/dsn/args" | sed 's/ SIZE=[0-9]*//')" "FROM tls=0 RET=HDRS ENVID=QQ314159" "MAIL carries RET and ENVID as given"
is "$(grep '^TO' "$T_DIR/dsn/args" | tr '\n' '|')" "TO NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;joe+40example.com|TO |TO NOTIFY=NEVER|" "each RCPT carries its own recipient's NOTIFY and ORCPT, in argv order"
f=$(facts)
case $f in *dsn=*) ok 1 "the peer offers DSN: no dsn= fact"; diag "$f" ;; *) ok 0 "the peer offers DSN: no dsn= fact" ;; esac

run '[127.0.0.2]' joe@x.test ann@x.test
has "$out" "K127.0.0.2 accepted message." "a peer without DSN: delivered"
is "$(grep -c 'RET=\|ENVID=\|NOTIFY=\|ORCPT=' "$T_DIR/nodsn/args")" 0 "a peer without DSN: no DSN parameter sent"
has "$(facts)" " dsn=relayed conn=" "a peer without DSN: dsn=relayed in the facts record"

# malformed parameters are dropped (and logged), unknown keys ignored, the rest passed on
: > "$T_DIR/dsn/args"
BERTH_MAILPARAMS='XFUTURE=1 RET=BOGUS ENVID=a=b'
BERTH_RCPTPARAMS="NOTIFY=SUCCESS,NEVER ORCPT=rfc822;ok+40x.test${NL}NOTIFY=delay,success ORCPT=rfc822;bad+4"
run '[127.0.0.1]' joe@x.test ann@x.test
has "$out" "K127.0.0.1 accepted message." "malformed parameters: delivered all the same"
is "$(grep '^FROM' "$T_DIR/dsn/args" | sed 's/ SIZE=[0-9]*//')" "FROM tls=0" "a bad RET and ENVID and an unknown key: none sent"
is "$(grep '^TO' "$T_DIR/dsn/args" | tr '\n' '|')" "TO ORCPT=rfc822;ok+40x.test|TO NOTIFY=delay,success|" "a bad NOTIFY and a bad ORCPT dropped, the good ones sent"
grep -q 'warning: BERTH_MAILPARAMS: a malformed RET, not passed on' "$T_DIR/err"; ok $? "a dropped parameter is logged"
grep -q 'warning: BERTH_RCPTPARAMS: a malformed ORCPT, not passed on' "$T_DIR/err"; ok $? "a dropped ORCPT is logged"

# fewer lines than recipients: the others have none; nothing asked: no dsn= fact anywhere
: > "$T_DIR/dsn/args"
BERTH_MAILPARAMS=''
BERTH_RCPTPARAMS='NOTIFY=FAILURE'
run '[127.0.0.1]' joe@x.test ann@x.test
is "$(grep '^TO' "$T_DIR/dsn/args" | tr '\n' '|')" "TO NOTIFY=FAILURE|TO |" "a missing line: that recipient has no parameters"
unset BERTH_MAILPARAMS BERTH_RCPTPARAMS
run '[127.0.0.2]' joe@x.test
case $(facts) in *dsn=*) ok 1 "no parameters: no dsn= fact (qmail-remote's behaviour)" ;; *) ok 0 "no parameters: no dsn= fact (qmail-remote's behaviour)" ;; esac

# through the queue (berth-send, berth-rspawn): NOTIFY=SUCCESS to a next hop without DSN gives
# the sender a "relayed" report; to one with DSN, none from berth (the next hop reports)
printf '%s\n' "nodsn.test:127.0.0.2" "dsn.test:127.0.0.1" > "$BERTH_HOME/control/smtproutes"
t_bg as_user berth-start 2>"$T_DIR/send.log"
printf 'From: postmaster@test.example\nSubject: relayed?\n\nbody\n' > "$T_DIR/m"
printf 'Fpostmaster@test.example\0EENVID=E2E1\0Tu@nodsn.test\0RNOTIFY=SUCCESS,FAILURE\0Tv@dsn.test\0RNOTIFY=SUCCESS\0\0' > "$T_DIR/e"
chmod 644 "$T_DIR/m" "$T_DIR/e"
as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e"; ok $? "queued with NOTIFY=SUCCESS for a peer without DSN and one with it"
md=$BERTH_HOME/alias/Maildir/new
n=0; while [ $n -lt 200 ] && ! grep -qs 'Action: relayed' "$md"/*; do sleep 0.1; n=$((n + 1)); done
r=$(grep -ls 'Action: relayed' "$md"/* | head -n 1)
[ -n "$r" ]; ok $? "the peer without DSN: the sender gets a relayed report"
grep -q 'Final-Recipient: rfc822; *u@nodsn.test' "$r" 2>/dev/null; ok $? "... for that recipient"
grep -q '^Original-Envelope-Id: E2E1' "$r" 2>/dev/null; ok $? "... with the ENVID"
n=0; while [ $n -lt 100 ] && ! grep -q 'rcpt=v@dsn.test .*status=sent' "$T_DIR/send.log"; do sleep 0.1; n=$((n + 1)); done
sleep 1
is "$(grep -ls 'v@dsn.test' "$md"/* | wc -l)" 0 "the peer with DSN: no report from berth"
is "$(tail -n 1 "$T_DIR/dsn/args")" "TO NOTIFY=SUCCESS" "... the peer got NOTIFY=SUCCESS to report itself"
/bin/kill -TERM "$T_PID" 2>/dev/null
t_done

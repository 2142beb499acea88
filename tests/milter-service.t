#!/bin/sh
# berth-setup's smtpd service puts berth-milter in the queue program's place when
# control/milters is not empty at its start, and not otherwise: a message through the supervised
# service gets the scripted milter's header and is delivered; with the file emptied and the
# service restarted, the milter is no longer asked.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/milter-lib.sh"
for p in berth-smtpd berth-start berth-milter; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
command -v swaks >/dev/null || skip_all "swaks not installed"
t_start 150
unset QMAILQUEUE BERTH_MILTERS BERTH_MILTER_NEXT
port=$(free_port)
BERTH_HOME=$T_DIR/home; export BERTH_HOME
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$port" "$BERTH_HOME" || { echo "Bail out! setup"; exit 1; }
svc=$BERTH_HOME/service
[ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
milter_peer A
script A '{"mods":[["h","X-Milter","seen by the service"]]}'
printf 'inet:127.0.0.1:%s\n' "$A_port" > "$BERTH_HOME/control/milters"
t_bg s6-svscan "$svc"
n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/smtpd" && s6-svstat "$svc/send"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 30000 "$svc/smtpd" "$svc/send"; ok $? "smtpd and send ready"

maildir=$BERTH_HOME/alias/Maildir
# send SUBJECT: one message to postmaster through the service
send () {
  swaks --server "127.0.0.1:$port" --from sender@example.org --to postmaster@test.example \
    --header "Subject: $1" --body "through s6" >>"$T_DIR/swaks.log" 2>&1
}
# delivered SUBJECT: the delivered message with that subject
delivered () {
  n=0; while [ $n -lt 100 ] && ! grep -lq "^Subject: $1\$" "$maildir"/new/* 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
  grep -l "^Subject: $1\$" "$maildir"/new/* 2>/dev/null | head -n 1
}
send one; ok $? "swaks through the service with control/milters: accepted"
f=$(delivered one)
[ -n "$f" ] && grep -q '^X-Milter: seen by the service$' "$f"; ok $? "... delivered with the milter's header"
is "$(seen A 'r["helo"] != "" and r["connect"][3]')" 127.0.0.1 "... the milter was told the client"

: > "$BERTH_HOME/control/milters"
: > "$T_DIR/A.log"
s6-svc -wR -t -T 20000 "$svc/smtpd" 2>/dev/null || s6-svc -t "$svc/smtpd"
s6-svwait -U -t 20000 "$svc/smtpd"; ok $? "control/milters emptied, smtpd restarted and ready"
send two; ok $? "swaks: accepted"
f=$(delivered two)
[ -n "$f" ] && ! grep -q '^X-Milter:' "$f"; ok $? "... delivered without the milter"
is "$(wc -l < "$T_DIR/A.log")" 0 "... the milter was not asked"
s6-svscanctl -t "$svc" 2>/dev/null
t_done

#!/bin/sh
# berth-rspawn keeps a berth-remote's connection after its transaction and gives it the next job
# for the same host (doc/berth-rspawn.md, "Connection reuse"): one connection for jobs that
# follow each other, QUIT after IDLE_SECS (2 s) or at the end of input, a new connection for
# another host, after the idle time, when the server closed the kept one or answers 421, when
# the kept child died, and never with $BERTH_REMOTE (an exec per job).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 90
t_instance
ctl timeoutconnect 5
ctl timeoutremote 10
ctl logdebug 1   # berth-rspawn's own line per recipient (doc/logging.md): these tests read it

# queue MSG: prints the id of a message from a@b.test
queue () {
  printf 'Fa@b.test\0Tu@x.test\0\0' > "$T_DIR/env"
  as_user sh -c 'BERTH_IDFD=3 berth-queue < "$1" 3>&1 1< "$2"' sh "$1" "$T_DIR/env"
}
printf 'Subject: reuse\n\nhello\n' > "$T_DIR/m"
chmod 644 "$T_DIR/m"
id=$(queue "$T_DIR/m")
[ -n "$id" ]; ok $? "a message queued ($id)"
K="K127.0.0.1 accepted message. Remote host said: 250 2.0.0 queued as sink"

# run SINK-NAME STEP...: berth-rspawn driven one job at a time, routes to that sink; output in $T_DIR/out
run () {
  _s=$1; shift
  as_user env SPAWN_DRIVE_FACTS="$T_DIR/facts" /usr/bin/python3 "$BERTH_TOP/tests/spawn-drive.py" "$@" -- berth-rspawn > "$T_DIR/out" 2>>"$T_DIR/log"
}
# trans SINK: the sink's "CONN VERB" lines since the last reset, connections renumbered from 1
trans () { awk '{ if (!($1 in m)) m[$1] = ++n; printf "%s %s ", m[$1], $2 }' "$T_DIR/$1/trans" 2>/dev/null; }
conns () { grep -c . "$T_DIR/$1/peers"; }   # wait_listen's probe is one of them

P=$(free_port)
sink a 127.0.0.1 "$P"
wait_listen 127.0.0.1 "$P"
printf ':[127.0.0.1]:%s\n' "$P" > "$BERTH_HOME/control/smtproutes"

# three jobs, each after the result of the one before; input stays open 3 s after the last
: > "$T_DIR/facts"; chmod 666 "$T_DIR/facts"   # written by spawn-drive.py as the test user
run a "J:1:$id:a@b.test:u@x.test" "J:2:$id:a@b.test:v@x.test" "J:3:$id:a@b.test:w@X.TEST" "KIDS" "S:3" "KIDS"
is "$(sed -n 1,3p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/3: $K/" "three jobs for one host: each accepted, the usual report"
is "$(trans a)" "1 MAIL 1 MAIL 1 MAIL 1 QUIT " "one connection for the three (the host's case does not matter), QUIT at the end"
[ "$(grep -Ec "^[123]: relay=127\.0\.0\.1\[127\.0\.0\.1\]:$P conn=[0-9]+ xfer=[0-9]+\$" "$T_DIR/facts")" = 3 ]
ok $? "each job's facts name the relay, the reused connection's too"; diag "$(cat "$T_DIR/facts")"
is "$(conns a)" 2 "the sink saw one connection (and the readiness probe)"
is "$(sed -n 4p "$T_DIR/out")" "kids 1" "after the last result: one child, its connection kept"
is "$(sed -n 5p "$T_DIR/out")" "kids 0" "3 s later: it quit (idle for more than 2 s)"
case $(sed -n 6p "$T_DIR/out") in "exit 0 after 0."*) ok 0 "berth-rspawn exits at once at the end of input" ;; *) ok 1 "berth-rspawn exits at once at the end of input"; diag "$(cat "$T_DIR/out")" ;; esac
[ -n "$(ls "$T_DIR/a"/*.eml 2>/dev/null | wc -l | grep -x 3)" ]; ok $? "the sink got three messages"
grep -c "rcpt=.@x.test delay=0s status=sent" "$T_DIR/log" | grep -qx 2 && grep -q "rcpt=w@X.TEST delay=0s status=sent" "$T_DIR/log"
ok $? "each job logged as sent, as without reuse"

# end of input while a connection is kept: QUIT, then exit, no child left behind
: > "$T_DIR/a/trans"
run a "J:1:$id:a@b.test:u@x.test"
case $(sed -n 2p "$T_DIR/out") in "exit 0 after 0."*) ok 0 "end of input with a kept connection: exit at once" ;; *) ok 1 "end of input with a kept connection: exit at once"; diag "$(cat "$T_DIR/out")" ;; esac
is "$(trans a)" "1 MAIL 1 QUIT " "and its child said QUIT first"

# another host, routed to another relay: another connection, both kept (the two relays
# reach the same sink: [127.0.0.1] and 127.0.0.1 are two routes)
printf 'x.test:[127.0.0.1]:%s\ny.test:127.0.0.1:%s\n' "$P" "$P" > "$BERTH_HOME/control/smtproutes"
: > "$T_DIR/a/trans"
run a "J:1:$id:a@b.test:u@x.test" "J:2:$id:a@b.test:u@y.test" "J:3:$id:a@b.test:u@y.test" "J:4:$id:a@b.test:u@x.test" "KIDS"
is "$(sed -n 5p "$T_DIR/out")" "kids 2" "two hosts on two routes: two kept connections"
is "$(trans a | cut -d' ' -f1-8)" "1 MAIL 2 MAIL 2 MAIL 1 MAIL" "two connections, two transactions each"
is "$(grep -c QUIT "$T_DIR/a/trans")" 2 "both QUIT at the end"

# two hosts routed to one relay share its kept connection (the key is the route's, as
# Postfix's cache is keyed by the next hop); an MX host, or another route, does not
printf 'x.test:[127.0.0.1]:%s\ny.test:[127.0.0.1]:%s\n' "$P" "$P" > "$BERTH_HOME/control/smtproutes"
: > "$T_DIR/a/trans"
run a "J:1:$id:a@b.test:u@x.test" "J:2:$id:a@b.test:u@y.test" "J:3:$id:a@b.test:u@Y.TEST" "J:4:$id:a@b.test:u@x.test" "KIDS"
is "$(sed -n 1,4p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/3: $K/4: $K/" "two hosts on one route: every job delivered"
is "$(sed -n 5p "$T_DIR/out")" "kids 1" "one kept connection for both"
is "$(trans a)" "1 MAIL 1 MAIL 1 MAIL 1 MAIL 1 QUIT " "one connection, four transactions"
printf ':[127.0.0.1]:%s\n' "$P" > "$BERTH_HOME/control/smtproutes"

# after the idle time: a new connection
: > "$T_DIR/a/trans"
run a "J:1:$id:a@b.test:u@x.test" "S:2.5" "J:2:$id:a@b.test:u@x.test"
is "$(trans a)" "1 MAIL 1 QUIT 2 MAIL 2 QUIT " "a job after 2.5 s idle: a new connection"
is "$(sed -n 2p "$T_DIR/out")" "2: $K" "and it is delivered"

# the kept child killed: the next job goes to a new child
: > "$T_DIR/a/trans"
run a "J:1:$id:a@b.test:u@x.test" "KILL" "J:2:$id:a@b.test:u@x.test"
is "$(sed -n 1,2p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/" "the kept child killed: the next job still delivered"
is "$(trans a)" "1 MAIL 2 MAIL 2 QUIT " "by a new connection"

# a control file changed between two jobs: a new session, with the new configuration
: > "$T_DIR/a/trans"
( sleep 0.5; printf 'renamed.test\n' > "$BERTH_HOME/control/helohost" ) & chg=$!
run a "J:1:$id:a@b.test:u@x.test" "S:1.2" "J:2:$id:a@b.test:u@x.test"
wait "$chg"
is "$(sed -n 1,2p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/" "control/helohost changed between two jobs: both delivered"
is "$(trans a)" "1 MAIL 1 QUIT 2 MAIL 2 QUIT " "the kept session said QUIT, a new one took the job"
grep -q "EHLO renamed.test" "$T_DIR/a/chunks"; ok $? "and said EHLO with the new name"
rm -f "$BERTH_HOME/control/helohost"

# the server closes the connection after each message: each job connects again
P2=$(free_port)
sink b 127.0.0.1 "$P2" --close-after-final
wait_listen 127.0.0.1 "$P2"
printf ':[127.0.0.1]:%s\n' "$P2" > "$BERTH_HOME/control/smtproutes"
run b "J:1:$id:a@b.test:u@x.test" "S:0.3" "J:2:$id:a@b.test:u@x.test" "J:3:$id:a@b.test:u@x.test"
is "$(sed -n 1,3p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/3: $K/" "a server that closes after each message: every job delivered"
is "$(trans b)" "1 MAIL 2 MAIL 3 MAIL " "one connection each"

# 421 to a second MAIL: connect again
P3=$(free_port)
sink c 127.0.0.1 "$P3" --mails-per-conn 1
wait_listen 127.0.0.1 "$P3"
printf ':[127.0.0.1]:%s\n' "$P3" > "$BERTH_HOME/control/smtproutes"
run c "J:1:$id:a@b.test:u@x.test" "J:2:$id:a@b.test:u@x.test"
is "$(sed -n 1,2p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/" "421 to the MAIL on a kept connection: delivered all the same"
is "$(trans c)" "1 MAIL 1 MAIL 2 MAIL 2 QUIT " "through a new connection"

# an exec'ed remote program ($BERTH_REMOTE): no reuse, one connection and QUIT per job
: > "$T_DIR/a/trans"
printf ':[127.0.0.1]:%s\n' "$P" > "$BERTH_HOME/control/smtproutes"
as_user env BERTH_REMOTE="$BERTH_TOP/bin/berth-remote" /usr/bin/python3 "$BERTH_TOP/tests/spawn-drive.py" \
  "J:1:$id:a@b.test:u@x.test" "J:2:$id:a@b.test:u@x.test" -- berth-rspawn > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(sed -n 1,2p "$T_DIR/out" | tr '\n' '/')" "1: $K/2: $K/" "with \$BERTH_REMOTE: both delivered"
is "$(trans a)" "1 MAIL 1 QUIT 2 MAIL 2 QUIT " "each by its own connection, QUIT at once"
t_done

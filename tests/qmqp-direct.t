#!/bin/sh
# berth-qmqpd queues in process when no $QMAILQUEUE is set and it owns the queue (a single-user
# hub), as berth-smtpd does: a berth-qmqpd with no berth-queue anywhere to run still queues,
# with berth-queue's Received line ("invoked from network") above its own, the envelope whole,
# the queue id in the answer and the log. $QMAILQUEUE still wins: a filter that refuses is
# answered with its D, one that execs berth-queue queues; a hub that is itself a null client
# (control/qmqpservers) passes the message on through berth-queue.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/qmqp-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 90
unset QMAILQUEUE QMAILINJECT
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
msg='Subject: direct

hello
'

# a berth-qmqpd alone in its directory, no berth-queue in $PATH: only the in-process commit works
berth-setup -u "$TESTUSER" -n hub.example "$T_DIR/hub" > /dev/null || { echo "Bail out! berth-setup"; exit 1; }
HUB=$T_DIR/hub
mkdir "$T_DIR/lone"; cp "$BERTH_TOP/bin/berth-qmqpd" "$T_DIR/lone/"
HP=$(free_port)
t_bg env PATH=/usr/bin:/bin BERTH_HOME="$HUB" $setuid tcpserver -HR 127.0.0.1 "$HP" "$T_DIR/lone/berth-qmqpd" 2>> "$T_DIR/hub.log"
wait_port "$HP" || { echo "Bail out! tcpserver"; exit 1; }
qmqp_req "$msg" s@nc.example a@hub.example b@hub.example | qmqp_raw "$HP" > "$T_DIR/a"
id=$(ls "$HUB/queue/todo")
is "$(cat "$T_DIR/a")" "$(ns "Kok queued as $id")" "no berth-queue to run: K, queued in process"
is "$(qcount "$HUB")" 1 "... one message in the queue"
is "$(qenv "$HUB/queue/todo/$id" | tr '\000' '|' | sed 's/^.*|F/F/')" "Fs@nc.example|Ta@hub.example|Tb@hub.example||" "... the envelope whole"
qbody "$HUB/queue/mess/$id" > "$T_DIR/got"
head -1 "$T_DIR/got" | grep -q '^Received: (berth [0-9]* invoked from network); '; ok $? "... berth-queue's Received line first"
sed -n 2p "$T_DIR/got" | grep -q '^Received: from '; ok $? "... then berth-qmqpd's"
sed -n 3p "$T_DIR/got" | grep -q '^	by hub.example (berth-qmqpd) with QMQP; '; ok $? "... with QMQP"
tail -3 "$T_DIR/got" | tr '\n' '|' | grep -q '^Subject: direct||hello|$'; ok $? "... the message intact"
grep -q "status=accepted from=s@nc.example rcpts=2 size=[0-9]* qid=$id" "$T_DIR/hub.log"; ok $? "... the log line names the queue id"
[ -z "$(ls "$HUB/queue/mess" | grep -v "^$id\$")" ]; ok $? "... nothing else left in mess/"
# a refusal after the message started: nothing left behind
echo 2 > "$HUB/control/enveloperecipients"
qmqp_req "$msg" s@nc.example a@hub.example b@hub.example c@hub.example | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "$(ns 'Dtoo many recipients for one message (#5.5.3)')" "over enveloperecipients: D"
is "$(ls "$HUB/queue/mess" | wc -l)" 1 "... nothing left in mess/"
rm "$HUB/control/enveloperecipients"

# $QMAILQUEUE: a filter that refuses, one that execs berth-queue
printf '#!/bin/sh\ncat > /dev/null\nexit 31\n' > "$T_DIR/refuse"
mkdir "$T_DIR/f"; chmod 777 "$T_DIR/f"   # the filter runs as the hub's user
printf '#!/bin/sh\necho ran >> "%s/f/ran"\nexec "%s/bin/berth-queue"\n' "$T_DIR" "$BERTH_TOP" > "$T_DIR/pass"
chmod 755 "$T_DIR/refuse" "$T_DIR/pass"
qmqp_hub hub2 QMAILQUEUE="$T_DIR/refuse"
qmqp_req "$msg" s@nc.example a@hub2.example | qmqp_raw "$HUB_PORT" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "$(ns 'Dmail server permanently rejected message (#5.3.0)')" "a QMAILQUEUE filter refusing (31): qmail's D"
is "$(qcount "$T_DIR/hub2")" 0 "... nothing queued"
qmqp_hub hub3 QMAILQUEUE="$T_DIR/pass"
qmqp_req "$msg" s@nc.example a@hub3.example | qmqp_raw "$HUB_PORT" > "$T_DIR/a"
case $(cat "$T_DIR/a") in *:Kok\ queued\ as\ *) r=0 ;; *) r=1 ;; esac; ok $r "a QMAILQUEUE filter passing: K ($(cat "$T_DIR/a"))"
is "$(cat "$T_DIR/f/ran" 2>/dev/null)" ran "... the filter ran"
is "$(qcount "$T_DIR/hub3")" 1 "... queued"

# a hub that is a null client of another: through berth-queue, which hands it on
qmqp_hub hub4
printf '127.0.0.1:%s\n' "$HP" > "$T_DIR/hub4/control/qmqpservers"
qmqp_req "$msg" s@nc.example z@hub.example | qmqp_raw "$HUB_PORT" > "$T_DIR/a"
case $(cat "$T_DIR/a") in *:Kok*) r=0 ;; *) r=1 ;; esac; ok $r "a hub with control/qmqpservers: K ($(cat "$T_DIR/a"))"
is "$(qcount "$T_DIR/hub4")" 0 "... nothing queued there"
is "$(qcount "$HUB")" 2 "... handed on to its own hub"
t_done

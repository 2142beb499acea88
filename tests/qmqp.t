#!/bin/sh
# QMQP: berth-qmqpc (a null client's queue program) into berth-qmqpd (the hub, under tcpserver):
# failover in control/qmqpservers order, qmail-qmqpc's exit codes, the hub's own refusal text
# through fd 6, a server that dies before or after the whole request; berth-qmqpd's answers to
# bad input (framing, long address, no recipient, databytes, truncated request, timeout), each
# with nothing queued; berth-smtpd on a null client; nullmailer's qmqp module as a third party.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/qmqp-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 120
unset QMAILQUEUE QMAILINJECT
qmqp_pair
printf '# a dead server first\n127.0.0.1:%s\n127.0.0.1:%s\n' "$dead" "$HP" > "$NC/control/qmqpservers"
QQ=$BERTH_TOP/bin/berth-qmqpc

printf 'To: a@hub.example, b@hub.example\nSubject: qmqp one\n\nbody\n' > "$T_DIR/m1"
QMAILQUEUE=$QQ as_user berth-inject < "$T_DIR/m1" 2> "$T_DIR/err"
is "$?" 0 "berth-inject through berth-qmqpc: exit 0 (the dead first server skipped)"
is "$(qcount "$NC")" 0 "nothing queued on the null client"
is "$(qcount "$HUB")" 1 "one message in the hub's queue"
id=$(ls "$HUB/queue/todo")
is "$(qenv "$HUB/queue/todo/$id" | tr '\000' '|' | sed 's/^.*|F/F/')" "Fanonymous@test.example|Ta@hub.example|Tb@hub.example||" "the hub's envelope: the sender and both recipients"
qbody "$HUB/queue/mess/$id" > "$T_DIR/got1"
grep -q '^	by hub.example (berth-qmqpd) with QMQP; ' "$T_DIR/got1"; ok $? "berth-qmqpd's Received line"
grep -q '^Subject: qmqp one$' "$T_DIR/got1" && grep -q '^body$' "$T_DIR/got1"; ok $? "the message intact"
grep -q 'berth-qmqpd: event=tx ip=127.0.0.1 status=accepted from=anonymous@test.example rcpts=2 size=[0-9]* qid='"$id" "$T_DIR/hub.log"; ok $? "the hub's log line names the queue id"

# qmqpc alone: qmail-queue's fds (message on 0, envelope on 1)
printf 'Subject: x\n\nx\n' > "$T_DIR/m"
printf 'Fs@nc.example\000Tr@hub.example\000\000' > "$T_DIR/env"
qq () { as_user env BERTH_HOME="$NC" "$QQ" < "$T_DIR/m" 1< "$T_DIR/env"; echo $?; }
printf '127.0.0.1:%s\n' "$dead" > "$NC/control/qmqpservers"
is "$(qq)" 73 "every server refusing the connection: 73"
rm "$NC/control/qmqpservers"
is "$(qq)" 55 "no control/qmqpservers: 55"
printf 'not-an-address\n' > "$NC/control/qmqpservers"
is "$(qq 2>/dev/null)" 55 "no usable line: 55"
printf '127.0.0.1:%s\n' "$HP" > "$NC/control/qmqpservers"
printf 'Fs@nc.example\000Xr@hub.example\000\000' > "$T_DIR/env"
is "$(qq)" 91 "an envelope not in qmail-queue's form: 91, nothing sent"
is "$(qcount "$HUB")" 1 "... nothing queued at the hub"

# a server that closes before reading the whole request, then one that reads it and never
# answers: the first is skipped (it cannot have queued it), the second ends the attempt (74)
"$PY" - "$T_DIR" > "$T_DIR/fake.ports" <<'PY' &
import socket, sys, threading, time, os
def serve(kind, ls):
    ls.settimeout(30)
    try:
        c, _ = ls.accept()
    except OSError:
        return
    if kind == "early":
        c.recv(10); c.close()
    else:
        c.settimeout(10)
        got = b""
        while not got.endswith(b","):
            b = c.recv(65536)
            if not b: break
            got += b
        time.sleep(3); c.close()
ports = []
for kind in ("early", "silent"):
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
    ports.append(ls.getsockname()[1])
    threading.Thread(target=serve, args=(kind, ls), daemon=True).start()
print(*ports, flush=True)
time.sleep(30)
PY
echo $! >> "$T_DIR/pids"
wait_until 5 test -s "$T_DIR/fake.ports"
read early silent < "$T_DIR/fake.ports"
printf 'Fs@nc.example\000Tr@hub.example\000\000' > "$T_DIR/env"
dd if=/dev/zero bs=1024 count=2048 2>/dev/null | tr '\000' 'a' | fold -w 70 | sed '1s/^/Subject: big\n\n/' > "$T_DIR/m"
printf '127.0.0.1:%s\n127.0.0.1:%s\n' "$early" "$HP" > "$NC/control/qmqpservers"
is "$(qq)" 0 "a server closing in the middle of the request: the next one takes it"
is "$(qcount "$HUB")" 2 "... queued once at the hub"
printf '127.0.0.1:%s\n127.0.0.1:%s\n' "$silent" "$HP" > "$NC/control/qmqpservers"
is "$(qq)" 74 "a server silent after the whole request: 74, the next not tried"
is "$(qcount "$HUB")" 2 "... nothing more at the hub"
printf 'Subject: x\n\nx\n' > "$T_DIR/m"

# the hub's refusals reach the caller: qmail-qmqpc's 31, or the text with berth-inject
printf '[::1]:%s\n127.0.0.1:%s\n' "$dead" "$HP" > "$NC/control/qmqpservers"
echo 200 > "$HUB/control/databytes"
printf 'Subject: big\n\n%0300d\n' 0 > "$T_DIR/m"
is "$(qq)" 31 "databytes at the hub (D, fd 6 not a pipe): 31"
printf 'To: a@hub.example\nSubject: big\n\n%0300d\n' 0 > "$T_DIR/m2"
QMAILQUEUE=$QQ as_user berth-inject < "$T_DIR/m2" 2> "$T_DIR/err"
is "$?" 100 "berth-inject: permanent"
is "$(cat "$T_DIR/err")" "berth-inject: fatal: sorry, that message size exceeds my databytes limit (#5.3.4)" "... with the hub's text (fd 6, exit 82)"
is "$(qcount "$HUB")" 2 "... nothing queued"
rm "$HUB/control/databytes"
printf 'Subject: x\n\nx\n' > "$T_DIR/m"

# berth-smtpd on a null client
sp=$(free_port)
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
echo nc.example > "$NC/control/rcpthosts"
t_bg env BERTH_HOME="$NC" QMAILQUEUE="$QQ" $setuid tcpserver -HR 127.0.0.1 "$sp" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
wait_port "$sp"
swaks --server "127.0.0.1:$sp" --from s@nc.example --to u@nc.example --helo h.example --body 'via smtp' > "$T_DIR/swaks.out" 2>&1
ok $? "berth-smtpd on the null client: the message accepted"
is "$(qcount "$HUB")" 3 "... and queued at the hub, not on the null client ($(qcount "$NC"))"

# berth-qmqpd and bad input: an answer (when the peer can still read it), nothing queued
printf 'abc' | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "44:Dprotocol error: not a QMQP request (#5.5.2)," "not a netstring: D"
{ printf '30:'; ns 'Subject: x' 's@x'; printf '%s' '9:1:r,,,,,,'; } | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "44:Dprotocol error: not a QMQP request (#5.5.2)," "an inner netstring past the outer one: D"
long=$(printf '%01003d' 0)
qmqp_req 'Subject: x

x
' s@x "$long@hub.example" | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "51:Dsorry, I can't accept addresses like that (#5.1.3)," "a recipient of 1003+ bytes: D 5.1.3"
qmqp_req 'Subject: x

x
' s@x | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "55:Dsorry, a message needs at least one recipient (#5.5.1)," "no recipient: D"
echo 5 > "$HUB/control/databytes"
qmqp_req 'Subject: x

x
' s@x r@hub.example | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "61:Dsorry, that message size exceeds my databytes limit (#5.3.4)," "over databytes: D 5.3.4"
rm "$HUB/control/databytes"
qmqp_req 'Subject: x

x
' s@x r@hub.example | head -c 20 | qmqp_raw "$HP" > "$T_DIR/a"
is "$(cat "$T_DIR/a")" "none" "a request cut short: no answer"
echo 1 > "$HUB/control/timeoutsmtpd"
"$PY" - "$HP" > "$T_DIR/a" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(10)
s.sendall(b"100:20:Subject")
print(s.recv(4096).decode())
PY
is "$(cat "$T_DIR/a")" "37:Ztimeout reading the request (#4.4.2)," "a silent peer: Z after timeoutsmtpd"
rm "$HUB/control/timeoutsmtpd"
is "$(qcount "$HUB")" 3 "none of the bad requests queued anything"
grep -q 'status=refused .*reason="sorry, I can.t accept addresses like that (#5.1.3)"' "$T_DIR/hub.log"; ok $? "a refusal is logged with its reason"

# nullmailer's qmqp protocol module (Debian's nullmailer; its package conflicts with postfix, so
# make check's install-deps unpacks it into $BERTH_PEERS, /var/cache/berth-test by default; an
# installed one, or BERTH_NULLMAILER_QMQP, also do)
nmq=${BERTH_NULLMAILER_QMQP:-/usr/lib/nullmailer/qmqp}
[ -x "$nmq" ] || nmq=${BERTH_PEERS:-/var/cache/berth-test}/nullmailer/usr/lib/nullmailer/qmqp
if [ -x "$nmq" ]; then
  printf 'n@nm.example\nx@hub.example\ny@hub.example\n\nSubject: from nullmailer\n\nhello\n' > "$T_DIR/nm"
  printf 'host=127.0.0.1\nport=%s\n' "$HP" | "$nmq" 3< "$T_DIR/nm" > "$T_DIR/nm.out" 2>&1
  is "$?" 0 "nullmailer's qmqp module: success ($(cat "$T_DIR/nm.out"))"
  is "$(qcount "$HUB")" 4 "... the message queued at the hub"
  grep -q 'status=accepted from=n@nm.example rcpts=2' "$T_DIR/hub.log"; ok $? "... with nullmailer's sender and two recipients"
else
  ok 0 "# SKIP nullmailer's qmqp module neither installed nor unpacked (sh package/install-deps check)"
fi
t_done

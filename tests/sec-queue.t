#!/bin/sh
# Security review: berth-queue's limits on one envelope (control/enveloperecipients, default
# 10,000; control/envelopebytes, default 1 MiB: doc/berth-queue.md). Over a limit: a permanent
# refusal (31, or 82 with its text on fd 6 when the caller gave a pipe there), nothing left in the
# queue; berth-inject and berth-smtpd queueing in process report it as permanent.
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 120
t_instance
Q=$BERTH_HOME/queue

printf 'Subject: test\n\nhello\n' > "$T_DIR/msg"
chmod 644 "$T_DIR/msg"
# envelope FILE NRCPT [ADDRLEN]: F, NRCPT recipients of about ADDRLEN bytes, final NUL
envelope () {
  "$PY" - "$1" "$2" "${3:-0}" <<'PY'
import sys
fn, n, alen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(fn, "wb") as f:
    f.write(b"Fs@x.example\0")
    for i in range(n):
        a = b"u%d@x.example" % i
        f.write(b"T" + a.rjust(max(alen, len(a)), b"a") + b"\0")
    f.write(b"\0")
PY
  chmod 644 "$1"
}
inject () { as_user berth-queue < "$T_DIR/msg" 1< "$1"; echo $?; }
count () { ls "$Q/$1" | wc -l | tr -d ' '; }
nothing_left () { is "$(count todo)/$(count intd)/$(count mess)" "$1/0/$1" "$2: nothing left behind"; }

envelope "$T_DIR/e100k" 100000
is "$(inject "$T_DIR/e100k")" 31 "100,000 recipients: refused, permanent (31)"
nothing_left 0 "after 100,000 recipients"
envelope "$T_DIR/e10k" 10000
is "$(inject "$T_DIR/e10k")" 0 "10,000 recipients (the default limit): queued"
envelope "$T_DIR/e10k1" 10001
is "$(inject "$T_DIR/e10k1")" 31 "10,001 recipients: 31"
nothing_left 1 "after 10,001 recipients"
envelope "$T_DIR/ebig" 1100 990
is "$(inject "$T_DIR/ebig")" 31 "1,100 recipients of 990 bytes (over 1 MiB of envelope): 31"
nothing_left 1 "after an envelope over 1 MiB"
envelope "$T_DIR/eok" 1000 990
is "$(inject "$T_DIR/eok")" 0 "1,000 recipients of 990 bytes (under 1 MiB): queued"

# the text on fd 6, when fd 6 is a pipe (qmail's callers give one)
out=$( { as_user berth-queue 6>&1 < "$T_DIR/msg" 1< "$T_DIR/e10k1"; echo " rc=$?"; } | tr -d '\n')
is "$out" "Dtoo many recipients for one message (#5.5.3) rc=82" "fd 6 a pipe: exit 82 and a permanent text"
out=$( { as_user berth-queue 6>&1 < "$T_DIR/msg" 1< "$T_DIR/ebig"; echo " rc=$?"; } | tr -d '\n')
is "$out" "Dmessage envelope too big (#5.3.4) rc=82" "... for an envelope over envelopebytes too"
is "$(as_user berth-queue < "$T_DIR/msg" 1< "$T_DIR/e10k1" 6>"$T_DIR/six"; echo $?)/$(wc -c < "$T_DIR/six" | tr -d ' ')" "31/0" \
  "fd 6 a regular file: not written to, 31"

# settable in control/
printf '3\n' > "$BERTH_HOME/control/enveloperecipients"
envelope "$T_DIR/e3" 3; envelope "$T_DIR/e4" 4
is "$(inject "$T_DIR/e3")/$(inject "$T_DIR/e4")" "0/31" "enveloperecipients 3: 3 queued, 4 refused"
printf '200\n' > "$BERTH_HOME/control/envelopebytes"
envelope "$T_DIR/e2x92" 2 92
is "$(inject "$T_DIR/e2x92")" 31 "envelopebytes 200: an envelope of 202 bytes refused"
envelope "$T_DIR/e2x91" 2 91
is "$(inject "$T_DIR/e2x91")" 0 "... one of 200 bytes queued"
printf 'lots\n' > "$BERTH_HOME/control/envelopebytes"
is "$(inject "$T_DIR/e3")" 55 "an unreadable limit: 55 (temporary: unable to read configuration)"
rm -f "$BERTH_HOME/control/envelopebytes"

# berth-inject, a real caller: a permanent failure with the text (exit 100)
out=$(printf 'Subject: x\n\nbody\n' | as_user berth-inject -f s@x.example a@x.example b@x.example c@x.example d@x.example 2>&1; echo "rc=$?")
case $out in *"too many recipients for one message"*rc=100) ok 0 "berth-inject: 4 recipients over 3: permanent, with the text" ;;
  *) ok 1 "berth-inject: 4 recipients over 3: permanent, with the text ($out)" ;; esac

# berth-smtpd queueing in process (no berth-queue): the same limit, a 554
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
port=$(free_port)
t_bg $setuid tcpserver -HRl0 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
before=$(count todo)
export port
"$PY" - > "$T_DIR/py.out" <<'PY'
import os, smtplib
c = smtplib.SMTP("127.0.0.1", int(os.environ["port"]), timeout=10)
c.ehlo("client.example")
def one(n):
    c.mail("a@x.example")
    for i in range(n): c.rcpt("r%d@test.example" % i)
    code, resp = c.data(b"Subject: one\r\n\r\nbody\r\n")
    c.rset()
    return code
print(one(4), one(3))
c.quit()
PY
is "$(cat "$T_DIR/py.out")" "554 250" "berth-smtpd in process: 4 recipients over 3 refused with 554, 3 accepted"
is "$(count todo)" "$((before + 1))" "... and only the accepted one is in todo/"
grep -q "berth-queue" "$T_DIR/smtpd.log" && ok 1 "berth-smtpd ran berth-queue" || ok 0 "berth-smtpd queued in process (no berth-queue)"
t_done

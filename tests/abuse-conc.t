#!/bin/sh
# 500 SMTP sessions at once against the smtpd service berth-setup writes (under s6-svscan), with
# conf/maxconn 40: each session beyond 40 gets "421 4.3.2" at once (berth-smtpd's slots), the
# accepted ones hold their slot 2 s and then all complete a transaction; berth-smtpd's peak RSS.
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v s6-svscan >/dev/null || skip_all "s6 not installed"
t_start 90
ulimit -n 4096 2>/dev/null
port=$(free_port)
MAX=40
BERTH_HOME=$T_DIR/home; export BERTH_HOME
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$port" "$BERTH_HOME" || { echo "Bail out! setup"; exit 1; }
svc=$BERTH_HOME/service
rm -rf "$svc/send"   # only the receiver is under test: messages stay in the queue, counted there
echo "$MAX" > "$svc/smtpd/conf/maxconn"
grep -q 'SMTPDSLOTS=\$max' "$svc/smtpd/run"; ok $? "the run file gives berth-smtpd its session slots"
[ "${BERTH_SAN:-}" = 1 ] && echo 100000000000000 > "$svc/smtpd/conf/datalimit"
t_bg s6-svscan "$svc"
n=0; while [ $n -lt 100 ] && ! s6-svok "$svc/smtpd" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$svc/smtpd"; ok $? "smtpd service ready"

"$PY" "$BERTH_TOP/tests/abuse-conc.py" "$port" "$MAX" > "$T_DIR/out" 2>&1
val () { sed -n "s/^$1 //p" "$T_DIR/out"; }
sed -n 's/^D /# /p' "$T_DIR/out"
completed=$(val completed) refused=$(val refused)
diag "500 clients: $completed completed, $refused refused with 421, $(val other) other, $(val connect_failed) connects failed, $(val elapsed) s"
diag "berth-smtpd: at most $(val peak_procs) at once in /proc samples (not atomic), peak RSS $(val peak_hwm_kb) kB ($(val samples) samples)"
is "$((completed + refused))" 500 "every one of the 500 sessions either completed or got 421 4.3.2"
is "$(val other)" 0 "no session failed otherwise (no hang, no reset, no wrong reply)"
[ "${completed:-0}" -ge "$MAX" ]; ok $? "at least $MAX sessions completed ($completed)"
[ "${refused:-0}" -ge 100 ]; ok $? "sessions over the limit were refused with 421 ($refused)"
[ "$(val peak_held)" -le "$MAX" ]; ok $? "at most $MAX sessions held a slot at once ($(val peak_held))"
is "$(val after)" "$MAX" "afterwards every slot is free again: $MAX new sessions at once all get 220"
# 2 * MAX sessions at most: MAX holding slots, MAX more between accept() and their 421
# (berth-listen -v logs "sessions N/LIMIT" at each accept and end: N is exact, /proc samples are not)
log=$BERTH_HOME/log/smtpd/current
n=0; while [ $n -lt 50 ] && [ "$(grep -c 'end=busy' "$log" 2>/dev/null)" -lt "${refused:-0}" ]; do sleep 0.1; n=$((n + 1)); done
tmax=$(sed -n 's/.*berth-listen: info: pid .* sessions \([0-9]*\)\/.*/\1/p' "$log" | sort -n | tail -n 1)
diag "berth-listen: at most $tmax sessions at once"
[ "${tmax:-999}" -le $((MAX * 2)) ] && [ "${tmax:-0}" -gt "$MAX" ]; ok $? "between $MAX and $((MAX * 2)) sessions at once (berth-listen -c $((MAX * 2)): $tmax)"
if [ "${BERTH_SAN:-}" = 1 ]; then ok 0 "# SKIP RSS bound (sanitizer shadow memory)"
else [ "$(val peak_hwm_kb)" -gt 0 ] && [ "$(val peak_hwm_kb)" -lt 4096 ]; ok $? "peak RSS of any berth-smtpd under 4 MiB ($(val peak_hwm_kb) kB)"; fi
q=$(find "$BERTH_HOME/queue/mess" -type f | wc -l | tr -d ' ')
is "$q" "$completed" "one queued message per completed session"
is "$(grep -c 'end=busy' "$log")" "$refused" "each refusal logged (end=busy)"
t_done

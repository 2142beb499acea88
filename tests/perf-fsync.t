#!/bin/sh
# The costs doc/queue.md and doc/send-state.md promise, counted with strace on the real pipeline
# (smtp-source -> tcpserver -> berth-smtpd -> queue -> berth-send -> berth-lspawn -> berth-local ->
# Maildir): one fsync per accepted message, the sealed message file's (two where the filesystem
# needs mess/ synced; issue 10 allows 3), at most 4 fsyncs and 3 execs per delivered message, and
# berth-smtpd queues in process.
. "$BERTH_TOP/tests/lib.sh"
command -v strace >/dev/null || skip_all "strace not installed"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
[ -x /usr/sbin/smtp-source ] || skip_all "smtp-source (postfix) not installed"
strace -f -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
t_start 60
t_instance
N=60
uid=$(id -u "$TESTUSER"); gid=$(id -g "$TESTUSER")
joe=$T_DIR/joe
mkdir -p "$joe/Maildir/tmp" "$joe/Maildir/new" "$joe/Maildir/cur"
printf '=joe:%s:%s:%s:%s:::\n.\n' "$TESTUSER" "$uid" "$gid" "$joe" > "$BERTH_HOME/users/assign"
berth-newu 2>/dev/null; ok $? "berth-newu compiles users/assign"
chown -R "$TESTUSER" "$joe" 2>/dev/null; chmod -R go-w "$joe"
echo test.example > "$BERTH_HOME/control/locals"
case $(findmnt -n -o FSTYPE --target "$BERTH_HOME/queue" 2>/dev/null) in
  ext4|xfs) accept_max=1 ;;
  *) accept_max=2 ;;
esac
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
trace="strace -f -qq -e trace=fsync,fdatasync,execve,openat -e signal=none"
port=$(free_port)
$trace -o "$T_DIR/smtpd.tr" $setuid tcpserver -c 20 -HRl0 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2>/dev/null &
smtpd_tr=$!; echo "$smtpd_tr" >> "$T_DIR/pids"
$trace -o "$T_DIR/send.tr" $setuid "$BERTH_TOP/bin/berth-start" 2>"$T_DIR/send.log" &
send_tr=$!; echo "$send_tr" >> "$T_DIR/pids"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
/usr/sbin/smtp-source -s 5 -m "$N" -l 2048 -f a@x.example -t joe@test.example "127.0.0.1:$port" > "$T_DIR/source.out" 2>&1
is "$?" 0 "smtp-source: $N messages"
n=0; while [ $n -lt 300 ] && [ "$(ls "$joe/Maildir/new" | wc -l)" -lt "$N" ]; do sleep 0.1; n=$((n + 1)); done
is "$(ls "$joe/Maildir/new" | wc -l)" "$N" "all $N delivered to the Maildir"
# stop the traced programs (strace's children) and let strace finish its output
for p in $smtpd_tr $send_tr; do kill -TERM $(pgrep -P "$p") 2>/dev/null; done
n=0; while [ $n -lt 100 ] && { kill -0 "$smtpd_tr" 2>/dev/null || kill -0 "$send_tr" 2>/dev/null; }; do sleep 0.1; n=$((n + 1)); done
count () { grep -c -E "$2" "$1"; }
afs=$(count "$T_DIR/smtpd.tr" ' (fsync|fdatasync)\(')
dfs=$(count "$T_DIR/send.tr" ' (fsync|fdatasync)\(')
# an execve split by -f ("<unfinished ...>" then "<... execve resumed>") starts on one line;
# failed ones (a PATH search) end in "= -1" on one line or the other
execs () { echo $(( $(count "$1" ' execve\(') - $(count "$1" 'execve.*= -1 ') )); }
aex=$(execs "$T_DIR/smtpd.tr")
dex=$(execs "$T_DIR/send.tr")
diag "per message: accept $afs/$N fsyncs, $aex/$N execs; delivery $dfs/$N fsyncs, $dex/$N execs"
[ "$afs" -le $((accept_max * N)) ] && [ "$afs" -ge "$N" ]; ok $? "accept: at most $accept_max fsyncs per message ($afs for $N)"
[ "$dfs" -ge "$N" ]; ok $? "delivery: fsyncs counted ($dfs for $N)"
# issue 10 bounds it at 4: 2.4 to 2.5 per message measured here, idle or loaded, because
# a message delivered at the first try has no state file (doc/send-state.md): 2 Maildir fsyncs
# and a share of mess/'s, whatever the load
[ "$dfs" -le $((3 * N)) ]; ok $? "delivery: at most 3 fsyncs per message ($dfs for $N)"
[ $((aex + dex)) -le $((3 * N)) ]; ok $? "at most 3 execs per message end to end ($((aex + dex)) for $N)"
# delivered at the first try, a message never gets a state file (doc/send-state.md, step 1)
is "$(count "$T_DIR/send.tr" 'openat\(.*queue/state/.*O_CREAT')" 0 "no state file written for $N messages delivered at the first try"
grep -q 'berth-queue' "$T_DIR/smtpd.tr"; is "$?" 1 "berth-smtpd owns the queue: no berth-queue process"
t_done

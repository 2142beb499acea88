#!/bin/sh
# berth-listen: tcpserver's job and berth-smtpd's in one program, a forked child per connection
# and no exec: real clients on 127.0.0.1 and ::1, tcprules' cdb (allow with a variable, deny),
# the environment berth-smtpd sees (Received, relaying), the -c limit, SIGTERM with a session
# open, no exec per session (strace), and the refusals (root, bad arguments).
. "$BERTH_TOP/tests/lib.sh"
command -v tcprules >/dev/null || skip_all "tcprules (ucspi-tcp-ipv6) not installed"
t_start 60
t_instance
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
printf '127.:allow,RELAYCLIENT=""\n::1:deny\n' > "$T_DIR/rules"
tcprules "$T_DIR/rules.cdb" "$T_DIR/rules.tmp" < "$T_DIR/rules" || { echo "Bail out! tcprules"; exit 1; }
chmod 644 "$T_DIR/rules.cdb"
pa=$(free_port); pb=$(free_port); pc=$(free_port)
# A: IPv4 with the rules, at most 2 sessions, under strace (every execve of its process tree)
t_bg strace -f -qq -e trace=execve -e signal=none -o "$T_DIR/a.tr" $setuid \
  "$BERTH_TOP/bin/berth-listen" -v -c 2 -x "$T_DIR/rules.cdb" -l listen.example 127.0.0.1 "$pa" 2> "$T_DIR/a.log"
strace_pid=$T_PID
# B: IPv6 with the same rules (::1 is denied); C: IPv6 without rules
t_bg $setuid "$BERTH_TOP/bin/berth-listen" -v -x "$T_DIR/rules.cdb" ::1 "$pb" 2> "$T_DIR/b.log"
t_bg $setuid "$BERTH_TOP/bin/berth-listen" ::1 "$pc" 2> "$T_DIR/c.log"
wait_port "$pa" || { echo "Bail out! berth-listen did not start"; exit 1; }
export pa pb pc

"$PY" - <<'PY' > "$T_DIR/py.out" 2>&1
import os, smtplib, socket, time
pa, pb, pc = (int(os.environ[k]) for k in ("pa", "pb", "pc"))
def say(ok, what): print(("ok" if ok else "FAIL") + " " + what, flush=True)
def greet(s):
    s.settimeout(5)
    try: return s.recv(512)
    except socket.timeout: return b"(timeout)"

# A: a session, relaying allowed by the rule's RELAYCLIENT
c = smtplib.SMTP("127.0.0.1", pa, timeout=10)
code, msg = c.ehlo("client.example")
say(code == 250, "IPv4: EHLO answered by berth-smtpd")
refused = c.sendmail("a@x.example", ["far@far.example"], b"Subject: listen\r\n\r\nhello\r\n")
say(refused == {}, "IPv4: relaying allowed (RELAYCLIENT from the rules cdb)")
c.quit()

# C: IPv6 without rules: no RELAYCLIENT, local mail accepted, relaying refused
c = smtplib.SMTP("::1", pc, timeout=10)
c.ehlo("six.example")
c.mail("a@x.example")
code, _ = c.rcpt("far@far.example")
say(code == 553, "IPv6 without rules: relaying refused (%s)" % code)
code, _ = c.rcpt("user@test.example")
say(code == 250, "IPv6 without rules: a local recipient accepted")
code, _ = c.data(b"Subject: six\r\n\r\nhello over ::1\r\n")
say(code == 250, "IPv6: message accepted")
c.quit()

# B: ::1 is denied: closed without a greeting
s = socket.create_connection(("::1", pb), 5)
got = greet(s)
say(got == b"", "IPv6 denied by the rules: closed without a word (%r)" % got[:40])
s.close()

# A: -c 2: a third connection waits for a free session
s1 = socket.create_connection(("127.0.0.1", pa), 5); g1 = greet(s1)
s2 = socket.create_connection(("127.0.0.1", pa), 5); g2 = greet(s2)
say(g1.startswith(b"220 ") and g2.startswith(b"220 "), "two sessions open")
s3 = socket.create_connection(("127.0.0.1", pa), 5); s3.settimeout(1)
try: g3 = s3.recv(512)
except socket.timeout: g3 = None
say(g3 is None, "-c 2: the third connection gets no greeting while two sessions run")
s1.sendall(b"QUIT\r\n"); s1.recv(512); s1.close()
g3 = greet(s3)
say(g3.startswith(b"220 "), "and gets it once one ends (%r)" % g3[:30])
s2.close(); s3.sendall(b"QUIT\r\n"); s3.recv(512); s3.close()
PY
while read -r word what; do
  if [ "$word" = ok ]; then ok 0 "$what"; else ok 1 "$word $what"; fi
done < "$T_DIR/py.out"

far=$(grep -l 'far@far.example' "$BERTH_HOME"/queue/todo/* 2>/dev/null | head -n 1)
six=$(grep -l 'user@test.example' "$BERTH_HOME"/queue/todo/* 2>/dev/null | head -n 1)
m=$BERTH_HOME/queue/mess/${far##*/}
grep -q '\[127\.0\.0\.1\])$' "$m" 2>/dev/null && grep -q '	by listen.example (berth-smtpd)' "$m"
ok $? "Received: TCPREMOTEIP 127.0.0.1, TCPLOCALHOST from -l"
grep -q '\[::1\])$' "$BERTH_HOME/queue/mess/${six##*/}" 2>/dev/null; ok $? "Received over IPv6: TCPREMOTEIP ::1"
grep -q 'berth-listen: info: deny ::1' "$T_DIR/b.log"; ok $? "-v logs the denial"
grep -q 'berth-listen: info: pid [0-9]* from 127.0.0.1 port [0-9]*' "$T_DIR/a.log" && grep -q 'berth-listen: info: end [0-9]* status 0' "$T_DIR/a.log"
ok $? "-v logs each session's start and end"
# strace: every execve of the tree is the listener's own start (s6-setuidgid's chain when root)
is "$(grep 'execve(' "$T_DIR/a.tr" | awk '{print $1}' | sort -u | wc -l)" 1 "no exec in the 5 sessions (all $(grep -c 'execve(' "$T_DIR/a.tr") execve by the listener's own pid)"
tail -n 1 "$T_DIR/a.tr" | grep -q 'bin/berth-listen"'; ok $? "the last one is berth-listen itself"

# SIGTERM: the listener stops, an open session finishes
"$PY" - "$pa" > "$T_DIR/term.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5); s.settimeout(10)
print(s.recv(512)[:4].decode(), flush=True)
time.sleep(1.5)
s.sendall(b"NOOP\r\n"); print(s.recv(512)[:3].decode()); s.sendall(b"QUIT\r\n"); print(s.recv(512)[:3].decode())
PY
pypid=$!
sleep 0.7
kill -TERM $(pgrep -P "$strace_pid")   # the listener (strace's child), not its sessions
gone () { ! "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5)' "$pa" 2>/dev/null; }
wait_until 5 gone; ok $? "SIGTERM: the listener stops accepting"
wait "$pypid"
is "$(tr '\n' ' ' < "$T_DIR/term.out")" "220  250 221 " "the session open at SIGTERM goes on to its QUIT"

# out of fds (ulimit -n 5: accept() fails with EMFILE): warnings at most every 100 ms, no spin
pe=$(free_port)
# (the redirection outside: dash saves fds above 9 for a redirection, which ulimit -n 5 forbids)
(ulimit -n 5; exec $setuid "$BERTH_TOP/bin/berth-listen" 127.0.0.1 "$pe") 2> "$T_DIR/emfile.log" &
epid=$!; echo "$epid" >> "$T_DIR/pids"
wait_port "$pe" 5
"$PY" -c 'import socket, sys, time; s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5); time.sleep(1.5)' "$pe"
ticks=$(awk '{print $14 + $15}' "/proc/$epid/stat" 2>/dev/null)
kill -TERM "$epid" 2>/dev/null
w=$(grep -c 'unable to accept: Too many open files' "$T_DIR/emfile.log")
[ "$w" -ge 1 ] && [ "$w" -le 25 ]; ok $? "EMFILE: logged, at most every 100 ms ($w warnings in 1.5 s)"
[ "${ticks:-999}" -le 30 ]; ok $? "EMFILE: no busy loop (${ticks:-?} clock ticks of CPU)"

# refusals
if [ "$(id -u)" = 0 ]; then
  "$BERTH_TOP/bin/berth-listen" 127.0.0.1 "$(free_port)" 2> "$T_DIR/root.err"; r=$?
  is "$r" 100 "as root without -U: exit 100"
  grep -q 'refusing to serve sessions as root' "$T_DIR/root.err"; ok $? "with a clear message"
  env -u UID -u GID "$BERTH_TOP/bin/berth-listen" -U 127.0.0.1 "$(free_port)" 2>/dev/null; is "$?" 100 "-U without \$UID/\$GID: exit 100"
fi
as_user "$BERTH_TOP/bin/berth-listen" 127.0.0.300 "$(free_port)" 2> "$T_DIR/bad.err"; is "$?" 100 "a bad address: exit 100"
grep -q 'host must be an IP address' "$T_DIR/bad.err"; ok $? "with a clear message"
as_user "$BERTH_TOP/bin/berth-listen" 127.0.0.1 2> /dev/null; is "$?" 100 "no port: usage, exit 100"
t_done

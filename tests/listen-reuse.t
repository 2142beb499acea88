#!/bin/sh
# berth-listen -m: a process serves sessions one after another, as Postfix's smtpd serves
# max_use clients. Checked with real clients on 127.0.0.1: sessions in turn share a process, up
# to -m; each starts with a clean environment (a rules cdb changed between two sessions of one
# process: the first one's RELAYCLIENT does not reach the second) and a clean slot; a denied
# peer leaves the worker serving; an unclean end (a message cut in DATA, a timeout-like drop)
# ends the process; idle workers end after -i; -c counts sessions, not workers; nothing of a
# message is left in the memory of the process that took it (read from /proc/PID/mem, as root).
# (A single-user instance; tests/qwriter.t runs the multi-user service, whose workers serve many.)
. "$BERTH_TOP/tests/lib.sh"
command -v tcprules >/dev/null || skip_all "tcprules (ucspi-tcp-ipv6) not installed"
t_start 60
t_instance
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
rules () {  # rules LINE...: the rules cdb, replaced atomically as tcprules does
  printf '%s\n' "$@" > "$T_DIR/rules"
  tcprules "$T_DIR/rules.cdb" "$T_DIR/rules.tmp" < "$T_DIR/rules" || { echo "Bail out! tcprules"; exit 1; }
  chmod 644 "$T_DIR/rules.cdb"
}
rules '127.:allow,RELAYCLIENT=""'
mkdir "$T_DIR/slots" && chmod 777 "$T_DIR/slots"
pa=$(free_port); pb=$(free_port)
# A: reuse up to 3 sessions, rules, one slot; B: -c 2, idle workers end after 2 s
t_bg env SMTPDSLOTS=1 SMTPDSLOTDIR="$T_DIR/slots" $setuid "$BERTH_TOP/bin/berth-listen" -v -m 3 -x "$T_DIR/rules.cdb" -l reuse.example 127.0.0.1 "$pa" 2> "$T_DIR/a.log"
t_bg $setuid "$BERTH_TOP/bin/berth-listen" -v -c 2 -m 100 -i 2 127.0.0.1 "$pb" 2> "$T_DIR/b.log"
bl=$T_PID
# listening, seen without a connection (wait_port's would be a session, and use a worker)
listening () { ss -Hltn "sport = :$1" | grep -q .; }
wait_until 10 listening "$pa" && wait_until 10 listening "$pb" || { echo "Bail out! berth-listen did not start"; exit 1; }
export pa pb T_DIR

# the pid that served each session: berth-listen -v's start lines, in order
pids () { sed -n 's/^berth-listen: info: pid \([0-9]*\) from .*/\1/p' "$1" | tr '\n' ' '; }
# settle LOG N: until LOG has N session ends (a worker is idle again only once its end is read:
# a connection made before that goes to another worker, rightly)
ends () { [ "$(grep -c '^berth-listen: info: end ' "$1")" -ge "$2" ]; }
settle () { wait_until 5 ends "$1" "$2"; }

"$PY" - > "$T_DIR/py1.out" 2>&1 <<'PY'
import os, smtplib, socket, subprocess, time
pa = int(os.environ["pa"]); T = os.environ["T_DIR"]
def say(ok, what): print(("ok" if ok else "FAIL") + " " + what, flush=True)
done = [0]
def settle():
    # until berth-listen logged the end of every session so far (see settle in the shell)
    done[0] += 1
    end = time.time() + 5
    while time.time() < end and open(T + "/a.log").read().count("berth-listen: info: end ") < done[0]:
        time.sleep(0.02)
def session(relay):
    c = smtplib.SMTP("127.0.0.1", pa, timeout=10)
    c.ehlo("client.example")
    c.mail("a@x.example")
    code, _ = c.rcpt("far@far.example")
    c.rset(); c.quit()
    settle()
    return code
say(session(True) == 250, "session 1: relaying allowed by the rules' RELAYCLIENT")
# the rules change: the next session, in the same process, must not keep RELAYCLIENT
open(T + "/rules.new", "w").write("127.:allow\n")
subprocess.run("tcprules %s/rules.cdb %s/rules.tmp < %s/rules.new && chmod 644 %s/rules.cdb" % (T, T, T, T), shell=True, check=True)
code = session(False)
say(code == 553, "session 2, same process, rules without RELAYCLIENT: relaying refused (%s)" % code)
# slot: SMTPDSLOTS=1; a third session in the same process gets its slot again
c = smtplib.SMTP("127.0.0.1", pa, timeout=10)
code, _ = c.ehlo("client.example")
say(code == 250, "session 3: the slot of the earlier sessions was given back (%s)" % code)
c.quit()
settle()
# -m 3: the fourth session is another process's
c = smtplib.SMTP("127.0.0.1", pa, timeout=10); c.ehlo("client.example"); c.quit()
PY
while read -r word what; do
  if [ "$word" = ok ]; then ok 0 "$what"; else ok 1 "$word $what"; fi
done < "$T_DIR/py1.out"
set -- $(pids "$T_DIR/a.log")
[ $# = 4 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ] && [ "$3" != "$4" ]
ok $? "-m 3: three sessions in one process, the fourth in another ($*)"
grep -q "berth-listen: info: end $1 status 0 sessions 0/40" "$T_DIR/a.log"; ok $? "-v logs each session's end, with the sessions' count"

# a denied peer, then an allowed one: the same worker serves on
settle "$T_DIR/a.log" 4
rules '127.:deny'
"$PY" -c 'import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5); s.settimeout(5); print(repr(s.recv(100)))' "$pa" > "$T_DIR/deny.out" 2>&1
is "$(cat "$T_DIR/deny.out")" "b''" "denied by the rules: closed without a word"
settle "$T_DIR/a.log" 5
rules '127.:allow'
"$PY" -c 'import smtplib,sys; c=smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10); c.noop(); c.quit()' "$pa"
set -- $(pids "$T_DIR/a.log")
[ $# = 6 ] && [ "$5" = "$6" ] && [ "$4" = "$5" ]; ok $? "the denial did not end the process ($*)"
grep -q "berth-listen: info: end $5 status 100" "$T_DIR/a.log"; ok $? "the denial's end logged with status 100"

# an unclean end: a message cut in DATA ends the process; nothing is queued
before=$(ls "$BERTH_HOME/queue/mess"/* 2>/dev/null | wc -l)
"$PY" - "$pa" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5); s.settimeout(5)
f = s.makefile("rb"); f.readline()
for cmd in (b"HELO c.example", b"MAIL FROM:<a@x.example>", b"RCPT TO:<user@test.example>", b"DATA"):
    s.sendall(cmd + b"\r\n"); f.readline()
s.sendall(b"Subject: cut\r\n\r\nhalf a message"); time.sleep(0.3); s.close()
PY
"$PY" -c 'import smtplib,sys; c=smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10); c.noop(); c.quit()' "$pa"
set -- $(pids "$T_DIR/a.log")
[ $# = 8 ] && [ "$7" != "$8" ]; ok $? "a session cut in DATA ends its process: the next session is another's ($7 then $8)"
wait_until 5 sh -c "! kill -0 $7 2>/dev/null"; ok $? "and that process is gone"
is "$(ls "$BERTH_HOME/queue/mess"/* 2>/dev/null | wc -l)" "$before" "nothing of the cut message queued"

# B: -c 2 counts sessions: two open, the third waits; idle workers end after -i 2
"$PY" - > "$T_DIR/py2.out" 2>&1 <<'PY'
import os, socket, time
pb = int(os.environ["pb"])
def say(ok, what): print(("ok" if ok else "FAIL") + " " + what, flush=True)
def greet(s):
    s.settimeout(5)
    try: return s.recv(512)
    except socket.timeout: return b"(timeout)"
def quit(s):
    s.sendall(b"QUIT\r\n"); s.recv(512); s.close()
s1 = socket.create_connection(("127.0.0.1", pb), 5); greet(s1); quit(s1)
end = time.time() + 5   # that worker is idle once its end is logged
while time.time() < end and "info: end " not in open(os.environ["T_DIR"] + "/b.log").read():
    time.sleep(0.02)
s1 = socket.create_connection(("127.0.0.1", pb), 5); g1 = greet(s1)
s2 = socket.create_connection(("127.0.0.1", pb), 5); g2 = greet(s2)
say(g1.startswith(b"220 ") and g2.startswith(b"220 "), "-c 2: two sessions open")
s3 = socket.create_connection(("127.0.0.1", pb), 5); s3.settimeout(1)
try: g3 = s3.recv(512)
except socket.timeout: g3 = None
say(g3 is None, "-c 2 with -m: the third connection gets no greeting while two sessions run")
quit(s1)
g3 = greet(s3)
say(g3.startswith(b"220 "), "and gets it once one ends, from the freed worker (%r)" % g3[:4])
quit(s2); quit(s3)
PY
while read -r word what; do
  if [ "$word" = ok ]; then ok 0 "$what"; else ok 1 "$word $what"; fi
done < "$T_DIR/py2.out"
set -- $(pids "$T_DIR/b.log")
[ $# = 4 ] && [ "$1" = "$2" ] && [ "$4" = "$2" -o "$4" = "$3" ]; ok $? "the freed worker took the waiting connection ($*)"
workers () { pgrep -P "$bl" | wc -l; }
echo "$bl" > "$T_DIR/b.pid"
[ -n "$bl" ] && [ "$(workers)" = 2 ]; ok $? "two workers idle after the sessions ($(workers))"
none () { [ "$(workers)" = 0 ]; }
wait_until 6 none; ok $? "-i 2: idle workers end after two seconds"

# memory: a marker sent in a message is nowhere in the worker that took it, once it is idle
"$PY" - "$pb" "$BERTH_HOME" > "$T_DIR/mem.out" 2>&1 <<'PY'
import os, re, smtplib, sys, time
pb = int(sys.argv[1])
marker = b"MARKER-" + os.urandom(6).hex().encode()
c = smtplib.SMTP("127.0.0.1", pb, timeout=10)
c.sendmail("a@x.example", ["user@test.example"], b"Subject: mem\r\n\r\n" + (marker + b"\r\n") * 200)
c.quit()
end = time.time() + 5   # idle once its end is logged: 5 sessions so far
while time.time() < end and open(os.environ["T_DIR"] + "/b.log").read().count("info: end ") < 5:
    time.sleep(0.02)
# the idle worker: the listener's only child
bl = open(os.environ["T_DIR"] + "/b.pid").read().split()[0]
def parent(p):
    try:
        return open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return None   # gone meanwhile
kids = [p for p in os.listdir("/proc") if p.isdigit() and parent(p) == bl]
if len(kids) != 1:
    print("FAIL one idle worker (%d)" % len(kids)); sys.exit()
found = 0
with open("/proc/%s/maps" % kids[0]) as maps, open("/proc/%s/mem" % kids[0], "rb", 0) as mem:
    for line in maps:
        a, perm = line.split()[:2]
        if "w" not in perm: continue
        lo, hi = (int(x, 16) for x in a.split("-"))
        try:
            mem.seek(lo); found += mem.read(hi - lo).count(marker)
        except OSError:
            pass
print(("ok" if found == 0 else "FAIL") + " the idle worker's memory holds nothing of the message it took (%d copies of the marker)" % found)
PY
if [ -n "${BERTH_SAN:-}" ]; then
  ok 0 "# SKIP a worker's memory under the sanitizers (their shadow maps are terabytes)"
elif [ "$(id -u)" = 0 ]; then
  while read -r word what; do
    if [ "$word" = ok ]; then ok 0 "$what"; else ok 1 "$word $what"; fi
  done < "$T_DIR/mem.out"
else
  ok 0 "# SKIP reading a worker's memory needs root"
fi

# the default stays a process per session
pc=$(free_port); pd=$(free_port)
t_bg $setuid "$BERTH_TOP/bin/berth-listen" -v 127.0.0.1 "$pc" 2> "$T_DIR/c.log"
t_bg $setuid "$BERTH_TOP/bin/berth-listen" -v -m 100 127.0.0.1 "$pd" 2> "$T_DIR/d.log"
wait_until 10 listening "$pc" && wait_until 10 listening "$pd" || { echo "Bail out! berth-listen did not start"; exit 1; }
for i in 1 2; do "$PY" -c 'import smtplib,sys; c=smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10); c.noop(); c.quit()' "$pc"; done
set -- $(pids "$T_DIR/c.log")
[ $# = 2 ] && [ "$1" != "$2" ]; ok $? "without -m: a process per session ($*)"

# the same session after a busy one, in a worker (D) and in a fresh process (C): the same queue
# files but for ids, dates and ports. The busy one leaves all it can: EHLO, parameters, an open
# transaction, errors, a message with DSN parameters.
"$PY" - "$pd" "$pc" "$T_DIR" > "$T_DIR/same.out" 2>&1 <<'PY'
import smtplib, sys, time
pd, pc = int(sys.argv[1]), int(sys.argv[2])
c = smtplib.SMTP("127.0.0.1", pd, timeout=10)
c.ehlo("busy.example")
c.docmd("BOGUS"); c.docmd("RCPT TO:<nobody@test.example>")
c.sendmail("busy@x.example", ["user@test.example"], b"Subject: busy\r\nX-Busy: 1\r\n\r\nbusy body\r\n",
           mail_options=["BODY=8BITMIME", "RET=FULL", "ENVID=BUSY1"], rcpt_options=["NOTIFY=NEVER"])
c.mail("open@x.example", ["SIZE=1000"]); c.rcpt("user@test.example")
c.quit()
end = time.time() + 5   # the worker is idle once its end is logged
while time.time() < end and "info: end " not in open(sys.argv[3] + "/d.log").read():
    time.sleep(0.02)
for port in (pd, pc):
    c = smtplib.SMTP("127.0.0.1", port, timeout=10)
    c.helo("same.example")
    c.sendmail("same@x.example", ["user@test.example"], b"Subject: same\r\n\r\nthe same session\r\n")
    c.quit()
print("done")
PY
grep -q '^done$' "$T_DIR/same.out"; ok $? "the busy session, then the same session in each" || sed 's/^/# /' "$T_DIR/same.out"
set -- $(pids "$T_DIR/d.log")
[ $# = 2 ] && [ "$1" = "$2" ]; ok $? "D: both sessions in one worker ($*)" || sed "s/^/# /" "$T_DIR/d.log"
norm () {  # a queued message's envelope and bytes, without what differs between two runs
  f=$(grep -l '^Subject: same$' "$BERTH_HOME/queue/mess"/* | sed -n "${1}p")
  { qenv "$BERTH_HOME/queue/todo/${f##*/}" | tr '\0' '\n' | grep -v '^[pt]'; qbody "$f"; } |
    sed -e 's/(berth [0-9]* invoked/(berth PID invoked/' -e 's/ id s[0-9]*\.[0-9]*\.[0-9]*\./ id SID./' -e 's/[A-Z][a-z][a-z], [0-9]* [A-Z][a-z][a-z] [0-9]* [0-9:]* [-+][0-9]*/DATE/'
}
[ "$(grep -l '^Subject: same$' "$BERTH_HOME/queue/mess"/* | wc -l)" = 2 ] && [ "$(norm 1)" = "$(norm 2)" ]
ok $? "what a worker queued after a busy session is what a fresh process queued" || { norm 1 | sed 's/^/# 1: /'; norm 2 | sed 's/^/# 2: /'; }
as_user "$BERTH_TOP/bin/berth-listen" -m 0 127.0.0.1 "$(free_port)" 2> /dev/null; is "$?" 100 "-m 0: usage, exit 100"
t_done

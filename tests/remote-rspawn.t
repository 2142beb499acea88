#!/bin/sh
# berth-rspawn driven directly: jobs on stdin for messages queued by berth-queue, results on
# stdout; qmail-rspawn's rules for s/h/r, garbled reports, exit 111; concurrency; never root.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
P=$(free_port)
ctl timeoutconnect 5
ctl timeoutremote 10
ctl logdebug 1   # berth-rspawn's own line per recipient (doc/logging.md): these tests read it
printf ':[127.0.0.1]:%s\n' "$P" > "$BERTH_HOME/control/smtproutes"
sink s 127.0.0.1 "$P"
wait_listen 127.0.0.1 "$P"

# queue MSG SENDER RCPT...: prints the id
queue () {
  _m=$1 _f=$2; shift 2
  /usr/bin/python3 -c 'import sys; sys.stdout.buffer.write(b"F" + sys.argv[1].encode() + b"\0" + b"".join(b"T" + r.encode() + b"\0" for r in sys.argv[2:]) + b"\0")' "$_f" "$@" > "$T_DIR/env"
  as_user sh -c 'BERTH_IDFD=3 berth-queue < "$1" 3>&1 1< "$2"' sh "$_m" "$T_DIR/env"
}
# jobs SLOT:ID:SENDER:RCPT,RCPT... ...: the job bytes on stdout
jobs () {
  /usr/bin/python3 -c '
import sys
out = b""
for j in sys.argv[1:]:
    slot, id, sender, rcpts = j.split(":")
    out += bytes([int(slot)])
    for r in rcpts.split(","):
        out += id.encode() + b"\0" + sender.encode() + b"\0" + r.encode() + b"\0"
    out += b"\0"
sys.stdout.buffer.write(out)' "$@"
}
# results FILE SLOT:N ...: one line per slot in output order, "slot: rec | rec" (each record's
# text; with RESULT_FACTS=1 in the environment, then a line "facts slot: FACTS" per set of facts)
results () {
  /usr/bin/python3 -c '
import os, sys
data = open(sys.argv[1], "rb").read()
want = dict((int(a), int(b)) for a, b in (x.split(":") for x in sys.argv[2:]))
pos = 0
while pos < len(data):
    slot = data[pos]; pos += 1
    recs = []; facts = set()
    for i in range(want[slot]):
        z = data.index(b"\0", pos)
        rec, _, f = data[pos:z].partition(b"\x1f")   # the facts of the spawn protocol follow \037
        recs.append(rec.decode("utf-8", "replace")); pos = z + 1
        if f: facts.add(f.decode())
    print("%d: %s" % (slot, " | ".join(recs)))
    if os.environ.get("RESULT_FACTS"):
        for f in sorted(facts): print("facts %d: %s" % (slot, f))' "$@"
}

printf 'Subject: one\n\nhello\n' > "$T_DIR/m1"
printf 'Subject: two\n\nhello\n' > "$T_DIR/m2"
chmod 644 "$T_DIR/m1" "$T_DIR/m2"
id1=$(queue "$T_DIR/m1" a@b.test u@x.test t450@x.test p550@x.test)
id2=$(queue "$T_DIR/m2" '' v@y.test)
[ -n "$id1" ] && [ -n "$id2" ]; ok $? "two messages queued ($id1, $id2)"
jobs "3:$id1:a@b.test:u@x.test,t450@x.test,p550@x.test" "9:$id2::v@y.test" "4:1.2.3:a@b.test:w@x.test" > "$T_DIR/jobs"
as_user berth-rspawn < "$T_DIR/jobs" > "$T_DIR/out" 2>>"$T_DIR/log"; ok $? "berth-rspawn exits 0 at the end of its input"
r=$(RESULT_FACTS=1 results "$T_DIR/out" 3:3 9:1 4:1)
has () { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac; }
has "$r" "3: K127.0.0.1 accepted message. Remote host said: 250 2.0.0 queued as sink | Z127.0.0.1 does not like recipient. Remote host said: 450 4.2.0 try later t450 | D127.0.0.1 does not like recipient. Remote host said: 550 5.1.1 no such user p550" "slot 3: K, Z (s), D (h) in job order"
has "$r" "9: K127.0.0.1 accepted" "slot 9: bounce sender <> delivered"
[ "$(printf '%s\n' "$r" | grep -c '^facts 3: ')" = 1 ]; ok $? "slot 3: one set of facts, the same after each recipient's record"
printf '%s\n' "$r" | grep -Eq "^facts 3: relay=127\.0\.0\.1\[127\.0\.0\.1\]:$P conn=[0-9]+ xfer=[0-9]+\$"; ok $? "slot 3: the facts name the relay host[ip]:port and the connection and transfer times"
printf '%s\n' "$r" | grep -q '^facts 4: '; [ $? = 1 ]; ok $? "slot 4 (no message, no session): no facts"
has "$r" "4: ZUnable to open the message file." "slot 4: missing message file: Z"
grep -q "^berth-rspawn: info: id=$id1 rcpt=p550@x.test delay=[0-9]*s status=bounced reply=\"127.0.0.1 does not like recipient" "$T_DIR/log"; ok $? "one log line per recipient"
grep -q '^<> ' "$T_DIR/s/2.env" || grep -q '^<> ' "$T_DIR/s/1.env"; ok $? "null sender sent as <>"
grep -qx '<u@x.test>' "$T_DIR/s/1.env" || grep -qx '<u@x.test>' "$T_DIR/s/2.env"; ok $? "recipient domain passed as host"

# run by path with berth-remote not on PATH (as berth-start runs it): berth-remote next to it
jobs "6:$id2::v@y.test" > "$T_DIR/j6"
as_user env PATH=/usr/bin:/bin "$BERTH_TOP/bin/berth-rspawn" < "$T_DIR/j6" > "$T_DIR/out" 2>>"$T_DIR/log"
has "$(results "$T_DIR/out" 6:1)" "6: K127.0.0.1 accepted" "berth-remote found next to berth-rspawn"

# fake remotes: garbled, exit 111, explicit r/h/s, slow
mkdir -p "$T_DIR/fake"
printf '#!/bin/sh\nprintf garbage\n' > "$T_DIR/fake/garbled"
printf '#!/bin/sh\nprintf "r\\000Kok\\000"\nexit 111\n' > "$T_DIR/fake/e111"
printf '#!/bin/sh\nprintf "r\\000h550 no\\000s450 later\\000Kfine\\000"\n' > "$T_DIR/fake/rhs"
printf '#!/bin/sh\nprintf "Zwe failed\\000"\n' > "$T_DIR/fake/zonly"
printf '#!/bin/sh\necho "$@" >> "%s/fake/args"\nsleep "$(cat "%s/fake/delay.$3")"\nprintf "r\\000K$3\\000"\n' "$T_DIR" "$T_DIR" > "$T_DIR/fake/slow"
chmod 755 "$T_DIR/fake"/*; chmod 777 "$T_DIR/fake"
jobs "1:$id1:a@b.test:u@x.test" > "$T_DIR/j1"
as_user berth-rspawn "$T_DIR/fake/garbled" < "$T_DIR/j1" > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(results "$T_DIR/out" 1:1)" "1: ZUnable to run berth-remote. (#4.3.0)" "garbled report: Z"
as_user berth-rspawn "$T_DIR/fake/e111" < "$T_DIR/j1" > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(results "$T_DIR/out" 1:1)" "1: ZUnable to run berth-remote. (#4.3.0)" "exit 111: Z"
jobs "2:$id1:a@b.test:u@x.test,t450@x.test,p550@x.test" > "$T_DIR/j2"
as_user berth-rspawn "$T_DIR/fake/rhs" < "$T_DIR/j2" > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(results "$T_DIR/out" 2:3)" "2: Kfine | D550 no | Z450 later" "r takes the final, h forces D, s forces Z"
as_user berth-rspawn "$T_DIR/fake/zonly" < "$T_DIR/j2" > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(results "$T_DIR/out" 2:3)" "2: Zwe failed | Zwe failed | Zwe failed" "final only: every recipient takes it"
# a remote program not ours gets the message from its offset 0, as qmail-rspawn gives it: one
# that rewinds its stdin reads the message, not berth's queue header (doc/queue.md)
printf '#!/bin/sh\n/usr/bin/python3 -c "import os, sys; os.read(0, 5); os.lseek(0, 0, 0); sys.stdout.buffer.write(os.read(0, 1 << 20))" > "%s/fake/seen"\nprintf "r\\000Kok\\000"\n' "$T_DIR" > "$T_DIR/fake/rewind"
chmod 755 "$T_DIR/fake/rewind"
as_user berth-rspawn "$T_DIR/fake/rewind" < "$T_DIR/j1" > "$T_DIR/out" 2>>"$T_DIR/log"
qbody "$BERTH_HOME/queue/mess/$id1" | cmp -s - "$T_DIR/fake/seen"; ok $? "a remote program that rewinds its stdin reads the message from its first byte"
as_user berth-rspawn /nonexistent/remote < "$T_DIR/j1" > "$T_DIR/out" 2>/dev/null
is "$(results "$T_DIR/out" 1:1)" "1: ZUnable to run berth-remote. (#4.3.0)" "program missing: Z"

# concurrency: five jobs of 1 s each finish in well under 5 s; a slow job does not hold a fast one
for i in 1 2 3 4 5; do echo 1 > "$T_DIR/fake/delay.r$i@z$i.test"; done
echo 2 > "$T_DIR/fake/delay.slow@a.test"; echo 0 > "$T_DIR/fake/delay.fast@b.test"
jobs "1:$id1:s:r1@z1.test" "2:$id1:s:r2@z2.test" "3:$id1:s:r3@z3.test" "4:$id1:s:r4@z4.test" "5:$id1:s:r5@z5.test" > "$T_DIR/j5"
start=$(date +%s)
as_user berth-rspawn "$T_DIR/fake/slow" < "$T_DIR/j5" > "$T_DIR/out" 2>>"$T_DIR/log"
end=$(date +%s)
is "$(results "$T_DIR/out" 1:1 2:1 3:1 4:1 5:1 | sort | tr '\n' ' ')" "1: Kr1@z1.test 2: Kr2@z2.test 3: Kr3@z3.test 4: Kr4@z4.test 5: Kr5@z5.test " "five concurrent jobs, five results"
[ $((end - start)) -le 3 ]; ok $? "jobs ran concurrently ($((end - start)) s)"
grep -q '^z1.test s r1@z1.test$' "$T_DIR/fake/args"; ok $? "argv: host sender rcpt"
jobs "7:$id1:s:slow@a.test" "8:$id1:s:fast@b.test" > "$T_DIR/j2"
as_user berth-rspawn "$T_DIR/fake/slow" < "$T_DIR/j2" > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(results "$T_DIR/out" 7:1 8:1 | tr '\n' ' ')" "8: Kfast@b.test 7: Kslow@a.test " "a slow job does not hold a fast one"

# berth-remote's code runs in berth-rspawn's forked child: no exec per job (an exec with
# $BERTH_REMOTE, the control), the same reports; a killed job is a deferral as before
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  jobs "1:$id2::a@x.test" "2:$id2::b@x.test" "3:$id1:a@b.test:c@x.test" > "$T_DIR/j3"
  # execs of berth-remote (an execve that failed, as in a PATH search, ends in "= -1")
  rexecs () { grep 'execve(".*berth-remote"' "$1" | grep -vc '= -1 '; }
  strace -f -qq -e trace=execve -e signal=none -o "$T_DIR/inproc.tr" s6-setuidgid "$TESTUSER" \
    "$BERTH_TOP/bin/berth-rspawn" < "$T_DIR/j3" > "$T_DIR/out" 2>>"$T_DIR/log"
  is "$(results "$T_DIR/out" 1:1 2:1 3:1 | cut -c1-19 | sort | tr '\n' ' ')" "1: K127.0.0.1 accep 2: K127.0.0.1 accep 3: K127.0.0.1 accep " "three jobs delivered by the forked berth-remote code"
  is "$(rexecs "$T_DIR/inproc.tr")" 0 "no exec of berth-remote for three jobs"
  # every exec after berth-rspawn's own (s6-setuidgid's chain comes before it)
  is "$(awk '/execve\(".*berth-rspawn"/ { on = 1; next } on && /execve\(/ { n++ } END { print n + 0 }' "$T_DIR/inproc.tr")" 0 "no exec at all once berth-rspawn runs"
  strace -f -qq -e trace=execve -e signal=none -o "$T_DIR/exec.tr" s6-setuidgid "$TESTUSER" \
    env BERTH_REMOTE="$BERTH_TOP/bin/berth-remote" "$BERTH_TOP/bin/berth-rspawn" < "$T_DIR/j3" > "$T_DIR/out" 2>>"$T_DIR/log"
  is "$(results "$T_DIR/out" 1:1 2:1 3:1 | cut -c1-19 | sort | tr '\n' ' ')" "1: K127.0.0.1 accep 2: K127.0.0.1 accep 3: K127.0.0.1 accep " "the same three jobs through \$BERTH_REMOTE"
  is "$(rexecs "$T_DIR/exec.tr")" 3 "with \$BERTH_REMOTE: one exec of berth-remote per job"
else
  for i in 1 2 3 4 5; do ok 0 "# SKIP strace cannot trace here"; done
fi
P2=$(free_port)
sink stall 127.0.0.1 "$P2" --stall 30
wait_listen 127.0.0.1 "$P2"
printf 'stall.test:[127.0.0.1]:%s\n:[127.0.0.1]:%s\n' "$P2" "$P" > "$BERTH_HOME/control/smtproutes"
jobs "5:$id2::k@stall.test" > "$T_DIR/jk"
# (not t_bg: an asynchronous function call would get /dev/null as stdin)
if [ "$(id -u)" = 0 ]; then s6-setuidgid "$TESTUSER" berth-rspawn < "$T_DIR/jk" > "$T_DIR/out" 2>>"$T_DIR/log" &
else berth-rspawn < "$T_DIR/jk" > "$T_DIR/out" 2>>"$T_DIR/log" & fi
rs=$!; echo "$rs" >> "$T_DIR/pids"
# the job, in its greeting wait: named berth-remote (pgrep, ps) like an exec'ed one
wait_until 5 pgrep -x -P "$rs" berth-remote > "$T_DIR/kid"; ok $? "a running job is a berth-remote child of berth-rspawn"
k=$(head -n 1 "$T_DIR/kid")
wait_until 5 sh -c 'ls -l "/proc/$1/fd" | grep -q "socket:"' sh "$k"; ok $? "the job connects"
# what an exec'ed berth-remote would have: no signal blocked or caught (SIGPIPE ignored, its own
# choice), only the message, the report pipe, stderr, its control socket and its connection open
# (an ASan build catches SIGBUS, SIGFPE and SIGSEGV itself: 0x4c0, left out under BERTH_SAN)
sigs=$(sed -n 's/^Sig\(Blk\|Cgt\):[[:space:]]*//p' "/proc/$k/status" 2>/dev/null | tr '\n' ' ')
[ "${BERTH_SAN:-}" = 1 ] && sigs=$(echo "$sigs" | sed 's/00000000000004c0 $/0000000000000000 /')
is "$sigs" "0000000000000000 0000000000000000 " "the job: no signal blocked or caught"
is "$(ls "/proc/$k/fd" 2>/dev/null | sort -n | tr '\n' ' ')" "0 1 2 3 4 " "the job: fds 0, 1, 2, its control socket to berth-rspawn (3) and its connection only"
kill -KILL "$k" 2>/dev/null
wait_until 5 sh -c '! kill -0 "$1" 2>/dev/null' sh "$rs"; ok $? "berth-rspawn ends after the killed job"
is "$(results "$T_DIR/out" 5:1)" "5: ZUnable to run berth-remote. (#4.3.0)" "a job killed by SIGKILL: Z, deferred"
grep -q "rcpt=k@stall.test delay=[0-9]*s status=deferred" "$T_DIR/log"; ok $? "and logged as deferred"

if [ "$(id -u)" = 0 ]; then
  berth-rspawn < /dev/null > /dev/null 2>&1; is $? 100 "refuses to run as root"
fi
t_done

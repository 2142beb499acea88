#!/bin/sh
# berth-bounce exactly once: a rerun after the commit queues nothing more; berth-send's state/
# counts as committed; SIGKILL at random moments, then a run to completion: always one bounce.
. "$BERTH_TOP/tests/lib.sh"
t_start 90
t_instance
Q=$BERTH_HOME/queue
mkdir -p "$Q/bounce" && chown "$TESTUSER" "$Q/bounce" 2>/dev/null
chmod 755 "$T_DIR"

printf 'From: a@sender.example\nSubject: once\n\nhello\n' > "$T_DIR/msg"
printf 'Fsend@sender.example\0Tx@test.example\0\0' > "$T_DIR/env"
chmod 644 "$T_DIR/msg" "$T_DIR/env"
id=$(as_user env BERTH_IDFD=3 berth-queue < "$T_DIR/msg" 3>&1 1< "$T_DIR/env")
printf 'Rx@test.example\0SD\0T1795384346\0XSorry, no mailbox here by that name. (#5.1.1)\0\0' > "$T_DIR/records"
restore () { cp "$T_DIR/records" "$Q/bounce/$id" && chown "$TESTUSER" "$Q/bounce/$id" 2>/dev/null; return 0; }
bounces () { ls "$Q/todo" "$Q/state" 2>/dev/null | grep -c "^${id}B\$"; }
others () { ls "$Q/todo" | grep -vc -e "^$id\$" -e "^${id}B\$"; }

# 1. A crash after the commit, before the records were removed: the rerun only removes them.
restore
as_user berth-bounce "$id" send@sender.example 1 2>/dev/null
is "$?/$(bounces)" "0/1" "first run: one bounce"
cp "$Q/mess/${id}B" "$T_DIR/first"
restore
as_user berth-bounce "$id" send@sender.example 1 2> "$T_DIR/log"
is "$?/$(bounces)/$(others)" "0/1/0" "rerun on the same records: still one bounce, none under another id"
grep -q "bounce id=$id status=queued reason=already-queued qid=${id}B" "$T_DIR/log"; ok $? "rerun: logged as already queued"
[ ! -e "$Q/bounce/$id" ]; ok $? "rerun: the records are removed"
cmp -s "$T_DIR/first" "$Q/mess/${id}B"; ok $? "rerun: the committed bounce is untouched"

# 2. berth-send has taken the bounce from todo/ into its state: still committed.
mkdir -p "$Q/state" && chown "$TESTUSER" "$Q/state" 2>/dev/null
mv "$Q/todo/${id}B" "$Q/state/${id}B"
restore
as_user berth-bounce "$id" send@sender.example 1 2>/dev/null
is "$?/$(bounces)/$(others)/$(ls "$Q/bounce" | wc -l | tr -d ' ')" "0/1/0/0" "a bounce in queue/state counts as committed"
rm -f "$Q/state/${id}B" "$Q/mess/${id}B"

# 3. A run killed while its queue child is still at work: the rerun waits for that child (it holds
# the records' lock) and finds its commit, instead of injecting a second time. The child is made slow
# by a $QMAILQUEUE filter that sleeps before running berth-queue.
printf '#!/bin/sh\nsleep 1\nexec berth-queue\n' > "$T_DIR/slowqueue"; chmod 755 "$T_DIR/slowqueue"
restore
if [ "$(id -u)" = 0 ]; then set -- s6-setuidgid "$TESTUSER"; else set --; fi
"$@" env QMAILQUEUE="$T_DIR/slowqueue" berth-bounce "$id" send@sender.example 1 2>/dev/null &
killme=$!   # berth-bounce itself: s6-setuidgid and env exec it
sleep 0.4
kill -KILL "$killme" 2>/dev/null; wait "$killme" 2>/dev/null
as_user berth-bounce "$id" send@sender.example 1 2> "$T_DIR/log"
is "$?/$(bounces)/$(others)" "0/1/0" "a run killed with its queue child alive, then a rerun: one bounce"
grep -q "reason=already-queued qid=${id}B" "$T_DIR/log"; ok $? "the rerun waited for the child and found its commit"
rm -f "$Q/todo/${id}B" "$Q/mess/${id}B"

# 4. SIGKILL at random moments, then a run to completion.
python3 - "$BERTH_HOME" "$TESTUSER" "$id" "$T_DIR/records" > "$T_DIR/kills" <<'PY'
import errno, fcntl, os, pwd, random, subprocess, sys, time
home, user, qid, records = sys.argv[1:5]
Q = os.path.join(home, 'queue')
def diag(text): print('# ' + text)
prefix = ['s6-setuidgid', user] if os.getuid() == 0 else []
pw = pwd.getpwnam(user)
bid = qid + 'B'
bfile = os.path.join(Q, 'bounce', qid)
def reset():
    for d in ('todo', 'mess', 'intd', 'state'):
        try: os.unlink(os.path.join(Q, d, bid))
        except FileNotFoundError: pass
    with open(bfile, 'wb') as f: f.write(open(records, 'rb').read())
    if os.getuid() == 0: os.chown(bfile, pw.pw_uid, pw.pw_gid)
def start():
    return subprocess.Popen(prefix + ['berth-bounce', qid, 'send@sender.example', '1'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def listing(d): return sorted(os.listdir(os.path.join(Q, d)))
def orphan_alive():
    # the queue child of a killed run holds the lock on the records until it ends
    try: fd = os.open(bfile, os.O_RDONLY)
    except FileNotFoundError: return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError as e:
        if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN): raise
        return True
    finally: os.close(fd)
times = []
for _ in range(3):
    reset()
    t = time.monotonic(); start().wait(); times.append(time.monotonic() - t)
span = 1.2 * sorted(times)[1]
seed = random.randrange(1 << 30)
random.seed(seed)
diag('seed %d; one run takes %.1f ms; kills land within %.1f ms (half of them within %.1f ms)' % (seed, 1000 * span / 1.2, 1000 * span, 125 * span))
killed = committed = orphans = 0
bad = []
for i in range(30):
    reset()
    p = start()
    time.sleep(random.uniform(0, span if i % 2 else span / 8))
    p.kill()
    if p.wait() != 0:
        killed += 1
        if orphan_alive(): orphans += 1
        if os.path.exists(os.path.join(Q, 'todo', bid)): committed += 1
    rc2 = start().wait()
    todo = [x for x in listing('todo') if x != qid]
    mp = os.path.join(Q, 'mess', bid)
    mess = open(mp, 'rb').read() if os.path.exists(mp) else b''
    whole = mess.endswith(b'--\n') and b'Final-Recipient: rfc822; x@test.example' in mess
    state = (rc2, todo, whole, listing('intd'), os.path.exists(bfile))
    if state != (0, [bid], True, [], False): bad.append((i, state))
diag('%d of 30 runs killed before exit 0: %d with the bounce already committed when the kill returned, '
     '%d with the queue child still running (the rerun waited for it)' % (killed, committed, orphans))
diag('failures: %r' % (bad[:3],))
print('killed %d' % killed)
print('bad %d' % len(bad))
PY
grep '^#' "$T_DIR/kills"
is "$(grep '^bad ' "$T_DIR/kills")" "bad 0" "30 runs killed at random moments, each then run to completion: exactly one whole bounce each time, never two, never zero; nothing left in intd; records removed"
[ "$(sed -n 's/^killed //p' "$T_DIR/kills")" -ge 10 ]; ok $? "the kills really landed during the runs"

t_done

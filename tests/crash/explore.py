#!/usr/bin/python3
# The crash-state explorer (doc/reliability.md, "Crash states"): records the file-system calls
# of a real run (berth-queue injections, one through a pooled file, one with an envelope in its
# own file; berth-send's recovery walk, deliveries, removals into the pool) with strace, builds
# every state a crash could leave on disk under each persistence model (model.py), runs
# berth-send's real first start after a reboot on each, and checks: every acknowledged message
# is delivered whole once or twice to each recipient; nothing is delivered partial, corrupt or
# with another message's bytes; no todo/, state/, bad/ or pool/<id> entry is left.
#   explore.py [--full] [--max N] [--model M] [--variant V]   prints TAP
# Trust: runs berth's programs in scratch directories as the calling user.
import hashlib, os, random, re, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model, sim

HERE = os.path.dirname(os.path.abspath(__file__))
SPAWN = os.path.join(HERE, 'spawn.py')
RCV = re.compile(rb'^Received: [^\n]*\n')
QDIRS = ('todo', 'state', 'bad')   # intd/ and unsealed mess/ files are swept after 36 h


USER = os.environ.get('TESTUSER', 'nobody') if os.getuid() == 0 else None
ASUSER = ['s6-setuidgid', USER] if USER else []


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def messages():
    """marker -> (envelope, body, recipients): one small, two for the pool, one big envelope."""
    out = {}
    for name, n in (('a1', 1), ('b2', 1), ('c3', 2), ('d4', 3)):
        local = 'x' * (330 if name == 'd4' else 4)
        rcpts = ['%s%s%d@test.example' % (name, local, i) for i in range(n)]
        env = b'Fs@x.example\0' + b''.join(b'T' + r.encode() + b'\0' for r in rcpts) + b'\0'
        body = ('Subject: crash %s\n\ncrash-marker-%s\n' % (name, name)).encode() + \
            hashlib.sha256(name.encode()).hexdigest().encode() * (40 if name == 'c3' else 2) + b'\n'
        out[name] = (env, body, rcpts)
    return out


WORKLOAD = r'''
cd "$H"
q () { berth-queue 0<"$M/$1" 1<"$M/$1.env"; }
waitfor () { n=0; while [ $n -lt 200 ]; do [ "$(ls "$1" | grep -c "$2")" -ge "$3" ] && return 0; sleep 0.05; n=$((n+1)); done; return 1; }
q a1
berth-start 2>>"$R/send.log" & sp=$!
waitfor "$R/box" '^d\.' 1
waitfor "$H/queue/pool" '^s' 1
q b2; q c3; q d4
waitfor "$R/box" '^d\.' 7
n=0; while [ $n -lt 200 ] && [ -n "$(ls "$H/queue/todo" "$H/queue/state")" ]; do sleep 0.05; n=$((n+1)); done
sleep 0.3
kill -TERM $sp; wait $sp
'''


def setup(root, tmpfs):
    home = os.path.join(root, 'home')
    os.makedirs(root, exist_ok=True)
    sh('berth-setup -u "%s" -n test.example "%s" >/dev/null' % (USER or os.environ.get('USER') or
                                                              subprocess.getoutput('id -un'), home))
    os.makedirs(os.path.join(root, 'box'))
    os.makedirs(os.path.join(root, 'msgs'))
    for name, (env, body, _) in messages().items():
        open(os.path.join(root, 'msgs', name), 'wb').write(body)
        open(os.path.join(root, 'msgs', name + '.env'), 'wb').write(env)
    if USER:
        sh('chown -R "%s" "%s"' % (USER, root))
    return home


def env_for(root, home):
    e = dict(os.environ, BERTH_HOME=home, H=home, R=root, M=os.path.join(root, 'msgs'),
             BERTH_LSPAWN=SPAWN, BERTH_RSPAWN=SPAWN, BERTH_BOUNCE='/bin/false',
             CRASH_BOX=os.path.join(root, 'box'))
    return e


def record(base):
    """Run the workload under strace; the replay and its events."""
    root = os.path.join(base, 'rec')
    home = setup(root, False)
    sh('sync')
    rep = sim.Replay(root)
    tr = os.path.join(base, 'trace')
    subprocess.run(['strace', '-f', '-y', '-x', '-s', '1000000', '-o', tr] + ASUSER + ['sh', '-c', WORKLOAD],
                   env=env_for(root, home), check=True)
    return rep, rep.run(tr), root


def materialize(rep, dirs, data, src, dst):
    """The crash state as a real tree: the recorded instance's files, then queue/ and box/ as the
    model leaves them (hard links kept)."""
    sh('cp -a "%s" "%s" && find "%s/home/queue" "%s/box" -type f -delete' % (src, dst, dst, dst))
    made = {}
    for d in sorted(dirs):
        rel = os.path.relpath(d, rep.root)
        if not (rel.startswith('home/queue') or rel.startswith('box')):
            continue
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for n, v in dirs[d].items():
            p = os.path.join(dst, rel, n)
            if isinstance(v, tuple):
                os.makedirs(p, exist_ok=True)
            elif v in made:
                os.link(made[v], p)
            else:
                with open(p, 'wb') as f:
                    f.write(data[v])
                os.chmod(p, 0o640)
                made[v] = p
    with open(os.path.join(dst, 'home/queue/lock/boot'), 'w') as f:
        f.write('another-boot\n')
    if USER:
        sh('chown -R "%s" "%s"' % (USER, dst))


def busy(q):
    if any(os.listdir(os.path.join(q, d)) for d in ('todo', 'state', 'mess', 'intd')):
        return True
    return any(not n.startswith('s') for n in os.listdir(os.path.join(q, 'pool')))


def recover(dst):
    """berth-send's first start after a reboot on the tree, until the queue settles."""
    home, q = os.path.join(dst, 'home'), os.path.join(dst, 'home/queue')
    if not busy(q):
        return 'idle'
    log = open(os.path.join(dst, 'send.log'), 'ab')
    p = subprocess.Popen(ASUSER + ['berth-start'], env=env_for(dst, home), stderr=log, cwd=home)
    end = time.time() + 10
    while time.time() < end:
        time.sleep(0.05)
        walked = open(os.path.join(q, 'lock/boot')).read() != 'another-boot\n'
        if walked and not any(os.listdir(os.path.join(q, d)) for d in ('todo', 'state')) and \
                not any(not n.startswith('s') for n in os.listdir(os.path.join(q, 'pool'))):
            break
    time.sleep(0.1)
    p.terminate()
    p.wait(10)
    return 'ran'


def check(dst, acked, msgs):
    """The invariants on a recovered tree: a list of violations (empty: fine)."""
    bad, count = [], {}
    q = os.path.join(dst, 'home/queue')
    for n in sorted(os.listdir(os.path.join(dst, 'box'))):
        body = open(os.path.join(dst, 'box', n), 'rb').read()
        m = re.search(rb'crash-marker-([0-9a-z]+)\n', body)
        mk = m.group(1).decode() if m else None
        r = RCV.match(body)
        if mk not in msgs or not r or body[r.end():] != msgs[mk][1]:
            bad.append('delivery %s is partial, corrupt or foreign (%d bytes)' % (n, len(body)))
            continue
        h = n.split('.')[-2]
        count[(mk, h)] = count.get((mk, h), 0) + 1
    for mk, (_, _, rcpts) in msgs.items():
        for r in rcpts:
            c = count.get((mk, hashlib.sha1(r.encode()).hexdigest()[:8]), 0)
            if c > 2 or (mk in acked and c < 1):
                bad.append('%s to %s: delivered %d times%s' % (mk, r[:12], c, ' (acknowledged)' if mk in acked else ''))
    for d in QDIRS:
        for n in os.listdir(os.path.join(q, d)):
            bad.append('left over: queue/%s/%s' % (d, n))
    for n in os.listdir(os.path.join(q, 'pool')):
        if not n.startswith('s'):
            bad.append('left over: queue/pool/%s' % n)
    return bad


def variant(events, v):
    """A deliberately broken run, to show the checks can fail: 'nofsync' drops berth-queue's
    fsync of the message file (a Sync of a file newly named in queue/mess)."""
    if v == 'nofsync':
        return [e for e in events if not (isinstance(e, sim.Sync) and
                                          any(d.endswith('/queue/mess') for d in e.newdirs))]
    return events


def main(argv):
    full = '--full' in argv
    opt = lambda k, d: argv[argv.index(k) + 1] if k in argv else d
    cap = int(opt('--max', '0' if full else '6'))
    models = opt('--model', ','.join(model.MODELS)).split(',')
    base = tempfile.mkdtemp(prefix='berth-crash.')
    os.chmod(base, 0o755)
    msgs = messages()
    try:
        rep, events, src = record(base)
        events = variant(events, opt('--variant', ''))
        print('1..%d' % (len(models) + 1))
        acks = [e.marker for e in events if isinstance(e, sim.Ack)]
        print('%s 1 - recorded %d events, %d acknowledged injections' %
              ('ok' if sorted(acks) == sorted(msgs) else 'not ok', len(events), len(acks)))
        n = 1
        for m in models:
            n += 1
            st = model.states(rep, events, m, 8 if full else 2, 1)
            keys = sorted(st)
            if cap and len(keys) > cap:
                keys = random.Random(int(opt('--seed', str(os.getpid())))).sample(keys, cap)
            viol, ran = [], 0
            for i, h in enumerate(keys):
                dirs, data, uses = st[h]
                dst = os.path.join(base, 's%d' % i)
                materialize(rep, dirs, data, src, dst)
                ran += recover(dst) == 'ran'
                for (k, label, ack) in uses:
                    for b in check(dst, ack, msgs):
                        viol.append('crash after event %d (%s): %s' % (k, label, b))
                shutil.rmtree(dst, ignore_errors=True)
            # the trace comes from ext4, where berth-queue skips the fsync of mess/ (queue.md): a
            # POSIX-only file system runs the other branch, which this trace does not hold
            todo = ' # TODO the posix model needs a trace recorded off ext4/xfs' if m == 'posix' else ''
            print('%s %d - %s: %d states (%d explored, %d recoveries run), %d violations%s' %
                  ('ok' if not viol else 'not ok', n, m, len(st), len(keys), ran, len(viol), todo))
            for v in viol[:20]:
                print('# ' + v)
    finally:
        if os.environ.get('BERTH_KEEP') != '1':
            shutil.rmtree(base, ignore_errors=True)
        else:
            print('# kept ' + base)


if __name__ == '__main__':
    main(sys.argv[1:])

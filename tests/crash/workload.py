# The crash explorer's recorded run (tests/crash/): the messages, the workload and its recording
# under strace. Writers: berth-queue (a new inode, pooled files, an envelope in its own file),
# berth-smtpd committing in process (smtp.py), berth-local delivering to a Maildir; berth-send
# with its first start in a boot (the recovery walk), its deliveries (spawn.py) and its removals
# into pool/. Recorded on the file system of a directory given: ext4 here (mess/ not fsynced,
# doc/queue.md), or a tmpfs, where queue_fsync_names answers "sync the directory".
# Trust: runs berth's programs in scratch directories as the calling user (TESTUSER as root).
import hashlib, os, subprocess, sys
import sim

HERE = os.path.dirname(os.path.abspath(__file__))
USER = os.environ.get('TESTUSER', 'nobody') if os.getuid() == 0 else None
ASUSER = ['s6-setuidgid', USER] if USER else []
# calls the replay reads (sim.py); reads are left out: they change nothing and fill the trace
CALLS = ('open,openat,creat,write,pwrite64,writev,close,dup,dup2,dup3,fcntl,lseek,ftruncate,'
         'link,linkat,rename,renameat,renameat2,unlink,unlinkat,rmdir,mkdir,mkdirat,fsync,'
         'fdatasync,execve,clone,clone3,fork,vfork,chdir')


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def messages():
    """marker -> (envelope, body, recipients, writer): one small, two for the pool, one big
    envelope (berth-queue), one through SMTP (berth-smtpd), one to a Maildir (berth-local)."""
    out = {}
    for name, n, via in (('a1', 1, 'queue'), ('b2', 1, 'queue'), ('c3', 2, 'queue'),
                         ('d4', 3, 'queue'), ('e5', 2, 'smtp'), ('f6', 0, 'local')):
        local = 'x' * (330 if name == 'd4' else 4)
        rcpts = ['%s%s%d@test.example' % (name, local, i) for i in range(n)]
        env = b'Fs@x.example\0' + b''.join(b'T' + r.encode() + b'\0' for r in rcpts) + b'\0'
        body = ('Subject: crash %s\n\ncrash-marker-%s\n' % (name, name)).encode() + \
            hashlib.sha256(name.encode()).hexdigest().encode() * (40 if name in ('c3', 'f6') else 2) + b'\n'
        out[name] = (env, body, rcpts, via)
    return out


WORKLOAD = r'''
cd "$H"
q () { berth-queue 0<"$M/$1" 1<"$M/$1.env"; }
waitfor () { n=0; while [ $n -lt 200 ]; do [ "$(ls "$1" | grep -c "$2")" -ge "$3" ] && return 0; sleep 0.05; n=$((n+1)); done; return 1; }
q a1
berth-start 2>>"$R/send.log" & sp=$!
waitfor "$R/box" '^d\.' 1
waitfor "$H/queue/pool" '^s' 1
q b2; python3 "$C/smtp.py" "$M/e5" "$M/e5.env"; q c3; q d4
(cd "$R/lhome" && berth-local -- u "$R/lhome" u "" "" test.example s@x.example ./Maildir/ <"$M/f6" >/dev/null)
waitfor "$R/box" '^d\.' 9
n=0; while [ $n -lt 200 ] && [ -n "$(find "$H/queue/todo" "$H/queue/state" "$H/queue/pool" -type f ! -name 's*')" ]; do sleep 0.05; n=$((n+1)); done
kill -TERM $sp; wait $sp
'''


def setup(root):
    home = os.path.join(root, 'home')
    os.makedirs(root, exist_ok=True)
    sh('berth-setup -u "%s" -n test.example "%s" >/dev/null' % (USER or subprocess.getoutput('id -un'), home))
    # the recipients are the stand-in spawner's (spawn.py), no mailbox's: no recipient check
    os.unlink(os.path.join(home, 'control', 'rcptcheck'))
    for d in ('box', 'msgs', 'lhome/Maildir/tmp', 'lhome/Maildir/new', 'lhome/Maildir/cur'):
        os.makedirs(os.path.join(root, d))
    os.chmod(os.path.join(root, 'lhome'), 0o755)
    for name, (env, body, _, _) in messages().items():
        open(os.path.join(root, 'msgs', name), 'wb').write(body)
        open(os.path.join(root, 'msgs', name + '.env'), 'wb').write(env)
    if USER:
        sh('chown -R "%s" "%s"' % (USER, root))
    return home


def env_for(root, home):
    spawn = os.path.join(HERE, 'spawn.py')
    return dict(os.environ, BERTH_HOME=home, H=home, R=root, M=os.path.join(root, 'msgs'), C=HERE,
                BERTH_LSPAWN=spawn, BERTH_RSPAWN=spawn, BERTH_BOUNCE='/bin/false',
                CRASH_BOX=os.path.join(root, 'box'))


def record(root, tracefile):
    """Run the workload under strace in root; (the replay, its events)."""
    home = setup(root)
    sh('sync')
    rep = sim.Replay(root)
    subprocess.run(['strace', '-f', '-y', '-x', '-s', '1000000', '-e', 'trace=' + CALLS,
                    '-o', tracefile] + ASUSER + ['sh', '-c', WORKLOAD], env=env_for(root, home), check=True)
    return rep, rep.run(tracefile)


def fstype(path):
    return subprocess.run(['stat', '-f', '-c', '%T', path], capture_output=True, text=True).stdout.strip()

# bench/mta.py: the mail systems under test, each a private instance on loopback.
#   Berth:   berth-setup instance, berth-listen (tcpserver and berth-smtpd in one), berth-start
#            (berth-send + spawners). Single-user (-u nobody: one uid runs everything, mail to the
#            alias Maildir) or multi-user (berth-setup as root: qmail's uids, a set-uid
#            berth-queue, mail to a passwd user's ~/Maildir delivered as that user).
#   Postfix: Debian's postfix with its own main.cf/master.cf/queue (never the system MTA);
#            outbound mail goes to error:, except the relay domain, routed to the sink. Local
#            mail through local(8) to a passwd user's ~/Maildir/ (home_mailbox, what Postfix's
#            admins run), at a given local concurrency; or through virtual(8) into one Maildir.
# Users made here have a unique prefix and are removed at the end (Users); their homes sit side
# by side under one home area, as on a host. "Held" delivery: berth without berth-send running,
# Postfix without its qmgr in master.cf (mail waits in queue/incoming). Runs as root; the
# instances belong to nobody. Every process started here is in a process group we kill at the end.
import os, shutil, signal, socket, subprocess, time

USER = "nobody"
FROM = "bench@example.org"


class Users:
    """passwd users of this run (prefix unique per run), removed by remove()."""
    def __init__(self, tmp):
        self.prefix = "bb%d" % (os.getpid() % 100000)
        self.home_area = None
        self.tmp = tmp
        self.made = []

    def area(self):
        if not self.home_area:
            self.home_area = mailbox_dir(self.tmp, "home")
        return self.home_area

    def add(self, name, maildir=True):
        """A login user with a home under the home area and an empty ~/Maildir; its uid."""
        home = os.path.join(self.area(), name)
        subprocess.run(["useradd", "-M", "-d", home, "-s", "/usr/sbin/nologin", name], check=True)
        self.made.append(name)
        os.mkdir(home, 0o700)
        if maildir:
            for d in ("Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
                os.mkdir(os.path.join(home, d), 0o700)
        subprocess.run(["chown", "-R", "%s:" % name, home], check=True)
        return home

    def note(self, names):
        """users someone else made (berth-setup), removed with ours"""
        self.made.extend(names)

    def remove(self):
        for u in self.made:
            subprocess.run(["userdel", "-f", u], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for g in (self.prefix, self.prefix + "nofiles"):
            subprocess.run(["groupdel", g], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.made = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, limit=20.0):
    end = time.time() + limit
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on 127.0.0.1:%d" % port)


def count_files(d):
    try:
        return len(os.listdir(d))
    except FileNotFoundError:
        return 0


def tree_count(d):
    n = 0
    for _, _, files in os.walk(d):
        n += len(files)
    return n


def proc_status(pid, key):
    """A kB value of /proc/PID/status (VmHWM, VmRSS), 0 when gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_cpu(pid):
    """utime + stime of PID in seconds, 0 when gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError):
        return 0.0


def proc_table():
    """Every process now, as (pid, ppid, comm)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
            out.append((int(d), int(s.rsplit(")", 1)[1].split()[1]), s[s.index("(") + 1:s.rindex(")")]))
        except (OSError, ValueError, IndexError):
            continue
    return out


def children(pid, table=None):
    """Direct children of PID, as (pid, comm)."""
    return [(p, c) for p, pp, c in (table or proc_table()) if pp == pid]


def descendants(pid):
    """Every process below PID, as (pid, comm)."""
    t, out, todo = proc_table(), [], [pid]
    while todo:
        kids = children(todo.pop(), t)
        out += kids
        todo += [p for p, _ in kids]
    return out


class Procs:
    """Every long-running process group we start, for cleanup."""
    def __init__(self):
        self.groups = []

    def start(self, argv, **kw):
        p = subprocess.Popen(argv, start_new_session=True, stdin=subprocess.DEVNULL, **kw)
        self.groups.append(p.pid)
        return p

    def add_group(self, pgid):
        self.groups.append(pgid)

    def killall(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for g in self.groups:
                try:
                    os.killpg(g, sig)
                except OSError:
                    pass
            if sig == signal.SIGTERM:
                time.sleep(0.2)
        for g in self.groups:
            try:
                os.waitpid(g, os.WNOHANG)
            except OSError:
                pass
        self.groups = []


def stop_group(p, procs, limit=60):
    """TERM a process we started (its group), wait, then KILL."""
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except OSError:
        pass
    try:
        p.wait(limit)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    if p.pid in procs.groups:
        procs.groups.remove(p.pid)


def run_name(tmp, name):
    """name with this run's tag: ext4 picks a top directory's block group from a hash of its
    name, so with the same names every run would reuse the groups of the run before, whose
    deleted inodes count as recently freed for up to 305 s (doc/performance.md, Method)."""
    return "%s.%s" % (name, os.path.basename(tmp).rsplit(".", 1)[-1])


def mailbox_dir(tmp, name):
    """A directory for an MTA's mailboxes, apart from its queue. tmp has ext4's "top directory"
    flag (bench/run), so each of its subdirectories gets a block group of its own, as /var and
    /home do on a host: without a journal, every new inode is allocated after a scan past the
    inodes of its group freed in the last minutes, and a mailbox in the queue's group would pay
    for the queue's deletions (doc/performance.md, Method)."""
    d = os.path.join(tmp, run_name(tmp, name))
    os.mkdir(d, 0o755)
    return d


class Berth:
    kind = "berth"
    domain = "test.example"

    def __init__(self, top, tmp, procs, sink_port, users=None):
        """users: a Users for a multi-user instance (berth-setup as root), else single-user."""
        self.top, self.procs = top, procs
        self.multi = users is not None
        self.name = "berth-multi" if self.multi else "berth"
        self.home = os.path.join(tmp, run_name(tmp, self.name))
        self.port = free_port()
        self.bin = os.path.join(self.home if self.multi else top, "bin")
        self.env = dict(os.environ, BERTH_HOME=self.home, PATH=self.bin + ":" + os.path.join(top, "bin") + ":/usr/bin:/bin:/usr/sbin:/sbin")
        if self.multi:
            P = users.prefix
            users.note([P + u for u in ("q", "r", "d", "l", "alias")])
            subprocess.run([os.path.join(top, "bin", "berth-setup"), "-P", P, "-n", self.domain, "-p", str(self.port),
                            "-b", os.path.join(top, "bin"), self.home], check=True, env=self.env, stdout=subprocess.DEVNULL)
            self.smtpd_user, self.send_user, self.user = P + "d", P + "r", P + "u"
            self.queue_user = P + "q"
            home = users.add(self.user)
            # user-ext addresses (fan-out) to the same Maildir, as qmail's ~/.qmail-default
            with open(home + "/.qmail-default", "w") as f:
                f.write("./Maildir/\n")
            shutil.chown(home + "/.qmail-default", self.user)
            self.maildir = home + "/Maildir/new"
            self.rcpt = self.user + "@" + self.domain
            self.ext = self.user + "-%d@" + self.domain
        else:
            subprocess.run([os.path.join(top, "bin", "berth-setup"), "-u", USER, "-n", self.domain, "-p", str(self.port),
                            self.home], check=True, env=self.env, stdout=subprocess.DEVNULL)
            self.smtpd_user = self.send_user = self.user = USER
            # the mailbox apart from the queue, as on a host (/home, /var): mailbox_dir()
            box = mailbox_dir(tmp, "berth-mail") + "/Maildir"
            for d in ("", "/new", "/cur", "/tmp"):
                os.mkdir(box + d, 0o700)
                shutil.chown(box + d, USER)
            with open(self.home + "/alias/.qmail-default", "w") as f:
                f.write(box + "/\n")
            self.maildir = box + "/new"
            self.rcpt = "user@" + self.domain
            self.ext = "r%d@" + self.domain
        c = self.home + "/control/"
        with open(c + "smtproutes", "w") as f:
            f.write("sink.test:127.0.0.1:%d\n.sink.test:127.0.0.1:%d\n" % (sink_port, sink_port))
        # the same parallelism as the Postfix instance: its default_destination_concurrency_limit
        # (20) bounds its deliveries; berth's default is qmail's 10 (doc/performance.md)
        with open(c + "concurrencylocal", "w") as f:
            f.write("20\n")
        if os.path.exists(c + "rcptcheck"):   # the recipient check: what a new install does, kept
            subprocess.run([os.path.join(top, "bin", "berth-newu")], env=self.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.smtpd = self.send = self.qwriter = None

    def _as(self, user, argv, drop=None):
        """argv as user: single-user s6-setuidgid; multi-user s6-envuidgid and the program's own
        drop (drop: its option), as berth-setup's services start them"""
        if not self.multi:
            return ["s6-setuidgid", user] + argv
        return ["s6-envuidgid", user] + argv[:1] + ([drop] if drop else []) + argv[1:]

    def start(self, hold=False):
        # multi-user: berth-setup's qwriter service, as its run script starts it; the smtpd
        # services name its socket (BERTH_QWRITER)
        sock = self.home + "/qwriter/socket"
        if self.multi and os.path.isdir(self.home + "/service/qwriter") and not self.qwriter:
            self.qwriter = self.procs.start(["s6-setuidgid", self.queue_user, self.bin + "/berth-qwriter", sock],
                                            env=self.env, stderr=open(self.home + "/qwriter.log", "ab"))
            limit = time.time() + 20
            while not os.path.exists(sock) and time.time() < limit:
                time.sleep(0.05)
            self.env["BERTH_QWRITER"] = sock
        self.smtpd = self.procs.start(
            ["env", "RELAYCLIENT="] + self._as(self.smtpd_user, [self.bin + "/berth-listen", "-c", "100", "-m", "100", "-l", self.domain,
                                                                 "127.0.0.1", str(self.port)], "-U"),
            env=self.env, stderr=open(self.home + "/smtpd.log", "ab"))
        wait_port(self.port)
        if not hold:
            self.release()

    def release(self, wrap=()):
        """Start delivery (berth-start; its pid becomes berth-send's, the scheduler)."""
        argv = ["s6-envuidgid", self.send_user, self.bin + "/berth-start"] if self.multi else \
            ["s6-setuidgid", USER, self.bin + "/berth-start"]
        self.send = self.procs.start(list(wrap) + argv, env=self.env, stderr=open(self.home + "/send.log", "ab"))

    def hold(self):
        if self.send:
            stop_group(self.send, self.procs)
            self.send = None

    def scheduler_pid(self):
        return self.send.pid if self.send else 0

    def queued(self):
        return tree_count(self.home + "/queue/mess")

    def sendmail(self, rcpts, data):
        subprocess.run(["s6-setuidgid", self.user, self.bin + "/sendmail", "-f", FROM] + rcpts, input=data,
                       env=self.env, check=True)

    def rss_port(self):
        """A second tcpserver whose berth-smtpd runs under GNU time: each session appends its
        peak RSS (kB, the largest of berth-smtpd and the berth-queue it waited for) to rss.log."""
        if not getattr(self, "rss", None):
            self.rss = free_port()
            self.procs.start(["s6-setuidgid", self.smtpd_user, "env", "RELAYCLIENT=", "tcpserver", "-HR", "-l", self.domain,
                              "127.0.0.1", str(self.rss), "/usr/bin/time", "-a", "-o", self.home + "/rss.log",
                              "-f", "%M", self.bin + "/berth-smtpd"],
                             env=self.env, stderr=open(self.home + "/smtpd.log", "ab"))
            with open(self.home + "/rss.log", "w"):
                pass
            os.chown(self.home + "/rss.log", int(subprocess.check_output(["id", "-u", self.smtpd_user])), -1)
            wait_port(self.rss)
        return self.rss

    def stop(self):
        self.hold()
        if self.smtpd:
            stop_group(self.smtpd, self.procs)
            self.smtpd = None
        if self.qwriter:
            stop_group(self.qwriter, self.procs)
            self.qwriter = None




class Postfix:
    kind = "postfix"
    domain = "pf.test"

    def __init__(self, top, tmp, procs, sink_port, users=None, conc=20):
        """users: a Users: local(8) to a passwd user's ~/Maildir/ at local concurrency conc;
        None: virtual(8) into one Maildir (the bench's earlier Postfix side)."""
        self.procs = procs
        self.local = users is not None
        self.name = "postfix" if conc == 20 or not self.local else "postfix-c%d" % conc
        if not self.local:
            self.name = "postfix-virtual"
        self.dir = P = os.path.join(tmp, run_name(tmp, self.name))
        self.port = free_port()
        for d in ("etc", "queue", "data", "mail"):
            os.makedirs(os.path.join(P, d))
        uid, gid = int(subprocess.check_output(["id", "-u", USER])), int(subprocess.check_output(["id", "-g", USER]))
        os.chown(P + "/data", int(subprocess.check_output(["id", "-u", "postfix"])), -1)
        os.chown(P + "/mail", uid, gid)
        # the template the tests use (tests/postfix/), then what the bench adds
        with open(os.path.join(top, "tests", "postfix", "main.cf.in")) as f:
            cf = f.read()
        for k, v in (("@P@", P), ("@HOST@", "pf.test"), ("@UID@", str(uid)), ("@GID@", str(gid))):
            cf = cf.replace(k, v)

        def replace(cf, line, by):
            # a template line is replaced, not overridden: every Postfix process would log a
            # warning for an overriding entry, and that flood, with postlogd restarting at a
            # reload, once blocked master in a send to its full log socket
            if line not in cf:
                raise RuntimeError("tests/postfix/main.cf.in: no line %r" % line)
            return cf.replace(line, by)
        extra = ""
        if self.local:
            # local(8) as Debian's Postfix admins run it: mydestination, home_mailbox = Maildir/,
            # biff = no (Debian's main.cf), the user from passwd; user-ext (fan-out) with "-"
            self.user = "%spf%s" % (users.prefix, "" if conc == 20 else "c%d" % conc)
            home = users.add(self.user)
            cf = replace(cf, "mydestination =", "mydestination = pf.test")
            cf = replace(cf, "virtual_mailbox_domains = pf.test", "virtual_mailbox_domains =")
            extra = ("home_mailbox = Maildir/\nbiff = no\nrecipient_delimiter = -\n"
                     "local_destination_concurrency_limit = %d\n" % conc)
            self.maildir = home + "/Maildir/new"
            self.rcpt = self.user + "@pf.test"
            self.ext = self.user + "-%d@pf.test"
        else:
            # the mailbox apart from the queue, as on a host (/var/spool, /home): mailbox_dir()
            self.base = mailbox_dir(tmp, "postfix-mail")
            os.chown(self.base, uid, gid)
            cf = replace(cf, "virtual_mailbox_base = %s/mail" % P, "virtual_mailbox_base = %s" % self.base)
            self.maildir = self.base + "/box/new"
            self.rcpt = "user@pf.test"
            self.ext = "r%d@pf.test"
        with open(P + "/etc/main.cf", "w") as f:
            f.write(cf + """smtpd_peername_lookup = no
transport_maps = inline:{{ sink.test=smtp:[127.0.0.1]:{sink}, .sink.test=smtp:[127.0.0.1]:{sink} }}
alias_maps =
alias_database =
relay_domains = sink.test
message_size_limit = 40000000
smtpd_recipient_limit = 2000
""".format(sink=sink_port) + extra)
        with open(os.path.join(top, "tests", "postfix", "master.cf.in")) as f:
            self.master = f.read().replace("@PORT@", str(self.port)).splitlines()
        self.running = False

    def _master_cf(self, qmgr):
        """master.cf from the template, without qmgr while delivery is held"""
        with open(self.dir + "/etc/master.cf", "w") as f:
            for line in self.master:
                if qmgr or not line.startswith("qmgr "):
                    f.write(line + "\n")

    def _postfix(self, *args):
        # postfix(1) is silent without a tty: script(1) gives it one
        subprocess.run(["script", "-qc", "postfix -c '%s/etc' %s" % (self.dir, " ".join(args)), "/dev/null"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                       timeout=60)

    def master_pid(self):
        try:
            with open(self.dir + "/queue/pid/master.pid") as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def start(self, hold=False):
        self._master_cf(not hold)
        self._postfix("start")
        m = self.master_pid()
        if not m:
            raise RuntimeError("postfix did not start (see %s/maillog)" % self.dir)
        self.procs.add_group(m)   # master calls setsid(): its children share its group
        self.running = True
        wait_port(self.port)

    def _reload(self, qmgr):
        # Held (no qmgr): no inflow tokens come back, and smtpd would wait in_flow_delay (1 s)
        # per message; it is off only while delivery is held.
        subprocess.run(["postconf", "-c", self.dir + "/etc", "-e", "in_flow_delay = %s" % ("1s" if qmgr else "0s")],
                       check=True)
        self._master_cf(qmgr)
        os.kill(self.master_pid(), signal.SIGHUP)   # what `postfix reload` does, without its checks

    def release(self, wrap=()):
        """Returns when qmgr runs (after the SIGHUP, Postfix's master takes up to 2 s here)."""
        self._reload(True)
        end = time.time() + 10
        while not self.scheduler_pid() and time.time() < end:
            time.sleep(0.005)

    def hold(self):
        self._reload(False)
        end = time.time() + 10
        while self.scheduler_pid() and time.time() < end:
            time.sleep(0.05)

    def scheduler_pid(self):
        m = self.master_pid()
        for p, comm in children(m) if m else []:
            if comm == "qmgr":
                return p
        return 0

    def queued(self):
        return sum(tree_count(self.dir + "/queue/" + q) for q in ("maildrop", "incoming", "active", "deferred"))

    def sendmail(self, rcpts, data):
        subprocess.run(["/usr/sbin/sendmail", "-C", self.dir + "/etc", "-f", FROM] + rcpts, input=data,
                       check=True)

    def rss_port(self):
        return self.port

    def session_pids(self):
        m = self.master_pid()
        return [(p, c) for p, c in children(m) if c in ("smtpd", "cleanup", "trivial-rewrite")] if m else []

    def stop(self):
        if self.running:
            m = self.master_pid()
            self._postfix("stop")
            end = time.time() + 10
            while m and os.path.exists("/proc/%d" % m) and time.time() < end:
                time.sleep(0.05)
            if m:
                try:
                    os.killpg(m, signal.SIGKILL)
                except OSError:
                    pass
                if m in self.procs.groups:
                    self.procs.groups.remove(m)
            self.running = False

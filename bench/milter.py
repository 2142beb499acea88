# bench/milter.py: scenario 8, accepting with one milter. One OpenDKIM (RSA 2048, relaxed/simple,
# signing every message from loopback) serves both MTAs: berth through berth-milter
# (control/milters, QMAILQUEUE=berth-milter for berth-listen), Postfix through smtpd_milters. Each
# round measures the plain accept rate and then the rate with the milter on the same MTA, so the
# filter's cost per message is the difference of the two times per message.
import os, subprocess
import scen
from mta import USER, free_port, wait_port

_dkim = {}


def opendkim(tmp, procs):
    """Starts OpenDKIM once for the run (procs stops it); returns its socket in Postfix's syntax."""
    if "sock" in _dkim:
        return _dkim["sock"]
    d = os.path.join(tmp, "opendkim")
    os.mkdir(d)
    subprocess.run(["opendkim-genkey", "-b", "2048", "-d", "example.org", "-s", "bench", "-D", d],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    with open(d + "/keytable", "w") as f:
        f.write("bench example.org:bench:%s/bench.private\n" % d)
    with open(d + "/signingtable", "w") as f:
        f.write("* bench\n")
    with open(d + "/opendkim.conf", "w") as f:
        f.write("Syslog no\nMode s\nSocket inet:%d@127.0.0.1\nPidFile %s/pid\nKeyTable %s/keytable\n"
                "SigningTable refile:%s/signingtable\nInternalHosts 127.0.0.1\nCanonicalization relaxed/simple\n"
                "RequireSafeKeys no\nUserID root\n" % (port, d, d, d))
    procs.start(["opendkim", "-f", "-x", d + "/opendkim.conf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    _dkim["sock"] = "inet:127.0.0.1:%d" % port
    return _dkim["sock"]


def _on(m, sock):
    """The milter on (sock) or off (None); the MTA restarted so that every session sees it."""
    m.stop()
    if m.kind == "berth":
        with open(m.home + "/control/milters", "w") as f:
            f.write(sock + "\n" if sock else "")
        if sock:
            m.env["QMAILQUEUE"] = m.bin + "/berth-milter"
        else:
            m.env.pop("QMAILQUEUE", None)
    else:
        subprocess.run(["postconf", "-c", m.dir + "/etc", "-e", "smtpd_milters = %s" % (sock or ""),
                        "milter_default_action = tempfail"], check=True)
    m.start()


def signed(m):
    """Whether the last delivered message carries a DKIM signature."""
    names = sorted(os.listdir(m.maildir), key=lambda n: os.stat(os.path.join(m.maildir, n)).st_mtime)
    if not names:
        return False
    with open(os.path.join(m.maildir, names[-1]), "rb") as f:
        return b"\nDKIM-Signature: v=1; a=rsa-sha256" in b"\n" + f.read(65536)


def accept(m, n, tmp, procs):
    sock = opendkim(tmp, procs)
    plain = scen.accept_local(m, n)["accept"]
    scen.wait_empty(m)
    _on(m, sock)
    try:
        r = scen.accept_local(m, n)
        if not signed(m):
            raise RuntimeError("%s: the message went through the milter unsigned" % m.name)
    finally:
        scen.wait_empty(m)
        _on(m, None)
    return {"milter": r["accept"], "milter_cost": 1000.0 / r["accept"] - 1000.0 / plain}

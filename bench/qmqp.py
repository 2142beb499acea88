# bench/qmqp.py: null clients through one hub to its Maildir, QMQP against SMTP submission to the
# same hub (doc/performance.md, "QMQP and SMTP into a hub"). The hub is bench/mta.py's berth
# instance with a berth-qmqpd under tcpserver beside its berth-listen. SMTP: smtp-source, 10
# sessions at a time. QMQP: 10 null-client submissions at a time, each a berth-qmqpc process as
# a null client's berth-inject runs it (message on fd 0, envelope on fd 1), from a null-client
# instance whose control/qmqpservers names the hub. Every wait is bounded (scen.LIMIT).
import os, subprocess, threading, time
import mta, scen

CONC = 10
BODY = b"Subject: qmqp bench\n\n" + b"x" * 2000 + b"\n"


def qmqp_port(m, procs):
    """A tcpserver running berth-qmqpd for hub m (once)."""
    if not getattr(m, "qmqp", None):
        m.qmqp = mta.free_port()
        procs.start(["s6-setuidgid", mta.USER, "tcpserver", "-HR", "-c", "100", "-l", m.domain,
                     "127.0.0.1", str(m.qmqp), m.bin + "/berth-qmqpd"],
                    env=m.env, stderr=open(m.home + "/qmqpd.log", "ab"))
        mta.wait_port(m.qmqp)
    return m.qmqp


def null_client(m, tmp):
    home = os.path.join(tmp, "nullclient")
    if not os.path.isdir(home):
        subprocess.run([m.bin + "/berth-setup", "-u", mta.USER, "-n", "nc.example", "-Q",
                        "127.0.0.1:%d" % m.qmqp, home], check=True, env=m.env, stdout=subprocess.DEVNULL)
    return home


def submit_qmqp(m, home, n):
    """n submissions, CONC at a time; the number that failed."""
    env = dict(m.env, BERTH_HOME=home)
    envelope = b"F" + mta.FROM.encode() + b"\0Tuser@" + m.domain.encode() + b"\0\0"
    left = [n]
    failed = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            r, w = os.pipe()
            os.write(w, envelope)
            os.close(w)
            p = subprocess.run(["s6-setuidgid", mta.USER, m.bin + "/berth-qmqpc"], input=BODY,
                               stdout=r, env=env, timeout=60)
            os.close(r)
            if p.returncode:
                with lock:
                    failed[0] += 1
    ts = [threading.Thread(target=worker) for _ in range(CONC)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return failed[0]


def delivered_rate(m, n, t0, what):
    end = t0 + scen.LIMIT
    while time.time() < end and mta.count_files(m.maildir) < n:
        time.sleep(0.02)
    c = mta.count_files(m.maildir)
    if c < n:
        raise RuntimeError("%s: %d of %d delivered" % (what, c, n))
    return n / (time.time() - t0)


def compare(m, procs, tmp, n, rounds):
    """Medians of rounds, SMTP and QMQP alternating: accepted/s and delivered/s, and the text."""
    qmqp_port(m, procs)
    home = null_client(m, tmp)
    res = {"smtp_acc": [], "smtp_dlv": [], "qmqp_acc": [], "qmqp_dlv": []}
    for r in range(rounds):
        for proto in (("smtp", "qmqp") if r % 2 == 0 else ("qmqp", "smtp")):
            scen.wait_empty(m)
            scen.clear_maildir(m)
            t0 = time.time()
            if proto == "smtp":
                p = scen.source(m, n, m.rcpt, size=2048, conc=CONC)
                p.wait(timeout=scen.LIMIT)
                scen.check_source(p, "qmqp bench, smtp")
            elif submit_qmqp(m, home, n):
                raise RuntimeError("qmqp bench: submissions failed")
            res[proto + "_acc"].append(n / (time.time() - t0))
            res[proto + "_dlv"].append(delivered_rate(m, n, t0, proto))
            print("# qmqp bench round %d %s: accepted %.0f/s, delivered %.0f/s" %
                  (r + 1, proto, res[proto + "_acc"][-1], res[proto + "_dlv"][-1]), flush=True)
    med = {k: sorted(v)[len(v) // 2] for k, v in res.items()}
    return med, "\n".join([
        "| null clients -> one hub -> Maildir (%d msgs, %d at a time) | SMTP | QMQP | QMQP/SMTP |" % (n, CONC),
        "|---|---|---|---|",
        "| accepted by the hub (msg/s) | %.0f | %.0f | %.2f |" % (med["smtp_acc"], med["qmqp_acc"], med["qmqp_acc"] / med["smtp_acc"]),
        "| delivered to the Maildir (msg/s) | %.0f | %.0f | %.2f |" % (med["smtp_dlv"], med["qmqp_dlv"], med["qmqp_dlv"] / med["smtp_dlv"]),
    ])

# bench/tls25.py: what STARTTLS on port 25 costs a session that stays in clear (doc/performance.md,
# "STARTTLS on port 25"). Beside bench/mta.py's berth instance (its berth-listen, no TLS) a second
# berth-listen runs under berth-tlsd -P with a test certificate, as berth-setup's port-25 service
# does when control/tlscert exists. smtp-source (no TLS) sends the same n messages to each,
# alternating, delivery running; medians of rounds. Every wait is bounded (scen.LIMIT).
import os, subprocess, time
import mta, scen


def tls_port(m, procs, tmp):
    """A berth-listen with the TLS proxy beside it, for hub m (once)."""
    if not getattr(m, "tlsport", None):
        key, crt = os.path.join(tmp, "tls25.key"), os.path.join(tmp, "tls25.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + m.domain,
                        "-keyout", key, "-out", crt, "-days", "2"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.chown(key, int(subprocess.check_output(["id", "-u", mta.USER])), -1)
        m.tlsport = mta.free_port()
        env = dict(m.env, CERTFILE=crt, KEYFILE=key)
        procs.start(["s6-setuidgid", mta.USER, "env", "RELAYCLIENT=", m.bin + "/berth-tlsd", "-P",
                     m.bin + "/berth-listen", "-c", "100", "-l", m.domain, "127.0.0.1", str(m.tlsport)],
                    env=env, stderr=open(m.home + "/smtpd-tls.log", "ab"))
        mta.wait_port(m.tlsport)
    return m.tlsport


def compare(m, procs, tmp, n, rounds):
    """Medians of rounds, the two ports alternating: accepted/s in clear, and the text."""
    tls_port(m, procs, tmp)
    plain = m.port
    res = {"plain": [], "tls": []}
    try:
        for r in range(rounds):
            for which in (("plain", "tls") if r % 2 == 0 else ("tls", "plain")):
                scen.wait_empty(m)
                scen.clear_maildir(m)
                m.port = plain if which == "plain" else m.tlsport
                t0 = time.time()
                p = scen.source(m, n, m.rcpt, size=2048, conc=10)
                p.wait(timeout=scen.LIMIT)
                scen.check_source(p, "tls25 bench, " + which)
                res[which].append(n / (time.time() - t0))
                print("# tls25 bench round %d %s: accepted %.0f/s" % (r + 1, which, res[which][-1]), flush=True)
    finally:
        m.port = plain
    med = {k: sorted(v)[len(v) // 2] for k, v in res.items()}
    return med, "\n".join([
        "| cleartext sessions to berth-listen (%d msgs, 10 at a time) | no TLS | STARTTLS offered (berth-tlsd -P) | ratio |" % n,
        "|---|---|---|---|",
        "| accepted (msg/s) | %.0f | %.0f | %.2f |" % (med["plain"], med["tls"], med["tls"] / med["plain"]),
    ])

#!/bin/sh
# berth-smtpd queueing in process (doc/queue.md, doc/berth-smtpd.md): no berth-queue process, the
# same files and envelope, "invoked from network"; a peer that drops the connection in the middle
# of DATA leaves nothing in mess/ or intd/ (smtpd-data.t covers $QMAILQUEUE).
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 40
t_instance
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
port=$(free_port)
t_bg $setuid tcpserver -HRl0 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
Q=$BERTH_HOME/queue
export port Q
"$PY" - > "$T_DIR/py.out" <<'PY'
import os, smtplib, socket, time
port, q = int(os.environ["port"]), os.environ["Q"]
def say(ok, d): print("%d\t%s" % (0 if ok else 1, d))
c = smtplib.SMTP("127.0.0.1", port, timeout=10)
c.ehlo("client.example")
c.mail("a@x.example"); c.rcpt("b@test.example"); c.rcpt("c@test.example")
code, resp = c.data(b"Subject: one\r\n\r\nbody\r\n")
c.quit()
say(code == 250, "accepted in process (%d %s)" % (code, resp))
qid = resp.decode().rsplit(" ", 1)[-1]
raw = open(os.path.join(q, "mess", qid), "rb").read()
say(raw[:8] == b"\0BERTHQ1", "the message file starts with berth's queue header (%r)" % raw[:8])
m = raw[1024:]
first = m.split(b"\n", 1)[0]
say(first.startswith(b"Received: (berth ") and b" invoked from network); " in first, "first line: berth's Received, from network")
pid = first.split()[2].decode()
say(os.stat(os.path.join(q, "todo", qid)).st_ino == os.stat(os.path.join(q, "mess", qid)).st_ino,
    "todo/<id> is a second name of mess/<id>")
env = raw[8:1024]
env = env[:env.find(b"\0\0") + 2].split(b"\0")
say(env[0].startswith(b"u") and env[0][1:].isdigit() and env[1:] == [b"p" + pid.encode(), b"Fa@x.example", b"Tb@test.example", b"Tc@test.example", b"", b""],
    "envelope: u, p (berth-smtpd's pid), F, T, T (%r)" % env)
say(qid.split(".")[2] == pid, "the id's pid is the Received line's")
# a peer that drops the connection in the middle of DATA
s = socket.create_connection(("127.0.0.1", port), 10)
f = s.makefile("rb")
f.readline()
s.sendall(b"HELO x\r\nMAIL FROM:<a@x.example>\r\nRCPT TO:<b@test.example>\r\nDATA\r\n")
for _ in range(4): f.readline()
s.sendall(b"Subject: cut\r\n\r\n" + b"x" * 100000 + b"\r\n")
time.sleep(0.3)
f.close(); s.close()   # the makefile holds the socket open too
deadline = time.time() + 5
left = None
while time.time() < deadline:
    left = [n for n in os.listdir(os.path.join(q, "mess")) if n != qid] + os.listdir(os.path.join(q, "intd"))
    if not left: break
    time.sleep(0.1)
say(not left, "a cut DATA leaves nothing in mess/ or intd/ (%s)" % left)
PY
while IFS="$(printf '\t')" read -r st desc; do ok "$st" "$desc"; done < "$T_DIR/py.out"
line=$(grep 'event=tx .*status=accepted' "$T_DIR/smtpd.log")
[ -n "$line" ]; ok $? "the accepted transaction is logged"
# sid=s<sec>.<usec>.<smtpd pid>.<n>, qid=<sec>.<usec>.<writer's pid>: the same process wrote it
spid=$(echo "$line" | sed -n 's/.* sid=s[0-9]*\.[0-9]*\.\([0-9]*\)\..*/\1/p')
qpid=$(echo "$line" | sed -n 's/.* qid=[0-9]*\.[0-9]*\.\([0-9]*\).*/\1/p')
[ -n "$spid" ] && [ "$spid" = "$qpid" ]; ok $? "berth-smtpd wrote the queue files itself (pid $spid, queue id pid $qpid)"
t_done

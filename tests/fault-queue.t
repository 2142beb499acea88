#!/bin/sh
# SIGKILL berth-queue under berth-smtpd (through tcpserver) while 150 messages or more arrive over SMTP,
# 5 sessions at a time; a client that gets a 4xx sends the message again, as MTAs do. Every
# message acknowledged with 250 is in the queue, whole; none is lost; duplicates (a kill after
# the commit, before berth-smtpd's 250) are counted. queue-load.t kills berth-queue alone.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 120
t_instance
# berth-queue as its own process (the multi-user path; a single-user berth-smtpd otherwise writes
# the queue itself: smtpd-qdirect.t)
QMAILQUEUE=$BERTH_TOP/bin/berth-queue; export QMAILQUEUE
# its own session: the berth-queue processes to kill are found with pgrep -s, never by name alone
smtpd_listen setsid -c 20 -HRl0
SID=$T_PID
( n=0; while [ $n -lt 3000 ] && [ ! -f "$T_DIR/done" ]; do
    p=$(pgrep -s "$SID" -x berth-queue | head -n 1)
    if [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; then echo k >> "$T_DIR/kills"; sleep 0.2; fi
    n=$((n + 1)); sleep 0.01; done ) &
KILLER=$!; echo "$KILLER" >> "$T_DIR/pids"
# The client goes on past 150 messages until the killer has struck 10 times (at most 600): on a
# loaded machine the killer is slow, and the test waits for its events rather than for a time.
"$PY" - "$port" "$T_DIR/kills" > "$T_DIR/client.out" <<'PY'
import asyncio, os, sys
PORT, N, NMAX, KILLS = int(sys.argv[1]), 150, 600, sys.argv[2]
stats = {"acked": 0, "retries": 0, "failed": 0, "sent": 0}
def kills():
    try: return os.path.getsize(KILLS) // 2   # "k\n" per kill
    except OSError: return 0

async def reply(r):
    while True:
        l = await asyncio.wait_for(r.readline(), 20)
        if not l: return None
        if l[3:4] != b"-": return int(l[:3])

async def send(i):
    body = b"Subject: fq %d\r\n\r\n" % i + b"line of message %d\r\n" % i * 200
    for attempt in range(30):
        try:
            r, w = await asyncio.open_connection("127.0.0.1", PORT)
            await reply(r)
            for c in (b"HELO c.example", b"MAIL FROM:<a@example.org>", b"RCPT TO:<postmaster@test.example>", b"DATA"):
                w.write(c + b"\r\n"); await reply(r)
            # the body in 4 parts, 30 ms apart: berth-queue (started at DATA) lives long enough
            # to be killed while it writes, and sometimes around its commit after the dot
            for k in range(4):
                w.write(body[k * len(body) // 4:(k + 1) * len(body) // 4]); await w.drain()
                await asyncio.sleep(0.03)
            w.write(b".\r\n")
            code = await reply(r)
            w.write(b"QUIT\r\n"); w.close()
            if code == 250:
                stats["acked"] += 1; return
        except (OSError, asyncio.TimeoutError):
            pass
        stats["retries"] += 1
        await asyncio.sleep(0.05)
    stats["failed"] += 1

async def main():
    async def worker():
        while stats["sent"] < NMAX and (stats["sent"] < N or kills() < 10):
            i = stats["sent"]; stats["sent"] += 1
            await send(i)
    await asyncio.gather(*(worker() for _ in range(5)))
asyncio.run(main())
for k, v in stats.items(): print(k, v)
PY
touch "$T_DIR/done"; wait "$KILLER"
val () { sed -n "s/^$1 //p" "$T_DIR/client.out"; }
kills=$(wc -l < "$T_DIR/kills" 2>/dev/null | tr -d ' ')
diag "${kills:-0} berth-queue killed; $(val retries) resends after a 4xx or a drop"
[ "${kills:-0}" -ge 10 ]; ok $? "berth-queue killed at least 10 times during the transactions (${kills:-0})"
sent=$(val sent)
diag "$sent messages sent"
is "$(val acked)" "$sent" "every message finally acknowledged with 250"
is "$(val failed)" 0 "no message given up"
q=$BERTH_HOME/queue
# committed messages are those with an envelope in todo/; a killed injection may leave files in
# mess/ or intd/ without one: never delivered, removed by berth-send as stale
: > "$T_DIR/committed"; bad=0
for e in "$q"/todo/*; do
  id=$(basename "$e")
  [ "$(grep -ac '^line of message ' "$q/mess/$id" 2>/dev/null)" = 200 ] || bad=$((bad + 1))
  grep -ah '^Subject: fq ' "$q/mess/$id" >> "$T_DIR/committed" 2>/dev/null
done
sort "$T_DIR/committed" | uniq -c > "$T_DIR/counts"
is "$(wc -l < "$T_DIR/counts" | tr -d ' ')" "$sent" "all $sent committed to the queue (none lost)"
is "$bad" 0 "every committed message is whole (its mess/ file, 200 body lines)"
left=$(($(find "$q/mess" -type f | wc -l) - $(find "$q/todo" -type f | wc -l)))
diag "left by killed injections, never committed: $left in mess/, $(find "$q/intd" -type f | wc -l | tr -d ' ') in intd/"
dups=$(awk '$1 > 1 { d += $1 - 1 } END { print d + 0 }' "$T_DIR/counts")
diag "duplicates: $dups (killed after the commit, before the 250: the client sent again)"
[ "$dups" -le "${kills:-0}" ]; ok $? "at most one duplicate per kill"
t_done

#!/bin/sh
# berth-smtpd through tcpserver with real clients: swaks (8-bit body), python smtplib
# (BODY=8BITMIME, SMTPUTF8, UTF-8 addresses), and smtp-source (500 messages, 20 at a time).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 90
t_instance
port=$(free_port)
# Not through as_user: a shell function runs in a subshell, and t_bg would remember the
# subshell's pid instead of tcpserver's (s6-setuidgid execs into tcpserver).
if [ "$(id -u)" = 0 ]; then setuid="s6-setuidgid $TESTUSER"; else setuid=; fi
t_bg $setuid tcpserver -HRl0 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
export port

# swaks: an 8-bit body, sent raw (swaks cannot send BODY= or SMTPUTF8).
printf 'From: a@test.example\nTo: b@test.example\nSubject: swaks\n\nGr\303\274\303\237e aus K\303\266ln\n.leading dot\n\nend' > "$T_DIR/swaks.msg"
# swaks ends the data with CRLF before the dot: the stored message gains that final newline.
{ cat "$T_DIR/swaks.msg"; echo; } > "$T_DIR/swaks.want"
before=$(ls "$BERTH_HOME/queue/todo" | wc -l)
swaks --server "127.0.0.1:$port" --from a@test.example --to b@test.example --helo swaks.example \
  --data - < "$T_DIR/swaks.msg" > "$T_DIR/swaks.out" 2>&1
is "$?" 0 "swaks transaction succeeds"
qid=$(sed -n 's/.*250 2\.0\.0 ok queued as \([0-9.]*\).*/\1/p' "$T_DIR/swaks.out")
is "$(ls "$BERTH_HOME/queue/todo" | wc -l)" "$((before + 1))" "swaks message queued"
if [ -n "$qid" ] && [ -f "$BERTH_HOME/queue/mess/$qid" ]; then
  qbody "$BERTH_HOME/queue/mess/$qid" | sed -e '1d' -e '/^Received: from /,/^[^\t]/{/^Received: from /d;/^\t/d}' > "$T_DIR/swaks.got"
  cmp -s "$T_DIR/swaks.got" "$T_DIR/swaks.want"; ok $? "swaks message byte-exact in the queue (8-bit body intact)"
else
  ok 1 "swaks message byte-exact in the queue (no queue id in: $(tail -3 "$T_DIR/swaks.out" | tr '\n' ' '))"
fi

smtpd_py <<'PY'
import os, smtplib
port = int(os.environ["port"])
msg = ("From: J\u00fcrgen <j\u00fcrgen@b.example>\r\nTo: j\u00f6rg@test.example\r\nSubject: \u00fcml\u00e4ut\r\n\r\n"
       "8-bit body: \u00e9t\u00e9 \u2603\r\n.dot line\r\n").encode("utf-8")
before = queue_ids()
c = smtplib.SMTP("127.0.0.1", port, local_hostname="smtplib.example", timeout=10)
c.ehlo()
check(c.has_extn("smtputf8") and c.has_extn("8bitmime") and c.has_extn("pipelining"), "smtplib sees SMTPUTF8, 8BITMIME, PIPELINING")
refused = c.sendmail("j\u00fcrgen@b.example", ["j\u00f6rg@test.example"], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
is_(refused, {}, "smtplib: UTF-8 transaction accepted")
c.quit()
new = [q for q in queue_ids() if q not in before]
is_(len(new), 1, "smtplib message queued")
if new:
    m = mess(new[0])
    is_(body_after_received(m), msg.replace(b"\r\n", b"\n"), "smtplib message byte-exact (UTF-8 headers, 8-bit body)")
    check(b"with UTF8SMTP id " in m, "Received says UTF8SMTP")
    is_(envelope(new[0]).split(b"\0")[2:4], ["Fj\u00fcrgen@b.example".encode(), "Tj\u00f6rg@test.example".encode()], "UTF-8 envelope intact")
PY

before=$(ls "$BERTH_HOME/queue/todo" | wc -l)
/usr/sbin/smtp-source -s 20 -m 500 -l 2048 -f a@test.example -t b@test.example "127.0.0.1:$port" > "$T_DIR/source.out" 2>&1
is "$?" 0 "smtp-source: 500 messages at concurrency 20"
is "$(ls "$BERTH_HOME/queue/todo" | wc -l)" "$((before + 500))" "all 500 messages in the queue"
is "$(grep -c 'event=tx .*status=accepted' "$T_DIR/smtpd.log")" "$((before + 500))" "one accepted-transaction log line each"
t_done

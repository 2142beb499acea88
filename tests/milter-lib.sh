# Sourced by tests/milter-*.t after lib.sh: a scripted milter (tests/milter-peer.py), berth-smtpd
# under tcpserver with berth-milter as its queue program, and helpers to read what was queued.

# milter_peer NAME: starts a scripted milter on a free port; $T_DIR/NAME.json is its script
# (rewrite it to change what it does), $T_DIR/NAME.log what it was told; sets NAME_port.
milter_peer () {
  _p=$(free_port)
  echo '{}' > "$T_DIR/$1.json"
  : > "$T_DIR/$1.log"
  t_bg "$PY" "$BERTH_TOP/tests/milter-peer.py" "$_p" "$T_DIR/$1.json" "$T_DIR/$1.log"
  wait_port "$_p" 20 || { echo "Bail out! the scripted milter did not start"; exit 1; }
  eval "$1_port=$_p"
}

# script NAME JSON: what the milter NAME does from its next connection on
script () { printf '%s\n' "$2" > "$T_DIR/$1.json"; }

# seen NAME PYTHON-EXPR: the expression evaluated on the milter's last log record (as `r`)
seen () {
  "$PY" -c 'import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
r = json.loads(lines[-1]) if lines else {}
print(eval(sys.argv[2]))' "$T_DIR/$1.log" "$2"
}

# qcount: messages committed in the instance (todo/ and state/)
qcount () { ls "$BERTH_HOME/queue/todo" "$BERTH_HOME/queue/state" 2>/dev/null | grep -c '^[0-9]'; }
# qlast: the newest queued message's id
qlast () { ls -t "$BERTH_HOME/queue/todo" | head -n 1; }
# qmsg ID: the message as queued, without berth-queue's Received line
qmsg () { qbody "$BERTH_HOME/queue/mess/$1" | sed 1d; }
# norcvd: stdin without its leading Received fields (berth-smtpd's, folded over lines)
norcvd () { awk 'h && /^Received:/ { r = 1; next } h && r && /^[ \t]/ { next } { h = 0; r = 0; print }' h=1; }

# smtp_send FROM RCPT FILE [EHLO-NAME]: one SMTP transaction on 127.0.0.1:$port; prints the
# reply to the end of DATA (or to the first refused command) as "CODE text"
smtp_send () {
  "$PY" - "$port" "$1" "$2" "$3" "${4:-client.example}" <<'PY'
import smtplib, sys
port, frm, rcpt, f, helo = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
s = smtplib.SMTP("127.0.0.1", port, local_hostname=helo, timeout=60)
s.ehlo(helo)
c, m = s.mail(frm, ["SIZE=%d" % 100, "BODY=8BITMIME"])
if c == 250:
    c, m = s.rcpt(rcpt)
if c == 250:
    s.putcmd("data")
    c, m = s.getreply()
    if c == 354:
        data = open(f, "rb").read().replace(b"\n", b"\r\n")
        data = b"\r\n".join(b"." + l if l.startswith(b".") else l for l in data.split(b"\r\n"))
        s.send(data + b".\r\n")
        c, m = s.getreply()
print(c, m.decode(errors="replace"))
s.quit()
PY
}

#!/bin/sh
# Strangers' addresses in what berth writes about them: a bounce's To: and Final-Recipient: carry
# the address in RFC 5322 form (quoted local part, as qmail's quote2), and the log lines of
# berth-bounce and berth-rspawn keep such an address inside its own field (berth's one log
# quoting rule: \xHH, or a quoted free text), checked with a parser of that rule.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
Q=$BERTH_HOME/queue
mkdir -p "$Q/bounce" && chown "$TESTUSER" "$Q/bounce" 2>/dev/null
chmod 755 "$T_DIR"

# fields LINE: the key=value fields of a log line, one "key<TAB>value" a line, values unescaped
cat > "$T_DIR/fields.py" <<'PY'
import re, sys
line = sys.stdin.read().rstrip('\n')
line = line.split(': ', 2)[-1]          # after "prog: info: "
tok = re.compile(r'([A-Za-z0-9_]+)=("(?:[^"\\]|\\x[0-9a-f]{2})*"|[^ "]*)(?: |$)')
pos = 0; out = []
while pos < len(line):
    m = tok.match(line, pos)
    if not m:                           # a word that is not a field (berth-bounce's "bounce")
        nxt = line.find(' ', pos)
        pos = len(line) if nxt < 0 else nxt + 1
        continue
    v = m.group(2)
    if v.startswith('"'): v = v[1:-1]
    v = re.sub(r'\\x([0-9a-f]{2})', lambda h: chr(int(h.group(1), 16)), v)
    out.append('%s\t%s' % (m.group(1), v)); pos = m.end()
print('\n'.join(out))
PY
fields () { printf '%s\n' "$1" | python3 "$T_DIR/fields.py"; }
keys () { fields "$1" | cut -f 1 | tr '\n' ' '; }
val () { fields "$1" | awk -F '\t' -v k="$2" '$1 == k { print $2 }'; }

# 1. a bounce to a sender whose local part needs quotes, for a recipient whose local part too
S='a b status=sent@sender.test'
printf 'From: x\nSubject: s\n\nhello\n' > "$T_DIR/msg"; chmod 644 "$T_DIR/msg"
printf 'F%s\0Tq"t@test.example\0\0' "$S" > "$T_DIR/env"
id=$(as_user env BERTH_IDFD=3 berth-queue < "$T_DIR/msg" 3>&1 1< "$T_DIR/env")
printf 'Rq"t@test.example\0SD\0T1795384346\0XSorry, no mailbox here by that name. (#5.1.1)\0\0' > "$Q/bounce/$id"
chown "$TESTUSER" "$Q/bounce/$id" 2>/dev/null
as_user berth-bounce "$id" "$S" 1795384300 2> "$T_DIR/log"
is "$?" 0 "berth-bounce exits 0"
python3 - "$Q/mess/${id}B" > "$T_DIR/hdr" <<'PY'
import email, email.policy, sys
raw = open(sys.argv[1], 'rb').read()
raw = raw[1024:] if raw[:8] == b'\0BERTHQ1' else raw
m = email.message_from_bytes(raw, policy=email.policy.default)
print(m['To'].addresses[0].addr_spec)
ds = m.get_payload()[1].get_payload()
print(str(ds[1]['Final-Recipient']))
PY
is "$(sed -n 1p "$T_DIR/hdr")" '"a b status=sent"@sender.test' "To: the sender with its local part quoted (one address to a mail parser)"
is "$(sed -n 2p "$T_DIR/hdr")" 'rfc822; "q\"t"@test.example' "Final-Recipient: the recipient quoted, its quote escaped"
L=$(grep 'bounce id=' "$T_DIR/log")
is "$(keys "$L")" "id to recipients bytes qid " "berth-bounce's log line: the address forges no field"
is "$(val "$L" to)" "<$S>" "and its to= field holds the whole address"

# 2. berth-rspawn's delivery line for such a recipient and a server reply with quotes and =
P=$(free_port)
ctl timeoutconnect 5
ctl timeoutremote 10
ctl logdebug 1   # berth-rspawn's own line per recipient (doc/logging.md)
printf ':[127.0.0.1]:%s\n' "$P" > "$BERTH_HOME/control/smtproutes"
sink s 127.0.0.1 "$P"
wait_listen 127.0.0.1 "$P"
R='v delay=0s status=sent "x@relay.test'
printf 'Fs@x.test\0T%s\0\0' "$R" > "$T_DIR/env"
id=$(as_user env BERTH_IDFD=3 berth-queue < "$T_DIR/msg" 3>&1 1< "$T_DIR/env")
printf '\001%s\0s@x.test\0%s\0\0' "$id" "$R" > "$T_DIR/jobs"
as_user berth-rspawn < "$T_DIR/jobs" > "$T_DIR/out" 2> "$T_DIR/log"
L=$(grep "id=$id " "$T_DIR/log")
is "$(keys "$L")" "id rcpt delay status reply " "berth-rspawn's log line: id, rcpt, delay, status, reply, once each"
is "$(val "$L" rcpt)" "$R" "its rcpt= field holds the whole address"
is "$(val "$L" status)" "sent" "and the status is the real one"
t_done

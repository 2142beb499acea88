#!/bin/sh
# berth-bounce: the RFC 3464 report (structure, fields, the original whole or its headers only),
# double and triple bounces, qmail's QSBMF text, and berth-queue's BERTH_QUEUEID.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
Q=$BERTH_HOME/queue
mkdir -p "$Q/bounce" && chown "$TESTUSER" "$Q/bounce" 2>/dev/null
chmod 755 "$T_DIR"

# The checker: python3's email package (policy default) on the injected bounce.
cat > "$T_DIR/check.py" <<'PY'
import email, email.policy, json, sys
textpath, path, origpath = sys.argv[1], sys.argv[2], sys.argv[3]
def body(b): return b[1024:] if b[:8] == b'\0BERTHQ1' else b   # without the queue header
raw = body(open(path, 'rb').read())
orig = body(open(origpath, 'rb').read()) if origpath != '-' else b''
out = {}
out['maxline'] = max(len(l) for l in raw.split(b'\n'))
m = email.message_from_bytes(raw, policy=email.policy.default)
out['type'] = m.get_content_type()
out['report_type'] = m.get_param('report-type')
out['to'] = str(m['To']); out['from'] = str(m['From']); out['subject'] = str(m['Subject'])
out['auto'] = str(m['Auto-Submitted']); out['mid'] = str(m['Message-ID']); out['mime'] = str(m['MIME-Version'])
out['date'] = m['Date'] is not None
out['cte'] = str(m['Content-Transfer-Encoding'])
out['defects'] = len(m.defects)
if m.is_multipart():
    parts = m.get_payload()
    out['parts'] = [p.get_content_type() for p in parts]
    out['text'] = parts[0].get_payload(decode=True).decode('ascii')
    ds = parts[1].get_payload()
    out['per_message'] = {k: str(v) for k, v in ds[0].items()}
    out['per_rcpt'] = [{k: str(v) for k, v in b.items()} for b in ds[1:]]
    if len(parts) > 2:
        out['part3_cte'] = str(parts[2]['Content-Transfer-Encoding'])
        # the original byte for byte: between the part's blank line and the closing delimiter
        b = m.get_boundary().encode()
        start = raw.rindex(b'\n--' + b + b'\n')
        body = raw[raw.index(b'\n\n', start) + 2:raw.rindex(b'\n--' + b + b'--\n')]
        out['original_whole'] = body == orig
        out['headers_only'] = body == orig[:orig.index(b'\n\n') + 1]
d = out
open(textpath, 'w').write(d.get('text', ''))
views = {
  'basic': lambda: (d['type'], d['report_type'], d['defects']),
  'parts': lambda: d['parts'],
  'hdrs': lambda: (d['to'], d['from'], d['auto'], d['mime'], d['date']),
  'subjmid': lambda: (d['subject'], d['mid']),
  'permsg': lambda: (d['per_message']['Reporting-MTA'], d['per_message']['Arrival-Date']),
  'nrcpt': lambda: len(d['per_rcpt']),
  'rcpt0': lambda: sorted(d['per_rcpt'][0].items()),
  'rcpt1': lambda: sorted(d['per_rcpt'][1].items()),
  'orig': lambda: (d['original_whole'], d['cte'], d['part3_cte']),
  'maxline': lambda: d['maxline'],
  'diag0': lambda: (d['per_rcpt'][0]['Status'], d['per_rcpt'][0]['Diagnostic-Code'].replace(' ', '')),
  'fromcte': lambda: (d['from'], d['mid'], d['cte'], d['part3_cte'], d['original_whole']),
  'tonparts': lambda: (d['to'], len(d['parts'])),
  'ho': lambda: (d['parts'][2], d['headers_only']),
}
for k, f in views.items():
    try: v = f()
    except Exception as e: v = 'ERROR %r' % e
    print('%s\t%s' % (k, v))
PY

field () { # field RESULT-FILE VIEW: one of the checker's views
  awk -F '\t' -v k="$2" '$1 == k { print $2 }' "$1"
}
# queue_orig SENDER MESSAGE-FILE: queues it to two recipients, prints the id.
queue_orig () {
  printf "F%s\0Tx@test.example\0Tz@remote.example\0\0" "$1" > "$T_DIR/env"
  as_user env BERTH_IDFD=3 berth-queue < "$2" 3>&1 1< "$T_DIR/env"
}
# records ID: the two failures, as berth-send writes them.
records () {
  printf 'Rx@test.example\0SD\0T1795384346\0XSorry, no mailbox here by that name. (#5.1.1)\0\0Rz@remote.example\0SD\0T1795384350\0XConnected to 192.0.2.7 but recipient was rejected./Remote host said: 550 5.7.1 <z@remote.example>... Relaying denied\0\0' > "$Q/bounce/$1"
  chown "$TESTUSER" "$Q/bounce/$1" 2>/dev/null
  return 0
}
envelope () { qenv "$Q/todo/$1" | tr '\0' '|' | sed 's/^u[0-9]*|p[0-9]*|//'; }

printf 'From: a@sender.example\nTo: x@test.example\nSubject: caf\303\251\n\nhello, world \303\251\nsecond line\n' > "$T_DIR/msg8"
printf 'From: a@sender.example\nSubject: plain\n\nhello\n' > "$T_DIR/msg7"
chmod 644 "$T_DIR"/msg*

# 1. The report for two failed recipients, one local and one remote.
id=$(queue_orig 'send@sender.example' "$T_DIR/msg8")
records "$id"
as_user berth-bounce "$id" send@sender.example 1795384300 2> "$T_DIR/log"
is "$?" 0 "berth-bounce exits 0"
is "$(cat "$T_DIR/log")" "berth-bounce: info: bounce id=$id to=<send@sender.example> recipients=2 bytes=$(($(qbody "$Q/mess/${id}B" | wc -c) - $(qbody "$Q/mess/${id}B" | head -n 1 | wc -c))) qid=${id}B" "one log line with id, recipient, count and size"
[ ! -e "$Q/bounce/$id" ]; ok $? "the bounce records are removed"
is "$(envelope "${id}B")" "F|Tsend@sender.example||" "envelope: sender <>, recipient the original sender"
python3 "$T_DIR/check.py" "$T_DIR/text" "$Q/mess/${id}B" "$Q/mess/$id" > "$T_DIR/j" || echo 'checker failed' > "$T_DIR/j"
is "$(field "$T_DIR/j" basic)" "('multipart/report', 'delivery-status', 0)" "multipart/report; report-type=delivery-status, no parse defects"
is "$(field "$T_DIR/j" parts)" "['text/plain', 'message/delivery-status', 'message/rfc822']" "three parts: text/plain, message/delivery-status, message/rfc822"
is "$(field "$T_DIR/j" hdrs)" "('send@sender.example', 'MAILER-DAEMON@test.example', 'auto-replied', '1.0', True)" "To, From, Auto-Submitted, MIME-Version, Date"
is "$(field "$T_DIR/j" subjmid)" "('Undelivered Mail Returned to Sender', '<$id.bounce@test.example>')" "Subject, deterministic Message-ID"
is "$(field "$T_DIR/j" permsg)" "('dns; test.example', 'Sun, 22 Nov 2026 21:51:40 +0000')" "Reporting-MTA and Arrival-Date"
is "$(field "$T_DIR/j" nrcpt)" 2 "one delivery-status group per recipient"
is "$(field "$T_DIR/j" rcpt0)" "[('Action', 'failed'), ('Diagnostic-Code', 'x-berth; Sorry, no mailbox here by that name. (#5.1.1)'), ('Final-Recipient', 'rfc822; x@test.example'), ('Last-Attempt-Date', 'Sun, 22 Nov 2026 21:52:26 +0000'), ('Status', '5.1.1')]" "local recipient: Status 5.1.1 from (#5.1.1), x-berth diagnostic"
is "$(field "$T_DIR/j" rcpt1)" "[('Action', 'failed'), ('Diagnostic-Code', 'smtp; 550 5.7.1 <z@remote.example>... Relaying denied'), ('Final-Recipient', 'rfc822; z@remote.example'), ('Last-Attempt-Date', 'Sun, 22 Nov 2026 21:52:30 +0000'), ('Remote-MTA', 'dns; 192.0.2.7'), ('Status', '5.7.1')]" "remote recipient: Status 5.7.1, Remote-MTA, smtp diagnostic with the reply"
is "$(field "$T_DIR/j" orig)" "(True, '8bit', '8bit')" "the 8-bit original attached whole, 8bit declared on it and on the report"
grep -q 'Relaying denied' "$T_DIR/text" && grep -q '<x@test.example>:' "$T_DIR/text"
ok $? "the text part names the recipients and quotes the remote host"
[ "$(field "$T_DIR/j" maxline)" -le 998 ]; ok $? "no line over 998 bytes"

# 2. A 7-bit original, a diagnostic of 1000 bytes without spaces, control files honoured.
echo 'bounces' > "$BERTH_HOME/control/bouncefrom"
echo 'bh.example' > "$BERTH_HOME/control/bouncehost"
id=$(queue_orig 'send@sender.example' "$T_DIR/msg7")
long=$(head -c 1000 /dev/zero | tr '\0' x)
printf "Rx@test.example\0SD\0T1\0XRemote host said: 550 5.1.1 $long\0\0" > "$Q/bounce/$id"; chown "$TESTUSER" "$Q/bounce/$id" 2>/dev/null
as_user berth-bounce "$id" send@sender.example 1 2>/dev/null
python3 "$T_DIR/check.py" "$T_DIR/text" "$Q/mess/${id}B" "$Q/mess/$id" > "$T_DIR/j" || echo 'checker failed' > "$T_DIR/j"
[ "$(field "$T_DIR/j" maxline)" -le 998 ]; ok $? "a 1000-byte diagnostic is folded within 998 bytes"
is "$(field "$T_DIR/j" diag0)" "('5.1.1', 'smtp;5505.1.1$long')" "and survives unfolding whole"
is "$(field "$T_DIR/j" fromcte)" "('bounces@bh.example', '<$id.bounce@bh.example>', '7bit', '7bit', True)" "bouncefrom and bouncehost; 7bit for a 7-bit original"
rm -f "$BERTH_HOME/control/bouncefrom" "$BERTH_HOME/control/bouncehost"

# 3. A bounce of a bounce goes to doublebounceto@doublebouncehost, from #@[].
echo 'db.example' > "$BERTH_HOME/control/doublebouncehost"
id=$(queue_orig '' "$T_DIR/msg7")
records "$id"
as_user berth-bounce "$id" '' 1795384300 2>/dev/null
is "$?/$(envelope "${id}B")" "0/F#@[]|Tpostmaster@db.example||" "double bounce: to postmaster@doublebouncehost, sender #@[]"
python3 "$T_DIR/check.py" "$T_DIR/text" "$Q/mess/${id}B" "$Q/mess/$id" > "$T_DIR/j" || echo 'checker failed' > "$T_DIR/j"
is "$(field "$T_DIR/j" tonparts)" "('postmaster@db.example', 3)" "double bounce: To postmaster, a full report"
echo 'admin' > "$BERTH_HOME/control/doublebounceto"
id=$(queue_orig '' "$T_DIR/msg7"); records "$id"
as_user berth-bounce "$id" '' 1 2>/dev/null
is "$(envelope "${id}B")" "F#@[]|Tadmin@db.example||" "control/doublebounceto honoured"
: > "$BERTH_HOME/control/doublebounceto"
id=$(queue_orig '' "$T_DIR/msg7"); records "$id"
as_user berth-bounce "$id" '' 1 2> "$T_DIR/log"
is "$?/$(ls "$Q/todo" | grep -c "^${id}B")/$(ls "$Q/bounce" | grep -c .)" "0/0/0" "an empty control/doublebounceto discards double bounces"
rm -f "$BERTH_HOME/control/doublebounceto" "$BERTH_HOME/control/doublebouncehost"

# 4. A bounce of a double bounce (sender #@[]) is discarded with a log line.
id=$(queue_orig '#@[]' "$T_DIR/msg7")
records "$id"
as_user berth-bounce "$id" '#@[]' 1 2> "$T_DIR/log"
is "$?" 0 "triple bounce: exit 0"
grep -q "bounce id=$id status=discarded reason=triple-bounce" "$T_DIR/log"; ok $? "triple bounce: logged as discarded"
is "$(ls "$Q/todo" | grep -c "^${id}B")/$(ls "$Q/bounce" | grep -c .)" "0/0" "triple bounce: nothing queued, records removed"

# 5. An original over control/bouncemaxbytes: only its headers come back.
echo 1000 > "$BERTH_HOME/control/bouncemaxbytes"
{ printf 'From: a@sender.example\nSubject: big one\n\n'; head -c 5000 /dev/zero | tr '\0' 'b' | fold -w 70; } > "$T_DIR/big"
chmod 644 "$T_DIR/big"
id=$(queue_orig 'send@sender.example' "$T_DIR/big")
records "$id"
as_user berth-bounce "$id" send@sender.example 1 2>/dev/null
python3 "$T_DIR/check.py" "$T_DIR/text" "$Q/mess/${id}B" "$Q/mess/$id" > "$T_DIR/j" || echo 'checker failed' > "$T_DIR/j"
is "$(field "$T_DIR/j" ho)" "('text/rfc822-headers', True)" "large original: text/rfc822-headers holding exactly its header"
tr '\n' ' ' < "$T_DIR/text" | grep -q 'larger than 1000 bytes, so only its headers *are attached'
ok $? "large original: the text part says so"
grep -q bbbbbbbbbb "$Q/mess/${id}B"; is "$?" 1 "large original: the body is not in the bounce"
rm -f "$BERTH_HOME/control/bouncemaxbytes"

# 6. QSBMF: qmail's text, byte for byte after the headers.
echo qsbmf > "$BERTH_HOME/control/bouncemode"
id=$(queue_orig 'send@sender.example' "$T_DIR/msg7")
records "$id"
as_user berth-bounce "$id" send@sender.example 1 2>/dev/null
{ printf 'From: MAILER-DAEMON@test.example\nTo: send@sender.example\nSubject: failure notice\n\n'
  printf "Hi. This is the qmail-send program at test.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
  printf '<x@test.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n'
  printf '<z@remote.example>:\nConnected to 192.0.2.7 but recipient was rejected./Remote host said: 550 5.7.1 <z@remote.example>... Relaying denied\n\n'
  printf -- '--- Below this line is a copy of the message.\n\nReturn-Path: <send@sender.example>\n'
  qbody "$Q/mess/$id"; } > "$T_DIR/want"
qbody "$Q/mess/${id}B" | sed -e 1,2d | cmp -s - "$T_DIR/want"
ok $? "QSBMF: qmail-send's text, the recipients' paragraphs, then the message"
qbody "$Q/mess/${id}B" | sed -n 2p | grep -Eq '^Date: [A-Z][a-z]{2}, '; ok $? "QSBMF: Date header"
id=$(queue_orig '' "$T_DIR/msg7"); records "$id"
as_user berth-bounce "$id" '' 1 2>/dev/null
grep -q "^I tried to deliver a bounce message to this address, but the bounce bounced!$" "$Q/mess/${id}B" \
  && grep -q '^--- Below this line is the original bounce.$' "$Q/mess/${id}B" && grep -q '^Return-Path: <>$' "$Q/mess/${id}B"
ok $? "QSBMF double bounce: qmail's wording"
rm -f "$BERTH_HOME/control/bouncemode"

# 7. Usage errors and nothing to do.
as_user berth-bounce ../x send@x 1 2>/dev/null; is "$?" 100 "an id that is not a queue id: 100"
as_user berth-bounce 1.2.3 send@x notanumber 2>/dev/null; is "$?" 100 "a bad arrival time: 100"
as_user berth-bounce 1.2.3 send@x 2>/dev/null; is "$?" 100 "missing argument: 100"
as_user berth-bounce 1.2.3 send@x 1 2>/dev/null; is "$?" 0 "no records: 0, nothing to do"
: > "$Q/bounce/1.2.3"; chown "$TESTUSER" "$Q/bounce/1.2.3" 2>/dev/null
as_user berth-bounce 1.2.3 send@x 1 2>/dev/null; is "$?/$(ls "$Q/bounce")" "100/1.2.3" "empty records file: 100, left in place"
rm -f "$Q/bounce/1.2.3"
if [ "$(id -u)" = 0 ]; then
  records 1.2.4; berth-bounce 1.2.4 send@x 1 2>/dev/null
  is "$?/$(ls "$Q/bounce")" "100/1.2.4" "not the queue's owner: 100, records left (exactly-once needs the owner)"
  rm -f "$Q/bounce/1.2.4"
else
  ok 0 "# SKIP the owner check needs root"
fi

# 8. The original gone: a two-part report saying so. berth-queue is found next to berth-bounce,
# not through PATH.
printf 'Rx@test.example\0SD\0T1\0Xt (#5.1.1)\0\0' > "$Q/bounce/7.7.7"; chown "$TESTUSER" "$Q/bounce/7.7.7" 2>/dev/null
as_user env PATH=/nonexistent "$BERTH_TOP/bin/berth-bounce" 7.7.7 send@sender.example 1 2>/dev/null
is "$?/$(envelope 7.7.7B)" "0/F|Tsend@sender.example||" "original missing: still a bounce (berth-queue found next to berth-bounce)"
python3 "$T_DIR/check.py" "$T_DIR/text" "$Q/mess/7.7.7B" - > "$T_DIR/j" || echo 'checker failed' > "$T_DIR/j"
is "$(field "$T_DIR/j" parts)" "['text/plain', 'message/delivery-status']" "original missing: two parts"
grep -q 'no longer available' "$T_DIR/text"; ok $? "original missing: the text part says so"

# 9. The queue refuses: permanent (31) gives 100, temporary (71) gives 111; the records stay.
printf '#!/bin/sh\ncat >/dev/null; exit 31\n' > "$T_DIR/q31"; printf '#!/bin/sh\ncat >/dev/null; exit 71\n' > "$T_DIR/q71"
chmod 755 "$T_DIR/q31" "$T_DIR/q71"
id=$(queue_orig 'send@sender.example' "$T_DIR/msg7"); records "$id"
as_user env QMAILQUEUE="$T_DIR/q31" berth-bounce "$id" send@sender.example 1 2>/dev/null
is "$?/$(ls "$Q/bounce")" "100/$id" "queue refuses permanently: exit 100, records kept"
as_user env QMAILQUEUE="$T_DIR/q71" berth-bounce "$id" send@sender.example 1 2>/dev/null
is "$?/$(ls "$Q/bounce")" "111/$id" "queue refuses temporarily: exit 111, records kept"
rm -f "$Q/bounce/$id"

# 10. berth-queue's BERTH_QUEUEID.
printf 'Fa@b\0Tc@d\0\0' > "$T_DIR/env"
got=$(as_user env BERTH_IDFD=3 BERTH_QUEUEID=42.1B berth-queue < "$T_DIR/msg7" 3>&1 1< "$T_DIR/env")
is "$got/$(envelope 42.1B)" "42.1B/Fa@b|Tc@d||" "BERTH_QUEUEID names the message for the queue owner"
got=$(as_user env BERTH_IDFD=3 BERTH_QUEUEID=42.1B berth-queue < "$T_DIR/msg8" 3>&1 1< "$T_DIR/env"; echo "rc=$?")
is "$got" "rc=0" "an id already committed: exit 0, nothing done (no id reported)"
qbody "$Q/mess/42.1B" | tail -n +2 | cmp -s - "$T_DIR/msg7"; ok $? "and the committed message is untouched"
for bad in 42.2 ../42B 42.2b 42.2BBB x42B; do
  got=$(as_user env BERTH_IDFD=3 BERTH_QUEUEID="$bad" berth-queue < "$T_DIR/msg7" 3>&1 1< "$T_DIR/env")
  case $got in "$bad"|"") ok 1 "BERTH_QUEUEID=$bad ignored (got '$got')" ;; *) ok 0 "BERTH_QUEUEID=$bad ignored" ;; esac
done
echo junk > "$Q/mess/43.1B"; echo junk > "$Q/intd/43.1B"; chown "$TESTUSER" "$Q/mess/43.1B" "$Q/intd/43.1B" 2>/dev/null
as_user env BERTH_QUEUEID=43.1B berth-queue < "$T_DIR/msg7" 1< "$T_DIR/env"
qbody "$Q/mess/43.1B" | tail -n +2 | cmp -s - "$T_DIR/msg7" && [ ! -e "$Q/intd/43.1B" ] && [ -e "$Q/todo/43.1B" ]
ok $? "stale uncommitted mess/ and intd/ files of that id are replaced"
if [ "$(id -u)" = 0 ]; then
  got=$(env BERTH_IDFD=3 BERTH_QUEUEID=44.1B berth-queue < "$T_DIR/msg7" 3>&1 1< "$T_DIR/env")
  [ -n "$got" ] && [ "$got" != 44.1B ]; ok $? "BERTH_QUEUEID ignored when the real uid does not own the queue ($got)"
  rm -f "$Q/todo/$got" "$Q/mess/$got"
else
  ok 0 "# SKIP the owner check needs root"
fi

t_done

#!/bin/sh
# berth-qread and berth-qstat without berth-send: an empty queue, messages still in todo/,
# bytes that are not printable or not UTF-8 (masked in text, escaped in JSON), mailq/-bp.
. "$BERTH_TOP/tests/lib.sh"
t_start 20
t_instance
q () { as_user "$@"; }
is "$(q berth-qread)" "queue empty" "empty queue: text"
is "$(q berth-qread --json | tr -d '\n')" "[]" "empty queue: JSON"
q berth-qstat > "$T_DIR/stat"
grep -q "^messages in queue: 0\$" "$T_DIR/stat" && grep -q "^oldest message: none\$" "$T_DIR/stat"; ok $? "empty queue: berth-qstat"
q berth-qread -x >/dev/null 2>&1; is "$?" 100 "usage: 100"

env=$T_DIR/env
printf 'Fs\344nder\001@x.example\000Tq"uo\\te@y.example\000Tcaf\303\251@z.example\000\000' > "$env"; chmod 644 "$env"
printf 'Subject: 1\n\nx\n' | as_user berth-queue 1<"$env"; is "$?" 91 "berth-queue refuses a control byte in an address (91)"
# such a byte can still be in a queue file from an older berth, or one put there by hand: an
# envelope file and a message without the queue header, as those are (doc/queue.md)
id=1796500000.123456.4242
{ printf 'u0\000p4242\000'; cat "$env"; } > "$BERTH_HOME/queue/todo/$id"
printf 'Subject: 1\n\nx\n' > "$BERTH_HOME/queue/mess/$id"
[ "$(id -u)" = 0 ] && chown "$TESTUSER" "$BERTH_HOME/queue/todo/$id" "$BERTH_HOME/queue/mess/$id"
chmod 640 "$BERTH_HOME/queue/todo/$id" "$BERTH_HOME/queue/mess/$id"
q berth-qread > "$T_DIR/list"
grep -q "^$id size=[0-9]* age=[0-9]*s from=<s.nder?@x.example>\$" "$T_DIR/list"; ok $? "text: control bytes masked"
grep -q '^  to=<q"uo\\te@y.example>$' "$T_DIR/list"; ok $? "text: recipients of a message in todo/ (no state yet)"
grep -q "^$id size=$(qbody "$BERTH_HOME/queue/mess/$id" | wc -c | tr -d ' ') " "$T_DIR/list"; ok $? "text: size of the message, without the queue header"
tail -n 1 "$T_DIR/list" | grep -q "^1 message\$"; ok $? "text: count"
q berth-qread --json > "$T_DIR/json"
/usr/bin/python3 - "$T_DIR/json" "$id" <<'PY'; ok $? "JSON: escaped, UTF-8 kept, Latin-1 byte as \\u00e4"
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")                      # the document is valid UTF-8
d = json.loads(raw)
m = d[0]
assert m["id"] == sys.argv[2], m
assert m["sender"] == "s\u00e4nder\u0001@x.example", m
assert [r["address"] for r in m["recipients"]] == ['q"uo\\te@y.example', "caf\u00e9@z.example"], m
assert all(r["state"] == "pending" and r["channel"] is None for r in m["recipients"]), m
assert m["preprocessed"] is False and m["status"] == "new" and m["last_error"] is None, m
PY
grep -q 'caf\\u00e9\|café' "$T_DIR/json"; ok $? "JSON: valid UTF-8 passed through"
q berth-qstat > "$T_DIR/stat"
grep -q "^messages in queue but not yet preprocessed: 1\$" "$T_DIR/stat" && grep -q "^recipients not yet preprocessed: 2\$" "$T_DIR/stat"
ok $? "berth-qstat: not yet preprocessed"
is "$(q sendmail -bp | sed 's/ age=[0-9]*s//')" "$(sed 's/ age=[0-9]*s//' "$T_DIR/list")" "sendmail -bp runs berth-qread"
t_done

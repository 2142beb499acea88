#!/bin/sh
# Bounces through the whole pipeline: berth-start (berth-send, berth-lspawn, berth-rspawn) and
# berth-bounce. A local unknown user, a remote 550 from a sink, and a message outliving
# queuelifetime each give one RFC 3464 bounce in the sender's Maildir.
. "$BERTH_TOP/tests/lib.sh"
t_start 90
t_instance
c=$BERTH_HOME/control
sinkport=$(free_port)
mkdir "$T_DIR/sink"
t_bg "$PY" "$BERTH_TOP/tests/remote-aiosink.py" "$sinkport" "$T_DIR/sink"
wait_port "$sinkport" 20 || { echo "Bail out! sink did not start"; exit 1; }
echo "far.example:127.0.0.1" > "$c/smtproutes"
echo "$sinkport" > "$c/smtpport"
echo 400 > "$c/retryscale"
echo 800 > "$c/queuelifetime"   # 2 s at retryscale 400: one deferral, then the lifetime is over
chmod 755 "$T_DIR/sink"
t_bg as_user berth-start 2>"$T_DIR/send.log"
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
berth-check send; ok $? "berth-start is running"

inject () { # inject SENDER RCPT SUBJECT
  printf 'From: %s\nTo: %s\nSubject: %s\n\nbody of %s\n' "$1" "$2" "$3" "$3" > "$T_DIR/m"
  printf 'F%s\0T%s\0\0' "$1" "$2" > "$T_DIR/e"
  chmod 644 "$T_DIR/m" "$T_DIR/e"
  as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e"
}
inject postmaster@test.example nosuchuser@test.example "local unknown"; ok $? "queued: to an unknown local user"
inject postmaster@test.example p550x@far.example "remote refused"; ok $? "queued: to a remote user the sink refuses"
inject postmaster@test.example t450x@far.example "too old"; ok $? "queued: to a remote user the sink defers"

md=$BERTH_HOME/alias/Maildir/new
n=0; while [ $n -lt 300 ] && [ "$(ls "$md" | wc -l)" -lt 3 ]; do sleep 0.1; n=$((n + 1)); done
is "$(ls "$md" | wc -l)" 3 "three bounces in the sender's Maildir"

"$PY" - "$md" <<'PY'
import email, email.policy, os, sys
md = sys.argv[1]
n, failed = 0, 0
def ok(c, d):
    global n, failed
    n += 1; failed += 0 if c else 1
    print("# %s: %s" % ("ok" if c else "FAILED", d))
found = {}
for f in sorted(os.listdir(md)):
    m = email.message_from_bytes(open(os.path.join(md, f), "rb").read(), policy=email.policy.default)
    parts = list(m.iter_parts()) if m.is_multipart() else []
    ds = [p for p in parts if p.get_content_type() == "message/delivery-status"]
    if not ds: continue
    groups = ds[0].get_payload()
    per = groups[1] if len(groups) > 1 else None
    rcpt = str(per["Final-Recipient"]) if per else ""
    found[rcpt.split(";")[-1].strip()] = (m, parts, per)
for rcpt, status in (("nosuchuser@test.example", "5.1.1"), ("p550x@far.example", "5.1.1"), ("t450x@far.example", "5.")):
    r = found.get(rcpt)
    ok(r is not None, "a bounce names %s" % rcpt)
    if not r: continue
    m, parts, per = r
    ok(m.get_content_type() == "multipart/report" and m.get_param("report-type") == "delivery-status", "%s: multipart/report; report-type=delivery-status" % rcpt)
    ok([p.get_content_type() for p in parts][:2] == ["text/plain", "message/delivery-status"] and len(parts) == 3, "%s: text/plain, delivery-status, original" % rcpt)
    ok(str(per["Action"]) == "failed" and str(per["Status"]).startswith(status), "%s: Action failed, Status %s (%s)" % (rcpt, status, per["Status"]))
    ok(m["Auto-Submitted"] == "auto-replied", "%s: Auto-Submitted: auto-replied" % rcpt)
    if rcpt.endswith("far.example"):
        ok("remote" in str(per.get("Diagnostic-Code", "")).lower() or "smtp" in str(per.get("Diagnostic-Code", "")).lower(), "%s: Diagnostic-Code quotes the remote reply (%s)" % (rcpt, per.get("Diagnostic-Code")))
print("# python checks: %d, failed %d" % (n, failed))
sys.exit(1 if failed else 0)
PY
ok $? "the bounces parse with python's email package and carry the right fields"
grep -q 'Return-Path: <>' "$md"/* ; ok $? "bounces come from the null sender"
sleep 1
is "$(ls "$md" | wc -l)" 3 "no second bounce"
q=$BERTH_HOME/queue
left () { find "$q/state" "$q/bounce" "$q/todo" "$q/mess" -type f | wc -l; }
n=0; while [ $n -lt 50 ] && [ "$(left)" != 0 ]; do sleep 0.1; n=$((n + 1)); done
is "$(left)" 0 "the queue is empty afterwards"
grep -q 'rcpt=t450x@far.example chan=remote relay=[^ ]* try=1 .*dsn=4[.0-9]* status=deferred' "$T_DIR/send.log"; ok $? "the lifetime case was deferred before it expired"
t_done

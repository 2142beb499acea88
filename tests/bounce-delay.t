#!/bin/sh
# Delay warnings (control/delaywarning): a message still deferred after that long gets one
# "Action: delayed" notice (headers only, status 4.x.x), never a second one, and the final bounce
# still comes when queuelifetime is over. Off by default.
. "$BERTH_TOP/tests/lib.sh"
t_start 90
t_instance
c=$BERTH_HOME/control
sinkport=$(free_port)
mkdir "$T_DIR/sink"; chmod 755 "$T_DIR/sink"
t_bg "$PY" "$BERTH_TOP/tests/remote-aiosink.py" "$sinkport" "$T_DIR/sink"
wait_port "$sinkport" 20 || { echo "Bail out! sink did not start"; exit 1; }
echo "far.example:127.0.0.1" > "$c/smtproutes"
echo "$sinkport" > "$c/smtpport"
echo 400 > "$c/retryscale"
echo 400 > "$c/delaywarning"      # 1 s at this scale
echo 2400 > "$c/queuelifetime"    # 6 s at this scale
t_bg as_user berth-start 2>"$T_DIR/send.log"
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
printf 'Subject: slow one\n\nstill trying\n' > "$T_DIR/m"
printf 'Fpostmaster@test.example\0Tt450y@far.example\0\0' > "$T_DIR/e"
printf 'F\0Tt450z@far.example\0\0' > "$T_DIR/e2"
chmod 644 "$T_DIR/m" "$T_DIR/e" "$T_DIR/e2"
as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e"; ok $? "queued: to a recipient the sink always defers"
as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e2"; ok $? "queued: a bounce (null sender) to the same"
md=$BERTH_HOME/alias/Maildir/new
n=0; while [ $n -lt 300 ] && [ "$(ls "$md" | wc -l)" -lt 3 ]; do sleep 0.1; n=$((n + 1)); done
"$PY" - "$md" <<'PY'
import email, email.policy, os, sys
md = sys.argv[1]
acts = []
for f in sorted(os.listdir(md)):
    m = email.message_from_bytes(open(os.path.join(md, f), "rb").read(), policy=email.policy.default)
    ds = [p for p in m.iter_parts() if p.get_content_type() == "message/delivery-status"] if m.is_multipart() else []
    if not ds: continue
    per = ds[0].get_payload()[1]
    types = [p.get_content_type() for p in m.iter_parts()]
    acts.append((str(per["Action"]), str(per["Status"]), str(m["Subject"]), types[-1]))
print("# notices: %r" % acts)
delayed = [a for a in acts if a[0] == "delayed"]
failed = [a for a in acts if a[0] == "failed"]
ok = len(delayed) == 1 and delayed[0][1].startswith("4.") and delayed[0][2].startswith("Delayed Mail") \
     and delayed[0][3] == "text/rfc822-headers" and len(failed) == 2 and len(acts) == 3
sys.exit(0 if ok else 1)
PY
ok $? "one delayed notice (4.x.x, headers only), the failure bounce, the double bounce of the <> message, nothing else"
grep -c 'event=delay-warning' "$T_DIR/send.log" | grep -qx 1; ok $? "one delay warning event, none for the null-sender message"
q=$BERTH_HOME/queue
n=0; while [ $n -lt 50 ] && [ "$(find "$q/state" "$q/todo" "$q/mess" "$q/delay" -type f | wc -l)" != 0 ]; do sleep 0.1; n=$((n + 1)); done
is "$(find "$q/state" "$q/todo" "$q/mess" "$q/delay" -type f | wc -l)" 0 "the queue, delay records included, is empty at the end"
t_done

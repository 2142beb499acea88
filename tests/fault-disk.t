#!/bin/sh
# Full disks end to end, in a private mount namespace: queue/mess on a 64 KiB tmpfs while a
# 300 KB message comes in over SMTP (berth-smtpd answers 4xx, nothing is left in the queue, the
# next message is accepted once there is room); the Maildir on a 64 KiB tmpfs while berth-send
# delivers a 300 KB message (deferred, never bounced, nothing in new/, delivered once after
# the file system grows). berth-queue and berth-local alone: queue-codes.t and local-full.t.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (tmpfs mounts)"
unshare -m true 2>/dev/null || skip_all "no private mount namespace here"
t_start 60
t_instance
head -c 225000 /dev/urandom | base64 > "$T_DIR/big"
printf 'Subject: small\n\nsmall\n' > "$T_DIR/small"
printf 'Fsender@example.org\0Tpostmaster@test.example\0\0' > "$T_DIR/env"
chmod 644 "$T_DIR/big" "$T_DIR/small" "$T_DIR/env"
# smtp FILE: one SMTP transaction of FILE on berth-smtpd's stdin/stdout; prints the reply codes
cat > "$T_DIR/smtp.py" <<'PY'
import subprocess, sys
body = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
inp = (b"HELO a.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<postmaster@test.example>\r\nDATA\r\n"
       + body + b".\r\nQUIT\r\n")
out = subprocess.run(sys.argv[2:], input=inp, capture_output=True, timeout=20).stdout
print(" ".join(l[:3].decode() for l in out.split(b"\r\n") if l[:1].isdigit()))
print(" / ".join(l.decode("utf-8", "replace") for l in out.split(b"\r\n") if l[:1] in (b"4", b"5")), file=sys.stderr)
PY
unshare -m sh -c '
  H=$1 U=$2 T=$3 PY=$4
  q=$H/queue
  mount -t tmpfs -o size=64k,mode=700 tmpfs "$q/mess" || exit 1
  chown "$U" "$q/mess"
  smtpd () { "$PY" "$T/smtp.py" "$1" s6-setuidgid "$U" env TCPREMOTEIP=127.0.0.1 berth-smtpd 2>>"$T/smtpd.reply"; }
  smtpd "$T/big" > "$T/smtp.full"
  find "$q/mess" "$q/intd" "$q/todo" -type f | wc -l > "$T/left.full"
  mount -o remount,size=2m "$q/mess"
  smtpd "$T/big" > "$T/smtp.room"
  ls "$q/todo" | wc -l > "$T/todo.room"
  # delivery: the Maildir on its own small tmpfs, berth-start running in this namespace
  md=$H/alias/Maildir
  mount -t tmpfs -o size=64k,mode=700 tmpfs "$md" || exit 1
  mkdir "$md/tmp" "$md/new" "$md/cur" && chown -R "$U" "$md"
  (cd "$H" && exec s6-setuidgid "$U" berth-start 2>>"$T/send.log") & S=$!
  n=0; while [ $n -lt 100 ] && ! grep -q "event=delivery .*status=deferred" "$T/send.log" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
  find "$md/new" "$md/tmp" -type f | wc -l > "$T/md.full"
  grep -c "status=bounced" "$T/send.log" > "$T/bounced.full"
  mount -o remount,size=2m "$md"
  n=0; while [ $n -lt 100 ] && [ -z "$(ls "$md/new")" ]; do
    [ $((n % 10)) = 0 ] && kill -ALRM $S; sleep 0.1; n=$((n + 1)); done
  sleep 0.5
  ls "$md/new" | wc -l > "$T/md.room"
  kill -TERM $S; wait $S
  find "$q/todo" "$q/state" -type f | wc -l > "$T/queue.end"
' sh "$BERTH_HOME" "$TESTUSER" "$T_DIR" "$PY"
ok $? "the namespace part ran"
case "$(cat "$T_DIR/smtp.full")" in "220 250 250 250 354 4"*) ok 0 "queue disk full: the message gets a 4xx after DATA" ;;
  *) ok 1 "queue disk full: the message gets a 4xx after DATA"; diag "replies: $(cat "$T_DIR/smtp.full")" ;; esac
diag "its reply: $(head -n 1 "$T_DIR/smtpd.reply")"
is "$(cat "$T_DIR/left.full")" 0 "nothing left in mess/, intd/ or todo/"
is "$(cat "$T_DIR/smtp.room")" "220 250 250 250 354 250 221" "with room again the same message is accepted"
is "$(cat "$T_DIR/todo.room")" 1 "and queued"
diag "deferral: $(grep 'status=deferred' "$T_DIR/send.log" | sed -n 's/.*text=//p' | head -n 1)"
grep -q 'status=deferred' "$T_DIR/send.log"; ok $? "Maildir disk full: the delivery is deferred"
is "$(cat "$T_DIR/md.full" | tr -d ' ')" 0 "nothing in the Maildir's new/ or tmp/"
is "$(cat "$T_DIR/bounced.full")" 0 "no bounce"
is "$(cat "$T_DIR/md.room")" 1 "delivered once the file system grew"
is "$(cat "$T_DIR/queue.end")" 0 "the queue is empty at the end"
t_done

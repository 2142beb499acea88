#!/bin/sh
# The whole delivery pipeline with the real programs: berth-queue -> berth-send -> berth-lspawn ->
# berth-local, for a user from users/assign, a virtual domain, an extension with -default, a
# forward, a program, an mbox, and a |command that defers twice (retried on qmail's schedule).
. "$BERTH_TOP/tests/lib.sh"
t_start 90
t_instance
c=$BERTH_HOME/control
uid=$(id -u "$TESTUSER"); gid=$(id -g "$TESTUSER")
joe=$T_DIR/joe
mkdir -p "$joe"
printf '=joe:%s:%s:%s:%s:::\n+joe-:%s:%s:%s:%s:-::\n.\n' "$TESTUSER" "$uid" "$gid" "$joe" "$TESTUSER" "$uid" "$gid" "$joe" > "$BERTH_HOME/users/assign"
berth-newu "$BERTH_HOME" 2>/dev/null || (cd "$BERTH_HOME" && berth-newu); ok $? "berth-newu compiles users/assign"
for m in Maildir Maildir-virt Maildir-list; do mkdir -p "$joe/$m/tmp" "$joe/$m/new" "$joe/$m/cur"; done
echo './Maildir-virt/' > "$joe/.qmail-alice"
echo './Maildir-list/' > "$joe/.qmail-list-default"
echo '&postmaster@test.example' > "$joe/.qmail-fwd"
echo '|cat > "$HOME/prog.out"; echo "$SENDER $RECIPIENT $EXT" > "$HOME/prog.env"' > "$joe/.qmail-prog"
echo './mbox' > "$joe/.qmail-mbox"
cat > "$joe/flaky.sh" <<'SH'
n=$(cat "$HOME/flaky.n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$HOME/flaky.n"
[ "$n" -ge 3 ] || exit 111
cat > "$HOME/flaky.out"
SH
echo '|sh "$HOME/flaky.sh"' > "$joe/.qmail-retry"
echo '|echo + >> "$HOME/slow.log"; sleep 0.6; echo - >> "$HOME/slow.log"' > "$joe/.qmail-slow"
chown -R "$TESTUSER" "$joe" 2>/dev/null; chmod -R go-w "$joe"
echo test.example > "$c/locals"
echo 'virt.example:joe' > "$c/virtualdomains"
echo 400 > "$c/retryscale"
echo 3 > "$c/concurrencylocal"
t_bg as_user berth-start 2>"$T_DIR/send.log"
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done

send () { # send RCPT TAG: one message from sender@example.org; the body names TAG
  printf 'From: sender@example.org\nTo: %s\nSubject: %s\n\nbody of %s\n.leading dot\n\344 8-bit\n' "$1" "$2" "$2" > "$T_DIR/m.$2"
  printf 'Fsender@example.org\0T%s\0\0' "$1" > "$T_DIR/e"
  chmod 644 "$T_DIR/m.$2" "$T_DIR/e"
  as_user berth-queue < "$T_DIR/m.$2" 1< "$T_DIR/e"
}
for r in "joe@test.example user" "alice@virt.example virt" "joe-list-foo@test.example list" \
         "joe-fwd@test.example fwd" "joe-prog@test.example prog" "joe-mbox@test.example mbox" \
         "joe-retry@test.example retry"; do
  set -- $r; send "$1" "$2"; ok $? "queued to $1"
done

waitfile () { n=0; while [ $n -lt 150 ] && [ -z "$(ls $1 2>/dev/null)" ]; do sleep 0.1; n=$((n + 1)); done; ls $1 2>/dev/null | head -n 1; }
# delivered FILE TAG RCPT: Return-Path, Delivered-To, berth-queue's Received, then the bytes sent
delivered () {
  [ -f "$1" ] || return 1
  sed -n 1p "$1" | grep -qx 'Return-Path: <sender@example.org>' || return 1
  sed -n 2p "$1" | grep -qx "Delivered-To: $3" || return 1
  sed -n 3p "$1" | grep -q '^Received: (berth ' || return 1
  tail -n +4 "$1" | cmp -s - "$T_DIR/m.$2"
}
f=$(waitfile "$joe/Maildir/new/*"); delivered "$f" user joe@test.example; ok $? "user from users/assign: Maildir, bytes exact"
f=$(waitfile "$joe/Maildir-virt/new/*"); delivered "$f" virt joe-alice@virt.example; ok $? "virtual domain: joe-alice via .qmail-alice"
f=$(waitfile "$joe/Maildir-list/new/*"); delivered "$f" list joe-list-foo@test.example; ok $? "extension through .qmail-list-default"
f=$(waitfile "$BERTH_HOME/alias/Maildir/new/*")
[ -n "$f" ] && grep -qx 'Delivered-To: joe-fwd@test.example' "$f" && tail -n 7 "$f" | cmp -s - "$T_DIR/m.fwd"
ok $? "forward: re-injected and delivered to postmaster, with joe-fwd's Delivered-To"
f=$(waitfile "$joe/prog.env"); [ -n "$f" ] && grep -qx 'sender@example.org joe-prog@test.example prog' "$joe/prog.env"
ok $? "program: SENDER, RECIPIENT and EXT in its environment"
tail -n 7 "$joe/prog.out" 2>/dev/null | cmp -s - "$T_DIR/m.prog"; ok $? "program: the message on its stdin"
f=$(waitfile "$joe/mbox"); head -n 1 "$joe/mbox" 2>/dev/null | grep -q '^From sender@example.org '; ok $? "mbox: From_ line"
grep -q '^>\?\.leading dot$' "$joe/mbox" 2>/dev/null && grep -qx 'Delivered-To: joe-mbox@test.example' "$joe/mbox"; ok $? "mbox: the message with Delivered-To"
f=$(waitfile "$joe/flaky.out"); tail -n 7 "$joe/flaky.out" 2>/dev/null | cmp -s - "$T_DIR/m.retry"
ok $? "a |command that exits 111 twice is delivered on the third try"
is "$(cat "$joe/flaky.n" 2>/dev/null)" 3 "three runs of the command"
grep 'rcpt=joe-retry@test.example ' "$T_DIR/send.log" | sed 's/.* delay=\([0-9.]*\) .*/\1/' | awk '
  function isqrt(x,  r) { r = int(sqrt(x)); while (r * r > x) r--; while ((r + 1) * (r + 1) <= x) r++; return r }
  { d[n++] = $1 } END { bad = (n != 3)
    for (i = 1; i < n; i++) { want = (isqrt(int(d[i-1] * 400)) + 10) ^ 2 / 400
      printf "# try %d at %.3f s, expected %.3f s\n", i + 1, d[i], want; if (d[i] < want - 0.01 || d[i] > want + 0.5) bad = 1 }
    exit bad }'
ok $? "retries on qmail's local schedule (chanskip 10, time scaled by 400)"
i=0; while [ $i -lt 9 ]; do send joe-slow@test.example "slow$i" >/dev/null; i=$((i + 1)); done
n=0; while [ $n -lt 200 ] && [ "$(grep -c -- - "$joe/slow.log" 2>/dev/null)" != 9 ]; do sleep 0.1; n=$((n + 1)); done
is "$(grep -c -- - "$joe/slow.log" 2>/dev/null)" 9 "nine slow |command deliveries finish"
maxrun=$(awk '/\+/ { r++; if (r > m) m = r } /-/ { r-- } END { print m + 0 }' "$joe/slow.log")
is "$maxrun" 3 "concurrencylocal 3: at most (and here exactly) 3 ran at once"
q=$BERTH_HOME/queue
n=0; while [ $n -lt 50 ] && [ "$(find "$q/state" "$q/todo" "$q/mess" -type f | wc -l)" != 0 ]; do sleep 0.1; n=$((n + 1)); done
is "$(find "$q/state" "$q/todo" "$q/mess" -type f | wc -l)" 0 "the queue is empty at the end"
t_done

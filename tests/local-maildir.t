#!/bin/sh
# berth-local's Maildir delivery (doc/berth-local.md): an unnamed O_TMPFILE file in new/, named
# by linkat through /proc/self/fd, nothing in tmp/; without /proc (a private mount namespace,
# root only) maildir(5)'s tmp/ then new/ way; and fd 0 taken from its offset at start (the queue
# file past its header, as berth-lspawn gives it).
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
M=$T_DIR/home
mkdir -p "$M/Maildir/tmp" "$M/Maildir/new" "$M/Maildir/cur"
chown -R "$TESTUSER" "$M" 2>/dev/null
printf 'Subject: md\n\nline one\nline two\n' > "$T_DIR/msg"
{ printf 'Return-Path: <s@x.example>\nDelivered-To: joe@test.example\n'; cat "$T_DIR/msg"; } > "$T_DIR/want"
# the queue header's layout (doc/queue.md): 1024 bytes, then the message
{ printf '\000BERTHQ1'; head -c 1016 /dev/zero; cat "$T_DIR/msg"; } > "$T_DIR/queued"
chmod 644 "$T_DIR/msg" "$T_DIR/queued"
# local FILE [OFFSET]: berth-local for joe@test.example, fd 0 on FILE at OFFSET
local_run () {
  as_user sh -c 'exec 0<"$1"; [ -n "$2" ] && { dd bs=1 skip="$2" count=0 2>/dev/null || exit 9; }; cd "$3" && exec berth-local -- joe "$3" joe "" "" test.example s@x.example ./Maildir/' \
    sh "$1" "${2:-}" "$M"
}
newest () { ls -t "$M/Maildir/new" | head -n 1; }

local_run "$T_DIR/msg" > "$T_DIR/out"; ok $? "delivered (exit 0: $(cat "$T_DIR/out"))"
f=$(newest)
cmp -s "$M/Maildir/new/$f" "$T_DIR/want"; ok $? "new/$f: Return-Path, Delivered-To, the message"
is "$(ls "$M/Maildir/tmp" | wc -l | tr -d ' ')" 0 "tmp/ empty"
if command -v strace >/dev/null; then
  if [ "$(id -u)" = 0 ]; then set -- s6-setuidgid "$TESTUSER"; else set --; fi
  strace -f -qq -e trace=openat,linkat,link -o "$T_DIR/trace" "$@" sh -c 'exec 0<"$1"; cd "$2" && exec berth-local -- joe "$2" joe "" "" test.example s@x.example ./Maildir/' sh "$T_DIR/msg" "$M" > /dev/null
  grep -q 'O_TMPFILE' "$T_DIR/trace" && grep -q 'linkat(AT_FDCWD, "/proc/self/fd/' "$T_DIR/trace" && ! grep -q 'Maildir/tmp/' "$T_DIR/trace"
  ok $? "an O_TMPFILE file named by linkat, nothing opened in tmp/"
else
  ok 0 "# SKIP strace not installed"
fi

# fd 0 at the queue header's end: the message from there, rewound to there for each delivery
local_run "$T_DIR/queued" 1024 > "$T_DIR/out"; ok $? "delivered from offset 1024"
cmp -s "$M/Maildir/new/$(newest)" "$T_DIR/want"; ok $? "... without the header's bytes"

# no /proc: linkat through it is impossible, so tmp/ then new/
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  n0=$(ls "$M/Maildir/new" | wc -l)
  unshare -m sh -c 'umount -l /proc && exec s6-setuidgid "$1" sh -c "exec 0<\"\$2\"; cd \"\$3\" && exec berth-local -- joe \"\$3\" joe \"\" \"\" test.example s@x.example ./Maildir/" sh "$1" "$2" "$3"' \
    sh "$TESTUSER" "$T_DIR/msg" "$M" > "$T_DIR/out"
  ok $? "without /proc: delivered ($(cat "$T_DIR/out"))"
  is "$(ls "$M/Maildir/new" | wc -l | tr -d ' ')/$(ls "$M/Maildir/tmp" | wc -l | tr -d ' ')" "$((n0 + 1))/0" "... one more file in new/, tmp/ empty again"
  cmp -s "$M/Maildir/new/$(newest)" "$T_DIR/want"; ok $? "... the same bytes"
else
  ok 0 "# SKIP needs root and a private mount namespace"
  ok 0 "# SKIP needs root and a private mount namespace"
  ok 0 "# SKIP needs root and a private mount namespace"
fi
t_done

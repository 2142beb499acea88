#!/bin/sh
# Failures while writing: on a full file system an mbox is truncated back to its old size and a
# Maildir keeps nothing (no file in new/, none left in tmp/); both are temporary failures.
# berth-local is run directly, as the instance owner, inside a private mount namespace.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (tmpfs mount)"
unshare -m true 2>/dev/null || skip_all "no private mount namespace here"
t_start 30
F=$T_DIR/full
mkdir -p "$F"
head -c 200000 /dev/zero | tr '\0' 'x' | fold -w 70 > "$T_DIR/big"
printf 'Subject: small\n\nsmall\n' > "$T_DIR/small"
unshare -m sh -c '
  F=$1; U=$2; T=$3
  mount -t tmpfs -o size=128k,mode=755 tmpfs "$F" || exit 1
  mkdir -p "$F/Maildir/tmp" "$F/Maildir/new" "$F/Maildir/cur"
  printf "old\n" > "$F/mbox"
  chown -R "$U" "$F"
  loc () { s6-setuidgid "$U" berth-local -- u "$F" u "" "" test.example s@x "$1" < "$2"; echo "rc=$?"; }
  loc ./mbox "$T/big" > "$T/mbox.out"
  cat "$F/mbox" > "$T/mbox.after"
  loc ./Maildir/ "$T/big" > "$T/md.out"
  find "$F/Maildir/new" "$F/Maildir/tmp" -type f > "$T/md.ls"
  loc ./mbox "$T/small" > "$T/mbox2.out"
  cat "$F/mbox" > "$T/mbox2.after"
' sh "$F" "$TESTUSER" "$T_DIR"
case "$(cat "$T_DIR/mbox.out")" in "Unable to write ./mbox: "*"rc=111") ok 0 "full mbox: temporary failure" ;; *) ok 1 "full mbox: temporary failure"; diag "$(cat "$T_DIR/mbox.out")" ;; esac
is "$(cat "$T_DIR/mbox.after")" "old" "mbox truncated back to its old contents"
is "$(tail -n 1 "$T_DIR/md.out")" "rc=111" "full Maildir: temporary failure"
grep -q '^Temporary error on maildir delivery: No space left on device\. (#4\.3\.1)$' "$T_DIR/md.out"; ok $? "full Maildir: the text names the errno (ENOSPC) and says #4.3.1"; diag "$(head -n 1 "$T_DIR/md.out")"
grep -q '^Unable to write \./mbox: No space left on device\. (#4\.3\.1)$' "$T_DIR/mbox.out"; ok $? "full mbox: the text names the errno (ENOSPC) and says #4.3.1"
is "$(grep -c . "$T_DIR/md.ls")" 0 "nothing left in Maildir new/ or tmp/"
is "$(tail -n 1 "$T_DIR/mbox2.out")" "rc=0" "a small message still fits afterwards"
is "$(head -n 1 "$T_DIR/mbox2.after")" "old" "old mbox contents intact"
t_done

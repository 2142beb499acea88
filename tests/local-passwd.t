#!/bin/sh
# Multi-user mode through passwd (qmail-getpw's rules): a private mount namespace bind-mounts a
# test passwd file over /etc/passwd, so berth-lspawn (dynamic, NSS files) sees test users.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
unshare -m true 2>/dev/null || skip_all "no private mount namespace here"
t_start 30
t_instance
H=$BERTH_HOME
P=$T_DIR/pwtest; Q=$T_DIR/pwnothome; L=$T_DIR/palias
mkdir -p "$P/Maildir/tmp" "$P/Maildir/new" "$P/Maildir/cur" "$Q" "$L/Maildir/tmp" "$L/Maildir/new" "$L/Maildir/cur"
printf '|echo "ext=$EXT user=$USER"\n' > "$P/.qmail-foo"
printf './Maildir/\n' > "$L/.qmail-postmaster"
chown -R 23456:23456 "$P"; chown -R 23458:23458 "$L"; chmod 755 "$P" "$Q" "$L"
chmod 644 "$P/.qmail-foo" "$L/.qmail-postmaster"
cp /etc/passwd "$T_DIR/passwd1"
printf 'pwtest:x:23456:23456::%s:/bin/sh\npwnothome:x:23457:23457::%s:/bin/sh\n' "$P" "$Q" >> "$T_DIR/passwd1"
cp "$T_DIR/passwd1" "$T_DIR/passwd2"
printf 'alias:x:23458:23458::%s:/bin/sh\n' "$L" >> "$T_DIR/passwd2"
grep -q '^alias:' /etc/passwd && skip_all "a passwd user named alias exists here"

printf 'F%s\0T%s\0\0' s@x pwtest@test.example > "$T_DIR/env"
id=$(printf 'Subject: pw\n\nbody\n' | BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env")
# jobs FILE RCPT...: one job per recipient, slots 0, 1, ...
jobs () {
  f=$1; shift; i=0; : > "$f"
  for r in "$@"; do printf "\\$(printf %03o $i)%s\\0%s\\0%s\\0\\0" "$id" s@x "$r" >> "$f"; i=$((i + 1)); done
}
jobs "$T_DIR/jobs1" pwtest@test.example PWTest@test.example pwtest-foo@test.example pwnothome@test.example root@test.example
jobs "$T_DIR/jobs2" postmaster@test.example
unshare -m sh -c '
  mount --bind "$1/passwd1" /etc/passwd && berth-lspawn < "$1/jobs1" > "$1/res1"
  mount --bind "$1/passwd2" /etc/passwd && berth-lspawn < "$1/jobs2" > "$1/res2"
' sh "$T_DIR"
# results in slot order, one per line
res () { python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read(); out = {}; pos = 0
while pos < len(d):
    e = d.index(b'\0', pos + 1); out[d[pos]] = d[pos + 1:e].decode(); pos = e + 1
print("\n".join(out[k] for k in sorted(out)))
PY
}
res "$T_DIR/res1" > "$T_DIR/r1"
is "$(sed -n 1p "$T_DIR/r1")" "Kdid 1+0+0" "passwd user with its own home: delivered"
is "$(sed -n 2p "$T_DIR/r1")" "Kdid 1+0+0" "upper-case address: same user"
is "$(ls "$P/Maildir/new" | wc -l)" 2 "both in ~pwtest/Maildir"
is "$(stat -c %u "$P/Maildir/new/$(ls "$P/Maildir/new" | head -n 1)")" 23456 "files owned by the passwd uid"
is "$(sed -n 3p "$T_DIR/r1")" "Kext=foo user=pwtest/did 0+0+1" "user-ext: conf-break extension, .qmail-foo"
is "$(sed -n 4p "$T_DIR/r1")" "DSorry, no mailbox here by that name. (#5.1.1)" "home not owned by the user: not claimed, alias has no such name"
is "$(sed -n 5p "$T_DIR/r1")" "Kdid 1+0+0" "root (uid 0) is not claimed: alias/.qmail-root"
is "$(stat -c %U "$H/alias/Maildir/new/$(ls "$H/alias/Maildir/new" | head -n 1)")" "$TESTUSER" "alias delivery as the instance owner"
is "$(res "$T_DIR/res2")" "Kdid 1+0+0" "with a passwd user named alias: postmaster delivered"
is "$(ls "$L/Maildir/new" | wc -l)" 0 "not in ~alias/Maildir: the instance's own HOME/alias takes it (sec-local-root.t)"
t_done

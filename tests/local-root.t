#!/bin/sh
# Multi-user mode: berth-lspawn as root runs berth-local as the recipient's uid/gid with no
# supplementary groups; uid 0 is refused; unclaimed addresses go to HOME/alias as its owner.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
t_start 30
t_instance
H=$BERTH_HOME
N=12345

queue () {
  printf 'F%s\0T%s\0\0' "$1" "$2" > "$T_DIR/env"
  BERTH_IDFD=5 as_user berth-queue 5>"$T_DIR/id" 1<"$T_DIR/env" || return 1
  cat "$T_DIR/id"
}
spawn_root () {
  printf '\0%s\0%s\0%s\0\0' "$1" "$2" "$3" | berth-lspawn > "$T_DIR/res"
  tail -c +2 "$T_DIR/res" | tr '\0' '\n'
}

D=$T_DIR/num
mkdir -p "$D/Maildir/tmp" "$D/Maildir/new" "$D/Maildir/cur"
printf '|id -u > id.out; id -g >> id.out; id -G >> id.out; awk "/^Groups:/ { \\$1 = \\"\\"; print substr(\\$0, 2) }" /proc/self/status >> id.out\n./Maildir/\n' > "$D/.qmail"
chown -R $N:$N "$D"; chmod 755 "$D"; chmod 644 "$D/.qmail"
cat > "$H/users/assign" <<EOA
=num:num:$N:$N:$D:::
=rootmap:root:0:0:/root:::
.
EOA
as_user berth-newu; ok $? "berth-newu (as the instance owner)"

id=$(printf 'Subject: root test\n\nbody\n' | queue snd@x.example num@test.example)
is "$(spawn_root "$id" snd@x.example num@test.example)" "Kdid 1+0+1" "numeric uid from users/assign: delivered"
is "$(cat "$D/id.out" 2>/dev/null | tr '\n' ' ')" "$N $N $N $N " "berth-local ran as $N:$N with only its own group"
f=$(ls "$D/Maildir/new")
is "$(stat -c %u:%g "$D/Maildir/new/$f" 2>/dev/null)" "$N:$N" "Maildir file owned by the recipient"
{ printf 'Return-Path: <snd@x.example>\nDelivered-To: num@test.example\n'; qbody "$H/queue/mess/$id"; } > "$T_DIR/exp"
cmp -s "$T_DIR/exp" "$D/Maildir/new/$f"; ok $? "delivered bytes"

id=$(printf 'Subject: root\n\nbody\n' | queue snd@x.example rootmap@test.example)
is "$(spawn_root "$id" snd@x.example rootmap@test.example)" "ZRefusing to deliver as root: the address maps to uid 0. (#4.7.0)" "uid 0 refused"

id=$(printf 'Subject: pm\n\nbody\n' | queue snd@x.example postmaster@test.example)
if getent passwd alias >/dev/null; then
  ok 0 "# SKIP a passwd user named alias exists"
  ok 0 "# SKIP a passwd user named alias exists"
else
  is "$(spawn_root "$id" snd@x.example postmaster@test.example)" "Kdid 1+0+0" "postmaster via HOME/alias"
  f=$(ls "$H/alias/Maildir/new")
  is "$(stat -c %U "$H/alias/Maildir/new/$f" 2>/dev/null)" "$TESTUSER" "alias delivery runs as the instance owner"
fi
t_done

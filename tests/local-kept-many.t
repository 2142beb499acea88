#!/bin/sh
# berth-lspawn's kept child has no limit on its jobs (doc/berth-lspawn.md, "Kept children"):
# 150 deliveries in a row, each after the result before it, are all done by one process, and
# each is delivered.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")
J=$T_DIR/joe
mkdir -p "$J/Maildir/tmp" "$J/Maildir/new" "$J/Maildir/cur"
chown -R "$U:$G" "$J"; chmod 755 "$J"
printf '=joe:joe:%s:%s:%s:::\n.\n' "$U" "$G" "$J" > "$H/users/assign"
as_user berth-newu; ok $? "berth-newu compiles users/assign"
printf 'Subject: many\n\nhello\n' > "$T_DIR/m"; chmod 644 "$T_DIR/m"
printf 'Fs@x.example\0Tjoe@test.example\0\0' > "$T_DIR/env"
id=$(BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env" < "$T_DIR/m")
[ -n "$id" ]; ok $? "a message queued"
set --
i=0; while [ $i -lt 150 ]; do i=$((i + 1)); set -- "$@" "J:$((i % 200 + 1)):$id:s@x.example:joe@test.example"; done
as_user "$PY" "$BERTH_TOP/tests/spawn-drive.py" "$@" -- berth-lspawn > "$T_DIR/out" 2>>"$T_DIR/log"
is "$(grep -c ': Kdid 1+0+0$' "$T_DIR/out")" 150 "150 deliveries, each reported done"
is "$(ls "$J/Maildir/new" | wc -l)" 150 "150 files in Maildir/new"
is "$(ls "$J/Maildir/new" | sed 's/.*P\([0-9]*\)Q.*/\1/' | sort -u | wc -l)" 1 "all written by one process (the P of their names): no limit of 100 jobs"
t_done

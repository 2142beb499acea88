#!/bin/sh
# A kept berth-local child (single-user mode, doc/guests.md) carries nothing from one job to the
# next: a header-less message file (doc/queue.md allows them) delivered after a headered one is
# delivered whole, from its byte 0; a program of the second job sees what it sees in a fresh
# process (environment, cwd, umask, fds). Security review, item 10.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")
J=$T_DIR/joe
for d in Maildir Maildir2; do mkdir -p "$J/$d/tmp" "$J/$d/new" "$J/$d/cur"; done
cat > "$H/users/assign" <<EOA
=joe:joe:$U:$G:$J:::
+joe-:joe:$U:$G:$J:-::
.
EOA
as_user berth-newu; ok $? "berth-newu compiles users/assign"
# job 1: a headered message (berth-queue), to .qmail-one-default (a program, then Maildir/)
printf 'Subject: first\n\nbody one\n' > "$T_DIR/m"; chmod 644 "$T_DIR/m"
printf 'Fs@x.example\0Tjoe-one-foo@test.example\0\0' > "$T_DIR/env"
id1=$(BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env" < "$T_DIR/m")
[ -n "$id1" ]; ok $? "a headered message queued"
# job 2: a message file without the queue header, named as a queue id
id2=999999999.1
printf 'Subject: second, header-less\nX-Marker: kept\n\nbody two\n' > "$H/queue/mess/$id2"
chown "$U:$G" "$H/queue/mess/$id2"; chmod 600 "$H/queue/mess/$id2"
# each program writes what it sees; umask and cwd are berth-local's, fds and environment too
dump='|{ echo "cwd=$(pwd) umask=$(umask) fds=$(ls /proc/self/fd | tr "\\n" " ")"; env | grep -v "^UFLINE=" | sort; } > "$HOME/$TAG.out"'
printf '%s\n./Maildir/\n' "$(echo "$dump" | sed 's/\$TAG/one/')" > "$J/.qmail-one-default"
printf '%s\n./Maildir2/\n' "$(echo "$dump" | sed 's/\$TAG/two/')" > "$J/.qmail-two"
chown -R "$U:$G" "$J"; chmod 755 "$J"; chmod 644 "$J"/.qmail-*

run () { as_user "$PY" "$BERTH_TOP/tests/spawn-drive.py" "$@" -- berth-lspawn > "$T_DIR/out" 2>>"$T_DIR/log"; }
pids () { ls "$J/Maildir/new" "$J/Maildir2/new" | grep 'P[0-9]*Q' | sed 's/.*P\([0-9]*\)Q.*/\1/' | sort -u | wc -l; }

run "J:1:$id1:s@x.example:joe-one-foo@test.example" "J:2:$id2:s@x.example:joe-two@test.example"
is "$(tr '\n' '/' < "$T_DIR/out" | sed 's/exit.*//')" "1: Kdid 1+0+1/2: Kdid 1+0+1/" "two jobs, both delivered"
is "$(pids)" 1 "by one kept process"
f=$(ls "$J/Maildir2/new")
{ printf 'Return-Path: <s@x.example>\nDelivered-To: joe-two@test.example\n'; cat "$H/queue/mess/$id2"; } > "$T_DIR/exp2"
cmp -s "$T_DIR/exp2" "$J/Maildir2/new/$f"; ok $? "the header-less message after a headered one: delivered whole, from its byte 0"
[ $? = 0 ] || diag "$(head -c 300 "$J/Maildir2/new/$f")"
mv "$J/two.out" "$T_DIR/two.kept"

# the same second job in a fresh process
rm -f "$J/Maildir2/new"/*
run "J:2:$id2:s@x.example:joe-two@test.example"
is "$(sed -n 1p "$T_DIR/out")" "2: Kdid 1+0+1" "the second job alone, in a fresh process"
f=$(ls "$J/Maildir2/new")
cmp -s "$T_DIR/exp2" "$J/Maildir2/new/$f"; ok $? "the same bytes delivered"
diff "$T_DIR/two.kept" "$J/two.out" > "$T_DIR/diff"; ok $? "its program saw the same cwd, umask, fds and environment in the kept child as in a fresh one"
[ -s "$T_DIR/diff" ] && diag "$(cat "$T_DIR/diff")"
grep -q '^DEFAULT=' "$T_DIR/two.kept"; is $? 1 "no DEFAULT left from the job before"
t_done

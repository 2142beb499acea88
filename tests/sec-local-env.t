#!/bin/sh
# Single-user mode (berth-local's code in berth-lspawn's forked, kept child): a program's
# environment is qmail-command(8)'s variables and a fixed PATH, nothing of the spawner's; a
# failure without a report says what its result does (security review, items 7 and 9).
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")
J=$T_DIR/joe
mkdir -p "$J"
cat > "$H/users/assign" <<EOA
+joe-:joe:$U:$G:$J:-::
.
EOA
as_user berth-newu; ok $? "berth-newu compiles users/assign"
printf '|exec /usr/bin/env -0 > env.out\n' > "$J/.qmail-env"
printf '|exit 100\n' > "$J/.qmail-perm"
printf '|exit 111\n' > "$J/.qmail-temp"
chown -R "$U:$G" "$J"; chmod 755 "$J"; chmod 644 "$J"/.qmail-*
printf 'Fs@x.example\0Tjoe-env@test.example\0\0' > "$T_DIR/env"
id=$(printf 'Subject: env\n\nbody\n' | BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env")
[ -n "$id" ]; ok $? "a message queued"
run () { as_user env "UID=0" "GID=0" "LD_LIBRARY_PATH=/nonexistent" "BERTH_SECRET=x" "PATH=/opt/nowhere:$PATH" \
  "$PY" "$BERTH_TOP/tests/spawn-drive.py" "$@" -- berth-lspawn > "$T_DIR/out" 2>>"$T_DIR/log"; }
envnames () { tr '\n\0' ' \n' < "$1" | sed 's/=.*//' | grep -v '^PWD$' | sort | tr '\n' ' '; }

run "J:1:$id:s@x.example:joe-env@test.example" "J:2:$id:s@x.example:joe-env@test.example"
is "$(sed -n 1,2p "$T_DIR/out" | tr '\n' '/')" "1: Kdid 0+0+1/2: Kdid 0+0+1/" "a program that prints its environment, twice (the second in a kept child)"
is "$(envnames "$J/env.out")" "BERTH_HOME DTLINE EXT EXT2 EXT3 EXT4 HOME HOST HOST2 HOST3 HOST4 LOCAL NEWSENDER PATH RECIPIENT RPLINE SENDER UFLINE USER " "only qmail-command(8)'s variables, PATH and the instance's BERTH_HOME (PWD is the shell's own)"
is "$(tr '\0' '\n' < "$J/env.out" | grep '^PATH=')" "PATH=/usr/local/bin:/usr/bin:/bin" "PATH is the fixed one"

run "J:1:$id:s@x.example:joe-perm@test.example" "J:2:$id:s@x.example:joe-temp@test.example"
is "$(sed -n 1p "$T_DIR/out")" "1: DPermanent failure without a report: berth-local exited 100. (#5.3.0)" "a program exiting 100 silently: a permanent failure that says so"
is "$(sed -n 2p "$T_DIR/out")" "2: ZTemporary failure without a report: berth-local exited 111. (#4.3.0)" "a program exiting 111 silently: a temporary failure that says so"
t_done

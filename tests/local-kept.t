#!/bin/sh
# berth-lspawn in single-user mode keeps a child whose delivery succeeded and gives it the next
# job (doc/berth-lspawn.md, "Kept children"): one process for deliveries in a row, gone 2 s
# after the last and at the end of input; a failed delivery ends its process; every delivery
# sees its own environment (nothing left from the one before) and no control socket; a kept
# child still obeys timeoutlocal.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")
J=$T_DIR/joe
mkdir -p "$J/Maildir/tmp" "$J/Maildir/new" "$J/Maildir/cur"
chown -R "$U:$G" "$J"; chmod 755 "$J"
cat > "$H/users/assign" <<EOA
=joe:joe:$U:$G:$J:::
+joe-:joe:$U:$G:$J:-::
.
EOA
as_user berth-newu; ok $? "berth-newu compiles users/assign"
printf 'Subject: kept\n\nhello\n' > "$T_DIR/m"
chmod 644 "$T_DIR/m"
printf 'Fs@x.example\0Tjoe@test.example\0\0' > "$T_DIR/env"
id=$(BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env" < "$T_DIR/m")
[ -n "$id" ]; ok $? "a message queued"
# .qmail-env: writes what a program sees (DEFAULT, EXT, its fds) to env.N; .qmail-env-default too
printf '|echo "[${DEFAULT-unset}] [$EXT] [$(ls /proc/self/fd | tr "\\n" " ")]" >> env.out\n' > "$J/.qmail-env"
cp "$J/.qmail-env" "$J/.qmail-env-default"
printf '|sleep 5\n' > "$J/.qmail-slow"
printf '|sleep 4 &\n./Maildir/\n' > "$J/.qmail-bg"
chown "$U" "$J"/.qmail-*

run () { as_user /usr/bin/python3 "$BERTH_TOP/tests/spawn-drive.py" "$@" -- berth-lspawn > "$T_DIR/out" 2>>"$T_DIR/log"; }
pids () { ls "$J/Maildir/new" | sed 's/.*P\([0-9]*\)Q.*/\1/' | sort -u | wc -l; }

run "J:1:$id:s@x.example:joe@test.example" "J:2:$id:s@x.example:joe@test.example" "J:3:$id:s@x.example:joe@test.example" "KIDS" "S:3" "KIDS"
is "$(sed -n 1,3p "$T_DIR/out" | tr '\n' '/')" "1: Kdid 1+0+0/2: Kdid 1+0+0/3: Kdid 1+0+0/" "three deliveries in a row, each reported as before"
is "$(ls "$J/Maildir/new" | wc -l) $(pids)" "3 1" "three files in Maildir/new, written by one process (the P of their names)"
# (one process made the three deliveries: the line above. Right after the last one the child
# waits for a next job; on a loaded machine the driver may look only after its 2 s have passed,
# when it is gone: the expiry itself is checked below)
case $(sed -n 4p "$T_DIR/out") in "kids 1"|"kids 0") ok 0 "after the last: no second child (its child kept, or expired)" ;; *) ok 1 "after the last: no second child"; diag "$(sed -n 4p "$T_DIR/out")" ;; esac
is "$(sed -n 5p "$T_DIR/out")" "kids 0" "3 s later: gone"
case $(sed -n 6p "$T_DIR/out") in "exit 0 after 0."*) ok 0 "berth-lspawn exits at once at the end of input" ;; *) ok 1 "berth-lspawn exits at once at the end of input"; diag "$(cat "$T_DIR/out")" ;; esac

# a failure ends the process: the next job gets a new one
rm -f "$J/Maildir/new"/*
run "J:1:$id:s@x.example:joe@test.example" "J:2:$id:s@x.example:joe-nosuch@test.example" "J:3:$id:s@x.example:joe@test.example" "KIDS"
case $(sed -n 2p "$T_DIR/out") in "2: D"*) ok 0 "no such mailbox: permanent failure" ;; *) ok 1 "no such mailbox: permanent failure"; diag "$(cat "$T_DIR/out")" ;; esac
is "$(ls "$J/Maildir/new" | wc -l) $(pids)" "2 2" "the delivery after it: another process"

# the environment of each delivery is its own; programs get no control socket
rm -f "$J/env.out"
run "J:1:$id:s@x.example:joe-env-foo@test.example" "J:2:$id:s@x.example:joe-env@test.example" "J:3:$id:s@x.example:joe-env-bar@test.example"
is "$(sed -n 1,3p "$T_DIR/out" | tr '\n' '/')" "1: Kdid 0+0+1/2: Kdid 0+0+1/3: Kdid 0+0+1/" "three program deliveries in a row"
is "$(cut -d' ' -f1,2 "$J/env.out" | tr '\n' '/')" "[foo] [env-foo]/[unset] [env]/[bar] [env-bar]/" "DEFAULT and EXT: each delivery its own (no DEFAULT left from the one before)"
is "$(cut -d'[' -f4 "$J/env.out" | sort -u)" "0 1 2 3 ]" "a program's fds: 0, 1, 2 and the one ls opens (no control socket)"

# a program that leaves a process in the background holding stdout: the result does not wait for it
run "J:1:$id:s@x.example:joe-bg@test.example" "TIME" "J:2:$id:s@x.example:joe@test.example"
is "$(sed -n 1p "$T_DIR/out")" "1: Kdid 1+0+1" "a program that leaves a process in the background: delivered"
case $(sed -n 2p "$T_DIR/out") in "time "[0-2].*) ok 0 "its result does not wait for that process" ;; *) ok 1 "its result does not wait for that process"; diag "$(cat "$T_DIR/out")" ;; esac
is "$(sed -n 3p "$T_DIR/out")" "2: Kdid 1+0+0" "and the next delivery is done"

# a kept child past timeoutlocal: killed, deferred; the next job still delivered
printf '1\n' > "$H/control/timeoutlocal"
rm -f "$J/Maildir/new"/*
run "J:1:$id:s@x.example:joe@test.example" "J:2:$id:s@x.example:joe-slow@test.example" "J:3:$id:s@x.example:joe@test.example"
is "$(sed -n 2p "$T_DIR/out")" "2: ZDelivery timed out after 1 seconds. (#4.3.0)" "a kept child past timeoutlocal: deferred"
is "$(sed -n 3p "$T_DIR/out")" "3: Kdid 1+0+0" "the next delivery: done"
is "$(pids)" 2 "by another process"
t_done

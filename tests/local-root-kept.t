#!/bin/sh
# Multi-user mode (berth-lspawn as root) keeps an exec'ed berth-local for the next job of the
# same identity, its uid and gid (doc/berth-lspawn.md, "Kept children"): two users' deliveries
# alternate, and each user's are made by one process of its own uid, never the other's; a
# program of one user, reading every fd its berth-local holds, finds nothing of the other's
# message; programs and a forward's queue program see no control socket and no variable naming
# it; the second of two jobs in one process sees what it sees in a fresh one; kept children
# come and go; a failure ends its process; one that its user stopped is killed when told to
# quit, so berth-lspawn still ends.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
t_start 90
t_instance
H=$BERTH_HOME
A=12361; B=12362
for u in a b; do
  D=$T_DIR/$u
  mkdir -p "$D/Maildir/tmp" "$D/Maildir/new" "$D/Maildir/cur"
  # who ran the delivery: berth-local's pid (the program's parent), uid and gid
  printf '|echo "$PPID $(id -u) $(id -g)" >> who.out\n./Maildir/\n' > "$D/.qmail"
done
printf '|exec %s %s MARK-OF-B-7x BODY-OF-A > scan.out\n' "$PY" "$BERTH_TOP/tests/sec-local-scan.py" > "$T_DIR/a/.qmail-scan"
printf '|echo "$PPID fds=$(ls /proc/self/fd | tr "\\n" " ")kept=${BERTH_KEPT_FD-none}" >> fds.out\n&fwd@elsewhere.example\n' > "$T_DIR/a/.qmail-fds"
chown -R $A:$A "$T_DIR/a"; chown -R $B:$B "$T_DIR/b"
chmod 755 "$T_DIR/a" "$T_DIR/b"; chmod 644 "$T_DIR"/a/.qmail* "$T_DIR"/b/.qmail*
cat > "$H/users/assign" <<EOA
=usera:usera:$A:$A:$T_DIR/a:::
+usera-:usera:$A:$A:$T_DIR/a:-::
=userb:userb:$B:$B:$T_DIR/b:::
.
EOA
as_user berth-newu; ok $? "berth-newu (as the instance owner)"
# a forward's queue program: writes the environment it got, reads its input, succeeds
cat > "$T_DIR/qq" <<'EOQ'
#!/bin/sh
env > qq.env
cat > /dev/null; cat <&1 > /dev/null
exit 0
EOQ
chmod 755 "$T_DIR/qq"

queue () { # queue RCPT BODY: the id
  printf 'F%s\0T%s\0\0' s@x.example "$1" > "$T_DIR/env"
  printf 'Subject: kept\n\n%s\n' "$2" > "$T_DIR/m"; chmod 644 "$T_DIR/m"
  BERTH_IDFD=5 as_user berth-queue 5>"$T_DIR/id" 1<"$T_DIR/env" <"$T_DIR/m" || return 1
  cat "$T_DIR/id"
}
ia=$(queue usera@test.example BODY-OF-A); ib=$(queue userb@test.example MARK-OF-B-7x)
[ -n "$ia" ] && [ -n "$ib" ]; ok $? "two messages queued"
run () { env QMAILQUEUE="$T_DIR/qq" "$PY" "$BERTH_TOP/tests/spawn-drive.py" "$@" -- berth-lspawn > "$T_DIR/out" 2>>"$T_DIR/log"; }
JA="$ia:s@x.example:usera@test.example"; JB="$ib:s@x.example:userb@test.example"
pidsof () { cut -d' ' -f1 "$T_DIR/$1/who.out" | sort -u | wc -l; }

# A, B, A, B, A, B
run "J:1:$JA" "J:2:$JB" "J:3:$JA" "J:4:$JB" "J:5:$JA" "J:6:$JB" KIDS S:3 KIDS "J:7:$JA" KIDS
is "$(sed -n 1,6p "$T_DIR/out" | tr '\n' '/')" "1: Kdid 1+0+1/2: Kdid 1+0+1/3: Kdid 1+0+1/4: Kdid 1+0+1/5: Kdid 1+0+1/6: Kdid 1+0+1/" "six deliveries, two users alternating: each done"
is "$(sed -n 1,3p "$T_DIR/a/who.out" | cut -d' ' -f2,3 | sort -u) / $(cut -d' ' -f2,3 "$T_DIR/b/who.out" | sort -u)" "$A $A / $B $B" "each delivery ran as its own user's uid and gid"
is "$(sed -n 1,3p "$T_DIR/a/who.out" | cut -d' ' -f1 | sort -u | wc -l) $(pidsof b)" "1 1" "each user's three deliveries: one process of its own (kept)"
pa=$(head -n 1 "$T_DIR/a/who.out" | cut -d' ' -f1); pb=$(head -n 1 "$T_DIR/b/who.out" | cut -d' ' -f1)
[ -n "$pa" ] && [ "$pa" != "$pb" ]; ok $? "A's process never took B's job (B's pid $pb is not A's $pa)"
is "$(stat -c %u:%g "$T_DIR"/a/Maildir/new/* | sort -u) $(stat -c %u:%g "$T_DIR"/b/Maildir/new/* | sort -u)" "$A:$A $B:$B" "delivered files owned by their user"
is "$(ls "$T_DIR/a/Maildir/new" | grep -c "P${pa}Q")" 3 "A's three files named by A's one berth-local (the P of their names)"
case $(sed -n 7p "$T_DIR/out") in "kids 2"|"kids 1") ok 0 "two kept children (one may have expired on a loaded machine)" ;; *) ok 1 "two kept children"; diag "$(cat "$T_DIR/out")" ;; esac
is "$(sed -n 8p "$T_DIR/out")" "kids 0" "3 s later: none"
is "$(sed -n 9p "$T_DIR/out")" "7: Kdid 1+0+1" "the next delivery"
case $(sed -n 10p "$T_DIR/out") in "kids 1"|"kids 0") ok 0 "one kept child again" ;; *) ok 1 "one kept child again"; diag "$(cat "$T_DIR/out")" ;; esac
[ "$(sed -n 4p "$T_DIR/a/who.out" | cut -d' ' -f1)" != "$pa" ]; ok $? "in a new process"
case $(tail -n 1 "$T_DIR/out") in "exit 0 after 0."*) ok 0 "berth-lspawn exits at once at the end of input" ;; *) ok 1 "berth-lspawn exits at once at the end of input"; diag "$(cat "$T_DIR/out")" ;; esac

# A's kept process after B's job: nothing of B's message among the fds it holds
rm -f "$T_DIR/a/who.out" "$T_DIR/b/who.out"
ic=$(queue usera-scan@test.example BODY-OF-A)
run "J:1:$JA" "J:2:$JB" "J:3:$ic:s@x.example:usera-scan@test.example" "J:4:$JA"
is "$(sed -n 1,4p "$T_DIR/out" | tr '\n' '/')" "1: Kdid 1+0+1/2: Kdid 1+0+1/3: Kdid 0+0+1/4: Kdid 1+0+1/" "A, B, then A's program that reads every fd of its berth-local"
case $(cat "$T_DIR/a/scan.out" 2>/dev/null) in
  "fds "*" parent "[3-9]*" message yes found 0") ok 0 "it read its message and found nothing of B's" ;;
  *) ok 1 "it read its message and found nothing of B's"; diag "$(cat "$T_DIR/a/scan.out" 2>&1)" ;;
esac
is "$(cut -d' ' -f1 "$T_DIR/a/who.out" | sort -u | wc -l)" 1 "all A's jobs (the scan's too) in one kept process"

# no control socket, and no variable naming it, for programs and a forward's queue program
id=$(queue usera-fds@test.example fds)
run "J:1:$JA" "J:2:$id:s@x.example:usera-fds@test.example"
case $(sed -n 2p "$T_DIR/out") in "2: Kdid 0+1+1/qp "*) ok 0 "a program and a forward, in a kept process" ;; *) ok 1 "a program and a forward, in a kept process"; diag "$(cat "$T_DIR/out")" ;; esac
is "$(cut -d' ' -f2- "$T_DIR/a/fds.out")" "fds=0 1 2 3 kept=none" "the program: fds 0, 1, 2 and ls's own; no BERTH_KEPT_FD"
[ "$(cut -d' ' -f1 "$T_DIR/a/fds.out")" = "$(tail -n 1 "$T_DIR/a/who.out" | cut -d' ' -f1)" ]; ok $? "(the same process as the job before)"
grep -q BERTH_KEPT_FD "$T_DIR/a/qq.env"; is $? 1 "the forward's queue program: no BERTH_KEPT_FD"

# the second of two jobs in one kept process sees what it sees in a fresh one (doc/guests.md)
dump='|{ echo "cwd=$(pwd) umask=$(umask) fds=$(ls /proc/self/fd | tr "\\n" " ")"; env | grep -v "^UFLINE=" | sort; } > "$HOME/$TAG.out"'
printf '%s\n./Maildir/\n' "$(echo "$dump" | sed 's/\$TAG/one/')" > "$T_DIR/a/.qmail-one-default"
printf '%s\n./Maildir/\n' "$(echo "$dump" | sed 's/\$TAG/two/')" > "$T_DIR/a/.qmail-two"
chown $A:$A "$T_DIR"/a/.qmail-*; chmod 644 "$T_DIR"/a/.qmail-*
rm -f "$T_DIR/a/who.out" "$T_DIR"/a/Maildir/new/*
run "J:1:$ia:s@x.example:usera-one-foo@test.example" "J:2:$ia:s@x.example:usera-two@test.example"
is "$(sed -n 1,2p "$T_DIR/out" | tr '\n' '/')" "1: Kdid 1+0+1/2: Kdid 1+0+1/" "two jobs with different .qmail files in one kept process"
is "$(ls "$T_DIR/a/Maildir/new" | sed 's/.*P\([0-9]*\)Q.*/\1/' | sort -u | wc -l)" 1 "(both by one process)"
mv "$T_DIR/a/two.out" "$T_DIR/two.kept"
run "J:2:$ia:s@x.example:usera-two@test.example"
is "$(sed -n 1p "$T_DIR/out")" "2: Kdid 1+0+1" "the second job alone, in a fresh process"
diff "$T_DIR/two.kept" "$T_DIR/a/two.out" > "$T_DIR/diff"; ok $? "its program saw the same cwd, umask, fds and environment in the kept process as in a fresh one"
[ -s "$T_DIR/diff" ] && diag "$(cat "$T_DIR/diff")"

# a failure ends the process
rm -f "$T_DIR/a/who.out"
run "J:1:$JA" "J:2:$ia:s@x.example:usera-nosuch@test.example" "J:3:$JA"
case $(sed -n 2p "$T_DIR/out") in "2: D"*) ok 0 "no such mailbox: permanent failure" ;; *) ok 1 "no such mailbox: permanent failure"; diag "$(cat "$T_DIR/out")" ;; esac
is "$(pidsof a)" 2 "the delivery after it: another process"

# a kept child its user stopped: killed once told to quit, and berth-lspawn ends
run "J:1:$JB" STOP KIDS
is "$(sed -n 2p "$T_DIR/out")" "kids 1" "a kept child, stopped"
case $(tail -n 1 "$T_DIR/out") in "exit 0 after "[0-7].*) ok 0 "berth-lspawn ends anyway (the child killed $(tail -n 1 "$T_DIR/out" | cut -d' ' -f4) s after it was told to quit)" ;; *) ok 1 "berth-lspawn ends anyway"; diag "$(cat "$T_DIR/out")" ;; esac
t_done

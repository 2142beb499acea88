#!/bin/sh
# Multi-user mode (berth-lspawn as root), security review items 4, 5, 7 and 8:
# - a recipient's program, reading every fd it and its parent berth-local hold (pidfd_getfd, from
#   offset 0), finds the message but no other recipient of the envelope (the Bcc);
# - a message file replaced by the queue user with a symbolic link or a hard link to a root-only
#   file, or a FIFO, is not delivered: deferred with a clear text, the root-only bytes nowhere;
# - a program's environment is qmail-command(8)'s variables and a fixed PATH, nothing of the
#   spawner's (UID, GID, a custom PATH, LD_*);
# - a passwd user named alias does not take the instance's postmaster mail.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
unshare -m true 2>/dev/null || skip_all "no private mount namespace here"
t_start 60
t_instance
H=$BERTH_HOME
N=12347
D=$T_DIR/num
mkdir -p "$D/Maildir/tmp" "$D/Maildir/new" "$D/Maildir/cur"
printf '|exec /usr/bin/python3 %s secret-bcc-7q BODYMARK-4 > scan.out\n' "$BERTH_TOP/tests/sec-local-scan.py" > "$D/.qmail-scan"
printf '|exec /usr/bin/env -0 > env.out\n' > "$D/.qmail-env"
printf './Maildir/\n' > "$D/.qmail"
chown -R $N:$N "$D"; chmod 755 "$D"; chmod 644 "$D"/.qmail*
cat > "$H/users/assign" <<EOA
=num:num:$N:$N:$D:::
+num-:num:$N:$N:$D:-::
.
EOA
as_user berth-newu; ok $? "berth-newu (as the instance owner)"

queue () { # queue SENDER RCPT...: the id
  s=$1; shift
  { printf 'F%s\0' "$s"; for r in "$@"; do printf 'T%s\0' "$r"; done; printf '\0'; } > "$T_DIR/env"
  BERTH_IDFD=5 as_user berth-queue 5>"$T_DIR/id" 1<"$T_DIR/env" || return 1
  cat "$T_DIR/id"
}
spawn_root () { # spawn_root ID SENDER RCPT [ENV...]: the result, without its slot byte
  i=$1 s=$2 r=$3; shift 3
  printf '\0%s\0%s\0%s\0\0' "$i" "$s" "$r" | env "$@" timeout 20 berth-lspawn > "$T_DIR/res"
  tail -c +2 "$T_DIR/res" | tr '\0' '\n'
}

# item 4: the envelope (Bcc included) is not within the recipient's reach
id=$(printf 'Subject: bcc test\n\nBODYMARK-4\n' | queue snd@x.example num-scan@test.example secret-bcc-7q@elsewhere.example)
is "$(spawn_root "$id" snd@x.example num-scan@test.example)" "Kdid 0+0+1" "a program that reads every fd it and berth-local hold: delivered"
case $(cat "$D/scan.out" 2>/dev/null) in
  "fds "*" parent "[3-9]*" message yes found 0") ok 0 "it read berth-local's fds and the message, and found no other recipient of the envelope" ;;
  *) ok 1 "it read berth-local's fds and the message, and found no other recipient of the envelope"; diag "$(cat "$D/scan.out" 2>&1)" ;;
esac
f=$(ls "$D/Maildir/new" 2>/dev/null | head -n 1)
[ -z "$f" ]; ok $? "(nothing in Maildir yet)"
is "$(spawn_root "$id" snd@x.example num@test.example)" "Kdid 1+0+0" "a Maildir delivery from the copy"
f=$(ls "$D/Maildir/new" | head -n 1)
{ printf 'Return-Path: <snd@x.example>\nDelivered-To: num@test.example\n'; qbody "$H/queue/mess/$id"; } > "$T_DIR/exp"
cmp -s "$T_DIR/exp" "$D/Maildir/new/$f"; ok $? "its bytes: the message whole"

# item 5: no symbolic link, no file of another owner, no FIFO
printf 'ROOTMARKER-5\n' > "$T_DIR/rootonly"; chmod 600 "$T_DIR/rootonly"
rm -f "$D/Maildir/new"/*
id=$(printf 'Subject: link\n\nbody\n' | queue snd@x.example num@test.example)
as_user sh -c 'rm -f "$1" && ln -s "$2" "$1"' sh "$H/queue/mess/$id" "$T_DIR/rootonly"
is "$(spawn_root "$id" snd@x.example num@test.example)" "ZUnable to open message in the queue: it is a symbolic link. (#4.3.0)" "mess/<id> a symbolic link to a root-only file: deferred"
rm -f "$H/queue/mess/$id"; ln "$T_DIR/rootonly" "$H/queue/mess/$id"
is "$(spawn_root "$id" snd@x.example num@test.example)" "ZUnable to deliver message in the queue: not a regular file owned by the queue's owner. (#4.3.0)" "mess/<id> a hard link to a root-owned file: deferred"
rm -f "$H/queue/mess/$id"; as_user mkfifo "$H/queue/mess/$id"
is "$(spawn_root "$id" snd@x.example num@test.example)" "ZUnable to deliver message in the queue: not a regular file owned by the queue's owner. (#4.3.0)" "mess/<id> a FIFO: deferred at once"
grep -rq ROOTMARKER-5 "$D" "$H/alias" 2>/dev/null; is $? 1 "the root-only bytes reached no mailbox"
rm -f "$H/queue/mess/$id"

# item 7: the program's environment
id=$(printf 'Subject: env\n\nbody\n' | queue snd@x.example num-env@test.example)
is "$(spawn_root "$id" snd@x.example num-env@test.example UID=0 GID=0 LD_LIBRARY_PATH=/nonexistent BERTH_SECRET=x PATH="/opt/nowhere:$PATH")" "Kdid 0+0+1" "a program that prints its environment, run by a spawner with UID, GID, LD_*, a custom PATH"
envnames () { tr '\n\0' ' \n' < "$1" | sed 's/=.*//' | grep -v '^PWD$' | sort | tr '\n' ' '; }
is "$(envnames "$D/env.out")" "BERTH_HOME DTLINE EXT EXT2 EXT3 EXT4 HOME HOST HOST2 HOST3 HOST4 LOCAL NEWSENDER PATH RECIPIENT RPLINE SENDER UFLINE USER " "only qmail-command(8)'s variables, PATH and the instance's BERTH_HOME (PWD is the shell's own)"
is "$(tr '\0' '\n' < "$D/env.out" | grep '^PATH=')" "PATH=/usr/local/bin:/usr/bin:/bin" "PATH is the fixed one"

# item 8: a passwd user named alias does not take the instance's postmaster mail
L=$T_DIR/palias
mkdir -p "$L/Maildir/tmp" "$L/Maildir/new" "$L/Maildir/cur"
printf './Maildir/\n' > "$L/.qmail-postmaster"
chown -R 23459:23459 "$L"; chmod 755 "$L"; chmod 644 "$L/.qmail-postmaster"
cp /etc/passwd "$T_DIR/passwd"
grep -q '^alias:' /etc/passwd || printf 'alias:x:23459:23459::%s:/bin/sh\n' "$L" >> "$T_DIR/passwd"
id=$(printf 'Subject: pm\n\nbody\n' | queue snd@x.example postmaster@test.example)
printf '\0%s\0%s\0%s\0\0' "$id" snd@x.example postmaster@test.example > "$T_DIR/jobs"
unshare -m sh -c 'mount --bind "$1/passwd" /etc/passwd && getent passwd alias > "$1/alias.pw" && berth-lspawn < "$1/jobs" > "$1/res"' sh "$T_DIR"
[ -s "$T_DIR/alias.pw" ]; ok $? "a passwd user named alias exists (in a private mount namespace)"
is "$(tail -c +2 "$T_DIR/res" | tr '\0' '\n')" "Kdid 1+0+0" "postmaster: delivered"
is "$(ls "$L/Maildir/new" | wc -l)" 0 "not to ~alias"
f=$(ls -t "$H/alias/Maildir/new" | head -n 1)
is "$(grep -c '^Subject: pm' "$H/alias/Maildir/new/$f" 2>/dev/null) $(stat -c %U "$H/alias/Maildir/new/$f" 2>/dev/null)" "1 $TESTUSER" "to the instance's own HOME/alias, as its owner"
t_done

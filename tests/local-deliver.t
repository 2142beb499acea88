#!/bin/sh
# End to end: berth-queue -> berth-lspawn -> berth-local, single-user mode. A user from
# users/assign, an extension with -default, a forward, a program, an mbox, a Maildir; the
# delivered bytes are checked exactly.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")

# queue SENDER RCPT < message: queues it, prints the id
queue () {
  printf 'F%s\0T%s\0\0' "$1" "$2" > "$T_DIR/env"
  BERTH_IDFD=5 as_user berth-queue 5>"$T_DIR/id" 1<"$T_DIR/env" || return 1
  cat "$T_DIR/id" >> "$T_DIR/ids"
  cat "$T_DIR/id"
}
# spawn ID SENDER RCPT: one job to berth-lspawn, prints the result (slot byte dropped)
spawn () {
  printf '\0%s\0%s\0%s\0\0' "$1" "$2" "$3" | as_user berth-lspawn > "$T_DIR/res"
  tail -c +2 "$T_DIR/res" | tr '\0' '\n'
}
# expect FILE ID RCPT SENDER: Return-Path, Delivered-To, then the queued message, exactly
expect () {
  { printf 'Return-Path: <%s>\nDelivered-To: %s\n' "$4" "$3"; qbody "$H/queue/mess/$2"; } > "$T_DIR/exp"
  cmp -s "$T_DIR/exp" "$1"
}
mkhome () {
  mkdir -p "$1/Maildir/tmp" "$1/Maildir/new" "$1/Maildir/cur"
  chown -R "$U:$G" "$1"; chmod 755 "$1"
}

J=$T_DIR/joe
mkhome "$J"
cat > "$H/users/assign" <<EOA
=joe:joe:$U:$G:$J:::
+joe-:joe:$U:$G:$J:-::
.
EOA
as_user berth-newu; ok $? "berth-newu compiles users/assign"

MSG='Subject: test
From: a@b.example

line one
From here
>From there
last line without newline'

# 1. a single user, no .qmail: defaultdelivery ./Maildir/
id=$(printf '%s' "$MSG" | queue snd@x.example joe@test.example)
r=$(spawn "$id" snd@x.example joe@test.example)
is "$r" "Kdid 1+0+0" "joe: delivered to the default Maildir"
f=$(ls "$J/Maildir/new")
is "$(echo "$f" | wc -l)" 1 "one file in Maildir/new"
expect "$J/Maildir/new/$f" "$id" joe@test.example snd@x.example; ok $? "Maildir bytes: Return-Path, Delivered-To, message unchanged"
is "$(ls "$J/Maildir/tmp" | wc -l)" 0 "Maildir/tmp left empty"
is "$(stat -c %u "$J/Maildir/new/$f")" "$U" "file owned by the user"

# 2. an extension with -default: .qmail-list-default, DEFAULT and EXT set
printf '|echo "$EXT|$EXT2|$DEFAULT|$LOCAL|$HOST|$RECIPIENT|$SENDER|$NEWSENDER" > env.out\n./Maildir/\n' > "$J/.qmail-list-default"
chown "$U" "$J/.qmail-list-default"
id=$(printf '%s' "$MSG" | queue snd@x.example Joe-List-Foo.Bar@test.example)
r=$(spawn "$id" snd@x.example Joe-List-Foo.Bar@test.example)
is "$r" "Kdid 1+0+1" "joe-list-foo.bar: delivered through .qmail-list-default"
is "$(cat "$J/env.out")" "list-foo.bar|foo.bar|foo.bar|Joe-List-Foo.Bar|test.example|Joe-List-Foo.Bar@test.example|snd@x.example|snd@x.example" "program environment for an extension"
f=$(ls -t "$J/Maildir/new" | head -n 1)
expect "$J/Maildir/new/$f" "$id" Joe-List-Foo.Bar@test.example snd@x.example; ok $? "extension delivery bytes"

# 3. a forward: one injection after the other lines, sender from .qmail-fwd-owner
printf '&friend@remote.example\nother@elsewhere.example\n|echo prog ran > fwd.prog\n' > "$J/.qmail-fwd"
: > "$J/.qmail-fwd-owner"
chown "$U" "$J/.qmail-fwd" "$J/.qmail-fwd-owner"
id=$(printf '%s' "$MSG" | queue snd@x.example joe-fwd@test.example)
r=$(spawn "$id" snd@x.example joe-fwd@test.example)
case "$r" in "Kdid 0+2+1/qp "[0-9]*) ok 0 "forward reported with its qp" ;; *) ok 1 "forward reported with its qp"; diag "got $r" ;; esac
is "$(cat "$J/fwd.prog" 2>/dev/null)" "prog ran" "program line before the forward ran"
new=$(ls "$H/queue/todo" | grep -v -x -F -f "$T_DIR/ids")
is "$(echo "$new" | grep -c .)" 1 "one new message in queue/todo"
is "$(qenv "$H/queue/todo/$new" | tr '\0' '\n' | grep -v '^[up]')" "Fjoe-fwd-owner@test.example
Tfriend@remote.example
Tother@elsewhere.example" "forward envelope: -owner sender, both recipients"
{ printf 'Delivered-To: joe-fwd@test.example\n'; qbody "$H/queue/mess/$id"; } > "$T_DIR/exp"
qbody "$H/queue/mess/$new" | tail -n +2 > "$T_DIR/got"
cmp -s "$T_DIR/exp" "$T_DIR/got"; ok $? "forwarded message: Delivered-To on top, rest identical"
rm -f "$H/queue/todo/$new" "$H/queue/mess/$new"

# a null sender is never rewritten
id=$(printf '%s' "$MSG" | queue '' joe-fwd@test.example)
r=$(spawn "$id" '' joe-fwd@test.example)
new=$(ls "$H/queue/todo" | grep -v -x -F -f "$T_DIR/ids")
new=$(for n in $new; do qenv "$H/queue/todo/$n" | tr '\0' '\n' | grep -q '^F$' && echo "$n"; done)
is "$(echo "$new" | grep -c .)" 1 "forward of a bounce keeps the null sender"
rm -f "$H/queue/todo/$new" "$H/queue/mess/$new"

# 4. a program delivery: the message exactly as queued on stdin, in $HOME
printf '|cat > prog.out; pwd > prog.pwd\n' > "$J/.qmail-prog"
chown "$U" "$J/.qmail-prog"
id=$(printf '%s' "$MSG" | queue snd@x.example joe-prog@test.example)
r=$(spawn "$id" snd@x.example joe-prog@test.example)
is "$r" "Kdid 0+0+1" "program delivery"
qbody "$H/queue/mess/$id" | cmp -s - "$J/prog.out"; ok $? "program got the message unchanged"
is "$(cat "$J/prog.pwd")" "$J" "program ran in HOME"
# qmail gives programs a seekable stdin whose first byte is the message's: a filter that rewinds
# (seek to 0, as perl's seek(STDIN,0,0)) must not see the queue header (doc/queue.md)
printf '|/usr/bin/python3 -c "import os, sys; sys.stdin.buffer.read(5); os.lseek(0, 0, 0); sys.stdout.buffer.write(os.read(0, 1 << 20))" > prog2.out\n' > "$J/.qmail-prog2"
chown "$U" "$J/.qmail-prog2"
id=$(printf '%s' "$MSG" | queue snd@x.example joe-prog2@test.example)
is "$(spawn "$id" snd@x.example joe-prog2@test.example)" "Kdid 0+0+1" "a program that rewinds its stdin"
qbody "$H/queue/mess/$id" | cmp -s - "$J/prog2.out"; ok $? "... reads the message from its first byte, not the queue header"

# 5. an mbox: From_ line, Return-Path, Delivered-To, >From quoting, final newline and blank line
printf './mbox\n' > "$J/.qmail-box"
chown "$U" "$J/.qmail-box"
id=$(printf '%s' "$MSG" | queue snd@x.example joe-box@test.example)
r=$(spawn "$id" snd@x.example joe-box@test.example)
is "$r" "Kdid 1+0+0" "mbox delivery"
head -n 1 "$J/mbox" | grep -q '^From snd@x.example [A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [0-9][0-9][0-9][0-9]$'
ok $? "mbox From_ line"
{ printf 'Return-Path: <snd@x.example>\nDelivered-To: joe-box@test.example\n'
  qbody "$H/queue/mess/$id" | sed -e 's/^\(>*From \)/>\1/'; printf '\n\n'; } > "$T_DIR/exp"
tail -n +2 "$J/mbox" > "$T_DIR/got"
cmp -s "$T_DIR/exp" "$T_DIR/got"; ok $? "mbox body: quoted From lines, newline added, blank line after"
id2=$(printf 'Subject: two\n\nFrom x\n' | queue '' joe-box@test.example)
r=$(spawn "$id2" '' joe-box@test.example)
is "$(grep -c '^From MAILER-DAEMON ' "$J/mbox")" 1 "second mbox message appended, null sender as MAILER-DAEMON"

# 6. an explicit Maildir line in a .qmail
mkdir -p "$J/md2/tmp" "$J/md2/new" "$J/md2/cur"; chown -R "$U" "$J/md2"
printf '# a comment\n./md2/\n' > "$J/.qmail-md"
chown "$U" "$J/.qmail-md"
id=$(printf '%s' "$MSG" | queue snd@x.example joe-md@test.example)
r=$(spawn "$id" snd@x.example joe-md@test.example)
is "$r" "Kdid 1+0+0" "Maildir line delivery"
f=$(ls "$J/md2/new")
expect "$J/md2/new/$f" "$id" joe-md@test.example snd@x.example; ok $? "Maildir line bytes"

# 7. postmaster through the alias files made by berth-setup
id=$(printf '%s' "$MSG" | queue snd@x.example postmaster@test.example)
r=$(spawn "$id" snd@x.example postmaster@test.example)
is "$r" "Kdid 1+0+0" "postmaster delivered to alias/Maildir"
f=$(ls "$H/alias/Maildir/new")
expect "$H/alias/Maildir/new/$f" "$id" postmaster@test.example snd@x.example; ok $? "postmaster bytes"

# 8. what berth-setup made: defaultdelivery, the owner's name through the alias files when the
# owner's passwd home is not usable (as for nobody), and a re-run keeps edited files
is "$(cat "$H/control/defaultdelivery")" "./Maildir/" "control/defaultdelivery is ./Maildir/"
home=$(getent passwd "$TESTUSER" | cut -d: -f6)
if [ -d "$home" ] && [ "$(stat -c %u "$home")" = "$U" ]; then
  ok 0 "# SKIP the owner has a usable home (mail would go to ~/Maildir)"
  ok 0 "# SKIP the owner has a usable home (mail would go to ~/Maildir)"
else
  n=$(ls "$H/alias/Maildir/new" | wc -l)
  r=$(spawn "$id" snd@x.example "$TESTUSER@test.example")
  is "$r" "Kdid 1+0+0" "the owner's name lands in alias/Maildir"
  r=$(spawn "$id" snd@x.example "$TESTUSER-anything@test.example")
  is "$(ls "$H/alias/Maildir/new" | wc -l)" "$((n + 2))" "so does owner-anything"
fi
is "$(spawn "$id" snd@x.example nosuchuser@test.example)" "DSorry, no mailbox here by that name. (#5.1.1)" "any other address bounces"
printf '&elsewhere@example.org\n' > "$H/alias/.qmail-postmaster"
berth-setup -u "$TESTUSER" -n test.example "$H"
is "$(cat "$H/alias/.qmail-postmaster")" "&elsewhere@example.org" "a re-run of berth-setup keeps an edited .qmail-postmaster"

# A message as an older berth queued it (no queue header, the envelope in its own todo/ file)
# is delivered whole, from its first byte (doc/queue.md).
printf 'Received: (berth 1 invoked by uid 0); x\nSubject: old\n\nold body\n' > "$H/queue/mess/9.9.9"
printf 'u0\0p1\0Fsnd@x.example\0Tjoe@test.example\0\0' > "$H/queue/todo/9.9.9"
chown "$TESTUSER" "$H/queue/mess/9.9.9" "$H/queue/todo/9.9.9" 2>/dev/null
rm -f "$J/Maildir/new/"*
is "$(spawn 9.9.9 snd@x.example joe@test.example)" "Kdid 1+0+0" "a header-less queue file: delivered"
expect "$J/Maildir/new/$(ls "$J/Maildir/new")" 9.9.9 joe@test.example snd@x.example; ok $? "... byte for byte, from its first byte"
t_done

#!/bin/sh
# .qmail semantics through berth-lspawn and berth-local: every line type, the exit code classes
# of |command, loops, permission checks, defaultdelivery, unknown extensions, empty local part.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
t_instance
H=$BERTH_HOME
A=$H/alias
U=$(id -u "$TESTUSER")

queue () {
  printf 'F%s\0T%s\0\0' "$1" "$2" > "$T_DIR/env"
  BERTH_IDFD=5 as_user berth-queue 5>"$T_DIR/id" 1<"$T_DIR/env" || return 1
  cat "$T_DIR/id"
}
spawn () {
  printf '\0%s\0%s\0%s\0\0' "$1" "$2" "$3" | as_user berth-lspawn > "$T_DIR/res"
  tail -c +2 "$T_DIR/res" | tr '\0' '\n'
}
# qm EXT CONTENT: writes alias/.qmail-EXT, owned by the instance owner, mode 644
qm () { printf '%s\n' "$2" > "$A/.qmail-$1"; chown "$U" "$A/.qmail-$1"; chmod 644 "$A/.qmail-$1"; }
# try EXT: delivers one queued message to EXT@test.example (berth-lspawn takes the recipient
# from the job, so one queued message serves every case), prints the result
ID0=$(printf 'Subject: test\n\nbody\n' | queue snd@x.example postmaster@test.example)
try () { spawn "$ID0" snd@x.example "$1@test.example"; }

# |command exit codes: 0 K, 99 K and skip the rest, 100 and the hard codes D, others Z
for c in 0 99; do qm "x$c" "|exit $c
|touch ran-after-$c"; done
is "$(try x0)" "Kdid 0+0+2" "|exit 0: delivered, next line runs"
ok "$(test -f "$A/ran-after-0"; echo $?)" "line after exit 0 ran"
is "$(try x99)" "Kdid 0+0+1" "|exit 99: delivered, rest skipped"
ok "$(test ! -f "$A/ran-after-99"; echo $?)" "line after exit 99 skipped"
for c in 100 64 65 70 76 77 78 112; do
  qm "x$c" "|echo failing $c; exit $c"
  is "$(try "x$c")" "Dfailing $c" "|exit $c: permanent"
done
for c in 1 111 75 2; do
  qm "x$c" "|echo later $c; exit $c"
  is "$(try "x$c")" "Zlater $c" "|exit $c: temporary"
done
qm xkill '|kill -9 $$'
is "$(try xkill)" "ZAack, child crashed. (#4.3.0)" "|command killed by a signal: temporary"

# program environment: qmail-command(8) variables
qm xenv '|printf "%s|" "$USER" "$HOME" "$LOCAL" "$EXT" "$EXT2" "$EXT3" "$EXT4" "$HOST" "$HOST2" "$HOST3" "$HOST4" "$DEFAULT" "$RECIPIENT" "$SENDER" "$NEWSENDER" "$DTLINE" "$RPLINE" > env.out; printf "%s" "$UFLINE" | head -c 19 >> env.out'
try xenv >/dev/null
is "$(cat "$A/env.out")" "alias|$A|xenv|xenv||||test.example|test|test|test||xenv@test.example|snd@x.example|snd@x.example|Delivered-To: xenv@test.example
|Return-Path: <snd@x.example>
|From snd@x.example " "program environment"
qm 'a-b-default' '|echo "$EXT|$EXT2|$EXT3|$EXT4|$DEFAULT" > envd.out'
try a-b-c-d.E >/dev/null
is "$(cat "$A/envd.out")" "a-b-c-d.e|b-c-d.e|c-d.e|d.e|c-d.e" "EXT2-4 and DEFAULT for a -default match (dots kept, lowercased by the spawner)"

# comments, +list and the x bit, a blank first line
qm xcomment '# only a comment
|exit 0'
is "$(try xcomment)" "Kdid 0+0+1" "comment lines ignored"
qm xblank '
|exit 0'
is "$(try xblank)" "ZUh-oh: first line of .qmail file is blank. (#4.2.1)" "blank first line: temporary"
qm xlist '+list
|exit 0'
is "$(try xlist)" "ZUh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)" "+list forbids programs"
qm xbit './Maildir/'
chmod 744 "$A/.qmail-xbit"
is "$(try xbit)" "ZUh-oh: .qmail has file delivery but has x bit set. (#4.7.0)" "x bit forbids files"

# lookup: exact, -default chains, case and dots, unknown extension
qm 'dots:and:case' '|exit 0'
is "$(try Dots.And.CASE)" "Kdid 0+0+1" "extension lowercased, dots become colons"
is "$(try nosuchbox)" "DSorry, no mailbox here by that name. (#5.1.1)" "unknown extension: permanent, qmail's text"
qm 'chain-default' '|echo "$DEFAULT" > chain.out'
is "$(try chain-x-y)" "Kdid 0+0+1" "chain-x-y found .qmail-chain-default"
is "$(cat "$A/chain.out")" "x-y" "DEFAULT is the part matched by default"

# loop detection
id=$(printf 'Delivered-To: xloop@test.example\nSubject: loop\n\nbody\n' | queue snd@x.example xloop@test.example)
qm xloop './Maildir/'
is "$(spawn "$id" snd@x.example xloop@test.example)" "DThis message is looping: it already has my Delivered-To line. (#5.4.6)" "own Delivered-To line: loop"
id=$(printf 'Subject: loop\n\nDelivered-To: xloop@test.example\n' | queue snd@x.example xloop@test.example)
is "$(spawn "$id" snd@x.example xloop@test.example)" "Kdid 1+0+0" "the same line in the body is not a loop"

# permissions: world-writable .qmail, world-writable home, sticky home
qm xww '|exit 0'
chmod 666 "$A/.qmail-xww"
is "$(try xww)" "ZUh-oh: .qmail file is writable. (#4.7.0)" "world-writable .qmail: temporary"
chmod 757 "$A"
is "$(try xcomment)" "ZUh-oh: home directory is writable. (#4.7.0)" "world-writable home: temporary"
chmod 1755 "$A"
is "$(try xcomment)" "ZHome directory is sticky: user is editing his .qmail file. (#4.2.1)" "sticky home: deferral"
chmod 755 "$A"

# missing .qmail: defaultdelivery (control/defaultdelivery), for an address with no extension
J=$T_DIR/solo
mkdir -p "$J/inbox/tmp" "$J/inbox/new" "$J/inbox/cur"; chown -R "$U" "$J"; chmod 755 "$J"
printf '=solo:solo:%s:%s:%s:::\n.\n' "$U" "$(id -g "$TESTUSER")" "$J" > "$H/users/assign"
as_user berth-newu
printf './inbox/\n' > "$H/control/defaultdelivery"
is "$(try solo)" "Kdid 1+0+0" "no .qmail: control/defaultdelivery used"
is "$(ls "$J/inbox/new" | wc -l)" 1 "delivered into the defaultdelivery Maildir"
: > "$J/.qmail"; chown "$U" "$J/.qmail"
is "$(try solo)" "Kdid 1+0+0" "empty .qmail: defaultdelivery too"
is "$(try solo-ext)" "DSorry, no mailbox here by that name. (#5.1.1)" "exact entry: no extensions"

# a Maildir that does not exist, an mbox that cannot be written
qm xnomd './nope/'
is "$(try xnomd)" "ZUnable to chdir to maildir. (#4.2.1)" "missing Maildir: temporary"
qm xnombox './nodir/mbox'
case "$(try xnombox)" in "ZUnable to open ./nodir/mbox: "*) ok 0 "unwritable mbox: temporary" ;; *) ok 1 "unwritable mbox: temporary" ;; esac

# empty local part: trashed; a foreign uid in single-user mode: refused
id=$(printf 'Subject: x\n\nbody\n' | queue snd@x.example '@test.example')
case "$(spawn "$id" snd@x.example '@test.example')" in K*) ok 0 "empty local part: trashed (K)" ;; *) ok 1 "empty local part: trashed (K)" ;; esac
if [ "$U" != 0 ]; then
  printf '=other:other:12345:12345:/tmp:::\n.\n' > "$H/users/assign"
  as_user berth-newu
  is "$(try other)" "DSorry, this single-user instance delivers only to its owner's uid. (#5.1.1)" "single-user: another uid refused"
fi

# several jobs at once, results tagged with their slots
qm slow '|sleep 1'
qm fast '|exit 0'
i1=$(printf 'S: 1\n\nb\n' | queue s@x slow@test.example)
i2=$(printf 'S: 2\n\nb\n' | queue s@x fast@test.example)
start=$(date +%s)
{ printf '\001%s\0%s\0%s\0\0' "$i1" s@x slow@test.example; printf '\002%s\0%s\0%s\0\0' "$i2" s@x fast@test.example; } \
  | as_user berth-lspawn > "$T_DIR/res2"
is "$(od -An -c "$T_DIR/res2" | tr -s ' ' | tr -d '\n')" " 002 K d i d 0 + 0 + 1 \0 001 K d i d 0 + 0 + 1 \0" "concurrent jobs: the fast one reports first"

# berth-local -n prints what it would do; a bad argv is a permanent usage error
qm xshow '# c
./Maildir/
./mbox
|echo hi
&a@b.example
c@d.example'
printf 'S: x\n\nb\n' > "$T_DIR/m"
is "$(as_user berth-local -n -- alias "$A" xshow - xshow test.example s@x ./Maildir/ < "$T_DIR/m")" "maildir ./Maildir/
mbox ./mbox
program echo hi
forward a@b.example
forward c@d.example
did 2+2+1" "berth-local -n lists the deliveries"
as_user berth-local -- alias relative/home x - x test.example s@x ./Maildir/ < "$T_DIR/m" >/dev/null
is "$?" 100 "relative homedir: usage error, 100"
as_user berth-local -- too few < "$T_DIR/m" >/dev/null
is "$?" 100 "missing arguments: usage error, 100"

# a local job with two recipients: the first delivered, the second refused with Z
id=$(printf 'S: two\n\nb\n' | queue s@x fast@test.example)
printf '\003%s\0%s\0%s\0%s\0%s\0%s\0\0' "$id" s@x fast@test.example "$id" s@x other@test.example | as_user berth-lspawn > "$T_DIR/res3"
is "$(tail -c +2 "$T_DIR/res3" | tr '\0' '\n')" "Kdid 0+0+1
Zberth-lspawn: a local job carries one recipient. (#4.3.0)" "two recipients in a local job: one record each, in job order"

# an over-long address is refused permanently, before any lookup
long=$(head -c 1100 /dev/zero | tr '\0' 'a')
is "$(try "$long")" "DAddress or queue id too long. (#5.1.3)" "address of 1100 bytes refused"
t_done

#!/bin/sh
# sendmail front-end: -t, -f, -r, -F, ignored flags, mail(1)-style piping, -bp and mailq listing,
# -q waking the queue, newaliases, -bs (berth-smtpd when built), usage errors.
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
. "$BERTH_TOP/tests/inject-lib.sh"
skip () { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; }
sm () { run_inject sendmail "$@" ; }   # sendmail as the instance owner; sets ID and RC

# -t: To, Cc and Bcc are recipients, Bcc is removed
printf 'To: to@x.example\nCc: Carl <cc@x.example>\nBcc: bcc@x.example\nSubject: t\n\nbody\n' > "$T_DIR/in"
sm -t
is "$RC" 0 "-t queued"
is "$(envelope "$ID")" "Fjoe@test.example Tto@x.example Tcc@x.example Tbcc@x.example" "-t: To, Cc, Bcc recipients"
is "$(message "$ID" | grep -c '^Bcc:')" 0 "-t: Bcc removed"
sm -t extra@y.example
is "$(envelope "$ID")" "Fjoe@test.example Textra@y.example Tto@x.example Tcc@x.example Tbcc@x.example" "-t with arguments: both (qmail's -H)"
sm only@y.example
is "$(envelope "$ID")" "Fjoe@test.example Tonly@y.example" "without -t: arguments only, header ignored"

# -f, -r, -F
printf 'Subject: f\n\nbody\n' > "$T_DIR/in"
sm -f owner@lists.example -F 'List Owner' r@y.example
is "$(envelope "$ID")" "Fowner@lists.example Tr@y.example" "-f sets the envelope sender"
is "$(message "$ID" | grep '^From: ')" 'From: "List Owner" <owner@lists.example>' "-f and -F make the From field"
sm -rbounce@b.example r@y.example
is "$(envelope "$ID" | cut -d' ' -f1)" "Fbounce@b.example" "-r (attached) is -f"
is "$(message "$ID" | grep '^From: ')" 'From: bounce@b.example' "-f without -F: no name"
NAME='Env Name' sm -f '<>' r@y.example
is "$(envelope "$ID" | cut -d' ' -f1)" "F" "-f '<>': null sender"
sm -F 'Only Name' r@y.example
is "$(message "$ID" | grep '^From: ')" 'From: "Only Name" <joe@test.example>' "-F alone: name with the user's address"

# mail(1)-style piping and the flags programs pass
printf 'Subject: x\n\nbody\n' | as_user sendmail user@example.com
is "$?" 0 "printf ... | sendmail user@example.com"
id=$(ls -t "$Q/todo" | head -n 1)
is "$(envelope "$id")" "Fjoe@test.example Tuser@example.com" "... lands in the queue"
sm -oi -oem -odb -i -v -x -m -U -n -B 8BITMIME -p smtp:localhost -E -Jjunk -N never -e m -O DeliveryMode=b -bm -- r@y.example
is "$RC" 0 "ignored flags accepted: -oi -oem -odb -i -v -x -m -U -n -B -p -E -J -N -e -O -bm"
is "$(envelope "$ID")" "Fjoe@test.example Tr@y.example" "... and the recipient still found"
last=$ID
sm -itoi
is "$RC" 100 "-t in a cluster (-itoi): header recipients, none here: exit 100"

# -bp and mailq list the queue
sm -bp
is "$RC" 0 "-bp exits 0"
grep -q "^$last size=[0-9]* age=[0-9]*s from=<joe@test.example>\$" "$T_DIR/out"; ok $? "-bp lists the last message id, size, age, sender"
grep -q "^  to=<r@y.example>\$" "$T_DIR/out"; ok $? "-bp lists recipients"
n=$(ls "$Q/todo" | wc -l)
is "$(tail -n 1 "$T_DIR/out")" "$n messages" "-bp counts the messages"
grep -o '^[0-9]*\.[0-9]*\.[0-9]*' "$T_DIR/out" > "$T_DIR/order"
sort -t. -k1,1n -k2,2n "$T_DIR/order" | cmp -s - "$T_DIR/order"; ok $? "-bp lists oldest first"
ln -s "$BERTH_TOP/bin/sendmail" "$T_DIR/mailq"
as_user "$T_DIR/mailq" > "$T_DIR/out2"
is "$?" 0 "mailq (argv[0]) exits 0"
is "$(sed 's/ age=[0-9]*s//' "$T_DIR/out2")" "$(sed 's/ age=[0-9]*s//' "$T_DIR/out")" "mailq lists the same as -bp"

# -q wakes the queue through the trigger fifo
t_bg sh -c 'exec head -c 1 "$1" > "$2"' sh "$Q/lock/trigger" "$T_DIR/trig"
i=0
while [ ! -s "$T_DIR/trig" ] && [ $i -lt 50 ]; do as_user sendmail -q; sleep 0.1; i=$((i + 1)); done
[ -s "$T_DIR/trig" ]; ok $? "-q writes to queue/lock/trigger"
as_user sendmail -q15m
is "$?" 0 "-q15m accepted"

# newaliases, usage errors
ln -s "$BERTH_TOP/bin/sendmail" "$T_DIR/newaliases"
as_user "$T_DIR/newaliases" 2> "$T_DIR/err"
is "$?" 0 "newaliases exits 0"
grep -q '\.qmail' "$T_DIR/err"; ok $? "newaliases explains .qmail files"
sm -bi
is "$RC" 0 "-bi is newaliases"
sm -Z r@y.example
is "$RC" 100 "unknown flag: exit 100"
sm -bd
is "$RC" 100 "-bd (daemon mode): exit 100"
sm -f
is "$RC" 100 "-f without its argument: exit 100"

# -bs
if [ -x "$BERTH_TOP/bin/berth-smtpd" ]; then
  n=$(ls "$Q/todo" | wc -l)
  printf 'HELO localhost\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<r@y.example>\r\nDATA\r\nSubject: bs\r\n\r\nhi\r\n.\r\nQUIT\r\n' > "$T_DIR/in"
  sm -bs
  head -n 1 "$T_DIR/out" | grep -q '^220'; ok $? "-bs: berth-smtpd greets"
  is "$(ls "$Q/todo" | wc -l)" "$((n + 1))" "-bs: the message is queued"
else
  sm -bs
  is "$RC" 111 "-bs without berth-smtpd: exit 111"
  grep -q 'berth-smtpd is not installed' "$T_DIR/err"; ok $? "-bs without berth-smtpd: says so"
  skip "berth-smtpd is not built: no SMTP session test"
fi

# sibling programs are found next to the sendmail executable: a copy with stand-ins
mkdir "$T_DIR/bin2"
cp "$BERTH_TOP/bin/sendmail" "$T_DIR/bin2/sendmail"
cat > "$T_DIR/bin2/berth-smtpd" <<'EOS'
#!/bin/sh
echo "smtpd PROTO=$PROTO RELAYCLIENT=${RELAYCLIENT-unset} TCPREMOTEIP=$TCPREMOTEIP TCPREMOTEINFO=$TCPREMOTEINFO"
cat
EOS
cat > "$T_DIR/bin2/berth-qread" <<'EOS'
#!/bin/sh
echo "qread $#"
EOS
cat > "$T_DIR/bin2/berth-inject" <<'EOS'
#!/bin/sh
echo "inject QMAILUSER=${QMAILUSER-unset} QMAILHOST=${QMAILHOST-unset} QMAILNAME=${QMAILNAME-unset} NAME=${NAME-unset} args: $*"
EOS
chmod 755 "$T_DIR/bin2"/*
echo 'EHLO x' | env -u PROTO "$T_DIR/bin2/sendmail" -bs > "$T_DIR/out"
is "$(paste -sd'|' "$T_DIR/out")" "smtpd PROTO=TCP RELAYCLIENT= TCPREMOTEIP=127.0.0.1 TCPREMOTEINFO=sendmail-bs|EHLO x" "-bs: sibling berth-smtpd on stdin/stdout, local relay client environment"
echo 'EHLO x' | PROTO=TCP TCPREMOTEIP=192.0.2.9 "$T_DIR/bin2/sendmail" -bs | head -n 1 > "$T_DIR/out"
is "$(cat "$T_DIR/out")" "smtpd PROTO=TCP RELAYCLIENT=unset TCPREMOTEIP=192.0.2.9 TCPREMOTEINFO=" "-bs under a UCSPI server: environment left alone"
is "$("$T_DIR/bin2/sendmail" -bp)" "qread 0" "-bp: a sibling berth-qread is preferred"
ln -s sendmail "$T_DIR/bin2/mailq"
is "$("$T_DIR/bin2/mailq")" "qread 0" "mailq: same"
is "$(NAME=n QMAILHOST=old "$T_DIR/bin2/sendmail" -t -i -f a@b.example x@y.example < /dev/null)" \
  "inject QMAILUSER=a QMAILHOST=b.example QMAILNAME=unset NAME=unset args: -H -f a@b.example -- x@y.example" "exact translation: -t -f"
is "$(NAME=n "$T_DIR/bin2/sendmail" -Fname -fa@b.example -- -x@y.example < /dev/null)" \
  "inject QMAILUSER=a QMAILHOST=b.example QMAILNAME=name NAME=n args: -a -f a@b.example -- -x@y.example" "exact translation: -F -f --"
is "$("$T_DIR/bin2/sendmail" -oi x@y.example < /dev/null)" \
  "inject QMAILUSER=unset QMAILHOST=unset QMAILNAME=unset NAME=unset args: -a -- x@y.example" "exact translation: plain"
t_done

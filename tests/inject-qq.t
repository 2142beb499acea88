#!/bin/sh
# berth-inject and $QMAILQUEUE: qmail_open()'s pipes (message fd 0, envelope fd 1, error fd 6),
# exit codes mapped through qq_text(): 31 -> 100 with the D text, 71 -> 111 with the Z text,
# 82 with a custom text, a missing program -> 111; a filter chaining to berth-queue queues.
. "$BERTH_TOP/tests/lib.sh"
t_start 20
t_instance
unset QMAILINJECT QMAILUSER MAILUSER QMAILHOST MAILHOST QMAILNAME MAILNAME NAME QMAILSUSER QMAILSHOST \
  QMAILDEFAULTDOMAIN QMAILDEFAULTHOST QMAILIDHOST QMAILPLUSDOMAIN QMAILQUEUE
USER=joe; export USER
Q=$BERTH_HOME/queue
F=$T_DIR/filter
mkdir "$F" && chmod 777 "$F"

filter () { # filter NAME EXIT: a filter that records what it got, then exits EXIT
  cat > "$F/$1" <<EOS
#!/bin/sh
cat > "$F/$1.msg"
tr '\\000' '|' <&1 > "$F/$1.env"
exit $2
EOS
  chmod 755 "$F/$1"
}
inj () {
  as_user berth-inject "$@" < "$T_DIR/in" > "$T_DIR/out" 2> "$T_DIR/err"
  RC=$?
}
printf 'To: t@x.example\nSubject: qq\n\nbody\n' > "$T_DIR/in"
n=$(ls "$Q/todo" | wc -l)

filter perm 31
QMAILQUEUE=$F/perm inj
is "$RC" 100 "filter exit 31: exit 100"
is "$(cat "$T_DIR/err")" "berth-inject: fatal: mail server permanently rejected message (#5.3.0)" "filter exit 31: the D text"
is "$(cat "$F/perm.env")" "Fjoe@test.example|Tt@x.example||" "the filter read the envelope on fd 1"
is "$(grep -c '^Subject: qq$\|^body$\|^Message-ID: ' "$F/perm.msg")" 3 "the filter read the message on fd 0"

filter temp 71
QMAILQUEUE=$F/temp inj
is "$RC" 111 "filter exit 71: exit 111"
is "$(cat "$T_DIR/err")" "berth-inject: fatal: mail server temporarily rejected message (#4.3.0)" "filter exit 71: the Z text"

filter other 40
QMAILQUEUE=$F/other inj
is "$RC" 100 "filter exit 40: permanent"
filter other2 99
QMAILQUEUE=$F/other2 inj
is "$RC" 111 "filter exit 99: temporary"

cat > "$F/custom" <<'EOS'
#!/bin/sh
cat > /dev/null
printf 'Dno spam here, thanks (#5.7.1)' >&6
exit 82
EOS
chmod 755 "$F/custom"
QMAILQUEUE=$F/custom inj
is "$RC" 100 "filter exit 82 with a D text on fd 6: exit 100"
is "$(cat "$T_DIR/err")" "berth-inject: fatal: no spam here, thanks (#5.7.1)" "... and that text"

QMAILQUEUE=$F/nonexistent inj
is "$RC" 111 "missing QMAILQUEUE program: exit 111"
grep -q 'unable to run qq' "$T_DIR/err"; ok $? "... unable to run qq"

cat > "$F/early" <<'EOS'
#!/bin/sh
exit 31
EOS
chmod 755 "$F/early"
{ printf 'To: t@x.example\n\n'; head -c 2000000 /dev/zero; } > "$T_DIR/big"
QMAILQUEUE=$F/early as_user berth-inject < "$T_DIR/big" 2> "$T_DIR/err"
is "$?" 100 "filter exiting without reading a large message: its code, no hang or SIGPIPE"
is "$(ls "$Q/todo" | wc -l)" "$n" "nothing queued by refusing filters"

cat > "$F/pass" <<EOS
#!/bin/sh
exec 3<&1
{ echo "X-Filtered: yes"; cat; } | { exec 1<&3 3<&-; exec "$BERTH_TOP/bin/berth-queue"; }
EOS
chmod 755 "$F/pass"
QMAILQUEUE=$F/pass inj
is "$RC" 0 "a filter chaining to berth-queue: queued"
is "$(ls "$Q/todo" | wc -l)" "$((n + 1))" "... one message in todo/"
id=$(ls "$Q/todo")
is "$(qbody "$Q/mess/$id" | sed -n 2p)" "X-Filtered: yes" "... as the filter changed it"

unset QMAILQUEUE
inj
is "$RC" 0 "without QMAILQUEUE: berth-queue next to berth-inject"
t_done

#!/bin/sh
# berth-setup as root without -u: a multi-user instance with qmail-style uids (doc/berth-setup.md).
# Users and groups made with a unique prefix (-P) and deleted at the end; owners and modes; a
# second run changes nothing; the services run under s6-svscan each as its own uid; mail over SMTP
# reaches a passwd user's ~/Maildir as that user, mail from an ordinary user's sendmail reaches
# the alias Maildir, remote mail leaves through berth-remote as the remote uid.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root"
for p in useradd userdel groupadd groupdel; do [ -x "/usr/sbin/$p" ] || skip_all "no /usr/sbin/$p"; done
for p in berth-smtpd berth-start berth-send berth-lspawn berth-local berth-rspawn berth-remote; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 60
P=bt$(( $$ % 100000 ))
U=${P}u
H=$T_DIR/home
svc=$H/service
users_gone () {
  t_svscan_stop "$svc"
  t_users_del "$P" "$U"
  t_cleanup
}
trap users_gone EXIT
for u in "${P}q" "${P}r" "${P}d" "${P}l" "${P}alias" "$U"; do
  getent passwd "$u" >/dev/null && { echo "Bail out! user $u exists already"; trap - EXIT; t_cleanup; exit 1; }
done

port=$(free_port)
berth-setup -P "$P" -n test.example -a 127.0.0.1 -p "$port" "$H"; ok $? "berth-setup as root without -u"
for u in q r d l alias; do getent passwd "$P$u" >/dev/null; ok $? "user $P$u made"; done
is "$(getent passwd "${P}q" | cut -d: -f7)" /usr/sbin/nologin "system users get a nologin shell"
is "$(id -gn "${P}q") $(id -gn "${P}r") $(id -gn "${P}d")" "$P $P ${P}nofiles" "queue readers in group $P, smtpd not"

perm () { stat -c '%U:%G %a' "$H/$1"; }
is "$(perm .)" "root:root 755" "HOME owned by root"
is "$(perm control/me)" "root:root 644" "control/ files owned by root"
is "$(perm queue)" "${P}q:$P 750" "queue/ owned by the queue user, not world-readable"
is "$(perm queue/mess)" "${P}q:$P 2750" "queue/mess: group-readable for the remote user, set-gid"
is "$(perm queue/todo)" "${P}q:$P 700" "queue/todo: the queue user only"
is "$(perm queue/lock/tcpto)" "${P}r:$P 644" "queue/lock/tcpto: the remote user's"
is "$(perm queue/tlsrpt | cut -d' ' -f1 | cut -d: -f1) $(perm queue/tlsrpt | cut -d' ' -f2)" "${P}r 755" "queue/tlsrpt (TLS-RPT records): the remote user's"
is "$(perm bin/berth-queue)" "${P}q:$P 4711" "bin/berth-queue set-uid to the queue user"
is "$(perm bin/berth-smtpd)" "root:root 755" "the other programs owned by root"
is "$(perm log/smtpd)" "${P}l:${P}nofiles 755" "log/smtpd owned by the log user"
is "$(perm alias)" "${P}alias:${P}nofiles 755" "alias/ owned by the alias user"
is "$(stat -c %U "$H/service/smtpd/slots")" "${P}d" "service/smtpd/slots (session locks) owned by the smtpd user"
is "$(cat "$H/control/uidsmtpd") $(cat "$H/control/uidsend") $(cat "$H/control/uidalias")" \
  "$(id -u "${P}d") $(id -u "${P}q") $(id -u "${P}alias")" "control/uidsmtpd, uidsend, uidalias"
grep -q "set -- \"\$B/berth-listen\"" "$svc/smtpd/run" && grep -q "set -- s6-envuidgid '${P}d' \"\$@\" -U" "$svc/smtpd/run"; ok $? "smtpd runs as ${P}d (berth-listen -U)"
grep -q "s6-envuidgid '${P}r'.*berth-start" "$svc/send/run"; ok $? "berth-start gets ${P}r for the remote spawner"
grep -q "s6-setuidgid '${P}l'" "$svc/smtpd/log/run"; ok $? "loggers run as ${P}l"

# Idempotence: a second run makes no new user and rewrites nothing.
ino=$(stat -c %i "$H/bin/berth-queue") nusers=$(getent passwd | grep -c "^$P")
berth-setup -P "$P" -n other.example -a 127.0.0.1 -p "$port" "$H"; ok $? "second run succeeds"
is "$(getent passwd | grep -c "^$P")" "$nusers" "second run: no new user"
is "$(stat -c %i "$H/bin/berth-queue")" "$ino" "second run: bin/berth-queue left as it was"
is "$(cat "$H/control/me")" test.example "second run: control/me kept"
is "$(perm queue/mess)" "${P}q:$P 2750" "second run: modes kept"
chmod 755 "$H/bin/berth-queue"
berth-setup -P "$P" "$H" && is "$(perm bin/berth-queue)" "${P}q:$P 4711" "a re-run repairs bin/berth-queue's mode"

# A passwd user with a home and a Maildir; the alias Maildir; a remote sink behind smtproutes.
/usr/sbin/useradd -M -d "$T_DIR/u" -s /bin/sh "$U" || { echo "Bail out! useradd $U"; exit 1; }
mkdir -p "$T_DIR/u/Maildir/new" "$T_DIR/u/Maildir/cur" "$T_DIR/u/Maildir/tmp"
echo '&far2@remote.example' > "$T_DIR/u/.qmail-fwd"   # a forward: berth-local (as $U) runs the set-uid berth-queue
chown -R "$U:" "$T_DIR/u" && chmod 700 "$T_DIR/u" && chmod 644 "$T_DIR/u/.qmail-fwd"
rport=$(free_port); mkdir "$T_DIR/sink"
t_bg "$PY" "$BERTH_TOP/tests/remote-sink.py" "$rport" "$T_DIR/sink"
echo "remote.example:[127.0.0.1]:$rport" > "$H/control/smtproutes"

# TLS services: the key stays root's (0600); berth-tlsd reads it as root, berth-smtpd runs as ${P}d.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test.example -keyout "$T_DIR/k.pem" -out "$T_DIR/c.pem" -days 2 2>/dev/null
chmod 600 "$T_DIR/k.pem"
echo "$T_DIR/c.pem" > "$H/control/tlscert"; echo "$T_DIR/k.pem" > "$H/control/tlskey"
berth-setup -P "$P" "$H" && [ -f "$svc/smtps/run" ]; ok $? "a re-run adds the TLS services"
grep -q "drop=\"s6-setuidgid ${P}d\"" "$svc/smtps/run"; ok $? "smtps: berth-smtpd dropped to ${P}d, tcpserver left root for the key"
smtps=$(free_port); echo "$smtps" > "$svc/smtps/conf/port"; echo "$(free_port)" > "$svc/submission/conf/port"

# AddressSanitizer's shadow memory exceeds any data limit (as in service.t)
[ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
t_bg s6-svscan "$svc"; SCAN_PID=$T_PID
n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/smtpd" && s6-svstat "$svc/send"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$svc/smtpd" "$svc/send" "$svc/smtps"; ok $? "smtpd, send and smtps up and ready"
puser () { ps -o user= -p "$1" 2>/dev/null | tr -d ' '; }
is "$(puser "$(s6-svstat -o pid "$svc/smtpd")")" "${P}d" "berth-listen runs as ${P}d"
send_pid=$(s6-svstat -o pid "$svc/send")
is "$(puser "$send_pid")" "${P}q" "berth-send runs as ${P}q"
is "$(ps -o user=,comm= --ppid "$send_pid" | sort | tr -s ' ' | tr '\n' ' ')" "${P}r berth-rspawn root berth-lspawn " \
  "berth-lspawn keeps root, berth-rspawn runs as ${P}r"
is "$(puser "$(s6-svstat -o pid "$svc/smtpd/log")")" "${P}l" "s6-log runs as ${P}l"

"$PY" - "$smtps" "$H" <<'PY' > "$T_DIR/smtps.out" 2>&1
import os, pwd, smtplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), timeout=10, context=ctx)
code, _ = s.ehlo("client.example")
print("ehlo", code)
users = set()   # this instance's berth-smtpd processes: those whose cwd is its home
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if open("/proc/%s/comm" % pid).read().strip() == "berth-smtpd" and os.readlink("/proc/%s/cwd" % pid) == sys.argv[2]:
            users.add(pwd.getpwuid(os.stat("/proc/" + pid).st_uid).pw_name)
    except OSError:
        pass
print("users", " ".join(sorted(users)))
s.quit()
PY
grep -q '^ehlo 250$' "$T_DIR/smtps.out"; ok $? "smtps: TLS with a root-only key, then EHLO"
grep -q "^users ${P}d\$" "$T_DIR/smtps.out"; ok $? "smtps: berth-smtpd runs as ${P}d" || cat "$T_DIR/smtps.out" | sed 's/^/# /'
# port 25 with the root-only key: berth-tlsd -P read it as root, its proxy runs as ${P}d
proxies=$(pgrep -x berth-tlsd | while read -r p; do [ "$(readlink "/proc/$p/cwd")" = "$svc/smtpd" ] && puser "$p"; done | sort -u)
is "$proxies" "${P}d" "port 25: the TLS proxy runs as ${P}d, not root"
echo QUIT | openssl s_client -connect "127.0.0.1:$port" -starttls smtp -tls1_2 > "$T_DIR/s25" 2>&1
grep -q 'Cipher is ECDHE-RSA-AES' "$T_DIR/s25"; ok $? "port 25: STARTTLS with the root-only key"
wait_port "$rport" 10
"$PY" - "$port" "$U" <<'PY'; ok $? "smtplib: accepted for a local user and a remote address"
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.sendmail("sender@example.org", [sys.argv[2] + "@test.example"], "Subject: to the user\r\n\r\nhello\r\n")
s.sendmail("sender@example.org", ["far@remote.example"], "Subject: far away\r\n\r\nhello\r\n")
s.sendmail("sender@example.org", [sys.argv[2] + "-fwd@test.example"], "Subject: forward me\r\n\r\nhello\r\n")
s.quit()
PY
md=$T_DIR/u/Maildir/new
n=0; while [ $n -lt 100 ] && [ -z "$(ls "$md" 2>/dev/null)" ]; do sleep 0.1; n=$((n + 1)); done
f=$(ls "$md" | head -n 1)
[ -n "$f" ] && grep -q '^Subject: to the user' "$md/$f"; ok $? "delivered into ~$U/Maildir"
is "$(stat -c %U "$md/$f" 2>/dev/null)" "$U" "the Maildir file belongs to $U"
grep -q '^Received: (berth [0-9]* invoked from network)' "$md/$f" 2>/dev/null; ok $? "Received: invoked from network (control/uidsmtpd)"
n=0; while [ $n -lt 100 ] && [ ! -f "$T_DIR/sink/1.eml" ]; do sleep 0.1; n=$((n + 1)); done
n=0; while [ $n -lt 100 ] && ! { grep -lqs '^Subject: forward me' "$T_DIR/sink"/*.eml && grep -lqs '^Subject: far away' "$T_DIR/sink"/*.eml; }; do sleep 0.1; n=$((n + 1)); done
grep -lqs '^Subject: far away' "$T_DIR/sink"/*.eml; ok $? "remote delivery through berth-remote as ${P}r"
f=$(grep -ls '^Subject: forward me' "$T_DIR/sink"/*.eml | head -n 1)
[ -n "$f" ] && grep -q "^Received: (berth [0-9]* invoked by uid $(id -u "$U"))" "$f"; ok $? "a forward from ~$U/.qmail-fwd, injected as $U"

# An ordinary user injects with the instance's sendmail; berth-queue ignores its BERTH_HOME.
printf 'To: postmaster@test.example\nSubject: from a user\n\nbody\n' |
  s6-setuidgid "$U" env BERTH_HOME="$H" "$H/bin/sendmail" -t; ok $? "an ordinary user's sendmail -t"
amd=$H/alias/Maildir/new
n=0; while [ $n -lt 100 ] && ! grep -lqs '^Subject: from a user' "$amd"/* ; do sleep 0.1; n=$((n + 1)); done
f=$(grep -ls '^Subject: from a user' "$amd"/* | head -n 1)
[ -n "$f" ]; ok $? "delivered to postmaster (alias/Maildir)"
is "$(stat -c %U "$f" 2>/dev/null)" "${P}alias" "alias deliveries run as ${P}alias"
grep -q "^Received: (berth [0-9]* invoked by uid $(id -u "$U"))" "$f" 2>/dev/null; ok $? "Received names the user's uid"
# Without BERTH_HOME, HOME/bin/sendmail serves the instance it lives in (its control/me names the From:).
printf 'To: postmaster@test.example\nSubject: no env\n\nbody\n' |
  s6-setuidgid "$U" env -u BERTH_HOME "$H/bin/sendmail" -t; ok $? "sendmail from HOME/bin without BERTH_HOME"
n=0; while [ $n -lt 100 ] && ! grep -lqs '^Subject: no env' "$amd"/* ; do sleep 0.1; n=$((n + 1)); done
f=$(grep -ls '^Subject: no env' "$amd"/* | head -n 1)
[ -n "$f" ] && grep -q "^From: [a-z0-9]*@test.example" "$f"; ok $? "delivered, with a From: @test.example from the instance's control/me"
mkdir "$T_DIR/fake" && chown "$U" "$T_DIR/fake"
printf 'Fme@x\0T%s@test.example\0\0' "$U" > "$T_DIR/env"
printf 'Subject: elsewhere\n\nx\n' | s6-setuidgid "$U" env BERTH_HOME="$T_DIR/fake" "$H/bin/berth-queue" 1<"$T_DIR/env"
ok $? "berth-queue run by a user with another BERTH_HOME"
n=0; while [ $n -lt 100 ] && ! grep -lqs '^Subject: elsewhere' "$T_DIR/u/Maildir/new"/* ; do sleep 0.1; n=$((n + 1)); done
grep -lqs '^Subject: elsewhere' "$T_DIR/u/Maildir/new"/*; ok $? "set-uid berth-queue used its own instance, not \$BERTH_HOME"
# A hard link of the set-uid binary into a directory the user owns does not make that the instance.
mkdir -p "$T_DIR/fake/bin" "$T_DIR/fake/queue/mess" "$T_DIR/fake/queue/intd" "$T_DIR/fake/queue/todo"
chown -R "$U" "$T_DIR/fake"; chown -R "${P}q" "$T_DIR/fake/queue"; chmod -R 777 "$T_DIR/fake/queue"   # even a queue owned by ${P}q
ln "$H/bin/berth-queue" "$T_DIR/fake/bin/berth-queue"
printf 'Subject: linked\n\nx\n' | s6-setuidgid "$U" env BERTH_HOME="$T_DIR/fake" "$T_DIR/fake/bin/berth-queue" 1<"$T_DIR/env"
r=$?
is "$(find "$T_DIR/fake/queue" -type f | wc -l)" 0 "a linked copy in a user's directory writes nothing there"
if [ ! -d /var/berth ]; then is "$r" 61 "and falls back to conf-home (/var/berth: absent here, exit 61)"; fi
s6-setuidgid "$U" ls "$H/queue/mess" >/dev/null 2>&1; is $? 2 "an ordinary user cannot read the queue"
s6-setuidgid "${P}d" ls "$H/queue/mess" >/dev/null 2>&1; is $? 2 "nor can the smtpd user"

berth-setup -c "$H" > "$T_DIR/check" 2>&1; is $? 0 "berth-setup -c: the running instance is clean" || sed 's/^/# /' "$T_DIR/check"
# mailq for everyone: HOME/bin/berth-qread is set-uid to the queue user and shows an ordinary
# user only the messages that user queued; sendmail -q retries now for root, tells the user how.
is "$(perm bin/berth-qread)" "${P}q:$P 4711" "bin/berth-qread set-uid to the queue user"
printf 'To: t450mine@remote.example\nSubject: mine\n\nx\n' | s6-setuidgid "$U" env BERTH_HOME="$H" "$H/bin/sendmail" -t; ok $? "the user queues a message (deferred at the sink)"
printf 'To: t450root@remote.example\nSubject: root\n\nx\n' | env BERTH_HOME="$H" "$H/bin/sendmail" -t; ok $? "root queues another"
tried () { grep -qs 'RCPT TO:<t450mine@remote.example>' "$T_DIR/sink/chunks" && grep -qs 'RCPT TO:<t450root@remote.example>' "$T_DIR/sink/chunks"; }
n=0; while [ $n -lt 100 ] && ! tried; do sleep 0.1; n=$((n + 1)); done
tried; ok $? "both tried and deferred"
s6-setuidgid "$U" env BERTH_HOME="$H" "$H/bin/sendmail" -bp > "$T_DIR/mq" 2>&1; is $? 0 "the user's mailq (sendmail -bp): exit 0"
grep -q '^  to=<t450mine@remote.example> pending remote$' "$T_DIR/mq"; ok $? "it shows the user's own message"
grep -q 't450root\|far@remote' "$T_DIR/mq"; is $? 1 "and no one else's"
tail -n 1 "$T_DIR/mq" | grep -q "^1 message of yours (others' are not shown)\$"; ok $? "the summary says so" || sed 's/^/# /' "$T_DIR/mq"
s6-setuidgid "$U" env BERTH_HOME="$T_DIR/fake" "$H/bin/berth-qread" --json > "$T_DIR/mq" 2>&1
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [r["address"] for m in d for r in m["recipients"]] == ["t450mine@remote.example"], d' "$T_DIR/mq"
ok $? "--json too, in its own instance whatever \$BERTH_HOME says"
env BERTH_HOME="$H" "$H/bin/sendmail" -bp > "$T_DIR/mq" 2>&1
grep -q 't450mine@remote.example' "$T_DIR/mq" && grep -q 't450root@remote.example' "$T_DIR/mq"; ok $? "root's mailq shows every message"
s6-setuidgid "$U" env BERTH_HOME="$H" "$H/bin/sendmail" -q 2>"$T_DIR/err"; is $? 100 "the user's sendmail -q: 100"
grep -q 'berth-qctl retry -a' "$T_DIR/err"; ok $? "saying how"
env BERTH_HOME="$H" "$H/bin/sendmail" -q > "$T_DIR/out" 2>&1; is $? 0 "root's sendmail -q: exit 0"
grep -q 'ok 1 recipients scheduled now' "$T_DIR/out"; ok $? "deferred mail scheduled now"

s6-svscanctl -t "$svc"
n=0; while [ $n -lt 100 ] && kill -0 "$SCAN_PID" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
! kill -0 "$SCAN_PID" 2>/dev/null; ok $? "everything stops"
[ -s "$H/log/send/current" ] && is "$(stat -c %U "$H/log/send/current")" "${P}l" "send log written by ${P}l"

# Single-user stays single-user; -u and -P do not mix.
berth-setup -u "$TESTUSER" -n s.example "$T_DIR/single"; ok $? "single-user instance (-u) as before"
is "$(stat -c %U "$T_DIR/single/queue") $(stat -c %U "$T_DIR/single")" "$TESTUSER $TESTUSER" "single-user: owned by $TESTUSER"
[ ! -e "$T_DIR/single/bin" ]; ok $? "single-user: no bin/ copy"
berth-setup -P "$P" "$T_DIR/single" 2>/dev/null; is $? 100 "multi-user setup refuses a single-user instance"
berth-setup -u "$TESTUSER" -P "$P" "$T_DIR/x" 2>/dev/null; is $? 100 "-u with -P: usage error"
berth-setup -P 'Bad;name' "$T_DIR/y" 2>/dev/null; is $? 100 "a bad prefix is refused"
s6-setuidgid "$TESTUSER" berth-setup -m "$T_DIR/z" 2>/dev/null; is $? 100 "an ordinary user cannot ask for -m"
t_done

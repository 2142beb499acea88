#!/bin/sh
# berth-setup -c, the install check (postfix check): a fresh instance is clean (exit 0); each
# thing broken afterwards, one at a time, is named on its own line (exit 1) and the instance is
# clean again once it is put back. Single-user as anyone; multi-user (users made with a unique
# prefix and deleted at the end) as root: users, owners, modes, set-uid programs, run scripts,
# log directories, secrets, and the Maildir of a user with local mail waiting in the queue.
. "$BERTH_TOP/tests/lib.sh"
t_start 60

# check DESCRIPTION PATTERN: berth-setup -c "$H" exits 1 and prints a problem line matching PATTERN
check () {
  berth-setup -c "$H" > "$T_DIR/out" 2>&1; rc=$?
  is "$rc" 1 "$1: exit 1"
  grep -q "^problem: $2" "$T_DIR/out"; ok $? "$1: named" || sed 's/^/# /' "$T_DIR/out"
}
clean () {
  berth-setup -c "$H" > "$T_DIR/out" 2>&1; rc=$?
  is "$rc" 0 "$1: clean again (exit 0)" || sed 's/^/# /' "$T_DIR/out"
}

t_instance single
H=$BERTH_HOME
berth-setup -c "$H" > "$T_DIR/out" 2>&1; is $? 0 "single-user: a fresh instance is clean"
grep -q ": no problem found\$" "$T_DIR/out"; ok $? "and says so"
chmod 755 "$H/queue/todo"
check "single-user: queue/todo readable by others" "queue/todo: mode 0755, should be 0700"
chmod 700 "$H/queue/todo"; clean "single-user"
rm "$H/queue/lock/ctl"
check "single-user: no control fifo" "queue/lock/ctl: missing"
berth-setup -u "$TESTUSER" "$H" >/dev/null 2>&1; clean "single-user, after berth-setup repaired it"
berth-setup -c "$T_DIR/nothing" >/dev/null 2>&1; is $? 111 "no instance there: 111"

if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/useradd ]; then
  t_done
  exit 0
fi
P=bc$(( $$ % 100000 ))
U=${P}u
H=$T_DIR/multi
users_gone () {
  t_users_del "$P" "$U"
  t_cleanup
}
trap users_gone EXIT
berth-setup -P "$P" -n test.example "$H" >/dev/null; ok $? "a multi-user instance"
berth-setup -c "$H" > "$T_DIR/out" 2>&1; is $? 0 "multi-user: a fresh instance is clean" || sed 's/^/# /' "$T_DIR/out"

chmod 755 "$H/bin/berth-queue"
check "berth-queue lost its set-uid bit" "bin/berth-queue: mode 0755, should be 04711"
chmod 4711 "$H/bin/berth-queue"; clean "set-uid bit back"
chown root "$H/queue/todo"
check "queue/todo owned by root" "queue/todo: should be owned by ${P}q"
chown "${P}q" "$H/queue/todo"; clean "owner back"
chmod 00700 "$H/queue/mess"
check "queue/mess without its group and set-gid bit" "queue/mess: mode 0700, should be 02750"
chmod 2750 "$H/queue/mess"; clean "mode back"
mv "$H/service/smtpd/run" "$T_DIR/run"
check "a run script removed" "service/smtpd/run: missing"
mv "$T_DIR/run" "$H/service/smtpd/run"; clean "run script back"
rmdir "$H/log/send"
check "a log directory removed" "log/send: missing"
mkdir "$H/log/send"; chown "${P}l" "$H/log/send"; clean "log directory back"
chmod 666 "$H/control/rcpthosts"
check "a control file others may write" "control/rcpthosts: writable by others"
chmod 644 "$H/control/rcpthosts"; clean "control file mode back"
printf 'relay.example:u:pw\n' > "$H/control/smtpauth"; chown "${P}r" "$H/control/smtpauth"; chmod 600 "$H/control/smtpauth"
clean "a private smtpauth of the remote user"
chmod 644 "$H/control/smtpauth"
check "smtpauth readable by others" "control/smtpauth: a secret readable by others"
chmod 600 "$H/control/smtpauth"; clean "smtpauth private again"
chmod 4755 "$H/bin/berth-send"
check "another program set-uid" "bin/berth-send: should be owned by root, mode 0755"
chmod 755 "$H/bin/berth-send"; clean "mode back"

# local mail waiting for a passwd user whose Maildir is missing, then not theirs
/usr/sbin/useradd -M -d "$T_DIR/u" -s /bin/sh "$U" || { echo "Bail out! useradd $U"; exit 1; }
mkdir "$T_DIR/u"; chown "$U" "$T_DIR/u"
id=1700000000.1.$$
printf 'B1700000000000\000Fa@x.example\000TL%s@test.example\000TRfar@remote.example\000\000' "$U" > "$H/queue/state/$id"
printf 'Subject: x\n\nx\n' > "$H/queue/mess/$id"
chown "${P}q" "$H/queue/state/$id" "$H/queue/mess/$id"
check "mail waiting for $U, no Maildir" "$T_DIR/u/Maildir: mail is waiting for $U, but it is missing"
mkdir -p "$T_DIR/u/Maildir/new" "$T_DIR/u/Maildir/cur" "$T_DIR/u/Maildir/tmp"
chown -R "$U" "$T_DIR/u/Maildir"; chmod -R 700 "$T_DIR/u/Maildir"
clean "the Maildir made"
chown root "$T_DIR/u/Maildir/new"
check "a Maildir part owned by root" "$T_DIR/u/Maildir/new: mail is waiting for $U, but it is not a directory owned and writable by the user"
chown "$U" "$T_DIR/u/Maildir/new"; clean "owner back"
rm "$H/queue/state/$id" "$H/queue/mess/$id"
t_done

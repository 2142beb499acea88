#!/bin/sh
# The recipient check (control/rcptcheck, users/recipients.cdb; doc/control.md "Recipient check"):
# berth-smtpd refuses at RCPT, with 550 5.1.1, a local address that local delivery would bounce,
# and nothing is queued for it. A single-user instance (berth-setup turns the check on for a new
# instance): the alias user, extensions with and without .qmail-default (qmail's dash rules), a
# virtual domain, users/assign, a relayed domain; a map older than a new .qmail file or missing
# accepts (logged); control/rcptcheck removed: the old behaviour. As root, a multi-user instance
# with a passwd user whose home berth-smtpd cannot read. Clients: python smtplib and swaks.
. "$BERTH_TOP/tests/lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
t_start 120
BERTH_HOME=$T_DIR/home; export BERTH_HOME
berth-setup -u "$TESTUSER" -n test.example "$BERTH_HOME" >/dev/null || { echo "Bail out! berth-setup failed"; exit 1; }
H=$BERTH_HOME
cat > "$T_DIR/rc.py" <<'PY'
# rc.py PORT ADDR...: one transaction, "ADDR CODE" per RCPT; rc.py PORT send ADDR...: a message
import smtplib, sys
port, args = int(sys.argv[1]), sys.argv[2:]
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.ehlo("client.example")
if args[0] == "send":
    try:
        s.sendmail("sender@remote.example", args[1:], b"Subject: rcptcheck\r\n\r\nbody\r\n")
        print("sent")
    except smtplib.SMTPRecipientsRefused as e:
        print("refused " + " ".join("%s=%d" % (a, c[0]) for a, c in sorted(e.recipients.items())))
else:
    s.mail("sender@remote.example")
    for a in args:
        code, msg = s.rcpt(a)
        print("%s %d%s" % (a, code, " " + msg.decode() if code == 550 else ""))
    s.rset()
s.quit()
PY
codes () { "$PY" "$T_DIR/rc.py" "$port" "$@" 2>&1; }
code1 () { codes "$1" | cut -d' ' -f2; }
# While FRESH=1 (a map in force), a 250 read while the probe shows the map went stale (another
# test's useradd between settle and now) is read again after settle; a 250 on a fresh map
# stands, so a wrong acceptance still fails its assertion.
code () {
  c=$(code1 "$1") n=0
  while [ "${FRESH:-0}" = 1 ] && [ "$c" = 250 ] && [ $n -lt 3 ] && [ "$(code1 settle-probe@test.example)" != 550 ]; do
    settle; c=$(code1 "$1"); n=$((n + 1))
  done
  echo "$c"
}
qcount () { find "$H/queue/todo" "$H/queue/mess" -type f | wc -l; }
smtpdlog () { cat "$T_DIR/smtpd.log"; }
# The map is stale once /etc/passwd changes, and other tests add and remove users at the same
# time: settle rebuilds it until a probe address is refused again (the map is then fresh), so
# that an assertion right after it reads the map, not a stale one's "accept everything".
rebuild () { ( cd "$H" && as_user berth-reload >/dev/null 2>&1 ); }
settle () {
  n=0; while [ $n -lt 30 ]; do
    rebuild; [ "$(code1 settle-probe@test.example)" = 550 ] && return 0
    sleep 0.2; n=$((n + 1))
  done
  return 1
}
reload () { rebuild; settle; }
owner=$(id -un "$TESTUSER" 2>/dev/null || echo "$TESTUSER")

[ -f "$H/control/rcptcheck" ]; ok $? "a new instance has control/rcptcheck"
[ -f "$H/users/recipients.cdb" ]; ok $? "and its recipients map, users/recipients.cdb"
is "$(stat -c %a "$H/users/recipients.cdb")" 644 "the map is readable by berth-smtpd's uid (0644)"

port=$(free_port)
if [ "$(id -u)" = 0 ]; then su="s6-setuidgid $TESTUSER"; else su=; fi
t_bg $su tcpserver -HRl0 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }

settle
FRESH=1
is "$(code postmaster@test.example)" 250 "postmaster (the alias user's .qmail-postmaster): 250"
is "$(code "$owner@test.example")" 250 "the owner's name: 250"
is "$(code "$owner-anything@test.example")" 250 "owner-anything (alias/.qmail-OWNER-default): 250"
r=$(codes nosuch@test.example)
is "$(echo "$r" | cut -d' ' -f2-3)" "550 5.1.1" "an unknown local user: 550 5.1.1 at RCPT ($r)"
is "$(code NoSuch@LOCALHOST)" 550 "in any case, and for every local domain (localhost)"
before=$(qcount)
is "$(codes send nosuch@test.example)" "refused nosuch@test.example=550" "a message only to it is refused"
is "$(qcount)" "$before" "nothing queued"
grep -q 'event=rcpt .*status=refused .*rcpt=nosuch@test.example reason=no-mailbox' "$T_DIR/smtpd.log"; ok $? "the log line names the reason (reason=no-mailbox)"
is "$(codes send postmaster@test.example nosuch@test.example)" sent "a message to a known and an unknown address is accepted"
n=0; while [ $n -lt 50 ] && [ "$(grep -c 'status=accepted' "$T_DIR/smtpd.log")" -lt 1 ]; do sleep 0.1; n=$((n + 1)); done
grep 'status=accepted' "$T_DIR/smtpd.log" | grep -q 'rcpts=1'; ok $? "for the known one only (rcpts=1)"
swaks --server "127.0.0.1:$port" --from s@remote.example --to ghost@test.example --quit-after RCPT > "$T_DIR/swaks" 2>&1
grep -q '<\*\* *550 5.1.1' "$T_DIR/swaks"; ok $? "swaks sees the same 550 5.1.1"

# extensions: .qmail-list alone, then .qmail-list-default; qmail's dash rules (.qmail-a-b-default)
echo ./Maildir/ > "$H/alias/.qmail-list"
echo ./Maildir/ > "$H/alias/.qmail-a-b-default"
echo ./Maildir/ > "$H/alias/.qmail-dot:ted"
chown -R "$TESTUSER" "$H/alias" 2>/dev/null
reload
is "$(code list@test.example)" 250 "list (alias/.qmail-list): 250"
is "$(code list-foo@test.example)" 550 "list-foo without .qmail-list-default: 550"
is "$(code a-b-c@test.example) $(code a-b-c-d@test.example) $(code a-b@test.example)" "250 250 550" "a-b-c and a-b-c-d match .qmail-a-b-default, a-b does not"
is "$(code a-c@test.example)" 550 "a-c matches no .qmail-a-default: 550"
is "$(code Dot.Ted@test.example)" 250 "dots become colons, as berth-local looks (.qmail-dot:ted)"
echo ./Maildir/ > "$H/alias/.qmail-list-default"
reload
is "$(code list-foo@test.example) $(code list-foo-bar@test.example)" "250 250" "with .qmail-list-default: list-foo and list-foo-bar 250"

# a virtual domain (virtualdomains prefix), users/assign (exact and wildcard) into other homes
echo virt.example >> "$H/control/rcpthosts"
echo virt.example:vu >> "$H/control/virtualdomains"
echo ./Maildir/ > "$H/alias/.qmail-vu-joe"
uid=$(id -u "$TESTUSER"); gid=$(id -g "$TESTUSER")
mkdir -p "$T_DIR/clerk" "$T_DIR/shop"
echo ./Maildir/ > "$T_DIR/clerk/.qmail-box"
echo ./Maildir/ > "$T_DIR/shop/.qmail-a"
chown -R "$TESTUSER" "$T_DIR/clerk" "$T_DIR/shop" 2>/dev/null
printf '=clerk:%s:%s:%s:%s:-:box:\n+shop-:%s:%s:%s:%s:-::\n.\n' "$TESTUSER" "$uid" "$gid" "$T_DIR/clerk" "$TESTUSER" "$uid" "$gid" "$T_DIR/shop" > "$H/users/assign"
( cd "$H" && as_user berth-newu ); ok $? "berth-newu compiles users/assign and the map"
is "$(code joe@virt.example) $(code jim@virt.example)" "250 550" "virtual domain: joe (alias/.qmail-vu-joe) 250, jim 550"
is "$(code clerk@test.example)" 250 "users/assign =clerk (ext box, .qmail-box in its home): 250"
is "$(code shop-a@test.example) $(code shop-b@test.example)" "250 550" "users/assign +shop-: shop-a 250, shop-b 550"
echo relay.example >> "$H/control/rcpthosts"
is "$(code nosuch@relay.example)" 250 "a relayed domain (rcpthosts, not local) is not checked"

# a .qmail file newer than the map: accepted, and said; berth-reload brings the map up to date
FRESH=0   # stale on purpose here
sleep 0.05
echo ./Maildir/ > "$H/alias/.qmail-late"
is "$(code late@test.example) $(code other@test.example)" "250 250" "a map older than the alias home: its addresses accepted"
grep -q 'status=unchecked .*rcpt=other@test.example reason=rcptmap-stale' "$T_DIR/smtpd.log"; ok $? "logged as unchecked (reason=rcptmap-stale)"
( cd "$H" && as_user berth-reload 2>&1 ) | grep -q 'rebuilt users/recipients.cdb'; ok $? "berth-reload rebuilds the stale map"
settle
FRESH=1
is "$(code late@test.example) $(code other@test.example)" "250 550" "then late 250, other 550 again"
( cd "$H" && as_user berth-reload 2>&1 ) | grep -q 'recipients.cdb'; [ $? != 0 ]; ok $? "an up-to-date map is left alone"

FRESH=0
rm "$H/users/recipients.cdb"
is "$(code other@test.example)" 250 "no map: accepted"
grep -q 'status=unchecked .*rcpt=other@test.example reason=rcptmap-missing' "$T_DIR/smtpd.log"; ok $? "logged (reason=rcptmap-missing)"
echo garbage > "$H/users/recipients.cdb"
is "$(code other@test.example)" 250 "a corrupt map: accepted (reason=rcptmap-corrupt)"
rm "$H/users/recipients.cdb" "$H/control/rcptcheck"
: > "$T_DIR/smtpd.log.mark"; lines=$(wc -l < "$T_DIR/smtpd.log")
is "$(code other@test.example)" 250 "control/rcptcheck removed: accepted, as before"
tail -n +"$((lines + 1))" "$T_DIR/smtpd.log" | grep -q 'event=rcpt'; [ $? != 0 ]; ok $? "and no recipient check line"
rebuild
[ ! -f "$H/users/recipients.cdb" ]; ok $? "berth-reload builds no map when the check is off"
berth-setup -u "$TESTUSER" -n test.example "$H" >/dev/null
[ ! -f "$H/control/rcptcheck" ]; ok $? "a re-run of berth-setup keeps the check off on an existing instance"

# multi-user: a passwd user, its home 0700 (berth-smtpd's uid cannot read it)
if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/useradd ]; then
  for i in 1 2 3 4 5 6; do ok 0 "# SKIP multi-user needs root and useradd"; done
  t_done
fi
P=rc$(( $$ % 100000 ))
U=${P}u
for u in "${P}q" "${P}d" "${P}alias" "$U"; do
  getent passwd "$u" >/dev/null && { echo "Bail out! user $u exists already"; exit 1; }
done
trap 't_users_del "$P" "$U"; t_cleanup' EXIT
M=$T_DIR/multi
berth-setup -P "$P" -n test.example "$M" >/dev/null; ok $? "a multi-user instance"
/usr/sbin/useradd -M -d "$T_DIR/u" -s /bin/sh "$U" || { echo "Bail out! useradd $U"; exit 1; }
mkdir -m 700 "$T_DIR/u"; echo ./Maildir/ > "$T_DIR/u/.qmail-lists-default"; chown -R "$U" "$T_DIR/u"
( cd "$M" && BERTH_HOME=$M "$M/bin/berth-reload" 2>&1 ) | grep -q 'rebuilt users/recipients.cdb'; ok $? "berth-reload (root) rebuilds the map after a new passwd user"
port=$(free_port)
t_bg tcpserver -HRl0 -u "$(id -u "${P}d")" -g "$(id -g "${P}d")" 127.0.0.1 "$port" env BERTH_HOME="$M" "$M/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
H=$M; rebuild () { ( cd "$M" && BERTH_HOME=$M "$M/bin/berth-reload" >/dev/null 2>&1 ); }
settle
FRESH=1
is "$(code "$U@test.example")" 250 "the passwd user: 250"
is "$(code "$U-lists-x@test.example") $(code "$U-other@test.example")" "250 550" "its extensions, from its 0700 home: lists-x 250 (.qmail-lists-default), other 550"
is "$(code postmaster@test.example) $(code nosuch@test.example)" "250 550" "the alias user: postmaster 250, nosuch 550"
grep -q 'status=refused .*reason=no-mailbox' "$T_DIR/smtpd.log"; ok $? "refusals logged by berth-smtpd running as ${P}d"
t_done

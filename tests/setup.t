#!/bin/sh
# berth-setup: a new instance, a re-run that repairs without destroying, an ordinary user's instance.
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
h=$BERTH_HOME
for p in control/me control/rcpthosts users/assign alias queue/mess queue/intd queue/todo; do
  [ -e "$h/$p" ]; ok $? "creates $p"
done
[ -p "$h/queue/lock/trigger" ]; ok $? "creates the trigger fifo"
is "$(cat "$h/control/me")" test.example "control/me from -n"
is "$(cat "$h/control/locals")" "$(cat "$h/control/rcpthosts")" "control/locals names what control/rcpthosts names"
grep -qx localhost "$h/control/locals"; ok $? "localhost is local: never relayed back to this host"
is "$(stat -c %U "$h/queue/todo")" "$TESTUSER" "owned by the instance owner"

printf 'Subject: keep\n\nme\n' > "$T_DIR/m"; printf 'Fa@b\0Tc@d\0\0' > "$T_DIR/e"; chmod 644 "$T_DIR/m" "$T_DIR/e"
as_user berth-queue < "$T_DIR/m" 1< "$T_DIR/e"; ok $? "a message is queued"
echo edited.example > "$h/control/me"
rmdir "$h/queue/intd"; rm "$h/queue/lock/trigger"
berth-setup -u "$TESTUSER" -n other.example "$h"; ok $? "re-run succeeds"
is "$(cat "$h/control/me")" edited.example "re-run keeps an edited control file"
is "$(ls "$h/queue/todo" | wc -l)" 1 "re-run keeps queued mail"
[ -d "$h/queue/intd" ] && [ -p "$h/queue/lock/trigger" ]; ok $? "re-run repairs what was missing"

# what it says it made, and what to do next; a re-run names only what it changed
berth-setup -u "$TESTUSER" -n say.example -a 127.0.0.1 "$T_DIR/say" > "$T_DIR/said"; ok $? "a new instance"
for l in "created control/me" "created control/rcpthosts" "created queue/" "created service/smtpd" "created service/send" \
         "made the instance $T_DIR/say" "next: edit $T_DIR/say/control" "start it:  s6-svscan $T_DIR/say/service"; do
  grep -q "^berth-setup: $l" "$T_DIR/said"; ok $? "it says: $l"
done
berth-setup -u "$TESTUSER" -n say.example -a 127.0.0.1 "$T_DIR/say" > "$T_DIR/said2"
is "$(grep -c ' created ' "$T_DIR/said2")" 0 "a re-run creates nothing and says so"
grep -q "^berth-setup: brought up to date the instance $T_DIR/say" "$T_DIR/said2"; ok $? "and says it brought the instance up to date"
echo '#!/bin/sh' > "$T_DIR/say/service/smtpd/run"
berth-setup -u "$TESTUSER" -n say.example -a 127.0.0.1 "$T_DIR/say" > "$T_DIR/said3"
grep -q "^berth-setup: updated service/smtpd/run (restart the service to use it)" "$T_DIR/said3"; ok $? "a run script not as berth-setup writes it is brought up to date, and said"
grep -q 'berth-listen' "$T_DIR/say/service/smtpd/run"; ok $? "the run script is whole again"

berth-setup 2>/dev/null; is $? 100 "no home: usage error 100"
berth-setup -u no-such-user-here "$T_DIR/x" 2>/dev/null; is $? 100 "unknown user: 100"
if [ "$(id -u)" = 0 ]; then
  mkdir "$T_DIR/own" && chown "$TESTUSER" "$T_DIR/own"
  s6-setuidgid "$TESTUSER" berth-setup -n u.example "$T_DIR/own/i"; ok $? "an ordinary user makes its own instance"
  is "$(stat -c %U "$T_DIR/own/i/queue")" "$TESTUSER" "owned by that user"
  s6-setuidgid "$TESTUSER" berth-setup -u root "$T_DIR/own/j" 2>/dev/null; is $? 100 "an ordinary user cannot make one for another user"
fi
t_done

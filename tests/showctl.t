#!/bin/sh
# berth-showctl: effective settings with defaults, and warnings about mistakes.
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
c=$BERTH_HOME/control
out=$(berth-showctl); rc=$?
is "$rc" 0 "a fresh instance has no warning"
echo "$out" | grep -q '^concurrencyremote: (absent) default: 20 ' ; ok $? "defaults shown"
echo "$out" | grep -q '^bouncehost: (absent) default: test.example ' ; ok $? "defaults to me shown as me's value"
echo 'virt.example:joe' > "$c/virtualdomains"; echo 33 > "$c/concurrencylocal"
out=$(berth-showctl); is $? 0 "valid settings: no warning"
echo "$out" | grep -q '^concurrencylocal: 33 ' ; ok $? "a set value is shown"
echo 'test.example:joe' >> "$c/virtualdomains"
out=$(berth-showctl); is $? 1 "a domain in locals and virtualdomains: exit 1"
echo "$out" | grep -q 'warning: domain test.example is both in locals and in virtualdomains' ; ok $? "and the warning names it"
echo 'not-a-number' > "$c/databytes"
berth-showctl | grep -q 'warning: control/databytes is not a number'; ok $? "a bad number is reported"
out=$(berth-showctl)
echo "$out" | grep -q '^tlspolicy: (absent) default: \*:may ' ; ok $? "berth's own files are listed (tlspolicy)"
echo "$out" | grep -q '^dnssec: (absent) default: 0 ' ; ok $? "control/dnssec is listed, default 0"
echo "$out" | grep -q '^smtpauth: (absent) ' ; ok $? "smtpauth listed when absent"
printf 'relay.example:relayuser:s3cret:pw\n' > "$c/smtpauth"; chmod 644 "$c/smtpauth"
out=$(berth-showctl)
echo "$out" | grep -q '^smtpauth: (present, 1 entry) ' ; ok $? "smtpauth: presence and entry count"
echo "$out" | grep -q '^logdebug: (absent) default: 0 '; ok $? "logdebug shown, off by default"
case $out in *s3cret*|*relayuser*) ok 1 "smtpauth's contents are never printed" ;; *) ok 0 "smtpauth's contents are never printed" ;; esac
echo "$out" | grep -q 'warning: control/smtpauth is readable by others' ; ok $? "a smtpauth readable by others is a warning"
chmod 600 "$c/smtpauth"
berth-showctl | grep -q 'smtpauth is readable' ; [ $? = 1 ]; ok $? "mode 600: no warning"
rm "$c/me"
berth-showctl | grep -q 'warning: control/me is missing'; ok $? "missing me is reported"
printf 'garbage' > "$c/morercpthosts.cdb"
berth-showctl | grep -q 'morercpthosts.cdb cannot be read as a cdb'; ok $? "an unreadable cdb is reported"
# -n: only the files that are set (postconf -n)
t_instance home2
c=$BERTH_HOME/control
echo 33 > "$c/concurrencylocal"
out=$(berth-showctl -n); is $? 0 "-n on a clean instance: exit 0"
echo "$out" | grep -q '^concurrencylocal: 33 ' ; ok $? "-n shows a set file"
echo "$out" | grep -q '^me: test.example ' ; ok $? "-n shows me"
echo "$out" | grep -q '(absent)' ; [ $? = 1 ]; ok $? "-n shows no absent file"
echo "$out" | grep -q '^berth instance' ; [ $? = 1 ]; ok $? "-n prints settings only"
berth-showctl -x >/dev/null 2>&1; is $? 100 "an unknown option: usage, exit 100"
# a file berth does not know (qmail-showctl: "I have no idea what this file does")
echo 1 > "$c/concurencylocal"
out=$(berth-showctl); is $? 1 "an unknown file in control/: exit 1"
echo "$out" | grep -q '^warning: control/concurencylocal: I have no idea what this file does' ; ok $? "and the warning names it"
berth-showctl -n | grep -q 'concurencylocal: I have no idea' ; ok $? "-n warns too"
rm "$c/concurencylocal"
: > "$c/tcp.smtp.cdb"; : > "$c/tcp.smtp.tmp.123"
berth-showctl >/dev/null; is $? 0 "files berth writes itself (a cdb, a temporary) are known"
# compiled files behind their source
echo 'more.example' > "$c/morercpthosts"; rm -f "$c/morercpthosts.cdb"
out=$(berth-showctl); is $? 1 "morercpthosts with entries and no cdb: exit 1"
echo "$out" | grep -q '^warning: control/morercpthosts has entries but is not compiled (no cdb): run berth-reload' ; ok $? "and the warning says how"
berth-reload >/dev/null 2>&1
berth-showctl >/dev/null; is $? 0 "after berth-reload: no warning"
touch -d '2000-01-01' "$c/morercpthosts.cdb"
out=$(berth-showctl); is $? 1 "morercpthosts.cdb older than morercpthosts: exit 1"
echo "$out" | grep -q '^warning: control/morercpthosts is newer than control/morercpthosts.cdb: run berth-reload' ; ok $? "a stale morercpthosts.cdb is named"
berth-reload >/dev/null 2>&1
touch -d '2000-01-01' "$c/tcp.smtp.cdb"
berth-showctl | grep -q '^warning: control/tcp.smtp is newer than control/tcp.smtp.cdb: run berth-reload' ; ok $? "a stale tcp.smtp.cdb is named"
berth-reload >/dev/null 2>&1
printf '=joe:joe:1000:1000:/home/joe:::\n.\n' > "$BERTH_HOME/users/assign"; rm -f "$BERTH_HOME/users/assign.cdb"
berth-showctl | grep -q '^warning: users/assign has entries but is not compiled (no cdb): run berth-newu' ; ok $? "an uncompiled users/assign is named"
berth-newu >/dev/null 2>&1; touch -d '2000-01-01' "$BERTH_HOME/users/assign.cdb"
berth-showctl | grep -q '^warning: users/assign is newer than users/assign.cdb' ; ok $? "a stale users/assign.cdb is named"
berth-newu >/dev/null 2>&1
out=$(berth-showctl); is $? 0 "all compiled: no warning"
t_done

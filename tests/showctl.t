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
case $out in *s3cret*|*relayuser*) ok 1 "smtpauth's contents are never printed" ;; *) ok 0 "smtpauth's contents are never printed" ;; esac
echo "$out" | grep -q 'warning: control/smtpauth is readable by others' ; ok $? "a smtpauth readable by others is a warning"
chmod 600 "$c/smtpauth"
berth-showctl | grep -q 'smtpauth is readable' ; [ $? = 1 ]; ok $? "mode 600: no warning"
rm "$c/me"
berth-showctl | grep -q 'warning: control/me is missing'; ok $? "missing me is reported"
printf 'garbage' > "$c/morercpthosts.cdb"
berth-showctl | grep -q 'morercpthosts.cdb cannot be read as a cdb'; ok $? "an unreadable cdb is reported"
t_done

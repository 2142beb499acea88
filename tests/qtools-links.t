#!/bin/sh
# package/qmail-links: qmail's names as symlinks to the berth programs; a real qmail program
# (not a symlink) is left alone.
. "$BERTH_TOP/tests/lib.sh"
t_start 10
B=$T_DIR/bin
mkdir -p "$B"
for p in smtpd queue inject remote local qread qstat newu showctl; do cp "$BERTH_TOP/bin/berth-$p" "$B/"; done
sh "$BERTH_TOP/package/qmail-links" "$B" >/dev/null; is "$?" 0 "qmail-links exits 0"
n=0
for p in smtpd queue inject remote local qread qstat newu showctl; do
  [ "$(readlink "$B/qmail-$p")" = "berth-$p" ] && n=$((n + 1))
done
is "$n" 9 "nine qmail names link to the berth programs"
[ ! -e "$B/qmail-send" ] && [ ! -e "$B/qmail-lspawn" ]; ok $? "no link where the interface differs"
t_instance
as_user env BERTH_HOME="$BERTH_HOME" "$B/qmail-qstat" | head -n 1 | grep -q "^messages in queue: 0\$"; ok $? "qmail-qstat runs berth-qstat"
rm "$B/qmail-queue"; echo real > "$B/qmail-queue"
sh "$BERTH_TOP/package/qmail-links" "$B" >/dev/null 2>"$T_DIR/err"; is "$?" 111 "a real qmail program: 111"
[ "$(cat "$B/qmail-queue")" = real ] && grep -q "not a symlink" "$T_DIR/err"; ok $? "... left alone, with a warning"
sh "$BERTH_TOP/package/qmail-links" "$B" >/dev/null 2>&1
[ "$(readlink "$B/qmail-smtpd")" = berth-smtpd ]; ok $? "re-running keeps the links"
t_done

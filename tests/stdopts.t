#!/bin/sh
# --help and --version on every program of bin/ and on the names it is called by (mailq,
# newaliases, qmail's names of package/qmail-links): exit 0, the synopsis or "PROG VERSION" on
# stdout, nothing read from stdin; --help only as the first argument.
. "$BERTH_TOP/tests/lib.sh"
t_start 60
version=$(sed -n 's/^version=//p' "$BERTH_TOP/package/info")
progs=$(sed -e 's/#.*//' "$BERTH_TOP/package/targets" | awk 'NF { print $1 }')
for p in $progs; do
  out=$("$BERTH_TOP/bin/$p" --version </dev/null 2>"$T_DIR/err"); rc=$?
  is "$rc" 0 "$p --version: exit 0"
  is "$out" "$p $version" "$p --version: '$p $version'"
  out=$("$BERTH_TOP/bin/$p" --help </dev/null 2>"$T_DIR/err"); rc=$?
  is "$rc" 0 "$p --help: exit 0"
  case $(printf '%s\n' "$out" | head -n 1) in *"$p"*) ok 0 "$p --help: the synopsis names $p" ;; *) ok 1 "$p --help: the synopsis names $p" ;; esac
  [ -s "$T_DIR/err" ]; [ $? = 1 ]; ok $? "$p --help: nothing on stderr"
  # every line of the synopsis is on the doc page (its Synopsis section says the same)
  printf '%s\n' "$out" | tr -s ' ' > "$T_DIR/help"
  tr -s ' ' < "$BERTH_TOP/doc/$p.md" > "$T_DIR/doc"
  missing=$(while IFS= read -r l; do grep -qF -- "$l" "$T_DIR/doc" || echo "$l"; done < "$T_DIR/help")
  is "$missing" "" "$p --help: every line is in doc/$p.md's Synopsis"
done
# the names programs are called by
mkdir "$T_DIR/bin"
for p in $progs; do ln -s "$BERTH_TOP/bin/$p" "$T_DIR/bin/$p"; done
ln -s "$BERTH_TOP/bin/sendmail" "$T_DIR/bin/mailq"
ln -s "$BERTH_TOP/bin/sendmail" "$T_DIR/bin/newaliases"
sh "$BERTH_TOP/package/qmail-links" "$T_DIR/bin" >/dev/null 2>&1
for p in mailq newaliases qmail-queue qmail-local qmail-remote qmail-smtpd; do
  out=$("$T_DIR/bin/$p" --version </dev/null 2>/dev/null); rc=$?
  is "$rc" 0 "$p --version: exit 0"
  case $out in *" $version") ok 0 "$p --version: the version" ;; *) ok 1 "$p --version: the version ($out)" ;; esac
  "$T_DIR/bin/$p" --help </dev/null >/dev/null 2>&1; is $? 0 "$p --help: exit 0"
done
# only as argv[1]: elsewhere it is an ordinary argument (here: a usage error, exit 100)
t_instance
berth-qstat x --help >/dev/null 2>&1; is $? 100 "--help after another argument is not taken"
berth-showctl -n --version >/dev/null 2>&1; is $? 100 "--version after another argument is not taken"
t_done

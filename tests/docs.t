#!/bin/sh
# Documentation check: every program in package/targets has doc/PROGRAM.md, every control file
# the sources read (a "control/NAME" string) is described in doc/control.md and known to
# berth-showctl (which warns about the files it does not know), and the README links
# the documentation index; the documentation speaks of the project only (no design brief).
. "$BERTH_TOP/tests/lib.sh"
cd "$BERTH_TOP" || exit 1
for p in $(sed -e 's/#.*//' package/targets | awk 'NF { print $1 }'); do
  [ -s "doc/$p.md" ]; ok $? "doc/$p.md exists for $p"
done
names=$( { grep -rhoE '"control/[a-z0-9.]+' src | sed 's|"control/||'
           grep -hoE 'read[a-z]*\(s, [^"]*"[a-z0-9.]+"' src/berth-smtpd/*.c | grep -oE '"[a-z0-9.]+"' | tr -d '"'
           sed -n 's/^  { "\([a-z0-9.]*\)", K_.*/\1/p' src/berth-showctl/*.c ; } | sort -u)
for n in $names; do
  grep -q "\`$n\`" doc/control.md; ok $? "control file $n is documented in doc/control.md"
  # berth-showctl warns about every file of control/ it does not know: each one berth reads is in its table
  grep -q "\"$n\"" src/berth-showctl/table.c; ok $? "control file $n is known to berth-showctl (src/berth-showctl/table.c)"
done
grep -q 'doc/index.md' README; ok $? "README links doc/index.md"
! grep -rliw 'brief' doc README; ok $? "no page refers to a brief: the documentation states its facts itself"
for f in doc/*.md; do
  b=$(basename "$f")
  [ "$b" = index.md ] && continue
  grep -q "($b)" doc/index.md; ok $? "doc/index.md links $b"
done
t_done

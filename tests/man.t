#!/bin/sh
# Man pages: make builds one per program from its doc/ page (package/mkman, lowdown) and
# berth-control(5) from control.md; each has a NAME line whatis understands, renders with man(1),
# and make install puts them where man finds them.
. "$BERTH_TOP/tests/lib.sh"
command -v lowdown > /dev/null 2>&1 || skip_all "lowdown is not installed"
command -v man > /dev/null 2>&1 || skip_all "man is not installed"
t_start 60
cd "$BERTH_TOP" || exit 1
progs=$(sed -e 's/#.*//' package/targets | awk 'NF { print $1 }')
missing= bad= norender=
for p in $progs; do
  m=build/man/$p.8
  [ -f "$m" ] || { missing="$missing $p"; continue; }
  case $(lexgrog "$m" 2>/dev/null) in *": \"$p - "?*) ;; *) bad="$bad $p" ;; esac
  MANWIDTH=80 man -l "$m" > "$T_DIR/out" 2>/dev/null && grep -q "^NAME" "$T_DIR/out" && grep -Eq "^ *$p +- " "$T_DIR/out" || norender="$norender $p"
done
is "$missing" "" "a man page for every program (build/man/PROG.8)"
is "$bad" "" "each with a NAME line whatis reads (lexgrog: PROG - description)"
is "$norender" "" "each renders with man -l"
case $(lexgrog build/man/berth-control.5 2>/dev/null) in *'"berth-control - '*) ok 0 "berth-control(5) from control.md" ;; *) ok 1 "berth-control(5) from control.md" ;; esac
MANWIDTH=80 man -l build/man/berth-queue.8 2>/dev/null | grep -q 'qmail-queue(8) for berth'; ok $? "the text is the doc page's own"
D=$T_DIR/dest
sh package/install "$D" /usr/local > /dev/null 2>&1; ok $? "package/install"
n=$(ls "$D/usr/local/share/man/man8" 2>/dev/null | wc -l)
is "$n" "$(echo "$progs" | wc -w)" "make install puts every section 8 page in share/man/man8"
[ -f "$D/usr/local/share/man/man5/berth-control.5" ]; ok $? "and berth-control.5 in man5"
MANWIDTH=80 man -M "$D/usr/local/share/man" berth-send 2>/dev/null | grep -q '^NAME'; ok $? "man finds an installed page by name (man -M ... berth-send)"
t_done

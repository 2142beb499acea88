#!/bin/sh
# berth-newu: good and bad users/assign files; a bad one exits 100 naming the line and leaves
# the old users/assign.cdb in place; precedence as seen through berth-lspawn.
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER"); G=$(id -g "$TESTUSER")

# newu CONTENT [FORMAT]: writes users/assign, runs berth-newu, prints "rc: stderr"
newu () {
  printf "${2:-%s}" "$1" > "$H/users/assign"
  as_user berth-newu 2> "$T_DIR/err"
  echo "$?: $(cat "$T_DIR/err")"
}

is "$(newu '.
')" "0: " "only the final dot"
ok "$(test -f "$H/users/assign.cdb"; echo $?)" "users/assign.cdb created"
is "$(newu "=a:a:$U:$G:/tmp:::
+b-:b:$U:$G:/tmp:-::
.
")" "0: " "exact and wildcard entries"
cp "$H/users/assign.cdb" "$T_DIR/good.cdb"
n=0
while IFS='|' read -r line want; do
  n=$((n + 1))
  is "$(newu '' "$line")" "$want" "bad file $n"
  cmp -s "$T_DIR/good.cdb" "$H/users/assign.cdb"; ok $? "bad file $n: old cdb kept"
done <<EOF2
=a:a:$U:$G:/tmp:::\n|100: berth-newu: fatal: users/assign: missing final "." line at line 2
=a:a:$U:$G:/tmp::\n.\n|100: berth-newu: fatal: users/assign: bad syntax at line 1 (old cdb kept)
=a:a:$U:$G:/tmp:::\n=b:b:x:$G:/tmp:::\n.\n|100: berth-newu: fatal: users/assign: bad syntax at line 2 (old cdb kept)
=a:a:$U:$G:/tmp:::\n\n.\n|100: berth-newu: fatal: users/assign: bad syntax at line 2 (old cdb kept)
# comment\n.\n|100: berth-newu: fatal: users/assign: bad syntax at line 1 (old cdb kept)
*a:a:$U:$G:/tmp:::\n.\n|100: berth-newu: fatal: users/assign: bad syntax at line 1 (old cdb kept)
EOF2
ok "$(test ! -e "$H/users/assign.cdb.tmp"; echo $?)" "no temporary file left"
is "$(newu '=a:a:1:1:/tmp:::
.
=b:garbage after the end
')" "0: " "lines after the final dot are ignored"

# precedence seen by berth-lspawn: exact beats wildcard, longer wildcard beats shorter
for d in exact long short; do
  mkdir -p "$T_DIR/$d"; printf '|echo %s "$EXT"\n' "$d" > "$T_DIR/$d/.qmail-default"
  printf '|echo %s\n' "$d" > "$T_DIR/$d/.qmail"
  chown -R "$U" "$T_DIR/$d"; chmod 755 "$T_DIR/$d"; chmod 644 "$T_DIR/$d/.qmail-default" "$T_DIR/$d/.qmail"
done
newu "+dev-:short:$U:$G:$T_DIR/short:-::
=dev-team:exact:$U:$G:$T_DIR/exact:::
+dev-team-:long:$U:$G:$T_DIR/long:-::
.
" >/dev/null
queue () {
  printf 'F%s\0T%s\0\0' "$1" "$2" > "$T_DIR/env"
  BERTH_IDFD=5 as_user berth-queue 5>"$T_DIR/id" 1<"$T_DIR/env" </dev/null || return 1
  cat "$T_DIR/id"
}
who () {
  id=$(queue s@x "$1@test.example")
  printf '\0%s\0%s\0%s\0\0' "$id" s@x "$1@test.example" | as_user berth-lspawn | tail -c +2 | tr '\0' '\n'
}
is "$(who DEV-Team)" "Kexact/did 0+0+1" "exact entry wins (case-insensitive)"
is "$(who dev-team-x)" "Klong x/did 0+0+1" "longer wildcard wins"
is "$(who dev-other)" "Kshort other/did 0+0+1" "shorter wildcard otherwise"
t_done

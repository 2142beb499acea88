#!/bin/sh
# valgrind memcheck over every unit test: no invalid access, no leak, no uninitialised use.
. "$BERTH_TOP/tests/lib.sh"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed"
[ "${BERTH_SAN:-}" = 1 ] && skip_all "sanitizer build: valgrind cannot run ASan binaries"
t_start 120
for u in "$BERTH_TOP"/build/tests/*; do
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$u" >/dev/null 2>"$T_DIR/vg.log"
  rc=$?
  [ "$rc" != 99 ]; ok $? "memcheck clean: $(basename "$u")"
  [ "$rc" = 99 ] && sed 's/^/# /' "$T_DIR/vg.log"
done
t_done

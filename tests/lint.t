#!/bin/sh
# Static analysis is clean: cppcheck over src/ always (about 20 s); clang-tidy too when
# BERTH_LINT_TIDY=1 (.ci/run sets it; about 2 minutes of CPU, so not in every local `make check`).
# Any finding fails. Skipped when a tool is missing. Reruns: `make lint` (LINT_JOBS=N clang-tidy at a time).
. "$BERTH_TOP/tests/lib.sh"
command -v cppcheck >/dev/null 2>&1 || skip_all "cppcheck is not installed"
command -v make >/dev/null 2>&1 || skip_all "make is not installed"
t_start 400
show () { grep -E '(error|warning|style|portability|performance):' "$1" | head -40 | sed 's/^/# /'; }
make -s -C "$BERTH_TOP" lint-cppcheck > "$T_DIR/cppcheck.log" 2>&1
rc=$?
is "$rc" 0 "cppcheck clean"
[ "$rc" = 0 ] || show "$T_DIR/cppcheck.log"
if [ "${BERTH_LINT_TIDY:-}" = 1 ] && command -v clang-tidy >/dev/null 2>&1; then
  make -s -C "$BERTH_TOP" lint-tidy > "$T_DIR/tidy.log" 2>&1
  rc=$?
  is "$rc" 0 "clang-tidy clean"
  [ "$rc" = 0 ] || show "$T_DIR/tidy.log"
else
  echo "ok 2 # SKIP clang-tidy: set BERTH_LINT_TIDY=1 (CI does) or run make lint"; T_N=$((T_N + 1))
fi
t_done

#!/bin/sh
# make lint (cppcheck and clang-tidy over src/) is clean: any finding fails this test.
# Skipped when either tool is missing. Reruns: `make lint` (LINT_JOBS=N for N clang-tidy at a time).
. "$BERTH_TOP/tests/lib.sh"
command -v cppcheck >/dev/null 2>&1 || skip_all "cppcheck is not installed"
command -v clang-tidy >/dev/null 2>&1 || skip_all "clang-tidy is not installed"
command -v make >/dev/null 2>&1 || skip_all "make is not installed"
t_start 400
make -s -C "$BERTH_TOP" lint > "$T_DIR/lint.log" 2>&1
rc=$?
is "$rc" 0 "make lint: cppcheck and clang-tidy clean"
[ "$rc" = 0 ] || grep -E '(error|warning|style|portability|performance):' "$T_DIR/lint.log" | head -40 | sed 's/^/# /'
t_done

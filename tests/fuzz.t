#!/bin/sh
# A short libFuzzer run of every fuzz target (tests/fuzz/*.c); `make fuzz` runs them longer.
# The first run compiles libberth once for fuzzing (build/fuzz/libberth.a); later runs only
# relink what changed. A 2 s budget per target (about 3 s with start-up and exit).
exec "$BERTH_TOP/tests/fuzz/run" "${BERTH_FUZZ_SECONDS:-2}"

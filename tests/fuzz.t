#!/bin/sh
# A short libFuzzer run of every fuzz target (tests/fuzz/*.c); `make fuzz` runs them longer.
exec "$BERTH_TOP/tests/fuzz/run" "${BERTH_FUZZ_SECONDS:-4}"

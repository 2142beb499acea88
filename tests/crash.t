#!/bin/sh
# The crash-state explorer (tests/crash/explore.py, doc/reliability.md "Crash states"): a real run
# of berth-queue and berth-send recorded with strace, every state a crash could leave on disk
# built under three persistence models, berth-send's first start after a reboot run on a sample
# of them, and the queue's promises checked. BERTH_CRASH_FULL=1 (make crashcheck) runs every state.
. "$BERTH_TOP/tests/lib.sh"
command -v strace >/dev/null 2>&1 || skip_all "no strace"
t_start 3600
if [ "${BERTH_CRASH_FULL:-}" = 1 ]; then set -- --full; else set -- --max 4; fi
"$PY" "$BERTH_TOP/tests/crash/explore.py" "$@"

#!/bin/sh
# The crash-state explorer (tests/crash/explore.py, doc/reliability.md "Crash states"): a real run
# of berth-queue, berth-smtpd committing in process, berth-local into a Maildir and berth-send,
# recorded with strace on ext4 and on a tmpfs (where the writers fsync mess/), every state a
# crash could leave on disk built under three persistence models, berth-send's first start after
# a reboot run on a sample of 12 per model, and the promises checked. BERTH_CRASH_FULL=1
# (make crashcheck) runs every state, and the strict POSIX model on the ext4 trace as well.
. "$BERTH_TOP/tests/lib.sh"
command -v strace >/dev/null 2>&1 || skip_all "no strace"
# the full run: about 20 minutes alone on 2 cores, over an hour when they are shared
if [ "${BERTH_CRASH_FULL:-}" = 1 ]; then t_start 7200; set -- --full; else t_start 3600; set -- --max 12; fi
"$PY" "$BERTH_TOP/tests/crash/explore.py" "$@"

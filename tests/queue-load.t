#!/bin/sh
# berth-queue: 1000 concurrent injections, SIGKILL during 200 injections, a 50 MiB message.
. "$BERTH_TOP/tests/lib.sh"
t_start 240
t_instance
"$PY" "$BERTH_TOP/tests/queue-load.py" "$BERTH_HOME" "$TESTUSER"

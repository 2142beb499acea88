# Helpers for the security review's berth-send tests (tests/sec-queue-*.t). Sourced after
# tests/lib.sh and tests/send-lib.sh.

# send_limited BYTES: berth-start runs berth-send (alone: the fake spawners are python) under a
# data limit of BYTES, as the send service's conf/datalimit does; sets Q, uid (the owner's) too.
send_limited () {
  command -v s6-softlimit >/dev/null || skip_all "s6-softlimit not installed"
  printf '#!/bin/sh\nexec s6-softlimit -d %s "%s"\n' "$1" "$BERTH_TOP/bin/berth-send" > "$T_DIR/send-limited"
  chmod 755 "$T_DIR/send-limited"
  BERTH_SEND=$T_DIR/send-limited
  Q=$BERTH_HOME/queue
  uid=$(id -u "$TESTUSER")
  export BERTH_SEND Q uid
}

# Helpers for tests/qtools-*.t: a real berth-start (real spawners) whose remote mail all goes to a
# loopback sink (tests/remote-sink.py: local parts starting with t450 get 450 at RCPT, so every
# message stays deferred). Sourced after tests/lib.sh and tests/send-lib.sh.

# qt_setup: instance (send_setup), real spawners, smtproutes to the sink; sets SINK (its dir)
qt_setup () {
  send_setup
  unset BERTH_LSPAWN BERTH_RSPAWN
  QT_PORT=$(free_port)
  SINK=$T_DIR/sink
  mkdir -p "$SINK" && chmod 777 "$SINK"
  t_bg /usr/bin/python3 "$BERTH_TOP/tests/remote-sink.py" "$QT_PORT" "$SINK" --host 127.0.0.1
  ctl smtproutes ":[127.0.0.1]:$QT_PORT"
  ctl locals test.example
  wait_port "$QT_PORT" 10 || echo "# the sink did not start"
}

# attempts RCPT: how many times the sink saw RCPT TO:<RCPT>
attempts () { grep -c "RCPT TO:<$1>" "$SINK/chunks" 2>/dev/null || true; }
# at_least N RCPT
at_least () { [ "$(attempts "$2")" -ge "$1" ]; }

# qinject FROM RCPT...: inject, print the id
qinject () {
  qi_env=$T_DIR/env.$$
  { printf 'F%s\000' "$1"; shift; for r in "$@"; do printf 'T%s\000' "$r"; done; printf '\000'; } > "$qi_env"
  chmod 644 "$qi_env"
  printf 'Subject: test\n\nbody for %s\n' "$*" | as_user env BERTH_IDFD=9 berth-queue 9>&1 1<"$qi_env"
}

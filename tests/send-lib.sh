# Helpers for the berth-send tests (tests/send-*.t): an instance, fake spawners, injection.
# Sourced after tests/lib.sh.

# send_setup: instance + fake spawner directory; time runs RETRYSCALE times faster.
# The instance lives on tmpfs when /dev/shm is usable (fsync is the slow part on a loaded disk;
# a SIGKILL, the crash these tests make, does not lose the page cache either way).
send_setup () {
  if [ -d /dev/shm ] && SEND_SHM=$(mktemp -d /dev/shm/berth-send.XXXXXX 2>/dev/null); then
    chmod 755 "$SEND_SHM"
    ln -s "$SEND_SHM" "$T_DIR/home"
    trap '[ "${BERTH_KEEP:-}" = 1 ] || rm -rf "$SEND_SHM"; t_cleanup' EXIT
  fi
  t_instance
  FAKE_DIR=$T_DIR/fake
  [ "${BERTH_KEEP:-}" = 1 ] && diag "T_DIR=$T_DIR"
  mkdir -p "$FAKE_DIR/box"
  [ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$FAKE_DIR"
  BERTH_LSPAWN=$BERTH_TOP/tests/send-fake-lspawn
  BERTH_RSPAWN=$BERTH_TOP/tests/send-fake-rspawn
  # These tests read berth-send's bounce records as it leaves them: a bouncer that always
  # fails temporarily keeps them (tests/bounce-e2e.t runs the real berth-bounce).
  BERTH_BOUNCE=/bin/false
  export FAKE_DIR BERTH_LSPAWN BERTH_RSPAWN BERTH_BOUNCE
  SEND_LOG=$T_DIR/send.log
  : > "$SEND_LOG"
  chmod 666 "$SEND_LOG"
}

# ctl NAME VALUE...: write a control file (one line per value).
ctl () {
  f=$BERTH_HOME/control/$1; shift
  printf '%s\n' "$@" > "$f"
}

# send_start: berth-start in the background as the instance owner; SEND_PID is berth-send's pid.
send_start () {
  if [ "$(id -u)" = 0 ]; then
    s6-setuidgid "$TESTUSER" berth-start 2>>"$SEND_LOG" &
  else
    berth-start 2>>"$SEND_LOG" &
  fi
  SEND_PID=$!
  echo "$SEND_PID" >> "$T_DIR/pids"
}

# children_of PID: the pids whose parent is PID.
children_of () { pgrep -P "$1"; }


# inject FROM RCPT...: one message through berth-queue as the owner.
inject () {
  from=$1; shift
  env=$T_DIR/env.$$
  { printf 'F%s\000' "$from"; for r in "$@"; do printf 'T%s\000' "$r"; done; printf '\000'; } > "$env"
  printf 'Subject: test\n\nbody for %s\n' "$*" | as_user berth-queue 1<"$env"
}

# inject_list < FILE: one message per input line (its recipients, space-separated), sender
# s@x.example, all in one process running as the owner (fast: no setuidgid per message).
inject_list () {
  as_user sh -c '
    while read -r rcpts; do
      { printf "Fs@x.example\000"; for r in $rcpts; do printf "T%s\000" "$r"; done; printf "\000"; } > "$1"
      printf "Subject: test\n\nbody for %s\n" "$rcpts" | berth-queue 1<"$1" || exit 1
    done' sh "$FAKE_DIR/env.list"
}

count_lines () { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
queue_empty () { [ -z "$(find "$BERTH_HOME/queue/state" "$BERTH_HOME/queue/todo" "$BERTH_HOME/queue/mess" -type f)" ]; }

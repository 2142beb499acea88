# Shared helpers for berth's integration tests: TAP output, a temporary instance, free loopback
# ports, processes started and stopped by pid, and a watchdog bounding the test's time.
# Usage: . "$BERTH_TOP/tests/lib.sh"; t_start SECONDS; ...; t_done
set -u
BERTH_TOP=${BERTH_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# /usr/bin before the rest: Debian's python3 and openssl, not a slower shim earlier on PATH
PATH="$BERTH_TOP/bin:/usr/bin:$PATH"
export PATH BERTH_TOP
T_N=0
T_FAILED=0

if [ "$(id -u)" = 0 ]; then TESTUSER=nobody; else TESTUSER=$(id -un); fi
# Debian's python3 (a pyenv shim earlier on PATH costs about a second per call, and lacks aiosmtpd)
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

ok () { # ok STATUS DESCRIPTION
  T_N=$((T_N + 1))
  if [ "$1" = 0 ]; then echo "ok $T_N - $2"; else T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $2"; fi
}
is () { # is GOT EXPECTED DESCRIPTION
  if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "got '$1', expected '$2'"; fi
}
diag () { echo "# $*"; }
# qbody FILE: the message in a queue file (mess/, or todo/ when it is the same file), without
# berth's queue header (doc/queue.md); a file without one is printed whole.
qbody () {
  if [ "$(head -c 8 "$1" | tr '\0' @)" = @BERTHQ1 ]; then tail -c +1025 "$1"; else cat "$1"; fi
}
# qenv FILE: the envelope of a todo/ file (its own file, or a message file's header) as an
# envelope file holds it: the records, then the final NUL.
qenv () {
  /usr/bin/python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
if d[:8] == b"\0BERTHQ1": d = d[8:1024]
i = d.find(b"\0\0")
sys.stdout.buffer.write(d[:i + 2] if i >= 0 else d)' "$1"
}
skip_all () { echo "1..0 # SKIP $*"; exit 0; }

# as_user CMD...: run CMD as the instance owner (nobody when the tests run as root).
as_user () {
  if [ "$(id -u)" = 0 ]; then s6-setuidgid "$TESTUSER" "$@"; else "$@"; fi
}

t_cleanup () {
  if [ -n "${T_DIR:-}" ] && [ -f "$T_DIR/pids" ]; then
    while read -r p; do kill -TERM "$p" 2>/dev/null; done < "$T_DIR/pids"
    sleep 0.1
    while read -r p; do kill -KILL "$p" 2>/dev/null; done < "$T_DIR/pids"
  fi
  [ -n "${T_WATCHDOG:-}" ] && kill "$T_WATCHDOG" 2>/dev/null
  [ -n "${T_DIR:-}" ] && [ "${BERTH_KEEP:-}" != 1 ] && rm -rf "$T_DIR"
}

# t_start SECONDS: temporary directory $T_DIR, a watchdog, cleanup on exit.
t_start () {
  T_DIR=$(mktemp -d /tmp/berth-test.XXXXXX)
  chmod 755 "$T_DIR"
  trap t_cleanup EXIT
  trap 'exit 1' INT TERM
  ( trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$1" </dev/null >/dev/null 2>&1 & s=$!
    wait "$s" && { echo "Bail out! $(basename "$0") timed out after $1 s"; kill -TERM $$; } ) &
  T_WATCHDOG=$!
}

# t_instance [NAME]: a single-user instance owned by $TESTUSER; sets BERTH_HOME. The recipient
# check berth-setup turns on for a new instance is turned off here (control/rcptcheck removed):
# these tests send to local addresses that have no mailbox on purpose; tests/rcptcheck.t tests it.
t_instance () {
  BERTH_HOME=$T_DIR/${1:-home}
  export BERTH_HOME
  berth-setup -u "$TESTUSER" -n test.example "$BERTH_HOME" || { echo "Bail out! berth-setup failed"; exit 1; }
  rm -f "$BERTH_HOME/control/rcptcheck" "$BERTH_HOME/users/recipients.cdb"
}

# t_users_del PREFIX [USER...]: delete the users and groups of a multi-user instance made with
# berth-setup -P PREFIX, and the USERs named (root only; each only when it exists).
t_users_del () {
  _p=$1; shift
  for _u in "${_p}q" "${_p}r" "${_p}d" "${_p}l" "${_p}alias" "$@"; do
    getent passwd "$_u" >/dev/null && /usr/sbin/userdel -f "$_u" 2>/dev/null
  done
  for _g in "$_p" "${_p}nofiles"; do getent group "$_g" >/dev/null && /usr/sbin/groupdel "$_g" 2>/dev/null; done
  return 0
}

# t_svscan_stop SCANDIR: stop the s6-svscan whose pid is $SCAN_PID (t_bg) on SCANDIR, if it
# runs, and wait up to 5 s for it (a multi-user test's cleanup, before its users go).
t_svscan_stop () {
  if [ -n "${SCAN_PID:-}" ] && kill -0 "$SCAN_PID" 2>/dev/null; then
    s6-svscanctl -t "$1" 2>/dev/null
    n=0; while [ $n -lt 50 ] && kill -0 "$SCAN_PID" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
  fi
  return 0
}

# t_bg [as_user] CMD...: start CMD in the background, remember its pid for cleanup; sets T_PID.
# (as_user is expanded here so that the pid is the command's own, not a subshell's.)
t_bg () {
  if [ "$1" = as_user ]; then
    shift
    if [ "$(id -u)" = 0 ]; then set -- s6-setuidgid "$TESTUSER" "$@"; fi
  fi
  "$@" & T_PID=$!
  echo "$T_PID" >> "$T_DIR/pids"
}

# free_port: a TCP port free on 127.0.0.1 now.
free_port () {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port () {
  "$PY" - "$1" "${2:-10}" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), time.time() + float(sys.argv[2])
while time.time() < limit:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s; 0 when it succeeded in time.
wait_until () {
  n=$(($1 * 10)); shift
  while [ "$n" -gt 0 ]; do
    if "$@"; then return 0; fi
    sleep 0.1; n=$((n - 1))
  done
  return 1
}

t_done () {
  echo "1..$T_N"
  echo "# $((T_N - T_FAILED)) passed, $T_FAILED failed"
  [ "$T_FAILED" = 0 ]
}

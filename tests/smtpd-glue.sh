# Sourced by tests/smtpd-*.t after lib.sh: smtpd_py runs a Python test body (stdin) with
# tests/smtpd_helper.py imported and turns its "STATUS<TAB>description" lines into TAP.
TAB=$(printf '\t')
export TESTUSER
smtpd_py () {
  { printf 'import sys\nsys.path.insert(0, "%s/tests")\nfrom smtpd_helper import *\n' "$BERTH_TOP"; cat; } > "$T_DIR/t.py"
  python3 "$T_DIR/t.py" > "$T_DIR/py.out"
  rc=$?
  while IFS="$TAB" read -r st desc; do
    case $st in D) diag "$desc" ;; *) ok "$st" "$desc" ;; esac
  done < "$T_DIR/py.out"
  ok "$rc" "python part ran to its end"
}


# smtpd_listen [setsid] TCPSERVER-OPTIONS...: tcpserver with berth-smtpd, as the instance owner,
# on 127.0.0.1:$port (a free port, exported); T_PID is tcpserver's own pid (with setsid: also its
# session id, for pgrep -s). Its stderr goes to $T_DIR/smtpd.log. Bails out if it does not listen.
smtpd_listen () {
  _ss=
  [ "${1:-}" = setsid ] && { _ss=setsid; shift; }
  port=$(free_port); export port
  # not through as_user: t_bg must see tcpserver's pid, not a subshell's
  if [ "$(id -u)" = 0 ]; then _su="s6-setuidgid $TESTUSER"; else _su=; fi
  t_bg $_ss $_su tcpserver "$@" 127.0.0.1 "$port" "$BERTH_TOP/bin/berth-smtpd" 2> "$T_DIR/smtpd.log"
  wait_port "$port" || { echo "Bail out! tcpserver did not start"; exit 1; }
}

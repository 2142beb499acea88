# Helpers for tests/remote-*.t: sinks, a loopback dnsmasq, running berth-remote as the owner.
# Sourced after tests/lib.sh.

# sink NAME IP PORT [remote-sink.py options]: a scripted sink recording into $T_DIR/NAME
sink () {
  _n=$1 _ip=$2 _p=$3; shift 3
  mkdir -p "$T_DIR/$_n" && chmod 777 "$T_DIR/$_n"
  t_bg /usr/bin/python3 "$BERTH_TOP/tests/remote-sink.py" "$_p" "$T_DIR/$_n" --host "$_ip" "$@"
}

# aiosink NAME PORT [--no-smtputf8]: aiosmtpd on 127.0.0.1 recording into $T_DIR/NAME
aiosink () {
  _n=$1 _p=$2; shift 2
  mkdir -p "$T_DIR/$_n" && chmod 777 "$T_DIR/$_n"
  t_bg /usr/bin/python3 "$BERTH_TOP/tests/remote-aiosink.py" "$_p" "$T_DIR/$_n" "$@"
}

# wait_listen IP PORT: until something accepts on IP:PORT (at most 10 s)
wait_listen () {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import socket, sys, time
ip, port, limit = sys.argv[1], int(sys.argv[2]), time.time() + 10
while time.time() < limit:
    try:
        socket.create_connection((ip, port), 0.5).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# dns PORT dnsmasq-options...: dnsmasq answering on 127.0.0.1:PORT (UDP and TCP), only what it is told
dns () {
  _p=$1; shift
  _u=""
  [ "$(id -u)" = 0 ] && _u=--user=root
  t_bg dnsmasq -k $_u --port="$_p" --listen-address=127.0.0.1,::1 --bind-interfaces --no-resolv --no-hosts \
    --pid-file="$T_DIR/dnsmasq.$_p.pid" --log-facility=- --quiet-dhcp "$@" 2>"$T_DIR/dnsmasq.$_p.log"
  wait_listen 127.0.0.1 "$_p" || echo "# dnsmasq did not start: $(cat "$T_DIR/dnsmasq.$_p.log")"
}

# remote HOST SENDER RCPT... < message: berth-remote as the instance owner; report on stdout,
# one record a line (NUL -> newline)
remote () {
  as_user berth-remote "$@" | tr '\0' '\n'
}

# ctl NAME VALUE: write a control file
ctl () { printf '%s\n' "$2" > "$BERTH_HOME/control/$1"; }


# notipme_sinks: the loopback addresses the sinks listen on count as another host's
# (control/notipme): berth-remote never delivers to this host's addresses found by MX or A
notipme_sinks () {
  i=1
  while [ $i -le 20 ]; do echo "127.0.0.$i"; i=$((i + 1)); done > "$BERTH_HOME/control/notipme"
  echo "::1" >> "$BERTH_HOME/control/notipme"
}

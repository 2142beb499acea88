# QMQP test helpers: a hub instance (berth-qmqpd under tcpserver), a null client instance whose
# queue program is berth-qmqpc, and a raw QMQP peer in python.
# Usage: . "$BERTH_TOP/tests/qmqp-lib.sh" after lib.sh and t_start.

# qmqp_hub NAME [VAR=VALUE...]: instance $T_DIR/NAME, berth-qmqpd on a free port (HUB_PORT),
# tcpserver's pid in HUB_PID; the environment pairs go to berth-qmqpd. QMQP_SERVER=berth-qmtpd
# runs that server instead.
qmqp_hub () {
  _h=$1; shift
  berth-setup -u "$TESTUSER" -n "$_h.example" "$T_DIR/$_h" > /dev/null || { echo "Bail out! berth-setup $_h"; exit 1; }
  HUB_PORT=$(free_port)
  if [ "$(id -u)" = 0 ]; then _setuid="s6-setuidgid $TESTUSER"; else _setuid=; fi
  t_bg env BERTH_HOME="$T_DIR/$_h" "$@" $_setuid tcpserver -HR 127.0.0.1 "$HUB_PORT" "$BERTH_TOP/bin/${QMQP_SERVER:-berth-qmqpd}" 2>> "$T_DIR/$_h.log"
  HUB_PID=$T_PID
  wait_port "$HUB_PORT" || { echo "Bail out! tcpserver for $_h did not start"; exit 1; }
}

# qmqp_pair: a hub (HUB, its port HP) and a null client instance (NC, the BERTH_HOME), and a
# port nothing listens on (dead)
qmqp_pair () {
  qmqp_hub hub
  HUB=$T_DIR/hub; HP=$HUB_PORT
  t_instance nc
  NC=$BERTH_HOME
  dead=$(free_port)
}

# qcount HOME: messages in an instance's todo/
qcount () { ls "$1/queue/todo" | wc -l; }

# qmqp_raw PORT: sends stdin's bytes as they are, prints the answer (or "none")
qmqp_raw () {
  cat > "$T_DIR/raw"
  "$PY" "$BERTH_TOP/tests/qmqp-peer.py" raw "$1" "$T_DIR/raw"
}

# ns STRING...: the netstrings of the arguments, concatenated
ns () { for _a in "$@"; do printf '%s:%s,' "${#_a}" "$_a"; done; }
# qmqp_req MESSAGE SENDER RCPT...: one QMQP request
qmqp_req () { _in=$(ns "$@"); printf '%s:%s,' "${#_in}" "$_in"; }

# Shared setup of tests/rtls-*.t (berth-remote's STARTTLS and AUTH): an instance, the test
# certificates in $C, one port $P for every sink (each on its own 127.0.0.x), short timeouts.
# Usage: . "$BERTH_TOP/tests/rtls-lib.sh"; rtls_setup SECONDS; rsink NAME IP [options]
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
. "$BERTH_TOP/tests/tls-certs.sh"

rtls_setup () {
  t_start "$1"
  t_instance
  notipme_sinks
  tls_certs
  C=$T_DIR/certs
  P=$(free_port)
  ctl smtpport "$P"
  ctl timeoutconnect 5
  ctl timeoutremote 10
}

# rsink NAME IP rtls-sink.py-options...: a sink on IP:$P recording into $T_DIR/NAME
rsink () {
  _n=$1 _ip=$2; shift 2
  mkdir -p "$T_DIR/$_n" && chmod 777 "$T_DIR/$_n"
  t_bg "$PY" "$BERTH_TOP/tests/rtls-sink.py" "$P" "$T_DIR/$_n" --host "$_ip" "$@" 2>"$T_DIR/$_n.stderr"
}

# leaf NAME DNSNAME...: $C/NAME.crt and .key signed by the test CA for the names given
leaf () {
  _n=$1; shift
  _san=$(printf 'DNS:%s,' "$@"); _san=${_san%,}
  ( cd "$C" &&
    openssl req -newkey rsa:2048 -nodes -keyout "$_n.key" -out "$_n.csr" -subj "/CN=$1" &&
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$_san" > "$_n.ext" &&
    openssl x509 -req -in "$_n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$_n.crt" -days 2 -extfile "$_n.ext" &&
    chmod 644 "$_n.crt" "$_n.key" ) >> "$C/openssl.log" 2>&1 || { echo "Bail out! cannot make $_n's certificate"; exit 1; }
}

# has TEXT PATTERN DESCRIPTION
has () { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac; }

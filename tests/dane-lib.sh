# A DNSSEC-signed zone "test." for the DANE tests: keys by ldns-keygen, signed by ldns-signzone,
# served by NSD on 127.0.0.1:$NSD_PORT, validated by unbound on $UNB_IP:$UNB_PORT with a trust
# anchor for "test." (no root: every other name is insecure). A second zone, "insec.test.",
# is delegated without DS: unsigned, provably insecure.
# Usage: . "$BERTH_TOP/tests/dane-lib.sh"; dane_zone DIR RECORDS INSEC_RECORDS [BOGUS_OWNER]
#   RECORDS and INSEC_RECORDS: zone file lines (owner names relative to the zone);
#   BOGUS_OWNER: an owner name (absolute) whose RRSIGs are broken after signing.
# UNB_IP (default 127.0.0.1) and UNB_PORT (default a free port) may be set before.
# Needs lib.sh (t_bg, free_port) and remote-lib.sh (wait_listen). Sets NSD_PORT, UNB_IP, UNB_PORT.

# tlsa_hash SELECTOR MTYPE PEMFILE: the association data of a TLSA record for a certificate
tlsa_hash () {
  case $1 in
    0) openssl x509 -in "$3" -outform DER ;;
    1) openssl x509 -in "$3" -noout -pubkey | openssl pkey -pubin -outform DER ;;
  esac | case $2 in
    1) sha256sum ;;
    2) sha512sum ;;
  esac | cut -d' ' -f1
}

dane_zone () {
  _d=$1
  mkdir -p "$_d"
  NSD_PORT=$(free_port)
  UNB_IP=${UNB_IP:-127.0.0.1}
  if [ -z "${UNB_PORT:-}" ]; then
    UNB_PORT=$(free_port)
    while [ "$UNB_PORT" = "$NSD_PORT" ]; do UNB_PORT=$(free_port); done
  fi
  (
    cd "$_d" || exit 1
    cat > test.zone <<ZONE
\$ORIGIN test.
\$TTL 60
@ SOA ns.test. admin.test. 1 3600 600 86400 60
@ NS ns.test.
ns A 127.0.0.1
insec NS ns.insec.test.
ns.insec A 127.0.0.1
$2
ZONE
    cat > insec.zone <<ZONE
\$ORIGIN insec.test.
\$TTL 60
@ SOA ns.insec.test. admin.test. 1 3600 600 86400 60
@ NS ns.insec.test.
ns A 127.0.0.1
$3
ZONE
    k=$(ldns-keygen -a ECDSAP256SHA256 -k test) &&
    ldns-signzone -f test.zone.signed test.zone "$k" &&
    if [ -n "${4:-}" ]; then
      # break the signature of every RRSIG at BOGUS_OWNER: its first base64 character changes
      awk -v o="${4:-}" '$1 == o && $4 == "RRSIG" { s = $NF; c = substr(s, 1, 1); $NF = (c == "A" ? "B" : "A") substr(s, 2) } { print }' \
        test.zone.signed > bogus && mv bogus test.zone.signed
    fi &&
    cp "$k.key" anchor.key &&
    cat > nsd.conf <<CONF
server:
  ip-address: 127.0.0.1
  port: $NSD_PORT
  username: ""
  chroot: ""
  zonesdir: "$_d"
  database: ""
  zonelistfile: "$_d/zone.list"
  xfrdfile: "$_d/xfrd.state"
  xfrdir: "$_d"
  pidfile: "$_d/nsd.pid"
  logfile: "$_d/nsd.log"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: test
  zonefile: test.zone.signed
zone:
  name: insec.test
  zonefile: insec.zone
CONF
    cat > unbound.conf <<CONF
server:
  interface: $UNB_IP
  port: $UNB_PORT
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$_d"
  pidfile: "$_d/unbound.pid"
  use-syslog: no
  logfile: "$_d/unbound.log"
  verbosity: 1
  val-log-level: 2
  num-threads: 1
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  module-config: "validator iterator"
  trust-anchor-file: "$_d/anchor.key"
  qname-minimisation: no
  target-fetch-policy: "0 0 0 0 0"
  cache-max-ttl: 0
  cache-max-negative-ttl: 0
  serve-expired: no
  local-zone: "test." nodefault
stub-zone:
  name: "test"
  stub-addr: 127.0.0.1@$NSD_PORT
stub-zone:
  name: "insec.test"
  stub-addr: 127.0.0.1@$NSD_PORT
remote-control:
  control-enable: no
CONF
  ) > "$_d/setup.log" 2>&1 || { sed "s/^/# /" "$_d/setup.log"; echo "Bail out! cannot make the signed test zone"; exit 1; }
  t_bg nsd -d -c "$_d/nsd.conf" 2>"$_d/nsd.stderr"
  t_bg unbound -d -c "$_d/unbound.conf" 2>"$_d/unbound.stderr"
  wait_listen 127.0.0.1 "$NSD_PORT" || diag "nsd did not start: $(cat "$_d/nsd.stderr" "$_d/nsd.log" 2>/dev/null)"
  wait_listen "$UNB_IP" "$UNB_PORT" || diag "unbound did not start: $(cat "$_d/unbound.stderr" "$_d/unbound.log" 2>/dev/null)"
}

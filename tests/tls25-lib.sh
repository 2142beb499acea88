# An instance whose port-25 service offers STARTTLS (control/tlscert and tlskey), for the tests
# with a Postfix sender (tls-postfix25.t, dane-postfix.t). Needs lib.sh.
# berth25_start ADDR PORT HOSTNAME CHAIN KEY DESCRIPTION: berth-setup in $T_DIR/home (sets
# BERTH_HOME, svc) listening on ADDR:PORT, the certificate chain and key copied into $T_DIR, the
# submission and smtps services removed, s6-svscan started; one TAP line (DESCRIPTION) says
# whether smtpd and send are ready.
berth25_start () {
  BERTH_HOME=$T_DIR/home; export BERTH_HOME
  berth-setup -u "$TESTUSER" -n "$3" -a "$1" -p "$2" "$BERTH_HOME" >/dev/null || { echo "Bail out! setup"; exit 1; }
  svc=$BERTH_HOME/service
  cp "$4" "$T_DIR/tls25.crt" && cp "$5" "$T_DIR/tls25.key" || { echo "Bail out! cannot copy the certificate"; exit 1; }
  chown "$TESTUSER" "$T_DIR/tls25.key"; chmod 600 "$T_DIR/tls25.key"
  echo "$T_DIR/tls25.crt" > "$BERTH_HOME/control/tlscert"; echo "$T_DIR/tls25.key" > "$BERTH_HOME/control/tlskey"
  rm -rf "$svc/submission" "$svc/smtps"
  [ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
  t_bg s6-svscan "$svc"
  n=0; while [ $n -lt 200 ] && ! { s6-svstat "$svc/smtpd" && s6-svstat "$svc/send"; } >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
  s6-svwait -U -t 20000 "$svc/smtpd" "$svc/send"; ok $? "$6"
}

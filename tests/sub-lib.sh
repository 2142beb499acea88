# Sourced by tests/sub-*.t after lib.sh and tls-certs.sh: a whole berth-setup instance with its
# submission (587) and smtps (465) services under s6-svscan, on free loopback ports.
#   sub_instance CERT KEY: copies CERT and KEY to $T_DIR/tls/cert.pem and key.pem (the key mode 600,
#     owned by $TESTUSER), names them in control/tlscert and tlskey, installs the checkpassword
#     program $T_DIR/checkpw (user alice, password $SUB_PASS), runs berth-setup; sets BERTH_HOME,
#     svc, port (smtpd), sub (submission), smtps.
#   sub_up SERVICE...: start s6-svscan (once) and wait until the services are ready; 0 if they are.
#   sub_down: stop s6-svscan and wait for it.
SUB_PASS='s3cret-Pa55word'

sub_instance () {
  BERTH_HOME=$T_DIR/home; export BERTH_HOME
  port=$(free_port)
  berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$port" "$BERTH_HOME" >/dev/null ||
    { echo "Bail out! berth-setup failed"; exit 1; }
  mkdir -p "$T_DIR/tls"
  cp "$1" "$T_DIR/tls/cert.pem"; cp "$2" "$T_DIR/tls/key.pem"
  chmod 644 "$T_DIR/tls/cert.pem"; chmod 600 "$T_DIR/tls/key.pem"; chown "$TESTUSER" "$T_DIR/tls/key.pem"
  echo "$T_DIR/tls/cert.pem" > "$BERTH_HOME/control/tlscert"
  echo "$T_DIR/tls/key.pem" > "$BERTH_HOME/control/tlskey"
  cat > "$T_DIR/checkpw" <<SH
#!/bin/sh
x=\$(tr '\\0' '\\n' <&3 | head -n 2 | tr '\\n' ' ')
[ "\$x" = "alice $SUB_PASS " ] && exec "\$@"
exit 1
SH
  chmod 755 "$T_DIR/checkpw"; echo "$T_DIR/checkpw" > "$BERTH_HOME/control/checkpassword"
  berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 "$BERTH_HOME" >/dev/null ||
    { echo "Bail out! berth-setup re-run failed"; exit 1; }
  svc=$BERTH_HOME/service
  [ -d "$svc/submission" ] && [ -d "$svc/smtps" ] || { echo "Bail out! no submission/smtps services"; exit 1; }
  sub=$(free_port); smtps=$(free_port)
  echo "$sub" > "$svc/submission/conf/port"; echo "$smtps" > "$svc/smtps/conf/port"
  [ "${BERTH_SAN:-}" = 1 ] && for f in "$svc"/*/conf/datalimit; do echo 100000000000000 > "$f"; done
  export port sub smtps
}

sub_up () {
  if [ -z "${SUB_SCAN:-}" ]; then t_bg s6-svscan "$svc"; SUB_SCAN=$T_PID; fi
  for s in "$@"; do
    n=0; while [ $n -lt 100 ] && ! s6-svok "$svc/$s" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
    set -- "$@" "$svc/$s"; shift
  done
  s6-svwait -U -t 20000 "$@" 2>/dev/null
}

sub_down () {
  s6-svscanctl -t "$svc" 2>/dev/null
  n=0; while [ $n -lt 100 ] && kill -0 "$SUB_SCAN" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
}

# sub_wait_mail PATTERN: wait (10 s at most) for a file in the postmaster Maildir matching PATTERN;
# its name in $MAIL_FILE.
sub_wait_mail () {
  MAIL_FILE=
  n=0
  while [ $n -lt 100 ]; do
    MAIL_FILE=$(grep -l -e "$1" "$BERTH_HOME"/alias/Maildir/new/* 2>/dev/null | head -n 1)
    [ -n "$MAIL_FILE" ] && return 0
    sleep 0.1; n=$((n + 1))
  done
  return 1
}

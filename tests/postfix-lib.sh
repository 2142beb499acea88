# A private Postfix instance from Debian's package (tests/postfix/*.cf.in, shared with bench/mta.py):
# pf_setup DIR HOST PORT USER writes DIR/etc/main.cf and master.cf (smtpd on 127.0.0.1:PORT,
# virtual deliveries as USER into DIR/mail/box/); the caller appends its own main.cf lines, then
# runs pf DIR start, and pf DIR stop at the end. postfix(1) is silent without a tty: script(1)
# gives it one.
pf_setup () {
  mkdir -p "$1/etc" "$1/queue" "$1/data" "$1/mail" || return 1
  sed -e "s|@P@|$1|g" -e "s|@HOST@|$2|g" -e "s|@UID@|$(id -u "$4")|g" -e "s|@GID@|$(id -g "$4")|g" \
    "$BERTH_TOP/tests/postfix/main.cf.in" > "$1/etc/main.cf" || return 1
  sed -e "s|@PORT@|$3|g" "$BERTH_TOP/tests/postfix/master.cf.in" > "$1/etc/master.cf" || return 1
  chown postfix "$1/data" && chown "$4" "$1/mail"
}
pf () { script -qc "postfix -c '$1/etc' $2" /dev/null; }
# pf_up DIR [LINES [MASTERLINES]]: a private Postfix for pf.test in DIR, delivering as $TESTUSER,
# smuggling-safe (smtpd_forbid_bare_newline), LINES added to its main.cf (MASTERLINES to its
# master.cf), on a free port
# ($pfport), started now and stopped at exit; one test line says whether it listens. Sets P=DIR.
# (Give settings here rather than reloading at once: a reload while the master still starts
# can hang it.)
pf_up () {
  P=$1
  pfport=$(free_port)
  pf_setup "$P" pf.test "$pfport" "$TESTUSER" || { echo "Bail out! cannot write the Postfix instance"; exit 1; }
  printf 'smtpd_forbid_bare_newline = yes\n%s\n' "${2:-}" >> "$P/etc/main.cf"
  [ -n "${3:-}" ] && printf '%s\n' "$3" >> "$P/etc/master.cf"
  trap 'pf "$P" stop >/dev/null 2>&1; t_cleanup' EXIT
  pf "$P" start >"$T_DIR/pf.start" 2>&1
  wait_port "$pfport" 20; ok $? "a private Postfix listens on 127.0.0.1:$pfport"
}

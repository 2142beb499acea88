#!/bin/sh
# OpenDMARC through berth-milter adds Authentication-Results: DMARC pass for a domain whose SPF
# record lists the client (127.0.0.1) and whose DMARC record is served by a loopback dnsmasq,
# DMARC fail for a From: domain the passing envelope sender is not aligned with. OpenDMARC has no nameserver setting (it reads
# /etc/resolv.conf through the C library), so it runs in its own mount namespace where a
# resolv.conf naming 127.0.0.1 is bound over /etc/resolv.conf, and dnsmasq answers on
# 127.0.0.1:53 of the test's private network namespace: root only, and skipped where the port
# is taken (no private network namespace).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/milter-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v opendmarc >/dev/null || skip_all "opendmarc not installed"
command -v dnsmasq >/dev/null || skip_all "dnsmasq not installed"
[ "$(id -u)" = 0 ] || skip_all "OpenDMARC's resolver is pointed at dnsmasq by a bind mount over /etc/resolv.conf: needs root"
unshare -m true 2>/dev/null || skip_all "no mount namespace here (unshare -m)"
"$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53))' 2>/dev/null \
  || skip_all "127.0.0.1:53 is taken (no private network namespace): dnsmasq cannot answer OpenDMARC there"
t_start 180
unset QMAILINJECT BERTH_MILTERS BERTH_MILTER_NEXT
t_instance
chmod 755 "$T_DIR"

# DNS: good.example lists 127.0.0.1 in SPF; both domains publish DMARC p=reject
t_bg dnsmasq -k --user=root --port=53 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
  --pid-file="$T_DIR/dnsmasq.pid" --log-facility=- \
  --txt-record=good.example,"v=spf1 ip4:127.0.0.1 -all" \
  --txt-record=_dmarc.good.example,"v=DMARC1; p=reject" \
  --txt-record=_dmarc.bad.example,"v=DMARC1; p=reject" 2> "$T_DIR/dnsmasq.log"
wait_until 10 "$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53))' 2>/dev/null
echo 'nameserver 127.0.0.1' > "$T_DIR/resolv.conf"

dport=$(free_port)
echo 192.0.2.1 > "$T_DIR/ignorehosts"   # OpenDMARC ignores 127.0.0.1 by default: not here
cat > "$T_DIR/opendmarc.conf" <<EOF
AuthservID mx.test.example
Socket inet:$dport@127.0.0.1
PidFile $T_DIR/opendmarc.pid
Syslog false
SPFSelfValidate true
SPFIgnoreResults true
IgnoreHosts $T_DIR/ignorehosts
RejectFailures false
UserID root
EOF
t_bg unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && exec opendmarc -f -c "$2"' sh "$T_DIR/resolv.conf" "$T_DIR/opendmarc.conf"
wait_port "$dport" 20 || { echo "Bail out! opendmarc did not start"; exit 1; }
[ "$(cat /etc/resolv.conf 2>/dev/null)" != "nameserver 127.0.0.1" ]; ok $? "the test's own /etc/resolv.conf is untouched (the bind mount is OpenDMARC's alone)"

printf 'inet:127.0.0.1:%s\n' "$dport" > "$BERTH_HOME/control/milters"
QMAILQUEUE=$BERTH_TOP/bin/berth-milter; export QMAILQUEUE
smtpd_listen

# msg DOMAIN: a message from joe@DOMAIN
msg () {
  printf 'From: Joe <joe@%s>\nTo: u@test.example\nSubject: dmarc\nMessage-ID: <m1@%s>\nDate: Sat, 05 Dec 2026 10:00:00 +0000\n\nHello.\n' "$1" "$1" > "$T_DIR/m.$1"
}
msg good.example
r=$(smtp_send joe@good.example u@test.example "$T_DIR/m.good.example" mail.good.example)
case $r in 250*) ok 0 "a message from good.example: 250 ($r)" ;; *) ok 1 "good.example: 250 ($r)" ;; esac
qmsg "$(qlast)" > "$T_DIR/q.good"
grep -q '^Authentication-Results: mx.test.example; dmarc=pass (p=reject dis=none) header.from=good.example$' "$T_DIR/q.good"; ok $? "... OpenDMARC's Authentication-Results: dmarc=pass with the domain's policy"
grep -q '^Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=good.example$' "$T_DIR/q.good"; ok $? "... and its SPF result"
grep '^Authentication-Results' "$T_DIR/q.good" | sed 's/^/# /'

msg bad.example
# the envelope sender is good.example's (SPF pass) but the From: is bad.example's: not aligned
r=$(smtp_send joe@good.example u@test.example "$T_DIR/m.bad.example" mail.good.example)
case $r in 250*) ok 0 "a message from bad.example: 250, OpenDMARC only reports (RejectFailures false) ($r)" ;; *) ok 1 "bad.example: 250 ($r)" ;; esac
qmsg "$(qlast)" > "$T_DIR/q.bad"
grep -q '^Authentication-Results: mx.test.example; dmarc=fail (p=reject dis=none) header.from=bad.example$' "$T_DIR/q.bad"; ok $? "... dmarc=fail: SPF passed for another domain than the From: field's"
grep '^Authentication-Results' "$T_DIR/q.bad" | sed 's/^/# /'
t_done

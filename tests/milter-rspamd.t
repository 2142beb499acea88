#!/bin/sh
# rspamd through berth-milter: its proxy worker in milter mode and one normal worker, started by
# this test in the foreground with Debian's rspamd.conf and a private LOCAL_CONFDIR, DBDIR,
# RUNDIR and LOGDIR (no Redis; DNS to a closed loopback port, so lookups fail at once). A GTUBE
# message is refused at the end of DATA with rspamd's own reply; a clean message gets rspamd's
# headers (X-Spamd-Result, X-Spam-Status, Authentication-Results) and rspamd's DKIM signature,
# which verifies with python3-dkim.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/milter-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v rspamd >/dev/null || skip_all "rspamd not installed"
[ -f /etc/rspamd/rspamd.conf ] || skip_all "rspamd's /etc/rspamd/rspamd.conf not installed"
"$PY" -c 'import dkim' 2>/dev/null || skip_all "python3-dkim not installed"
t_start 420
unset QMAILINJECT BERTH_MILTERS BERTH_MILTER_NEXT
t_instance
chmod 755 "$T_DIR"

R=$T_DIR/rspamd
mkdir -p "$R/local/local.d" "$R/local/override.d" "$R/db" "$R/run" "$R/log" "$R/keys"
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$R/keys/rsp.key" 2> /dev/null \
  || { echo "Bail out! no RSA key"; exit 1; }
mport=$(free_port) nport=$(free_port)
cat > "$R/local/override.d/worker-proxy.inc" <<EOF
bind_socket = "127.0.0.1:$mport";
milter = yes;
timeout = 120s;
upstream "local" { default = yes; hosts = "127.0.0.1:$nport"; }
count = 1;
EOF
printf 'bind_socket = "127.0.0.1:%s";\ncount = 1;\n' "$nport" > "$R/local/override.d/worker-normal.inc"
echo 'enabled = false;' > "$R/local/override.d/worker-controller.inc"
echo 'dns { nameserver = ["127.0.0.1:1"]; timeout = 1s; retransmits = 1; }' > "$R/local/local.d/options.inc"
cat > "$R/local/local.d/milter_headers.conf" <<'EOF'
use = ["x-spamd-result", "x-spam-status", "authentication-results"];
extended_spam_headers = true;
skip_local = false;
skip_authenticated = false;
EOF
cat > "$R/local/local.d/dkim_signing.conf" <<EOF
sign_local = true;
sign_authenticated = true;
use_domain = "header";
allow_username_mismatch = true;
domain { example.org { path = "$R/keys/rsp.key"; selector = "rsp"; } }
EOF
if [ "$(id -u)" = 0 ]; then ug="-i -u root -g root"; else ug="-u $(id -un) -g $(id -gn)"; fi
# shellcheck disable=SC2086
t_bg rspamd -f $ug -c /etc/rspamd/rspamd.conf --var LOCAL_CONFDIR="$R/local" \
  --var DBDIR="$R/db" --var RUNDIR="$R/run" --var LOGDIR="$R/log"
# rspamd compiles its rules at start: about 40 s on a loaded machine
wait_port "$mport" 240 || { tail -5 "$R/log/rspamd.log" | sed 's/^/# /'; echo "Bail out! rspamd did not start"; exit 1; }
wait_port "$nport" 60 || { echo "Bail out! rspamd's normal worker did not start"; exit 1; }

printf 'inet:127.0.0.1:%s\n' "$mport" > "$BERTH_HOME/control/milters"
QMAILQUEUE=$BERTH_TOP/bin/berth-milter; export QMAILQUEUE
smtpd_listen

printf 'From: Joe <joe@example.org>\nTo: u@test.example\nSubject: gtube\nMessage-ID: <g1@example.org>\nDate: Sat, 05 Dec 2026 10:00:00 +0000\n\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n' > "$T_DIR/gtube"
printf 'From: Joe <joe@example.org>\nTo: u@test.example\nSubject: lunch on Friday\nMessage-ID: <c1@example.org>\nDate: Sat, 05 Dec 2026 10:00:00 +0000\n\nHi,\n\nare we still on for lunch on Friday?\n\nJoe\n' > "$T_DIR/clean"

n0=$(qcount)
# the first scan may wait for rspamd's lazy start of its rules: up to 3 tries
for i in 1 2 3; do
  r=$(smtp_send joe@example.org u@test.example "$T_DIR/gtube")
  case $r in 554*) break ;; esac
  sleep 5
done
is "$r" "554 5.7.1 Gtube pattern" "GTUBE: refused at the end of DATA with rspamd's own reply"
is "$(qcount)" "$n0" "... nothing queued"

r=$(smtp_send joe@example.org u@test.example "$T_DIR/clean")
case $r in 250*) ok 0 "a clean message: 250 ($r)" ;; *) ok 1 "a clean message: 250 ($r)" ;; esac
id=$(qlast)
qmsg "$id" > "$T_DIR/q.eml"
grep -q '^X-Spamd-Result: default: False' "$T_DIR/q.eml"; ok $? "... rspamd's X-Spamd-Result header"
grep -q '^X-Spam-Status: No' "$T_DIR/q.eml"; ok $? "... X-Spam-Status: No"
tx=$(sed -n 's/.*berth-milter: event=milter tx=\([0-9.]*\) .*/\1/p' "$T_DIR/smtpd.log" | tail -n 1)
grep -q "^X-Rspamd-Queue-Id: $tx\$" "$T_DIR/q.eml"; ok $? "... rspamd names it by macro i, berth-milter's transaction id in its log ($tx)"
grep -q '^Authentication-Results: ' "$T_DIR/q.eml"; ok $? "... rspamd's Authentication-Results"
grep -q '^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsp;' "$T_DIR/q.eml"; ok $? "... rspamd's DKIM signature"
v=$("$PY" - "$T_DIR/q.eml" "$R/keys/rsp.key" <<'PY'
import base64, dkim, subprocess, sys
der = subprocess.run(["openssl", "pkey", "-in", sys.argv[2], "-pubout", "-outform", "DER"], capture_output=True).stdout
rec = b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)
msg = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
print(dkim.verify(msg, dnsfunc=lambda n, timeout=5: rec))
PY
)
is "$v" True "... which verifies with python3-dkim"
qmsg "$id" | norcvd | grep -v -i -e '^X-Spam' -e '^X-Rspamd-' -e '^Authentication-Results' -e '^DKIM-Signature' -e '^[ 	]' > "$T_DIR/rest"
cmp -s "$T_DIR/clean" "$T_DIR/rest"; ok $? "... everything else as sent"
[ -s "$T_DIR/rest" ] && ! cmp -s "$T_DIR/clean" "$T_DIR/rest" && diff "$T_DIR/clean" "$T_DIR/rest" | sed 's/^/# /'
t_done

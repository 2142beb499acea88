#!/bin/sh
# OpenDKIM through berth-milter signs authenticated submission (RSA and Ed25519: two OpenDKIMs, one
# algorithm each, chained in control/milters), and
# the signatures verify with an independent verifier (python3-dkim's dkim.verify, the keys given
# as DNS would); an unauthenticated client's mail is not signed. OpenDKIM runs from this test
# with its own configuration on 127.0.0.1 and a free port; it trusts no host (InternalHosts is
# a documentation address), so it signs only because berth-smtpd exported the AUTH facts
# ({auth_type}, {auth_authen}). Local mail (berth-inject, control/milters-local) is signed too:
# it comes from 127.0.0.1, which the second run's InternalHosts lists.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/smtpd-glue.sh"
. "$BERTH_TOP/tests/milter-lib.sh"
command -v tcpserver >/dev/null || skip_all "tcpserver (ucspi-tcp-ipv6) not installed"
command -v opendkim >/dev/null || skip_all "opendkim not installed"
"$PY" -c 'import dkim, nacl' 2>/dev/null || skip_all "python3-dkim (with PyNaCl) not installed"
t_start 180
unset QMAILINJECT BERTH_MILTERS BERTH_MILTER_NEXT
t_instance
chmod 755 "$T_DIR"

# the keys: RSA 2048 from opendkim-genkey, Ed25519 from openssl; their DNS records
K=$T_DIR/keys; mkdir -p "$K"
opendkim-genkey -b 2048 -d example.com -s rsa -D "$K" > "$T_DIR/genkey.log" 2>&1 || { echo "Bail out! opendkim-genkey failed"; exit 1; }
openssl genpkey -algorithm ed25519 -out "$K/ed.private" 2>> "$T_DIR/genkey.log" || { echo "Bail out! no Ed25519 key"; exit 1; }
"$PY" - "$K" <<'PY'
import base64, re, subprocess, sys
k = sys.argv[1]
txt = open(k + "/rsa.txt").read()
p = "".join(re.findall(r'"([^"]*)"', txt))
open(k + "/rsa.dns", "w").write(p)
der = subprocess.run(["openssl", "pkey", "-in", k + "/ed.private", "-pubout", "-outform", "DER"], capture_output=True).stdout
open(k + "/ed.dns", "w").write("v=DKIM1; k=ed25519; p=" + base64.b64encode(der[-32:]).decode())
PY
# opendkim_start NAME ALGORITHM INTERNALHOSTS: one OpenDKIM in the foreground signing with key
# NAME (selector NAME), this test's config; sets NAME_port and NAME_pid. OpenDKIM has one
# signature algorithm per instance: RSA and Ed25519 are two milters, in control/milters' order.
opendkim_start () {
  _p=$(free_port)
  printf '%s._domainkey.example.com example.com:%s:%s/%s.private\n' "$1" "$1" "$K" "$1" > "$T_DIR/$1.keytable"
  printf '*@example.com %s._domainkey.example.com\n' "$1" > "$T_DIR/$1.signingtable"
  cat > "$T_DIR/$1.conf" <<EOF
Syslog no
Mode sv
Socket inet:$_p@127.0.0.1
PidFile $T_DIR/$1.pid
KeyTable $T_DIR/$1.keytable
SigningTable refile:$T_DIR/$1.signingtable
SignatureAlgorithm $2
InternalHosts $3
Canonicalization relaxed/simple
RequireSafeKeys no
UserID $(id -un)
EOF
  t_bg opendkim -f -x "$T_DIR/$1.conf"
  eval "$1_pid=$T_PID $1_port=$_p"
  wait_port "$_p" 20 || { echo "Bail out! opendkim ($1) did not start"; exit 1; }
}
opendkim_start rsa rsa-sha256 192.0.2.1
opendkim_start ed ed25519-sha256 192.0.2.1
printf 'inet:127.0.0.1:%s\ninet:127.0.0.1:%s\n' "$rsa_port" "$ed_port" > "$BERTH_HOME/control/milters"

# AUTH in clear on loopback (control/authloopback), one account
cat > "$T_DIR/checkpw" <<'SH'
#!/bin/sh
data=$(dd bs=1024 count=1 <&3 2>/dev/null | tr '\0' '\n')
[ "$(printf '%s\n' "$data" | sed -n 1p)" = joe ] && [ "$(printf '%s\n' "$data" | sed -n 2p)" = pw ] || exit 1
exec "$@"
SH
chmod 755 "$T_DIR/checkpw"
echo "$T_DIR/checkpw" > "$BERTH_HOME/control/checkpassword"
: > "$BERTH_HOME/control/authloopback"
QMAILQUEUE=$BERTH_TOP/bin/berth-milter; export QMAILQUEUE
smtpd_listen

M=$T_DIR/msg
printf 'From: Joe <joe@example.com>\nTo: u@test.example\nSubject: signed by OpenDKIM\nDate: Sat, 05 Dec 2026 10:00:00 +0000\nMessage-ID: <1@example.com>\n\nHello,\n\nthis is signed.\n  trailing spaces   \n\n\n' > "$M"

# send [AUTH]: one message, with AUTH PLAIN when asked; prints the reply to DATA
send () {
  "$PY" - "$port" "$M" "${1:-}" <<'PY'
import smtplib, sys
port, f, auth = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = smtplib.SMTP("127.0.0.1", port, timeout=60)
s.ehlo("client.example")
if auth:
    s.login("joe", "pw")
r = s.sendmail("joe@example.com", ["u@test.example"], open(f, "rb").read().replace(b"\n", b"\r\n"))
print("250 ok" if not r else r)
s.quit()
PY
}

# verify ID: dkim.verify on the queued message for each signature; prints "algo:result" words
verify () {
  qmsg "$1" > "$T_DIR/q.eml"
  "$PY" - "$T_DIR/q.eml" "$K" <<'PY'
import dkim, sys
msg = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
k = sys.argv[2]
recs = {b"rsa._domainkey.example.com.": open(k + "/rsa.dns").read().encode(),
        b"ed._domainkey.example.com.": open(k + "/ed.dns").read().encode()}
def dns(name, timeout=5):
    return recs.get(name if name.endswith(b".") else name + b".")
d = dkim.DKIM(msg)
out = []
n = (b"\r\n" + msg.split(b"\r\n\r\n")[0]).lower().count(b"\r\ndkim-signature:")
for i in range(n):
    ok = d.verify(idx=i, dnsfunc=dns)
    sig = d.signature_fields if hasattr(d, "signature_fields") else {}
    out.append("%s:%s" % (sig.get(b"a", b"?").decode(), "pass" if ok else "fail"))
print(" ".join(sorted(out)) if out else "none")
PY
}

r=$(send auth)
is "$r" "250 ok" "authenticated submission through OpenDKIM: accepted"
id=$(qlast)
is "$(qmsg "$id" | grep -ci '^DKIM-Signature:')" 2 "... two DKIM-Signature fields (RSA, then Ed25519 over the RSA-signed message)"
is "$(verify "$id")" "ed25519-sha256:pass rsa-sha256:pass" "... both verify with python3-dkim (independent verifier)"
qmsg "$id" | grep -q '^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=rsa;'; ok $? "... the RSA signature names its selector and domain"

r=$(send)
is "$r" "250 ok" "an unauthenticated client: accepted"
is "$(qmsg "$(qlast)" | grep -ci '^DKIM-Signature:')" 0 "... not signed (OpenDKIM trusts no host here)"

# a signed message changed on its way: the verifier says fail (the check can fail)
qmsg "$id" | sed 's/this is signed\./this is changed./' > "$T_DIR/q2"
cp "$BERTH_HOME/queue/mess/$id" "$T_DIR/keep"
"$PY" - "$T_DIR/q2" "$K" > "$T_DIR/tamper" <<'PY'
import dkim, sys
msg = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
k = sys.argv[2]
rec = open(k + "/rsa.dns").read().encode()
print(dkim.verify(msg, dnsfunc=lambda n, timeout=5: rec))
PY
is "$(cat "$T_DIR/tamper")" False "a changed body fails the verifier (the check is real)"

# local mail: berth-inject with control/milters-local, OpenDKIM trusting 127.0.0.1
kill "$rsa_pid" "$ed_pid"
wait_until 10 sh -c "! kill -0 $rsa_pid 2>/dev/null && ! kill -0 $ed_pid 2>/dev/null"
opendkim_start rsa rsa-sha256 127.0.0.1
opendkim_start ed ed25519-sha256 127.0.0.1
printf 'inet:127.0.0.1:%s\ninet:127.0.0.1:%s\n' "$rsa_port" "$ed_port" > "$BERTH_HOME/control/milters-local"
unset QMAILQUEUE
as_user berth-inject -f joe@example.com u@test.example < "$M" 2> "$T_DIR/err"
is "$?" 0 "berth-inject through OpenDKIM: exit 0"
id=$(qlast)
is "$(verify "$id")" "ed25519-sha256:pass rsa-sha256:pass" "... local mail signed, both signatures verify"
t_done

#!/bin/sh
# TLS-RPT (RFC 8460) records under DANE (RFC 7672): a zone signed by ldns-signzone, served by
# NSD and validated by unbound (tests/dane-lib.sh). dn.test has two MX hosts: the first's TLSA
# record does not match its certificate (tlsa-invalid), the second's does (success); bg.test's
# first MX has a bogus TLSA signature (dnssec-invalid); do.test is dane-only without TLSA
# (dane-required). berth-tlsrpt -n reports them with the policy type tlsa and its records.
. "$BERTH_TOP/tests/rtls-lib.sh"
. "$BERTH_TOP/tests/dane-lib.sh"
rtls_setup 90
rsink self 127.0.0.1 --cert "$C/rsa.crt" --key "$C/rsa.key"
EE=$(tlsa_hash 1 1 "$C/rsa.crt")
LEAF=$(tlsa_hash 1 1 "$C/leaf.crt")
dane_zone "$T_DIR/dns" "
dn MX 10 mxbad
dn MX 20 mxee
mxbad A 127.0.0.1
_$P._tcp.mxbad TLSA 3 1 1 $LEAF
mxee A 127.0.0.1
_$P._tcp.mxee TLSA 3 1 1 $EE
bg MX 10 mxbogus
bg MX 20 mxee
mxbogus A 127.0.0.1
_$P._tcp.mxbogus TLSA 3 1 1 $EE
do MX 10 mxnotlsa
mxnotlsa A 127.0.0.1
" "" "_$P._tcp.mxbogus.test."
BERTH_DNSSERVER=127.0.0.1:$UNB_PORT
export BERTH_DNSSERVER
wait_listen 127.0.0.1 "$P" || diag "the sink did not start"
ctl dnssec 1
ctl tlsrpt "Berth Test Org tlsrpt-admin@test.example"
ctl tlspolicy "do.test:dane-only"
printf 'Subject: dane\n\nhello over dane\n' > "$T_DIR/msg"
run () { out=$(as_user berth-remote "$1" a@b.test "u@$1" < "$T_DIR/msg" 2>>"$T_DIR/err" | tr '\0' '\n'); }
TODAY=$(date -u +%F)
run dn.test
has "$out" "Kmxee.test [127.0.0.1] accepted message." "dn.test: delivered by the second MX"
run bg.test
has "$out" "Kmxee.test [127.0.0.1] accepted message." "bg.test: delivered by the second MX"
run do.test
has "$out" "Sorry, no DNSSEC-validated TLSA record for mxnotlsa.test" "do.test: deferred (dane-only, no TLSA)"
as_user berth-tlsrpt -n -d "$TODAY" > "$T_DIR/n.json" 2>>"$T_DIR/err"
ok $? "berth-tlsrpt -n exits 0"
"$PY" - "$T_DIR/n.json" "$EE" "$LEAF" > "$T_DIR/py.out" 2>&1 <<'PY'
import json, sys
ee, leaf = sys.argv[2], sys.argv[3]
byd = {}
for l in open(sys.argv[1]):
    if l.strip():
        d = json.loads(l)
        byd[d["policies"][0]["policy"]["policy-domain"]] = d
def check(c, what):
    print(("ok" if c else "FAIL") + " " + what)
def pol(dom, ptype, strings):
    for p in byd.get(dom, {}).get("policies", []):
        if p["policy"]["policy-type"] == ptype and p["policy"]["policy-string"] == strings:
            return p
    return None
p = pol("dn.test", "tlsa", ["3 1 1 " + leaf])
check(p and p["summary"] == {"total-successful-session-count": 0, "total-failure-session-count": 1}
      and p["failure-details"][0]["result-type"] == "tlsa-invalid" and p["failure-details"][0]["failure-reason-code"] == "TLSA_MISMATCH"
      and p["policy"]["mx-host"] == ["mxbad.test"], "dn.test: the mismatching records, tlsa-invalid, TLSA_MISMATCH")
p = pol("dn.test", "tlsa", ["3 1 1 " + ee])
check(p and p["summary"]["total-successful-session-count"] == 1 and p["failure-details"] == [], "dn.test: the matching records, one success")
p = pol("bg.test", "tlsa", [])
fd = p["failure-details"] if p else []
check([f["result-type"] for f in fd] == ["dnssec-invalid"] and fd[0]["receiving-mx-hostname"] == "mxbogus.test" and "receiving-ip" not in fd[0],
      "bg.test: the bogus TLSA answer is dnssec-invalid (policy tlsa, no records), before any connection")
p = pol("do.test", "tlsa", [])
check(p and [f["result-type"] for f in p["failure-details"]] == ["dane-required"], "do.test: dane-only without TLSA is dane-required (policy tlsa)")
PY
while read -r st what; do
  case $st in ok) ok 0 "$what" ;; FAIL) ok 1 "$what" ;; *) ok 1 "report parsed"; diag "$st $what" ;; esac
done < "$T_DIR/py.out"
[ -s "$T_DIR/py.out" ] || ok 1 "report parsed"
t_done

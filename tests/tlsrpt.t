#!/bin/sh
# TLS-RPT (RFC 8460): berth-remote's session records and berth-tlsrpt's report. A loopback
# dnsmasq gives pol.test two MX hosts under an MTA-STS enforce policy (mx: *.pol.test, served
# over HTTPS on 127.0.0.14:443) and a _smtp._tls record whose rua is tlsrpt@report.test, a local
# domain of the same instance; np.test has no policy. The first MX's certificate names another
# host (a failed session), the second's is right (a success). Without control/tlsrpt nothing is
# recorded; with it, the day's files hold the sessions (tst.test: an MTA-STS testing policy
# that does not list the MX host, a failure though delivered), berth-tlsrpt -n prints the JSON, and
# berth-tlsrpt -d TODAY queues the report, which berth-send delivers to the Maildir: its
# headers, its gzip attachment's JSON (counts, result type, policy), and the day's files gone.
. "$BERTH_TOP/tests/rtls-lib.sh"
rtls_setup 90
cp "$C/ca.crt" "$BERTH_HOME/control/tlsanchors"
leaf www mta-sts.pol.test mta-sts.tst.test
leaf mx mx.pol.test
W=$T_DIR/www
mkdir -p "$W"
printf 'version: STSv1\r\nmode: enforce\r\nmx: *.pol.test\r\nmax_age: 86400\r\n' > "$W/mta-sts.pol.test.txt"
printf 'version: STSv1\r\nmode: testing\r\nmx: other.tst.test\r\nmax_age: 86400\r\n' > "$W/mta-sts.tst.test.txt"
t_bg "$PY" "$BERTH_TOP/tests/mtasts-https.py" 127.0.0.14 443 "$C/www.crt" "$C/www.key" "$W" 2>>"$T_DIR/https.err"
wait_listen 127.0.0.14 443 || diag "https server did not start: $(cat "$T_DIR/https.err")"
rsink bad 127.0.0.3 --cert "$C/leaf.crt" --key "$C/leaf.key"
rsink good 127.0.0.2 --cert "$C/mx.crt" --key "$C/mx.key"
D=$(free_port)
dns "$D" --local=/test/ \
  --mx-host=pol.test,bad.pol.test,10 --mx-host=pol.test,mx.pol.test,20 \
  --host-record=bad.pol.test,127.0.0.3 --host-record=mx.pol.test,127.0.0.2 \
  --host-record=mta-sts.pol.test,127.0.0.14 \
  --txt-record=_mta-sts.pol.test,"v=STSv1; id=p1;" \
  --txt-record=_smtp._tls.pol.test,"v=TLSRPTv1; rua=mailto:tlsrpt@report.test" \
  --mx-host=np.test,mx.pol.test,10 \
  --mx-host=tst.test,mx.pol.test,10 --host-record=mta-sts.tst.test,127.0.0.14 \
  --txt-record=_mta-sts.tst.test,"v=STSv1; id=t1;"
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
for i in 2 3; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
printf 'Subject: tlsrpt\n\nhello\n' > "$T_DIR/msg"
run () { out=$(as_user berth-remote "$1" a@b.test "u@$1" < "$T_DIR/msg" 2>>"$T_DIR/err" | tr '\0' '\n'); }
TODAY=$(date -u +%F)
R=$BERTH_HOME/queue/tlsrpt
ok "$([ -d "$R" ] && [ "$(stat -c %U "$R")" = "$(stat -c %U "$BERTH_HOME/queue/mtasts")" ]; echo $?)" "berth-setup made queue/tlsrpt, owned as queue/mtasts is"

# off: delivered, nothing recorded
run pol.test
has "$out" "Kmx.pol.test [127.0.0.2] accepted message." "no control/tlsrpt: delivered by the second MX"
is "$(find "$R" -type f | wc -l)" 0 "no control/tlsrpt: nothing recorded"

# on: one failure, one success for pol.test; one success without a policy for np.test
ctl tlsrpt "Berth Test Org tlsrpt-admin@test.example"
run pol.test
grep -q "TLS with bad.pol.test \[127.0.0.3\] failed: berth-tlsc status 98: X509_BAD_SERVER_NAME" "$T_DIR/err"; ok $? "the first MX's session failed on the certificate's name"
has "$out" "Kmx.pol.test [127.0.0.2] accepted message." "control/tlsrpt: delivered as before"
run np.test
has "$out" "Kmx.pol.test [127.0.0.2] accepted message." "np.test: delivered"
F=$R/$TODAY/pol.test
is "$(wc -l < "$F" 2>/dev/null)" 2 "pol.test: two sessions recorded"
has "$(cat "$F")" "$(printf 'sts\tcertificate-host-mismatch\tbad.pol.test\t127.0.0.3\tX509_BAD_SERVER_NAME\tversion: STSv1\tmode: enforce\tmx: *.pol.test\tmax_age: 86400')" "the failure's record"
has "$(cat "$F")" "$(printf 'sts\tsuccess\tmx.pol.test\t127.0.0.2\t\tversion: STSv1')" "the success's record"
has "$(cat "$R/$TODAY/np.test" 2>/dev/null)" "$(printf 'no-policy-found\tsuccess\tmx.pol.test\t127.0.0.2\t')" "np.test: recorded as no-policy-found"
# MTA-STS testing: delivered over verified TLS, but to an MX host the policy does not list
run tst.test
has "$out" "Kmx.pol.test [127.0.0.2] accepted message." "tst.test (testing policy, MX not listed): delivered"
has "$(cat "$R/$TODAY/tst.test" 2>/dev/null)" "$(printf 'sts\tvalidation-failure\tmx.pol.test\t127.0.0.2\tthe MX host is not in the MTA-STS policy\tversion: STSv1\tmode: testing\tmx: other.tst.test')" "tst.test: a failure, the MX host not in the testing policy"

# -n: the JSON, nothing sent or removed
as_user berth-tlsrpt -n -d "$TODAY" > "$T_DIR/n.json" 2>>"$T_DIR/err"
ok $? "berth-tlsrpt -n exits 0"
"$PY" - "$T_DIR/n.json" <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
byd = {d["policies"][0]["policy"]["policy-domain"]: d for d in docs}
assert set(byd) == {"pol.test", "np.test", "tst.test"}, byd.keys()
p = byd["np.test"]["policies"][0]
assert p["policy"]["policy-type"] == "no-policy-found" and p["summary"]["total-successful-session-count"] == 1, p
PY
ok $? "-n prints one valid JSON report per domain"
is "$(find "$R" -type f | wc -l)" 3 "-n removes nothing"

# the report, delivered to tlsrpt@report.test (a local domain: the alias Maildir)
echo report.test >> "$BERTH_HOME/control/locals"
printf './Maildir/\n' > "$BERTH_HOME/alias/.qmail-tlsrpt"
t_bg as_user berth-start 2>"$T_DIR/send.log"
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
as_user berth-tlsrpt -d "$TODAY" 2>"$T_DIR/tlsrpt.err"
ok $? "berth-tlsrpt -d TODAY exits 0"
has "$(cat "$T_DIR/tlsrpt.err")" "report domain=pol.test day=$TODAY id=$TODAY.pol.test@test.example status=queued" "berth-tlsrpt logs the queued report"
has "$(cat "$T_DIR/tlsrpt.err")" "no report for np.test" "np.test (no _smtp._tls record): no report"
has "$(cat "$T_DIR/tlsrpt.err")" "no report for tst.test" "tst.test (no _smtp._tls record): no report"
got () { [ -n "$(ls "$BERTH_HOME/alias/Maildir/new/" 2>/dev/null)" ]; }
wait_until 20 got; ok $? "the report arrived in the Maildir"
"$PY" - "$BERTH_HOME"/alias/Maildir/new/* <<'PY' > "$T_DIR/py.out" 2>&1
import email, gzip, json, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
def check(c, what):
    print(("ok" if c else "FAIL") + " " + what)
check(m.get_content_type() == "multipart/report" and m.get_param("report-type") == "tlsrpt", "multipart/report; report-type=tlsrpt")
check(str(m["Subject"]).startswith("Report Domain: pol.test Submitter: Berth Test Org Report-ID: <"), "Subject: " + str(m["Subject"]))
check(m["TLS-Report-Domain"] == "pol.test" and m["TLS-Report-Submitter"] == "Berth Test Org", "TLS-Report-Domain and -Submitter")
check(m["From"] == "tlsrpt-admin@test.example", "From: the contact address")
parts = list(m.iter_parts())
check(len(parts) == 2 and parts[0].get_content_type() == "text/plain", "a text part first")
a = parts[1]
fn = a.get_filename() or ""
check(a.get_content_type() == "application/tlsrpt+gzip" and fn.startswith("test.example!pol.test!") and fn.endswith(".json.gz"), "the attachment: " + fn)
r = json.loads(gzip.decompress(a.get_payload(decode=True)))
check(r["organization-name"] == "Berth Test Org" and r["contact-info"] == "tlsrpt-admin@test.example", "organization and contact")
check(r["date-range"]["start-datetime"].endswith("T00:00:00Z"), "date-range")
pol = r["policies"]
check(len(pol) == 1 and pol[0]["policy"]["policy-type"] == "sts" and pol[0]["policy"]["policy-domain"] == "pol.test", "one policy, sts, for pol.test")
check("mode: enforce" in pol[0]["policy"]["policy-string"] and "mx: *.pol.test" in pol[0]["policy"]["policy-string"], "the policy strings")
check(sorted(pol[0]["policy"]["mx-host"]) == ["bad.pol.test", "mx.pol.test"], "mx-host")
s = pol[0]["summary"]
check(s["total-successful-session-count"] == 1 and s["total-failure-session-count"] == 1, "one success, one failure")
fd = pol[0]["failure-details"]
check(len(fd) == 1 and fd[0]["result-type"] == "certificate-host-mismatch" and fd[0]["receiving-ip"] == "127.0.0.3"
      and fd[0]["receiving-mx-hostname"] == "bad.pol.test" and fd[0]["failed-session-count"] == 1
      and fd[0]["failure-reason-code"] == "X509_BAD_SERVER_NAME", "failure-details")
PY
while read -r st what; do
  case $st in ok) ok 0 "report: $what" ;; FAIL) ok 1 "report: $what" ;; *) ok 1 "report parsed"; diag "$st $what" ;; esac
done < "$T_DIR/py.out"
[ -s "$T_DIR/py.out" ] || ok 1 "report parsed"
is "$(find "$R" -type f | wc -l)" 0 "the day's files are gone"
[ ! -d "$R/$TODAY" ]; ok $? "the day's directory is gone"

# a DNS failure keeps the file for the next run
run pol.test
kill "$(cat "$T_DIR/dnsmasq.$D.pid")"; sleep 0.2
BERTH_DNSSERVER=127.0.0.1:$(free_port) as_user berth-tlsrpt -d "$TODAY" 2>"$T_DIR/tlsrpt2.err"
is "$?" 111 "a failed TXT lookup: exit 111"
has "$(cat "$T_DIR/tlsrpt2.err")" "failed temporarily" "a failed TXT lookup: logged as temporary"
[ -s "$R/$TODAY/pol.test" ]; ok $? "a failed TXT lookup: the records stay"
# a run without -d: finished days only; a day older than 7 days is given up when DNS fails
OLD=$(date -u -d '8 days ago' +%F) LAST=$(date -u -d yesterday +%F)
mkdir -p "$R/$OLD" "$R/$LAST"
head -n 1 "$R/$TODAY/pol.test" > "$R/$OLD/pol.test"
head -n 1 "$R/$TODAY/pol.test" > "$R/$LAST/pol.test"
[ "$(id -u)" = 0 ] && chown -R "$TESTUSER" "$R"
BERTH_DNSSERVER=127.0.0.1:$(free_port) as_user berth-tlsrpt 2>"$T_DIR/tlsrpt3.err"
is "$?" 111 "no -d, DNS down: exit 111 (yesterday's report waits)"
has "$(cat "$T_DIR/tlsrpt3.err")" "giving up the report of pol.test for $OLD" "a day older than 7 days: given up, logged"
[ ! -d "$R/$OLD" ] && [ -s "$R/$LAST/pol.test" ] && [ -s "$R/$TODAY/pol.test" ]; ok $? "the old day is gone; yesterday's waits; today's is not touched"
t_done

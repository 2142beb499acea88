#!/bin/sh
# MTA-STS (RFC 8461) in berth-remote and berth-mtasts: a loopback dnsmasq with MX, A and
# _mta-sts TXT records, a python HTTPS policy server on 127.0.0.10:443 and TLS sinks, all with
# certificates from one private CA (control/tlsanchors). enforce with a listed MX (delivered,
# verified), an MX not listed (deferred), a certificate for another name (deferred); testing
# (delivered, logged); the cache (server down: still enforced; TXT lookup failed: used), max_age
# expiry (refetch), a new id (refetch); berth-mtasts -l; control/tlspolicy's own line and control/mtasts 0 turn it off.
. "$BERTH_TOP/tests/rtls-lib.sh"
rtls_setup 120
cp "$C/ca.crt" "$BERTH_HOME/control/tlsanchors"
leaf www mta-sts.enf.test mta-sts.bad.test mta-sts.name.test mta-sts.tst.test
leaf mx mx.enf.test other.bad.test
W=$T_DIR/www
mkdir -p "$W"
policy () { printf 'version: STSv1\r\nmode: %s\r\nmx: %s\r\nmax_age: %s\r\n' "$2" "$3" "${4:-86400}" > "$W/mta-sts.$1.txt"; }
policy enf.test enforce mx.enf.test
policy bad.test enforce mx.bad.test
policy name.test enforce '*.name.test'
policy tst.test testing mx.tst.test
https () { t_bg "$PY" "$BERTH_TOP/tests/mtasts-https.py" 127.0.0.10 443 "$C/www.crt" "$C/www.key" "$W" 2>>"$T_DIR/https.err"; HTTPS=$T_PID; wait_listen 127.0.0.10 443 || diag "https server did not start: $(cat "$T_DIR/https.err")"; }
https
rsink enf 127.0.0.2 --cert "$C/mx.crt" --key "$C/mx.key"
rsink bad 127.0.0.3 --cert "$C/mx.crt" --key "$C/mx.key"
rsink name 127.0.0.4 --cert "$C/mx.crt" --key "$C/mx.key"
# zone ID: dnsmasq with enf.test's TXT id ID, on a new port; BERTH_DNSSERVER points to it
zone () {
  D=$(free_port)
  dns "$D" --local=/test/ \
    --mx-host=enf.test,mx.enf.test,10 --host-record=mx.enf.test,127.0.0.2 \
    --mx-host=bad.test,other.bad.test,10 --host-record=other.bad.test,127.0.0.3 \
    --mx-host=name.test,mx.name.test,10 --host-record=mx.name.test,127.0.0.4 \
    --mx-host=tst.test,mx.tst.test,10 --host-record=mx.tst.test,127.0.0.4 \
    --host-record=mta-sts.enf.test,127.0.0.10 --host-record=mta-sts.bad.test,127.0.0.10 \
    --host-record=mta-sts.name.test,127.0.0.10 --host-record=mta-sts.tst.test,127.0.0.10 \
    --txt-record=_mta-sts.enf.test,"v=STSv1; id=$1;" \
    --txt-record=_mta-sts.bad.test,"v=STSv1; id=b1;" \
    --txt-record=_mta-sts.name.test,"v=STSv1; id=n1;" \
    --txt-record=_mta-sts.tst.test,"v=STSv1; id=t1;" \
    --mx-host=cf.test,mx.enf.test,10 --server=/_mta-sts.cf.test/127.0.0.1#$(free_port)
  BERTH_DNSSERVER=127.0.0.1:$D
  export BERTH_DNSSERVER
}
zone e1
for i in 2 3 4; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
printf 'Subject: sts\n\nhello under MTA-STS\n' > "$T_DIR/msg"
run () { out=$(as_user berth-remote "$1" a@b.test "u@$1" < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n'); }
fetches () { grep -c "^GET mta-sts.$1 /.well-known/mta-sts.txt" "$W/log" 2>/dev/null; }
eml () { ls "$T_DIR/$1"/*.eml 2>/dev/null | wc -l; }

# enforce, the MX is listed: verified TLS with the MX name, delivered; the policy is cached
run enf.test
has "$out" "Kmx.enf.test [127.0.0.2] accepted message." "enforce, listed MX: delivered"
has "$out" " verified=1" "enforce, listed MX: over verified TLS"
grep -q "policy=verify" "$T_DIR/err"; ok $? "enforce: the session ran at the verify level"
is "$(fetches enf.test)" 1 "enforce: the policy was fetched once"
l=$(as_user berth-mtasts -l)
has "$l" "domain=enf.test id=e1 mode=enforce max_age=86400 fetched=" "berth-mtasts -l shows the cached policy"
has "$l" "state=fresh mx=mx.enf.test" "berth-mtasts -l shows its state and mx patterns"

# enforce, the MX is not listed: deferred, nothing sent
run bad.test
has "$out" "ZSorry, the MTA-STS policy of bad.test (enforce) does not list the MX host other.bad.test. (#4.7.5)" "enforce, MX not listed: deferred, the reason names MTA-STS"
is "$(eml bad)" 0 "enforce, MX not listed: nothing delivered"
is "$(grep -c STARTTLS "$T_DIR/bad/log" 2>/dev/null || echo 0)" 0 "enforce, MX not listed: not even connected"

# enforce, the MX's certificate is for other names: deferred with berth-tlsc's reason
run name.test
has "$out" "X509_BAD_SERVER_NAME (required by the MTA-STS policy of name.test, enforce). (#4.7.5)" "enforce, certificate name mismatch: deferred, the reason names the name check and MTA-STS"
case $out in Z*) ok 0 "enforce, name mismatch: temporary" ;; *) ok 1 "enforce, name mismatch: temporary"; diag "$out" ;; esac
is "$(eml name)" 0 "enforce, name mismatch: nothing delivered"

# testing: the same mismatch is delivered, and logged
run tst.test
has "$out" "Kmx.tst.test [127.0.0.4] accepted message." "testing, name mismatch: delivered"
grep -q "warning: mtasts mode=testing domain=tst.test mx=mx.tst.test would defer: the certificate does not verify" "$T_DIR/err"; ok $? "testing: the would-be failure is logged"

# the cache: the policy server down, the same id: still enforced without a fetch
kill "$HTTPS"; sleep 0.2
run bad.test
has "$out" "ZSorry, the MTA-STS policy of bad.test (enforce) does not list the MX host" "cache: server down, same id: still enforced"
run enf.test
has "$out" "Kmx.enf.test [127.0.0.2] accepted message." "cache: server down, enforce with a listed MX still delivers"
is "$(fetches enf.test)" 1 "cache: no fetch for an unexpired policy with the same id"

# max_age expired, the server down: no usable policy, delivered as without MTA-STS
f=$BERTH_HOME/queue/mtasts/bad.test
sed 's/^fetched .*/fetched 1000/' "$f" > "$f.new" && mv "$f.new" "$f"
has "$(as_user berth-mtasts -l)" "domain=bad.test id=b1 mode=enforce max_age=86400 fetched=1000 expires=87400 state=expired" "berth-mtasts -l shows an expired policy"
run bad.test
has "$out" "Kother.bad.test [127.0.0.3] accepted message." "expired, fetch failed: no policy, delivered"
grep -q "warning: mtasts domain=bad.test id=b1 fetch failed: no policy" "$T_DIR/err"; ok $? "expired, fetch failed: logged"
# ... the server back: refetched and enforced again
https
n=$(fetches bad.test)
sed 's/^fetched .*/fetched 1000/' "$f" > "$f.new" 2>/dev/null && mv "$f.new" "$f"
run bad.test
has "$out" "ZSorry, the MTA-STS policy of bad.test (enforce) does not list" "expired: refetched and enforced"
is "$(fetches bad.test)" "$((n + 1))" "expired: one new fetch"

# a new id: refetched (the policy now in testing mode for enf.test)
policy enf.test testing mx.other.test 600
kill "$(cat "$T_DIR/dnsmasq.$D.pid")"
zone e2
n=$(fetches enf.test)
run enf.test
has "$out" "Kmx.enf.test [127.0.0.2] accepted message." "new id: delivered under the new testing policy"
is "$(fetches enf.test)" "$((n + 1))" "new id: refetched"
has "$(as_user berth-mtasts -l)" "domain=enf.test id=e2 mode=testing max_age=600" "new id: the cache holds the new policy"
grep -q "mtasts mode=testing domain=enf.test mx=mx.enf.test would defer: the MX host is not in the policy" "$T_DIR/err"; ok $? "testing: an unlisted MX is logged"

# the TXT lookup fails (its nameserver is dead) and an unexpired policy is cached: the cache
printf 'id c1\nmode enforce\nmax_age 600\nfetched %s\nmx nope.test\n' "$(date +%s)" > "$BERTH_HOME/queue/mtasts/cf.test"
n=$(eml enf)
run cf.test
has "$out" "ZSorry, the MTA-STS policy of cf.test (enforce) does not list the MX host mx.enf.test" "TXT lookup failed: the cached policy is enforced"
is "$(eml enf)" "$n" "TXT lookup failed, cached policy: nothing delivered"

# an explicit control/tlspolicy line for the domain wins; control/mtasts 0 turns it off
printf 'bad.test:may\n' > "$BERTH_HOME/control/tlspolicy"
run bad.test
has "$out" "Kother.bad.test [127.0.0.3] accepted message." "control/tlspolicy's own line wins over MTA-STS"
printf '*:may\n' > "$BERTH_HOME/control/tlspolicy"
run bad.test
has "$out" "ZSorry, the MTA-STS policy of bad.test" "a \"*\" line in control/tlspolicy leaves MTA-STS on"
rm "$BERTH_HOME/control/tlspolicy"
ctl mtasts 0
run bad.test
has "$out" "Kother.bad.test [127.0.0.3] accepted message." "control/mtasts 0: MTA-STS off"
t_done

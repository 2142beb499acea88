#!/bin/sh
# DANE (RFC 7672): berth-remote looks up the TLSA records of each MX through a validating
# unbound (control/dnssec), over a zone signed by ldns-signzone and served by NSD, and berth-tlsc
# matches them. DANE-EE (3 1 1, 3 0 2) and DANE-TA (2 0 1, the CA of the chain) deliver; a TLSA
# mismatch, a bogus signature and a dane-only host without TLSA defer with the reason in the
# report; an insecure zone, and a resolver not declared validating, fall back to may; DANE wins
# over an MTA-STS policy for an MX with usable TLSA records. REQUIRETLS is met by DANE; a TLSA
# mismatch under it is a 5.7.30 bounce; TLS-Required: No sets DANE aside.
. "$BERTH_TOP/tests/rtls-lib.sh"
. "$BERTH_TOP/tests/dane-lib.sh"
rtls_setup 120
rsink self 127.0.0.1 --cert "$C/rsa.crt" --key "$C/rsa.key" --requiretls
rsink ca 127.0.0.3 --cert "$C/chain.crt" --key "$C/leaf.key"
rsink plain 127.0.0.2
EE=$(tlsa_hash 1 1 "$C/rsa.crt")
EE02=$(tlsa_hash 0 2 "$C/rsa.crt")
TA=$(tlsa_hash 0 1 "$C/ca.crt")
LEAF=$(tlsa_hash 1 1 "$C/leaf.crt")
dane_zone "$T_DIR/dns" "
ee MX 10 mxee
mxee A 127.0.0.1
_$P._tcp.mxee TLSA 3 1 1 $EE
ee2 MX 10 mxee2
mxee2 A 127.0.0.1
_$P._tcp.mxee2 TLSA 3 0 2 $EE02
_$P._tcp.mxee2 TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
ta MX 10 mx
mx A 127.0.0.3
_$P._tcp.mx TLSA 2 0 1 $TA
bad MX 10 mxbad
mxbad A 127.0.0.1
_$P._tcp.mxbad TLSA 3 1 1 $LEAF
badta MX 10 mxbadta
mxbadta A 127.0.0.3
_$P._tcp.mxbadta TLSA 2 0 1 $TA
unusable MX 10 mxun
mxun A 127.0.0.1
_$P._tcp.mxun TLSA 1 1 1 $EE
bogus MX 10 mxbogus
mxbogus A 127.0.0.1
_$P._tcp.mxbogus TLSA 3 1 1 $EE
plain MX 10 mxplain
mxplain A 127.0.0.2
_$P._tcp.mxplain TLSA 3 1 1 $EE
notlsa MX 10 mxnotlsa
mxnotlsa A 127.0.0.1
stsdane MX 10 mxee
_mta-sts.stsdane TXT \"v=STSv1; id=d1;\"
stsnotlsa MX 10 mxnotlsa
_mta-sts.stsnotlsa TXT \"v=STSv1; id=d2;\"
" "
@ MX 10 mx
mx A 127.0.0.1
_$P._tcp.mx TLSA 3 1 1 $LEAF
" "_$P._tcp.mxbogus.test."
BERTH_DNSSERVER=127.0.0.1:$UNB_PORT
export BERTH_DNSSERVER
for i in 1 2 3; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
printf 'Subject: dane\n\nhello over dane\n' > "$T_DIR/msg"
run () { out=$(as_user berth-remote "$1" a@b.test u@x.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n'); }
count () { grep -c "$2" "$T_DIR/$1/log" 2>/dev/null; }

# the resolver is not declared validating: dane is not the default, a TLSA mismatch is not seen
run bad.test
has "$out" "Kmxbad.test [127.0.0.1] accepted message." "no control/dnssec: may, the TLSA records are not looked up"
case $out in *dane=*) ok 1 "no control/dnssec: no DANE in the report" ;; *) ok 0 "no control/dnssec: no DANE in the report" ;; esac

ctl dnssec 1
# DANE-EE: the self-signed certificate's public key (3 1 1), no name or date checked
run ee.test
has "$out" "Kmxee.test [127.0.0.1] accepted message." "DANE-EE 3 1 1: delivered"
has "$out" "verified=1 dane=DANE-EE" "DANE-EE 3 1 1: the report says verified by DANE-EE"
grep -q 'policy=dane$' "$T_DIR/err"; ok $? "DANE-EE: dane is the default level with control/dnssec"
# DANE-EE on the whole certificate, SHA-512 (3 0 2), beside a record that does not match
run ee2.test
has "$out" "Kmxee2.test [127.0.0.1] accepted message." "DANE-EE 3 0 2: delivered (one record of two matches)"
has "$out" "dane=DANE-EE" "DANE-EE 3 0 2: by DANE-EE"
# DANE-TA: the CA certificate in the chain the server sent (2 0 1), the name mx.test checked
run ta.test
has "$out" "Kmx.test [127.0.0.3] accepted message." "DANE-TA 2 0 1: delivered"
has "$out" "verified=1 dane=DANE-TA" "DANE-TA 2 0 1: by DANE-TA"
# DANE-TA with the right CA but the MX name mxbadta.test, which the certificate does not name
n=$(count ca MAIL)
run badta.test
has "$out" "ZConnected to mxbadta.test [127.0.0.3] but TLS failed: berth-tlsc status 98: X509_BAD_SERVER_NAME. (#4.7.5)" "DANE-TA, wrong name: deferred, the reason in the report"
is "$(count ca MAIL)" "$n" "DANE-TA, wrong name: nothing sent"
# TLSA mismatch: deferred, the reason in the report, nothing sent, no cleartext retry
n=$(count self MAIL)
run bad.test
has "$out" "ZConnected to mxbad.test [127.0.0.1] but TLS failed: berth-tlsc status 98: TLSA_MISMATCH. (#4.7.5)" "TLSA mismatch: deferred with the reason"
is "$(count self MAIL)" "$n" "TLSA mismatch: nothing sent, not even in cleartext"
grep -q 'reason\|TLSA_MISMATCH' "$T_DIR/err"; ok $? "TLSA mismatch: logged"
# REQUIRETLS (RFC 8689 4.2.1): DANE authenticates the peer (its certificate's name and chain
# would not verify); a TLSA mismatch is permanent; TLS-Required: No sets DANE aside
BERTH_MAILPARAMS=REQUIRETLS run ee.test
has "$out" "Kmxee.test [127.0.0.1] accepted message." "REQUIRETLS, DANE-EE: delivered"
has "$out" "dane=DANE-EE" "REQUIRETLS, DANE-EE: authenticated by DANE"
BERTH_MAILPARAMS=REQUIRETLS run bad.test
has "$out" "DSorry, REQUIRETLS support required: connected to mxbad.test [127.0.0.1] but TLS failed: berth-tlsc status 98: TLSA_MISMATCH (#5.7.30)" "REQUIRETLS, TLSA mismatch: D 5.7.30"
printf 'Subject: dane\nTLS-Required: No\n\nanyone may read this\n' > "$T_DIR/tlsno"
out=$(as_user berth-remote bad.test a@b.test u@x.test < "$T_DIR/tlsno" 2>"$T_DIR/err" | tr '\0' '\n')
has "$out" "Kmxbad.test [127.0.0.1] accepted message." "TLS-Required: No, TLSA mismatch: delivered (DANE set aside)"
has "$out" "TLS=TLSv1.2" "TLS-Required: No: still over TLS"
# bogus signature on the TLSA records: the lookup fails, the MX is deferred (RFC 7672 2.1.1)
n=$(count self STARTTLS)
run bogus.test
has "$out" "ZTLSA lookup for mxbogus.test failed (a DNS error, or DNSSEC validation failed)" "bogus TLSA signature: deferred"
has "$out" "(#4.7.5)" "bogus TLSA signature: 4.7.5"
is "$(count self STARTTLS)" "$n" "bogus TLSA signature: no connection made"
diag "$(grep -i "validation failure" "$T_DIR/dns/unbound.log" | head -2)"
# usable TLSA records and a server without STARTTLS: deferred, nothing sent in cleartext
run plain.test
has "$out" "ZConnected to mxplain.test [127.0.0.2] but it does not offer STARTTLS: TLS required but not offered" "usable TLSA, no STARTTLS: deferred"
has "$out" "(#4.7.4)" "usable TLSA, no STARTTLS: 4.7.4"
[ ! -s "$T_DIR/plain/log" ]; ok $? "usable TLSA, no STARTTLS: no MAIL in cleartext"
# only unusable records (PKIX-EE): TLS required, not authenticated
run unusable.test
has "$out" "Kmxun.test [127.0.0.1] accepted message." "unusable TLSA only: delivered"
has "$out" "verified=0" "unusable TLSA only: over TLS, not verified"
grep -q 'policy=encrypt$' "$T_DIR/err"; ok $? "unusable TLSA only: encrypt"
# a signed zone without TLSA for the MX: may
run notlsa.test
has "$out" "Kmxnotlsa.test [127.0.0.1] accepted message." "no TLSA: delivered"
grep -q 'policy=may$' "$T_DIR/err"; ok $? "no TLSA: may"
# MTA-STS beside DANE (RFC 8461 2): cached enforce policies that list no MX of theirs; DANE
# decides for an MX with usable TLSA records, MTA-STS for one without
for d in stsdane:d1 stsnotlsa:d2; do
  printf 'id %s\nmode enforce\nmax_age 86400\nfetched %s\nmx elsewhere.test\n' "${d#*:}" "$(date +%s)" > "$BERTH_HOME/queue/mtasts/${d%:*}.test"
done
run stsdane.test
has "$out" "Kmxee.test [127.0.0.1] accepted message." "DANE and an MTA-STS policy not listing the MX: DANE wins, delivered"
has "$out" "dane=DANE-EE" "DANE and MTA-STS: authenticated by DANE-EE"
run stsnotlsa.test
has "$out" "ZSorry, the MTA-STS policy of stsnotlsa.test (enforce) does not list the MX host mxnotlsa.test. (#4.7.5)" "no TLSA: the MTA-STS policy decides"
# an insecure zone (delegated without DS): its wrong TLSA record is not used, may
run insec.test
has "$out" "Kmx.insec.test [127.0.0.1] accepted message." "insecure zone: delivered despite its TLSA record"
grep -q 'policy=may$' "$T_DIR/err"; ok $? "insecure zone: may"
# dane-only: an insecure zone and a signed one without TLSA defer; DANE-EE delivers
printf '%s\n' "insec.test:dane-only" "notlsa.test:dane-only" "ee.test:dane-only" > "$BERTH_HOME/control/tlspolicy"
run insec.test
has "$out" "ZSorry, no DNSSEC-validated TLSA record for mx.insec.test, which control/tlspolicy's dane-only requires. (#4.7.5)" "dane-only, insecure zone: deferred"
run notlsa.test
has "$out" "ZSorry, no DNSSEC-validated TLSA record for mxnotlsa.test" "dane-only, no TLSA: deferred"
run ee.test
has "$out" "dane=DANE-EE" "dane-only, DANE-EE: delivered"
# an explicit level below dane ignores the records
printf '%s\n' "bad.test:may" > "$BERTH_HOME/control/tlspolicy"
run bad.test
has "$out" "Kmxbad.test [127.0.0.1] accepted message." "bad.test:may: the TLSA records are not used"
rm "$BERTH_HOME/control/tlspolicy"
# through the queue: the deferral's reason is in berth-send's log and in berth-qread's last error
t_bg as_user berth-start 2>"$T_DIR/send.log"
printf 'To: u@bad.test\nSubject: queued\n\nthrough the queue\n' | as_user berth-inject -f a@b.test u@bad.test
n=0; while [ $n -lt 100 ] && ! grep -q 'status=' "$T_DIR/send.log"; do sleep 0.1; n=$((n + 1)); done
grep -q 'rcpt=u@bad.test .*TLSA_MISMATCH' "$T_DIR/send.log"; ok $? "queued: berth-send's log line names TLSA_MISMATCH"
q=$(as_user berth-qread 2>&1)
has "$q" "last error: Connected to mxbad.test [127.0.0.1] but TLS failed: berth-tlsc status 98: TLSA_MISMATCH" "queued: berth-qread's last error names TLSA_MISMATCH"
/bin/kill -TERM "$T_PID" 2>/dev/null
# control/dnssec with a nameserver off loopback is ignored (its AD bit would cross a network):
# 0.0.0.0 is no loopback address to the check, and its queries still stay on this host
out=$(BERTH_DNSSERVER=0.0.0.0 as_user berth-remote ee.test a@b.test u@x.test < "$T_DIR/msg" 2>"$T_DIR/err" | tr '\0' '\n')
grep -q 'control/dnssec ignored' "$T_DIR/err"; ok $? "control/dnssec and a nameserver off loopback: warned, not trusted"
t_done

#!/bin/sh
# berth-remote and REQUIRETLS (RFC 8689 4.2.1): with REQUIRETLS in BERTH_MAILPARAMS, mail goes
# only over TLS verified with the MX host name to a peer offering REQUIRETLS after STARTTLS,
# with MAIL ... REQUIRETLS; a peer that cannot meet it (no STARTTLS, a certificate that does not
# verify, no REQUIRETLS) is given up and, when no MX host could, the message bounces with
# 5.7.30; a host that failed only temporarily defers instead; control/tlspolicy's may or none
# does not weaken it; QMTP routes cannot carry it (tests/qmtp.t). "TLS-Required: No" in the
# header (RFC 8689 5) sets the domain's DANE and MTA-STS aside, not the administrator's verify,
# and STARTTLS is still used.
. "$BERTH_TOP/tests/rtls-lib.sh"
rtls_setup 90
D=$(free_port)
rsink good 127.0.0.3 --cert "$C/chain.crt" --key "$C/leaf.key" --requiretls
rsink noreq 127.0.0.4 --cert "$C/chain.crt" --key "$C/leaf.key"
rsink plain 127.0.0.5 --requiretls
rsink self 127.0.0.1 --cert "$C/rsa.crt" --key "$C/rsa.key" --requiretls
dns "$D" --local=/test/ \
  --mx-host=req.test,mx.test,10 --host-record=mx.test,127.0.0.3 \
  --mx-host=noreq.test,mx-noreq.test,10 --host-record=mx-noreq.test,127.0.0.4 \
  --mx-host=wrong.test,other.test,10 --host-record=other.test,127.0.0.3 \
  --mx-host=plain.test,mx-plain.test,10 --host-record=mx-plain.test,127.0.0.5 \
  --mx-host=two.test,mx-noreq.test,10 --mx-host=two.test,mx.test,20 \
  --mx-host=down.test,other.test,10 --mx-host=down.test,mx-down.test,20 --host-record=mx-down.test,127.0.0.6
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
for i in 1 3 4 5; do wait_listen 127.0.0.$i "$P" || diag "sink 127.0.0.$i did not start"; done
cp "$C/ca.crt" "$BERTH_HOME/control/tlsanchors"
printf 'Subject: secret\n\nfor your eyes only\n' > "$T_DIR/msg"
printf 'Subject: not secret\nTLS-Required: No\n\nanyone may read this\n' > "$T_DIR/tlsno"
# run HOST [MESSAGE]: berth-remote to u@x.test; report in $out (one record a line), stderr in $T_DIR/err
run () { out=$(as_user berth-remote "$1" a@b.test u@x.test < "${2:-$T_DIR/msg}" 2>"$T_DIR/err" | tr '\0' '\n'); }
mails () { { cat "$T_DIR/$1/log" 2>/dev/null || :; } | grep -c '^MAIL'; }
BERTH_MAILPARAMS='RET=HDRS REQUIRETLS'
export BERTH_MAILPARAMS

run req.test
has "$out" "Kmx.test [127.0.0.3] accepted message." "a verified peer offering REQUIRETLS: delivered"
has "$out" "verified=1" "... over verified TLS"
is "$(grep '^FROM' "$T_DIR/good/args" | sed 's/ SIZE=[0-9]*//')" "FROM tls=1 REQUIRETLS" "... with MAIL FROM:<...> REQUIRETLS (and RET not sent: the peer has no DSN)"
grep -q 'for your eyes only' "$T_DIR/good/1.eml"; ok $? "... the message arrived"

n=$(mails noreq)
printf '%s\n' 'noreq.test:may:name=mx.test' > "$BERTH_HOME/control/tlspolicy"
run noreq.test
has "$out" "DSorry, REQUIRETLS support required: connected to mx-noreq.test [127.0.0.4] but it does not offer REQUIRETLS after STARTTLS (#5.7.30)" "a verified peer without REQUIRETLS: D 5.7.30 naming why"
is "$(mails noreq)" "$n" "... nothing sent to it"
grep -q 'warning: REQUIRETLS: mx-noreq.test \[127.0.0.4\]: it does not offer REQUIRETLS after STARTTLS' "$T_DIR/err"; ok $? "... and logged"
BERTH_MAILPARAMS='' run noreq.test
has "$out" "Kmx-noreq.test [127.0.0.4] accepted message." "the same peer, a message without REQUIRETLS: delivered"

n=$(mails good)
printf '%s\n' 'wrong.test:may' > "$BERTH_HOME/control/tlspolicy"
run wrong.test
has "$out" "DSorry, REQUIRETLS support required: connected to other.test [127.0.0.3] but TLS failed: berth-tlsc status 98: X509_BAD_SERVER_NAME (#5.7.30)" "a certificate not for the MX name, policy may: D 5.7.30 with berth-tlsc's reason"
is "$(mails good)" "$n" "... nothing sent"

printf '%s\n' 'plain.test:none' > "$BERTH_HOME/control/tlspolicy"
run plain.test
has "$out" "DSorry, REQUIRETLS support required: connected to mx-plain.test [127.0.0.5] but it does not offer STARTTLS (#5.7.30)" "a peer without STARTTLS, policy none: D 5.7.30"
is "$(mails plain)" 0 "... nothing sent in cleartext"

printf '%s\n' '[127.0.0.1]:may:name=localhost' > "$BERTH_HOME/control/tlspolicy"
run '[127.0.0.1]'
has "$out" "but TLS failed: berth-tlsc status 98: X509_NOT_TRUSTED (#5.7.30)" "a self-signed certificate (name= for a literal): D 5.7.30, not trusted"
rm "$BERTH_HOME/control/tlspolicy"
run '[127.0.0.3]'
has "$out" "connected to 127.0.0.3 but an address literal has no host name to verify its certificate with (name= in control/tlspolicy) (#5.7.30)" "an address literal without name=: D 5.7.30"

n=$(mails good)
run two.test
has "$out" "Kmx.test [127.0.0.3] accepted message." "the first MX without REQUIRETLS, the second with it: delivered by the second"
is "$(( $(mails good) - n ))" 1 "... once"
run down.test
has "$out" "ZSorry, no host of down.test could take this REQUIRETLS message now (another failed temporarily); connected to other.test [127.0.0.3] but TLS failed" "one MX cannot meet it, another is down: Z, not a bounce"
has "$out" "(#4.4.1)" "... a temporary code"
case $out in *5.7.30*) ok 1 "... no 5.7.30 in it" ;; *) ok 0 "... no 5.7.30 in it" ;; esac

# TLS-Required: No (RFC 8689 5), without REQUIRETLS
unset BERTH_MAILPARAMS
printf '%s\n' 'noreq.test:dane-only' 'wrong.test:verify' > "$BERTH_HOME/control/tlspolicy"
run noreq.test
has "$out" "which control/tlspolicy's dane-only requires. (#4.7.5)" "dane-only without DNSSEC defers a message without the header"
run noreq.test "$T_DIR/tlsno"
has "$out" "Kmx-noreq.test [127.0.0.4] accepted message." "TLS-Required: No sets the domain's DANE aside: delivered"
has "$out" "TLS=TLSv1.2" "... still over TLS (STARTTLS offered)"
grep -q 'info: TLS-Required: No: DANE and MTA-STS are not applied to this message' "$T_DIR/err"; ok $? "... and logged"
run wrong.test "$T_DIR/tlsno"
has "$out" "ZConnected to other.test [127.0.0.3] but TLS failed: berth-tlsc status 98: X509_BAD_SERVER_NAME. (#4.7.5)" "TLS-Required: No leaves the administrator's verify as it is"
# an MTA-STS policy (enforce, cached) that does not list the MX: set aside too
printf 'id s1\nmode enforce\nmax_age 86400\nfetched %s\nmx elsewhere.test\n' "$(date +%s)" > "$BERTH_HOME/queue/mtasts/req.test"
run req.test
has "$out" "ZSorry, the MTA-STS policy of req.test (enforce) does not list the MX host mx.test. (#4.7.5)" "MTA-STS enforce, MX not listed: deferred"
run req.test "$T_DIR/tlsno"
has "$out" "Kmx.test [127.0.0.3] accepted message." "TLS-Required: No sets the MTA-STS policy aside: delivered"
rm "$BERTH_HOME/queue/mtasts/req.test"
printf 'Subject: x\ntls-required:\n  NO \n\nbody\n' > "$T_DIR/tlsno2"
run noreq.test "$T_DIR/tlsno2"
has "$out" "Kmx-noreq.test [127.0.0.4] accepted message." "the field's name and value in any case, folded"
printf 'Subject: x\n\nTLS-Required: No\n' > "$T_DIR/tlsno3"
run noreq.test "$T_DIR/tlsno3"
has "$out" "dane-only requires. (#4.7.5)" "the field in the body is not the header's"
printf 'Subject: x\nTLS-Required: Nope\n\nbody\n' > "$T_DIR/tlsno4"
run noreq.test "$T_DIR/tlsno4"
has "$out" "dane-only requires. (#4.7.5)" "a value other than No is not No"
BERTH_MAILPARAMS=REQUIRETLS run noreq.test "$T_DIR/tlsno"
has "$out" "dane-only requires. (#4.7.5)" "with REQUIRETLS the header is ignored (RFC 8689 4.1): dane-only still applies"
t_done

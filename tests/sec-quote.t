#!/bin/sh
# Address injection at the next hop: berth-remote writes each address of the envelope re-quoted
# (RFC 5321), so a quoted local part that berth-smtpd accepted and stored unquoted, such as
# "victim> ORCPT=rfc822;x"@relay.test, stays one address at the peer instead of ending the path
# and adding parameters. An address no quoted string can hold fails permanently, alone.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
P=$(free_port)
A=$(free_port)
ctl smtpport "$P"
ctl timeoutconnect 5
ctl timeoutremote 10
notipme_sinks
sink raw 127.0.0.1 "$P"
sink nopipe 127.0.0.2 "$P" --caps '8BITMIME'
aiosink aio "$A"
wait_listen 127.0.0.1 "$P"; wait_listen 127.0.0.2 "$P"; wait_listen 127.0.0.1 "$A"
printf 'Subject: quote\n\nhello\n' > "$T_DIR/msg"

has () { # has TEXT PATTERN DESCRIPTION
  case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac
}

# the addresses as berth-smtpd stores them (local part unquoted)
V='victim> ORCPT=rfc822;x@relay.test'
Q='q"t@relay.test'
PM='<postmaster>@relay.test'
S='a b@x.test'
for h in 1 2; do
  out=$(remote "[127.0.0.$h]" "$S" "$V" "$Q" "$PM" 'u@relay.test' < "$T_DIR/msg")
  name=$([ $h = 1 ] && echo raw || echo nopipe)
  is "$(printf '%s\n' "$out" | cut -c1 | tr -d '\n')" "rrrrKI" "$name: accepted (then the facts record)"
  is "$(sed "s/ SIZE=[0-9]*//" "$T_DIR/$name/1.env")" '<"a b"@x.test>
<"victim> ORCPT=rfc822;x"@relay.test>
<"q\"t"@relay.test>
<"<postmaster>"@relay.test>
<u@relay.test>' "$name: MAIL and each RCPT re-quoted, byte for byte"
  n=$(grep -c 'RCPT TO:' "$T_DIR/$name/chunks" 2>/dev/null)
  [ "$name" = raw ] && n=$(grep -o 'RCPT TO:' "$T_DIR/$name/chunks" | wc -l)
  is "$n" 4 "$name: four RCPT commands, no more"
  ! grep -q 'ORCPT=rfc822;x@' "$T_DIR/$name/chunks"; ok $? "$name: no ORCPT parameter reached the peer"
done

# a real SMTP parser (aiosmtpd) reads back the very addresses, with no parameter
ctl smtpport "$A"
out=$(remote '[127.0.0.1]' "$S" "$V" 'n@relay.test> NOTIFY=NEVER' "$Q" < "$T_DIR/msg")
has "$out" "K127.0.0.1 accepted message." "aiosmtpd: accepted"
is "$(grep -v mail_options "$T_DIR/aio/1.env")" 'from="a b"@x.test
to="victim> ORCPT=rfc822;x"@relay.test
to="q\"t"@relay.test' "aiosmtpd: one recipient each, no ORCPT, the sender whole"
has "$out" "h" "a domain holding '> ' is refused for that recipient"
ctl smtpport "$P"

# no quoted string holds CR or LF: that recipient fails for good, the others are delivered
CR=$(printf 'x\rRCPT TO:<evil@relay.test>@relay.test')
rm -f "$T_DIR/raw/chunks"
out=$(remote '[127.0.0.1]' s@x.test "$CR" 'good@relay.test' < "$T_DIR/msg")
is "$(printf '%s' "$out" | tr '\r' '?' | cut -c1 | tr -d '\n')" "hrKI" "CR in a recipient: h for it, K for the rest (then the facts record)"
has "$out" "cannot be written in SMTP" "the reason names the address"
has "$out" "#5.1.3" "with 5.1.3"
is "$(sed "s/ SIZE=[0-9]*//" "$T_DIR/raw/2.env")" '<s@x.test>
<good@relay.test>' "only the good recipient reached the peer"
! grep -q 'evil' "$T_DIR/raw/chunks"; ok $? "nothing of the CR address was sent"

# nor a sender with a control byte: the whole message fails for good, before any connection
rm -f "$T_DIR/raw/chunks"
out=$(remote '[127.0.0.1]' "$(printf 'a\001b@x.test')" 'good@relay.test' < "$T_DIR/msg")
is "$(printf '%s\n' "$out" | cut -c1 | tr -d '\n')" "D" "control byte in the sender: D"
has "$out" "#5.1.7" "with 5.1.7"
[ ! -e "$T_DIR/raw/chunks" ]; ok $? "no connection was made"
t_done

#!/bin/sh
# berth-remote's BDAT (RFC 3030): used when the peer offers CHUNKING (no DATA, no dot-stuffing,
# chunks of the CRLF-encoded message, the last one "BDAT n LAST"), the message byte-exact at a
# scripted sink (dots, a bare CR, no final newline, several chunks), an empty message (BDAT 0
# LAST), a refused chunk (nothing more sent, D or Z), no accepted recipient (no BDAT), DATA with
# a peer without CHUNKING and with control/nochunking; then a private Postfix (CHUNKING on, and
# off with smtpd_discard_ehlo_keywords), whose log counts the BDAT or DATA commands.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
. "$BERTH_TOP/tests/postfix-lib.sh"
t_start 90
t_instance
A=$(free_port); B=$(free_port); R=$(free_port); Z=$(free_port)
ctl timeoutconnect 5
ctl timeoutremote 10
sink ch 127.0.0.1 "$A" --caps 'PIPELINING,8BITMIME,CHUNKING,SIZE 10000000'
sink plain 127.0.0.1 "$B" --caps 'PIPELINING,8BITMIME'
sink refuse 127.0.0.1 "$R" --caps 'CHUNKING' --bdat-refuse '2 554 5.6.0 no thanks'
sink temp 127.0.0.1 "$Z" --caps 'PIPELINING,CHUNKING' --bdat-refuse '1 451 4.3.0 later'
for p in $A $B $R $Z; do wait_listen 127.0.0.1 "$p"; done

has () { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac; }
to () { printf ':[127.0.0.1]:%s\n' "$1" > "$BERTH_HOME/control/smtproutes"; }

# The message as stored (LF line ends) and as the peer must get it (CRLF, dots as they are).
/usr/bin/python3 - "$T_DIR" <<'PY'
import sys
d = sys.argv[1]
body = b"Subject: chunks\n\n.one dot\n..two dots\n.\nbare\rCR\n" + b"".join(b"line %06d %s\n" % (i, b"x" * 60) for i in range(3000)) + b"no final newline"
open(d + "/big", "wb").write(body)
want = body.replace(b"\r", b"\n").replace(b"\n", b"\r\n") + b"\r\n"
open(d + "/big.want", "wb").write(want)
open(d + "/empty", "wb").write(b"")
open(d + "/small", "wb").write(b"Subject: s\n\nsmall\n")
PY

to "$A"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/big")
has "$out" "K127.0.0.1 accepted message." "CHUNKING peer: K"
cmp -s "$T_DIR/ch/1.eml" "$T_DIR/big.want"; ok $? "the message arrives byte for byte: CRLF, no dot-stuffing, last line closed"
grep -q DATA "$T_DIR/ch/cmds"; ok $((!$?)) "no DATA command"
n=$(grep -c ' BDAT ' "$T_DIR/ch/cmds")
[ "$n" -ge 3 ]; ok $? "several chunks ($n)"
is "$(grep -c 'LAST$' "$T_DIR/ch/cmds")" 1 "only the last chunk says LAST"
tail -n 1 "$T_DIR/ch/cmds" | grep -q ' BDAT [0-9]* LAST$'; ok $? "and it is the last one sent"
sum=$(awk '{ s += $3 } END { print s }' "$T_DIR/ch/cmds")
is "$sum" "$(wc -c < "$T_DIR/big.want")" "the chunk sizes add up to the message"
: > "$T_DIR/ch/cmds"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/empty")
has "$out" "K127.0.0.1 accepted message." "an empty message: K"
is "$(cut -d' ' -f2- "$T_DIR/ch/cmds")" "BDAT 0 LAST" "sent as BDAT 0 LAST"
: > "$T_DIR/ch/cmds"
out=$(remote x.test a@b.test p550@x.test < "$T_DIR/small")
has "$out" "DGiving up on 127.0.0.1" "no recipient accepted: D"
is "$(cat "$T_DIR/ch/cmds" 2>/dev/null)" "" "and no BDAT sent"

# A refused chunk stops the transfer: 5xx is D, 4xx is Z.
to "$R"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/big")
has "$out" "D127.0.0.1 failed on BDAT command. Remote host said: 554 5.6.0 no thanks" "a chunk refused with 554: D"
is "$(wc -l < "$T_DIR/refuse/cmds")" 2 "nothing sent after the refused chunk"
grep -q LAST "$T_DIR/refuse/cmds"; ok $((!$?)) "LAST never sent"
to "$Z"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/big")
has "$out" "Z127.0.0.1 failed on BDAT command. Remote host said: 451 4.3.0 later" "a chunk refused with 451: Z"

# No CHUNKING, or control/nochunking: DATA.
to "$B"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/small")
has "$out" "K127.0.0.1 accepted message." "peer without CHUNKING: K"
is "$(cut -d' ' -f2- "$T_DIR/plain/cmds")" "DATA" "DATA used"
to "$A"
: > "$T_DIR/ch/cmds"
ctl nochunking ""
out=$(remote x.test a@b.test u@x.test < "$T_DIR/big")
has "$out" "K127.0.0.1 accepted message." "control/nochunking: K"
is "$(cut -d' ' -f2- "$T_DIR/ch/cmds")" "DATA" "control/nochunking: DATA even though CHUNKING is offered"
n=$(ls "$T_DIR/ch/"*.eml | wc -l)
cmp -s "$T_DIR/ch/$n.eml" "$T_DIR/big.want"; ok $? "the same bytes arrive through DATA"
rm -f "$BERTH_HOME/control/nochunking"

# A real peer: Postfix offers CHUNKING (and logs its command counts at disconnect: bdat=N).
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null 2>&1; then
  diag "skipping the Postfix part: it needs root and postfix"
  t_done
fi
pf_up "$T_DIR/pf"
printf 'pf.test:127.0.0.1:%s\n' "$pfport" > "$BERTH_HOME/control/smtproutes"
# wait_log PATTERN: until Postfix's log has it (at most 20 s)
wait_log () { n=0; while [ $n -lt 200 ] && ! grep -q "$1" "$P/maillog" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done; grep -q "$1" "$P/maillog"; }
out=$(remote pf.test a@b.test box@pf.test < "$T_DIR/big")
has "$out" "K127.0.0.1 accepted message." "Postfix with CHUNKING: K"
wait_log 'disconnect from .* bdat=[0-9]*'; ok $? "Postfix's log counts BDAT commands"
grep 'disconnect from' "$P/maillog" | tail -n 1 | grep -q ' data='; ok $((!$?)) "and no DATA"
n=0; while [ $n -lt 200 ] && [ -z "$(find "$P/mail/box/new" -type f 2>/dev/null)" ]; do sleep 0.1; n=$((n + 1)); done
f=$(find "$P/mail/box/new" -type f | head -n 1)
/usr/bin/python3 -c 'import sys
got = open(sys.argv[1], "rb").read()
want = open(sys.argv[2], "rb").read().replace(b"\r\n", b"\n")
sys.exit(0 if b"\nSubject: chunks\n" in got and got.split(b"\n\n", 1)[1] == want.split(b"\n\n", 1)[1] else 1)' "$f" "$T_DIR/big.want"
ok $? "Postfix stored the body byte for byte (LF, dots as sent, the bare CR as a line end)"
echo "smtpd_discard_ehlo_keywords = chunking" >> "$P/etc/main.cf"
pf "$P" reload >/dev/null 2>&1
sleep 1
: > "$P/maillog.before"; cp "$P/maillog" "$P/maillog.before"
out=$(remote pf.test a@b.test box@pf.test < "$T_DIR/small")
has "$out" "K127.0.0.1 accepted message." "Postfix without CHUNKING: K"
n=0; while [ $n -lt 200 ] && [ "$(grep -c 'disconnect from' "$P/maillog")" -le "$(grep -c 'disconnect from' "$P/maillog.before")" ]; do sleep 0.1; n=$((n + 1)); done
grep 'disconnect from' "$P/maillog" | tail -n 1 | grep -q ' data=1 '; ok $? "Postfix's log counts a DATA command"
grep 'disconnect from' "$P/maillog" | tail -n 1 | grep -q ' bdat='; ok $((!$?)) "and no BDAT"
t_done

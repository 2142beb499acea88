#!/bin/sh
# berth-remote's DATA: byte-exactness at aiosmtpd (dots, 998-byte lines, no final newline, bare
# CR), 8BITMIME and SMTPUTF8 with peers that offer them and peers that do not, 250 recipients
# in one pipelined transaction (scripted sink and Postfix's smtp-sink).
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
A=$(free_port); B=$(free_port); C=$(free_port); S=$(free_port); N=$(free_port)
ctl timeoutconnect 5
ctl timeoutremote 10
aiosink ai "$A"
aiosink ain "$B" --no-smtputf8
sink plain 127.0.0.1 "$C" --caps 'PIPELINING'
sink pipe 127.0.0.1 "$S"
mkdir -p "$T_DIR/ss" && chmod 777 "$T_DIR/ss"
if [ "$(id -u)" = 0 ]; then t_bg smtp-sink -u nobody -d "$T_DIR/ss/%M." 127.0.0.1:"$N" 64 >/dev/null 2>&1
else t_bg smtp-sink -d "$T_DIR/ss/%M." 127.0.0.1:"$N" 64 >/dev/null 2>&1; fi
for p in $A $B $C $S $N; do wait_listen 127.0.0.1 "$p"; done

has () { case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "$1" ;; esac; }
to () { # to PORT: send the rest through smtproutes default route
  printf ':[127.0.0.1]:%s\n' "$1" > "$BERTH_HOME/control/smtproutes"
}

# byte-exactness: each case is stored as given, expected at the peer in CRLF form
to "$A"
i=0
/usr/bin/python3 - "$T_DIR" <<'PY'
import sys, os
d = sys.argv[1]
cases = [
  b"Subject: dots\n\n.\nx\n.\n",
  b".leading\n..two\n...three\n. space\n",
  b"Subject: long\n\n" + b"x" * 998 + b"\n" + b"y" * 998 + b"\n",
  b"Subject: nofinal\n\nabc\ndef",
  b"a\n.",
  b"stored\r\ncrlf\r\n",
  b"bare\r.\r\nnext\rline\n",
  b"",
]
for n, c in enumerate(cases, 1):
    open(os.path.join(d, "case%d" % n), "wb").write(c)
    e = c.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if e and not e.endswith(b"\n"):
        e += b"\n"
    open(os.path.join(d, "case%d.want" % n), "wb").write(e.replace(b"\n", b"\r\n"))
PY
for n in 1 2 3 4 5 6 7 8; do
  out=$(remote x.test a@b.test u@x.test < "$T_DIR/case$n")
  has "$out" "K127.0.0.1 accepted message. Remote host said: 250 2.0.0 stored" "case $n delivered"
  got=$(ls -t "$T_DIR/ai"/*.eml | head -n 1)
  cmp -s "$got" "$T_DIR/case$n.want"; ok $? "case $n arrives byte for byte in CRLF form"
done

# per-recipient replies from aiosmtpd
printf 'Subject: rcpts\n\nhi\n' > "$T_DIR/mr"
out=$(remote x.test a@b.test u@x.test t450@x.test p550@x.test < "$T_DIR/mr")
is "$(printf '%s\n' "$out" | cut -c1 | tr -d '\n')" "rshKI" "aiosmtpd: 250, 450, 550 give r, s, h, then K, then the facts record (I)"
has "$out" "s127.0.0.1 does not like recipient. Remote host said: 450 4.2.1 mailbox busy t450" "aiosmtpd: 450 quoted"
has "$out" "h127.0.0.1 does not like recipient. Remote host said: 550 5.1.1 unknown user p550" "aiosmtpd: 550 quoted"
got=$(ls -t "$T_DIR/ai"/*.env | head -n 1)
is "$(grep '^to=' "$got" | tr '\n' ' ')" "to=u@x.test " "aiosmtpd: only the accepted recipient got it"
out=$(remote x.test a@b.test t450@x.test < "$T_DIR/mr")
is "$(printf '%s\n' "$out" | cut -c1 | tr -d '\n')" "sDI" "aiosmtpd: only 450: s, then D (given up on this host), then the facts record (I)"

# no bare CR or LF on the wire, whatever the stored bytes
to "$C"
remote x.test a@b.test u@x.test < "$T_DIR/case7" >/dev/null
/usr/bin/python3 - "$T_DIR/plain/chunks" <<'PY'
import ast, re, sys
wire = b"".join(ast.literal_eval(l) for l in open(sys.argv[1]))
bad = re.search(rb"\r(?!\n)|(?<!\r)\n", wire)
sys.exit(1 if bad else 0)
PY
ok $? "no bare CR or LF on the wire (bare CR in the store sent as a line end)"

# 8-bit body
printf 'Subject: 8bit\n\ncaf\303\251\n' > "$T_DIR/m8"
to "$A"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/m8")
has "$out" "K127.0.0.1 accepted" "8-bit message to an 8BITMIME peer"
got=$(ls -t "$T_DIR/ai"/*.env | head -n 1)
grep -q 'mail_options=.*BODY=8BITMIME' "$got"; ok $? "BODY=8BITMIME sent when offered"
to "$C"
out=$(remote x.test a@b.test u@x.test < "$T_DIR/m8")
has "$out" "K127.0.0.1 accepted" "8-bit message to a peer without 8BITMIME: sent as it is"
grep -q "BODY=" "$T_DIR/plain/chunks"; ok $((! $?)) "no BODY= to a peer without 8BITMIME"
got=$(ls -t "$T_DIR/plain"/*.eml | head -n 1)
printf 'Subject: 8bit\r\n\r\ncaf\303\251\r\n' | cmp -s - "$got"; ok $? "8-bit bytes unchanged"
grep -q "SIZE=" "$T_DIR/plain/chunks"; ok $((! $?)) "no SIZE= to a peer without SIZE"

# UTF-8 envelope
to "$A"
out=$(printf 'Subject: u\n\nhi\n' | remote x.test "$(printf 'j\303\274@b.test')" "$(printf 'm\303\274ller@x.test')")
has "$out" "K127.0.0.1 accepted" "UTF-8 envelope to an SMTPUTF8 peer"
got=$(ls -t "$T_DIR/ai"/*.env | head -n 1)
grep -q 'mail_options=.*SMTPUTF8' "$got"; ok $? "SMTPUTF8 parameter sent"
grep -q "$(printf 'to=m\303\274ller@x.test')" "$got"; ok $? "UTF-8 recipient arrives intact"
to "$B"
out=$(printf 'Subject: u\n\nhi\n' | remote x.test "$(printf 'j\303\274@b.test')" "$(printf 'm\303\274ller@x.test')")
has "$out" "DConnected to 127.0.0.1 but it does not support SMTPUTF8" "UTF-8 envelope to a peer without SMTPUTF8: permanent"
has "$out" "(#5.6.7)" "... with 5.6.7"

# 250 recipients, one transaction, pipelined
rcpts=$(i=1; while [ $i -le 250 ]; do printf 'r%s@many.test ' $i; i=$((i+1)); done)
printf 'Subject: many\n\nhi\n' > "$T_DIR/many"
to "$S"
# shellcheck disable=SC2086
out=$(remote many.test a@b.test $rcpts < "$T_DIR/many")
is "$(printf '%s\n' "$out" | grep -c '^r$')" 250 "250 recipients accepted"
has "$out" "K127.0.0.1 accepted" "one message for 250 recipients"
is "$(ls "$T_DIR/pipe"/*.eml | wc -l)" 1 "one transaction"
is "$(tail -n +2 "$T_DIR/pipe/1.env" | wc -l)" 250 "the sink saw 250 recipients"
/usr/bin/python3 - "$T_DIR/pipe/chunks" <<'PY'
import ast, sys
chunks = [ast.literal_eval(l) for l in open(sys.argv[1])]
c = [x for x in chunks if b"MAIL FROM:" in x][0]
sys.exit(0 if c.startswith(b"MAIL FROM:") and c.count(b"RCPT TO:") == 250 and c.endswith(b"DATA\r\n") else 1)
PY
ok $? "MAIL, 250 RCPTs and DATA arrived in one read (pipelining)"
to "$N"
# shellcheck disable=SC2086
out=$(remote many.test a@b.test $rcpts < "$T_DIR/many")
is "$(printf '%s\n' "$out" | grep -c '^r$')" 250 "smtp-sink: 250 recipients accepted"
has "$out" "K127.0.0.1 accepted" "smtp-sink: delivered"
t_done

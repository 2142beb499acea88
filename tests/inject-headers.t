#!/bin/sh
# berth-inject: fields added when missing and kept when present, Bcc/Resent-Bcc/Return-Path/
# Content-Length removed, folded headers and 8-bit bytes passed through exactly, a large body
# streamed byte for byte, header recipients (plain and Resent- sets), bad input refused.
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
. "$BERTH_TOP/tests/inject-lib.sh"
inj () { run_inject berth-inject "$@" ; }
count () { message "$ID" | grep -c -- "$1" ; }

# 1. everything missing: Date, Message-ID, From added; no To/Cc: the qmail Cc line
printf 'Subject: plain\n\nhello\n' > "$T_DIR/in"
inj rcpt@example.com
is "$RC" 0 "plain message queued"
is "$(envelope "$ID")" "Fjoe@test.example Trcpt@example.com" "envelope: default sender, argv recipient"
is "$(qbody "$Q/mess/$ID" | head -n 1 | cut -c1-16)" "Received: (berth" "berth-queue's Received line first"
is "$(count '^Date: [A-Z][a-z][a-z], [0-9]* [A-Z][a-z][a-z] 20[0-9][0-9] ')" 1 "Date added"
is "$(count '^Message-ID: <[0-9.]*berth@test.example>$')" 1 "Message-ID added with idhost"
is "$(count '^From: joe@test.example$')" 1 "From added from USER and me"
is "$(count '^Cc: recipient list not shown: ;$')" 1 "no To/Cc: qmail's Cc line added"
is "$(message "$ID" | tail -n 2 | paste -sd'|')" "|hello" "body after one blank line"

# 2. everything present: nothing added, nothing changed, folded lines and 8-bit bytes exact
printf 'From: Someone <someone@x.example>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <given@x.example>\nTo: a@x.example,\n\tb@x.example,\r\n  "C, Esq." <c@x.example>\nSubject: folded\n  over\n\t three lines\nX-8bit: J\303\266rg \377\nCc: (comment) d@x.example\n\n' > "$T_DIR/hdr"
{ cat "$T_DIR/hdr"; printf 'body \303\251\377\000\001\r\n\n.\n..\nFrom the start\nno final newline'; } > "$T_DIR/in"
inj -h
is "$RC" 0 "complete message queued"
message "$ID" > "$T_DIR/got"
cmp -s "$T_DIR/got" "$T_DIR/in"; ok $? "message byte-exact when nothing needs adding"
is "$(envelope "$ID")" "Fjoe@test.example Ta@x.example Tb@x.example Tc@x.example Td@x.example" "folded To and Cc with comment parsed"

# 2b. a hard address list: quoted names with commas, groups, routes, 8-bit names, Apparently-To
printf 'To: "Doe, Jane" <jane@x.example>, team: a@x.example,\n Bob (the builder) <b@x.example>;,\n undisclosed:;, <@r1.example,@r2.example:routed@x.example>\nCc: J\303\266rg M\303\274ller <jm@x.example>, "\303\251t\303\251" <ete@x.example>\nApparently-To: app@x.example\nSubject: list\n\nb\n' > "$T_DIR/in"
inj
is "$RC" 0 "hard address list queued"
is "$(envelope "$ID")" "Fjoe@test.example Tjane@x.example Ta@x.example Tb@x.example Trouted@x.example Tjm@x.example Tete@x.example Tapp@x.example" "recipients from names, groups, routes, 8-bit names, Apparently-To"
grep -v '^Apparently' "$T_DIR/in" > "$T_DIR/want"
message "$ID" | grep -v '^Date:\|^Message-ID:\|^From:\|^Apparently' > "$T_DIR/got"
cmp -s "$T_DIR/want" "$T_DIR/got"; ok $? "the address fields are kept byte for byte"

# 3. Bcc, Return-Path, Content-Length removed; Bcc still a recipient; Return-Path is the sender
printf 'Return-Path: <bounces@list.example>\nTo: Undisclosed:;\nBcc: hidden@x.example,\n  hidden2@x.example\nContent-Length: 999\nSubject: s\n\nb\n' > "$T_DIR/in"
inj
is "$RC" 0 "Bcc message queued"
is "$(envelope "$ID")" "Fbounces@list.example Thidden@x.example Thidden2@x.example" "Bcc recipients, sender from Return-Path"
is "$(count '^Bcc:')" 0 "Bcc removed"
is "$(count '^  hidden2')" 0 "Bcc continuation line removed"
is "$(count '^Return-Path:')" 0 "Return-Path removed"
is "$(count '^Content-Length:')" 0 "Content-Length removed"
is "$(count '^To: Undisclosed:;$')" 1 "group kept in the header"
is "$(count '^Cc: recipient list')" 0 "To present: no Cc line added"

# 4. -f beats Return-Path; QMAILINJECT=s ignores it
inj -f other@y.example
is "$(envelope "$ID" | cut -d' ' -f1)" "Fother@y.example" "-f overrides Return-Path"
QMAILINJECT=s inj
is "$(envelope "$ID" | cut -d' ' -f1)" "Fjoe@test.example" "QMAILINJECT=s ignores Return-Path"

# 5. the Resent- set: only Resent- recipients, Resent- fields added, old Bcc kept out
printf 'From: a@x.example\nTo: old@x.example\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <m@x>\nResent-To: new@y.example\nResent-Bcc: secret@y.example\nSubject: fwd\n\nb\n' > "$T_DIR/in"
inj
is "$(envelope "$ID")" "Fjoe@test.example Tnew@y.example Tsecret@y.example" "Resent-To/Resent-Bcc are the recipients"
is "$(count '^Resent-Bcc:')" 0 "Resent-Bcc removed"
is "$(count '^Resent-Date: ')$(count '^Resent-Message-ID: ')$(count '^Resent-From: joe@test.example')" 111 "Resent-Date, -Message-ID, -From added"
is "$(count '^Date: Mon, 1 Jan 2024')$(count '^Message-ID: <m@x>')" 11 "original Date and Message-ID kept"

# 6. a large 8-bit body is streamed byte for byte
printf 'To: big@x.example\nSubject: big\n\n' > "$T_DIR/in"
head -c 3000000 /dev/urandom >> "$T_DIR/in"
inj
is "$RC" 0 "3 MB message queued"
tail -c 3000000 "$T_DIR/in" > "$T_DIR/body"
tail -c 3000000 "$Q/mess/$ID" > "$T_DIR/got"
cmp -s "$T_DIR/body" "$T_DIR/got"; ok $? "3 MB binary body byte-exact"

# 7. CRLF header end kept; a non-header line starts the body
printf 'To: c@x.example\r\nSubject: crlf\r\n\r\nbody\r\n' > "$T_DIR/in"
inj
is "$(message "$ID" | grep -c "$(printf '^Subject: crlf\r$')")" 1 "CRLF field kept"
printf 'To: n@x.example\nthis is not a header\nmore\n' > "$T_DIR/in"
inj
is "$(message "$ID" | tail -n 3 | paste -sd'|')" "|this is not a header|more" "non-header line starts the body after a blank line"

# 8. refused: no recipients, unparsable header address, overlong header
printf 'Subject: none\n\nb\n' > "$T_DIR/in"
n=$(ls "$Q/todo" | wc -l)
inj
is "$RC" 100 "no recipients: exit 100"
grep -q 'no recipients' "$T_DIR/err"; ok $? "no recipients: says so"
printf 'To: John Smith\n\nb\n' > "$T_DIR/in"
inj
is "$RC" 100 "unparsable To: exit 100"
grep -q 'header field To' "$T_DIR/err"; ok $? "unparsable To: names the field"
{ printf 'To: x@x.example\nX-Long: '; head -c 1100000 /dev/zero | tr '\0' a; printf '\n\nb\n'; } > "$T_DIR/in"
inj
is "$RC" 100 "header over 1 MiB: exit 100"
is "$(ls "$Q/todo" | wc -l)" "$n" "nothing queued by the refused messages"
printf 'To: "unterminated@x\n\nb\n' > "$T_DIR/in"
inj -a ok@x.example
is "$RC" 0 "-a: header addresses are not parsed"
t_done

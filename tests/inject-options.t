#!/bin/sh
# berth-inject options and environment: -a -h -A -H recipient selection, -f, -n, the user/host/name
# variables, QMAILSUSER/QMAILSHOST, QMAILINJECT flags, and the rewriting controls (files and env).
. "$BERTH_TOP/tests/lib.sh"
t_start 30
t_instance
. "$BERTH_TOP/tests/inject-lib.sh"
unset LOGNAME
inj () { run_inject berth-inject "$@" ; }
field () { message "$ID" | grep "^$1: " | head -n 1 ; }

printf 'To: h1@x.example\nCc: h2@x.example\nSubject: s\n\nbody\n' > "$T_DIR/in"

# recipient selection
inj a1@y.example
is "$(envelope "$ID")" "Fjoe@test.example Ta1@y.example" "-A (default) with arguments: arguments only"
inj
is "$(envelope "$ID")" "Fjoe@test.example Th1@x.example Th2@x.example" "-A (default) without arguments: header"
inj -a a1@y.example
is "$(envelope "$ID")" "Fjoe@test.example Ta1@y.example" "-a: arguments only"
inj -h a1@y.example
is "$(envelope "$ID")" "Fjoe@test.example Th1@x.example Th2@x.example" "-h: header only, arguments ignored"
inj -H a1@y.example 'Two <a2@y.example>, a3@y.example'
is "$(envelope "$ID")" "Fjoe@test.example Ta1@y.example Ta2@y.example Ta3@y.example Th1@x.example Th2@x.example" "-H: arguments then header; an argument may be a list"
inj -a
is "$RC" 100 "-a without arguments: no recipients, exit 100"
inj -Z
is "$RC" 100 "unknown option: exit 100"

# -f and rewriting of addresses without host or dot
inj -f list-owner@lists.example r@y.example
is "$(envelope "$ID")" "Flist-owner@lists.example Tr@y.example" "-f sets the envelope sender"
inj -f '' r@y.example
is "$(envelope "$ID")" "F Tr@y.example" "-f '' gives the null sender"
inj -f '<>' r@y.example
is "$(envelope "$ID")" "F Tr@y.example" "-f '<>' gives the null sender"
inj -f bob bare host@nodot plus@box+ lit@[192.0.2.1]
is "$(envelope "$ID")" "Fbob@test.example Tbare@test.example Thost@nodot.test.example Tplus@box.test.example Tlit@[192.0.2.1]" "defaulthost, defaultdomain, plusdomain from control/me; literal untouched"
printf 'dflt.example\n' > "$BERTH_HOME/control/defaultdomain"
printf 'hosty\n' > "$BERTH_HOME/control/defaulthost"
printf 'plus.example\n' > "$BERTH_HOME/control/plusdomain"
printf 'ids.example\n' > "$BERTH_HOME/control/idhost"
inj bare host@nodot plus@box+
is "$(envelope "$ID")" "Fjoe@hosty.dflt.example Tbare@hosty.dflt.example Thost@nodot.dflt.example Tplus@box.plus.example" "control files defaulthost, defaultdomain, plusdomain"
is "$(field Message-ID | sed 's/.*@//')" "ids.example>" "control/idhost in Message-ID"
QMAILDEFAULTDOMAIN=env.example QMAILDEFAULTHOST=envhost.example QMAILPLUSDOMAIN=penv.example QMAILIDHOST=idenv.example inj bare host@nodot plus@box+
is "$(envelope "$ID")" "Fjoe@envhost.example Tbare@envhost.example Thost@nodot.env.example Tplus@box.penv.example" "QMAILDEFAULTDOMAIN, QMAILDEFAULTHOST, QMAILPLUSDOMAIN override the files"
is "$(field Message-ID | sed 's/.*@//')" "idenv.example>" "QMAILIDHOST in Message-ID"
rm -f "$BERTH_HOME/control/defaultdomain" "$BERTH_HOME/control/defaulthost" "$BERTH_HOME/control/plusdomain" "$BERTH_HOME/control/idhost"
inj -f "$(printf 'a\nb@x.example')" r@y.example
is "$RC" 100 "-f with a line break: exit 100"
QMAILUSER="$(printf 'a\rb')" inj r@y.example
is "$RC" 100 "QMAILUSER with a control byte: exit 100"

# who is sending: USER, LOGNAME, MAILUSER, QMAILUSER; MAILHOST, QMAILHOST; NAME, MAILNAME, QMAILNAME
inj r@y.example
is "$(field From)" "From: joe@test.example" "From from USER"
env -u USER LOGNAME=lou sh -c 'BERTH_IDFD=9 berth-inject r@y.example < "$1/in" 9> "$1/id"' sh "$T_DIR"; ID=$(cat "$T_DIR/id")
is "$(field From)" "From: lou@test.example" "From from LOGNAME when USER is unset"
env -u USER sh -c 'BERTH_IDFD=9 berth-inject r@y.example < "$1/in" 9> "$1/id"' sh "$T_DIR"; ID=$(cat "$T_DIR/id")
is "$(field From)" "From: anonymous@test.example" "no user at all: anonymous"
MAILUSER=mu MAILHOST=mh.example NAME='Plain Name' inj r@y.example
is "$(field From)" 'From: "Plain Name" <mu@mh.example>' "MAILUSER, MAILHOST, NAME"
is "$(envelope "$ID")" "Fmu@mh.example Tr@y.example" "sender follows the From user and host"
QMAILUSER=qu MAILUSER=mu QMAILHOST=qh.example MAILHOST=mh.example QMAILNAME='Q "the" Name' MAILNAME=mn NAME=n inj r@y.example
is "$(field From)" 'From: "Q \"the\" Name" <qu@qh.example>' "QMAILUSER, QMAILHOST, QMAILNAME win; quotes escaped"
is "$(envelope "$ID")" "Fqu@qh.example Tr@y.example" "sender from QMAILUSER@QMAILHOST"
QMAILUSER=qu QMAILHOST=qh.example QMAILSUSER=bounce QMAILSHOST=b.example inj r@y.example
is "$(envelope "$ID")" "Fbounce@b.example Tr@y.example" "QMAILSUSER and QMAILSHOST set only the envelope sender"
is "$(field From)" "From: qu@qh.example" "... and not From"
QMAILUSER='odd user' QMAILHOST=h.example inj r@y.example
is "$(field From)" 'From: "odd user"@h.example' "a user name needing quotes is quoted"

# QMAILINJECT flags
QMAILNAME='Full Name' QMAILINJECT=c inj r@y.example
is "$(field From)" "From: joe@test.example (Full Name)" "QMAILINJECT=c: name as a comment"
printf 'From: Old <old@x.example>\nMessage-ID: <old@x.example>\nTo: t@x.example\n\nb\n' > "$T_DIR/in"
QMAILINJECT=f inj
is "$(field From)" "From: joe@test.example" "QMAILINJECT=f: From replaced"
is "$(message "$ID" | grep -c '^From: ')" 1 "QMAILINJECT=f: only one From"
QMAILINJECT=i inj
is "$(message "$ID" | grep -c '^Message-ID: <old@')" 0 "QMAILINJECT=i: Message-ID replaced"
is "$(field From)" "From: Old <old@x.example>" "... and From kept"
QMAILINJECT=r inj
is "$(envelope "$ID" | cut -d' ' -f1)" "Fjoe-@test.example-@[]" "QMAILINJECT=r: per-recipient VERP sender"
QMAILINJECT=m inj
envelope "$ID" | cut -d' ' -f1 | grep -q '^Fjoe-[0-9]*\.[0-9]*@test.example$'; ok $? "QMAILINJECT=m: per-message VERP sender"
QMAILINJECT=rm inj
envelope "$ID" | cut -d' ' -f1 | grep -q '^Fjoe-[0-9]*\.[0-9]*-@test.example-@\[\]$'; ok $? "QMAILINJECT=rm: both"
QMAILINJECT=r inj -f fixed@x.example
is "$(envelope "$ID" | cut -d' ' -f1)" "Ffixed@x.example" "QMAILINJECT=r does not touch -f"

# -n prints instead of queueing
printf 'To: t@x.example\nSubject: n\n\nbody \303\251\n' > "$T_DIR/in"
n=$(ls "$Q/todo" | wc -l)
inj -n -f s@x.example
is "$RC" 0 "-n exits 0"
is "$(ls "$Q/todo" | wc -l)" "$n" "-n queues nothing"
is "$(head -n 1 "$T_DIR/out")" "Return-Path: <s@x.example>" "-n: Return-Path first"
is "$(grep -c '^Date: \|^Message-ID: \|^From: joe@test.example$' "$T_DIR/out")" 3 "-n: Date, Message-ID, From"
is "$(tail -n 4 "$T_DIR/out" | paste -sd'|')" "$(printf 'To: t@x.example|Subject: n||body \303\251')" "-n: the message follows unchanged"
inj -n
is "$RC" 0 "-n needs no recipients"
inj -n -N r@y.example
is "$(ls "$Q/todo" | wc -l)" "$((n + 1))" "-N after -n queues again"
t_done

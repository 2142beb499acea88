#!/bin/sh
# Polite delivery (doc/berth-send.md, "Polite delivery"), through berth-start with the real
# berth-rspawn and berth-remote and loopback sinks (tests/polite-sink.py) that count their
# simultaneous connections and answer 421 above N:
# - a burst of POLITE_COUNT messages (default 300, for the suite's time; the issue's 10,000:
#   POLITE_COUNT=10000 tests/run tests/send-polite.t, about 3 minutes) to slow.test, limited to 3
#   (control/destinations), its sink answering each message after POLITE_DELAY s (0.05): no
#   421, at most 3 at once, while fast.test's messages are delivered promptly;
# - a rate delay: rate.test's transactions start at least the delay apart;
# - a destination answering 421 at the greeting is marked down (berth-qread -d, and the listing
#   beside its recipients), its recipients wait without connections while fast.test flows, and
#   it recovers after the sink heals;
# - 250 recipients of one message at one domain go in 3 transactions; a server's 452 (too many
#   recipients) sends the rest in further transactions at once.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
COUNT=${POLITE_COUNT:-300}
t_start $((150 + COUNT / 15))
t_instance
c=$BERTH_HOME/control

psink () {   # psink NAME PORT options...
  _n=$1 _p=$2; shift 2
  mkdir -p "$T_DIR/$_n" && chmod 777 "$T_DIR/$_n"
  t_bg /usr/bin/python3 "$BERTH_TOP/tests/polite-sink.py" "$_p" "$T_DIR/$_n" "$@"
  wait_listen 127.0.0.1 "$_p" || { echo "Bail out! the sink $_n did not start"; exit 1; }
}
PS=$(free_port); PF=$(free_port); PR=$(free_port); PD=$(free_port); PL=$(free_port)
psink slow "$PS" --max 3 --delay "${POLITE_DELAY:-0.05}"
psink fast "$PF"
psink rate "$PR"
psink flaky "$PD" --down "$T_DIR/flaky.down"
psink limit "$PL" --rcpt-limit 4
printf 'slow.test:[127.0.0.1]:%s\nfast.test:[127.0.0.1]:%s\nrate.test:[127.0.0.1]:%s\nflaky.test:[127.0.0.1]:%s\nlimit.test:[127.0.0.1]:%s\n' \
  "$PS" "$PF" "$PR" "$PD" "$PL" > "$c/smtproutes"
printf 'slow.test:3\nrate.test::700\n' > "$c/destinations"
echo 100 > "$c/retryscale"   # a destination marked down waits 3 s, the first retry comes after 4 s

mkdir "$T_DIR/inj" && chmod 777 "$T_DIR/inj"
# inject N DOMAIN [TAG]: N messages, one recipient each, in one process as the owner
inject () {
  as_user sh -c '
    i=0
    while [ $i -lt "$1" ]; do
      printf "Fs@x.example\000Tu%s@%s\000\000" "$i" "$2" > "$3"
      printf "Subject: %s %s\n\nbody\n" "$2" "$i" | berth-queue 1<"$3" || exit 1
      i=$((i + 1))
    done' sh "$1" "$2" "$T_DIR/inj/env.$2"
}
msgs () { cat "$T_DIR/$1/events" 2>/dev/null | grep -c ' msg '; }
opens () { cat "$T_DIR/$1/events" 2>/dev/null | grep -c ' open '; }
waitfor () {   # waitfor SINK N SECONDS
  _n=0; while [ "$(msgs "$1")" -lt "$2" ] && [ $_n -lt $(($3 * 10)) ]; do sleep 0.1; _n=$((_n + 1)); done
  [ "$(msgs "$1")" -ge "$2" ]
}

# 1. the burst to one domain (queued before berth-send starts), another domain alongside
inject "$COUNT" slow.test; ok $? "$COUNT messages queued for slow.test"
t0=$(date +%s)
t_bg as_user berth-start 2>"$T_DIR/send.log"
SEND=$T_PID   # berth-start becomes berth-send
n=0; while [ $n -lt 100 ] && ! berth-check send 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
inject 5 fast.test
waitfor fast 5 15; ok $? "fast.test's 5 messages are delivered while slow.test's burst is under way"
left=$((COUNT - $(msgs slow)))
[ $left -gt 0 ]; ok $? "... before the burst is done ($left of slow.test's left then)"
waitfor slow "$COUNT" $((60 + COUNT / 20)); ok $? "every message of the burst delivered ($(msgs slow) in $(( $(date +%s) - t0 )) s)"
is "$(grep -c ' 421' "$T_DIR/slow/events")" 0 "slow.test's sink never had more than 3 connections: no 421"
m=$(cat "$T_DIR/slow/max"); [ "$m" -le 3 ]; ok $? "at most 3 at once (the most: $m)"
[ "$m" -ge 2 ]; ok $? "and more than one: the limit is a window, not a queue"

# 2. the rate delay: starts 700 ms apart (the sink's time of each MAIL; the first job's connection
#    setup comes before its MAIL, hence a little slack)
inject 4 rate.test
waitfor rate 4 30; ok $? "rate.test's 4 messages delivered"
gaps=$(awk '/ mail$/{ if (p) printf "%d ", ($1 - p) * 1000; p = $1 }' "$T_DIR/rate/events")
ok "$(echo "$gaps" | awk '{ for (i = 1; i <= NF; i++) if ($i < 600) bad = 1; print (NF == 3 && !bad) ? 0 : 1 }')" \
  "rate.test's transactions are at least the delay apart (gaps: ${gaps}ms)"

# 3. a destination that answers 421 at the greeting
: > "$T_DIR/flaky.down"
inject 12 flaky.test
n=0; while [ $n -lt 150 ] && ! berth-qread -d | grep -q '^domain=flaky.test state=down'; do sleep 0.1; n=$((n + 1)); done
berth-qread -d > "$T_DIR/dests"
grep -q '^domain=flaky.test state=down .*down_until=[1-9].*text=".*421' "$T_DIR/dests"
ok $? "flaky.test is marked down after its 421s (berth-qread -d)"; diag "$(cat "$T_DIR/dests")"
berth-qread > "$T_DIR/listing"
grep -q '^  to=<u[0-9]*@flaky.test> pending remote (destination down)$' "$T_DIR/listing"
ok $? "the listing marks its recipients"
c1=$(opens flaky)
[ "$c1" -lt 12 ]; ok $? "fewer connections than messages before it was marked down ($c1)"
grep -q 'status=deferred .*text="delivery temporarily suspended: ' "$T_DIR/send.log"
ok $? "the others are deferred without a connection, with the last failure's text"
inject 3 fast.test
waitfor fast 8 10; ok $? "fast.test keeps flowing meanwhile"
sleep 2
c2=$(opens flaky)
[ $((c2 - c1)) -le 1 ]; ok $? "while it is down: at most one probe ($((c2 - c1)) connections in ~2 s)"
rm -f "$T_DIR/flaky.down"
waitfor flaky 12 40; ok $? "after the sink heals, every message reaches it ($(msgs flaky))"

# 4. recipients per transaction: 250 at one domain in 3 (100, 100, 50); a server that takes 4
#    per transaction (452 after) gets the rest in further transactions at once, not at the retry
many () {   # many DOMAIN N: one message to N recipients there
  as_user sh -c '
    { printf "Fs@x.example\000"; i=0; while [ $i -lt "$2" ]; do printf "Tm%s@%s\000" "$i" "$1"; i=$((i + 1)); done; printf "\000"; } > "$3"
    printf "Subject: many\n\nbody\n" | berth-queue 1<"$3"' sh "$1" "$2" "$T_DIR/inj/env.many"
}
f0=$(msgs fast)
many fast.test 250
waitfor fast $((f0 + 3)) 15
is "$(awk '/ msg /{ n++; if (n > '"$f0"') print $3 }' "$T_DIR/fast/events" | sort -n | tr '\n' ' ')" "50 100 100 " "250 recipients at one domain: 3 transactions"
t1=$(date +%s.%N)
many limit.test 10
waitfor limit 3 3
is "$(awk '/ msg /{ print $3 }' "$T_DIR/limit/events" | sort -n | tr '\n' ' ')" "2 4 4 " \
  "a server that takes 4 recipients per transaction: the rest in further ones, within 3 s (the first retry would come after 4 s)"

# 5. SIGHUP rereads control/destinations: slow.test held (0), then at most 2 at once
hup () {   # hup N: SIGHUP, then until berth-send logged its Nth reread
  kill -HUP "$SEND"
  _n=0; while [ $_n -lt 50 ] && [ "$(grep -c 'event=reread' "$T_DIR/send.log")" -lt "$1" ]; do sleep 0.1; _n=$((_n + 1)); done
}
printf 'slow.test:0\n' > "$c/destinations"
hup 1
sleep 2.5   # the burst's kept connections are gone (2 s idle)
l0=$(wc -l < "$T_DIR/slow/events")
s0=$(msgs slow)
inject 40 slow.test
sleep 2
is "$(msgs slow)" "$s0" "after SIGHUP with slow.test:0, nothing goes to slow.test"
printf 'slow.test:2\n' > "$c/destinations"
hup 2
waitfor slow $((s0 + 40)) 60; ok $? "after SIGHUP with slow.test:2, the 40 are delivered"
m2=$(tail -n +$((l0 + 1)) "$T_DIR/slow/events" | awk '$2 == "open" && $3 > m { m = $3 } END { print m + 0 }')
is "$m2" 2 "at most 2 at once now, and 2 used"
is "$(grep -c 'status=bounced' "$T_DIR/send.log")" 0 "nothing bounced"
t_done

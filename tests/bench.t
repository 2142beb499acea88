#!/bin/sh
# bench/run --smoke: the benchmark against a private Postfix runs end to end with tiny sizes,
# both berth installations (single- and multi-user) and Postfix's local(8) (at concurrency 20
# only: the 2 of the default bench is the same code with another number), prints a full table
# with numbers in every column (scenario 9, the polite relay, included), and leaves no directory, no process and no passwd user behind.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "a private Postfix needs root"
for p in /usr/sbin/postfix /usr/sbin/smtp-source /usr/sbin/smtp-sink /usr/bin/strace; do
  [ -x "$p" ] || skip_all "$p is not installed"
done
t_start 340
users=$(getent passwd | wc -l)
BERTH_NO_NETNS=1 "$PY" "$BERTH_TOP/bench/run" --smoke --postfix-conc 20 >"$T_DIR/out" 2>"$T_DIR/err"
ok $? "bench/run --smoke exits 0"
[ -s "$T_DIR/err" ] && diag "$(head -n 5 "$T_DIR/err")"
is "$(grep -c '^| [1-7] ' "$T_DIR/out")" 19 "the table has every scenario's row"
grep -q '^| scenario | berth | berth-multi | postfix | berth/postfix | berth-multi/postfix |' "$T_DIR/out"; ok $? "columns: berth, berth-multi, postfix (local(8), concurrency 20), the two ratios"
# every row: a number for each of the three
is "$(grep '^| [1-7] ' "$T_DIR/out" | awk -F'|' '$3 !~ /[0-9]/ || $4 !~ /[0-9]/ || $5 !~ /[0-9]/' | wc -l)" 0 "every installation measured in every row"
is "$(grep '^| 9 relay, queued, 1\(00\)\? domains\? ' "$T_DIR/out" | awk -F'|' '$3 ~ /[0-9]/ && $4 ~ /[0-9]/ && $5 ~ /[0-9]/' | wc -l)" 2 \
  "scenario 9 (polite relay to 1 and to 100 domains): a number for each of the three"
grep -q '^#   berth accept path, per message: .*berth-[a-z]* fsync' "$T_DIR/out"; ok $? "strace says which berth program fsyncs"
tmp=$(sed -n 's/^# temporary directory //p' "$T_DIR/out")
[ -n "$tmp" ] && [ ! -e "$tmp" ]; ok $? "its temporary directory is removed"
left () { # a process whose command line names the run's directory (not grep's own: a loop)
  for f in /proc/[0-9]*/cmdline; do
    case $( { tr '\0' ' ' <"$f"; } 2>/dev/null) in *"$tmp"*) return 0 ;; esac
  done
  return 1
}
n=0; while [ $n -lt 20 ] && [ -n "$tmp" ] && left; do sleep 0.2; n=$((n + 1)); done
[ -n "$tmp" ] && ! left; ok $? "no process of the run is left"
is "$(getent passwd | wc -l)" "$users" "the users it made (multi-user berth, Postfix's local users) are removed"
t_done

#!/bin/sh
# `make run` on a fresh copy of the source (the files git knows, as they are in the working tree,
# with this checkout's build/ and bin/ copied beside them so that nothing is compiled again: a
# whole build there took 78 s on a loaded 2-core machine, more than this test's 40 s): an
# instance starts supervised on loopback, takes mail, delivers it, and stops cleanly on an
# interrupt (what Ctrl-C sends to the terminal's process group); nothing of it is left running.
# Then the same copy's script with a port taken, and a copy under a 0700 directory.
. "$BERTH_TOP/tests/lib.sh"
for p in berth-smtpd berth-start berth-send berth-lspawn berth-local berth-rspawn; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
command -v make >/dev/null || skip_all "no make"
t_start 200
port=$(free_port)
run=$T_DIR/run

# fresh_copy DIR: the source into DIR (git's files, else everything but the build products and
# run/), then build/ and bin/ with their times, so that make finds every target up to date
fresh_copy () {
  mkdir -p "$1"
  if git -C "$BERTH_TOP" rev-parse --git-dir >/dev/null 2>&1; then
    ( cd "$BERTH_TOP" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - ) | tar -C "$1" -xf -
  else
    ( cd "$BERTH_TOP" && tar --exclude=./build --exclude=./bin --exclude=./run -cf - . ) | tar -C "$1" -xf -
  fi
  cp -a "$BERTH_TOP/build" "$BERTH_TOP/bin" "$1/"
}
# left DIR...: the pids of processes whose cwd or program is under one of the DIRs
left () {
  for p in /proc/[0-9]*; do
    for d in "$@"; do
      case "$(readlink "$p/cwd" 2>/dev/null) $(readlink "$p/exe" 2>/dev/null)" in "$d"*|*" $d"*) echo "${p#/proc/}"; break ;; esac
    done
  done
}
src=$T_DIR/src
fresh_copy "$src"
[ -f "$src/Makefile" ] && [ -f "$src/package/run-supervised" ] && [ ! -e "$src/run" ]; ok $? "a fresh copy of the source, without run/"
if make -s -C "$BERTH_TOP" -q all 2>/dev/null; then
  make -s -C "$src" -q all 2>/dev/null; ok $? "its build is as up to date as the checkout's (make -q all: nothing to compile)"
else
  ok 0 "# SKIP the checkout's own build is not up to date: make run compiles in the copy"
fi
if [ "${BERTH_SAN:-}" = 1 ]; then   # AddressSanitizer's shadow memory exceeds any data limit
  berth-setup -u "$TESTUSER" -n localhost -a 127.0.0.1,::1 -p "$port" -b "$BERTH_TOP/bin" "$run" >/dev/null
  for f in "$run"/service/*/conf/datalimit; do echo 100000000000000 > "$f"; done
fi
# A background job of a non-interactive shell starts with SIGINT ignored, and a shell cannot
# trap a signal ignored at entry: perl restores the default, as a terminal's Ctrl-C would find it.
# make run in its own process group (setsid: its pid is the group's), as a terminal runs it
( cd "$src" && BERTH_RUN_DIR=$run BERTH_PORT=$port exec setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' make run ) >"$T_DIR/out" 2>&1 &
script=$!
echo "$script" >> "$T_DIR/pids"
n=0; while [ $n -lt 950 ] && ! grep -q "swaks --server 127.0.0.1:$port" "$T_DIR/out" && kill -0 "$script" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
grep -q "swaks --server 127.0.0.1:$port" "$T_DIR/out"; r=$?
ok $r "it prints how to send a test mail"
[ $r = 0 ] || { diag "$(cat "$T_DIR/out")"; for f in "$run"/log/*/current; do diag "$f: $(tail -n 5 "$f" 2>/dev/null)"; done; }
s6-svstat -o up,ready "$run/service/smtpd" "$run/service/smtpd2" "$run/service/send" | sort -u | tr '\n' '/' > "$T_DIR/st"
is "$(cat "$T_DIR/st")" "true true/" "the banner came only once every service was up and ready (IPv4, IPv6, send)"
wait_port "$port" 30; ok $? "SMTP answers on 127.0.0.1:$port"
( cd "$src" && BERTH_RUN_DIR=$run BERTH_PORT=$port sh package/run-supervised ) > "$T_DIR/again" 2>&1
r=$?; is "$r" 100 "a second make run on the same instance refuses (exit 100)"
grep -q "already runs on $run" "$T_DIR/again"; ok $? "and says an instance already runs there"
"$PY" -c 'import smtplib, sys
s = smtplib.SMTP("::1", int(sys.argv[1]), timeout=20)
s.ehlo(); s.mail("a@example.org"); code, msg = s.rcpt("someone@elsewhere.example")
print(code); s.rset(); s.quit()' "$port" > "$T_DIR/relay6" 2>&1
is "$(cat "$T_DIR/relay6")" 250 "::1 relays like 127.0.0.1 (RCPT to another domain from [::1]: 250)"
grep -qix "$(hostname)" "$run/control/locals"; ok $? "the machine's own name is local"
swaks --server "127.0.0.1:$port" --to postmaster@localhost --header "Subject: make run" >/dev/null 2>&1; ok $? "swaks over IPv4"
"$PY" -c 'import smtplib, sys
s = smtplib.SMTP("::1", int(sys.argv[1]), timeout=20)
s.sendmail("a@example.org", ["postmaster@localhost"], b"Subject: make run v6\r\n\r\nover IPv6\r\n")
s.quit()' "$port"; ok $? "python smtplib over IPv6"
n=0; while [ $n -lt 100 ] && [ "$(ls "$run/alias/Maildir/new" 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.1; n=$((n + 1)); done
is "$(ls "$run/alias/Maildir/new" | wc -l)" 2 "both delivered where it said ($run/alias/Maildir/new)"
kill -INT "-$script"
n=0; while [ $n -lt 100 ] && kill -0 "$script" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
! kill -0 "$script" 2>/dev/null; ok $? "an interrupt to make's process group stops it"
wait "$script"; r=$?
[ "$r" != 0 ]; ok $? "make run ends as interrupted (exit $r)"
grep -q 'berth: stopping' "$T_DIR/out"; ok $? "the script said it was stopping"
n=0; while [ $n -lt 30 ] && [ -n "$(left "$run" "$src")" ]; do sleep 0.1; n=$((n + 1)); done
is "$(left "$run")" "" "nothing left running in the instance (no process has its cwd there)"
is "$(left "$src")" "" "nor in the copy (no process runs a program of it or has its cwd there)"

# an existing instance moves to BERTH_PORT; a port taken fails loudly, with the daemon's own line
port2=$(free_port)
"$PY" -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' "$port2" &
holder=$!; echo "$holder" >> "$T_DIR/pids"
wait_port "$port2" 10
( cd "$src" && BERTH_RUN_DIR=$run BERTH_PORT=$port2 exec sh package/run-supervised ) > "$T_DIR/taken" 2>&1 &
script=$!; echo "$script" >> "$T_DIR/pids"
n=0; while [ $n -lt 400 ] && kill -0 "$script" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
wait "$script"; r=$?
is "$r" 111 "port $port2 taken: make run exits 111 (temporary), without waiting for ever"
grep -q "instance moved from port $port to $port2" "$T_DIR/taken"; ok $? "it said the instance moved to the new port"
grep -q 'berth: smtpd: .*fatal: .*bind' "$T_DIR/taken"; ok $? "it printed the smtpd's own log line ($(grep 'fatal' "$T_DIR/taken" | head -n 1))"
grep -q 'ready\.$' "$T_DIR/taken"; [ $? != 0 ]; ok $? "and no ready banner"
kill "$holder" 2>/dev/null
sleep 0.3
is "$(left "$run" "$src")" "" "nothing left running after the failed start"

# a checkout its owner cannot reach (root's 0700 home): found before anything starts
if [ "$(id -u)" = 0 ]; then
  priv=$T_DIR/priv; mkdir -p "$priv"; chmod 700 "$priv"
  fresh_copy "$priv/co"
  ( cd "$priv/co" && BERTH_RUN_DIR=$T_DIR/run700 BERTH_RUN_USER=$TESTUSER sh package/run-supervised ) > "$T_DIR/700" 2>&1
  is "$?" 100 "a checkout under a 0700 directory: exit 100"
  grep -q "cannot reach $priv/co/bin: $priv is not searchable" "$T_DIR/700"; ok $? "it names the directory ($(head -n 1 "$T_DIR/700"))"
  [ ! -d "$T_DIR/run700" ]; ok $? "and creates no instance"
  ( cd "$priv/co" && BERTH_RUN_DIR=$T_DIR/run700 BERTH_RUN_USER=$TESTUSER make run ) > "$T_DIR/700make" 2>&1
  r=$?; [ "$r" != 0 ]; ok $? "make run there fails too (exit $r)"
  grep -q "cannot reach $priv/co/bin" "$T_DIR/700make" && [ ! -d "$T_DIR/run700" ]; ok $? "with the same line, and no instance"
else
  for i in 1 2 3 4 5; do ok 0 "# SKIP the 0700 case needs root"; done
fi
t_done

#!/bin/sh
# `make run`'s script: an instance starts supervised on loopback, takes mail, delivers it, and
# stops cleanly on an interrupt (what Ctrl-C sends).
. "$BERTH_TOP/tests/lib.sh"
for p in berth-smtpd berth-start berth-send berth-lspawn berth-local berth-rspawn; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 90
port=$(free_port)
run=$T_DIR/run
if [ "${BERTH_SAN:-}" = 1 ]; then   # AddressSanitizer's shadow memory exceeds any data limit
  berth-setup -u "$TESTUSER" -n localhost -a 127.0.0.1,::1 -p "$port" -b "$BERTH_TOP/bin" "$run" >/dev/null
  for f in "$run"/service/*/conf/datalimit; do echo 100000000000000 > "$f"; done
fi
# A background job of a non-interactive shell starts with SIGINT ignored, and a shell cannot
# trap a signal ignored at entry: perl restores the default, as a terminal's Ctrl-C would find it.
( cd "$BERTH_TOP" && BERTH_RUN_DIR=$run BERTH_PORT=$port exec perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' sh package/run-supervised ) >"$T_DIR/out" 2>&1 &
script=$!
echo "$script" >> "$T_DIR/pids"
wait_port "$port" 30; ok $? "SMTP answers on 127.0.0.1:$port"
grep -q "swaks --server 127.0.0.1:$port" "$T_DIR/out"; ok $? "it prints how to send a test mail"
s6-svwait -U -t 20000 "$run/service/smtpd" "$run/service/smtpd2" "$run/service/send"; ok $? "every service is up and ready (IPv4, IPv6, send)"
swaks --server "127.0.0.1:$port" --to postmaster@localhost --header "Subject: make run" >/dev/null 2>&1; ok $? "swaks over IPv4"
"$PY" -c 'import smtplib, sys
s = smtplib.SMTP("::1", int(sys.argv[1]), timeout=20)
s.sendmail("a@example.org", ["postmaster@localhost"], b"Subject: make run v6\r\n\r\nover IPv6\r\n")
s.quit()' "$port"; ok $? "python smtplib over IPv6"
n=0; while [ $n -lt 100 ] && [ "$(ls "$run/alias/Maildir/new" 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.1; n=$((n + 1)); done
is "$(ls "$run/alias/Maildir/new" | wc -l)" 2 "both delivered where it said ($run/alias/Maildir/new)"
kill -INT "$script"
n=0; while [ $n -lt 100 ] && kill -0 "$script" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
! kill -0 "$script" 2>/dev/null; ok $? "an interrupt stops it"
sleep 0.3
left=$(for p in /proc/[0-9]*; do case "$(readlink "$p/cwd" 2>/dev/null)" in "$run"*) echo "${p#/proc/}";; esac; done)
is "$left" "" "nothing left running in the instance (no process has its cwd there)"
t_done

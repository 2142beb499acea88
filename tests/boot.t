#!/bin/sh
# Boot integration: `make install` puts systemd's template unit berth@.service in place (one
# s6-svscan per instance home, %f); systemd-analyze verify finds nothing to say about it; and its
# own ExecStart and ExecStop lines, run as systemd would run them for an instance, bring the
# instance's services up and take them down cleanly (s6-svscanctl -t: loggers drained, nothing left).
. "$BERTH_TOP/tests/lib.sh"
for p in berth-smtpd berth-start berth-send berth-setup; do
  [ -x "$BERTH_TOP/bin/$p" ] || skip_all "$p is not built yet"
done
t_start 90
D=$T_DIR/dest
sh "$BERTH_TOP/package/install" "$D" /opt/berth > "$T_DIR/install.log" 2>&1; ok $? "package/install into a DESTDIR"
U=$D/etc/systemd/system/berth@.service
[ -f "$U" ]; ok $? "it installs berth@.service"
grep -qx 'Documentation=file:/opt/berth/share/doc/berth/quickstart.md' "$U"; ok $? "the unit names the installed documentation"

home=$T_DIR/home
port=$(free_port)
berth-setup -u "$TESTUSER" -n test.example -a 127.0.0.1 -p "$port" "$home" > "$T_DIR/setup.log" 2>&1 || { echo "Bail out! setup"; exit 1; }
inst=$(systemd-escape --path "$home" 2>/dev/null) || inst=
if command -v systemd-analyze > /dev/null 2>&1 && [ -n "$inst" ]; then
  mkdir -p "$T_DIR/units"; cp "$U" "$T_DIR/units/berth@$inst.service"
  out=$(cd "$T_DIR/units" && systemd-analyze verify "berth@$inst.service" 2>&1); r=$?
  is "$r:$out" "0:" "systemd-analyze verify berth@$inst.service: no complaint"
else
  ok 0 "# SKIP systemd-analyze is not installed"
fi

# the unit's own command lines, %f as systemd expands it for this instance
start=$(sed -n 's/^ExecStart=//p' "$U" | sed "s|%f|$home|g")
stop=$(sed -n 's/^ExecStop=//p' "$U" | sed "s|%f|$home|g")
case $start in /*s6-svscan" $home/service") ok 0 "ExecStart runs s6-svscan on the instance's service/" ;; *) ok 1 "ExecStart: $start" ;; esac
[ "${BERTH_SAN:-}" = 1 ] && for f in "$home"/service/*/conf/datalimit; do echo 100000000000000 > "$f"; done
$start > "$T_DIR/svscan.log" 2>&1 & svpid=$!
n=0; while [ $n -lt 100 ] && ! s6-svok "$home/service/smtpd" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
s6-svwait -U -t 20000 "$home/service/smtpd" "$home/service/send"; ok $? "the instance's smtpd and send come up ready"
$stop; ok $? "ExecStop (s6-svscanctl -t) accepted"
n=0; while [ $n -lt 200 ] && kill -0 "$svpid" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
kill -0 "$svpid" 2>/dev/null; [ $? != 0 ]; ok $? "s6-svscan exited within 20 s"
wait "$svpid"; is "$?" 0 "with status 0"
left=0
for p in /proc/[0-9]*; do
  case $(readlink "$p/cwd" 2>/dev/null) in "$home"|"$home"/*) left=$((left + 1)) ;; esac
done
is "$left" 0 "no process is left in the instance (supervisors, daemons, loggers)"
t_done

#!/bin/sh
# package/install-deps as root leaves no system state of its own: the /usr/sbin/policy-rc.d it
# writes (so that no packaged daemon starts) exists only while apt-get runs, and is gone again
# after a success, a failure or an interrupt; one that was there before is left as it was.
# apt-get, dpkg-query and debconf-set-selections are fakes; /usr/sbin is an empty directory
# mounted over the real one in a private mount namespace.
. "$BERTH_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (install-deps only acts as root)"
unshare -m true 2>/dev/null || skip_all "no private mount namespace here"
t_start 60
fake=$T_DIR/fake
mkdir -p "$fake" "$T_DIR/sbin"
# every listed package is missing
printf '#!/bin/sh\nexit 1\n' > "$fake/dpkg-query"
printf '#!/bin/sh\ncat >/dev/null\n' > "$fake/debconf-set-selections"
# apt-get: notes what policy-rc.d says while it runs; FAKE_APT=fail fails the install,
# FAKE_APT=hang waits to be interrupted
cat > "$fake/apt-get" <<'SH'
#!/bin/sh
[ "$1" = update ] && exit 0
if [ "$1" = download ]; then   # the .deb into the current directory, as apt-get does
  echo "apt-get $* in $PWD" >> "$FAKE_LOG.dl"
  [ "${FAKE_APT:-}" = nodeb ] && exit 100
  cp "$FAKE_DEB" ./nullmailer_1%3a2.2-4_amd64.deb; exit 0
fi
echo "apt-get $*" >> "$FAKE_LOG.args"
if [ -x /usr/sbin/policy-rc.d ]; then /usr/sbin/policy-rc.d x start; echo "policy $?" >> "$FAKE_LOG"; else echo "policy none" >> "$FAKE_LOG"; fi
case "${FAKE_APT:-}" in fail) exit 100 ;; hang) echo hang >> "$FAKE_LOG"; exec sleep 20 ;; esac
exit 0
SH
chmod 755 "$fake"/*

# a .deb holding usr/lib/nullmailer/qmqp (a script), built with dpkg-deb
mkdir -p "$T_DIR/deb/DEBIAN" "$T_DIR/deb/usr/lib/nullmailer"
printf 'Package: nullmailer\nVersion: 1:2.2-4\nArchitecture: all\nMaintainer: t <t@example>\nDescription: fake\n' > "$T_DIR/deb/DEBIAN/control"
printf '#!/bin/sh\necho fake qmqp\n' > "$T_DIR/deb/usr/lib/nullmailer/qmqp"
chmod 755 "$T_DIR/deb/usr/lib/nullmailer/qmqp"
dpkg-deb --root-owner-group -b "$T_DIR/deb" "$T_DIR/nm.deb" > /dev/null || { echo "Bail out! dpkg-deb -b"; exit 1; }
export FAKE_DEB=$T_DIR/nm.deb BERTH_PEERS=$T_DIR/peers

# run CASE [HANG] [MODE]: install-deps with the fakes, /usr/sbin the empty $T_DIR/sbin; prints its exit code
run () {
  FAKE_LOG=$T_DIR/log FAKE_APT=$1 PATH=$fake:$PATH unshare -m sh -c '
    mount --bind "$1" /usr/sbin || exit 99
    if [ "$2" = hang ]; then
      # its own process group, as a terminal'"'"'s Ctrl-C reaches apt-get and the script together
      setsid sh "$3/package/install-deps" 2>/dev/null & p=$!
      n=0; while [ $n -lt 100 ] && ! grep -q hang "$FAKE_LOG" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
      kill -TERM -$p; wait $p
    else
      sh "$3/package/install-deps" $4 2>/dev/null
    fi' sh "$T_DIR/sbin" "${2:-}" "$BERTH_TOP" "${3:-}"
  echo $?
}

: > "$T_DIR/log"
is "$(run ok)" 0 "apt-get succeeds: exit 0"
is "$(cat "$T_DIR/log")" "policy 101" "while apt-get ran, policy-rc.d forbade starting daemons"
[ ! -e "$T_DIR/sbin/policy-rc.d" ]; ok $? "after a success: no policy-rc.d left"

: > "$T_DIR/log"
is "$(run fail)" 111 "apt-get fails: exit 111 (temporary)"
[ ! -e "$T_DIR/sbin/policy-rc.d" ]; ok $? "after a failure: no policy-rc.d left"

: > "$T_DIR/log"
r=$(run hang hang)
[ "$r" != 0 ]; ok $? "interrupted during apt-get: a failure ($r)"
[ ! -e "$T_DIR/sbin/policy-rc.d" ]; ok $? "after an interrupt: no policy-rc.d left"

printf '#!/bin/sh\n# the administrator'"'"'s\nexit 0\n' > "$T_DIR/sbin/policy-rc.d"
chmod 755 "$T_DIR/sbin/policy-rc.d"
before=$(cat "$T_DIR/sbin/policy-rc.d")
: > "$T_DIR/log"
is "$(run ok)" 0 "with an existing policy-rc.d: exit 0"
is "$(cat "$T_DIR/log")" "policy 0" "the existing policy-rc.d was the one in force"
is "$(cat "$T_DIR/sbin/policy-rc.d" 2>/dev/null)" "$before" "the existing policy-rc.d is left as it was"
# make run installs what building and running need, not the test peers; make check all of them
pkgs () { sed -e 's/#.*//' "$@" | awk 'NF { print $1 }' | sort -u | tr '\n' ' '; }
args () { sed -n 's/^apt-get install -y -q --no-install-recommends //p' "$T_DIR/log.args" | tr ' ' '\n' | awk 'NF' | sort -u | tr '\n' ' '; }
rm -f "$T_DIR/sbin/policy-rc.d"; : > "$T_DIR/log.args"
is "$(run ok '' run)" 0 "install-deps run: exit 0"
is "$(args)" "$(cd "$BERTH_TOP" && pkgs package/deps-build package/deps-run)" "install-deps run asks apt-get for the build and run packages only (no Postfix, no swaks)"
: > "$T_DIR/log.args"
is "$(run ok '' check)" 0 "install-deps check: exit 0"
is "$(args)" "$(cd "$BERTH_TOP" && pkgs package/deps-build package/deps-run package/deps-test)" "install-deps check asks for the test peers too"

# make check: nullmailer unpacked into the cache (BERTH_PEERS), never installed; once
is "$("$BERTH_PEERS/nullmailer/usr/lib/nullmailer/qmqp" 2>&1)" "fake qmqp" "install-deps check: nullmailer's qmqp module unpacked into the cache, and it runs"
is "$(grep -c 'apt-get download' "$T_DIR/log.dl")" 1 "... fetched with apt-get download, once so far"
grep -q "in $BERTH_PEERS/.nullmailer" "$T_DIR/log.dl"; ok $? "... into a directory of the cache"
grep -q 'nullmailer' "$T_DIR/log.args"; ok $((! $?)) "... never given to apt-get install"
is "$(ls -A "$BERTH_PEERS")" nullmailer "... nothing else left in the cache (no .deb, no work directory)"
: > "$T_DIR/log.dl"
is "$(run ok '' check)" 0 "a second install-deps check: exit 0"
is "$(wc -l < "$T_DIR/log.dl")" 0 "... nothing fetched again"
rm -rf "$BERTH_PEERS"; : > "$T_DIR/log.dl"
is "$(run ok '' run)" 0 "install-deps run: exit 0"
[ ! -e "$BERTH_PEERS" ] && [ ! -s "$T_DIR/log.dl" ]; ok $? "... no nullmailer for make run"
is "$(run nodeb '' check)" 111 "no .deb to download: 111 (temporary)"
is "$(ls -A "$BERTH_PEERS" 2>/dev/null)" "" "... nothing left in the cache"
t_done

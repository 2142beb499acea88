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
echo "apt-get $*" >> "$FAKE_LOG.args"
if [ -x /usr/sbin/policy-rc.d ]; then /usr/sbin/policy-rc.d x start; echo "policy $?" >> "$FAKE_LOG"; else echo "policy none" >> "$FAKE_LOG"; fi
case "${FAKE_APT:-}" in fail) exit 100 ;; hang) echo hang >> "$FAKE_LOG"; exec sleep 20 ;; esac
exit 0
SH
chmod 755 "$fake"/*

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
t_done

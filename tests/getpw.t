#!/bin/sh
# berth-getpw (doc/berth-getpw.md): its protocol, byte for byte, request by request in one
# stream; its exit codes; and berth-lspawn, linked statically, getting its passwd answers from it
# (without it next to berth-lspawn, a single-user berth-lspawn refuses to start: 111).
. "$BERTH_TOP/tests/lib.sh"
t_start 30
G=$BERTH_TOP/bin/berth-getpw
rootdir=$(getent passwd root | cut -d: -f6)
export G rootdir T_DIR
"$PY" - <<'PY'
import os, subprocess
g, rootdir = os.environ["G"], os.environ["rootdir"].encode()
cases = [
    (b"nroot\0", b"+0\0" + b"0\0root\0" + rootdir + b"\0", "by name: root"),
    (b"u0\0", b"+0\0" + b"0\0root\0" + rootdir + b"\0", "by uid: 0"),
    (b"nno-such-user-here\0", b"-\0", "an unknown name: -"),
    (b"u4000000000\0", b"-\0", "a uid that does not fit: -"),
    (b"uabc\0", b"-\0", "a uid that is not a number: -"),
    (b"u0x\0", b"-\0", "a uid with a byte after it: -"),
    (b"n" + b"a" * 300 + b"\0", b"-\0", "a name of 300 bytes: not looked up, -"),
    (b"n\0", b"-\0", "an empty name: -"),
    (b"x\0", b"-\0", "an unknown kind: -"),
]
req = b"".join(c[0] for c in cases)
p = subprocess.run([g], input=req + b"nroot", capture_output=True, timeout=10)
out = p.stdout
n = 0
for r, want, what in cases:
    n += 1
    got = out[:len(want)]
    print("%sok %d - %s" % ("" if got == want else "not ", n, what))
    if got != want:
        print("# got %r, expected %r" % (got, want))
    out = out[len(want):]
n += 1
print("%sok %d - answers in request order, nothing more; a request cut short by EOF dropped (left %r)" % ("" if out == b"" else "not ", n, out))
n += 1
print("%sok %d - exit 0 at EOF (%d)" % ("" if p.returncode == 0 else "not ", n, p.returncode))
q = subprocess.run([g, "x"], capture_output=True, timeout=10)
n += 1
print("%sok %d - an argument: exit 100 (%d)" % ("" if q.returncode == 100 else "not ", n, q.returncode))
with open(os.environ["T_DIR"] + "/n", "w") as f:
    f.write(str(n))
PY
T_N=$(cat "$T_DIR/n")
file "$BERTH_TOP/bin/berth-lspawn" 2>/dev/null | grep -q 'statically linked'; ok $? "berth-lspawn is linked statically"
file "$G" 2>/dev/null | grep -q 'dynamically linked'; ok $? "berth-getpw is linked dynamically (NSS)"
t_instance
mkdir "$T_DIR/alone"
cp "$BERTH_TOP/bin/berth-lspawn" "$T_DIR/alone/"
chmod -R a+rx "$T_DIR/alone"
as_user env PATH=/usr/bin:/bin "$T_DIR/alone/berth-lspawn" < /dev/null > /dev/null 2> "$T_DIR/alone.err"
is "$?" 111 "berth-lspawn without berth-getpw next to it: 111"
grep -q 'berth-lspawn: fatal: unable to look up our passwd entry with .*berth-getpw' "$T_DIR/alone.err"; ok $? "and says why"
# a symlink in another directory (a qmail-style name): the programs next to the real binary
mkdir "$T_DIR/link"
ln -s "$BERTH_TOP/bin/berth-lspawn" "$T_DIR/link/qmail-lspawn"
chmod a+rx "$T_DIR/link"
as_user env PATH=/usr/bin:/bin "$T_DIR/link/qmail-lspawn" < /dev/null > /dev/null 2> "$T_DIR/link.err"
is "$?" 0 "berth-lspawn through a symlink elsewhere finds berth-getpw next to its real binary"
t_done

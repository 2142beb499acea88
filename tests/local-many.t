#!/bin/sh
# berth-lspawn under load: 100 jobs at once each running a 1 s program finish together (they run
# concurrently), every slot gets exactly one result; a chatty program's report is capped.
. "$BERTH_TOP/tests/lib.sh"
t_start 40
t_instance
H=$BERTH_HOME
U=$(id -u "$TESTUSER")
printf 'F%s\0T%s\0\0' s@x many@test.example > "$T_DIR/env"
id=$(printf 'S: many\n\nb\n' | BERTH_IDFD=5 as_user berth-queue 5>&1 1<"$T_DIR/env")
printf '|sleep 1; echo done $EXT\n' > "$H/alias/.qmail-many-default"
printf '|head -c 100000 /dev/zero | tr "\\0" x\n' > "$H/alias/.qmail-chatty"
chown "$U" "$H/alias/.qmail-many-default" "$H/alias/.qmail-chatty"

N=100
i=0
: > "$T_DIR/jobs"
while [ $i -lt $N ]; do
  printf "\\$(printf %03o $i)%s\\0%s\\0%s\\0\\0" "$id" s@x "many-$i@test.example" >> "$T_DIR/jobs"
  i=$((i + 1))
done
start=$(date +%s)
as_user berth-lspawn < "$T_DIR/jobs" > "$T_DIR/res"
elapsed=$(( $(date +%s) - start ))
ok "$([ "$elapsed" -le 15 ]; echo $?)" "$N one-second deliveries took ${elapsed}s: they ran concurrently"
# each record: slot byte, K, "done many-i/", NUL
python3 - "$T_DIR/res" "$N" > "$T_DIR/check" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
n = int(sys.argv[2])
recs, seen, pos = [], {}, 0
while pos < len(data):
    end = data.index(b'\0', pos + 1)
    recs.append(data[pos:end])
    seen.setdefault(data[pos], []).append(data[pos + 1:end])
    pos = end + 1
good = all(seen.get(i) == [b'Kdone many-%d/did 0+0+1' % i] for i in range(n))
bad = [i for i in range(n) if seen.get(i) != [b"Kdone many-%d/did 0+0+1" % i]]
print("ok" if not bad and len(recs) == n else "bad %d %r %r" % (len(recs), bad[:3], [seen.get(i) for i in bad[:3]]))
PY
is "$(cat "$T_DIR/check")" "ok" "one K result per slot, each with its own report"

printf '\007%s\0%s\0%s\0\0' "$id" s@x chatty@test.example | as_user berth-lspawn > "$T_DIR/res2"
is "$(tail -c +2 "$T_DIR/res2" | tr -d '\0' | wc -c)" 1001 "a 100 kB report is cut to 1000 bytes of text"
is "$(tail -c +3 "$T_DIR/res2" | tr -d 'x\0' | wc -c)" 0 "report holds only the program's output"
t_done

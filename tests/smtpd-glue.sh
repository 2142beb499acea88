# Sourced by tests/smtpd-*.t after lib.sh: smtpd_py runs a Python test body (stdin) with
# tests/smtpd_helper.py imported and turns its "STATUS<TAB>description" lines into TAP.
TAB=$(printf '\t')
export TESTUSER
smtpd_py () {
  { printf 'import sys\nsys.path.insert(0, "%s/tests")\nfrom smtpd_helper import *\n' "$BERTH_TOP"; cat; } > "$T_DIR/t.py"
  python3 "$T_DIR/t.py" > "$T_DIR/py.out"
  rc=$?
  while IFS="$TAB" read -r st desc; do
    case $st in D) diag "$desc" ;; *) ok "$st" "$desc" ;; esac
  done < "$T_DIR/py.out"
  ok "$rc" "python part ran to its end"
}


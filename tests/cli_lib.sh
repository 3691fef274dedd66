# Shared by the CLI script tests: sourced after NG (the numguard binary) is set.
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Usage errors: exit 2 and exactly one line on stderr.
expect_usage() {
  local err status
  err=$("$NG" "$@" 2>&1 >/dev/null)
  status=$?
  [[ $status -eq 2 ]] || fail "numguard $*: exit $status, want 2"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 && -n "$err" ]] || fail "numguard $*: stderr not one line: $err"
}

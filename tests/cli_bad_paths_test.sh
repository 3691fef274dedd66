#!/usr/bin/env bash
# Paths that are not what a verb expects are usage errors (exit 2, one line naming the path),
# never an internal error: a symlink loop or a dangling link named *.repro in a folder given to
# repro, a link loop given directly, a folder given to convert as stdin.
#   tests/cli_bad_paths_test.sh NUMGUARD
set -u
NG=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
cd "$T" || exit 1
expect_refused() {  # expect_refused WHAT MESSAGE_PATTERN COMMAND...
  local what=$1 pattern=$2
  shift 2
  "$@" >/dev/null 2>err.txt
  local rc=$?
  if [[ $rc -ne 2 || $(wc -l <err.txt) -ne 1 ]] || ! grep -q "$pattern" err.txt ||
    grep -qi 'internal error' err.txt; then
    echo "FAIL: $what: exit $rc, stderr: $(cat err.txt)"
    failures=$((failures + 1))
  fi
}
mkdir loop && ln -s x.repro loop/x.repro
expect_refused "symlink loop in a repro folder" 'loop/x.repro: Too many levels of symbolic links' \
  "$NG" repro loop
mkdir dangling && ln -s nowhere.repro dangling/y.repro
expect_refused "dangling link in a repro folder" 'dangling/y.repro' "$NG" repro dangling
ln -s self self
expect_refused "a link loop given to repro" 'self: Too many levels of symbolic links' "$NG" repro self
expect_refused "convert with a folder as stdin" 'stdin is a directory' \
  bash -c "\"$NG\" convert --to fp16 < /"
[[ $failures -eq 0 ]] && echo "cli_bad_paths: all passed"
exit $((failures > 0))

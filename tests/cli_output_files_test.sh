#!/usr/bin/env bash
# Output files (harness/cli/atomic_file.h): a --json target that exists and is not a regular
# file is refused before the run (exit 2) and left as it was; a file planted at FILE.tmp (a
# symlink to something precious) is never written through; a regular target is replaced whole.
#   tests/cli_output_files_test.sh NUMGUARD
set -u
NG=$1
K=sum.fp32.fp32acc.sequential
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cd "$T" || exit 1

mkfifo fifo
timeout 60 "$NG" check --kernel $K --cases 1 --threads 1 --json fifo >/dev/null 2>err.txt
rc=$?
[[ $rc -eq 2 && -p fifo ]] || fail "--json onto a FIFO: exit $rc (want 2), FIFO kept: $([[ -p fifo ]] && echo yes || echo no)"
grep -q 'fifo exists and is a FIFO' err.txt || fail "--json onto a FIFO: message: $(cat err.txt)"

mkdir dir
"$NG" check --kernel $K --cases 1 --threads 1 --json dir >/dev/null 2>err.txt
[[ $? -eq 2 && -d dir ]] || fail "--json onto a directory must be refused before the run"

echo precious >target
ln -s "$T/target" link.json
"$NG" check --kernel $K --cases 1 --threads 1 --json link.json >/dev/null 2>err.txt
[[ $? -eq 2 && -L link.json && $(cat target) == precious ]] || fail "--json onto a symlink must be refused"

ln -s "$T/target" out.json.tmp
"$NG" check --kernel $K --cases 1 --threads 1 --json out.json >/dev/null 2>&1
[[ $(cat target) == precious ]] || fail "a symlink planted at FILE.tmp was written through"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' out.json 2>/dev/null || fail "out.json is not the JSON summary"

echo old >again.json
"$NG" check --kernel $K --cases 1 --threads 1 --json again.json >/dev/null 2>&1
grep -q '"kernels"' again.json || fail "a regular target was not replaced"
ls | grep -q '\.tmp\.' && fail "a temporary file was left behind: $(ls)"

[[ $failures -eq 0 ]] && echo "cli_output_files: all passed"
exit $((failures > 0))

#!/usr/bin/env bash
# Paths that are not what a verb expects are usage errors (exit 2, one line naming the path),
# never an internal error: a symlink loop or a dangling link named *.repro in a folder given to
# repro, a link loop given directly, a folder given to convert as stdin; a reproducer that
# declares more elements than the limits allow, or that cannot be read.
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

# Every size a reproducer declares is bounded before anything is allocated (limits in
# harness/engine/reproducer_file.h): refused at once, even with 4 GB of address space.
big() {  # big NAME SHAPE [TENSOR LINE]
  printf 'numguard-reproducer 1\nkernel %s\nshape %s\nalpha 1\nbeta 0\n%bend\n' \
    "${K:-sum.fp32.fp32acc.sequential}" "$2" "${3:-}" >"$1.repro"
}
# A 4 GB memory cap. AddressSanitizer cannot start under `ulimit -v` (its shadow memory
# reserves terabytes of address space): in such a build (NUMGUARD_SANITIZED=1, set by CMake)
# its allocator enforces the cap instead.
if [[ ${NUMGUARD_SANITIZED:-0} == 1 ]]; then
  limited() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:max_allocation_size_mb=4000:hard_rss_limit_mb=4000" timeout 60 "$@"; }
else
  limited() { (ulimit -v 4000000 && timeout 60 "$@"); }
fi
big huge_m '2147483648 1 0'
expect_refused "a shape with m = 2^31" 'huge_m.repro: line 3: .*more than the 2^22' limited "$NG" repro huge_m.repro
K=gemm.fp32.fp32acc.sequential big huge_mn '4194304 4 0'
expect_refused "a shape with m x n = 2^24" 'huge_mn.repro: line 3: .*m x n' limited "$NG" repro huge_mn.repro
big huge_mk '4096 1 4096'
expect_refused "an operand m x k = 2^24 that the file does not give" 'huge_mk.repro: operand a' \
  limited "$NG" repro huge_mk.repro
big huge_t '1 1 1' 'tensor a fp32 65536 65536\n'
expect_refused "a tensor of 2^32 elements" 'huge_t.repro: line 6: operand a has more than 2^22' \
  limited "$NG" repro huge_t.repro
K=attention.bf16.fp32acc.naive big huge_att '2097152 1 4'
expect_refused "attention whose Q and output are m x k = 2^23" 'huge_att.repro: operand a (Q' \
  limited "$NG" repro huge_att.repro

# A reproducer that cannot be read says so, not "not a numguard reproducer". root reads any
# file whatever its mode: the check then runs as nobody (setpriv), in a folder it can enter.
cp "$(dirname "$0")/../corpus/regressions/sum.fp32.pairwise"*/*.repro locked.repro 2>/dev/null ||
  printf 'numguard-reproducer 1\nkernel sum.fp32.fp32acc.sequential\nshape 1 1 0\nalpha 1\nbeta 0\nend\n' >locked.repro
chmod 000 locked.repro
as_reader=()
if [[ $(id -u) -eq 0 ]]; then
  chmod 755 "$T"
  as_reader=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
expect_refused "an unreadable reproducer" 'locked.repro: cannot read it: Permission denied' \
  "${as_reader[@]}" "$NG" repro locked.repro
[[ $failures -eq 0 ]] && echo "cli_bad_paths: all passed"
exit $((failures > 0))

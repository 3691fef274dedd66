#!/usr/bin/env bash
# numguard fuzz and numguard repro from the command line: a planted bug is found and leaves a
# reproducer that re-fails; a correct kernel survives a short campaign; a plugin kernel that
# segfaults or hangs is a finding with a reproducer, not a crash of numguard; malformed
# reproducers and bad flags are one line and exit 2.
#   tests/cli_fuzz_test.sh NUMGUARD CRASHES_PLUGIN SOURCE_DIR
set -u
NG=$1 CRASHES=$2 SRC=$3
source "$(dirname "$0")/cli_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A fuzzer that never starts fuzzing (missing, or exits at once) is a one-line error, exit 2,
# never "no violation found".
for bin in /bin/false /bin/true "$work/missing-fuzzer"; do
  NUMGUARD_FUZZ_BINARY=$bin "$NG" fuzz --kernel sum.fp32.fp32acc.sequential --time 1 \
    --corpus "$work/nofuzz" >/dev/null 2>"$work/nofuzz.err"
  rc=$?
  [[ $rc -eq 2 && $(wc -l <"$work/nofuzz.err") -eq 1 ]] && grep -q 'did not fuzz' "$work/nofuzz.err" ||
    fail "fuzzer $bin: exit $rc, stderr: $(cat "$work/nofuzz.err")"
done

# The committed regressions pass; a reproducer of a planted bug fails; both under repro.
"$NG" repro "$SRC/corpus/regressions" >/dev/null || fail "repro: committed regressions fail"

# Malformed reproducers: one line naming the problem, exit 2.
good=$(find "$SRC/corpus/regressions" -name '*.repro' | sort | head -1)
head -c 200 "$good" >"$work/truncated.repro"
printf 'not a reproducer\n' >"$work/garbage.repro"
sed 's/^shape \([0-9]*\) \([0-9]*\) \([0-9]*\)$/shape \1 \2 999/' "$good" >"$work/shape.repro"
sed 's/^kernel .*/kernel no.such.kernel/' "$good" >"$work/kernel.repro"
for f in truncated garbage shape kernel; do
  err=$("$NG" repro "$work/$f.repro" 2>&1 >/dev/null)
  [[ $? -eq 2 ]] || fail "repro $f.repro: want exit 2"
  [[ $(wc -l <<<"$err") -eq 1 && $err == *"$f.repro:"* ]] || fail "repro $f.repro: message: $err"
done
expect_usage repro "$work/missing.repro"
expect_usage fuzz --kernel no.such.kernel --time 1
expect_usage fuzz --plugin /nonexistent/plugin.so --kernel sum.fp32.fp32acc.sequential

if [[ ! -x "$(dirname "$NG")/numguard-fuzz" ]]; then
  # What ran above passed or failed; the campaigns below cannot run: ctest reports SKIPPED (77).
  echo "SKIP: numguard-fuzz was not built (needs clang++ and libclang-rt-14-dev); fuzz checks skipped"
  [[ $failures -gt 0 ]] && exit 1
  exit 77
fi

# A planted bug is found from an empty corpus; the reproducer it writes re-fails.
out=$("$NG" fuzz --kernel mutant.sum.fp32.pairwise_wrong_index --time 30 --seed 1 \
  --corpus "$work/corpus/m" --quiet 2>&1)
[[ $? -eq 1 ]] || fail "fuzz did not report the planted bug: $out"
repro=$(grep -oE 'numguard repro [^ ]+' <<<"$out" | head -1 | awk '{print $3}')
[[ $repro == "$work/corpus/regressions/mutant.sum.fp32.pairwise_wrong_index/"*.repro ]] ||
  fail "reproducer not under corpus/regressions/<kernel>/: $repro"
"$NG" repro "$repro" >"$work/repro.out"
[[ $? -eq 1 ]] || fail "repro of the planted bug does not re-fail"
grep -q '^reference ' "$work/repro.out" && grep -q '^bound ' "$work/repro.out" ||
  fail "repro does not print reference and bound"

# A correct kernel survives a short campaign.
"$NG" fuzz --kernel sum.fp32.fp32acc.pairwise --time 3 --seed 1 --corpus "$work/corpus/ok" \
  --quiet >"$work/ok.out" 2>&1 || fail "fuzz of a correct kernel reported a violation"
grep -q 'no violation found' "$work/ok.out" || fail "no summary line: $(cat "$work/ok.out")"

# A plugin kernel that segfaults, and one that hangs: findings with reproducers that re-fail.
for k in segfault hang; do
  out=$("$NG" fuzz --plugin "$CRASHES" --kernel "sum.fp32.fp32acc.plugin_$k" --time 10 \
    --input-timeout 2 --seed 1 --corpus "$work/corpus/$k" --quiet 2>&1)
  [[ $? -eq 1 ]] || fail "fuzz: the $k kernel was not reported: $out"
  repro=$(grep -oE 'numguard repro [^ ]+' <<<"$out" | head -1 | awk '{print $3}')
  "$NG" repro "$repro" --plugin "$CRASHES" --timeout 3 >/dev/null
  [[ $? -eq 1 ]] || fail "repro of the $k kernel's reproducer does not fail"
done
[[ $failures -eq 0 ]] || exit 1
echo "cli_fuzz: all checks passed"

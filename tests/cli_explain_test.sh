#!/usr/bin/env bash
# ctest "cli_explain": `numguard explain` from the outside. Planted bugs no in-tree mutant has
# (tests/plugins/explain_plugin.c) must be named by their mechanism: DAZ, FTZ of the products,
# DAZ under an undocumented (pairwise) order, a silent TF32 input cast, a residue K tile summed
# twice, an accumulator of 20 fraction bits, exponentials rounded to bf16, layernorm's eps outside the square
# root, and GELU's 1 + erf cancellation (named as the most likely mechanism: the plugin's erff
# is not the model's). Also: the JSON's shape, exit 0 on a correct kernel, `check --explain`,
# the `--case` explain line, and exit 2 with one line for every usage error.
# Usage: tests/cli_explain_test.sh path/to/numguard path/to/numguard_explain_plugin.so
set -uo pipefail
NG=$(realpath "${1:?usage: cli_explain_test.sh numguard explain_plugin.so}")
PLUGIN=$(realpath "${2:?usage: cli_explain_test.sh numguard explain_plugin.so}")
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1  # --case may write numguard-case-*.txt into the current directory

# kernel, expected first tag, expected exit status
while read -r kernel tag want; do
  "$NG" explain --plugin "$PLUGIN" --kernel "$kernel" --json e.json >e.txt 2>e.err
  status=$?
  [[ $status -eq $want ]] || fail "explain $kernel: exit $status, want $want: $(tail -3 e.txt e.err)"
  python3 - e.json "$tag" <<'PY' || fail "explain $kernel does not rank $tag first: $(grep verdict e.txt)"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["failing_cases"] > 0 and e["hypotheses"][0]["tag"] == sys.argv[2], e["hypotheses"][:3]
PY
done <<'EOF_TABLE'
planted.gemm.bf16.daz daz 0
planted.gemm.bf16.ftz_products ftz=products 0
planted.gemm.bf16.any_order_daz daz 0
planted.gemm.fp32.tf32_mode input_cast=tf32 0
planted.sum.fp32.tail_twice k_tail_duplicated=16 0
planted.dot.fp16.acc20 acc_frac_bits=20 0
planted.softmax.bf16.exp_in_bf16 stage=bf16 0
planted.softmax.bf16.exp_numerator_in_bf16 stage=bf16 0
planted.layernorm.fp32.eps_outside_sqrt eps_outside_sqrt 0
planted.gelu.fp32.one_plus_erf gelu_one_plus_erf 1
EOF_TABLE
grep -q "^verdict: most likely mechanism gelu_one_plus_erf" e.txt ||
  fail "the GELU verdict names the likely mechanism: $(grep verdict e.txt)"

# An M tail bug shows only at a shape with an M tail: 56 rows, tiles of 16 (not 32: 48 vs 32 rows).
"$NG" explain --plugin "$PLUGIN" --kernel planted.gemm.bf16.m_tail --shape 56x24x64 --cases 10 \
  --json t.json >t.txt || fail "explain --shape names the M tail: $(grep verdict t.txt)"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["hypotheses"][0]["tag"]=="m_tail_dropped=16"' t.json ||
  fail "explain --shape 56x24x64 ranks m_tail_dropped=16 first: $(grep verdict t.txt)"

# A kernel declaring an undocumented order: the structure (pairwise) is fitted first.
"$NG" explain --plugin "$PLUGIN" --kernel planted.gemm.bf16.any_order_daz >a.txt
grep -q "^  structure: order=pairwise" a.txt || fail "explain fits the structure first: $(head -5 a.txt)"

# The JSON has the documented keys; hypotheses best first.
"$NG" explain --kernel mutant.gemm.fp16.fp16_accumulation --json m.json >m.txt ||
  fail "explain on a mutant whose mechanism is in the catalogue exits 0"
python3 - m.json <<'PY' || fail "explain --json content"
import json, sys
e = json.load(open(sys.argv[1]))
assert {"kernel", "failing_cases", "passing_cases", "hypotheses", "verdict"} <= set(e), e.keys()
h = e["hypotheses"]
assert h and all({"tag", "description", "reproduces", "within_bound", "breaks_passing"} <= set(x) for x in h)
assert h[0]["tag"] == "acc_format=fp16" and h[0]["reproduces"] == e["failing_cases"]
assert e["kernel"] == "mutant.gemm.fp16.fp16_accumulation"
PY
grep -q "^verdict: mechanism acc_format=fp16" m.txt || fail "the verdict names the mechanism"

# A correct kernel: nothing to explain, exit 0, no hypotheses.
"$NG" explain --kernel gemm.bf16.fp32acc.blocked32 --cases 20 --json c.json >c.txt ||
  fail "explain on a correct kernel exits 0"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["failing_cases"]==0 and e["hypotheses"]==[]' c.json ||
  fail "a correct kernel has no hypotheses"
grep -q "nothing to explain" c.txt || fail "a correct kernel: nothing to explain"

# check --explain: the explanation of each failing kernel after the table.
"$NG" check --include-mutants --kernel 'mutant.sum.*,sum.fp32.fp32acc.sequential' --cases 20 --explain >ce.txt 2>ce.err
[[ $? -eq 1 ]] || fail "check --explain keeps check's exit status"
[[ $(grep -c "^explain mutant.sum" ce.txt) -eq 3 ]] || fail "check --explain explains each failing mutant"
grep -q "^explain sum.fp32.fp32acc.sequential" ce.txt && fail "check --explain explains passing kernels"

# --case: a failing case names the model that reproduces it.
"$NG" check --kernel mutant.sum.bf16.bf16_accumulation --case 0 >case.txt
grep -q "^explain    reproduced bit for bit by the model.* acc_format=bf16" case.txt ||
  fail "--case shows the model reproducing the output: $(grep explain case.txt)"

# Usage errors: exit 2, one line (cli_lib.sh).
expect_usage explain
expect_usage explain --kernel no.such.kernel
expect_usage explain --kernel 'sum.*'
expect_usage explain --kernel sum.fp32.fp32acc.sequential --cases 0
expect_usage explain --kernel sum.fp32.fp32acc.sequential --seed -1
expect_usage explain --kernel sum.fp32.fp32acc.sequential --json /nonexistent/dir/e.json
expect_usage explain --kernel sum.fp32.fp32acc.sequential --plugin /nonexistent.so

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "cli_explain: all checks passed"

#!/usr/bin/env bash
# ctest "cli_shape": `--shape` (harness/engine/case_shapes.h). Cases are drawn at the requested
# sizes for every generator, case I uses shape (I / generators) % shapes, a failure's repro line
# carries the shapes and rebuilds the case, and a shape that does not fit the op is exit 2 with
# one line naming the form the op takes.
# Usage: tests/cli_shape_test.sh path/to/numguard   (about 10 s on 2 cores)
set -uo pipefail
NG=$(realpath "${1:?usage: cli_shape_test.sh path/to/numguard}")
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1  # --case may write numguard-case-*.txt into the current directory

# A correct kernel at a shape with M, N and K tails: every generator, passes.
"$NG" check --kernel gemm.bf16.fp32acc.blocked32 --shape 67x45x300 --cases 1 >ok.txt ||
  fail "check at --shape 67x45x300 passes: $(tail -3 ok.txt)"
"$NG" check --kernel softmax.bf16.fp32acc.twopass --shape 3x1000 --cases 1 >/dev/null ||
  fail "a row op at --shape 3x1000 passes"

# Every case is drawn at the shape, whatever its generator (case 7: ill_conditioned; 9: tile_edges).
for c in 0 7 9; do
  "$NG" check --kernel gemm.bf16.fp32acc.blocked32 --shape 33x17x100 --case $c >case.txt
  grep -q "^shape      m=33 n=17 k=100" case.txt || fail "--case $c at --shape 33x17x100: $(grep ^shape case.txt)"
done
# Two shapes: case I uses shape (I / 11) % 2 (11 generators).
"$NG" check --kernel sum.fp32.fp32acc.sequential --shape 3x50 --shape 2x70 --case 12 >two.txt
grep -q "^shape      m=2 n=1 k=70" two.txt || fail "case 12 of two shapes uses the second: $(grep ^shape two.txt)"

# A failing mutant: the repro line carries --shape and rebuilds the failing case.
"$NG" check --kernel mutant.gemm.fp16.dropped_k_tail --shape 9x7x100 --cases 2 >m.txt
[[ $? -eq 1 ]] || fail "the dropped-K-tail mutant fails at --shape 9x7x100"
line=$(grep -m1 "^numguard check .*--case" m.txt)
[[ $line == *"--shape 9x7x100"* ]] || fail "the repro line carries --shape: $line"
eval "${line/numguard/\"$NG\"}" >r.txt
[[ $? -eq 1 ]] || fail "the repro line re-fails: $line"
grep -q "^shape      m=9 n=7 k=100" r.txt || fail "the repro line rebuilds the shape"

# Usage errors: exit 2, one line (cli_lib.sh).
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --shape 67x45
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --shape 0x4x4
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --shape 4xx4
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --shape 9000x9000x9000
expect_usage check --kernel 'gemm.bf16.fp32acc.blocked32,softmax.bf16.fp32acc.twopass' --shape 8x8x8
expect_usage explain --kernel gemm.bf16.fp32acc.blocked32 --shape 8x8

# Named shape sets: each op at the model's shapes, sampled; ops the set does not cover are left
# out with one line; an unknown set is exit 2.
"$NG" check --kernel 'layernorm.bf16.fp32acc.twopass,gemm.bf16.fp32acc.blocked32' --shapes bert-base \
  --cases 1 --generator uniform --sample 512 >set.txt || fail "--shapes bert-base passes: $(tail -3 set.txt)"
grep -q "^sampled gemm.bf16.fp32acc.blocked32: 512 of 1179648 " set.txt || fail "gemm at 512x2304x768: $(grep ^sampled set.txt)"
"$NG" check --kernel layernorm.bf16.fp32acc.twopass --shapes bert-base --sample 64 --case 0 >setc.txt
grep -q "^shape      m=512 n=768 k=0" setc.txt || fail "layernorm at bert-base's 512x768: $(grep ^shape setc.txt)"
"$NG" check --kernel 'gemm.bf16.fp32acc.blocked32,softplus.fp32.fp32acc.direct' --shapes bert-base --cases 1 \
  --generator uniform --sample 64 >/dev/null 2>left.err || fail "--shapes with an op it does not cover"
grep -q "has no shapes for softplus; those kernels are left out" left.err || fail "the op left out is named: $(cat left.err)"
expect_usage check --kernel 'softplus.*' --shapes bert-base
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --shapes no-such-model
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --shapes bert-base --shape 8x8x8

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "cli_shape: all checks passed"

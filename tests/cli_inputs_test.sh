#!/usr/bin/env bash
# ctest "cli_inputs": `--inputs FILE|DIR` and `--as` (harness/engine/user_inputs.h). Users'
# .npy/.npz/.safetensors tensors become the cases: members matched to the op's operands by
# name, shapes from the file, float values rounded into the kernel's formats (said on stdout),
# bf16 bits taken as they are; a correct kernel passes, a planted bug is caught and explained,
# and a file that does not fit is exit 2 with one short line.
# Usage: tests/cli_inputs_test.sh path/to/numguard   (about 10 s on 2 cores)
set -uo pipefail
NG=$(realpath "${1:?usage: cli_inputs_test.sh path/to/numguard}")
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 "$(dirname "$0")/make_tensor_files.py" "$T" || { echo "FAIL: make_tensor_files.py"; exit 1; }
cd "$T" || exit 1

# A stored .npz (np.savez) with members a, b: a correct kernel passes on it, one case.
"$NG" check --kernel gemm.fp32.fp32acc.sequential --inputs gemm.npz --json g.json >g.txt ||
  fail "a correct gemm on gemm.npz: $(tail -3 g.txt)"
grep -q "^numguard check: 1 case from --inputs gemm.npz" g.txt || fail "the header names the inputs: $(grep '^numguard check' g.txt)"
grep -q "^worst      element" g.txt || fail "the report shows the worst element of the user's case"
grep -q "all 3900 inputs are in gemm.npz" g.txt || fail "the inputs are pointed at, not rewritten"
ls numguard-case-* >/dev/null 2>&1 && fail "--inputs wrote a numguard-case file"
python3 -c 'import json,sys; j=json.load(open("g.json")); assert j["inputs"]==["gemm.npz"], j["inputs"]; assert j["kernels"][0]["cases"]==1' ||
  fail "the JSON lists the input files"
# Rounding into a narrower format is said, with how many values changed.
"$NG" check --kernel gemm.fp16.fp32acc.sequential --inputs gemm.npz >h.txt || fail "fp16 gemm on gemm.npz"
grep -q "^inputs     gemm.npz: A 2400 fp32 values rounded to fp16 (nearest even): 2400 changed" h.txt ||
  fail "the fp32 -> fp16 rounding is reported: $(grep '^inputs' h.txt)"

# The dropped-K-tail mutant is caught on the user's tensors (K = 300 has a tail), with a repro
# line that rebuilds the case from the file, and explain names its mechanism.
"$NG" check --kernel mutant.gemm.fp16.dropped_k_tail --inputs gemm.npz >m.txt
[[ $? -eq 1 ]] || fail "the dropped-tail mutant is caught on gemm.npz"
grep -q -- "--inputs gemm.npz --case 0" m.txt || fail "the repro line carries --inputs: $(grep 'numguard check --kernel' m.txt)"
"$NG" check --kernel mutant.gemm.fp16.dropped_k_tail --inputs gemm.npz --case 0 >c.txt
[[ $? -eq 1 ]] || fail "--inputs --case 0 replays the failure"
grep -q "^case       0 of --inputs: gemm.npz" c.txt || fail "--case names the file: $(grep '^case' c.txt)"
"$NG" explain --kernel mutant.gemm.fp16.dropped_k_tail --inputs gemm.npz >e.txt
[[ $? -eq 0 ]] || fail "explain --inputs explains the mutant: $(tail -2 e.txt)"
grep -q "^verdict: mechanism k_tail_dropped" e.txt || fail "explain --inputs names k_tail_dropped: $(grep ^verdict e.txt)"

# A deflated .npz (np.savez_compressed) of big-endian float64 with alpha = 0.5; capital names.
"$NG" check --kernel gemm.bf16.fp32acc.blocked32 --inputs gemm_deflated.npz --case 0 >d.txt ||
  fail "a deflated .npz: $(tail -2 d.txt)"
grep -q "alpha=0.5, beta=0" d.txt || fail "alpha comes from the file: $(grep ^shape d.txt)"

# bf16 bits: safetensors BF16 is read bit for bit (no rounding note); a uint16 .npy needs --as.
"$NG" check --kernel gemm.bf16.fp32acc.sequential --inputs gemm_bf16.safetensors >s.txt ||
  fail "BF16 safetensors: $(tail -2 s.txt)"
grep -q "rounded to" s.txt && fail "BF16 tensors for a bf16 kernel are not rounded: $(grep rounded s.txt)"
"$NG" check --kernel gemm.bf16.fp32acc.sequential --inputs gemm_u16.npz --as bf16 --case 0 >u.txt ||
  fail "uint16 bits with --as bf16"
[[ "$(grep '^output' u.txt)" == "$(grep '^output' <("$NG" check --kernel gemm.bf16.fp32acc.sequential --inputs gemm_bf16.safetensors --case 0))" ]] ||
  fail "--as bf16 and BF16 safetensors give the same case"
expect_usage check --kernel gemm.bf16.fp32acc.sequential --inputs gemm_u16.npz
expect_usage check --kernel gemm.bf16.fp32acc.sequential --as bf16

# A (batch, sequence, hidden) activation: leading dimensions flattened into rows; gamma = 1,
# beta = 0 and eps = 1e-5 when the file does not give them.
"$NG" check --kernel 'layernorm.bf16.fp32acc.twopass' --inputs act.npy --case 0 >l.txt ||
  fail "layernorm on a 3-d activation: $(tail -2 l.txt)"
grep -q "^shape      m=12 n=64 k=0, scalars 9.99999974737875" l.txt || fail "12 rows of 64, eps 1e-5: $(grep ^shape l.txt)"

# A directory: one case per tensor file, in name order.
mkdir dir && cp gemm.npz dir/1.npz && cp gemm_deflated.npz dir/2.npz
"$NG" check --kernel gemm.fp32.fp32acc.sequential --inputs dir >dir.txt || fail "a directory of inputs"
grep -q "^numguard check: 2 cases from --inputs dir" dir.txt || fail "two cases from dir: $(grep '^numguard check' dir.txt)"
expect_usage check --kernel gemm.fp32.fp32acc.sequential --inputs dir --case 2

# Files that do not fit: exit 2, one line naming the file and what is wrong.
for f in bad_magic.npy truncated.npy bad.npz bad.safetensors missing.npy; do
  expect_usage check --kernel gemm.fp32.fp32acc.sequential --inputs $f
done
expect_usage check --kernel gemm.fp32.fp32acc.sequential --inputs gemm_typo.npz
err=$("$NG" check --kernel gemm.fp32.fp32acc.sequential --inputs gemm_typo.npz 2>&1)
[[ "$err" == *"member Bt is not read by gemm"* ]] || fail "an unknown member is named: $err"
err=$("$NG" check --kernel gemm.fp32.fp32acc.sequential --inputs gemm_mismatch.npz 2>&1)
[[ "$err" == *"k = 301, but k = 300"* ]] || fail "inconsistent dimensions are named: $err"
expect_usage check --kernel gemm.fp32.fp32acc.sequential --inputs act.npy
expect_usage check --kernel gemm.fp32.fp32acc.sequential --inputs gemm.npz --shape 8x8x8
expect_usage check --kernel gemm.fp32.fp32acc.sequential --inputs gemm.npz --generator uniform

# KERNEL FILE...: every encoding of one case gives the same worst element (non-empty) and the
# same whole output (--outputs .npy files equal byte for byte).
same_output() {
  local kernel=$1 first=$2 f
  shift
  for f in "$@"; do
    "$NG" check --kernel "$kernel" --inputs "$f" --case 0 --outputs "y.$f.npy" >"x.$f.txt" ||
      fail "$kernel on $f: $(tail -2 "x.$f.txt")"
    [[ -n "$(grep '^output ' "x.$f.txt")" &&
       "$(grep '^output ' "x.$f.txt")" == "$(grep '^output ' "x.$first.txt")" ]] ||
      fail "$f and $first give one worst output for $kernel"
    cmp -s "y.$f.npy" "y.$first.npy" || fail "$f and $first give different outputs for $kernel"
  done
}

# EXPECTED-MESSAGE KERNEL FILE: exit 2 with the message.
refused() {
  local err
  err=$("$NG" check --kernel "$2" --inputs "$3" 2>&1)
  [[ $? -eq 2 && "$err" == *"$1"* ]] || fail "$3 is refused naming '$1': $err"
}

# MUTANT FILE: the mutant fails on the file (exit 1).
mutant_fails() {
  "$NG" check --include-mutants --kernel "$1" --inputs "$2" >/dev/null
  [[ $? -eq 1 ]] || fail "$1 fails on $2"
}

# MX tensors with their E8M0 scales (op scaled_gemm): floats, uint8 exponent bytes and
# safetensors F8_E4M3 / F8_E8M0 all give the same case; a scale tensor of the wrong width is
# exit 2; the short-block mutant fails on the file's k = 70.
same_output scaled_gemm.e4m3.tc-blackwell scaled.safetensors scaled.npz scaled_u8.npz
grep -q "SA 12 uint8 values taken as E8M0 exponent bytes" x.scaled_u8.npz.txt ||
  fail "uint8 scales are exponent bytes: $(grep ^inputs x.scaled_u8.npz.txt)"
refused "SA is 4 x 2, but k = 70 needs k/32 = 3" scaled_gemm.e4m3.tc-blackwell scaled_short.npz
mutant_fails mutant.scaled_gemm.e4m3.short_block_scale scaled.safetensors

# NVFP4 tensors (op nvfp4_gemm): floats and the checkpoint encoding (packed uint8 fp4,
# F8_E4M3 scales, F32 tensor scales) give one case; a scale byte with its sign bit set is
# exit 2 naming it; a kernel that multiplies by the encode scale fails on the file.
same_output nvfp4_gemm.e2m1.tc-blackwell nvfp4.safetensors nvfp4.npz
grep -q "A 60 uint8 values unpacked into 120 e2m1 elements" x.nvfp4.safetensors.txt ||
  fail "packed fp4 is unpacked: $(grep ^inputs x.nvfp4.safetensors.txt)"
refused "SA holds the byte 0xb8 at index 0: UE4M3 scales have no sign bit" \
  nvfp4_gemm.e2m1.tc-blackwell nvfp4_signed.safetensors
refused "B is 40 x 4 (uint8 40 x 2: two e2m1 per byte), which makes k = 40, but k = 20 already" \
  nvfp4_gemm.e2m1.tc-blackwell nvfp4_half_k.safetensors
mutant_fails mutant.nvfp4_gemm.e2m1.inverted_tensor_scale nvfp4.safetensors

# Operands stored transposed (X.T: checkpoint weights are out x in): the same case as B given
# k x n, packed fp4 along the file's last dimension; both at once, or a 3-d X.T, is exit 2.
same_output nvfp4_gemm.e2m1.tc-blackwell nvfp4.safetensors nvfp4_t.safetensors
grep -q "B read as the transpose of B.T (4 x 20)" x.nvfp4_t.safetensors.txt ||
  fail "B.T is said to be transposed: $(grep ^inputs x.nvfp4_t.safetensors.txt)"
same_output gemm.fp32.fp32acc.sequential gemm.npz gemm_t.npz
refused "both B and B.T: give B or its transpose, not both" \
  nvfp4_gemm.e2m1.tc-blackwell nvfp4_both.safetensors
refused "B.T is 1 x 5 x 300: a transposed operand must be 2-d (B is k x n)" \
  gemm.fp32.fp32acc.sequential gemm_t3.npz

# Scales in cuBLAS's blocked layout (X.blocked: 128 x 4 tiles, padded; SB as n x k/16): the
# same cases as row-major scales; a tensor of the wrong size is exit 2 naming the sizes.
same_output nvfp4_gemm.e2m1.tc-blackwell nvfp4.safetensors nvfp4_blocked.safetensors
grep -q "SB read from cuBLAS's blocked layout (SB.blocked, 4 x 3 scales)" x.nvfp4_blocked.safetensors.txt ||
  fail "SB.blocked is said to be unblocked: $(grep ^inputs x.nvfp4_blocked.safetensors.txt)"
same_output scaled_gemm.e4m3.tc-blackwell scaled.safetensors scaled_blocked.npz
same_output scaled_gemm.e4m3.tc-blackwell scaled_tiles.npz scaled_tiles_blocked.npz
mutant_fails mutant.scaled_gemm.e4m3.scales_unswizzled scaled_tiles.npz
refused "SA.blocked holds 256 scales; 3 x 3 scales in cuBLAS's blocked layout (128 x 4 tiles, padded) take 512" \
  nvfp4_gemm.e2m1.tc-blackwell nvfp4_blocked_short.safetensors

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "cli_inputs: all checks passed"

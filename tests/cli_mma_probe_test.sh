#!/usr/bin/env bash
# ctest "cli_mma_probe": `numguard mma` answers what the tensor-core model computes, and
# `numguard probe --model` recovers each instruction row (datapath, block, fraction bits,
# rounding, output width, e_zero, C placement, groups) and checks its measured model, with
# exit status 2 and one line on stderr for usage errors.
# Usage: tests/cli_mma_probe_test.sh path/to/numguard
set -uo pipefail
NG=${1:?usage: cli_mma_probe_test.sh path/to/numguard}
source "$(dirname "$0")/cli_lib.sh"

bits() { "$NG" mma "$@" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["bits"])'; }
A=(--in fp16 --out fp32 --a 0.5,0.5,0.5,0.5 --b 0x1p-24,0x1p-24,0x1p-24,0x1p-24 --c 1)
[[ $(bits --model hopper "${A[@]}") == 0x3f800001 ]] || fail "hopper keeps 2^-25 terms: 1 + 4*2^-25"
[[ $(bits --model ampere "${A[@]}") == 0x3f800000 ]] || fail "ampere (24 fraction bits) drops 2^-25 terms"
[[ $(bits --model volta --in fp16 --out fp16 --a 0x3c00 --b 0x3c00 --c 0x3c00) == 0x4000 ]] ||
  fail "volta fp16->fp16: 1*1 + 1 = 2 (raw bits in and out)"
# --set: one feature of the model changed, the rest kept.
[[ $(bits --model hopper "${A[@]}" --set frac_bits=24) == 0x3f800000 ]] ||
  fail "hopper with --set frac_bits=24 drops the 2^-25 terms as ampere does"
[[ $(bits --model hopper --in fp16 --out fp32 --a -0 --b 1 --c -0 --set signed_zero=true) == 0x80000000 ]] ||
  fail "--set signed_zero=true: -0 * 1 + -0 is -0"
[[ $(bits --model hopper --in fp16 --out fp32 --a -0 --b 1 --c -0) == 0x00000000 ]] ||
  fail "the default exact zero is +0"
[[ $(bits --model hopper --in fp16 --out fp32 --a 0x7e00 --b 1 --set nan=quiet) == 0x7fc00000 ]] ||
  fail "--set nan=quiet gives the default quiet NaN"
[[ $(bits --model hopper --in fp16 --out fp32 --a 0x7e00 --b 1) == 0x7fffffff ]] ||
  fail "the default NaN result is CUDA's canonical 0x7fffffff"
expect_usage mma --model hopper --a 1 --b 1 --set bogus=1
expect_usage mma --model hopper --a 1 --b 1 --set block=0
expect_usage mma --model hopper --a 1 --b 1 --set zero_exponent
# The CPU verbs never load cuBLAS (the CUDA build opens it on first use): mma starts without it.
if LD_DEBUG=libs "$NG" mma --model hopper --a 1 --b 1 2>&1 >/dev/null | grep -q 'libcublas'; then
  fail "numguard mma loaded libcublas"
fi
# 17 products of 1 in one hopper block (16) and a second one: exact integers either way.
ones=$(printf '1,%.0s' {1..17}); ones=${ones%,}
[[ $(bits --model hopper --in bf16 --out fp32 --a "$ones" --b "$ones") == 0x41880000 ]] ||
  fail "hopper bf16: 17 ones chain two blocks to 17"

# Named instructions, mixed operand formats, and the AMD datapaths (MMA-Sim's example: exact
# -0.875; CDNA2's pairs of fp32 FTZ additions keep -0.375, CDNA3's C-after path -0.5).
X=(--a -8192,-0.5,-0.25,-0.125 --b 1024,1,1,1 --c 8388608)
value() { "$NG" mma "$@" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])'; }
[[ $(value --model cdna2 --instruction mfma_f32_32x32x4bf16 "${X[@]}") == -0.375 ]] ||
  fail "cdna2 mfma_f32_32x32x4bf16: -0.375"
[[ $(value --model cdna3 --in bf16 --out fp32 "${X[@]}") == -0.5 ]] || fail "cdna3 bf16: -0.5"
[[ $(value --instruction wgmma.m64nNk32.f32.e4m3.e5m2 --a 16,0.125 --b 16,0.125) == 256 ]] ||
  fail "hopper e4m3 x e5m2: 256 + 2^-6, 13 fraction bits below 2^8, is 256"
# Batch mode: one JSON object per input line, in order; a bad line is reported and the exit
# status is 1 once every line is read.
printf '1,2 3,4
# a comment

1 1 1
0x3c00,0x3c00 0x3c00,0x3c00 2
' |
  "$NG" mma --batch --model hopper --in fp16 --out fp32 --json >batch.txt || fail "mma --batch"
python3 - <<'PY' || fail "mma --batch output: $(cat batch.txt)"
import json
rows = [json.loads(l) for l in open("batch.txt")]
assert [r["value"] for r in rows] == ["11", "2", "4"], rows
assert [r["line"] for r in rows] == [1, 4, 5], rows
PY
printf '1 1
1,2 1
' | "$NG" mma --batch --model hopper --in fp16 --out fp32 --json >batch.txt 2>err.txt
[[ $? -eq 1 ]] || fail "mma --batch: a bad line gives exit status 1"
grep -q '"error"' batch.txt && grep -q '"value":"1"' batch.txt || fail "mma --batch: good and bad lines: $(cat batch.txt)"
printf '1,2 3,4
' | "$NG" mma --batch --model hopper --in fp16 --out fp32 >batch.txt || fail "mma --batch (text)"
[[ $(cat batch.txt) == "0x41300000 11" ]] || fail "mma --batch text line: $(cat batch.txt)"
# A block-scaled instruction: two more fields per line (the scales of A and B).
printf -- '-4,2 4,2 2 0.5\n' |
  "$NG" mma --batch --instruction tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue8m0 --json >batch.txt ||
  fail "mma --batch, block-scaled: $(cat batch.txt)"
[[ $(python3 -c 'import json; print(json.load(open("batch.txt"))["value"])') == -12 ]] ||
  fail "block-scaled batch line: (-16 + 4) * 2 * 0.5 = -12: $(cat batch.txt)"
rm -f batch.txt err.txt

for arch in volta ampere hopper ada cdna2 cdna3; do
  "$NG" probe --model $arch --json > probe.$arch.json || fail "probe --model $arch"
done
python3 - <<'PY' || fail "probe results"
import json
want = {"hopper": {("fp16", "fp32"): (16, 25, "rz"), ("tf32", "fp32"): (8, 25, "rz"), ("fp16", "fp16"): (16, 25, "rne")},
        "ampere": {("bf16", "fp32"): (8, 24, "rz"), ("tf32", "fp32"): (4, 24, "rz")},
        "volta": {("fp16", "fp32"): (4, 23, "rz")}}
for arch, pairs in want.items():
    recs = json.load(open(f"probe.{arch}.json"))["pairings"]
    for (i, o), (b, f, r) in pairs.items():
        x = [p for p in recs if p["in"] == i and p["out"] == o][0]
        assert (x["block"], x["fraction_bits"], x["final_rounding"]) == (b, f, r), (arch, i, o, x)
        assert x["c_in_block"] is True and x["subnormal_inputs"] is True, (arch, i, o, x)
# The features beyond the fused window, and the measured model checked against the unit.
by_unit = {p["unit"]: p for arch in ("ada", "cdna2", "cdna3", "hopper")
           for p in json.load(open(f"probe.{arch}.json"))["pairings"]}
ada8 = by_unit["ada mma.m16n8k32.f32.e4m3.e4m3.f32"]
assert (ada8["fraction_bits"], ada8["output_fraction_bits"]) == (13, 13), ada8
assert by_unit["hopper mma.m16n8k16.f32.bf16.bf16.f32"]["zero_exponent"] == -133
c3 = by_unit["cdna3 mfma_f32_32x32x8_bf16"]
assert (c3["datapath"], c3["block"], c3["c_in_block"], c3["c_after_bits"]) == ("c_after", 8, False, 31), c3
c2 = by_unit["cdna2 mfma_f32_32x32x4bf16"]
assert (c2["datapath"], c2["block"]) == ("ftz_pairs", 2), c2
assert by_unit["hopper mma.m16n8k16.f64.f64.f64.f64"]["datapath"] == "fma_chain"
for p in by_unit.values():
    assert p["recovered_model"]["disagreements"] == 0, p
PY
"$NG" probe --instruction tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue4m3 --json >probe.nv.json ||
  fail "probe --instruction (NVFP4)"
python3 - <<'PY' || fail "probe NVFP4: $(cat probe.nv.json)"
import json
p = json.load(open("probe.nv.json"))["pairings"][0]
assert (p["datapath"], p["block"], p["fraction_bits"], p["group"]) == ("group_scaled", 64, 35, 16), p
assert p["recovered_model"] == {"trials": 400, "disagreements": 0, "first_disagreement": ""}, p
assert p["zero_group_at_scales"] is False, p
PY
# The other reading of zero groups (MMA-Sim's functions.py), set on the model: the probe sees it.
"$NG" probe --instruction tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue4m3 \
  --set zero_group=scales --json >probe.zg.json || fail "probe --set zero_group=scales"
python3 - <<'PY' || fail "probe zero_group=scales: $(cat probe.zg.json)"
import json
p = json.load(open("probe.zg.json"))["pairings"][0]
assert p["zero_group_at_scales"] is True, p
assert p["unit"].endswith(" zero_group=scales"), p
PY
rm -f probe.*.json
expect_usage probe --model blackwell --set zero_group=sideways
expect_usage probe --model blackwell --set zero_group
expect_usage probe --instruction mma.m1n1k1
expect_usage probe --model hopper --instruction mfma_f32_32x32x8_f16

expect_usage mma --model banana --in fp16 --a 1 --b 1
expect_usage mma --instruction mma.m1n1k1 --a 1 --b 1
expect_usage mma --model volta --instruction mfma_f32_32x32x8_f16 --a 1 --b 1
expect_usage mma --batch --model hopper --a 1 --b 1
expect_usage mma --instruction mma.m16n8k16.f32.f16.f16.f32 --in bf16 --a 1 --b 1
expect_usage mma --instruction tcgen05.mma.kind::mxf8f6f4.block32.f32.e4m3.e4m3 --a 1 --b 1
expect_usage mma --model hopper --in fp16 --a 1 --b 1 --scale-a 1 --scale-b 1
expect_usage mma --model hopper --in fp16 --a 1,2 --b 1
expect_usage mma --model hopper --in fp16 --a abc --b 1
expect_usage probe
expect_usage probe --model banana
expect_usage probe --device opencl

echo "cli_mma_probe: $failures failure(s)"
[[ $failures -eq 0 ]]

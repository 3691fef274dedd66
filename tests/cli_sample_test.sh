#!/usr/bin/env bash
# ctest "cli_sample": sampled verification at production shapes (`check --sample N|all`,
# harness/engine/output_sampling.h). A large output is verified at N elements (structured:
# tile corners and edges, first and last rows and columns; then random), the report and the
# JSON say how many of how many, a tile-tail bug is still caught, and `--sample all` verifies
# every element.
# Usage: tests/cli_sample_test.sh path/to/numguard   (about 20 s on 2 cores)
set -uo pipefail
NG=$(realpath "${1:?usage: cli_sample_test.sh path/to/numguard}")
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# A correct kernel at a 256 x 256 x 1030 shape, 512 elements verified per case.
"$NG" check --kernel gemm.bf16.fp32acc.blocked32 --shape 256x256x1030 --sample 512 --cases 1 \
  --generator uniform,tile_edges --json s.json >s.txt || fail "a correct kernel at 256x256x1030: $(tail -3 s.txt)"
grep -q "^sampled gemm.bf16.fp32acc.blocked32: 1024 of 131072 output elements verified exactly over 2 of 2 cases (the largest case: 512 of 65536)" s.txt ||
  fail "the text says how many elements were verified: $(grep ^sampled s.txt)"
python3 - s.json <<'PY' || fail "the JSON counts the verified elements"
import json, sys
e = json.load(open(sys.argv[1]))["kernels"][0]["elements"]
assert e == {"verified": 1024, "total": 131072, "sampled_cases": 2,
             "largest_case": {"verified": 512, "total": 65536}}, e
PY
# --case says how the elements were chosen.
"$NG" check --kernel gemm.bf16.fp32acc.blocked32 --shape 256x256x1030 --sample 512 --case 0 >c.txt ||
  fail "--case at a sampled shape"
grep -Eq "^verified   512 of 65536 elements: [1-9][0-9]* structured .*, [1-9][0-9]* random" c.txt || fail "--case says what it verified: $(grep ^verified c.txt)"

# Tile-boundary bugs at a production shape: the K tail (every sampled element runs the whole K
# loop) and an M tail of 16 rows (the structured sample holds every tile's boundary rows).
"$NG" check --kernel mutant.gemm.fp16.dropped_k_tail --shape 256x256x4100 --sample 256 --cases 1 \
  --generator uniform >/dev/null
[[ $? -eq 1 ]] || fail "the dropped K tail is caught at 256x256x4100 with 256 samples"

# Small outputs are verified in full by default; --sample all verifies every element of a large one.
"$NG" check --kernel gemm.bf16.fp32acc.blocked32 --cases 2 --json d.json >/dev/null || fail "default check"
python3 -c 'import json; e=json.load(open("d.json"))["kernels"][0]["elements"]; assert e["verified"]==e["total"] and e["sampled_cases"]==0, e' ||
  fail "generated shapes are verified in full by default"
"$NG" check --kernel sum.fp32.fp32acc.sequential --shape 70000x8 --sample all --cases 1 --generator uniform \
  --json a.json >/dev/null || fail "--sample all"
python3 -c 'import json; e=json.load(open("a.json"))["kernels"][0]["elements"]; assert e["verified"]==70000 and e["sampled_cases"]==0, e' ||
  fail "--sample all verifies all 70000 elements"
"$NG" check --kernel sum.fp32.fp32acc.sequential --shape 70000x8 --cases 1 --generator uniform \
  --json b.json >/dev/null || fail "automatic sampling"
python3 -c 'import json; e=json.load(open("b.json"))["kernels"][0]["elements"]; assert e["verified"]==4096 and e["total"]==70000, e' ||
  fail "an output of 70000 elements is verified at 4096 by default"

expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --sample 0
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --sample some
expect_usage check --kernel gemm.bf16.fp32acc.blocked32 --sample 12x

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "cli_sample: all checks passed"

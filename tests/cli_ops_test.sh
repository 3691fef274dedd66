#!/usr/bin/env bash
# ctest "cli_ops": `numguard ops` is the one place operand layouts are written down. Every op a
# kernel declares is listed, with an operand schema (slot, name, shape in m/n/k, format), its
# output, generators and bound; the text form names every op; --op selects; an unknown op is a
# usage error.
# Usage: tests/cli_ops_test.sh path/to/numguard
set -uo pipefail
NG=$(realpath "${1:?usage: cli_ops_test.sh path/to/numguard}")
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$NG" ops --json >"$T/ops.json" || fail "ops --json"
"$NG" list --json --include-mutants >"$T/list.json" || fail "list --json"
python3 - "$T/ops.json" "$T/list.json" <<'PY' || fail "ops --json content"
import json, sys
ops = json.load(open(sys.argv[1]))["ops"]
kernels = json.load(open(sys.argv[2]))
names = [o["name"] for o in ops]
assert len(names) >= 21 and len(set(names)) == len(names), names
assert {k["op"] for k in kernels} <= set(names), {k["op"] for k in kernels} - set(names)
gens = None
for o in ops:
    assert o["operands"], o["name"]
    slots = [a["slot"] for a in o["operands"]]
    assert slots == sorted(set(slots)) and set(slots) <= set("abcd"), (o["name"], slots)
    for a in o["operands"]:
        assert a["name"] and a["format"] in ("input", "output", "scale", "ue4m3_scale"), (o["name"], a)
        assert a["shape"] and set(a["dims"]) <= {"m", "n", "k", "k/32", "k/16"}, (o["name"], a)
        assert a["shape"] == " x ".join(a["dims"]), (o["name"], a)
    assert o["output"]["shape"] and o["bound"] and o["summary"], o["name"]
    assert o["fuzz"]["family"] and o["fuzz"]["layout"] in ("explicit_shape", "generated"), o["name"]
    assert o["kernels"] >= 1, o["name"]
    g = [x["name"] for x in o["generators"]]
    assert gens is None or g == gens, o["name"]  # every op gives every generator a meaning
    gens = g
    assert all(x["meaning"] for x in o["generators"]), o["name"]
    for r in o["relations"]:
        assert r["name"] and r["claim"], o["name"]
gemm = next(o for o in ops if o["name"] == "gemm")
c = next(a for a in gemm["operands"] if a["slot"] == "c")
assert c["format"] == "output" and c["optional"] and gemm["alpha_beta"], gemm
# Block-scaled tensors as given: the scales are operands of their own format and shape.
sg = next(o for o in ops if o["name"] == "scaled_gemm")
sc = {a["slot"]: (a["format"], a["shape"]) for a in sg["operands"]}
assert sc == {"a": ("input", "m x k"), "b": ("input", "k x n"), "c": ("scale", "m x k/32"),
              "d": ("scale", "k/32 x n")}, sc
nv = next(o for o in ops if o["name"] == "nvfp4_gemm")
sc = {a["slot"]: (a["format"], a["shape"]) for a in nv["operands"]}
assert sc == {"a": ("input", "m x k"), "b": ("input", "k x n"), "c": ("ue4m3_scale", "m x k/16"),
              "d": ("ue4m3_scale", "k/16 x n")}, sc
assert [o["name"] for o in ops if o["reduction_length"] is None] != names  # some reduce
PY

"$NG" ops >"$T/ops.txt" || fail "ops (text)"
for op in $(python3 -c 'import json,sys; print(" ".join(o["name"] for o in json.load(open(sys.argv[1]))["ops"]))' "$T/ops.json"); do
  grep -q "^$op\$" "$T/ops.txt" || fail "ops text does not list $op"
done
[[ $("$NG" ops --op gemm --op softmax --json | python3 -c 'import json,sys; print(",".join(o["name"] for o in json.load(sys.stdin)["ops"]))') == gemm,softmax ]] ||
  fail "--op gemm --op softmax"
expect_usage ops --op frobnicate
expect_usage ops --bogus

[[ $failures -eq 0 ]] && echo "cli_ops: all checks passed"
exit $((failures > 0))

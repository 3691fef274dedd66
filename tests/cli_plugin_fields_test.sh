#!/usr/bin/env bash
# The plugin ABI's field round trip: every field of numguard_recipe2, numguard_recipe3 and
# numguard_kernel3 that
# tests/plugins/all_fields_plugin.c declares with a value other than its default shows in
# `numguard list --json` under the same name with that value; and the fields covered are all
# the fields of the structs in include/numguard/plugin.h (a field added there without a
# round trip here fails this test).
#   tests/cli_plugin_fields_test.sh NUMGUARD ALL_FIELDS_PLUGIN PLUGIN_H
set -u
NG=$1 LIB=$2 HEADER=$3

json=$("$NG" list --json --plugin "$LIB" --kernel '*.allfields_*')
status=$?
if [[ $status -ne 0 ]]; then
  echo "FAIL: numguard list --json --plugin $LIB: exit $status"
  exit 1
fi

python3 - "$HEADER" "$json" <<'EOF'
import json
import re
import sys

header, listing = sys.argv[1], json.loads(sys.argv[2])
failures = []

# What all_fields_plugin.c declares: kernel -> {C field: value list --json must show}. A C
# int flag shows as a JSON bool; the domain fields show under recipe.domain.
RECIPE = {
    "gemm.fp32.fp64acc.allfields_split_k": {
        "acc": "fp64", "out": "fp16", "out_rounding": "rz", "order": "split_k",
        "block": 8, "max_abs_input": 1000.0, "finite_inputs_only": True,
        "input_cast": "bf16", "input_cast_rounding": "rz", "product": "fp32",
        "acc_rounding": "ru", "splits": 4, "partial": "bf16", "frac_bits": 23,
        "operand_exponents": True, "ftz": "products,acc", "daz": True,
        "normal_inputs_only": True, "alpha_applies": "to_inputs", "alpha_beta": "arithmetic",
    },
    "softmax.fp16.fp32acc.allfields_online": {
        "in": "fp16", "method": "online", "stage": "fp16", "math_ulps": 2.5,
        "empty_rows": "zero",
    },
    "sum.fp32.fp32acc.allfields_tree": {"order": "tree", "fanin": 4},
    "sum.fp32.fp32acc.allfields_strided": {"order": "strided", "lanes": 32},
}
# ABI 3 (numguard_recipe3): block_format and scale_rule show inside recipe.block_scaling.
RECIPE3 = {
    "gemm.e4m3.fp32acc.allfields_fused": {"zero_exponent": -133, "out_frac_bits": 13},
    "nvfp4_gemm.e2m1.fp32acc.allfields_group": {"scale_group": 16},
    "mx_gemm.bf16.fp32acc.allfields_mx": {"block_format": "mxfp8_e4m3", "scale_rule": "up"},
}
IN_BLOCK_SCALING = {"block_format": "format", "scale_rule": "scale_rule"}
KERNEL = {
    "gemm.fp32.fp64acc.allfields_split_k": {"device": "cuda", "max_unsupported": 0.25},
}
DOMAIN = {"max_abs_input", "finite_inputs_only", "normal_inputs_only"}
# numguard_kernel3's fields that are the kernel itself rather than a declared property.
IDENTITY = {"name", "op", "recipe", "run", "recipe3"}


def struct_fields(text, name):
    m = re.search(r"typedef struct %s \{(.*?)\} %s;" % (name, name), text, re.S)
    if not m:
        sys.exit("FAIL: no struct %s in %s" % (name, header))
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    # Each declaration: a type, then names separated by commas, up to the semicolon.
    fields = []
    for decl in body.split(";"):
        decl = decl.strip()
        if not decl:
            continue
        names = re.match(r"(?:const\s+)?\w+\s*\**\s*(.*)$", decl, re.S).group(1)
        fields += [n.strip().lstrip("*") for n in names.split(",")]
    return fields


with open(header) as f:
    text = f.read()
recipe_fields = struct_fields(text, "numguard_recipe2")
recipe3_fields = struct_fields(text, "numguard_recipe3")
kernel_fields = struct_fields(text, "numguard_kernel3")
if len(recipe3_fields) < 5 or "block_format" not in recipe3_fields:
    failures.append("parsed too few numguard_recipe3 fields: %s" % recipe3_fields)
if len(recipe_fields) < 26 or "alpha_beta" not in recipe_fields:
    failures.append("parsed too few numguard_recipe2 fields: %s" % recipe_fields)
if "max_unsupported" not in kernel_fields:
    failures.append("parsed numguard_kernel3 fields without max_unsupported: %s" % kernel_fields)

by_name = {k["name"]: k for k in listing}
defaults = by_name.get("sum.fp32.fp32acc.allfields_defaults")
if defaults is None:
    sys.exit("FAIL: the defaults kernel is not listed: %s" % sorted(by_name))


def same(got, want):
    # A flag must show as a JSON bool, not as the C int.
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    return got == want


def shown(kernel, field):
    r = kernel["recipe"]
    if field in IN_BLOCK_SCALING:
        return (r["block_scaling"] or {}).get(IN_BLOCK_SCALING[field])
    return r["domain"][field] if field in DOMAIN else r[field]


covered, covered3 = set(), set()
for kname, fields in list(RECIPE.items()) + list(RECIPE3.items()):
    k = by_name.get(kname)
    if k is None:
        failures.append("kernel %s not listed" % kname)
        continue
    for field, want in fields.items():
        got = shown(k, field)
        if not same(got, want):
            failures.append("%s: recipe.%s is %r, declared %r" % (kname, field, got, want))
        if same(shown(defaults, field), want):
            failures.append("%s: recipe.%s = %r is the default: not a round trip" % (kname, field, want))
        (covered3 if kname in RECIPE3 else covered).add(field)
covered_kernel = set()
for kname, fields in KERNEL.items():
    k = by_name.get(kname)
    if k is None:
        failures.append("kernel %s not listed" % kname)
        continue
    for field, want in fields.items():
        if not same(k[field], want):
            failures.append("%s: %s is %r, declared %r" % (kname, field, k[field], want))
        if same(defaults[field], want):
            failures.append("%s: %s = %r is the default: not a round trip" % (kname, field, want))
        covered_kernel.add(field)

# Every field of the ABI has a round trip, and nothing here names a field the ABI lacks.
if covered != set(recipe_fields):
    failures.append("numguard_recipe2 fields without a round trip: %s; covered but not in plugin.h: %s"
                    % (sorted(set(recipe_fields) - covered), sorted(covered - set(recipe_fields))))
if covered3 != set(recipe3_fields):
    failures.append("numguard_recipe3 fields without a round trip: %s; covered but not in plugin.h: %s"
                    % (sorted(set(recipe3_fields) - covered3), sorted(covered3 - set(recipe3_fields))))
want_kernel = set(kernel_fields) - IDENTITY
if covered_kernel != want_kernel:
    failures.append("numguard_kernel3 fields without a round trip: %s; covered but not in plugin.h: %s"
                    % (sorted(want_kernel - covered_kernel), sorted(covered_kernel - want_kernel)))

for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
print("cli_plugin_fields: %d recipe fields, %d ABI 3 recipe fields and %d kernel fields "
      "round-trip: all passed" % (len(covered), len(covered3), len(covered_kernel)))
EOF

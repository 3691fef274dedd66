#!/usr/bin/env bash
# ABI 1 plugins (tests/plugins/v1_plugin.c: abi_version 1 and the ABI 1 types of numguard/plugin.h) still
# load: their kernels are listed with the recipes they declare and pass check; a split_k kernel,
# which ABI 1 cannot parameterize (it has no splits field), is refused naming splits.
#   tests/cli_plugin_v1_test.sh NUMGUARD V1_PLUGIN V1_SPLIT_K_PLUGIN
set -u
NG=$1 V1=$2 V1_SPLIT_K=$3
source "$(dirname "$0")/cli_lib.sh"

json=$("$NG" list --json --plugin "$V1" --kernel 'sum.fp32.fp32acc.v1_*')
status=$?
[[ $status -eq 0 ]] || fail "list --json --plugin (ABI 1): exit $status"
python3 - "$json" <<'PY' || fail "list --json of the ABI 1 kernels"
import json, sys
by_name = {k["name"]: k for k in json.loads(sys.argv[1])}
want = {
    "sum.fp32.fp32acc.v1_sequential": {"order": "sequential", "lanes": 0},
    "sum.fp32.fp32acc.v1_strided4": {"order": "strided", "lanes": 4},
}
bad = []
if sorted(by_name) != sorted(want):
    bad.append("kernels listed: %s, want %s" % (sorted(by_name), sorted(want)))
for name, fields in want.items():
    k = by_name.get(name)
    if k is None:
        continue
    r = k["recipe"]
    fields = dict(fields, **{"in": "fp32", "acc": "fp32", "out": "fp32", "out_rounding": "rne",
                             "splits": 0, "fanin": 0, "input_cast": None, "product": None})
    for f, v in fields.items():
        if r[f] != v:
            bad.append("%s: recipe.%s is %r, want %r" % (name, f, r[f], v))
    if k["op"] != "sum" or k["device"] != "cpu":
        bad.append("%s: op %s, device %s" % (name, k["op"], k["device"]))
    # ABI 1 has no max_unsupported: the default.
    if k["max_unsupported"] != 0.5:
        bad.append("%s: max_unsupported %r, want the default 0.5" % (name, k["max_unsupported"]))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

for kernel in sum.fp32.fp32acc.v1_sequential sum.fp32.fp32acc.v1_strided4; do
  out=$("$NG" check --plugin "$V1" --kernel "$kernel" --cases 20 2>&1)
  status=$?
  [[ $status -eq 0 ]] || fail "check $kernel (ABI 1): exit $status, want 0: $out"
  grep -q "$kernel .* pass" <<<"$out" || fail "check $kernel (ABI 1): no pass row: $out"
done

# split_k without splits: refused on load, one line naming the kernel and the field.
expect_usage list --plugin "$V1_SPLIT_K"
err=$("$NG" list --plugin "$V1_SPLIT_K" 2>&1 >/dev/null)
for want in "plugin $V1_SPLIT_K" "kernel sum.fp32.fp32acc.v1_split_k: " "recipe.splits = 0: " "allowed: "; do
  grep -qF -- "$want" <<<"$err" || fail "ABI 1 split_k: message lacks \"$want\": $err"
done

[[ $failures -eq 0 ]] && echo "cli_plugin_v1: all passed"
exit $((failures > 0))

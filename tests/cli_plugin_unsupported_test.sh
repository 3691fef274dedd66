#!/usr/bin/env bash
# NUMGUARD_UNSUPPORTED (tests/plugins/unsupported_plugin.c): a kernel that refuses K = 0 and is
# otherwise correct passes, its refusals counted in the JSON summary; a kernel that refuses
# every case fails, saying the cases were unsupported.
#   tests/cli_plugin_unsupported_test.sh NUMGUARD UNSUPPORTED_PLUGIN
set -u
NG=$1 LIB=$2
source "$(dirname "$0")/cli_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --generator tile_edges includes K = 0; the other generators make sure the kernel is judged.
out=$("$NG" check --plugin "$LIB" --kernel sum.fp32.fp32acc.unsupported_k0 --cases 20 \
  --json "$tmp/k0.json" 2>&1)
status=$?
[[ $status -eq 0 ]] || fail "check of the kernel refusing K = 0: exit $status, want 0: $out"

out_all=$("$NG" check --plugin "$LIB" --kernel sum.fp32.fp32acc.unsupported_all --cases 20 \
  --json "$tmp/all.json" 2>&1)
status=$?
[[ $status -eq 1 ]] || fail "check of the kernel refusing everything: exit $status, want 1: $out_all"
grep -qi unsupported <<<"$out_all" || fail "check of the kernel refusing everything: no 'unsupported': $out_all"

python3 - "$tmp/k0.json" "$tmp/all.json" <<'PY' || fail "check --json: unsupported counts"
import json, sys
bad = []
def kernel(path):
    with open(path) as f:
        j = json.load(f)
    assert len(j["kernels"]) == 1, j["kernels"]
    return j["kernels"][0]
k0, every = kernel(sys.argv[1]), kernel(sys.argv[2])
for k in (k0, every):
    if "unsupported" not in k:
        sys.exit("FAIL: no 'unsupported' in the check JSON of %s" % k["name"])
u = k0["unsupported"]
if k0["verdict"] != "pass":
    bad.append("K = 0 refuser: verdict %s, want pass" % k0["verdict"])
if not (0 < u["cases"] < k0["cases"]):
    bad.append("K = 0 refuser: %s unsupported of %s cases, want some but not all" % (u["cases"], k0["cases"]))
if u["too_many"] is not False or u["max_fraction"] != 0.5:
    bad.append("K = 0 refuser: unsupported %s" % u)
if not u["shapes"] or not all("k=0" in s.replace(" ", "") or "k = 0" in s for s in u["shapes"]):
    bad.append("K = 0 refuser: unsupported shapes %s, want only K = 0 ones" % u["shapes"])
if k0["failures"] != 0:
    bad.append("K = 0 refuser: %s failures" % k0["failures"])
v = every["unsupported"]
if every["verdict"] != "fail":
    bad.append("refuses everything: verdict %s, want fail" % every["verdict"])
if v["cases"] != every["cases"] or v["cases"] == 0 or v["too_many"] is not True:
    bad.append("refuses everything: unsupported %s of %s cases" % (v, every["cases"]))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

[[ $failures -eq 0 ]] && echo "cli_plugin_unsupported: all passed"
exit $((failures > 0))

#!/usr/bin/env bash
# ABI 3 (tests/plugins/abi3_plugin.c): a kernel whose fused blocks keep 13 fraction bits passes
# when it declares recipe3.out_frac_bits = 13 and fails (exit 1) when it does not; the declared
# field shows in `numguard list --json`.
#   tests/cli_plugin_abi3_test.sh NUMGUARD ABI3_PLUGIN
set -u
NG=$1 LIB=$2
source "$(dirname "$0")/cli_lib.sh"

out=$("$NG" check --plugin "$LIB" --kernel dot.fp32.fp32acc.abi3_out13 --seed 1 2>&1)
[[ $? -eq 0 ]] || fail "the kernel declaring out_frac_bits = 13 passes: $out"
out=$("$NG" check --plugin "$LIB" --kernel dot.fp32.fp32acc.abi3_undeclared --seed 1 2>&1)
[[ $? -eq 1 ]] || fail "the same kernel without out_frac_bits fails: $out"
"$NG" list --json --plugin "$LIB" --kernel 'dot.fp32.fp32acc.abi3_*' | python3 -c '
import json, sys
k = {x["name"]: x["recipe"]["out_frac_bits"] for x in json.load(sys.stdin)}
assert k == {"dot.fp32.fp32acc.abi3_out13": 13, "dot.fp32.fp32acc.abi3_undeclared": 0}, k
' || fail "list --json shows out_frac_bits as declared"

[[ $failures -eq 0 ]] && echo "cli_plugin_abi3: all passed"
exit $((failures > 0))

#!/usr/bin/env bash
# The plugin ABI from the command line: plugin kernels appear beside the built-in ones, get the
# same check, and a plugin that cannot be used is one clear line and exit 2.
#   tests/cli_plugin_test.sh NUMGUARD GOOD WRONG_ABI UNKNOWN_OP CRASHES (plugin libraries)
set -u
NG=$1 GOOD=$2 WRONG_ABI=$3 UNKNOWN_OP=$4 CRASHES=$5
source "$(dirname "$0")/cli_lib.sh"

# Listed beside the built-in kernels, with the declared recipe.
out=$("$NG" list --plugin "$GOOD" --kernel 'sum.fp32.*plugin*')
grep -q 'sum.fp32.fp32acc.plugin_sequential' <<<"$out" || fail "list: plugin kernel missing: $out"
grep -q 'in=fp32 prod=exact acc=fp32 sequential out=fp32/rne' <<<"$out" || fail "list: recipe: $out"
[[ $("$NG" list --kernel 'sum.fp32.*' | grep -c plugin) -eq 0 ]] || fail "list without --plugin shows plugin kernels"

# The correct kernel passes its derived bound; the one that drops the k % 4 tail fails.
"$NG" check --plugin "$GOOD" --kernel sum.fp32.fp32acc.plugin_sequential --cases 50 >/dev/null ||
  fail "check: the correct plugin kernel failed"
out=$("$NG" check --plugin "$GOOD" --kernel sum.fp32.fp32acc.plugin_dropped_tail --cases 50)
[[ $? -eq 1 ]] || fail "check: the dropped-tail plugin kernel was not caught (want exit 1)"
# Its repro line names the plugin, and re-fails when run.
line=$(grep -o 'numguard check --kernel sum.fp32.fp32acc.plugin_dropped_tail .*' <<<"$out" | head -1)
grep -q -- "--plugin $GOOD" <<<"$line" || fail "repro line without --plugin: $line"
"$NG" ${line#numguard } >/dev/null
[[ $? -eq 1 ]] || fail "repro line does not re-fail: $line"

# A kernel declared for a GPU is listed as such and, without a CUDA device, skipped.
"$NG" list --plugin "$GOOD" --kernel sum.fp32.fp32acc.plugin_on_gpu | grep -q ' cuda ' ||
  fail "list: the plugin's GPU kernel is not listed with device cuda"
if [[ $("$NG" list --json | grep -c '"device": "cuda"') -eq 0 ]]; then
  err=$("$NG" check --plugin "$GOOD" --kernel sum.fp32.fp32acc.plugin_on_gpu 2>&1 >/dev/null)
  [[ $? -eq 2 && $err == *"can run here"* ]] || fail "check of a GPU plugin kernel without CUDA: $err"
fi

# report: a plugin kernel that segfaults is left out after a trial in a child; the report of
# the others is written.
rep=$(mktemp -d)
err=$("$NG" report --plugin "$CRASHES" --kernel 'sum.fp32.fp32acc.plugin_s*' --quick \
  --sections accumulation --out "$rep/r" 2>&1 >/dev/null)
[[ $? -eq 0 ]] || fail "report with a crashing plugin kernel: $err"
[[ $err == *"plugin_segfault left out"*"signal 11"* ]] || fail "report: no left-out line: $err"
grep -q plugin_sequential "$rep/r/report.json" && ! grep -q plugin_segfault "$rep/r/report.json" ||
  fail "report.json: want plugin_sequential and not plugin_segfault"
rm -rf "$rep"

# Plugins that cannot be used: one line, exit 2, for every verb that takes --plugin.
expect_usage check --plugin /nonexistent/plugin.so
expect_usage list --plugin /nonexistent/plugin.so
expect_usage check --plugin "$WRONG_ABI"
expect_usage check --plugin "$UNKNOWN_OP"
expect_usage check --plugin "$GOOD" --plugin "$GOOD"  # the same names twice
err=$("$NG" check --plugin "$WRONG_ABI" 2>&1 >/dev/null)
grep -q 'ABI 999' <<<"$err" || fail "wrong ABI: message does not name the version: $err"
err=$("$NG" check --plugin "$UNKNOWN_OP" 2>&1 >/dev/null)
grep -q "op = 'frobnicate': allowed: an op" <<<"$err" || fail "unknown op: message: $err"

# A kernel that segfaults is reported as crashed; the other kernels' results still print.
out=$("$NG" check --plugin "$CRASHES" --kernel 'sum.fp32.fp32acc.plugin_*' --cases 20 \
  --kernel-timeout 2 2>&1)
status=$?
[[ $status -eq 1 ]] || fail "check with a crashing kernel: exit $status, want 1"
grep -q 'sum.fp32.fp32acc.plugin_segfault .*CRASH' <<<"$out" || fail "crash not in the table: $out"
grep -q 'CRASH sum.fp32.fp32acc.plugin_segfault: died on [0-9]* cases' <<<"$out" || fail "crash summary: $out"
grep -q "^  case [0-9]* (generator [a-z_]*, m=[0-9]* n=[0-9]* k=[0-9]*): killed by signal 11 (Segmentation fault) in the kernel's run function" <<<"$out" || fail "crash reason: $out"
# After kernel_worker::kMaxCrashes crashes numguard stops calling it, and says how many it skipped.
grep -q 'numguard gave up on it: [0-9]* cases not run: it crashed 8 times' <<<"$out" || fail "give-up line: $out"
grep -q 'sum.fp32.fp32acc.plugin_sequential .* pass' <<<"$out" || fail "the correct kernel's row is missing: $out"
# A kernel that hangs is killed at --kernel-timeout (per call), counted as a crash of that case,
# and not called again.
grep -q "^  case [0-9]* (generator [a-z_]*, m=[0-9]* n=[0-9]* k=[0-9]*): timed out after 2 s (--kernel-timeout) in the kernel's run function" <<<"$out" || fail "hang not reported: $out"
grep -q 'numguard gave up on it: [0-9]* cases not run: it hung' <<<"$out" || fail "hang give-up line: $out"
grep -q 'FAIL sum.fp32.fp32acc.plugin_dropped_tail' <<<"$out" || fail "the buggy kernel's failure is missing: $out"
out=$("$NG" check --plugin "$CRASHES" --kernel sum.fp32.fp32acc.plugin_segfault --case 3 2>&1)
[[ $? -eq 1 ]] && grep -q 'CRASH' <<<"$out" || fail "--case on the crashing kernel: $out"

[[ $failures -eq 0 ]] && echo "cli_plugin: all passed"
exit $((failures > 0))

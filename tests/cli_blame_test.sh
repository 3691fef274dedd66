#!/usr/bin/env bash
# Blame where it belongs: numguard's own failure on a case is its internal error (exit 3, the
# kernel, case, generator and shape named), never the kernel's CRASH; a kernel that crashes is
# CRASH with its case, generator, shape and repro line.
#   tests/cli_blame_test.sh NUMGUARD GOOD_PLUGIN CRASHING_PLUGIN EXITING_PLUGIN
set -u
NG=$1 GOOD=$2 CRASHES=$3 EXITS=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# numguard's code dies of SIGFPE on case 7 of a correct plugin kernel (fault injected).
NUMGUARD_INJECT_INTERNAL_FAULT=signal:7 "$NG" check --plugin "$GOOD" \
  --kernel sum.fp32.fp32acc.plugin_sequential --cases 3 >"$T/sig.out" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "internal signal: exit $rc, want 3: $(cat "$T/sig.out")"
grep -q 'CRASH' "$T/sig.out" && fail "internal signal blamed on the kernel: $(grep CRASH "$T/sig.out")"
grep -q "numguard internal error checking sum.fp32.fp32acc.plugin_sequential: case 7 (generator [a-z_]*, m=[0-9]* n=[0-9]* k=[0-9]*): killed by signal 8 (Floating point exception) in numguard's own code" "$T/sig.out" \
  || fail "internal signal: message: $(cat "$T/sig.out")"
grep -q -- '--case 7$' "$T/sig.out" || fail "internal signal: no repro line"

# numguard's code throws on case 5 of a built-in kernel: the case is numguard's, the rest judged.
NUMGUARD_INJECT_INTERNAL_FAULT=throw:5 "$NG" check --kernel sum.fp32.fp32acc.kahan --cases 3 \
  --json "$T/throw.json" >"$T/throw.out" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "internal exception: exit $rc, want 3"
grep -q 'numguard internal error checking sum.fp32.fp32acc.kahan (1 case): case 5 (generator' "$T/throw.out" \
  || fail "internal exception: message: $(cat "$T/throw.out")"
python3 - "$T/throw.json" <<'PY' || fail "internal exception: JSON"
import json, sys
k = json.load(open(sys.argv[1]))["kernels"][0]
assert k["verdict"] == "internal_error", k["verdict"]
assert k["internal_error"]["case"] == 5 and k["verdicts"]["internal_error"] == 1, k["internal_error"]
assert k["verdicts"]["kernel_error"] == 0 and k["failures"] == 0, k["verdicts"]
PY

# A kernel that segfaults: CRASH, with the case it died on and a repro line for that case.
"$NG" check --plugin "$CRASHES" --kernel sum.fp32.fp32acc.plugin_segfault --cases 3 >"$T/crash.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "kernel crash: exit $rc, want 1"
grep -q "^  case [0-9]* (generator [a-z_]*, m=[0-9]* n=[0-9]* k=[0-9]*): killed by signal 11 (Segmentation fault) in the kernel's run function" "$T/crash.out" \
  || fail "kernel crash: message: $(cat "$T/crash.out")"
grep -q -- '^  numguard check --kernel sum.fp32.fp32acc.plugin_segfault .* --case [0-9]*$' "$T/crash.out" \
  || fail "kernel crash: no repro line"
grep -q 'internal error' "$T/crash.out" && fail "kernel crash blamed on numguard"
# A kernel that dies only on k = 0 (a vendor GEMM's habit): those cases are CRASH, each with its
# repro line, and every other case is still checked.
# (Not api_corners: half of its sum cases have k = 0, enough crashes for numguard to give up.)
"$NG" check --plugin "$CRASHES" --kernel sum.fp32.fp32acc.plugin_dies_on_empty --cases 20 \
  --generator uniform,normal,positive,log_uniform,near_overflow,subnormal_heavy,small_integers,ill_conditioned,special,tile_edges \
  --json "$T/some.json" >"$T/some.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "crash on some cases: exit $rc, want 1"
grep -q 'CRASH sum.fp32.fp32acc.plugin_dies_on_empty: died on [0-9]* cases\? (.*the other [0-9]* cases were checked here, all passing)' "$T/some.out" \
  || fail "crash on some cases: message: $(cat "$T/some.out")"
python3 - "$T/some.json" <<'PY' || fail "crash on some cases: JSON"
import json, sys
j = json.load(open(sys.argv[1]))
k = j["kernels"][0]
crashes = k["case_crashes"]
assert k["verdict"] == "crash" and crashes, k["verdict"]
assert all("k=0)" in c["what"] and "signal 8" in c["what"] for c in crashes), crashes
assert all(c["repro"].endswith("--case %d" % c["case"]) for c in crashes), crashes
assert k["cases"] + len(crashes) == 20 * len(j["generators"]) and k["failures"] == 0, (k["cases"], len(crashes))
PY
# A kernel that calls exit(0) ends its worker process mid-case: that case is the kernel's CRASH
# (numguard never runs a plugin kernel in its own process, which exit() would end).
"$NG" check --plugin "$EXITS" --kernel sum.fp32.fp32acc.plugin_exits --cases 5 --json "$T/exit.json" \
  >"$T/exit.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "kernel calling exit(0): exit $rc, want 1: $(cat "$T/exit.out")"
grep -q "^  case [0-9]* (generator [a-z_]*, m=[0-9]* n=[0-9]* k=[0-9]*): exited with status 0 (exit() or _exit()) in the kernel's run function" "$T/exit.out" \
  || fail "kernel calling exit(0): message: $(cat "$T/exit.out")"
[ -s "$T/exit.json" ] || fail "kernel calling exit(0): no --json written"
echo "PASS"

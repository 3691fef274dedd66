#!/usr/bin/env bash
# Plugin kernels run in worker processes (harness/engine/kernel_worker.h): whatever a kernel
# does to its process (segfault, hang, exit(), exhaust memory, print to stdout) is that case's
# CRASH, in check, --case, report and repro, and numguard itself finishes and cleans up.
#   tests/cli_plugin_isolation_test.sh NUMGUARD ISOLATION_PLUGIN EXITING_PLUGIN asan|plain
set -u
NG=$1 ISO=$2 EXITS=$3 MODE=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1
REF=sum.fp32.fp32acc.sequential

# report: a kernel that passes the 20-case trial and segfaults on the long rows of the sweep
# costs those points, not the report: written, the crash in its findings, exit 1.
"$NG" report --quick --threads 2 --sections accumulation --plugin "$ISO" \
  --kernel "sum.fp32.fp32acc.dies_on_long,$REF" --out crash >crash.txt 2>&1
rc=$?
[ $rc -eq 1 ] || fail "report, crash on long rows: exit $rc, want 1: $(tail -3 crash.txt)"
[ -s crash/report.json ] || fail "report, crash on long rows: no report.json"
grep -q 'CRASH sum.fp32.fp32acc.dies_on_long: its worker process died or hung [0-9]* times' crash/report.md \
  || fail "report, crash on long rows: not in the findings"
# ... and one that hangs there is stopped at --kernel-timeout, once, then not called again.
start=$SECONDS
"$NG" report --quick --threads 2 --sections accumulation --plugin "$ISO" --kernel-timeout 1 \
  --kernel "sum.fp32.fp32acc.hangs_on_long,$REF" --out hang >hang.txt 2>&1
rc=$?
[ $rc -eq 1 ] && [ -s hang/report.json ] || fail "report, hang on long rows: exit $rc: $(tail -3 hang.txt)"
grep -q 'numguard stopped calling it (it hung (timed out after 1 s' hang.txt || fail "report, hang: $(tail -3 hang.txt)"
[ $((SECONDS - start)) -lt 60 ] || fail "report, hang: took $((SECONDS - start)) s"

# The memory limit: a kernel that needs 256 MiB of scratch crashes under --kernel-memory 128 and
# passes without it. (AddressSanitizer builds cannot limit the address space.)
if [ "$MODE" = plain ]; then
  "$NG" check --plugin "$ISO" --kernel sum.fp32.fp32acc.greedy --cases 1 --threads 1 \
    --kernel-memory 128 >greedy.txt 2>&1
  rc=$?
  [ $rc -eq 1 ] && grep -q 'killed by signal 6 (Aborted)' greedy.txt || fail "--kernel-memory 128: exit $rc: $(cat greedy.txt)"
fi
"$NG" check --plugin "$ISO" --kernel sum.fp32.fp32acc.greedy --cases 1 --threads 1 >greedy.txt 2>&1 \
  || fail "greedy kernel under the default limit: $(cat greedy.txt)"

# A kernel's printf goes to stderr, never into numguard's stdout.
"$NG" check --plugin "$ISO" --kernel sum.fp32.fp32acc.chatty --cases 1 --threads 1 --seed 424242 \
  >chatty.out 2>chatty.err || fail "chatty kernel: $(cat chatty.out)"
grep -q FORGED chatty.out && fail "a kernel's printf reached numguard's stdout"
grep -q FORGED chatty.err || fail "the kernel's own output was lost (want it on stderr)"

# exit() mid-case, in --case and in repro: CRASH, exit 1.
"$NG" check --plugin "$EXITS" --kernel sum.fp32.fp32acc.plugin_exits --case 7 >case.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'CRASH' case.txt && grep -q 'exited with status 0' case.txt \
  || fail "--case on a kernel calling exit(0): exit $rc: $(cat case.txt)"
{
  printf 'numguard-reproducer 1\nkernel sum.fp32.fp32acc.plugin_exits\nop sum\nshape 1 1 10\n'
  printf 'alpha 1\nbeta 0\ntensor a fp32 1 10\n'
  printf '3f800000 %.0s' 1 2 3 4 5 6 7 8 9 10
  printf '\nend\n'
} >exits.repro
"$NG" repro exits.repro --plugin "$EXITS" >repro.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^FAIL  exits.repro' repro.txt && grep -q 'exited with status 0' repro.txt \
  || fail "repro of a kernel calling exit(0): exit $rc: $(cat repro.txt)"

# No worker or server process outlives numguard.
sleep 1
left=$(ps -eo args | grep -c -- "--seed 424242" | tr -d ' ')
[ "$left" -le 1 ] || fail "$((left - 1)) numguard processes left behind: $(ps -eo pid,args | grep -- '--seed 424242')"
echo "cli_plugin_isolation: all passed"

#!/usr/bin/env bash
# ctest "cli_check": `numguard list` and `numguard check` — list --json content, a passing
# check over the dot kernels, a mutant that fails and whose printed reproducer re-fails,
# --case details, and exit status 2 with a one-line message for every usage error.
# Usage: tests/cli_check_test.sh path/to/numguard   (about 10-30 s on 2 cores)
set -uo pipefail
NG=$(realpath "${1:?usage: cli_check_test.sh path/to/numguard}")
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1  # --case may write numguard-case-*.txt into the current directory

# list --json: every kernel with its recipe; the three reduction ops; at least six mutants.
"$NG" list --json --include-mutants >list.json || fail "list --json --include-mutants"
python3 - list.json <<'PY' || fail "list --json content"
import json, sys
d = json.load(open(sys.argv[1]))
recipe_keys = {"in", "product", "acc", "acc_rounding", "order", "block", "fanin", "splits",
               "partial", "frac_bits", "out", "out_rounding", "ftz", "daz", "domain", "summary"}
for k in d:
    assert {"name", "op", "device", "mutant", "recipe"} <= set(k), k
    assert recipe_keys <= set(k["recipe"]), (k["name"], recipe_keys - set(k["recipe"]))
    assert {"max_abs_input", "finite_inputs_only"} <= set(k["recipe"]["domain"]), k["name"]
    assert k["recipe"]["summary"].startswith("in="), k["name"]
    if k["mutant"]:
        assert k["name"].startswith("mutant.") and k["imitates"] and k["bug"], k
assert {"dot", "sum", "gemm"} <= {k["op"] for k in d}
assert sum(1 for k in d if k["mutant"]) >= 6
assert [k["name"] for k in d] == sorted(k["name"] for k in d)
PY
python3 -c 'import json,sys; assert not any(k["mutant"] for k in json.load(sys.stdin))' \
  < <("$NG" list --json) || fail "list without --include-mutants lists no mutant"
# (Output captured first: with pipefail, grep -q closing the pipe early would fail the list.)
out=$("$NG" list --include-mutants) || fail "list --include-mutants"
grep -q "mutant of " <<<"$out" || fail "list shows what a mutant imitates"

# A correct family passes: exit 0, a table, the totals line, a JSON summary with no repro.
"$NG" check --kernel 'dot.*' --cases 20 --json dot.json >dot.txt 2>dot.err
status=$?
[[ $status -eq 0 ]] || fail "check --kernel 'dot.*' --cases 20: exit $status: $(tail -5 dot.txt)"
grep -Eq '^[0-9]+ kernels: [0-9]+ passed, 0 failed' dot.txt || fail "totals line: $(tail -1 dot.txt)"
[[ ! -e dot.json.tmp ]] || fail "--json leaves its .tmp file behind"
python3 - dot.json <<'PY' || fail "check --json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["seed"] == 1 and d["cases_per_generator"] == 20 and d["kernels"]
for k in d["kernels"]:
    assert k["op"] == "dot" and k["verdict"] == "pass" and k["repro"] is None, k
    assert k["cases"] == 20 * len(d["generators"]) and k["failures"] == 0, k
    for key in ("domain_limits", "max_ulp", "max_bound_ratio", "max_prob_ratio", "verdicts",
                "generators", "domain"):
        assert key in k, key
    assert {"max_sum_abs_inside", "min_sum_abs_outside"} <= set(k["domain"])
    assert sum(k["verdicts"].values()) == k["cases"]
PY

# Same seed, same results (threads only change the schedule).
"$NG" check --kernel 'dot.*' --cases 20 --threads 1 --json dot1.json >/dev/null 2>&1
python3 - dot.json dot1.json <<'PY' || fail "a run does not depend on --threads"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b): d.pop("seconds")
assert a == b
PY

# Every mutant is caught at 20 cases per generator; the first one's reproducer re-fails.
mutants=$(python3 -c 'import json; print(" ".join(k["name"] for k in json.load(open("list.json")) if k["mutant"]))')
first=
for m in $mutants; do
  "$NG" check --include-mutants --kernel "$m" --cases 20 --json m.json >m.txt 2>&1
  status=$?
  [[ $status -eq 1 ]] || { fail "mutant $m: exit $status, want 1"; continue; }
  repro=$(python3 -c 'import json; print(json.load(open("m.json"))["kernels"][0]["repro"])')
  [[ "$repro" =~ ^numguard\ check\ --kernel\ [^\ ]+\ --seed\ 1\ --case\ [0-9]+$ ]] ||
    fail "mutant $m: repro line '$repro'"
  grep -qxF "$repro" m.txt || fail "mutant $m: the table does not print '$repro'"
  [[ -n "$first" ]] && continue
  first=$m
  eval "set -- $repro"
  shift
  "$NG" "$@" >case.txt 2>&1
  status=$?
  [[ $status -eq 1 ]] || fail "repro of $m ('$repro') exits $status, want 1"
  for word in generator shape worst inputs reference output error bound verdict domain; do
    grep -qw "$word" case.txt || fail "--case output lacks '$word': $(cat case.txt)"
  done
done
[[ -n "$first" ]] || fail "no mutant was caught"

# --case on a correct kernel: details, exit 0; long inputs go to a file named in the output.
k=$(python3 -c 'import json; print([k["name"] for k in json.load(open("list.json")) if k["op"] == "sum" and not k["mutant"]][0])')
"$NG" check --kernel "$k" --seed 3 --case 0 >case0.txt 2>&1 || fail "--case 0 of $k: $(cat case0.txt)"
grep -q '^verdict    within_bound' case0.txt || fail "--case 0 of $k: verdict: $(cat case0.txt)"
if grep -q 'written to' case0.txt; then
  f=$(sed -n 's/.*written to //p' case0.txt)
  [[ -s "$f" ]] || fail "--case wrote no file $f"
fi

# Usage errors.
expect_usage check --cases 0
expect_usage check --cases abc
expect_usage check --bogus
expect_usage check --kernel 'no.such.kernel*'
expect_usage check --kernel 'mutant.*'
expect_usage check --case 3
expect_usage check --kernel 'dot.*' --case 3
expect_usage check --kernel "$k" --case -1
expect_usage check --kernel "$k" --case 3 --generator uniform
expect_usage check --generator nosuch
expect_usage check --kernel 'dot.*' --json "$T/no/such/dir/x.json"
expect_usage check --threads 100000
expect_usage check --seed -1
expect_usage check --json ''
expect_usage check --kernel ''
expect_usage check --device gpu
expect_usage list --kernel 'no.such.kernel*'
expect_usage list --bogus

# Every failing case is listed by verdict and generator (the first 20 of each in text, all of
# them in JSON), and --case marks the special values among inputs and output.
out=$("$NG" check --kernel mutant.sum.fp32.pairwise_wrong_index --cases 30 --json "$T/failing.json")
grep -q '^  bound_violation in normal: [0-9]* cases: 13, 49, 61, ' <<<"$out" || fail "failing cases not listed: $out"
python3 - "$T/failing.json" <<'PY' || fail "failing_cases in JSON"
import json, sys
k = json.load(open(sys.argv[1]))["kernels"][0]
listed = sum(len(v) for by_gen in k["failing_cases"].values() for v in by_gen.values())
assert listed == k["failures"] > 20, (listed, k["failures"])
assert all(i % 12 == 1 for i in k["failing_cases"]["bound_violation"]["normal"])  # 12 generators
PY
(cd "$T" && "$NG" check --kernel mutant.sum.fp32.pairwise_wrong_index --case 5) >"$T/case5.txt"
grep -q '^specials   a: 75 subnormal \[0, 1, 2, 4, 5, 6, 10, 11, ...\]$' "$T/case5.txt" ||
  fail "--case does not mark subnormal inputs: $(grep -v '^ ' "$T/case5.txt")"
(cd "$T" && "$NG" check --kernel sum.fp32.fp32acc.sequential --case 0) >"$T/case0.txt"
grep -q '^specials' "$T/case0.txt" && fail "--case marks specials in a case without any"

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "cli_check: all checks passed"

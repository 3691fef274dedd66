#!/usr/bin/env bash
# Numeric options go through one check (harness/cli/numeric_option.h): NaN, inf, negative,
# wrapping, overflowing, fractional-where-whole and empty values are usage errors (exit 2, one
# line on stderr, of at most 160 characters), before any work starts; so is any option value
# with a control character in it (escaped in the message).
#   tests/cli_numeric_options_test.sh NUMGUARD
set -u
NG=$1
K=sum.fp32.fp32acc.sequential
failures=0
refused=(
  "check --kernel $K --kernel-timeout nan"
  "check --kernel $K --kernel-timeout -1"
  "check --kernel $K --case ''"
  "check --kernel $K --case 9223372036854775808"
  "check --kernel $K --case 1.5"
  "check --kernel $K --cases 0"
  "check --kernel $K --threads -1"
  "fuzz --kernel $K --time nan"
  "fuzz --kernel $K --time 0.4"
  "fuzz --kernel $K --time inf"
  "fuzz --kernel $K --input-timeout 0"
  "fuzz --kernel $K --seed 4294967296"
  "repro --timeout nan x"
  "report --threads 1e3"
  "convert --to e4m3 --mode sr --seed -1 1.5"
  "convert --to e4m3 --mode sr --seed 18446744073709551616 1.5"
  "probe --seed -1"
)
[[ ${#refused[@]} -gt 0 ]] || { echo "FAIL: no cases"; exit 1; }
for args in "${refused[@]}"; do
  eval timeout 30 "\"$NG\"" "$args" >/dev/null 2>"${TMPDIR:-/tmp}/numeric_err.$$"
  rc=$?
  lines=$(wc -l <"${TMPDIR:-/tmp}/numeric_err.$$")
  chars=$(wc -c <"${TMPDIR:-/tmp}/numeric_err.$$")
  if [[ $rc -ne 2 || $lines -ne 1 ]]; then
    echo "FAIL: numguard $args: exit $rc, $lines stderr lines (want 2 and one line)"
    failures=$((failures + 1))
  elif [[ $chars -gt 160 ]]; then  # a range says its ends plainly
    echo "FAIL: numguard $args: a $chars-character message: $(cat "${TMPDIR:-/tmp}/numeric_err.$$")"
    failures=$((failures + 1))
  fi
done
# User text with a newline or another control character in it is echoed escaped (\x0a): every
# usage error stays exactly one line on stderr.
one_line() {
  "$NG" "$@" >/dev/null 2>"${TMPDIR:-/tmp}/numeric_err.$$"
  local rc=$? lines
  lines=$(wc -l <"${TMPDIR:-/tmp}/numeric_err.$$")
  if [[ $rc -ne 2 || $lines -ne 1 ]] || ! grep -q 'x0a\|x1b' "${TMPDIR:-/tmp}/numeric_err.$$"; then
    echo "FAIL: numguard $(printf '%q ' "$@"): exit $rc, $lines stderr lines (want 2, one escaped line)"
    failures=$((failures + 1))
  fi
}
one_line check --kernel $'a\nb'
one_line convert --to $'e4\nm3' 1
one_line convert --to fp16 $'1\n2'
one_line convert --to fp16 --mode $'rz\n' 1
one_line report --out x --sections $'a\nb'
one_line $'ch\neck'
one_line repro $'no\nsuch.repro'
one_line check --kernel $'\e[31mred'

rm -f "${TMPDIR:-/tmp}/numeric_err.$$"
# The accepted edges still run.
timeout 60 "$NG" check --kernel $K --cases 1 --threads 1 --kernel-timeout 0.5 >/dev/null \
  || { echo "FAIL: valid numeric options refused"; failures=$((failures + 1)); }
[[ $failures -eq 0 ]] && echo "cli_numeric_options: all passed"
exit $((failures > 0))

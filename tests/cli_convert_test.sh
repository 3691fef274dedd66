#!/usr/bin/env bash
# ctest "cli_convert": the acceptance cases of `numguard convert` and `numguard formats`,
# exit statuses, and a 10,000-line batch checked value by value (no timing assertions).
# Usage: tests/cli_convert_test.sh path/to/numguard
set -uo pipefail
NG=${1:?usage: cli_convert_test.sh path/to/numguard}
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Last JSON line's field, e.g. field bits --to bf16 0.26914
field() {
  local key=$1; shift
  "$NG" convert "$@" --json | python3 -c \
    'import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])[sys.argv[1]])' "$key"
}
expect_bits() {
  local want=$1; shift
  local got; got=$(field bits "$@")
  [[ "$got" == "$want" ]] || fail "convert $*: bits $got, want $want"
}
expect_status() {
  local want=$1; shift
  "$NG" "$@" >/dev/null 2>&1
  local got=$?
  [[ $got -eq $want ]] || fail "numguard $*: exit $got, want $want"
}

# Acceptance cases.
expect_bits 0x3e8a --to bf16 0.26914
expect_bits 0x3e89 --to bf16 --mode rz 0.26914
expect_bits 0x7c00 --to fp16 65520
expect_bits 0x7bff --to fp16 65519.99
expect_bits 0x0001 --to fp16 3e-8
expect_bits 0x0000 --to fp16 --ftz 3e-8
expect_bits 0x3f800000 --from fp16 --to fp32 0x3c00
[[ $(field value --to fp16 3e-8) == 6e-08 ]] || fail "fp16 3e-8 should print as 6e-08"
[[ $(field value --to fp16 65520) == inf ]] || fail "fp16 65520 should print as inf"
[[ $(field ulp_error --to fp16 65520) == inf ]] || fail "overflow error should be \"inf\""
[[ $(field value --to bf16 0.26914) == 0.27 ]] || fail "shortest bf16 decimal of 0x3e8a is 0.27"
[[ $(field hex --to bf16 0.26914) == 0x1.14p-2 ]] || fail "hex float of bf16 0x3e8a"
"$NG" convert --to bf16 0.26914 | grep -q '0x1.14p-2' || fail "plain output shows the hex float"

# More of the format table and the other modes.
expect_bits 0x7e --to e4m3 448
expect_bits 0x7f --to e4m3 1000
expect_bits 0x7e --to e4m3 --saturate 1000
expect_bits 0x7bff --to fp16 --saturate 1e9
expect_bits 0x7bff --to fp16 --mode rz 1e9
expect_bits 0xfc00 --to fp16 -inf
expect_bits 0x8000 --to fp16 -0
expect_bits 0x3f802000 --to tf32 --mode rna 0x1.003p0
expect_bits 0x3f800000 --to tf32 --mode rne 0x1.002p0
expect_bits 0x3c00 --from fp32 --to fp16 1.0001
expect_bits 0x3e8a --from fp32 --to bf16 0x3e8a0000
[[ $(field ulp_error --to fp16 1) == 0 ]] || fail "exact conversion has error 0"
a=$("$NG" convert --to bf16 --mode sr --seed 7 0.1 0.1 0.1 0.1 --json)
b=$("$NG" convert --to bf16 --mode sr --seed 7 0.1 0.1 0.1 0.1 --json)
[[ "$a" == "$b" ]] || fail "--mode sr with one seed must repeat"

# Exit statuses: usage errors and unparsable values are 2, with a one-line message.
expect_status 0 convert --to fp16 1
expect_status 0 convert --help
expect_status 0 formats --help
expect_status 0 --version
expect_status 2 convert --to fp16 --mode banana 1
expect_status 2 convert --to fp16 abc
expect_status 2 convert --to fp99 1
expect_status 2 convert 1
expect_status 2 convert --to fp16 --seed 3 1
expect_status 2 convert --from fp16 --to fp32 0x10000
expect_status 2 convert --from tf32 --to fp32 0x3f800001
expect_status 2 nosuchverb
expect_status 2
msg=$("$NG" convert --to fp16 1 abc 2 2>&1 >/dev/null)
[[ $(echo "$msg" | wc -l) -eq 1 && "$msg" == *"'abc'"* ]] || fail "one-line message naming abc: $msg"
msg=$(printf '1\nbanana\n3\n' | "$NG" convert --to fp16 2>&1 >/dev/null)
[[ "$msg" == *"line 2"*"'banana'"* ]] || fail "batch message names the line: $msg"
out=$(printf '1\nbanana\n3\n' | "$NG" convert --to fp16 2>/dev/null)
[[ $(echo "$out" | wc -l) -eq 2 ]] || fail "the good lines of a batch are still converted"
[[ $(printf '1\n0x1.8p-3\n-2.5\n' | "$NG" convert --to fp16 --json | grep -c '"bits"') -eq 3 ]] ||
  fail "batch --json gives one object per line"

# formats: valid JSON that carries fp16's 65504.
"$NG" formats --json | python3 -c '
import json, sys
d = {f["name"]: f for f in json.load(sys.stdin)["formats"]}
assert d["fp16"]["max_finite"] == 65504 and d["fp16"]["max_finite_detail"]["bits"] == "0x7bff"
assert d["e4m3"]["max_finite"] == 448 and d["e4m3"]["exp_overflow_result"] == "nan"
assert abs(d["fp16"]["exp_overflow"] - 11.0901) < 1e-4
' || fail "formats --json"

# Batch: 10,000 values, every result checked against Python's own fp16 rounding of values
# that are exact in double (k/64), so Python's double -> half conversion rounds only once.
python3 - "$NG" <<'PY' || fail "10,000-line batch"
import json, struct, subprocess, sys
values = [(k - 5000) / 64 for k in range(10000)]
run = subprocess.run([sys.argv[1], "convert", "--to", "fp16", "--json"], capture_output=True,
                     text=True, input="".join(f"{v!r}\n" for v in values))
lines = run.stdout.splitlines()
assert run.returncode == 0 and len(lines) == len(values), (run.returncode, len(lines))
for v, line in zip(values, lines):
    want = "0x%04x" % struct.unpack("<H", struct.pack("<e", v))[0]
    got = json.loads(line)
    assert got["bits"] == want, (v, got, want)
    # The shortest decimal reads back to the same half (78.1 for 78.125).
    assert struct.pack("<e", float(got["value"])) == struct.pack("<e", v), (v, got)
PY

# stdin is read in blocks and a line is kept only up to 4096 bytes (kMaxValueBytes,
# harness/cli/convert_value.h): 150 MB of blank lines, or one 150 MB line, converts in a few
# MB of memory (under a 300 MB address-space limit); an over-long line is one message line
# (exit 2) and the lines around it are still converted.
err=$(mktemp)
# Under AddressSanitizer (NUMGUARD_SANITIZED=1, set by CMake) `ulimit -v` would stop ASan from
# starting: its allocator enforces the cap instead (its own footprint is ~85 MB).
if [[ ${NUMGUARD_SANITIZED:-0} == 1 ]]; then
  limited() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:max_allocation_size_mb=300:hard_rss_limit_mb=300" timeout 120 "$@"; }
else
  # 300 MB above what numguard maps to start: a CUDA build maps cuBLAS (about 1 GB of address
  # space) before main. Measured on a numguard waiting on an empty stdin.
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  "$NG" convert --to fp16 <"$fifo" >/dev/null 2>&1 &
  pid=$!
  exec 9>"$fifo"
  sleep 0.5
  start_kb=$(awk '/^VmPeak/ {print $2}' "/proc/$pid/status")
  exec 9>&-
  wait "$pid"
  rm -f "$fifo"
  [[ -n $start_kb ]] || fail "could not measure numguard's start-up address space"
  limited() { (ulimit -v $((${start_kb:-0} + 300000)) && timeout 120 "$@"); }
fi
head -c 150000000 /dev/zero | tr '\0' '\n' | limited "$NG" convert --to fp16 >/dev/null 2>"$err"
rc=$?
[[ $rc -eq 0 && ! -s "$err" ]] || fail "150 MB of blank lines: exit $rc (want 0), stderr: $(head -c 300 "$err")"
head -c 150000000 /dev/zero | tr '\0' ' ' | limited "$NG" convert --to fp16 >/dev/null 2>"$err"
rc=$?
[[ $rc -eq 2 && $(wc -l <"$err") -eq 1 ]] && grep -q 'line 1: longer than 4096 bytes' "$err" ||
  fail "one 150 MB line: exit $rc (want 2, one line), stderr: $(head -c 300 "$err")"
long=$(head -c 4097 /dev/zero | tr '\0' 1)
out=$(printf '1\n%s\n2\n' "$long" | "$NG" convert --to fp16 2>"$err")
rc=$?
[[ $rc -eq 2 && $(wc -l <"$err") -eq 1 && $(printf '%s\n' "$out" | wc -l) -eq 2 ]] &&
  grep -q 'line 2: longer than 4096 bytes' "$err" ||
  fail "a 4097-byte line between two values: exit $rc, stdout [${out:0:200}], stderr $(head -c 300 "$err")"
printf '%s\n' "${long:1}" | "$NG" convert --to fp16 >/dev/null 2>&1 || fail "a 4096-byte value was refused"
"$NG" convert --to fp16 "$long" >/dev/null 2>"$err"
rc=$?
[[ $rc -eq 2 && $(wc -l <"$err") -eq 1 ]] || fail "a 4097-byte argument: exit $rc, stderr $(head -c 300 "$err")"
rm -f "$err"

# The OCP MX formats: fp4 rounds 5 to 4 (RNE between 4 and 6); --mx quantizes a tensor per
# block: the spec's floor scale saturates 7 to 6 in fp4, the round-up scale does not.
[[ $("$NG" convert --to e2m1 --json 5 | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])') == 4 ]] ||
  fail "convert --to e2m1 5 gives 4"
mxv() { "$NG" convert --mx mxfp4 --json "$@" | python3 -c 'import json,sys; b=json.load(sys.stdin)["blocks"][0]; print(b["scale"], [e["value"] for e in b["elements"]])'; }
[[ $(mxv 7 3 0.5) == "1.0 [6.0, 3.0, 0.5]" ]] || fail "mxfp4 spec scale: $(mxv 7 3 0.5)"
[[ $(mxv --scale-rule up 7 3 0.5) == "2.0 [8.0, 3.0, 0.0]" ]] || fail "mxfp4 round-up scale: $(mxv --scale-rule up 7 3 0.5)"
"$NG" formats --json | python3 -c 'import json,sys; n=[b["name"] for b in json.load(sys.stdin)["block_formats"]]; assert "nvfp4" in n and "mxfp8_e4m3" in n, n' ||
  fail "formats --json lists the block formats"
"$NG" convert --mx mxfp9 1 >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "convert --mx with an unknown block format: usage error"
"$NG" convert --mx mxfp4 --to fp16 1 >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "convert --mx with --to: usage error"

if [[ $failures -ne 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "cli_convert: all checks passed"

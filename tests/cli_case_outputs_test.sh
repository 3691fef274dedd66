#!/usr/bin/env bash
# `numguard check --case I --outputs FILE`: the case's whole output as a NumPy .npy file, read
# back here without NumPy (the format is a magic, a dict header and little-endian data): the
# dtype follows the output format (fp32 '<f4' and fp16 '<f2' bits kept, bf16 as exact '<f4'),
# the shape is the case's, the worst element holds the bits the "output" line prints, a
# sampled case still writes every element, a failing kernel's output is written too; without
# --case, or onto a folder that does not exist, it is exit 2 before the run.
#   tests/cli_case_outputs_test.sh NUMGUARD
set -u
NG=$1
source "$(dirname "$0")/cli_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# npy FILE INDEX: "DESCR SHAPE BITS" of element INDEX (BITS: the stored element's bits, hex).
npy() {
  python3 - "$1" "$2" <<'PY'
import ast, struct, sys
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x93NUMPY\x01\x00', data[:8]
n = struct.unpack('<H', data[8:10])[0]
h = ast.literal_eval(data[10:10 + n].decode('latin1'))
assert (10 + n) % 64 == 0 and not h['fortran_order'], h
w = int(h['descr'][2:])
body = data[10 + n:]
count = 1
for d in h['shape']: count *= d
assert len(body) == count * w, (len(body), count, w)
i = int(sys.argv[2])
bits = int.from_bytes(body[i * w:(i + 1) * w], 'little')
print(h['descr'], 'x'.join(map(str, h['shape'])), hex(bits))
PY
}
# field TEXTFILE: the worst element's index, the case's m x n and the output line's bits.
worst() { sed -n 's/^worst      element \([0-9]*\).*/\1/p' "$1"; }
shape() { sed -n 's/^shape      m=\([0-9]*\) n=\([0-9]*\).*/\1x\2/p' "$1"; }
bits() { sed -n 's/^output     .*bits \(0x[0-9a-f]*\).*/\1/p' "$1"; }

# EXPECTED-DESCR KERNEL [ARGS...]: writes o.npy and checks it against the printed case.
outputs_as() {
  local descr=$1 kernel=$2 status
  shift 2
  "$NG" check --kernel "$kernel" --case 2 --outputs o.npy "$@" >case.txt
  status=$?
  [[ $status -le 1 ]] || { fail "$kernel: exit $status: $(tail -2 case.txt)"; return; }
  grep -q "^outputs    o.npy (.* as '$descr', row-major)" case.txt ||
    fail "$kernel: outputs line: $(grep ^outputs case.txt)"
  read -r got_descr got_shape got_bits <<<"$(npy o.npy "$(worst case.txt)")"
  [[ $got_descr == "$descr" ]] || fail "$kernel: dtype $got_descr, want $descr"
  [[ $got_shape == "$(shape case.txt)" ]] || fail "$kernel: shape $got_shape, case $(shape case.txt)"
  local want
  want=$(bits case.txt)
  [[ $descr == "<f4" && ${#want} -le 6 ]] && want=$(printf '0x%x' $((want << 16)))  # bf16 in fp32
  [[ -n $want && $((got_bits)) -eq $((want)) ]] ||
    fail "$kernel: worst element $got_bits, output line $(bits case.txt)"
}

outputs_as "<f4" gemm.fp32.fp32acc.sequential
outputs_as "<f2" softmax.fp16.fp32acc.twopass
outputs_as "<f4" softmax.bf16.fp32acc.twopass
# A sampled case (--shape 64x48x16, --sample 8) still writes all 64 x 48 elements.
outputs_as "<f4" gemm.fp32.fp32acc.sequential --shape 64x48x16 --sample 8
# A failing kernel (exit 1) writes its output all the same: it is what a user wants to see.
"$NG" check --kernel mutant.sum.bf16.bf16_accumulation --case 0 --outputs m.npy >m.txt
[[ $? -eq 1 && -s m.npy ]] || fail "a failing kernel's output was not written"

expect_usage check --kernel gemm.fp32.fp32acc.sequential --outputs o.npy
err=$("$NG" check --kernel gemm.fp32.fp32acc.sequential --outputs o.npy 2>&1)
[[ $err == *"--outputs writes one case's output: give --case I"* ]] || fail "no --case: $err"
expect_usage check --kernel gemm.fp32.fp32acc.sequential --case 0 --outputs no/such/dir/o.npy
[[ -e no ]] && fail "a folder was created for --outputs"

[[ $failures -eq 0 ]] && echo "cli_case_outputs: all passed"
exit $((failures > 0))

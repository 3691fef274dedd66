#!/usr/bin/env python3
"""Writes the tensor files tests/cli_inputs_test.sh reads, without NumPy: .npy (v1 headers),
.npz (stored and deflated zips), .safetensors with BF16, and damaged ones.
Usage: make_tensor_files.py DIR"""
import json
import random
import struct
import sys
import zipfile


def npy(shape, vals, descr="<f4", code="f"):
    hdr = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join(f"{d}, " for d in shape))
    hdr += " " * (63 - (len(hdr) + 10) % 64) + "\n"
    order = ">" if descr.startswith(">") else "<"
    return (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() +
            struct.pack("%s%d%s" % (order, len(vals), code), *vals))


def bf16_bits(x):
    b = struct.unpack("<I", struct.pack("<f", x))[0]
    return (b + 0x7FFF + ((b >> 16) & 1)) >> 16  # round to nearest even


def safetensors(tensors):
    header, data = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


d = sys.argv[1]
r = random.Random(7)
m, n, k = 8, 5, 300
A = [r.uniform(-1, 1) for _ in range(m * k)]
B = [r.uniform(-1, 1) for _ in range(k * n)]
with zipfile.ZipFile(f"{d}/gemm.npz", "w") as z:  # np.savez: stored members
    z.writestr("a.npy", npy((m, k), A))
    z.writestr("b.npy", npy((k, n), B))
with zipfile.ZipFile(f"{d}/gemm_deflated.npz", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("A.npy", npy((m, k), A, ">f8", "d"))  # big-endian float64
    z.writestr("B.npy", npy((k, n), B, ">f8", "d"))
    z.writestr("alpha.npy", npy((), [0.5]))
with zipfile.ZipFile(f"{d}/gemm_typo.npz", "w") as z:
    z.writestr("A.npy", npy((m, k), A))
    z.writestr("Bt.npy", npy((n, k), B))
with zipfile.ZipFile(f"{d}/gemm_mismatch.npz", "w") as z:
    z.writestr("A.npy", npy((m, k), A))
    z.writestr("B.npy", npy((k + 1, n), B + [0.0] * n))
# bf16 tensors as safetensors stores them, and as uint16 .npy bit patterns.
a16 = [bf16_bits(x) for x in A]
b16 = [bf16_bits(x) for x in B]
open(f"{d}/gemm_bf16.safetensors", "wb").write(safetensors({
    "A": ("BF16", (m, k), struct.pack("<%dH" % len(a16), *a16)),
    "B": ("BF16", (k, n), struct.pack("<%dH" % len(b16), *b16))}))
with zipfile.ZipFile(f"{d}/gemm_u16.npz", "w") as z:
    z.writestr("A.npy", npy((m, k), a16, "<u2", "H"))
    z.writestr("B.npy", npy((k, n), b16, "<u2", "H"))
# A (batch, sequence, hidden) activation for the row ops: flattened into 12 rows of 64.
open(f"{d}/act.npy", "wb").write(npy((4, 3, 64), [r.gauss(0, 3) for _ in range(4 * 3 * 64)]))
# Damaged files.
open(f"{d}/bad_magic.npy", "wb").write(b"not a tensor file")
good = npy((4, 64), [1.0] * 256)
open(f"{d}/truncated.npy", "wb").write(good[:-10])
open(f"{d}/bad.npz", "wb").write(b"PK\x03\x04" + b"\x00" * 40)
open(f"{d}/bad.safetensors", "wb").write(struct.pack("<Q", 1 << 40) + b"{}")

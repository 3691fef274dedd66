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
# MX tensors as given (op scaled_gemm): e4m3-exact elements, E8M0 scales per 32 along k
# (k = 70: a short last block), as floats, as uint8 exponent bytes, and as safetensors F8.
def e4m3_bits(x):
    if x == 0:
        return 0
    s, a = (0x80 if x < 0 else 0), abs(x)
    e = max(a.hex() and int(__import__("math").floor(__import__("math").log2(a))), -6)
    mant = round(a / 2.0 ** e * 8) - (8 if a >= 2.0 ** -6 else 0)
    return s | ((e + 7 if a >= 2.0 ** -6 else 0) << 3) | mant


sm, sk, sn = 4, 70, 3
SA_e = [r.choice([124, 126, 127, 129, 131]) for _ in range(sm * 3)]
SB_e = [r.choice([125, 127, 128, 130]) for _ in range(3 * sn)]
SA_e[2] = SA_e[1] + 3  # row 0: the short block's scale differs from the one before it
XA = [r.randint(-8, 8) * 0.5 for _ in range(sm * sk)]
XB = [r.randint(-8, 8) * 0.25 for _ in range(sk * sn)]
with zipfile.ZipFile(f"{d}/scaled.npz", "w") as z:
    z.writestr("A.npy", npy((sm, sk), XA))
    z.writestr("B.npy", npy((sk, sn), XB))
    z.writestr("SA.npy", npy((sm, 3), [2.0 ** (e - 127) for e in SA_e]))
    z.writestr("SB.npy", npy((3, sn), [2.0 ** (e - 127) for e in SB_e]))
with zipfile.ZipFile(f"{d}/scaled_u8.npz", "w") as z:
    z.writestr("A.npy", npy((sm, sk), XA))
    z.writestr("B.npy", npy((sk, sn), XB))
    z.writestr("SA.npy", npy((sm, 3), SA_e, "|u1", "B"))
    z.writestr("SB.npy", npy((3, sn), SB_e, "|u1", "B"))
with zipfile.ZipFile(f"{d}/scaled_short.npz", "w") as z:  # SA with floor(70 / 32) = 2 columns
    z.writestr("A.npy", npy((sm, sk), XA))
    z.writestr("B.npy", npy((sk, sn), XB))
    z.writestr("SA.npy", npy((sm, 2), [1.0] * (sm * 2)))
    z.writestr("SB.npy", npy((3, sn), [1.0] * (3 * sn)))
open(f"{d}/scaled.safetensors", "wb").write(safetensors({
    "A": ("F8_E4M3", (sm, sk), bytes(e4m3_bits(x) for x in XA)),
    "B": ("F8_E4M3", (sk, sn), bytes(e4m3_bits(x) for x in XB)),
    "SA": ("F8_E8M0", (sm, 3), bytes(SA_e)),
    "SB": ("F8_E8M0", (3, sn), bytes(SB_e))}))
# NVFP4 tensors as given (op nvfp4_gemm): e2m1 elements, UE4M3 scales per 16 along k (k = 40:
# a short last block) and the fp32 tensor scales; as floats, and as a checkpoint stores them
# (uint8 with two elements per byte, low nibble first; F8_E4M3 scales; F32 scalars).
E2M1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]


def e2m1_code(x):
    return (8 if x < 0 else 0) | E2M1.index(abs(x))


def packed(codes):  # two to a byte along the last dimension, the first in the low nibble
    return bytes(codes[i] | (codes[i + 1] << 4) for i in range(0, len(codes), 2))


nm, nk, nn = 3, 40, 4
NA = [r.choice(E2M1) * r.choice([-1, 1]) for _ in range(nm * nk)]
NB = [r.choice(E2M1) * r.choice([-1, 1]) for _ in range(nk * nn)]
UE = [0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 6.0, 2.0 ** -6, 2.0 ** -8]  # the last one subnormal
NSA = [r.choice(UE) for _ in range(nm * 3)]
NSB = [r.choice(UE) for _ in range(3 * nn)]
ts_a, ts_b = 2.0 ** -7, 3.0 / 1024
with zipfile.ZipFile(f"{d}/nvfp4.npz", "w") as z:
    z.writestr("A.npy", npy((nm, nk), NA))
    z.writestr("B.npy", npy((nk, nn), NB))
    z.writestr("SA.npy", npy((nm, 3), NSA))
    z.writestr("SB.npy", npy((3, nn), NSB))
    z.writestr("scale_a.npy", npy((), [ts_a]))
    z.writestr("scale_b.npy", npy((), [ts_b]))
nvfp4 = {
    "A": ("U8", (nm, nk // 2), packed([e2m1_code(x) for x in NA])),
    "B": ("U8", (nk, nn // 2), packed([e2m1_code(x) for x in NB])),
    "SA": ("F8_E4M3", (nm, 3), bytes(e4m3_bits(x) for x in NSA)),
    "SB": ("F8_E4M3", (3, nn), bytes(e4m3_bits(x) for x in NSB)),
    "scale_a": ("F32", (), struct.pack("<f", ts_a)),
    "scale_b": ("F32", (), struct.pack("<f", ts_b))}
open(f"{d}/nvfp4.safetensors", "wb").write(safetensors(nvfp4))
nvfp4["SA"] = ("F8_E4M3", (nm, 3), bytes([0xb8]) + bytes(e4m3_bits(x) for x in NSA[1:]))
open(f"{d}/nvfp4_signed.safetensors", "wb").write(safetensors(nvfp4))
nvfp4["SA"] = ("F8_E4M3", (nm, 3), bytes(e4m3_bits(x) for x in NSA))
nvfp4["A"] = ("U8", (nm, nk // 4), bytes(nm * nk // 4))  # packed k / 2 wide: k = 20, B says 40
open(f"{d}/nvfp4_half_k.safetensors", "wb").write(safetensors(nvfp4))
# A (batch, sequence, hidden) activation for the row ops: flattened into 12 rows of 64.
open(f"{d}/act.npy", "wb").write(npy((4, 3, 64), [r.gauss(0, 3) for _ in range(4 * 3 * 64)]))
# Damaged files.
open(f"{d}/bad_magic.npy", "wb").write(b"not a tensor file")
good = npy((4, 64), [1.0] * 256)
open(f"{d}/truncated.npy", "wb").write(good[:-10])
open(f"{d}/bad.npz", "wb").write(b"PK\x03\x04" + b"\x00" * 40)
open(f"{d}/bad.safetensors", "wb").write(struct.pack("<Q", 1 << 40) + b"{}")
# A checkpoint's layout: B and SB stored transposed, out x in (n x k and n x k/16), the weight
# packed two to a byte along k; members B.T and SB.T.
NBT = [NB[l * nn + j] for j in range(nn) for l in range(nk)]
NSBT = [NSB[b * nn + j] for j in range(nn) for b in range(3)]
nvfp4_t = dict(nvfp4)
del nvfp4_t["B"], nvfp4_t["SB"]
nvfp4_t["B.T"] = ("U8", (nn, nk // 2), packed([e2m1_code(x) for x in NBT]))
nvfp4_t["SB.T"] = ("F8_E4M3", (nn, 3), bytes(e4m3_bits(x) for x in NSBT))
nvfp4_t["A"] = ("U8", (nm, nk // 2), packed([e2m1_code(x) for x in NA]))
open(f"{d}/nvfp4_t.safetensors", "wb").write(safetensors(nvfp4_t))
nvfp4_t["B"] = nvfp4_t["B.T"]  # both: refused
open(f"{d}/nvfp4_both.safetensors", "wb").write(safetensors(nvfp4_t))
with zipfile.ZipFile(f"{d}/gemm_t.npz", "w") as z:  # B as an out x in weight
    z.writestr("A.npy", npy((m, k), A))
    z.writestr("B.T.npy", npy((n, k), [B[l * n + j] for j in range(n) for l in range(k)]))
with zipfile.ZipFile(f"{d}/gemm_t3.npz", "w") as z:  # a transposed operand must be 2-d
    z.writestr("A.npy", npy((m, k), A))
    z.writestr("B.T.npy", npy((1, n, k), [B[l * n + j] for j in range(n) for l in range(k)]))
# Scales in cuBLAS's blocked layout (128 x 4 tiles of 512, padded; B's as n rows of k blocks):
# members SA.blocked and SB.blocked, one case with the files above.


def to_blocked(value, rows, cols):  # value(r, b): row r, block b
    tiles = (cols + 3) // 4
    out = [0] * (512 * ((rows + 127) // 128) * tiles)
    for i in range(rows):
        for b in range(cols):
            out[512 * ((i // 128) * tiles + b // 4) + (i % 32) * 16 + (i % 128) // 32 * 4 + b % 4] = value(i, b)
    return out


nvfp4_b = dict(nvfp4)
del nvfp4_b["SA"], nvfp4_b["SB"]
nvfp4_b["A"] = ("U8", (nm, nk // 2), packed([e2m1_code(x) for x in NA]))
nvfp4_b["SA.blocked"] = ("F8_E4M3", (512,), bytes(to_blocked(lambda i, b: e4m3_bits(NSA[i * 3 + b]), nm, 3)))
nvfp4_b["SB.blocked"] = ("F8_E4M3", (32, 16), bytes(to_blocked(lambda j, b: e4m3_bits(NSB[b * nn + j]), nn, 3)))
open(f"{d}/nvfp4_blocked.safetensors", "wb").write(safetensors(nvfp4_b))
nvfp4_b["SA.blocked"] = ("F8_E4M3", (256,), bytes(256))
open(f"{d}/nvfp4_blocked_short.safetensors", "wb").write(safetensors(nvfp4_b))
with zipfile.ZipFile(f"{d}/scaled_blocked.npz", "w") as z:
    z.writestr("A.npy", npy((sm, sk), XA))
    z.writestr("B.npy", npy((sk, sn), XB))
    z.writestr("SA.blocked.npy", npy((512,), to_blocked(lambda i, b: SA_e[i * 3 + b], sm, 3), "|u1", "B"))
    z.writestr("SB.blocked.npy", npy((512,), to_blocked(lambda j, b: SB_e[b * sn + j], sn, 3), "|u1", "B"))
# Several tiles: 130 rows (two tile rows), k = 320 (10 blocks: three tile columns).
bm, bk, bn = 130, 320, 6
bkb = bk // 32
BA = [r.randint(-8, 8) * 0.5 for _ in range(bm * bk)]
BB = [r.randint(-8, 8) * 0.25 for _ in range(bk * bn)]
BSA = [r.randint(120, 134) for _ in range(bm * bkb)]
BSB = [r.randint(120, 134) for _ in range(bkb * bn)]
with zipfile.ZipFile(f"{d}/scaled_tiles.npz", "w") as z:
    z.writestr("A.npy", npy((bm, bk), BA))
    z.writestr("B.npy", npy((bk, bn), BB))
    z.writestr("SA.npy", npy((bm, bkb), BSA, "|u1", "B"))
    z.writestr("SB.npy", npy((bkb, bn), BSB, "|u1", "B"))
with zipfile.ZipFile(f"{d}/scaled_tiles_blocked.npz", "w") as z:
    z.writestr("A.npy", npy((bm, bk), BA))
    z.writestr("B.npy", npy((bk, bn), BB))
    sa = to_blocked(lambda i, b: BSA[i * bkb + b], bm, bkb)
    sb = to_blocked(lambda j, b: BSB[b * bn + j], bn, bkb)
    z.writestr("SA.blocked.npy", npy((len(sa),), sa, "|u1", "B"))
    z.writestr("SB.blocked.npy", npy((len(sb),), sb, "|u1", "B"))

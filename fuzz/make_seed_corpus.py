#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_gemm (corpus/fuzz_gemm/) deterministically.

Each seed is one header (layout: fuzz/gemm_input.h, docs/FUZZING.md) plus a value stream.
The seeds spread over the kernel selector, every value mode, the K edges of 32-wide tiles,
4-way split-K and fused blocks, both epilogue states, and every planted special value, so a
campaign starts with every decoding path reached. Files are named by the SHA-1 of their
bytes, as libFuzzer names corpus files; rerunning the script rewrites the same files.

usage: fuzz/make_seed_corpus.py [OUT_DIR]   (default: corpus/fuzz_gemm next to fuzz/)
"""
import hashlib
import pathlib
import random
import struct
import sys

K_EDGES = [0, 1, 2, 3, 5, 7, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 511, 512]


def header(sel, m, n, k, modes, epilogue, plant, plant_pos):
    return struct.pack("<BBBHBBBH", sel, m - 1, n - 1, k, modes, epilogue, plant, plant_pos)


def seeds():
    rng = random.Random(20261124)
    out = []
    for i, k in enumerate(K_EDGES):  # one seed per K edge, all four A/B mode pairs in turn
        mode = i % 4
        modes = mode | (mode << 2) | (rng.randrange(4) << 4)
        epi = 0 if i % 3 else 0x80 | rng.randrange(64)
        out.append(header(rng.randrange(256), rng.randrange(1, 9), rng.randrange(1, 9), k,
                          modes, epi, 0, 0) + rng.randbytes(rng.choice([16, 64, 256])))
    for plant in range(1, 8):  # every special value, uniform values around it
        out.append(header(rng.randrange(256), 2, 2, rng.choice([3, 33, 100]), 0b010101,
                          0x80 | rng.randrange(64), plant, rng.randrange(65536))
                   + rng.randbytes(128))
    for sel in range(0, 256, 16):  # kernel selector sweep, mixed modes
        out.append(header(sel, rng.randrange(1, 9), rng.randrange(1, 9), rng.randrange(513),
                          rng.randrange(64), rng.randrange(256), rng.randrange(8),
                          rng.randrange(65536)) + rng.randbytes(rng.randrange(8, 512)))
    out.append(b"\x00")  # a header shorter than 10 bytes: zero padding, K = 0
    out.append(header(7, 8, 8, 512, 0b101010, 0x80, 0, 0))  # empty value stream: all zeros
    return out


def main():
    here = pathlib.Path(__file__).resolve().parent
    out_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "corpus" / "fuzz_gemm"
    out_dir.mkdir(parents=True, exist_ok=True)
    for data in seeds():
        (out_dir / hashlib.sha1(data).hexdigest()).write_bytes(data)
    print(f"wrote {len(seeds())} seeds to {out_dir}")


if __name__ == "__main__":
    main()

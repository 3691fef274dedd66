#!/usr/bin/env python3
"""Writes the seed corpora of the op fuzz targets (corpus/fuzz_<family>/) deterministically.

Each seed is one header (layout: fuzz/op_input.h) plus a short value stream: the kernel
selector and the generator walk through their ranges, half the seeds keep the generators'
values (modes 0) and half draw value modes and planted specials from the bytes. Rerunning
the script rewrites the same files.

usage: fuzz/make_op_seed_corpus.py [CORPUS_DIR]   (default: corpus/ next to fuzz/)
"""
import pathlib
import random
import sys

FAMILIES = {"fuzz_softmax": 40, "fuzz_norm": 40, "fuzz_activation": 40,
            "fuzz_attention": 30, "fuzz_optimizer": 30}


def main():
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
        pathlib.Path(__file__).resolve().parent.parent / "corpus"
    for family, count in FAMILIES.items():
        out = root / family
        out.mkdir(parents=True, exist_ok=True)
        r = random.Random(family)
        for i in range(count):
            modes = 0 if i < count // 2 else r.getrandbits(8)
            plant = r.choice([0, 0, 0, r.randrange(8)])
            header = bytes([i % 256, i % 10]) + r.getrandbits(32).to_bytes(4, "little") + \
                bytes([modes, plant, r.randrange(256), r.randrange(256)])
            body = bytes(r.getrandbits(8) for _ in range(r.randrange(0, 64)))
            (out / f"seed-{i:03d}").write_bytes(header + body)


if __name__ == "__main__":
    main()

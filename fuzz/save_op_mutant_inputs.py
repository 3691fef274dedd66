#!/usr/bin/env python3
"""Saves, for every mutant of an op fuzz family, the first of a fixed sequence of inputs
that makes it fail, as corpus/<family>_mutants/<mutant>/repro-<generator>-<seed>; ctest then
replays each with --expect-failure, so a mutant that stops being caught fails the build.

The inputs are headers only (fuzz/op_input.h): the generator and its seed, values kept, in
the order generators x seeds 1, 2, ...; the first failing one is kept.

usage: fuzz/save_op_mutant_inputs.py BUILD_DIR [FAMILY...]
"""
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FAMILIES = ["fuzz_softmax", "fuzz_norm", "fuzz_activation", "fuzz_attention", "fuzz_optimizer"]


def mutants(replay):
    env = dict(os.environ, NUMGUARD_FUZZ_KERNEL="mutant.*", NUMGUARD_FUZZ_LIST="1")
    with tempfile.NamedTemporaryFile() as empty:
        r = subprocess.run([replay, empty.name], env=env, capture_output=True, text=True)
    return [l for l in r.stdout.split() if l.startswith("mutant.")]


def main():
    build = pathlib.Path(sys.argv[1])
    for family in sys.argv[2:] or FAMILIES:
        replay = build / "fuzz" / f"{family}_replay"
        if not replay.exists():
            continue
        for m in mutants(str(replay)):
            out = ROOT / "corpus" / f"{family}_mutants" / m
            if out.exists() and any(out.iterdir()):
                continue
            found = None
            with tempfile.TemporaryDirectory() as tmp:
                for seed in range(1, 41):
                    for g in range(10):
                        data = bytes([0, g]) + seed.to_bytes(4, "little") + bytes(4)
                        path = pathlib.Path(tmp) / "input"
                        path.write_bytes(data)
                        env = dict(os.environ, NUMGUARD_FUZZ_KERNEL=m)
                        r = subprocess.run([str(replay), "--expect-failure", str(path)],
                                           env=env, capture_output=True)
                        if r.returncode == 0:
                            found = (g, seed, data)
                            break
                    if found:
                        break
            if not found:
                print(f"{family}: {m}: no failing input in 400 tries", file=sys.stderr)
                continue
            out.mkdir(parents=True, exist_ok=True)
            (out / f"repro-g{found[0]}-s{found[1]}").write_bytes(found[2])
            print(f"{family}: {m}: generator {found[0]} seed {found[1]}")


if __name__ == "__main__":
    main()

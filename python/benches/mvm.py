#!/usr/bin/env python3
"""MVMs/s of ``Tile.mvm`` beside ``cimtile run --engine model`` on the same inputs.

The reference noisy tile of the golden-model benchmark (hdl/benches/golden_model.rs): 256x256,
8-bit signed inputs and weights, 2-bit cells, 64 rows per read, 32 ADCs, read noise and
programming error on. 20,000 random input vectors. Both engines are timed end to end, best of
``--repeats``: the CLI from start to exit (reading the CSV files, programming, the MVMs, writing
the outputs), the package for ``program`` + ``mvm`` on arrays already in memory (what a Python user
runs). The outputs are checked equal.

usage: python benches/mvm.py [--cimtile target/release/cimtile] [--vectors 20000] [--repeats 3]
"""

import argparse
import os
import subprocess
import tempfile
import time

import numpy as np

import cimtile

REFERENCE_TILE = """[array]
rows = 256
cols = 256
rows_per_read = 64
[weights]
bits = 8
cell_bits = 2
[inputs]
bits = 8
signed = true
[adc]
bits = 8
count = 32
step = 4
cycles = 1
[analog]
fine_bits = 2
read_noise = 3
program_error = 2
seed = 99
"""


def best(repeats, run):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cimtile", default=os.path.join(here, "..", "..", "target", "release", "cimtile"))
    parser.add_argument("--vectors", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as work:
        config = os.path.join(work, "tile.toml")
        with open(config, "w") as f:
            f.write(REFERENCE_TILE)
        tile = cimtile.Tile.from_toml(config)
        w = rng.integers(-tile.weight_max, tile.weight_max, size=(tile.rows, tile.cols), endpoint=True)
        x = rng.integers(*tile.input_range, size=(args.vectors, tile.rows), endpoint=True)
        paths = {name: os.path.join(work, f"{name}.csv") for name in ("W", "X", "Y")}
        np.savetxt(paths["W"], w, fmt="%d", delimiter=",")
        np.savetxt(paths["X"], x, fmt="%d", delimiter=",")
        command = [args.cimtile, "run", "--engine", "model", "--config", config,
                   "--weights", paths["W"], "--inputs", paths["X"], "--out", paths["Y"]]
        cli_seconds, _ = best(args.repeats, lambda: subprocess.run(command, check=True, stderr=subprocess.DEVNULL))
        cli_y = np.loadtxt(paths["Y"], dtype=np.int64, delimiter=",", ndmin=2)

        def package():
            tile.program(w)
            return tile.mvm(x)

        py_seconds, py_y = best(args.repeats, package)
    assert np.array_equal(py_y, cli_y), "the package and the CLI disagree"
    n = args.vectors
    print(f"reference noisy tile 256x256, {n} vectors, best of {args.repeats}, outputs equal")
    print(f"cimtile run --engine model: {n / cli_seconds:10.0f} MVMs/s ({cli_seconds:.3f} s)")
    print(f"cimtile.Tile.mvm:           {n / py_seconds:10.0f} MVMs/s ({py_seconds:.3f} s)")
    print(f"package / CLI: {cli_seconds / py_seconds:.2f}x")


if __name__ == "__main__":
    main()

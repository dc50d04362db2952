#!/usr/bin/env python3
"""Program a tile from NumPy, sweep its ADC bits, plot the accuracy.

For each ADC resolution of the digits example's tile (examples/digits/tile.toml):
- the MVM error: random weights and inputs through ``Tile.mvm`` against the exact ``X @ W``
  (mean absolute error over every output, in units of the exact product);
- the classification accuracy of the digits network (examples/digits/plain.npz) on its test set,
  by ``Network.evaluate``.
With matplotlib installed, the figure goes to adc_sweep.png (else the table alone is printed).

usage: python examples/python/adc_sweep.py [--out adc_sweep.png]
"""

import argparse
import os

import numpy as np

import cimtile

DIGITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "digits")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="adc_sweep.png")
    args = parser.parse_args()

    net = cimtile.Network.load(os.path.join(DIGITS, "plain.npz"))
    test = np.load(os.path.join(DIGITS, "test.npz"))
    rng = np.random.default_rng(1)
    bits = list(range(3, 9))
    errors, accuracies = [], []
    for b in bits:
        tile = tile_with_bits(b)
        w = rng.integers(-tile.weight_max, tile.weight_max, size=(tile.rows, tile.cols), endpoint=True)
        x = rng.integers(*tile.input_range, size=(2000, tile.rows), endpoint=True)
        tile.program(w)
        errors.append(np.abs(tile.mvm(x) - x @ w).mean())
        accuracies.append(net.evaluate(tile, test["x"], test["y"])["accuracy"])
        print(f"adc.bits = {b}: mean |error| {errors[-1]:8.2f}, digits accuracy {accuracies[-1]:.4f}")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    fig, left = plt.subplots(figsize=(6, 4))
    left.plot(bits, accuracies, "o-", color="tab:blue")
    left.set_xlabel("ADC bits")
    left.set_ylabel("digits accuracy", color="tab:blue")
    right = left.twinx()
    right.semilogy(bits, errors, "s--", color="tab:red")
    right.set_ylabel("mean |MVM error|", color="tab:red")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"plot written to {args.out}")


def tile_with_bits(bits):
    """The digits tile with ``adc.bits = bits``."""
    import tomllib  # Python 3.11+

    with open(os.path.join(DIGITS, "tile.toml"), "rb") as f:
        config = tomllib.load(f)
    config["adc"]["bits"] = bits
    return cimtile.Tile.from_dict(config)


if __name__ == "__main__":
    main()

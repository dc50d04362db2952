"""cimtile.Network and Tile.calibrate: the net and calibrate commands' figures from Python."""

import os

import numpy as np
import pytest

import cimtile

DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "digits")


def test_the_digits_network_on_an_ideal_tile_matches_its_integer_network():
    net = cimtile.Network.load(os.path.join(DIGITS, "plain.npz"))
    assert net.input_shape == [64] and net.classes == 10
    test = np.load(os.path.join(DIGITS, "test.npz"))
    tile = cimtile.Tile.from_dict({"array": {"rows": 64, "cols": 32, "rows_per_read": 64},
                                   "weights": {"bits": 5, "cell_bits": 2}, "inputs": {"bits": 4, "signed": False},
                                   "adc": {"bits": 12, "step": 4}, "analog": {"fine_bits": 2, "read_noise": 0, "program_error": 0},
                                   "output": {"bits": 16, "signed": True}})
    assert tile.info()["ideal"]
    r = net.evaluate(tile, test["x"], test["y"], images=50)
    assert r["images"] == 50 and r["integer_mismatches"] == 0
    assert r["accuracy"] == r["integer_accuracy"] > 0.8
    assert len(r["predictions"]["tile"]) == 50


def test_network_errors_are_value_errors():
    with pytest.raises(ValueError, match="nosuch.npz"):
        cimtile.Network.load(os.path.join(DIGITS, "nosuch.npz"))
    net = cimtile.Network.load(os.path.join(DIGITS, "plain.npz"))
    tile = cimtile.Tile.from_toml(os.path.join(DIGITS, "tile.toml"))
    x = np.zeros((3, 64))
    with pytest.raises(ValueError, match=r"x has shape \[3, 63\]"):
        net.evaluate(tile, x[:, :63], [0, 1, 2])
    with pytest.raises(ValueError, match=r"y\[1\] = 12 is not a class label"):
        net.evaluate(tile, x, [0, 12, 2])
    with pytest.raises(ValueError, match="y has dtype float64"):
        net.evaluate(tile, x, np.zeros(3))


def test_calibration_brings_an_aged_tile_back():
    tile = cimtile.Tile.from_dict({"analog": {"drift_nu": 0.05, "read_noise": 0}, "output": {"bits": 16}})
    rng = np.random.default_rng(3)
    tile.program(rng.integers(-7, 7, size=(16, 4), endpoint=True))
    aged = tile.age("1y")
    r = aged.calibrate(vectors=64, seed=5)
    assert r["columns"].shape == (4, 3) and r["columns"].dtype == np.int64
    assert r["after"]["mean_abs_error"] < r["before"]["mean_abs_error"]
    aged.set_columns(r["columns"])
    with pytest.raises(ValueError, match="call tile.program"):
        tile.blank().calibrate()
    assert tile.blank().weights is None and tile.blank().rows == 16

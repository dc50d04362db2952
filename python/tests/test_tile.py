"""cimtile.Tile against the repository's independent spec model, and its refusals of bad data."""

import os
import sys

import numpy as np
import pytest

import cimtile

tomllib = pytest.importorskip("tomllib")  # Python 3.11+: reads tile.config back

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "reference"))
import spec_model  # noqa: E402  (the plain transcription of tile-arithmetic.md the CLI is tested on)

# A small noisy tile with every v2 device effect on: drift, stuck cells, IR drop, read noise.
NOISY = {
    "array": {"rows": 12, "cols": 3, "rows_per_read": 5},
    "weights": {"bits": 5, "cell_bits": 2},
    "inputs": {"bits": 4, "signed": True},
    "adc": {"bits": 5, "step": 3},
    "analog": {"fine_bits": 2, "read_noise": 2, "program_error": 1, "seed": 7, "drift": 3000,
               "drift_spread": 900, "ir_drop": 200000000},
    "faults": {"stuck_off_ppm": 40000, "stuck_on_ppm": 30000},
    "output": {"bits": 12, "signed": True, "activation": "relu"},
}


def spec_config(tile):
    """The tile's configuration as the spec model's flat keys."""
    return {f"{s}.{k}": v for s, keys in tomllib.loads(tile.config).items() for k, v in keys.items()}


def random_data(tile, n, seed):
    rng = np.random.default_rng(seed)
    w = rng.integers(-tile.weight_max, tile.weight_max, size=(tile.rows, tile.cols), endpoint=True)
    lo, hi = tile.input_range
    x = rng.integers(lo, hi, size=(n, tile.rows), endpoint=True)
    return w, x


@pytest.mark.parametrize("tile", [cimtile.Tile.preset("default"), cimtile.Tile.from_dict(NOISY)], ids=["default", "noisy-v2"])
def test_mvm_equals_the_spec_model(tile):
    w, x = random_data(tile, 6, 1)
    cols = np.array([[1, 0, 0], [-3, 2, 5], [7, 1, -40]] + [[1, 0, 0]] * (tile.cols - 3))
    tile.program(w.astype(np.int8))
    tile.set_columns(cols)
    reference = spec_model.run(spec_config(tile), w.tolist(), x.tolist(), cols.tolist())
    assert tile.mvm(x).tolist() == [out for _, out in reference]
    assert tile.mvm(x.astype(np.int16), output="acc").tolist() == [acc for acc, _ in reference]
    assert tile.mvm(x).dtype == np.int64


def test_first_index_is_the_read_noise_index_of_the_first_vector():
    tile = cimtile.Tile.from_dict(NOISY)
    w, x = random_data(tile, 8, 2)
    tile.program(w)
    y = tile.mvm(x)
    assert np.array_equal(tile.mvm(x[3:], first_index=3), y[3:])
    assert tile.mvm(x[5], first_index=5).tolist() == y[5].tolist()  # one vector: shape (C,)


def test_every_integer_dtype_and_layout_gives_the_same_result():
    tile = cimtile.Tile.from_dict({"inputs": {"signed": False}})  # unsigned dtypes hold its inputs
    w, x = random_data(tile, 5, 3)
    tile.program(w)
    want = tile.mvm(x)
    for dtype in (np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32, np.uint64):
        assert np.array_equal(tile.mvm(x.astype(dtype)), want), dtype
    assert np.array_equal(tile.mvm(np.asfortranarray(x)), want)
    assert np.array_equal(tile.mvm(x.tolist()), want)


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda x: x.astype(np.float64), "X has dtype float64: integers are needed"),
        (lambda x: x[:, :3], "X has shape (4, 3): the tile needs (4, 16)"),
        (lambda x: x[None], "X has shape (1, 4, 16): a 1-D or 2-D array is needed"),
        (lambda x: np.where(np.arange(16) == 2, 99, x), "X[0, 2]: input (signed inputs.bits = 4) 99 is out of range -8..=7"),
        (lambda x: np.full_like(x, -20), "X[0, 0]: input (signed inputs.bits = 4) -20 is out of range -8..=7"),
        (lambda x: x.astype(bool), "X has dtype bool: integers are needed"),
        (lambda x: np.full_like(x, 2**63, dtype=np.uint64), "X[0, 0]: 9223372036854775808 is out of range"),
    ],
)
def test_bad_inputs_raise_value_error_naming_what_is_wrong(bad, message):
    tile = cimtile.Tile.preset("default")
    w, x = random_data(tile, 4, 4)
    tile.program(w)
    with pytest.raises(ValueError) as e:
        tile.mvm(bad(x))
    assert message in str(e.value)


def test_bad_weights_columns_and_arguments_raise_value_error():
    tile = cimtile.Tile.preset("default")
    w, x = random_data(tile, 2, 5)
    with pytest.raises(ValueError, match="no weights: call tile.program"):
        tile.mvm(x)
    with pytest.raises(ValueError, match=r"W\[1, 2\]: weight \(weights.bits = 4\) 8 is out of range -7..=7"):
        tile.program(np.where((np.arange(16)[:, None] == 1) & (np.arange(4) == 2), 8, w))
    with pytest.raises(ValueError, match=r"W has shape \(4, 16\): the tile needs \(16, 4\)"):
        tile.program(w.T)
    with pytest.raises(ValueError, match="W has dtype float32: integers are needed"):
        tile.program(w.astype(np.float32))
    tile.program(w)
    with pytest.raises(ValueError, match=r"columns\[2, 1\]: shift 32 is out of range 0..=31"):
        tile.set_columns([[1, 0, 0], [1, 0, 0], [1, 32, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"columns\[0, 0\]: mult 40000 is out of range -32768..=32767"):
        tile.set_columns([[40000, 0, 0]] * 4)
    with pytest.raises(ValueError, match="first_index must be in 0..=4294967295, not -1"):
        tile.mvm(x, first_index=-1)
    with pytest.raises(ValueError, match="output must be 'out' or 'acc', not 'sum'"):
        tile.mvm(x, output="sum")


def test_configurations_answer_with_the_cli_messages():
    with pytest.raises(ValueError, match="invalid tile config dict: adc.bits"):
        cimtile.Tile.from_dict({"adc": {"bits": 99}})
    with pytest.raises(ValueError, match=r"unknown section \[adcs\]"):
        cimtile.Tile.from_dict({"adcs": {"bits": 4}})
    with pytest.raises(ValueError, match="adc.bits must be an integer, not a float"):
        cimtile.Tile.from_dict({"adc": {"bits": 4.0}})
    with pytest.raises(ValueError, match="unknown preset|no preset"):
        cimtile.Tile.preset("nosuch")
    flat = cimtile.Tile.from_dict({"array.rows": 8, "array": {"cols": 2}, "inputs.signed": False})
    assert (flat.rows, flat.cols, flat.input_range) == (8, 2, (0, 15))
    tile = cimtile.Tile.from_dict({"adc": {"bits": np.int64(6)}}, preset="neurram")
    assert tile.info()["adc_bits"] == 6 and tile.rows == 256


def test_from_toml_reads_a_file_over_a_preset(tmp_path):
    path = tmp_path / "tile.toml"
    path.write_text("[array]\nrows = 8\ncols = 2\n")
    tile = cimtile.Tile.from_toml(str(path))
    assert (tile.rows, tile.cols) == (8, 2)
    path.write_text("[array]\nrows = 0\n")
    with pytest.raises(ValueError, match="invalid tile config '.*tile.toml': array.rows"):
        cimtile.Tile.from_toml(path)
    with pytest.raises(OSError, match="cannot read"):
        cimtile.Tile.from_toml(tmp_path / "missing.toml")


def test_info_ppa_faults_and_age():
    tile = cimtile.Tile.from_dict(NOISY)
    info = tile.info()
    assert info["slices"] == 2 and info["phys_cols"] == 12 and info["groups"] == 3
    faults = tile.faults()
    assert len(faults["row"]) == info["stuck_off"] + info["stuck_on"]
    assert faults["stuck_on"].sum() == info["stuck_on"]
    ppa = tile.ppa()
    assert ppa["energy_pj_per_mvm"] > 0 and ppa["mvm_per_s"] > 0
    w, x = random_data(tile, 3, 6)
    tile.program(w)
    assert tile.ppa(x)["workload"].startswith("the programmed weights and 3")
    aged = tile.age("1y")
    assert "analog.drift =" in aged.aging and aged.info()["drift_mean"] > info["drift_mean"]
    assert aged.weights.tolist() == w.tolist()
    assert aged.mvm(x).shape == (3, tile.cols)
    assert tile.age(0).info()["aging"].startswith("age 0s")
    with pytest.raises(ValueError, match="'3q' is not a duration"):
        tile.age("3q")

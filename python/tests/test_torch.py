"""cimtile.torch.TileLinear: tested only where PyTorch is installed."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import cimtile  # noqa: E402
from cimtile.torch import TileLinear  # noqa: E402


def test_an_ideal_tile_computes_the_quantized_layer_exactly():
    torch.manual_seed(0)
    linear = torch.nn.Linear(40, 7)  # 3 x 2 tiles of 16 x 4
    x = torch.rand(5, 40)
    layer = TileLinear(linear, cimtile.Tile.from_dict({"weights": {"bits": 8}, "inputs": {"bits": 8}}), x)
    codes = layer.quantize(x)
    wq = np.rint(linear.weight.detach().double().numpy().T / layer.weight_scale)
    want = (codes @ wq) * layer.input_scale * layer.weight_scale + linear.bias.detach().double().numpy()
    y = layer(x)
    assert y.shape == (5, 7) and y.dtype == x.dtype
    assert np.allclose(y.double().numpy(), want)
    assert torch.allclose(y, linear(x), atol=0.05)


def test_a_noisy_tile_stays_close_and_continues_its_read_indices():
    torch.manual_seed(1)
    linear = torch.nn.Linear(256, 10)
    x = torch.rand(3, 256)
    layer = TileLinear(linear, cimtile.Tile.preset("neurram"), x)
    y = layer(x)
    assert layer.next_index == 3
    assert (y - linear(x)).abs().max() < 0.5

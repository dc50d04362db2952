"""A PyTorch bridge: ``TileLinear`` runs an ``nn.Linear`` layer's forward pass on cimtile tiles.

Importable only where PyTorch is installed (torch is not a dependency of cimtile). The layer is
quantized as ``cimtile net`` quantizes a network's layers:

- weights symmetric per output column, ``s_w[j] = max_i |W[i, j]| / (2^(Wb-1) - 1)``,
  ``q_w = round(W / s_w)``;
- inputs with one scale, ``s_a = amax / qmax``, where ``amax`` is the largest magnitude of the
  calibration inputs and ``qmax`` the top of the tile's input range; ``q_a = clamp(round(a / s_a))``
  into the tile's input range (an unsigned tile clamps negative inputs to 0, as ``net`` does for
  the non-negative activations after a ReLU).

The ``K x N`` weight matrix is cut into tiles of ``R x C`` (zero-padded at the edges); the tiles'
accumulators (``mvm(output="acc")``) of one output block are summed over the input blocks and the
host dequantizes them: ``y = acc * s_a * s_w[j] + bias[j]``. Every forward call runs its batch
as consecutive read-noise indices, continuing where the previous call stopped, as a tile that is
read again and again would. The forward pass is inference only: its output carries no gradient.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import Tile

__all__ = ["TileLinear"]


class TileLinear(nn.Module):
    """``linear``'s forward pass on tiles configured like ``tile``.

    Args:
        linear: the trained layer (its weight and bias are copied and quantized now).
        tile: a configured tile (``Tile.preset``, ``Tile.from_toml``, ``Tile.from_dict``); the
            layer uses as many tiles of its configuration as ``in_features x out_features`` needs.
        calibration: inputs that the layer sees in use (any shape ending in ``in_features``): their
            largest magnitude sets the input scale.
    """

    def __init__(self, linear: nn.Linear, tile: Tile, calibration: torch.Tensor) -> None:
        super().__init__()
        weight = linear.weight.detach().double().cpu().numpy().T  # K x N
        self.in_features, self.out_features = weight.shape
        self.rows, self.cols = tile.rows, tile.cols
        wmax = tile.weight_max
        lo, hi = tile.input_range
        self.input_range = (lo, hi)
        amax = float(calibration.detach().abs().max()) if calibration.numel() else 0.0
        qmax = hi if lo >= 0 else max(hi, -lo)
        self.input_scale = amax / qmax if amax > 0 else 1.0
        column_max = np.abs(weight).max(axis=0)
        self.weight_scale = np.where(column_max > 0, column_max / wmax, 1.0)
        q_weight = np.clip(np.rint(weight / self.weight_scale), -wmax, wmax).astype(np.int64)
        bias = linear.bias.detach().double().cpu().numpy() if linear.bias is not None else np.zeros(self.out_features)
        self.register_buffer("bias", torch.from_numpy(bias.copy()))
        row_tiles = -(-self.in_features // self.rows)
        col_tiles = -(-self.out_features // self.cols)
        padded = np.zeros((row_tiles * self.rows, col_tiles * self.cols), dtype=np.int64)
        padded[: self.in_features, : self.out_features] = q_weight
        # tiles[i][j]: input block i, output block j.
        self.tiles = []
        for i in range(row_tiles):
            row = []
            for j in range(col_tiles):
                t = tile.blank()
                t.program(padded[i * self.rows : (i + 1) * self.rows, j * self.cols : (j + 1) * self.cols])
                row.append(t)
            self.tiles.append(row)
        self.next_index = 0

    def quantize(self, x: torch.Tensor) -> np.ndarray:
        """The tile input codes of ``x`` (B x in_features)."""
        lo, hi = self.input_range
        return np.clip(np.rint(x.detach().double().cpu().numpy() / self.input_scale), lo, hi).astype(np.int64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``linear(x)`` computed on the tiles, in ``x``'s dtype and device."""
        shape = x.shape
        codes = self.quantize(x.reshape(-1, self.in_features))
        batch = codes.shape[0]
        padded = np.zeros((batch, len(self.tiles) * self.rows), dtype=np.int64)
        padded[:, : self.in_features] = codes
        acc = np.zeros((batch, len(self.tiles[0]) * self.cols), dtype=np.int64)
        for i, row in enumerate(self.tiles):
            block = padded[:, i * self.rows : (i + 1) * self.rows]
            for j, t in enumerate(row):
                acc[:, j * self.cols : (j + 1) * self.cols] += t.mvm(block, first_index=self.next_index, output="acc")
        self.next_index = (self.next_index + batch) % 2**32
        y = acc[:, : self.out_features] * (self.input_scale * self.weight_scale) + self.bias.numpy()
        return torch.from_numpy(y).to(dtype=x.dtype, device=x.device).reshape(*shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"tiles={len(self.tiles)}x{len(self.tiles[0])} of {self.rows}x{self.cols}")

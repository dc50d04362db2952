"""Type stubs of cimtile: the bit-exact analog compute-in-memory tile model over NumPy."""

from os import PathLike
from typing import Any, Literal, Mapping, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

IntArray = Union[npt.NDArray[np.integer[Any]], Sequence[Sequence[int]], Sequence[int]]
"""Any integer dtype (int8 ... uint64) or nested lists of ints; a float dtype raises ValueError."""

class Tile:
    """A configured tile; after ``program``, a programmed one, run by the golden model.

    Values are checked as the CLI checks its files: a value out of range, a wrong shape or a float
    array raises ``ValueError`` naming the array, the index and the allowed range.
    """

    @staticmethod
    def from_toml(path: Union[str, PathLike[str]], preset: Optional[str] = None) -> Tile:
        """A tile from a TOML file laid over ``preset`` (default: the ``default`` preset).

        Raises ``OSError`` if the file cannot be read, ``ValueError`` naming every problem of the
        configuration."""
    @staticmethod
    def preset(name: str) -> Tile:
        """A named preset: ``default``, ``isaac``, ``neurram``, ``fpga64``."""
    @staticmethod
    def from_dict(config: Mapping[str, Mapping[str, Any]], preset: Optional[str] = None) -> Tile:
        """A tile from the TOML file's sections and keys as a dict, e.g. ``{"adc": {"bits": 6}}``
        or with dotted names ``{"adc.bits": 6}``, laid over ``preset`` (default: ``default``)."""
    def blank(self) -> Tile:
        """A tile of the same configuration (and age) without weights, its column parameters at
        their defaults (1, 0, 0)."""
    def program(self, weights: IntArray) -> None:
        """Programs the R x C weights (each within ``±weight_max``); the column parameters stay."""
    def set_columns(self, columns: IntArray) -> None:
        """Sets the C x 3 column parameters ``mult, shift, bias`` (default 1, 0, 0 per column):
        mult in int16, shift in 0..=31, bias in int32."""
    def mvm(
        self, x: IntArray, first_index: int = 0, output: Literal["out", "acc"] = "out"
    ) -> npt.NDArray[np.int64]:
        """MVMs of the N x R inputs ``x`` (or one vector of R): the N x C outputs (or C), int64.

        Vector n runs at read-noise index ``k = first_index + n`` (modulo 2^32), so a batch equals
        the same vectors run one by one with consecutive indices. ``output="acc"`` gives the
        accumulators before the column arithmetic. Runs on every core without the GIL."""
    def info(self) -> dict[str, Any]:
        """The derived sizes of ``cimtile info`` (slices, physical columns, row groups, widths,
        cycles, stuck cells, drift), without the synthesis."""
    def ppa(self, x: Optional[IntArray] = None, mvms: int = 64, seed: int = 1) -> dict[str, Any]:
        """The figures of ``cimtile ppa --no-synth --json`` (the digital periphery left out): on the
        programmed weights and inputs ``x`` if given, else on ``mvms`` uniform random vectors and
        weights from ``seed`` (the CLI's default workload)."""
    def age(self, age: Union[str, float]) -> Tile:
        """The same tile ``age`` after programming (``"30d"``, ``"1y"``, units s m h d w y, or
        seconds): ``analog.drift`` from the drift law, as ``--age``; weights and column
        parameters programmed again."""
    def calibrate(self, vectors: int = 256, seed: int = 1) -> dict[str, Any]:
        """Column parameters that bring this (aged, faulty, IR-dropped) programmed tile close to
        the same tile fresh, as ``cimtile calibrate --engine model``: ``columns`` (C x 3, int64, for
        ``set_columns``), ``before`` and ``after`` (mean and max absolute error on held-out
        vectors) and the per-column ``fits``. The tile itself is not changed."""
    def faults(self) -> dict[str, npt.NDArray[Any]]:
        """The stuck cells of ``cimtile faults``: int64 arrays ``row``, ``phys_col``, ``col``,
        ``slice``, ``polarity`` (0: positive column of the pair, 1: negative) and bool
        ``stuck_on`` (False: stuck at 0)."""
    @property
    def weights(self) -> Optional[npt.NDArray[np.int64]]:
        """The programmed R x C weights, or None."""
    @property
    def columns(self) -> npt.NDArray[np.int64]:
        """The C x 3 column parameters."""
    @property
    def rows(self) -> int:
        """R, the length of an input vector (``array.rows``)."""
    @property
    def cols(self) -> int:
        """C, the length of an output vector (``array.cols``)."""
    @property
    def input_range(self) -> tuple[int, int]:
        """The inclusive range of an input value."""
    @property
    def weight_max(self) -> int:
        """The largest weight magnitude, ``2^(Wb-1) - 1``."""
    @property
    def config(self) -> str:
        """The complete configuration as TOML text."""
    @property
    def aging(self) -> Optional[str]:
        """After ``age``: how the age became ``analog.drift``; else None."""

class Network:
    """A network read from a file, quantized for a tile when it is evaluated."""

    @staticmethod
    def load(path: Union[str, PathLike[str]]) -> Network:
        """Reads a model: a NumPy ``.npz`` MLP (and, where the library reads them, ``.onnx``)."""
    @property
    def input_shape(self) -> list[int]:
        """The shape of one input, without the batch dimension."""
    @property
    def classes(self) -> int:
        """Outputs of the last layer."""
    def evaluate(
        self,
        tile: Tile,
        x: npt.ArrayLike,
        y: IntArray,
        images: Optional[int] = None,
        calibrate: bool = False,
    ) -> dict[str, Any]:
        """Quantizes the network for ``tile``, maps it onto tiles of its configuration and runs
        the images ``x`` (float, N x input shape) against the labels ``y``: the figures of
        ``cimtile net --report`` (``accuracy``, ``integer_accuracy``, ``float_accuracy``,
        ``predictions``, ``tiles``, ``energy_pj_per_image``, ...)."""

"""cimtile: the bit-exact model of an analog compute-in-memory tile, from Python.

The same Rust library as the ``cimtile`` command line: a :class:`Tile` is configured from a
preset, a TOML file or a dict, programmed with NumPy weights and run with ``Tile.mvm``; ``info``,
``ppa``, ``age``, ``calibrate`` and ``faults`` answer as the CLI's commands do. Bad values raise
``ValueError`` with the CLI's messages. ``cimtile.torch`` (importable when PyTorch is installed)
runs ``nn.Linear`` layers on tiles.
"""

from ._native import Network, Tile

__all__ = ["Network", "Tile"]

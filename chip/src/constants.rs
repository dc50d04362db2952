//! Every constant the chip adds to its tiles, with its unit and source. `cimtile chip --json`
//! lists them as used; docs/chip.md is this file in prose.

pub use cimtile_tile::ppa::constants::energy_scale;
use cimtile_tile::ppa::constants::{self as ppa, constant, Constant};
use std::collections::BTreeMap;

/// The node of the Horowitz energies below.
pub const HOROWITZ_NODE_NM: Constant = constant(
    45.0,
    "nm",
    "M. Horowitz, \"Computing's energy problem (and what we can do about it)\", ISSCC 2014, Fig. 1.1.9: 45 nm, 0.9 V",
);

/// Energy of one 64-bit read of an 8 KB SRAM at [`HOROWITZ_NODE_NM`].
pub const SRAM_8KB_PJ_PER_64B: Constant = constant(
    10.0,
    "pJ per 64-bit access",
    "Horowitz, ISSCC 2014, Fig. 1.1.9: 8 KB SRAM, 64-bit read, 10 pJ",
);

/// How an SRAM's access energy grows with its size: `E ~ size^x`.
pub const SRAM_SIZE_EXPONENT: Constant = constant(
    0.5,
    "1",
    "Horowitz, ISSCC 2014, Fig. 1.1.9: 8 KB 10 pJ, 32 KB 20 pJ (x2 for x4 in size), 1 MB 100 pJ (x5 for x32)",
);

/// SRAM bit cell, in F^2 at the node.
pub const SRAM_CELL_F2: Constant = constant(
    280.0,
    "F^2",
    "DNN+NeuroSim V1.4, Param.cpp: heightInFeatureSizeSRAM = 10, widthInFeatureSizeSRAM = 28 (nodes above 14 nm); cells only, no decoders or sense amplifiers",
);

/// A 32-bit integer addition at [`HOROWITZ_NODE_NM`]; an adder's energy is taken linear in its width.
pub const ADD32_PJ: Constant = constant(
    0.1,
    "pJ",
    "Horowitz, ISSCC 2014, Fig. 1.1.9: 32-bit integer add 0.1 pJ",
);

/// A 32-bit integer multiplication at [`HOROWITZ_NODE_NM`]; a multiplier's energy is taken
/// quadratic in its width (8-bit: 0.2 pJ in the same figure, 0.19 by the rule).
pub const MULT32_PJ: Constant = constant(
    3.1,
    "pJ",
    "Horowitz, ISSCC 2014, Fig. 1.1.9: 32-bit integer multiply 3.1 pJ",
);

/// Capacitance of an on-chip wire per length, roughly constant across nodes.
pub const WIRE_FF_PER_UM: Constant = constant(
    0.2,
    "fF/um",
    "R. Ho, K. Mai, M. Horowitz, \"The future of wires\", Proc. IEEE 89(4), 2001: about 2 pF/cm, nearly constant with scaling",
);

/// Fraction of the bits on a link that toggle per transfer.
pub const LINK_TOGGLE: Constant = constant(
    0.18,
    "toggles per bit and transfer",
    "DNN+NeuroSim V1.4, Param.cpp: inputtoggle = 0.18, its recommended value for VGG8-CIFAR10 interconnect energy",
);

/// Width of a mesh link: each router holds a register of this many bits per port.
pub const FLIT_BITS: Constant = constant(
    64.0,
    "bits",
    "assumption: a 64-bit link per direction (NeuroSim's bus width is sized by its floorplan)",
);

/// Ports per mesh router: north, east, south, west and the local tile.
pub const ROUTER_PORTS: Constant = constant(
    5.0,
    "ports",
    "a 2-D mesh router: four neighbours and the local tile",
);

/// Full-adder cell area at 180 nm: one bit of an adder, comparator or multiplier array.
pub const FULL_ADDER_UM2: Constant = constant(120.0, "um^2", "osu018_stdcells.lib: FAX1 area 120");

/// Flip-flop cell area at 180 nm: one bit of a register.
pub const FLIP_FLOP_UM2: Constant = constant(96.0, "um^2", "osu018_stdcells.lib: DFFPOSX1 area 96");

/// Every constant of the chip model, by name.
pub fn all() -> BTreeMap<String, Constant> {
    [
        ("horowitz_node_nm", HOROWITZ_NODE_NM),
        ("sram_8kb_pj_per_64b", SRAM_8KB_PJ_PER_64B),
        ("sram_size_exponent", SRAM_SIZE_EXPONENT),
        ("sram_cell_f2", SRAM_CELL_F2),
        ("add32_pj", ADD32_PJ),
        ("mult32_pj", MULT32_PJ),
        ("wire_ff_per_um", WIRE_FF_PER_UM),
        ("link_toggle", LINK_TOGGLE),
        ("flit_bits", FLIT_BITS),
        ("router_ports", ROUTER_PORTS),
        ("full_adder_um2", FULL_ADDER_UM2),
        ("flip_flop_um2", FLIP_FLOP_UM2),
        ("stillmaker_energy_130", ppa::STILLMAKER_ENERGY_130),
        ("stillmaker_energy_32", ppa::STILLMAKER_ENERGY_32),
    ]
    .into_iter()
    .map(|(name, c)| (name.to_string(), c))
    .collect()
}

//! Published chip figures beside which `cimtile chip` prints its own, by preset: DNN+NeuroSim's
//! VGG-8 on CIFAR-10 (`neurosim`) and NeuRRAM's core count (`neurram`).

use crate::ChipReport;
pub use cimtile_tile::ppa::Published;

/// A preset's published chip figures, and the run behind them when one run gave them all.
pub struct Anchors {
    /// The figures, each beside the tool's.
    pub figures: &'static [Published<ChipReport>],
    /// The run (tool, version, configuration) behind every figure, printed once under them.
    pub run: Option<&'static str>,
}

/// The published chip figures of the preset `name`, if any.
pub fn for_preset(name: &str) -> Anchors {
    match name {
        "neurosim" => Anchors {
            figures: NEUROSIM_VGG8,
            run: Some(NEUROSIM_RUN),
        },
        "neurram" => Anchors {
            figures: NEURRAM,
            run: None,
        },
        _ => Anchors {
            figures: &[],
            run: None,
        },
    }
}

/// The DNN+NeuroSim run these figures come from, for the comparison's caption.
pub const NEUROSIM_RUN: &str = "DNN+NeuroSim V1.4 (github.com/neurosim/DNN_NeuroSim_V1.4), Data/1.4_Release_test.csv, \
    first row: VGG8 on CIFAR-10 (1.23184e9 operations per image), 22 nm, 128x128 subarrays of 1-bit cells, \
    on/off 1/17 (RRAM: resistanceOff = 17 x resistanceOn in Param.cpp), 16-level (4-bit) ADCs, 128 rows read in parallel, \
    8-bit weights and activations, pipelined; the columns are unlabelled: read as chip area um^2 (col 5), latency ns \
    (col 12), energy pJ (col 10), TOPS/W (col 26), TOPS (col 27), FPS (col 28), which agree with each other \
    (operations x FPS = TOPS, 1/FPS = latency)";

/// DNN+NeuroSim's published VGG-8 figures (see [`NEUROSIM_RUN`]).
const NEUROSIM_VGG8: &[Published<ChipReport>] = &[
    Published {
        what: "VGG-8 chip area",
        value: Some(84.77),
        unit: "mm^2",
        source: NEUROSIM_RUN,
        ours: |r| r.area_mm2,
    },
    Published {
        what: "VGG-8 energy per image",
        value: Some(52.74),
        unit: "uJ",
        source: NEUROSIM_RUN,
        ours: |r| r.energy_uj_per_inference,
    },
    Published {
        what: "VGG-8 energy efficiency",
        value: Some(23.94),
        unit: "TOPS/W",
        source: NEUROSIM_RUN,
        ours: |r| r.tops_per_w,
    },
    Published {
        what: "VGG-8 latency per image",
        value: Some(194.2),
        unit: "us",
        source: NEUROSIM_RUN,
        ours: |r| r.latency_us,
    },
    Published {
        what: "VGG-8 throughput",
        value: Some(5148.7),
        unit: "images/s",
        source: NEUROSIM_RUN,
        ours: |r| r.inferences_per_s,
    },
];

/// NeuRRAM's cores (Wan et al., Nature 608, 2022): a network that needs more tiles of the
/// `neurram` preset than this does not fit on one NeuRRAM chip.
const NEURRAM: &[Published<ChipReport>] = &[Published {
    what: "cores (256x256 RRAM each) on one chip",
    value: Some(48.0),
    unit: "tiles",
    source: "NeuRRAM (Wan et al., Nature 608, 504-512, 2022), main text and Fig. 1: 48 CIM cores of 256x256 RRAM, 3 million cells in 130 nm CMOS",
    ours: |r| r.tiles as f64,
}];

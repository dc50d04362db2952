//! Published chip figures beside which `cimtile chip` prints its own: DNN+NeuroSim's VGG-8 on
//! CIFAR-10 and NeuRRAM's core count.

use crate::ChipReport;

/// A published figure and the tool's figure for the same quantity.
pub struct Published {
    /// The quantity, as the comparison line names it (`VGG-8 chip area`).
    pub what: &'static str,
    /// The published value, in `unit`.
    pub value: f64,
    /// The unit of `value` and of `ours` (`mm^2`, `uJ`, `TOPS/W`).
    pub unit: &'static str,
    /// Paper, table or file, and the configuration behind the number.
    pub source: &'static str,
    /// The same quantity read from this tool's report, in `unit`.
    pub ours: fn(&ChipReport) -> f64,
}

/// The DNN+NeuroSim run these figures come from, for the comparison's caption.
pub const NEUROSIM_RUN: &str = "DNN+NeuroSim V1.4 (github.com/neurosim/DNN_NeuroSim_V1.4), Data/1.4_Release_test.csv, \
    first row: VGG8 on CIFAR-10 (1.23184e9 operations per image), 22 nm, 128x128 subarrays of 1-bit cells, \
    on/off 1/17 (RRAM: resistanceOff = 17 x resistanceOn in Param.cpp), 16-level (4-bit) ADCs, 128 rows read in parallel, \
    8-bit weights and activations, pipelined; the columns are unlabelled: read as chip area um^2 (col 5), latency ns \
    (col 12), energy pJ (col 10), TOPS/W (col 26), TOPS (col 27), FPS (col 28), which agree with each other \
    (operations x FPS = TOPS, 1/FPS = latency)";

/// DNN+NeuroSim's published VGG-8 figures (see [`NEUROSIM_RUN`]).
pub fn neurosim_vgg8() -> [Published; 5] {
    [
        Published {
            what: "VGG-8 chip area",
            value: 84.77,
            unit: "mm^2",
            source: NEUROSIM_RUN,
            ours: |r| r.area_mm2,
        },
        Published {
            what: "VGG-8 energy per image",
            value: 52.74,
            unit: "uJ",
            source: NEUROSIM_RUN,
            ours: |r| r.energy_uj_per_inference,
        },
        Published {
            what: "VGG-8 energy efficiency",
            value: 23.94,
            unit: "TOPS/W",
            source: NEUROSIM_RUN,
            ours: |r| r.tops_per_w,
        },
        Published {
            what: "VGG-8 latency per image",
            value: 194.2,
            unit: "us",
            source: NEUROSIM_RUN,
            ours: |r| r.latency_us,
        },
        Published {
            what: "VGG-8 throughput",
            value: 5148.7,
            unit: "images/s",
            source: NEUROSIM_RUN,
            ours: |r| r.inferences_per_s,
        },
    ]
}

/// NeuRRAM's cores (Wan et al., Nature 608, 2022): a network that needs more tiles of the
/// `neurram` preset than this does not fit on one NeuRRAM chip.
pub fn neurram() -> [Published; 1] {
    [Published {
        what: "cores (256x256 RRAM each) on one chip",
        value: 48.0,
        unit: "tiles",
        source: "NeuRRAM (Wan et al., Nature 608, 504-512, 2022), main text and Fig. 1: 48 CIM cores of 256x256 RRAM, 3 million cells in 130 nm CMOS",
        ours: |r| r.tiles as f64,
    }]
}

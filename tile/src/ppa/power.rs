//! The digital periphery's power as a signoff tool computes it, handed to the estimate: the
//! synthesized netlist priced with its library's internal-power, pin-capacitance and leakage
//! tables at the tile's clock (crate `cimtile-power`, run by `cimtile-flows`), split by block,
//! with how the activity was obtained. The estimate turns it into energy per MVM and scales it
//! from the library's node to `tech.node_nm` by Stillmaker and Baas.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Internal, switching and leakage power, mW.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PowerSplit {
    /// Cells' internal power (short-circuit and internal nodes, clock pins included), mW.
    pub internal_mw: f64,
    /// Charging the nets' loads (pin capacitances and wire load), mW.
    pub switching_mw: f64,
    /// Leakage, mW.
    pub leakage_mw: f64,
}

impl PowerSplit {
    /// The sum of the three, mW.
    pub fn total_mw(&self) -> f64 {
        self.internal_mw + self.switching_mw + self.leakage_mw
    }

    /// Each part times `factor`.
    pub fn scaled(&self, factor: f64) -> PowerSplit {
        PowerSplit {
            internal_mw: self.internal_mw * factor,
            switching_mw: self.switching_mw * factor,
            leakage_mw: self.leakage_mw * factor,
        }
    }
}

/// The cell library a netlist was priced with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryFigures {
    /// `osu018` or `nangate45`.
    pub name: String,
    /// The library's node, nm.
    pub node_nm: f64,
    /// Its nominal supply, V (the Liberty file's `nom_voltage`).
    pub voltage_v: f64,
    /// The Liberty file read.
    pub liberty: String,
}

/// The synthesized periphery's power at the library's node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigitalPower {
    /// The library the netlist was mapped onto and priced with.
    pub library: LibraryFigures,
    /// The clock it was priced at, MHz (`tech.clock_mhz`).
    pub clock_mhz: f64,
    /// How the activity was obtained (measured by co-simulation, or uniform and its value).
    pub activity: String,
    /// The whole periphery.
    pub total: PowerSplit,
    /// By block of `cimtile ppa` (cells the tool could not place in a block are `other`).
    pub by_block: BTreeMap<String, PowerSplit>,
    /// Standard cells priced.
    pub cells: u64,
}

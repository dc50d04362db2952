//! The power report: totals, their split, and the split by top-level block.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Power split into its three parts (mW).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// Internal (short-circuit and internal-node) power of the cells, from their tables (mW).
    pub internal_mw: f64,
    /// Switching power of the nets the cells drive, 0.5 C V^2 per transition (mW).
    pub switching_mw: f64,
    /// Leakage (mW).
    pub leakage_mw: f64,
    /// Sum of the three (mW).
    pub total_mw: f64,
    /// Instances counted.
    pub cells: usize,
}

impl Split {
    pub(crate) fn add(&mut self, internal_w: f64, switching_w: f64, leakage_w: f64) {
        self.internal_mw += internal_w * 1e3;
        self.switching_mw += switching_w * 1e3;
        self.leakage_mw += leakage_w * 1e3;
        self.total_mw = self.internal_mw + self.switching_mw + self.leakage_mw;
    }
}

/// The result of [`crate::estimate`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PowerReport {
    /// Clock period the rates refer to (ns).
    pub clock_period_ns: f64,
    /// Supply voltage used for switching power (V).
    pub voltage: f64,
    /// Global activity (transitions per cycle).
    pub activity: f64,
    /// Whole design.
    pub total: Split,
    /// Energy per clock cycle (pJ): total power times the period.
    pub energy_per_cycle_pj: f64,
    /// By top-level block: the first component of the hierarchical instance name, or of the
    /// name of the net an unnamed (ABC-made) cell drives; `(top)` when neither says.
    pub by_block: BTreeMap<String, Split>,
    /// By cell kind: `sequential` (flip-flops, latches, clock gates) and `combinational`.
    pub by_kind: BTreeMap<String, Split>,
    /// Instances not in the library, priced at zero: `instance (cell)`.
    pub unpriced_cells: Vec<String>,
    /// The wire-load assumption used.
    pub wire_load: String,
    /// Instances with no clocked pin (fed only by primary inputs); see the crate doc.
    pub unclocked_instances: usize,
    /// Instances on combinational loops (their slews were not propagated).
    pub loop_instances: usize,
    /// Per-net overrides that named no net of the netlist.
    pub unknown_override_nets: Vec<String>,
}

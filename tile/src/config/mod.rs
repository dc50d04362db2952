//! The tile configuration: the TOML file form ([`TileConfig`]), its presets, and the validated
//! parameters with every derived size ([`TileParams`]) that the golden model, the RTL generator
//! and the co-simulation all read. Nothing downstream sees an unvalidated number.
//!
//! A configuration is a preset (the `default` one unless named) with a TOML file laid over it,
//! key by key. Unknown sections or keys and wrongly typed values are errors, so a typo is never
//! ignored; every out-of-range value is reported with its key, its value and the allowed range.
//!
//! - `presets`: the named presets, each a complete TOML file.
//! - `overlay`: a TOML file laid over a preset, key by key, with typed errors.
//! - `tech`: the technology behind a tile (node, clock, library constants) for the cost model.
//! - `params`: validation into [`TileParams`], with every derived size.
//! - `widths`: the bit widths of every stage, derived from the value bounds.
//! - `drift`: the host's conversion of a time since programming into the spec's drift D.

mod drift;
mod overlay;
mod params;
mod presets;
mod tech;
mod widths;

pub use drift::DriftLaw;
pub use params::{Activation, TileParams, MAX_ADC_LATENCY};
pub use presets::{preset, Preset, PRESETS};
pub use tech::{CellLibrary, TechConfig, TECH_RANGES};
pub use widths::{signed_width, Widths};

use overlay::{overlay_table, parse_table, table_to_config};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every problem found in a configuration, one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// One message per problem, each naming its key, value and allowed range where it has them.
    pub problems: Vec<String>,
}

impl ConfigError {
    fn single(problem: String) -> Self {
        ConfigError {
            problems: vec![problem],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

/// The file form of a configuration: the spec's sections and keys, numbers as TOML integers
/// (the host-side drift law's `drift_t0` and `drift_nu` excepted); `[tech]` (physical
/// figures for `cimtile ppa`, not part of the numeric contract) as floats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TileConfig {
    /// `[array]`: the crossbar's shape and how many rows one read drives.
    pub array: ArrayConfig,
    /// `[weights]`: weight width and bits per cell.
    pub weights: WeightsConfig,
    /// `[inputs]`: input width and signedness.
    pub inputs: InputsConfig,
    /// `[adc]`: the shared ADCs' resolution, count, LSB and conversion time.
    pub adc: AdcConfig,
    /// `[analog]`: fine conductance units, noise, the seed and the v2 device effects.
    pub analog: AnalogConfig,
    /// Spec v2; a v1 file (a replayed case, say) without it reads as no faults.
    #[serde(default)]
    pub faults: FaultsConfig,
    /// `[output]`: output width, signedness and activation.
    pub output: OutputConfig,
    /// Not part of the contract; a file without it takes the `default` preset's technology.
    #[serde(default)]
    pub tech: TechConfig,
}

/// `[array]`: the crossbar's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrayConfig {
    /// R, 1..=4096: wordlines, one per input element.
    pub rows: i64,
    /// C, 1..=4096: logical output columns (neurons).
    pub cols: i64,
    /// Rg, 1..=R: rows driven together in one analog read.
    pub rows_per_read: i64,
}

/// `[weights]`: how a weight is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsConfig {
    /// Wb, 2..=16: signed weight width.
    pub bits: i64,
    /// Bc, 1..=8: bits per ReRAM cell (levels `0..=2^Bc-1`); a weight spans `ceil((Wb-1)/Bc)`
    /// cells per sign.
    pub cell_bits: i64,
}

/// `[inputs]`: the input vector's elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputsConfig {
    /// Ib, 1..=16: input width, applied one bit at a time.
    pub bits: i64,
    /// Inputs are two's complement if true, unsigned otherwise.
    pub signed: bool,
    /// W, 1..=min(Rg, 64) dividing Rg: elements per transfer of the input stream, so that a tile with many
    /// rows loads a vector in `ceil(R/W)` cycles, within its conversions; absent, W = 1. Timing
    /// and ports only: the arithmetic does not depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_transfer: Option<i64>,
}

/// `[adc]`: the ADCs shared by all physical columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdcConfig {
    /// Ab, 1..=16: ADC resolution, codes `0..=2^Ab-1`.
    pub bits: i64,
    /// A, 1..=P (physical columns): number of ADCs.
    pub count: i64,
    /// ADC LSB in fine units, 1..=2^24; `2^fine_bits` converts one cell level to one code.
    pub step: i64,
    /// Ta, 1..=64: clock cycles per conversion (one ADC's throughput interval).
    pub cycles: i64,
    /// L, Ta..=256: cycles from a conversion's start to its codes (a pipelined ADC has several
    /// conversions in flight); absent, L = Ta. Timing only: the arithmetic does not depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<i64>,
    /// How a conversion is priced by `cimtile ppa` (`sar` when absent, as before the key).
    /// Cost only: neither the arithmetic nor the RTL depends on it.
    #[serde(default)]
    pub kind: AdcKind,
}

/// The circuit a conversion is priced as (`adc.kind`): each its energy per conversion and area
/// from its own source (docs/ppa.md, "ADCs by kind").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdcKind {
    /// A Nyquist ADC at the Murmann survey's median figures of merit (ISAAC's SAR).
    #[default]
    Sar,
    /// DNN+NeuroSim V1.4's current-mode multilevel sense amplifier: `2^bits - 1` comparators
    /// against reference columns, one conversion in one sensing time.
    SenseAmp,
    /// NeuRRAM's voltage-mode neuron: it integrates the column's charge, then converts by
    /// charge-decrement steps.
    Integrating,
}

impl AdcKind {
    /// Every kind, as a configuration names it.
    pub const NAMES: &'static [&'static str] = &["sar", "sense_amp", "integrating"];

    /// The name a configuration uses: `sar`, `sense_amp`, `integrating`.
    pub fn name(self) -> &'static str {
        match self {
            AdcKind::Sar => "sar",
            AdcKind::SenseAmp => "sense_amp",
            AdcKind::Integrating => "integrating",
        }
    }
}

/// `[analog]`: the analog model's resolution, noise and device effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalogConfig {
    /// E, 0..=8: fractional bits of one conductance level (a level is `2^E` fine units).
    pub fine_bits: i64,
    /// Nr, 0..=2^20: read-noise amplitude, fine units.
    pub read_noise: i64,
    /// Np, 0..=2^20: per-cell programming-error amplitude, fine units.
    pub program_error: i64,
    /// 0..=2^32-1: the one seed of every pseudo-random effect.
    pub seed: i64,
    // Spec v2 device effects: default 0 so that a v1 file reads as a v1 tile.
    /// D (v2), 0..=65536: nominal conductance loss since programming, in 1/65536.
    #[serde(default)]
    pub drift: i64,
    /// Ds (v2), 0..=65536: amplitude of the per-cell variation of the drift, in 1/65536.
    #[serde(default)]
    pub drift_spread: i64,
    /// Q (v2), 0..=Qmax ([`TileParams::ir_drop_max`]): bit-line IR-drop coefficient.
    #[serde(default)]
    pub ir_drop: i64,
    /// Host side: reference time t0 (seconds) of the drift law that `--age` uses.
    #[serde(default = "default_drift_t0")]
    pub drift_t0: f64,
    /// Host side: exponent nu of the drift law g(t) = g(t0) (t/t0)^-nu.
    #[serde(default = "default_drift_nu")]
    pub drift_nu: f64,
}

// The drift law's defaults, for files that predate the keys; the presets state the same values.
fn default_drift_t0() -> f64 {
    1.0
}

fn default_drift_nu() -> f64 {
    0.01
}

/// Spec v2 stuck cells, in parts per million of all cells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsConfig {
    /// Foff, 0..=1000000: per-cell probability of being stuck at conductance 0, ppm.
    pub stuck_off_ppm: i64,
    /// Fon, 0..=1000000-Foff: per-cell probability of being stuck at the top level, ppm.
    pub stuck_on_ppm: i64,
}

/// `[output]`: the column outputs after scaling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Ob, 2..=32: output width; results saturate to its range.
    pub bits: i64,
    /// The output range is signed if true, unsigned otherwise.
    pub signed: bool,
    /// `none` or `relu`.
    pub activation: String,
    /// The tile returns its accumulators `acc[c]` as they are, for a chip that adds and
    /// requantizes them: the RTL has no column parameters and no activation unit. Needs
    /// activation `none`, a signed output and `bits` at least the accumulator's width. Absent:
    /// false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub raw: bool,
}

impl Default for TileConfig {
    fn default() -> Self {
        TileConfig::from_preset("default").expect("the default preset is valid TOML")
    }
}

impl TileConfig {
    /// The preset `name` as it stands (see [`PRESETS`]).
    pub fn from_preset(name: &str) -> Result<Self, ConfigError> {
        let base = parse_table(preset(name)?.toml)?;
        table_to_config(base)
    }

    /// The preset `base` (or `default`) with the TOML text `overlay` laid over it.
    pub fn layered(base: Option<&str>, overlay: &str) -> Result<Self, ConfigError> {
        let mut table = parse_table(preset(base.unwrap_or("default"))?.toml)?;
        let patch = parse_table(overlay)?;
        overlay_table(&mut table, patch)?;
        table_to_config(table)
    }

    /// The complete TOML text of this configuration, every key: a file that reads back the same.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a TileConfig always serializes")
    }

    /// Checks every range and derives the sizes: the [`TileParams`] or every problem found.
    pub fn validate(&self) -> Result<TileParams, ConfigError> {
        TileParams::new(self)
    }

    /// This configuration with `key` (`section.name`) set to `value`, written as in TOML (`6`,
    /// `true`; anything else is a string, so `relu` works unquoted), checked like a file's key.
    pub fn with_key(&self, key: &str, value: &str) -> Result<TileConfig, ConfigError> {
        let Some((section, name)) = key
            .split_once('.')
            .filter(|(s, n)| !s.is_empty() && !n.is_empty())
        else {
            return Err(ConfigError::single(format!(
                "'{key}' is not a configuration key (section.key, such as adc.bits)"
            )));
        };
        let parsed = parse_table(&format!("v = {value}"))
            .ok()
            .filter(|t| t.len() == 1)
            .and_then(|mut t| t.remove("v"));
        let value = parsed.unwrap_or_else(|| toml::Value::String(value.to_string()));
        let patch = toml::Table::from_iter([(
            section.to_string(),
            toml::Table::from_iter([(name.to_string(), value)]).into(),
        )]);
        let mut table = toml::Table::try_from(self).expect("a TileConfig always serializes");
        overlay_table(&mut table, patch)?;
        table_to_config(table)
    }
}

impl TileConfig {
    /// The drift law of `analog.drift_t0` and `analog.drift_nu`.
    pub fn drift_law(&self) -> Result<DriftLaw, ConfigError> {
        DriftLaw::new(self.analog.drift_t0, self.analog.drift_nu).map_err(ConfigError::single)
    }

    /// The same tile fresh (spec section 7): the same seed with the five v2 keys at 0.
    pub fn fresh(&self) -> TileConfig {
        let mut fresh = self.clone();
        (
            fresh.analog.drift,
            fresh.analog.drift_spread,
            fresh.analog.ir_drop,
        ) = (0, 0, 0);
        fresh.faults = FaultsConfig::default();
        fresh
    }
}

#[cfg(test)]
mod tests;

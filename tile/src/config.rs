//! The tile configuration: the TOML file form ([`TileConfig`]), its presets, and the validated
//! parameters with every derived size ([`TileParams`]) that the golden model, the RTL generator
//! and the co-simulation all read. Nothing downstream sees an unvalidated number.
//!
//! A configuration is a preset (the `default` one unless named) with a TOML file laid over it,
//! key by key. Unknown sections or keys and wrongly typed values are errors, so a typo is never
//! ignored; every out-of-range value is reported with its key, its value and the allowed range.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A named preset: its TOML text is complete (every key), so it can serve as the base of a file.
pub struct Preset {
    /// The name a configuration or `--preset` selects it by, such as `default`.
    pub name: &'static str,
    /// One line: what the tile is and where its figures come from.
    pub summary: &'static str,
    /// The complete TOML text of the preset, every section and key.
    pub toml: &'static str,
}

/// The presets, `default` first. Each file's header names its source.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "default",
        summary: "small ideal tile (16x4, 4-bit weights and inputs): computes W^T x exactly",
        toml: include_str!("../presets/default.toml"),
    },
    Preset {
        name: "isaac",
        summary: "ISAAC (ISCA 2016): 128x128 array, 2-bit cells, 16-bit weights and inputs, one 8-bit ADC",
        toml: include_str!("../presets/isaac.toml"),
    },
    Preset {
        name: "neurram",
        summary: "NeuRRAM (Nature 2022): 256x256 differential array, 3-bit cells, 4-bit weights and inputs, 16 ADCs, noise",
        toml: include_str!("../presets/neurram.toml"),
    },
    Preset {
        name: "fpga64",
        summary: "FPGA-sized 64x64 cell array, 8 ADCs, noise and modest v2 effects: fits the emulated crossbar",
        toml: include_str!("../presets/fpga64.toml"),
    },
    Preset {
        name: "neurosim",
        summary: "DNN+NeuroSim's RRAM case (V1.4): 128x128 array of 1-bit cells, 8-bit weights and inputs, 4-bit ADCs shared by 8 columns, 22 nm",
        toml: include_str!("../presets/neurosim.toml"),
    },
];

/// The preset called `name`, or an error that lists the known ones.
pub fn preset(name: &str) -> Result<&'static Preset, ConfigError> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        ConfigError::single(format!(
            "unknown preset '{name}' (known presets: {})",
            PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

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
}

/// The technology behind a tile, for the area, time and energy estimate (`cimtile ppa`). It
/// changes no bit of the tile's arithmetic. Units are in the key names; the table of
/// constants in docs/ppa.md gives each default's source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechConfig {
    /// CMOS node (feature size F), nm.
    pub node_nm: f64,
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
    fn check(&self, problems: &mut Vec<String>) {
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

fn parse_table(text: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| {
        let message = e.message().trim().replace('\n', "; ");
        let Some(span) = e.span() else {
            return ConfigError::single(format!("not valid TOML: {message}"));
        };
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        ConfigError::single(format!(
            "not valid TOML at line {line}, column {column}: {message}"
        ))
    })
}

fn type_name(v: &toml::Value) -> &'static str {
    v.type_str()
}

/// Lays `patch` over `base` key by key. `base` is a complete preset, so it also serves as the
/// schema: a section or key it lacks is unknown (but for [`OPTIONAL_KEYS`]), and a value must have the type it has there.
/// Integer keys that a complete preset leaves out because their absence has a meaning.
const OPTIONAL_KEYS: [(&str, &str); 1] = [("adc", "latency")];

fn overlay_table(base: &mut toml::Table, patch: toml::Table) -> Result<(), ConfigError> {
    let mut problems = Vec::new();
    for (section, value) in patch {
        let Some(toml::Value::Table(base_section)) = base.get_mut(&section) else {
            problems.push(format!(
                "unknown section [{section}] (known sections: {})",
                base.keys()
                    .map(|k| format!("[{k}]"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            continue;
        };
        let toml::Value::Table(keys) = value else {
            problems.push(format!(
                "[{section}] must be a table, not a {}",
                type_name(&value)
            ));
            continue;
        };
        for (key, value) in keys {
            match base_section.get_mut(&key) {
                // A key whose absence means something (`adc.latency`: Ta) is in no preset.
                None if OPTIONAL_KEYS.contains(&(section.as_str(), key.as_str()))
                    && value.is_integer() =>
                {
                    base_section.insert(key, value);
                }
                None => problems.push(format!(
                    "unknown key '{section}.{key}' (keys of [{section}]: {})",
                    base_section.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
                Some(slot) if slot.same_type(&value) => *slot = value,
                // A whole number where a real one is expected (`drift_t0 = 1`) is that number.
                Some(slot) if slot.is_float() && value.is_integer() => {
                    *slot = toml::Value::Float(value.as_integer().expect("an integer") as f64)
                }
                Some(slot) => problems.push(format!(
                    "{section}.{key} must be {}, not {} {}",
                    article_type(slot),
                    article(type_name(&value)),
                    type_name(&value)
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ConfigError { problems })
    }
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn article_type(v: &toml::Value) -> String {
    format!("{} {}", article(type_name(v)), type_name(v))
}

fn table_to_config(table: toml::Table) -> Result<TileConfig, ConfigError> {
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            ConfigError::single(format!("invalid configuration: {}", e.message()))
        })
}

/// Output activation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// The scaled, saturated value as it is.
    None,
    /// Negative values become 0.
    Relu,
}

/// The validated tile: the one form of a tile's configuration that the golden model, the RTL
/// generator, the co-simulation and the CLI take. It is made only by validation
/// ([`TileConfig::validate`], [`TileParams::new`]), so every value is in range and every derived
/// size consistent; its parameters are read through methods named with the spec's symbols, and
/// [`TileParams::config`] gives back the configuration it was validated from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileParams {
    // Documented on their read methods (`getters!` below).
    #[serde(skip)]
    pub(crate) config: TileConfig,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) rows_per_read: usize,
    pub(crate) weight_bits: u32,
    pub(crate) cell_bits: u32,
    pub(crate) input_bits: u32,
    pub(crate) inputs_signed: bool,
    pub(crate) adc_bits: u32,
    pub(crate) adc_count: usize,
    pub(crate) adc_step: u32,
    pub(crate) adc_cycles: u32,
    pub(crate) adc_latency: u32,
    pub(crate) fine_bits: u32,
    pub(crate) read_noise: u32,
    pub(crate) program_error: u32,
    pub(crate) seed: u32,
    pub(crate) drift: u32,
    pub(crate) drift_spread: u32,
    pub(crate) ir_drop: u64,
    pub(crate) stuck_off_ppm: u32,
    pub(crate) stuck_on_ppm: u32,
    pub(crate) output_bits: u32,
    pub(crate) output_signed: bool,
    pub(crate) activation: Activation,
    pub(crate) slices: usize,
    pub(crate) phys_cols: usize,
    pub(crate) groups: usize,
    pub(crate) phases: usize,
}

/// The default preset's tile.
impl Default for TileParams {
    fn default() -> Self {
        TileConfig::default()
            .validate()
            .expect("the default preset is valid")
    }
}

/// Read access to the validated parameters, one documented method per field.
macro_rules! getters {
    ($($(#[doc = $doc:expr])* $name:ident: $ty:ty;)*) => {
        impl TileParams {
            $($(#[doc = $doc])* pub fn $name(&self) -> $ty { self.$name })*
        }
    };
}

getters! {
    /// R: wordlines (inputs).
    rows: usize;
    /// C: logical output columns.
    cols: usize;
    /// Rg: rows driven together in one analog read.
    rows_per_read: usize;
    /// Wb: signed weight width.
    weight_bits: u32;
    /// Bc: bits per cell.
    cell_bits: u32;
    /// Ib: input width.
    input_bits: u32;
    /// Whether inputs are signed (two's complement) or unsigned.
    inputs_signed: bool;
    /// Ab: ADC resolution.
    adc_bits: u32;
    /// A: ADCs.
    adc_count: usize;
    /// ADC LSB in fine units.
    adc_step: u32;
    /// Ta: cycles per conversion.
    adc_cycles: u32;
    /// L: cycles from `conv_start` to the codes, at least Ta (`adc.latency`, Ta when absent).
    adc_latency: u32;
    /// E: fractional bits of one conductance level.
    fine_bits: u32;
    /// Nr: read noise amplitude.
    read_noise: u32;
    /// Np: programming error amplitude.
    program_error: u32;
    /// The seed of the device hash (programming error, read noise, faults, drift spread).
    seed: u32;
    /// D: nominal conductance loss since programming, in 1/65536 (spec v2).
    drift: u32;
    /// Ds: amplitude of the per-cell variation of the drift, in 1/65536.
    drift_spread: u32;
    /// Q: bit-line IR-drop coefficient, `0..=Qmax`.
    ir_drop: u64;
    /// Foff: per-cell probability of being stuck at 0, in ppm.
    stuck_off_ppm: u32;
    /// Fon: per-cell probability of being stuck at the top level, in ppm.
    stuck_on_ppm: u32;
    /// Ob: output width.
    output_bits: u32;
    /// Whether outputs are clamped to the signed or the unsigned range of Ob bits.
    output_signed: bool;
    /// The activation applied before the output clamp.
    activation: Activation;
    /// S: slices per weight.
    slices: usize;
    /// P: physical columns.
    phys_cols: usize;
    /// G: row groups.
    groups: usize;
    /// M: mux phases.
    phases: usize;
}

/// Largest `adc.latency`: room for a deep pipeline (the emulated crossbar's reaches about 100
/// cycles at Ta = 64).
pub const MAX_ADC_LATENCY: i64 = 256;

/// Checks `value` against `lo..=hi`, recording a problem that names the key.
fn ranged(problems: &mut Vec<String>, key: &str, value: i64, lo: i64, hi: i64) -> Option<i64> {
    if value < lo || value > hi {
        problems.push(format!("{key} must be in {lo}..={hi}, not {value}"));
        None
    } else {
        Some(value)
    }
}

impl TileParams {
    /// Validates `cfg`: every problem is named in the error, with its key.
    pub fn new(cfg: &TileConfig) -> Result<Self, ConfigError> {
        let mut p = Vec::new();
        let rows = ranged(&mut p, "array.rows", cfg.array.rows, 1, 4096);
        let cols = ranged(&mut p, "array.cols", cfg.array.cols, 1, 4096);
        // A bound that depends on another key is checked only once that key is valid.
        let rows_per_read = rows.and_then(|rows| {
            ranged(
                &mut p,
                "array.rows_per_read",
                cfg.array.rows_per_read,
                1,
                rows,
            )
        });
        let weight_bits = ranged(&mut p, "weights.bits", cfg.weights.bits, 2, 16);
        let cell_bits = ranged(&mut p, "weights.cell_bits", cfg.weights.cell_bits, 1, 8);
        let input_bits = ranged(&mut p, "inputs.bits", cfg.inputs.bits, 1, 16);
        let adc_bits = ranged(&mut p, "adc.bits", cfg.adc.bits, 1, 16);
        let slices = weight_bits
            .zip(cell_bits)
            .map(|(wb, bc)| (wb - 1 + bc - 1) / bc);
        let phys_cols = slices.zip(cols).map(|(s, c)| 2 * s * c);
        let adc_count = phys_cols.and_then(|pc| ranged(&mut p, "adc.count", cfg.adc.count, 1, pc));
        let adc_step = ranged(&mut p, "adc.step", cfg.adc.step, 1, 1 << 24);
        let adc_cycles = ranged(&mut p, "adc.cycles", cfg.adc.cycles, 1, 64);
        let adc_latency = adc_cycles.and_then(|ta| match cfg.adc.latency {
            None => Some(ta),
            Some(latency) => ranged(&mut p, "adc.latency", latency, ta, MAX_ADC_LATENCY),
        });
        let fine_bits = ranged(&mut p, "analog.fine_bits", cfg.analog.fine_bits, 0, 8);
        let read_noise = ranged(
            &mut p,
            "analog.read_noise",
            cfg.analog.read_noise,
            0,
            1 << 20,
        );
        let program_error = ranged(
            &mut p,
            "analog.program_error",
            cfg.analog.program_error,
            0,
            1 << 20,
        );
        let seed = ranged(&mut p, "analog.seed", cfg.analog.seed, 0, u32::MAX as i64);
        let drift = ranged(&mut p, "analog.drift", cfg.analog.drift, 0, 65536);
        let drift_spread = ranged(
            &mut p,
            "analog.drift_spread",
            cfg.analog.drift_spread,
            0,
            65536,
        );
        let current_max = rows_per_read
            .zip(cell_bits)
            .zip(fine_bits)
            .zip(program_error)
            .map(|(((rg, bc), e), np)| current_max(rg as u64, bc as u32, e as u32, np as u64));
        let ir_drop = current_max.and_then(|imax| {
            let qmax = ir_drop_max(imax) as i64;
            let q = ranged(&mut p, "analog.ir_drop", cfg.analog.ir_drop, 0, qmax);
            if let (None, Some(problem)) = (q, p.last_mut()) {
                problem.push_str(&format!(
                    " (Qmax = floor((2^40-1)/(2*Imax-1)) for this tile, Imax = {imax})"
                ));
            }
            q
        });
        let stuck_off_ppm = ranged(
            &mut p,
            "faults.stuck_off_ppm",
            cfg.faults.stuck_off_ppm,
            0,
            1_000_000,
        );
        let stuck_on_ppm = stuck_off_ppm.and_then(|off| {
            ranged(
                &mut p,
                "faults.stuck_on_ppm",
                cfg.faults.stuck_on_ppm,
                0,
                1_000_000 - off,
            )
        });
        if let Err(problem) = DriftLaw::new(cfg.analog.drift_t0, cfg.analog.drift_nu) {
            p.push(problem);
        }
        let output_bits = ranged(&mut p, "output.bits", cfg.output.bits, 2, 32);
        let activation = match cfg.output.activation.as_str() {
            "none" => Activation::None,
            "relu" => Activation::Relu,
            other => {
                p.push(format!(
                    "output.activation must be \"none\" or \"relu\", not \"{other}\""
                ));
                Activation::None
            }
        };
        cfg.tech.check(&mut p);
        if !p.is_empty() {
            return Err(ConfigError { problems: p });
        }
        // Every value is Some once no problem was recorded.
        let valid = |v: Option<i64>| v.expect("checked above");
        let (rows, cols) = (valid(rows) as usize, valid(cols) as usize);
        let rows_per_read = valid(rows_per_read) as usize;
        let adc_count = valid(adc_count) as usize;
        let phys_cols = valid(phys_cols) as usize;
        let (weight_bits, cell_bits, input_bits) =
            (valid(weight_bits), valid(cell_bits), valid(input_bits));
        let (adc_bits, adc_step, adc_cycles) =
            (valid(adc_bits), valid(adc_step), valid(adc_cycles));
        let adc_latency = valid(adc_latency);
        let (fine_bits, read_noise, program_error) =
            (valid(fine_bits), valid(read_noise), valid(program_error));
        let (seed, output_bits, slices) = (valid(seed), valid(output_bits), valid(slices));
        let (drift, drift_spread, ir_drop) = (valid(drift), valid(drift_spread), valid(ir_drop));
        let (stuck_off_ppm, stuck_on_ppm) = (valid(stuck_off_ppm), valid(stuck_on_ppm));
        Ok(TileParams {
            config: cfg.clone(),
            rows,
            cols,
            rows_per_read,
            weight_bits: weight_bits as u32,
            cell_bits: cell_bits as u32,
            input_bits: input_bits as u32,
            inputs_signed: cfg.inputs.signed,
            adc_bits: adc_bits as u32,
            adc_count,
            adc_step: adc_step as u32,
            adc_cycles: adc_cycles as u32,
            adc_latency: adc_latency as u32,
            fine_bits: fine_bits as u32,
            read_noise: read_noise as u32,
            program_error: program_error as u32,
            seed: seed as u32,
            drift: drift as u32,
            drift_spread: drift_spread as u32,
            ir_drop: ir_drop as u64,
            stuck_off_ppm: stuck_off_ppm as u32,
            stuck_on_ppm: stuck_on_ppm as u32,
            output_bits: output_bits as u32,
            output_signed: cfg.output.signed,
            activation,
            slices: slices as usize,
            phys_cols,
            groups: rows.div_ceil(rows_per_read),
            phases: phys_cols.div_ceil(adc_count),
        })
    }

    /// The configuration this tile was validated from.
    pub fn config(&self) -> &TileConfig {
        &self.config
    }

    /// This tile with the conversion latency `latency` (at least Ta, at most
    /// [`MAX_ADC_LATENCY`]): what a macro with a deeper pipeline than the configuration's runs.
    pub fn with_adc_latency(&self, latency: u32) -> TileParams {
        assert!(
            latency >= self.adc_cycles && latency as i64 <= MAX_ADC_LATENCY,
            "latency {latency} out of range"
        );
        let mut p = self.clone();
        p.adc_latency = latency;
        p.config.adc.latency = Some(latency as i64);
        p
    }

    /// Rows of group `g`: `g*Rg .. min((g+1)*Rg, R)`.
    pub fn group_rows(&self, g: usize) -> std::ops::Range<usize> {
        g * self.rows_per_read..((g + 1) * self.rows_per_read).min(self.rows)
    }

    /// The tile's physical limit: every ADC busy in every phase, `Ib * G * M * Ta` cycles.
    pub fn min_cycles_per_mvm(&self) -> u64 {
        self.input_bits as u64 * self.groups as u64 * self.phases as u64 * self.adc_cycles as u64
    }

    /// Cycles per MVM of the generated RTL in a back-to-back stream, one period of its
    /// pattern: the ADCs' `Ib*G*M*Ta`, unless loading a vector (R cycles), combining its partial
    /// sums (P cycles) or the two banks they pass through take longer (see [`crate::schedule`]).
    pub fn stream_cycles(&self) -> crate::schedule::StreamCycles {
        crate::schedule::stream_cycles(self)
    }

    /// Mean cycles per MVM of the generated RTL in a back-to-back stream (over the period of
    /// [`TileParams::stream_cycles`]).
    pub fn expected_cycles_per_mvm(&self) -> f64 {
        self.stream_cycles().mean()
    }

    /// ADC conversions per MVM: `Ib * G * P`.
    pub fn conversions_per_mvm(&self) -> u64 {
        self.input_bits as u64 * self.groups as u64 * self.phys_cols as u64
    }

    /// Largest weight magnitude: `2^(Wb-1) - 1` (the most negative code is not a weight).
    pub fn weight_max(&self) -> i64 {
        (1i64 << (self.weight_bits - 1)) - 1
    }

    /// Allowed input range, by `inputs.bits` and `inputs.signed`.
    pub fn input_range(&self) -> (i64, i64) {
        two_range(self.input_bits, self.inputs_signed)
    }

    /// Allowed output range, by `output.bits` and `output.signed`.
    pub fn output_range(&self) -> (i64, i64) {
        two_range(self.output_bits, self.output_signed)
    }

    /// Largest ADC code, `2^Ab - 1`: conversions clip to it.
    pub fn adc_max_code(&self) -> u32 {
        ((1u64 << self.adc_bits) - 1) as u32
    }

    /// Largest cell level, `2^Bc - 1`.
    pub fn level_max(&self) -> u32 {
        (1u32 << self.cell_bits) - 1
    }

    /// Largest conductance of one cell in fine units: top level plus the largest programming error.
    pub fn conductance_max(&self) -> u64 {
        ((self.level_max() as u64) << self.fine_bits) + self.program_error as u64
    }

    /// Largest column value V of one read (full group, every cell at its maximum, peak noise).
    pub fn column_value_max(&self) -> u64 {
        self.rows_per_read.min(self.rows) as u64 * self.conductance_max() + self.read_noise as u64
    }

    /// True when some reachable column value converts to a code above the ADC's range.
    pub fn adc_can_clip(&self) -> bool {
        let v = self.column_value_max();
        (v + (self.adc_step / 2) as u64) / self.adc_step as u64 > self.adc_max_code() as u64
    }

    /// Imax of spec section 6: the largest column current of one read, `Rg * ((2^Bc-1)*2^E + Np)`.
    pub fn current_max(&self) -> u64 {
        current_max(
            self.rows_per_read as u64,
            self.cell_bits,
            self.fine_bits,
            self.program_error as u64,
        )
    }

    /// Qmax of spec section 6: the largest `analog.ir_drop` this tile accepts.
    pub fn ir_drop_max(&self) -> u64 {
        ir_drop_max(self.current_max())
    }

    /// True when a v2 device effect (drift, stuck cells, IR drop) is on.
    pub fn has_device_effects(&self) -> bool {
        self.drift != 0
            || self.drift_spread != 0
            || self.ir_drop != 0
            || self.stuck_off_ppm != 0
            || self.stuck_on_ppm != 0
    }

    /// The ideal tile of spec section 5: exact conversion, no noise, no device effects, no clipping.
    pub fn is_ideal(&self) -> bool {
        self.adc_step == 1 << self.fine_bits
            && self.read_noise == 0
            && self.program_error == 0
            && !self.has_device_effects()
            && self.rows_per_read.min(self.rows) as u64 * self.level_max() as u64
                <= self.adc_max_code() as u64
    }

    /// Bounds of every intermediate value, from which the RTL's register widths follow.
    pub fn widths(&self) -> Widths {
        Widths::new(self)
    }
}

/// Imax = `Rg * ((2^Bc-1)*2^E + Np)`.
fn current_max(rows_per_read: u64, cell_bits: u32, fine_bits: u32, program_error: u64) -> u64 {
    rows_per_read * ((((1u64 << cell_bits) - 1) << fine_bits) + program_error)
}

/// Qmax = `floor((2^40-1) / (2*Imax-1))`: keeps `I - floor(I*I*Q/2^40)` non-decreasing in I.
fn ir_drop_max(current_max: u64) -> u64 {
    ((1u64 << 40) - 1) / (2 * current_max - 1)
}

/// The host-side conversion of a time since programming into the spec's drift D, from the
/// power law `g(t) = g(t0) * (t/t0)^-nu`: `D = round(65536 * (1 - (t/t0)^-nu))` for t > t0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriftLaw {
    /// t0 in seconds.
    pub t0: f64,
    /// The exponent nu, 0..=1 (dimensionless).
    pub nu: f64,
}

impl DriftLaw {
    /// Checks `analog.drift_t0` (positive seconds) and `analog.drift_nu` (0..=1).
    pub fn new(t0: f64, nu: f64) -> Result<Self, String> {
        if !(t0.is_finite() && t0 > 0.0) {
            return Err(format!(
                "analog.drift_t0 must be a positive number of seconds, not {t0}"
            ));
        }
        if !(0.0..=1.0).contains(&nu) {
            return Err(format!("analog.drift_nu must be in 0..=1, not {nu}"));
        }
        Ok(DriftLaw { t0, nu })
    }

    /// D after `seconds` since programming.
    pub fn drift_at(&self, seconds: f64) -> u32 {
        if seconds <= self.t0 {
            return 0;
        }
        (65536.0 * (1.0 - (seconds / self.t0).powf(-self.nu))).round() as u32
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

fn two_range(bits: u32, signed: bool) -> (i64, i64) {
    if signed {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    } else {
        (0, (1i64 << bits) - 1)
    }
}

/// Two's complement width (sign included) that holds every value of magnitude up to `max_abs`.
pub fn signed_width(max_abs: u128) -> u32 {
    // +1 for the sign: `-max_abs` and `max_abs` both fit in `bits` when max_abs < 2^(bits-1).
    128 - max_abs.leading_zeros() + 1
}

/// The magnitude bounds of the datapath and the signed widths that hold them: one place,
/// so the golden model's report, `cimtile info`, the manifest and the RTL agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Widths {
    /// Bound of one lane's partial sum of one physical column: `G * (2^Ab-1) * (2^Ib-1)`.
    pub partial_max: u128,
    /// Signed width (sign included) that holds a lane's partial sum.
    pub partial_bits: u32,
    /// Bound of `acc[c]`: the partial bound times `sum_s 2^(s*Bc)`.
    pub acc_max: u128,
    /// Signed width (sign included) that holds `acc[c]`.
    pub acc_bits: u32,
    /// Bound of `acc + bias`.
    pub sum_max: u128,
    /// Signed width (sign included) that holds `acc + bias`.
    pub sum_bits: u32,
    /// Bound of `(acc + bias) * mult`.
    pub product_max: u128,
    /// Signed width (sign included) that holds the product.
    pub product_bits: u32,
}

impl Widths {
    fn new(p: &TileParams) -> Self {
        let code_max = p.adc_max_code() as u128;
        let bit_weight_sum = (1u128 << p.input_bits) - 1;
        let partial_max = p.groups as u128 * code_max * bit_weight_sum;
        let slice_weight_sum: u128 = (0..p.slices)
            .map(|s| 1u128 << (s as u32 * p.cell_bits))
            .sum();
        let acc_max = partial_max * slice_weight_sum;
        // The most negative bias and mult have the largest magnitudes: 2^31 and 2^15.
        let sum_max = acc_max + (1u128 << 31);
        let product_max = sum_max * (1u128 << 15);
        Widths {
            partial_max,
            partial_bits: signed_width(partial_max),
            acc_max,
            acc_bits: signed_width(acc_max),
            sum_max,
            sum_bits: signed_width(sum_max),
            product_max,
            product_bits: signed_width(product_max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layered(text: &str) -> Result<TileParams, ConfigError> {
        TileConfig::layered(None, text)?.validate()
    }

    #[test]
    fn every_preset_is_valid() {
        for p in PRESETS {
            let params = TileConfig::from_preset(p.name).unwrap().validate().unwrap();
            assert!(params.min_cycles_per_mvm() > 0, "{}", p.name);
        }
    }

    #[test]
    fn default_preset_is_ideal() {
        assert!(TileConfig::default().validate().unwrap().is_ideal());
    }

    #[test]
    fn isaac_has_the_published_shape() {
        let p = TileConfig::from_preset("isaac")
            .unwrap()
            .validate()
            .unwrap();
        assert_eq!(
            (p.rows, p.phys_cols, p.adc_count, p.cell_bits),
            (128, 128, 1, 2)
        );
        assert_eq!(
            (p.weight_bits, p.input_bits, p.adc_bits, p.groups),
            (16, 16, 8, 1)
        );
    }

    #[test]
    fn neurram_is_256_by_256() {
        let p = TileConfig::from_preset("neurram")
            .unwrap()
            .validate()
            .unwrap();
        assert_eq!((p.rows, p.phys_cols, p.slices), (256, 256, 1));
    }

    #[test]
    fn derived_sizes_follow_the_spec() {
        let p = layered("[weights]\nbits = 8\ncell_bits = 3\n[array]\nrows = 10\nrows_per_read = 3\ncols = 5\n[adc]\ncount = 7").unwrap();
        assert_eq!(p.slices, 3); // ceil(7/3)
        assert_eq!(p.phys_cols, 30);
        assert_eq!(p.groups, 4);
        assert_eq!(p.phases, 5); // ceil(30/7)
        assert_eq!(p.group_rows(3), 9..10);
    }

    #[test]
    fn out_of_range_values_name_key_value_and_range() {
        let err = layered("[adc]\nbits = 20\n[array]\nrows = 0").unwrap_err();
        assert_eq!(
            err.problems,
            vec![
                "array.rows must be in 1..=4096, not 0",
                "adc.bits must be in 1..=16, not 20"
            ]
        );
    }

    #[test]
    fn adc_latency_defaults_to_ta_and_is_at_least_ta() {
        let p = layered("[adc]\ncycles = 3").unwrap();
        assert_eq!((p.adc_cycles(), p.adc_latency()), (3, 3));
        assert!(
            !p.config().to_toml().contains("latency"),
            "an absent latency stays absent"
        );
        let p = layered("[adc]\ncycles = 3\nlatency = 20").unwrap();
        assert_eq!(p.adc_latency(), 20);
        assert_eq!(
            TileParams::new(&TileConfig::layered(None, &p.config().to_toml()).unwrap()).unwrap(),
            p
        );
        assert_eq!(
            p.min_cycles_per_mvm(),
            layered("[adc]\ncycles = 3").unwrap().min_cycles_per_mvm()
        );
        let err = layered("[adc]\ncycles = 3\nlatency = 2").unwrap_err();
        assert_eq!(err.problems, vec!["adc.latency must be in 3..=256, not 2"]);
        let err = layered("[adc]\nlatency = 1.5").unwrap_err();
        assert!(err.problems[0].contains("adc.latency"), "{err}");
    }

    #[test]
    fn rows_per_read_and_adc_count_are_bounded_by_other_keys() {
        let err = layered("[array]\nrows = 8\nrows_per_read = 9\n[adc]\ncount = 17").unwrap_err();
        assert_eq!(
            err.problems,
            vec![
                "array.rows_per_read must be in 1..=8, not 9",
                "adc.count must be in 1..=16, not 17"
            ]
        );
    }

    #[test]
    fn unknown_keys_and_sections_are_errors() {
        let err = layered("[adc]\nbitz = 3\n[analogue]\nseed = 1").unwrap_err();
        assert_eq!(err.problems.len(), 2);
        assert!(
            err.problems[0].starts_with("unknown key 'adc.bitz'"),
            "{err}"
        );
        assert!(
            err.problems[1].starts_with("unknown section [analogue]"),
            "{err}"
        );
    }

    #[test]
    fn wrong_types_are_errors() {
        let err = layered("[inputs]\nsigned = 1\n[adc]\nbits = \"8\"").unwrap_err();
        assert!(
            err.problems
                .contains(&"inputs.signed must be a boolean, not an integer".into()),
            "{err}"
        );
        assert!(
            err.problems
                .contains(&"adc.bits must be an integer, not a string".into()),
            "{err}"
        );
    }

    #[test]
    fn device_effects_default_to_zero_and_take_their_ranges() {
        let p = layered("").unwrap();
        assert!(!p.has_device_effects());
        let p = layered("[analog]\ndrift = 65536\ndrift_spread = 65536\n[faults]\nstuck_off_ppm = 400000\nstuck_on_ppm = 600000").unwrap();
        assert_eq!(
            (p.drift, p.drift_spread, p.stuck_off_ppm, p.stuck_on_ppm),
            (65536, 65536, 400000, 600000)
        );
        assert!(p.has_device_effects() && !p.is_ideal());
    }

    #[test]
    fn bad_device_effects_name_key_value_and_range() {
        let one = |toml: &str| layered(toml).unwrap_err().problems;
        assert_eq!(
            one("[analog]\ndrift = 70000"),
            vec!["analog.drift must be in 0..=65536, not 70000"]
        );
        assert_eq!(
            one("[analog]\ndrift = -1"),
            vec!["analog.drift must be in 0..=65536, not -1"]
        );
        assert_eq!(
            one("[analog]\ndrift_spread = 65537"),
            vec!["analog.drift_spread must be in 0..=65536, not 65537"]
        );
        assert_eq!(
            one("[faults]\nstuck_off_ppm = 1000001"),
            vec!["faults.stuck_off_ppm must be in 0..=1000000, not 1000001"]
        );
        assert_eq!(
            one("[faults]\nstuck_on_ppm = -5"),
            vec!["faults.stuck_on_ppm must be in 0..=1000000, not -5"]
        );
        // Together more than every cell: the error names stuck_on_ppm.
        assert_eq!(
            one("[faults]\nstuck_off_ppm = 700000\nstuck_on_ppm = 300001"),
            vec!["faults.stuck_on_ppm must be in 0..=300000, not 300001"]
        );
    }

    #[test]
    fn device_effects_must_be_integers() {
        let err = layered("[analog]\ndrift = 0.2\nir_drop = 1.0\n[faults]\nstuck_on_ppm = 1e3")
            .unwrap_err();
        for key in ["analog.drift", "analog.ir_drop", "faults.stuck_on_ppm"] {
            assert!(
                err.problems
                    .contains(&format!("{key} must be an integer, not a float")),
                "{err}"
            );
        }
    }

    #[test]
    fn ir_drop_is_bounded_by_the_tiles_largest_current() {
        // Default tile: Imax = Rg * ((2^Bc-1)*2^E + Np) = 4 * (3*4 + 0) = 48; Qmax = (2^40-1) div 95.
        let qmax = ((1u64 << 40) - 1) / 95;
        let p = layered(&format!("[analog]\nir_drop = {qmax}")).unwrap();
        assert_eq!(
            (p.current_max(), p.ir_drop_max(), p.ir_drop),
            (48, qmax, qmax)
        );
        let err = layered(&format!("[analog]\nir_drop = {}", qmax + 1)).unwrap_err();
        assert_eq!(
            err.problems,
            vec![format!(
                "analog.ir_drop must be in 0..={qmax}, not {} (Qmax = floor((2^40-1)/(2*Imax-1)) for this tile, Imax = 48)",
                qmax + 1
            )]
        );
        // Programming error raises Imax: 4 * (12 + 100) = 448.
        let p = layered("[analog]\nprogram_error = 100").unwrap();
        assert_eq!(p.ir_drop_max(), ((1u64 << 40) - 1) / 895);
    }

    #[test]
    fn drift_law_follows_the_power_law() {
        let cfg = TileConfig::default();
        let law = cfg.drift_law().unwrap();
        assert_eq!((law.t0, law.nu), (1.0, 0.01));
        assert_eq!(law.drift_at(0.5), 0);
        assert_eq!(law.drift_at(1.0), 0);
        // 1e6 s: 65536 * (1 - (1e6)^-0.01) = 8456.53.
        assert_eq!(law.drift_at(1e6), 8457);
        assert_eq!(DriftLaw::new(60.0, 0.1).unwrap().drift_at(6000.0), 24186); // 65536 * (1 - 100^-0.1) = 24185.58
        let err = layered("[analog]\ndrift_t0 = 0\ndrift_nu = 1.5").unwrap_err();
        assert_eq!(
            err.problems,
            vec!["analog.drift_t0 must be a positive number of seconds, not 0"]
        );
        let err = layered("[analog]\ndrift_nu = 1.5").unwrap_err();
        assert_eq!(
            err.problems,
            vec!["analog.drift_nu must be in 0..=1, not 1.5"]
        );
        let err = layered("[analog]\ndrift_nu = \"fast\"").unwrap_err();
        assert_eq!(
            err.problems,
            vec!["analog.drift_nu must be a float, not a string"]
        );
    }

    #[test]
    fn fresh_zeroes_exactly_the_five_device_keys() {
        let aged = TileConfig::layered(Some("neurram"), "[analog]\ndrift = 9\ndrift_spread = 3\nir_drop = 2\n[faults]\nstuck_off_ppm = 5\nstuck_on_ppm = 7").unwrap();
        assert_eq!(aged.fresh(), TileConfig::from_preset("neurram").unwrap());
    }

    #[test]
    fn sweeps_set_the_v2_keys() {
        let cfg = TileConfig::default()
            .with_key("analog.drift", "13107")
            .unwrap()
            .with_key("faults.stuck_on_ppm", "5")
            .unwrap();
        let p = cfg.validate().unwrap();
        assert_eq!((p.drift, p.stuck_on_ppm), (13107, 5));
        let err = TileConfig::default()
            .with_key("analog.drift", "0.2")
            .unwrap_err();
        assert_eq!(
            err.problems,
            vec!["analog.drift must be an integer, not a float"]
        );
    }

    #[test]
    fn a_v1_file_without_the_v2_keys_reads_as_v1() {
        let v1 = "[array]\nrows = 16\ncols = 4\nrows_per_read = 4\n[weights]\nbits = 4\ncell_bits = 2\n[inputs]\nbits = 4\nsigned = true\n\
                  [adc]\nbits = 4\ncount = 4\nstep = 4\ncycles = 1\n[analog]\nfine_bits = 2\nread_noise = 0\nprogram_error = 0\nseed = 1\n\
                  [output]\nbits = 16\nsigned = true\nactivation = \"none\"\n";
        let cfg: TileConfig = toml::from_str(v1).unwrap();
        assert_eq!(cfg, TileConfig::default());
    }

    #[test]
    fn tech_ranges_and_values_follow_the_struct() {
        let tech = TileConfig::default().tech;
        let table = toml::Table::try_from(tech.clone()).unwrap();
        assert_eq!(table.len(), TECH_RANGES.len());
        for (&(key, _, _), value) in TECH_RANGES.iter().zip(tech.values()) {
            assert_eq!(table[key].as_float(), Some(value), "{key}");
        }
    }

    #[test]
    fn bad_tech_values_name_the_key() {
        let err =
            layered("[tech]\nclock_mhz = -5.0\nactivity = 2\ng_off_us = 1000.0\ng_on_us = 10.0")
                .unwrap_err();
        assert_eq!(
            err.problems,
            vec![
                "tech.clock_mhz must be in 0.001..=100000, not -5",
                "tech.activity must be in 0..=1, not 2",
                "tech.g_off_us must be below tech.g_on_us (10), not 1000",
            ]
        );
        let err = layered("[tech]\nnode_nm = \"32\"").unwrap_err();
        assert_eq!(
            err.problems,
            vec!["tech.node_nm must be a float, not a string"]
        );
        assert!(layered("[tech]\nnode_nm = nan").is_err());
    }

    #[test]
    fn a_float_key_takes_an_integer() {
        let cfg = TileConfig::layered(None, "[tech]\nclock_mhz = 250").unwrap();
        assert_eq!(cfg.tech.clock_mhz, 250.0);
    }

    #[test]
    fn bad_activation_is_named() {
        let err = layered("[output]\nactivation = \"tanh\"").unwrap_err();
        assert_eq!(
            err.problems,
            vec!["output.activation must be \"none\" or \"relu\", not \"tanh\""]
        );
    }

    #[test]
    fn a_file_overrides_a_preset() {
        let cfg = TileConfig::layered(Some("isaac"), "[adc]\ncount = 4").unwrap();
        let p = cfg.validate().unwrap();
        assert_eq!((p.adc_count, p.rows), (4, 128));
    }

    #[test]
    fn unknown_preset_lists_known_ones() {
        let err = TileConfig::from_preset("nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown preset 'nope' (known presets: default, isaac, neurram, fpga64, neurosim)"
        );
    }

    #[test]
    fn with_key_sets_one_key_checked_like_a_file() {
        let cfg = TileConfig::default()
            .with_key("adc.bits", "6")
            .unwrap()
            .with_key("output.activation", "relu")
            .unwrap();
        assert_eq!((cfg.adc.bits, cfg.output.activation.as_str()), (6, "relu"));
        let err = TileConfig::default().with_key("adc.bitz", "6").unwrap_err();
        assert!(
            err.problems[0].starts_with("unknown key 'adc.bitz'"),
            "{err}"
        );
        let err = TileConfig::default()
            .with_key("adc.bits", "six")
            .unwrap_err();
        assert_eq!(
            err.problems,
            vec!["adc.bits must be an integer, not a string"]
        );
        assert!(TileConfig::default().with_key("bits", "6").is_err());
    }

    #[test]
    fn config_round_trips_through_toml() {
        let cfg = TileConfig::from_preset("neurram").unwrap();
        assert_eq!(TileConfig::layered(None, &cfg.to_toml()).unwrap(), cfg);
    }

    #[test]
    fn widths_hold_the_extreme_configuration() {
        let cfg = TileConfig::layered(
            None,
            "[array]\nrows = 4096\nrows_per_read = 1\n[weights]\nbits = 16\ncell_bits = 1\n[inputs]\nbits = 16\n[adc]\nbits = 16",
        )
        .unwrap();
        let w = cfg.validate().unwrap().widths();
        assert!(w.acc_bits <= 64, "acc needs {} bits", w.acc_bits);
        assert!(
            w.product_bits <= 80,
            "product needs {} bits",
            w.product_bits
        );
    }
}

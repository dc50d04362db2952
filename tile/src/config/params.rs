//! Validation: a [`TileConfig`] checked key by key into [`TileParams`], the one form of a tile
//! that everything downstream reads, with every derived size.

use super::widths::two_range;
use super::{ConfigError, DriftLaw, TileConfig, Widths};
use serde::Serialize;

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
    pub(crate) input_transfer: usize,
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
    pub(crate) raw_output: bool,
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
    /// W: input elements per transfer (`inputs.per_transfer`, 1 when absent).
    input_transfer: usize;
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
    /// Whether the tile returns its accumulators as they are (`output.raw`): no column
    /// parameters, no activation unit.
    raw_output: bool;
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
        // Dividing Rg, a transfer never spans two row groups of the input buffer.
        let input_transfer = rows_per_read.and_then(|rg| match cfg.inputs.per_transfer {
            None => Some(1),
            // At most 64: the AXI wrapper's FORMAT register reports it in 6 bits.
            Some(w) => ranged(&mut p, "inputs.per_transfer", w, 1, rg.min(64)).and_then(|w| {
                if rg % w == 0 {
                    Some(w)
                } else {
                    p.push(format!(
                        "inputs.per_transfer must divide array.rows_per_read ({rg}), not {w}"
                    ));
                    None
                }
            }),
        });
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
        let input_transfer = valid(input_transfer) as usize;
        let (fine_bits, read_noise, program_error) =
            (valid(fine_bits), valid(read_noise), valid(program_error));
        let (seed, output_bits, slices) = (valid(seed), valid(output_bits), valid(slices));
        let (drift, drift_spread, ir_drop) = (valid(drift), valid(drift_spread), valid(ir_drop));
        let (stuck_off_ppm, stuck_on_ppm) = (valid(stuck_off_ppm), valid(stuck_on_ppm));
        TileParams {
            config: cfg.clone(),
            rows,
            cols,
            rows_per_read,
            weight_bits: weight_bits as u32,
            cell_bits: cell_bits as u32,
            input_bits: input_bits as u32,
            inputs_signed: cfg.inputs.signed,
            input_transfer,
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
            raw_output: cfg.output.raw,
            slices: slices as usize,
            phys_cols,
            groups: rows.div_ceil(rows_per_read),
            phases: phys_cols.div_ceil(adc_count),
        }
        .with_raw_output_checked()
    }

    /// This tile returning its accumulators (`output.raw`, a signed output exactly as wide as
    /// the accumulator, no activation): what a chip uses where it adds a layer's row tiles and
    /// requantizes itself. None where the accumulator is wider than an output can be (32 bits).
    pub fn raw_variant(&self) -> Option<TileParams> {
        let acc_bits = self.widths().acc_bits.to_string();
        [
            ("output.raw", "true"),
            ("output.signed", "true"),
            ("output.activation", "none"),
            ("output.bits", acc_bits.as_str()),
        ]
        .iter()
        .try_fold(self.config.clone(), |c, (key, value)| {
            c.with_key(key, value)
        })
        .ok()?
        .validate()
        .ok()
    }

    /// A raw tile's output must be its accumulator itself: no activation, never clamped.
    fn with_raw_output_checked(self) -> Result<Self, ConfigError> {
        if !self.raw_output {
            return Ok(self);
        }
        let acc_bits = self.widths().acc_bits;
        let mut problems = Vec::new();
        if self.activation != Activation::None {
            problems.push("output.raw needs output.activation = \"none\"".to_string());
        }
        if !self.output_signed || self.output_bits < acc_bits {
            problems.push(format!(
                "output.raw needs a signed output of at least the accumulator's {acc_bits} bits \
                 (output.signed = true, output.bits >= {acc_bits}), not {} {} bits",
                if self.output_signed {
                    "signed"
                } else {
                    "unsigned"
                },
                self.output_bits
            ));
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(ConfigError { problems })
        }
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

    /// Bits of one transfer of the input stream (`in_data`): W elements of Ib bits.
    pub fn in_data_bits(&self) -> u32 {
        self.input_transfer as u32 * self.input_bits
    }

    /// The tile's physical limit: every ADC busy in every phase, `Ib * G * M * Ta` cycles.
    pub fn min_cycles_per_mvm(&self) -> u64 {
        self.input_bits as u64 * self.groups as u64 * self.phases as u64 * self.adc_cycles as u64
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

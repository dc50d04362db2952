//! What a configuration implies, as one report: `cimtile info` prints it and the Python
//! package's `Tile.info()` returns it as a dict (its keys are the field names).

use crate::config::TileParams;
use crate::golden::device::{drift_stats, fault_map, Stuck};
use serde::{Serialize, Serializer};

/// The derived sizes, widths, cycles and device statistics of a tile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileInfo {
    /// Where the tile came from (a preset, a file).
    pub tile: String,
    /// The aging applied to it, if any, as `cimtile info` prints it.
    pub aging: Option<String>,
    /// R: wordlines.
    pub rows: usize,
    /// C: logical output columns.
    pub cols: usize,
    /// Rg: rows driven together in one analog read.
    pub rows_per_read: usize,
    /// Wb: signed weight width.
    pub weight_bits: u32,
    /// Bc: bits per cell.
    pub cell_bits: u32,
    /// Whether inputs are two's complement.
    pub inputs_signed: bool,
    /// Ib: input width.
    pub input_bits: u32,
    /// Smallest and largest input code.
    pub input_range: (i64, i64),
    /// Largest weight magnitude.
    pub weight_max: i64,
    /// Smallest and largest output.
    pub output_range: (i64, i64),
    /// A: ADCs.
    pub adc_count: usize,
    /// Ab: ADC resolution.
    pub adc_bits: u32,
    /// ADC LSB in fine units.
    pub adc_step: u32,
    /// Ta: cycles per conversion.
    pub adc_cycles: u32,
    /// S: slices per weight.
    pub slices: usize,
    /// P: physical columns.
    pub phys_cols: usize,
    /// G: row groups.
    pub groups: usize,
    /// M: mux phases.
    pub phases: usize,
    /// Signed width of a lane's partial sum.
    pub partial_bits: u32,
    /// Bound of a lane's partial sum (a float in JSON, as Python has always received it).
    #[serde(serialize_with = "as_float")]
    pub partial_max: u128,
    /// Signed width of the accumulator.
    pub acc_bits: u32,
    /// Bound of the accumulator.
    #[serde(serialize_with = "as_float")]
    pub acc_max: u128,
    /// Signed width of `(acc + bias) * mult`.
    pub product_bits: u32,
    /// Bound of `(acc + bias) * mult`.
    #[serde(serialize_with = "as_float")]
    pub product_max: u128,
    /// The ADCs' bound `Ib*G*M*Ta` on cycles per MVM.
    pub min_cycles_per_mvm: u64,
    /// ADC conversions per MVM: `Ib*G*P`.
    pub conversions_per_mvm: u64,
    /// Whether the tile computes `W^T x` exactly.
    pub ideal: bool,
    /// Cells stuck at 0.
    pub stuck_off: usize,
    /// Cells stuck at the top level.
    pub stuck_on: usize,
    /// Cells of the R x P array.
    pub cells: usize,
    /// Cells that drift (those not stuck).
    pub drift_cells: u64,
    /// Mean drift loss `d` of those cells, in 1/65536.
    pub drift_mean: f64,
    /// Largest drift loss, in 1/65536.
    pub drift_max: u32,
    /// Q: the IR-drop coefficient.
    pub ir_drop: u64,
    /// Qmax: the largest IR-drop coefficient for this array.
    pub ir_drop_max: u64,
    /// Imax: the largest bit-line current.
    pub current_max: u64,
    /// Whether a full read can exceed the ADC's range.
    pub adc_can_clip: bool,
}

fn as_float<S: Serializer>(value: &u128, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(*value as f64)
}

impl TileInfo {
    /// The report of the tile `p`, which came from `tile` and was aged as `aging` says.
    pub fn new(p: &TileParams, tile: &str, aging: Option<&str>) -> TileInfo {
        let w = p.widths();
        // Spec v2: faults apply to every cell of the R x P array.
        let faults = fault_map(p);
        let stuck_off = faults.iter().filter(|c| c.stuck == Stuck::Off).count();
        let drift = drift_stats(p);
        TileInfo {
            tile: tile.to_string(),
            aging: aging.map(str::to_string),
            rows: p.rows(),
            cols: p.cols(),
            rows_per_read: p.rows_per_read(),
            weight_bits: p.weight_bits(),
            cell_bits: p.cell_bits(),
            inputs_signed: p.inputs_signed(),
            input_bits: p.input_bits(),
            input_range: p.input_range(),
            weight_max: p.weight_max(),
            output_range: p.output_range(),
            adc_count: p.adc_count(),
            adc_bits: p.adc_bits(),
            adc_step: p.adc_step(),
            adc_cycles: p.adc_cycles(),
            slices: p.slices(),
            phys_cols: p.phys_cols(),
            groups: p.groups(),
            phases: p.phases(),
            partial_bits: w.partial_bits,
            partial_max: w.partial_max,
            acc_bits: w.acc_bits,
            acc_max: w.acc_max,
            product_bits: w.product_bits,
            product_max: w.product_max,
            min_cycles_per_mvm: p.min_cycles_per_mvm(),
            conversions_per_mvm: p.conversions_per_mvm(),
            ideal: p.is_ideal(),
            stuck_off,
            stuck_on: faults.len() - stuck_off,
            cells: p.rows() * p.phys_cols(),
            drift_cells: drift.cells,
            drift_mean: drift.mean,
            drift_max: drift.max,
            ir_drop: p.ir_drop(),
            ir_drop_max: p.ir_drop_max(),
            current_max: p.current_max(),
            adc_can_clip: p.adc_can_clip(),
        }
    }
}

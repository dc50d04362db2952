//! The whole RTL sequence a host runs, as one call: build (or open) the tile, program cells and
//! column parameters, stream the inputs, and measure the steady cycles per MVM. The CLI's
//! `run --engine rtl`, `cosim`, `calibrate`, `net` and `sweep` and the tests share it.

use crate::tile_driver::{Stimulus, TileRtl};
use crate::CosimError;
use cimtile_hdl::data::{ColumnParams, Weights};
use cimtile_hdl::TileParams;
use std::path::Path;

/// What a run on the RTL produced.
#[derive(Debug, Clone)]
pub struct RtlRun {
    /// One row of C outputs per input vector.
    pub outputs: Vec<Vec<i64>>,
    /// Cycles of the stream, first input element to last result.
    pub cycles: u64,
    /// Steady back-to-back spacing of MVMs.
    pub cycles_per_mvm: f64,
    /// Wall-clock seconds of the stream alone (no build, no programming).
    pub stream_seconds: f64,
}

impl RtlRun {
    /// The ADC-busy ratio: the tile's physical limit over the measured cycles per MVM.
    pub fn adc_busy_ratio(&self, p: &TileParams) -> f64 {
        p.min_cycles_per_mvm() as f64 / self.cycles_per_mvm
    }
}

/// Programs `rtl` and streams `inputs` through it (the batch index starts at 0 if the tile was
/// just reset). `cycles_per_mvm` is measured on this stream when it has 3 MVMs or more, else on
/// a separate stream of 4 MVMs after a reset. `vcd` records the waveform.
pub fn run_on(
    rtl: &mut TileRtl,
    weights: &Weights,
    columns: &[ColumnParams],
    inputs: &[Vec<i32>],
    vcd: Option<&Path>,
) -> Result<RtlRun, CosimError> {
    if let Some(path) = vcd {
        rtl.trace(path)?;
    }
    rtl.program_weights(weights)?;
    rtl.program_columns(columns)?;
    let started = std::time::Instant::now();
    let stream = rtl.stream(inputs, &Stimulus::default())?;
    let stream_seconds = started.elapsed().as_secs_f64();
    let cycles_per_mvm = match stream.steady_cycles_per_mvm() {
        Some(c) => c,
        None if inputs.is_empty() => 0.0,
        None => {
            rtl.reset()?;
            let probe: Vec<Vec<i32>> = (0..4).map(|i| inputs[i % inputs.len()].clone()).collect();
            rtl.stream(&probe, &Stimulus::default())?.steady_cycles_per_mvm().expect("4 MVMs give a steady spacing")
        }
    };
    Ok(RtlRun { outputs: stream.outputs, cycles: stream.cycles, cycles_per_mvm, stream_seconds })
}

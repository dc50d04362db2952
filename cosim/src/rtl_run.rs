//! The whole RTL sequence a host runs, as one call: build (or open) the tile, program cells and
//! column parameters, stream the inputs, and measure the steady cycles per MVM. The CLI's
//! `run --engine rtl`, `cosim`, `calibrate`, `net` and `sweep` and the tests share it, on the
//! bare tile or on its AXI top ([`TileHost`]).

use crate::axi_driver::AxiTileRtl;
use crate::sim_macro::Macro;
use crate::tile_driver::{Stimulus, StreamResult, TileRtl};
use crate::CosimError;
use cimtile_hdl::Crossbar;
use cimtile_tile::data::{ColumnParams, Weights};
use cimtile_tile::TileParams;
use std::path::Path;

/// A tile with its host driver, whatever its interface: the bare `cim_tile` ([`TileRtl`]) or
/// its AXI top ([`AxiTileRtl`]).
pub trait TileHost: Sized {
    /// Generates the RTL of `p` with `crossbar`, builds it (or takes it from the cache) and loads
    /// it; a behavioral crossbar with the default macro model ([`Macro::Dpi`]).
    fn build_with(p: &TileParams, crossbar: Crossbar) -> Result<Self, CosimError> {
        Self::build_macro(p, crossbar, Macro::default())
    }
    /// [`TileHost::build_with`] with the macro model `sim_macro` behind a behavioral crossbar.
    fn build_macro(
        p: &TileParams,
        crossbar: Crossbar,
        sim_macro: Macro,
    ) -> Result<Self, CosimError>;
    /// Opens a directory written by `cimtile generate`.
    fn open(dir: &Path) -> Result<Self, CosimError>;
    /// The tile this RTL was generated from.
    fn params(&self) -> &TileParams;
    /// Reset; column parameters are programmed again, cells keep their levels.
    fn reset(&mut self) -> Result<(), CosimError>;
    /// Programs every cell's level from `weights`.
    fn program_weights(&mut self, weights: &Weights) -> Result<(), CosimError>;
    /// Programs every column's `mult`, `shift` and `bias`.
    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), CosimError>;
    /// Streams `inputs` through the tile under `stim` and collects every result.
    fn stream(&mut self, inputs: &[Vec<i32>], stim: &Stimulus) -> Result<StreamResult, CosimError>;
    /// Writes a VCD of every cycle from now on to `path`.
    fn trace(&mut self, path: &Path) -> Result<(), CosimError>;
    /// Reports each completed result of a stream (its count so far).
    fn on_result(&mut self, report: impl FnMut(usize) + Send + 'static);
}

// The drivers' own methods, under the trait's names (inherent methods win the lookup).
macro_rules! tile_host {
    ($driver:ty) => {
        impl TileHost for $driver {
            fn build_macro(
                p: &TileParams,
                crossbar: Crossbar,
                sim_macro: Macro,
            ) -> Result<Self, CosimError> {
                <$driver>::build_macro(p, crossbar, sim_macro)
            }
            fn open(dir: &Path) -> Result<Self, CosimError> {
                <$driver>::open(dir)
            }
            fn params(&self) -> &TileParams {
                self.params()
            }
            fn reset(&mut self) -> Result<(), CosimError> {
                self.reset()
            }
            fn program_weights(&mut self, weights: &Weights) -> Result<(), CosimError> {
                self.program_weights(weights)
            }
            fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), CosimError> {
                self.program_columns(columns)
            }
            fn stream(
                &mut self,
                inputs: &[Vec<i32>],
                stim: &Stimulus,
            ) -> Result<StreamResult, CosimError> {
                self.stream(inputs, stim)
            }
            fn trace(&mut self, path: &Path) -> Result<(), CosimError> {
                self.trace(path)
            }
            fn on_result(&mut self, report: impl FnMut(usize) + Send + 'static) {
                self.on_result(report)
            }
        }
    };
}

tile_host!(TileRtl);
tile_host!(AxiTileRtl);

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

/// Programs `rtl` and streams `inputs` through it under `stim` (the batch index starts at 0 if
/// the tile was just reset). `cycles_per_mvm` is measured on this stream when it has 3 MVMs or
/// more, else on a separate stream of 4 MVMs after a reset. `vcd` records the waveform.
pub fn run_on(
    rtl: &mut impl TileHost,
    weights: &Weights,
    columns: &[ColumnParams],
    inputs: &[Vec<i32>],
    stim: &Stimulus,
    vcd: Option<&Path>,
) -> Result<RtlRun, CosimError> {
    if let Some(path) = vcd {
        rtl.trace(path)?;
    }
    rtl.program_weights(weights)?;
    rtl.program_columns(columns)?;
    let started = std::time::Instant::now();
    let stream = rtl.stream(inputs, stim)?;
    let stream_seconds = started.elapsed().as_secs_f64();
    let cycles_per_mvm = match stream.steady_cycles_per_mvm() {
        Some(c) => c,
        None if inputs.is_empty() => 0.0,
        None => {
            rtl.reset()?;
            let probe: Vec<Vec<i32>> = (0..4).map(|i| inputs[i % inputs.len()].clone()).collect();
            rtl.stream(&probe, stim)?
                .steady_cycles_per_mvm()
                .expect("4 MVMs give a steady spacing")
        }
    };
    Ok(RtlRun {
        outputs: stream.outputs,
        cycles: stream.cycles,
        cycles_per_mvm,
        stream_seconds,
    })
}

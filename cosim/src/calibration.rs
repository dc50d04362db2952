//! Calibration of an aged tile (drifted, faulty, IR-dropped): new column parameters that bring
//! its outputs close to those of the same tile fresh (spec section 7: the same seed with the five
//! v2 keys at 0) with the intended column parameters.
//!
//! As a host would on silicon, [`calibrate`] measures the aged tile through an [`Engine`]: first
//! `acc` on seeded calibration vectors (column parameters 1,0,0), then, on held-out vectors of
//! the next seed, the outputs with the intended parameters (before) and with the calibrated ones
//! (after). The three runs follow each other on one programmed tile, so their batch indices
//! continue: calibration k = 0..N, before k = N..2N, after k = 2N..3N; the intended tile uses the
//! same k. The fit itself is [`cimtile_hdl::calibration`]'s.

use crate::random_case::random_inputs;
use crate::tile_driver::{Stimulus, TileRtl};
use crate::CosimError;
use cimtile_hdl::calibration::{error_summary, fit_columns, ColumnFit};
use cimtile_hdl::config::{Activation, ConfigError, TileParams};
use cimtile_hdl::data::{ColumnParams, Weights};
use cimtile_hdl::golden::ModelError;
use cimtile_hdl::TileModel;

/// What runs the aged tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The golden model: `acc` is read directly.
    Model,
    /// The generated RTL in Verilator: `acc` is read from the outputs with parameters 1,0,0,
    /// except those at the output range's ends (clipped, or 0 under ReLU).
    Rtl,
}

/// Why a calibration could not run.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// The fresh form of the tile's configuration is invalid.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The golden model refused the weights or column parameters.
    #[error("{0}")]
    Model(#[from] ModelError),
    /// The RTL could not be built or run.
    #[error("{0}")]
    Rtl(#[from] CosimError),
}

/// The calibrated column parameters and how well they do on the held-out vectors.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// Per column: the calibrated parameters, the fit behind them and its error on the
    /// calibration vectors.
    pub fits: Vec<ColumnFit>,
    /// The seed of the held-out vectors (the calibration seed + 1).
    pub held_out_seed: u64,
    /// Mean and largest absolute output error against the fresh tile, held out, with the
    /// intended parameters.
    pub before: (f64, u64),
    /// The same with the calibrated parameters.
    pub after: (f64, u64),
}

impl Calibration {
    /// The calibrated column parameters, one per column.
    pub fn columns(&self) -> Vec<ColumnParams> {
        self.fits.iter().map(|f| f.columns).collect()
    }
}

/// Calibrates the tile `p` programmed with `weights`, `vectors` calibration vectors from `seed`
/// and as many held-out vectors from `seed + 1`, towards the fresh tile with `intended` column
/// parameters.
pub fn calibrate(
    p: &TileParams,
    engine: Engine,
    weights: &Weights,
    intended: &[ColumnParams],
    vectors: usize,
    seed: u64,
) -> Result<Calibration, CalibrationError> {
    let fresh = p.config().fresh().validate()?;
    let intended_model = TileModel::new(&fresh, weights, intended)?;
    let held_out_seed = seed.wrapping_add(1);
    let (calibration, held_out) = (
        random_inputs(p, vectors, seed),
        random_inputs(p, vectors, held_out_seed),
    );

    let mut aged = AgedTile::new(engine, p, weights)?;
    let measured_acc: Vec<Vec<Option<i64>>> = aged
        .run(&calibration)?
        .into_iter()
        .map(|(acc, _)| acc)
        .collect();
    let (intended_acc, _) = intended_run(&intended_model, 0, &calibration);
    let fits = fit_columns(p, intended, &measured_acc, &intended_acc);
    let calibrated: Vec<ColumnParams> = fits.iter().map(|f| f.columns).collect();

    aged.program_columns(intended)?;
    let before: Vec<Vec<i64>> = aged
        .run(&held_out)?
        .into_iter()
        .map(|(_, out)| out)
        .collect();
    aged.program_columns(&calibrated)?;
    let after: Vec<Vec<i64>> = aged
        .run(&held_out)?
        .into_iter()
        .map(|(_, out)| out)
        .collect();
    let (_, want_before) = intended_run(&intended_model, vectors, &held_out);
    let (_, want_after) = intended_run(&intended_model, 2 * vectors, &held_out);
    Ok(Calibration {
        fits,
        held_out_seed,
        before: error_summary(&before, &want_before),
        after: error_summary(&after, &want_after),
    })
}

/// One vector's run: `acc` per column where the engine shows it, and the outputs.
type Read = (Vec<Option<i64>>, Vec<i64>);

/// The aged tile, as the chosen engine runs it.
enum AgedTile {
    /// The golden model, and the batch index of its next MVM.
    Model(Box<TileModel>, u32),
    /// The RTL, and the outputs strictly between which an output with parameters 1,0,0 is `acc`
    /// (at the ends the output range may have clipped it, or the ReLU hidden it).
    Rtl(Box<TileRtl>, (i64, i64)),
}

impl AgedTile {
    fn new(engine: Engine, p: &TileParams, weights: &Weights) -> Result<Self, CalibrationError> {
        let defaults = vec![ColumnParams::default(); p.cols()];
        Ok(match engine {
            Engine::Model => AgedTile::Model(Box::new(TileModel::new(p, weights, &defaults)?), 0),
            Engine::Rtl => {
                let mut rtl = TileRtl::build(p)?;
                rtl.program_weights(weights)?;
                rtl.program_columns(&defaults)?;
                let (lo, hi) = p.output_range();
                let floor = if p.activation() == Activation::Relu {
                    lo.max(0)
                } else {
                    lo
                };
                AgedTile::Rtl(Box::new(rtl), (floor, hi))
            }
        })
    }

    /// Writes column parameters while the tile is idle.
    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), CalibrationError> {
        match self {
            AgedTile::Model(model, _) => model.program_columns(columns),
            AgedTile::Rtl(rtl, _) => rtl.program_columns(columns)?,
        }
        Ok(())
    }

    /// Runs `inputs` in order: per vector, `acc` where the engine shows it (the model always, the
    /// RTL through its outputs when they are `acc`) and the outputs.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<Read>, CalibrationError> {
        match self {
            AgedTile::Model(model, next_k) => {
                let results = model.mvm_batch(*next_k, inputs);
                *next_k = next_k.wrapping_add(inputs.len() as u32);
                Ok(results
                    .into_iter()
                    .map(|r| (r.acc.into_iter().map(Some).collect(), r.out))
                    .collect())
            }
            AgedTile::Rtl(rtl, (lo, hi)) => {
                let outputs = rtl.stream(inputs, &Stimulus::default())?.outputs;
                Ok(outputs
                    .into_iter()
                    .map(|out| {
                        (
                            out.iter()
                                .map(|&y| (y > *lo && y < *hi).then_some(y))
                                .collect(),
                            out,
                        )
                    })
                    .collect())
            }
        }
    }
}

/// The intended tile's `(acc, out)` for `inputs` at batch indices `first_k..`.
fn intended_run(
    model: &TileModel,
    first_k: usize,
    inputs: &[Vec<i32>],
) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    model
        .mvm_batch(first_k as u32, inputs)
        .into_iter()
        .map(|r| (r.acc, r.out))
        .unzip()
}

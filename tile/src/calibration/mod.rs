//! Calibration of an aged tile (drifted, faulty, IR-dropped): new column parameters that bring
//! its outputs close to those of the same tile fresh (spec section 7: the same seed with the five
//! v2 keys at 0) with the intended column parameters.
//!
//! As a host would on silicon, [`calibrate`] measures the aged tile through an [`MvmEngine`]
//! (the golden model, or the RTL in a simulator): first `acc` on seeded calibration vectors
//! (column parameters 1,0,0), then, on held-out vectors of the next seed, the outputs with the
//! intended parameters (before) and with the calibrated ones (after). The three runs follow each
//! other on one programmed tile, so their batch indices continue: calibration k = 0..N, before
//! k = N..2N, after k = 2N..3N; the intended tile uses the same k. The fit itself is [`fit`]'s.

pub mod fit;

pub use fit::{error_summary, fit_columns, ColumnFit};

use crate::config::{Activation, ConfigError, TileParams};
use crate::data::{ColumnParams, Weights};
use crate::engine::{EngineError, MvmEngine};
use crate::golden::ModelError;
use crate::random_case::random_inputs;
use crate::TileModel;

/// Why a calibration could not run.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// The fresh form of the tile's configuration is invalid.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The golden model refused the weights or column parameters.
    #[error("{0}")]
    Model(#[from] ModelError),
    /// The engine running the aged tile failed.
    #[error("the {engine} engine failed: {source}")]
    Engine {
        /// The engine's name.
        engine: &'static str,
        /// Its error.
        source: EngineError,
    },
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

/// Calibrates the tile `p` run by `engine` (fresh, not yet programmed) with `weights`, `vectors`
/// calibration vectors from `seed` and as many held-out vectors from `seed + 1`, towards the
/// fresh tile with `intended` column parameters.
pub fn calibrate(
    p: &TileParams,
    engine: &mut dyn MvmEngine,
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

/// The aged tile on its engine, and the outputs strictly between which an output with
/// parameters 1,0,0 is `acc` (at the ends the output range may have clipped it, or the ReLU
/// hidden it), for engines that show outputs only.
struct AgedTile<'e> {
    engine: &'e mut dyn MvmEngine,
    window: (i64, i64),
}

impl<'e> AgedTile<'e> {
    fn new(
        engine: &'e mut dyn MvmEngine,
        p: &TileParams,
        weights: &Weights,
    ) -> Result<Self, CalibrationError> {
        let mut aged = AgedTile {
            engine,
            window: {
                let (lo, hi) = p.output_range();
                let floor = if p.activation() == Activation::Relu {
                    lo.max(0)
                } else {
                    lo
                };
                (floor, hi)
            },
        };
        let name = aged.engine.name();
        let failed = |source| CalibrationError::Engine {
            engine: name,
            source,
        };
        aged.engine.program_weights(weights).map_err(failed)?;
        aged.program_columns(&vec![ColumnParams::default(); p.cols()])?;
        Ok(aged)
    }

    /// Writes column parameters while the tile is idle.
    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), CalibrationError> {
        let engine = self.engine.name();
        self.engine
            .program_columns(columns)
            .map_err(|source| CalibrationError::Engine { engine, source })
    }

    /// Runs `inputs` in order: per vector, `acc` where the engine shows it (the model always, the
    /// RTL through its outputs when they are `acc`) and the outputs.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<Read>, CalibrationError> {
        let engine = self.engine.name();
        let (lo, hi) = self.window;
        let outputs = self
            .engine
            .run(inputs)
            .map_err(|source| CalibrationError::Engine { engine, source })?;
        Ok(outputs
            .into_iter()
            .map(|o| {
                let acc = match o.acc {
                    Some(acc) => acc.into_iter().map(Some).collect(),
                    None => o
                        .out
                        .iter()
                        .map(|&y| (y > lo && y < hi).then_some(y))
                        .collect(),
                };
                (acc, o.out)
            })
            .collect())
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

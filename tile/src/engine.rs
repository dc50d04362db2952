//! [`MvmEngine`]: a programmed tile that runs matrix-vector multiplies, whatever computes them.
//!
//! The golden model is one engine ([`ModelEngine`]); the generated RTL in a simulator is another
//! (implemented in `cimtile-cosim`). Libraries that only need "a tile that runs MVMs", such as
//! the calibration procedure or a network's RTL check, take an engine (or an
//! [`EngineBuilder`]) from their caller, so they never name a simulator and never build one.

use crate::config::TileParams;
use crate::data::{ColumnParams, Weights};
use crate::golden::{ModelError, TileModel};

/// An engine's failure, boxed so that the golden model and a simulator can share one trait; the
/// error's own type (and its chain) survives the box.
pub type EngineError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// One MVM as an engine shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MvmOutput {
    /// The tile's outputs, one per logical column.
    pub out: Vec<i64>,
    /// The column accumulators before the column stage, where the engine can read them (the
    /// golden model can; a tile's host port shows only outputs).
    pub acc: Option<Vec<i64>>,
}

/// A programmed tile that runs MVMs.
///
/// Batch indices (which seed the read noise) count every MVM since the engine was made, across
/// calls to [`MvmEngine::run`], as a tile counts them since reset.
pub trait MvmEngine {
    /// The engine's name in reports: `model` or `rtl`.
    fn name(&self) -> &'static str;
    /// Programs every cell from `weights`; the tile must be idle.
    fn program_weights(&mut self, weights: &Weights) -> Result<(), EngineError>;
    /// Writes every column's parameters; the tile must be idle.
    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), EngineError>;
    /// Runs `inputs` back to back, in order, and returns one [`MvmOutput`] per vector.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<MvmOutput>, EngineError>;
}

/// Whether the tile `p` takes `columns`: a raw tile (`output.raw`) returns its accumulators and
/// has no column parameters but the defaults (mult 1, shift 0, bias 0), which it computes with.
pub fn raw_tile_columns(p: &TileParams, columns: &[ColumnParams]) -> Result<(), String> {
    match columns.iter().position(|&c| c != ColumnParams::default()) {
        Some(c) if p.raw_output() => Err(format!(
            "column {c}: a raw tile (output.raw) has no column parameters; it returns its \
             accumulators for the chip to scale (mult 1, shift 0, bias 0 only)"
        )),
        _ => Ok(()),
    }
}

/// Makes engines of one tile, each freshly out of reset: how a caller lends a library the RTL
/// (built once, loaded per engine) without the library depending on the simulator.
pub trait EngineBuilder: Send + Sync {
    /// A new engine of the tile, not yet programmed.
    fn engine(&self) -> Result<Box<dyn MvmEngine>, EngineError>;
}

/// The golden model as an [`MvmEngine`].
pub struct ModelEngine {
    model: TileModel,
    columns: Vec<ColumnParams>,
    next_k: u32,
}

impl ModelEngine {
    /// The tile `p` with every weight 0 and default column parameters, at batch index 0.
    pub fn new(p: &TileParams) -> Result<Self, ModelError> {
        let weights = Weights {
            rows: p.rows(),
            cols: p.cols(),
            w: vec![0; p.rows() * p.cols()],
        };
        let columns = vec![ColumnParams::default(); p.cols()];
        Ok(ModelEngine {
            model: TileModel::new(p, &weights, &columns)?,
            columns,
            next_k: 0,
        })
    }
}

impl MvmEngine for ModelEngine {
    fn name(&self) -> &'static str {
        "model"
    }

    fn program_weights(&mut self, weights: &Weights) -> Result<(), EngineError> {
        self.model = TileModel::new(self.model.params(), weights, &self.columns)?;
        Ok(())
    }

    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), EngineError> {
        raw_tile_columns(self.model.params(), columns)?;
        self.model.program_columns(columns);
        self.columns = columns.to_vec();
        Ok(())
    }

    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<MvmOutput>, EngineError> {
        let results = self.model.mvm_batch(self.next_k, inputs);
        self.next_k = self.next_k.wrapping_add(inputs.len() as u32);
        Ok(results
            .into_iter()
            .map(|r| MvmOutput {
                out: r.out,
                acc: Some(r.acc),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random_case::random_case;
    use crate::TileConfig;

    #[test]
    fn the_model_engine_continues_batch_indices_across_runs() {
        let p = TileConfig::from_preset("neurram")
            .unwrap()
            .validate()
            .unwrap();
        let case = random_case(&p, 6, 3);
        let mut engine = ModelEngine::new(&p).unwrap();
        engine.program_weights(&case.weights).unwrap();
        engine.program_columns(&case.columns).unwrap();
        let mut got = engine.run(&case.inputs[..2]).unwrap();
        got.extend(engine.run(&case.inputs[2..]).unwrap());
        let model = TileModel::new(&p, &case.weights, &case.columns).unwrap();
        for (k, (x, g)) in case.inputs.iter().zip(&got).enumerate() {
            let want = model.mvm(k as u32, x);
            assert_eq!(g.out, want.out, "MVM {k}");
            assert_eq!(g.acc.as_ref(), Some(&want.acc), "MVM {k}");
        }
    }
}

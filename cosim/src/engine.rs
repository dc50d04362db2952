//! The generated RTL in Verilator as a [`MvmEngine`]: what a library that only needs "a tile
//! that runs MVMs" (calibration, a network's RTL check, Python) is lent by its caller, so that it
//! never names Verilator.

use crate::tile_driver::{build_tile, Stimulus, TileRtl};
use crate::verilator_build::BuiltModel;
use crate::CosimError;
use cimtile_tile::config::TileParams;
use cimtile_tile::data::{ColumnParams, Weights};
use cimtile_tile::engine::{EngineBuilder, EngineError, MvmEngine, MvmOutput};

impl MvmEngine for TileRtl {
    fn name(&self) -> &'static str {
        "rtl"
    }

    fn program_weights(&mut self, weights: &Weights) -> Result<(), EngineError> {
        Ok(TileRtl::program_weights(self, weights)?)
    }

    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), EngineError> {
        Ok(TileRtl::program_columns(self, columns)?)
    }

    /// A back-to-back stream (no gaps, no backpressure); the host port shows outputs only.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<MvmOutput>, EngineError> {
        let outputs = self.stream(inputs, &Stimulus::default())?.outputs;
        Ok(outputs
            .into_iter()
            .map(|out| MvmOutput { out, acc: None })
            .collect())
    }
}

/// The RTL of one tile built once by Verilator, lent as fresh engines, each a tile out of reset.
pub struct RtlEngines {
    params: TileParams,
    built: BuiltModel,
}

impl RtlEngines {
    /// Generates and builds (or finds in the cache) the RTL of the tile `p`.
    pub fn build(p: &TileParams) -> Result<Self, CosimError> {
        Ok(RtlEngines {
            params: p.clone(),
            built: build_tile(p)?,
        })
    }
}

impl EngineBuilder for RtlEngines {
    fn engine(&self) -> Result<Box<dyn MvmEngine>, EngineError> {
        Ok(Box::new(TileRtl::load(self.params.clone(), &self.built)?))
    }
}

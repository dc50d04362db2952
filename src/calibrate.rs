//! `cimtile calibrate`: new column parameters for an aged tile (drifted, faulty, IR-dropped), so
//! that its outputs come close to those of the same tile fresh (spec section 7: the same seed with
//! the five v2 keys at 0) with the intended column parameters.
//!
//! As a host would on silicon, it measures the aged tile through the chosen engine: first `acc` on
//! seeded calibration vectors (column parameters 1,0,0), then, on held-out vectors of another
//! seed, the outputs with the intended parameters (before) and with the calibrated ones (after).
//! The three runs follow each other on one programmed tile, so their batch indices continue:
//! calibration k = 0..N, before k = N..2N, after k = 2N..3N; the intended tile uses the same k.

use crate::cli::{CalibrateArgs, Engine};
use crate::tile_source::{self, Tile};
use anyhow::{anyhow, Result};
use cimtile_cosim::random_case::random_inputs;
use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_hdl::calibration::{error_summary, fit_columns};
use cimtile_hdl::config::Activation;
use cimtile_hdl::data::{columns_csv, ColumnParams, Weights};
use cimtile_hdl::TileModel;
use serde_json::json;
use std::process::ExitCode;

/// The aged tile, as the chosen engine runs it.
enum AgedTile {
    /// The golden model, and the batch index of its next MVM.
    Model(TileModel, u32),
    /// The RTL, and the outputs strictly between which an output with parameters 1,0,0 is `acc`
    /// (at the ends the output range may have clipped it, or the ReLU hidden it).
    Rtl(Box<TileRtl>, (i64, i64)),
}

impl AgedTile {
    fn new(engine: Engine, tile: &Tile, weights: &Weights) -> Result<Self> {
        let defaults = vec![ColumnParams::default(); tile.params.cols()];
        Ok(match engine {
            Engine::Model => AgedTile::Model(TileModel::new(&tile.params, weights, &defaults)?, 0),
            Engine::Rtl => {
                let mut rtl = TileRtl::build(&tile.params)?;
                rtl.program_weights(weights)?;
                rtl.program_columns(&defaults)?;
                let (lo, hi) = tile.params.output_range();
                let floor = if tile.params.activation() == Activation::Relu { lo.max(0) } else { lo };
                AgedTile::Rtl(Box::new(rtl), (floor, hi))
            }
        })
    }

    /// Writes column parameters while the tile is idle.
    fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<()> {
        match self {
            AgedTile::Model(model, _) => model.program_columns(columns),
            AgedTile::Rtl(rtl, _) => rtl.program_columns(columns)?,
        }
        Ok(())
    }

    /// Runs `inputs` in order: per vector, `acc` where the engine shows it (the model always, the
    /// RTL through its outputs when they are `acc`) and the outputs.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<(Vec<Option<i64>>, Vec<i64>)>> {
        match self {
            AgedTile::Model(model, next_k) => {
                let results = model.mvm_batch(*next_k, inputs);
                *next_k = next_k.wrapping_add(inputs.len() as u32);
                Ok(results.into_iter().map(|r| (r.acc.into_iter().map(Some).collect(), r.out)).collect())
            }
            AgedTile::Rtl(rtl, (lo, hi)) => {
                let outputs = rtl.stream(inputs, &Stimulus::default())?.outputs;
                Ok(outputs
                    .into_iter()
                    .map(|out| (out.iter().map(|&y| (y > *lo && y < *hi).then_some(y)).collect(), out))
                    .collect())
            }
        }
    }
}

/// The intended tile's `(acc, out)` for `inputs` at batch indices `first_k..`.
fn intended_run(model: &TileModel, first_k: usize, inputs: &[Vec<i32>]) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    model.mvm_batch(first_k as u32, inputs).into_iter().map(|r| (r.acc, r.out)).unzip()
}

pub fn calibrate(args: &CalibrateArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    let p = &tile.params;
    let weights = tile_source::weights(p, &args.weights)?;
    let intended_columns = tile_source::columns(p, args.columns.as_deref())?;
    let fresh = tile.params.config().fresh().validate().map_err(|e| anyhow!("{e}"))?;
    let intended = TileModel::new(&fresh, &weights, &intended_columns)?;
    let n = args.vectors as usize;
    let held_out_seed = args.seed.wrapping_add(1);
    let (calibration, held_out) = (random_inputs(p, n, args.seed), random_inputs(p, n, held_out_seed));
    if let Some(aging) = &tile.aging {
        println!("{aging}");
    }

    let mut aged = AgedTile::new(args.engine, &tile, &weights)?;
    let measured = aged.run(&calibration)?;
    let (intended_acc, _) = intended_run(&intended, 0, &calibration);
    let measured_acc: Vec<Vec<Option<i64>>> = measured.into_iter().map(|(acc, _)| acc).collect();
    let fits = fit_columns(p, &intended_columns, &measured_acc, &intended_acc);
    let calibrated: Vec<ColumnParams> = fits.iter().map(|f| f.columns).collect();

    aged.program_columns(&intended_columns)?;
    let before: Vec<Vec<i64>> = aged.run(&held_out)?.into_iter().map(|(_, out)| out).collect();
    aged.program_columns(&calibrated)?;
    let after: Vec<Vec<i64>> = aged.run(&held_out)?.into_iter().map(|(_, out)| out).collect();
    let (_, want_before) = intended_run(&intended, n, &held_out);
    let (_, want_after) = intended_run(&intended, 2 * n, &held_out);
    let (before_mean, before_max) = error_summary(&before, &want_before);
    let (after_mean, after_max) = error_summary(&after, &want_after);

    tile_source::write_text(&args.out, &columns_csv(&calibrated))?;
    let engine = match args.engine {
        Engine::Model => "model",
        Engine::Rtl => "rtl",
    };
    println!("tile: {} (engine {engine}), {n} calibration vectors (seed {}), {n} held-out vectors (seed {held_out_seed})", tile.origin, args.seed);
    println!("error against the fresh tile, held out: before mean {before_mean:.3} max {before_max}; after mean {after_mean:.3} max {after_max}");
    if after_mean > 0.0 {
        println!("mean error {:.2}x lower", before_mean / after_mean);
    }
    println!("calibrated column parameters written to '{}'", args.out.display());
    if let Some(path) = &args.report {
        let columns: Vec<_> = fits
            .iter()
            .map(|f| {
                json!({ "mult": f.columns.mult, "shift": f.columns.shift, "bias": f.columns.bias,
                        "fit_slope": f.slope, "fit_intercept": f.intercept, "calibration_mean_abs_error": f.mean_abs_error })
            })
            .collect();
        let report = json!({
            "engine": engine,
            "tile": tile.origin,
            "config": tile.params.config(),
            "aging": tile.aging,
            "vectors": n,
            "seed": args.seed,
            "held_out_seed": held_out_seed,
            "before": { "mean_abs_error": before_mean, "max_abs_error": before_max },
            "after": { "mean_abs_error": after_mean, "max_abs_error": after_max },
            "columns": columns,
        });
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

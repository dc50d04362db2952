//! `cimtile calibrate`: new column parameters for an aged tile, measured through the chosen
//! engine as a host would on silicon; the work is `cimtile_tile::calibration`'s.

use crate::cli::{CalibrateArgs, Engine};
use crate::{progress, tile_source};
use anyhow::Result;
use cimtile_cosim::tile_driver::TileRtl;
use cimtile_tile::calibration::calibrate as calibrate_tile;
use cimtile_tile::data::columns_csv;
use cimtile_tile::engine::{ModelEngine, MvmEngine};
use serde_json::json;
use std::process::ExitCode;

pub fn calibrate(args: &CalibrateArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    let p = &tile.params;
    let weights = tile_source::weights(p, &args.weights)?;
    let intended_columns = tile_source::columns(p, args.columns.as_deref())?;
    if let Some(aging) = &tile.aging {
        println!("{aging}");
    }
    let mut engine: Box<dyn MvmEngine> = match args.engine {
        Engine::Model => Box::new(ModelEngine::new(p)?),
        Engine::Rtl => Box::new(progress::build_with_spinner(|| TileRtl::build(p))?),
    };
    let name = engine.name();
    let n = args.vectors as usize;
    let c = calibrate_tile(
        p,
        engine.as_mut(),
        &weights,
        &intended_columns,
        n,
        args.seed,
    )?;
    let ((before_mean, before_max), (after_mean, after_max)) = (c.before, c.after);
    tile_source::write_text(&args.out, &columns_csv(&c.columns()))?;
    println!("tile: {} (engine {name}), {n} calibration vectors (seed {}), {n} held-out vectors (seed {})", tile.origin, args.seed, c.held_out_seed);
    println!("error against the fresh tile, held out: before mean {before_mean:.3} max {before_max}; after mean {after_mean:.3} max {after_max}");
    if after_mean > 0.0 {
        println!("mean error {:.2}x lower", before_mean / after_mean);
    }
    println!(
        "calibrated column parameters written to '{}'",
        args.out.display()
    );
    if let Some(path) = &args.report {
        let columns: Vec<_> = c
            .fits
            .iter()
            .map(|f| {
                json!({ "mult": f.columns.mult, "shift": f.columns.shift, "bias": f.columns.bias,
                        "fit_slope": f.slope, "fit_intercept": f.intercept, "calibration_mean_abs_error": f.mean_abs_error })
            })
            .collect();
        let report = json!({
            "engine": name,
            "tile": tile.origin,
            "config": tile.params.config(),
            "aging": tile.aging,
            "vectors": n,
            "seed": args.seed,
            "held_out_seed": c.held_out_seed,
            "before": { "mean_abs_error": before_mean, "max_abs_error": before_max },
            "after": { "mean_abs_error": after_mean, "max_abs_error": after_max },
            "columns": columns,
        });
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

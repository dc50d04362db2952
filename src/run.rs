//! `cimtile run`: input vectors through a programmed tile, on the golden model or the RTL.

use crate::cli::{Engine, RunArgs};
use crate::tile_source;
use anyhow::{bail, Result};
use cimtile_hdl::data::to_csv;
use cimtile_hdl::TileModel;
use serde_json::json;
use std::process::ExitCode;

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let p = &tile.params;
    let weights = tile_source::weights(p, &args.weights)?;
    let inputs = tile_source::inputs(p, &args.inputs)?;
    let columns = tile_source::columns(p, args.columns.as_deref())?;
    if args.engine == Engine::Rtl {
        bail!("--engine rtl is not available yet: it arrives with the co-simulation; use --engine model");
    }
    let model = TileModel::new(p, &weights, &columns);
    let results: Vec<_> = inputs.iter().enumerate().map(|(k, x)| model.mvm(k as u32, x)).collect();
    let csv = to_csv(results.iter().map(|r| r.out.iter().copied()));
    match &args.out {
        Some(path) => tile_source::write_text(path, &csv)?,
        None => print!("{csv}"),
    }
    if let Some(path) = &args.report {
        let per_mvm: Vec<_> = results
            .iter()
            .enumerate()
            .map(|(k, r)| json!({ "index": k, "max_abs_error": r.max_abs_error() }))
            .collect();
        let report = json!({
            "engine": "model",
            "tile": tile.origin,
            "config": tile.config,
            "mvms": results.len(),
            "min_cycles_per_mvm": p.min_cycles_per_mvm(),
            "max_abs_error": results.iter().map(|r| r.max_abs_error()).max().unwrap_or(0),
            "per_mvm": per_mvm,
        });
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

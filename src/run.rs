//! `cimtile run`: input vectors through a programmed tile, on the golden model or the RTL.

use crate::cli::{Engine, RunArgs};
use crate::tile_source::{self, Tile};
use anyhow::{bail, Result};
use cimtile_cosim::rtl_run::{run_on, RtlRun};
use cimtile_cosim::sim_macro::Macro;
use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_hdl::Crossbar;
use cimtile_tile::data::{to_csv, ColumnParams, Weights};
use cimtile_tile::golden::max_abs_error;
use cimtile_tile::TileModel;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::process::ExitCode;

/// Builds the tile's RTL with `crossbar` (a behavioral one with the macro model `sim_macro`)
/// and runs `inputs` on it (the sequence is the cosim crate's).
pub fn run_rtl(
    tile: &Tile,
    crossbar: Crossbar,
    sim_macro: Macro,
    weights: &Weights,
    columns: &[ColumnParams],
    inputs: &[Vec<i32>],
    vcd: Option<&std::path::Path>,
) -> Result<RtlRun> {
    let mut rtl = crate::progress::build_with_spinner(|| {
        TileRtl::build_macro(&tile.params, crossbar, sim_macro)
    })?;
    Ok(run_on(
        &mut rtl,
        weights,
        columns,
        inputs,
        &Stimulus::default(),
        vcd,
    )?)
}

/// Vectors per block of the model engine's run.
const BLOCK: usize = 1024;

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    if args.vcd.is_some() && args.engine != Engine::Rtl {
        bail!("--vcd needs --engine rtl (the golden model has no waveform)");
    }
    if args.crossbar.is_some() && args.engine != Engine::Rtl {
        bail!("--macro needs --engine rtl (the golden model has no crossbar macro)");
    }
    let choice = args.crossbar.unwrap_or_default();
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    // stderr: the outputs' CSV may be on stdout.
    if let Some(aging) = &tile.aging {
        eprintln!("{aging}");
    }
    let p = &tile.params;
    let weights = tile_source::weights(p, &args.weights)?;
    let inputs = tile_source::inputs(p, &args.inputs)?;
    let columns = tile_source::columns(p, args.columns.as_deref())?;
    // The model is needed for its outputs (model engine) or for W^T x (report) only.
    let model = (args.engine == Engine::Model || args.report.is_some())
        .then(|| TileModel::new(p, &weights, &columns))
        .transpose()?;
    let (csv, outputs, timing) = match args.engine {
        Engine::Model => {
            let model = model.as_ref().expect("the model engine builds the model");
            // A block of vectors at a time on every core, each block's outputs made CSV lines
            // where they are computed and kept as numbers only for the report: keeping them all
            // (40 MB for 20,000 vectors of 256) cost as much in page faults as the formatting.
            let keep = args.report.is_some();
            let blocks: Vec<(String, Vec<Vec<i64>>)> = inputs
                .par_chunks(BLOCK)
                .enumerate()
                .map(|(i, xs)| {
                    let outputs = model.outputs_batch((i * BLOCK) as u32, xs);
                    (to_csv(&outputs), if keep { outputs } else { Vec::new() })
                })
                .collect();
            let (csv, outputs): (Vec<_>, Vec<_>) = blocks.into_iter().unzip();
            (csv.concat(), outputs.concat(), None)
        }
        Engine::Rtl => {
            let run = run_rtl(
                &tile,
                choice.crossbar(),
                choice.sim_macro(),
                &weights,
                &columns,
                &inputs,
                args.vcd.as_deref(),
            )?;
            (to_csv(&run.outputs), run.outputs.clone(), Some(run))
        }
    };
    match &args.out {
        Some(path) => tile_source::write_text(path, &csv)?,
        None => print!("{csv}"),
    }
    if let (Some(path), Some(model)) = (&args.report, &model) {
        let errors: Vec<u64> = outputs
            .par_iter()
            .zip(&inputs)
            .map(|(out, x)| max_abs_error(out, &model.ideal(x)))
            .collect();
        let per_mvm: Vec<Value> = errors
            .iter()
            .enumerate()
            .map(|(k, e)| json!({ "index": k, "max_abs_error": e }))
            .collect();
        let mut report = json!({
            "engine": match args.engine { Engine::Model => "model", Engine::Rtl => "rtl" },
            "tile": tile.origin,
            "config": tile.params.config(),
            "mvms": outputs.len(),
            "min_cycles_per_mvm": p.min_cycles_per_mvm(),
            "max_abs_error": errors.iter().copied().max().unwrap_or(0),
            "max_abs_error_per_mvm": errors,
            "per_mvm": per_mvm,
        });
        if let Some(t) = &timing {
            report["cycles"] = json!(t.cycles);
            report["cycles_per_mvm"] = json!(t.cycles_per_mvm);
            report["adc_busy_ratio"] = json!(t.adc_busy_ratio(p));
        }
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

//! `cimtile run`: input vectors through a programmed tile, on the golden model or the RTL.

use crate::cli::{Engine, RunArgs};
use crate::tile_source::{self, Tile};
use anyhow::{bail, Context, Result};
use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_hdl::data::{to_csv, ColumnParams, Weights};
use cimtile_hdl::golden::max_abs_error;
use cimtile_hdl::TileModel;
use serde_json::{json, Value};
use std::process::ExitCode;

/// How the RTL engine's run went, for the report.
pub struct RtlTiming {
    /// Cycles of the stream, first input element to last result.
    pub cycles: u64,
    pub cycles_per_mvm: f64,
    /// Wall-clock seconds of the stream alone (no build, no programming).
    pub stream_seconds: f64,
}

impl RtlTiming {
    pub fn adc_busy_ratio(&self, tile: &Tile) -> f64 {
        tile.params.min_cycles_per_mvm() as f64 / self.cycles_per_mvm
    }
}

/// Runs `inputs` on the generated RTL: outputs and timing. `cycles_per_mvm` is the steady
/// back-to-back spacing, measured on this stream when it has 3 MVMs or more, else on a
/// separate stream of 4 MVMs after a reset.
pub fn run_rtl(
    tile: &Tile,
    weights: &Weights,
    columns: &[ColumnParams],
    inputs: &[Vec<i32>],
    vcd: Option<&std::path::Path>,
) -> Result<(Vec<Vec<i64>>, RtlTiming)> {
    let mut rtl = TileRtl::build(&tile.config)?;
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
        None => {
            rtl.reset()?;
            let probe: Vec<Vec<i32>> = (0..4).map(|i| inputs[i % inputs.len()].clone()).collect();
            rtl.stream(&probe, &Stimulus::default())?.steady_cycles_per_mvm().context("timing stream")?
        }
    };
    Ok((stream.outputs, RtlTiming { cycles: stream.cycles, cycles_per_mvm, stream_seconds }))
}

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    if args.vcd.is_some() && args.engine != Engine::Rtl {
        bail!("--vcd needs --engine rtl (the golden model has no waveform)");
    }
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
    let model = (args.engine == Engine::Model || args.report.is_some()).then(|| TileModel::new(p, &weights, &columns));
    let (outputs, timing) = match args.engine {
        Engine::Model => {
            let model = model.as_ref().expect("the model engine builds the model");
            (inputs.iter().enumerate().map(|(k, x)| model.mvm(k as u32, x).out).collect::<Vec<_>>(), None)
        }
        Engine::Rtl => {
            let (outputs, timing) = run_rtl(&tile, &weights, &columns, &inputs, args.vcd.as_deref())?;
            (outputs, Some(timing))
        }
    };
    let csv = to_csv(&outputs);
    match &args.out {
        Some(path) => tile_source::write_text(path, &csv)?,
        None => print!("{csv}"),
    }
    if let (Some(path), Some(model)) = (&args.report, &model) {
        let errors: Vec<u64> = outputs.iter().zip(&inputs).map(|(out, x)| max_abs_error(out, &model.ideal(x))).collect();
        let per_mvm: Vec<Value> = errors.iter().enumerate().map(|(k, e)| json!({ "index": k, "max_abs_error": e })).collect();
        let mut report = json!({
            "engine": match args.engine { Engine::Model => "model", Engine::Rtl => "rtl" },
            "tile": tile.origin,
            "config": tile.config,
            "mvms": outputs.len(),
            "min_cycles_per_mvm": p.min_cycles_per_mvm(),
            "max_abs_error": errors.iter().copied().max().unwrap_or(0),
            "max_abs_error_per_mvm": errors,
            "per_mvm": per_mvm,
        });
        if let Some(t) = &timing {
            report["cycles"] = json!(t.cycles);
            report["cycles_per_mvm"] = json!(t.cycles_per_mvm);
            report["adc_busy_ratio"] = json!(t.adc_busy_ratio(&tile));
        }
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

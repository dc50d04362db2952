//! `cimtile cosim`: random cases through the RTL and the golden model, compared bit for bit.
//! A mismatch leaves a replayable case (config and CSVs), both engines' outputs and a VCD.

use crate::cli::CosimArgs;
use crate::run::run_rtl;
use crate::tile_source;
use anyhow::Result;
use cimtile_cosim::random_case::{random_case, Case};
use cimtile_cosim::replay_case::{first_mismatch, write_case};
use cimtile_hdl::{TileModel, TileParams};
use std::process::ExitCode;
use std::time::Instant;

/// The golden model's outputs for a case, input k at batch index k.
pub fn expected_outputs(p: &TileParams, case: &Case) -> Vec<Vec<i64>> {
    let model = TileModel::new(p, &case.weights, &case.columns);
    case.inputs.iter().enumerate().map(|(k, x)| model.mvm(k as u32, x).out).collect()
}

pub fn cosim(args: &CosimArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let p = &tile.params;
    let case = random_case(p, args.mvms as usize, args.seed);
    let expected = expected_outputs(p, &case);
    let started = Instant::now();
    let (got, timing) = run_rtl(&tile, &case.weights, &case.columns, &case.inputs, None)?;
    let total_seconds = started.elapsed().as_secs_f64();
    println!("tile: {}, seed {}, {} MVMs", tile.origin, args.seed, args.mvms);
    println!(
        "cycles per MVM: {} (minimum Ib*G*M*Ta = {}), ADC-busy ratio {:.3}",
        timing.cycles_per_mvm,
        p.min_cycles_per_mvm(),
        timing.adc_busy_ratio(&tile)
    );
    println!(
        "RTL throughput: {:.0} MVMs/s, {:.2} Mcycles/s simulated (stream {:.2} s; with build and programming {:.2} s)",
        args.mvms as f64 / timing.stream_seconds,
        timing.cycles as f64 / timing.stream_seconds / 1e6,
        timing.stream_seconds,
        total_seconds
    );
    let Some(mismatch) = first_mismatch(&expected, &got) else {
        println!("agreement: {0}/{0} MVMs bit-exact against the golden model", args.mvms);
        return Ok(ExitCode::SUCCESS);
    };
    let dir = args.vcd_on_mismatch.clone().unwrap_or_else(|| format!("cimtile-mismatch-{}", args.seed).into());
    write_case(&dir, &tile.config, &case, &expected, &got)?;
    let vcd = dir.join("tile.vcd");
    run_rtl(&tile, &case.weights, &case.columns, &case.inputs, Some(&vcd))?;
    println!(
        "MISMATCH: MVM {}, column {}: golden model {}, RTL {}",
        mismatch.mvm, mismatch.column, mismatch.expected, mismatch.got
    );
    println!("{} other outputs differ", mismatch.others);
    println!("replayable case in {}/ (VCD: {})", dir.display(), vcd.display());
    println!(
        "rerun: cimtile run --config {0}/tile.toml --weights {0}/W.csv --inputs {0}/X.csv --columns {0}/C.csv --engine rtl --vcd {0}/tile.vcd",
        dir.display()
    );
    Ok(ExitCode::from(1))
}

//! `cimtile cosim`: random cases through the RTL and the golden model, compared bit for bit.
//! A mismatch leaves a replayable case (config and CSVs), both engines' outputs and a VCD.

use crate::cli::{CosimArgs, MacroChoice};
use crate::run::run_rtl;
use crate::tile_source::{self, Tile};
use anyhow::{bail, Result};
use cimtile_cosim::rtl_run::run_on;
use cimtile_cosim::tile_driver::TileRtl;
use cimtile_cosim::random_case::{random_case, Case};
use cimtile_cosim::replay_case::{first_mismatch, write_case};
use cimtile_hdl::{TileModel, TileParams};
use std::process::ExitCode;
use std::time::Instant;

/// The golden model's outputs for a case, input k at batch index k.
pub fn expected_outputs(p: &TileParams, case: &Case) -> Vec<Vec<i64>> {
    let model = TileModel::new(p, &case.weights, &case.columns);
    model.mvm_batch(0, &case.inputs).into_iter().map(|r| r.out).collect()
}

pub fn cosim(args: &CosimArgs) -> Result<ExitCode> {
    // Either a generated directory (its manifest holds the configuration) or a configuration.
    let (tile, open_rtl) = match &args.rtl {
        Some(dir) => {
            if args.tile.config.is_some() || args.tile.preset.is_some() {
                bail!("--rtl takes the configuration from the directory's manifest.json: drop --config and --preset");
            }
            if args.crossbar.is_some() {
                bail!("--rtl runs the directory's own crossbar macro: drop --macro");
            }
            let rtl = TileRtl::open(dir)?;
            let config = rtl.config().clone();
            let params = config.validate()?;
            let origin = format!("generated RTL in '{}'", dir.display());
            (Tile { config, params, origin, aging: None }, Some(rtl))
        }
        None => (tile_source::load(&args.tile)?, None),
    };
    let p = &tile.params;
    let crossbar = args.crossbar.unwrap_or(MacroChoice::Behavioral).crossbar();
    let case = random_case(p, args.mvms as usize, args.seed);
    let expected = expected_outputs(p, &case);
    let started = Instant::now();
    let timing = match open_rtl {
        Some(mut rtl) => run_on(&mut rtl, &case.weights, &case.columns, &case.inputs, None)?,
        None => run_rtl(&tile, crossbar, &case.weights, &case.columns, &case.inputs, None)?,
    };
    let got = &timing.outputs;
    let total_seconds = started.elapsed().as_secs_f64();
    println!("tile: {}, seed {}, {} MVMs", tile.origin, args.seed, args.mvms);
    println!(
        "cycles per MVM: {} (minimum Ib*G*M*Ta = {}), ADC-busy ratio {:.3}",
        timing.cycles_per_mvm,
        p.min_cycles_per_mvm(),
        timing.adc_busy_ratio(p)
    );
    println!(
        "RTL throughput: {:.0} MVMs/s, {:.2} Mcycles/s simulated (stream {:.2} s; with build and programming {:.2} s)",
        args.mvms as f64 / timing.stream_seconds,
        timing.cycles as f64 / timing.stream_seconds / 1e6,
        timing.stream_seconds,
        total_seconds
    );
    let Some(mismatch) = first_mismatch(&expected, got) else {
        println!("agreement: {0}/{0} MVMs bit-exact against the golden model", args.mvms);
        return Ok(ExitCode::SUCCESS);
    };
    let dir = args.vcd_on_mismatch.clone().unwrap_or_else(|| format!("cimtile-mismatch-{}", args.seed).into());
    write_case(&dir, &tile.config, &case, &expected, got)?;
    let vcd = dir.join("tile.vcd");
    run_rtl(&tile, crossbar, &case.weights, &case.columns, &case.inputs, Some(&vcd))?;
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

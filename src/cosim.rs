//! `cimtile cosim`: random cases through the RTL (the bare tile, or its AXI top with `--bus axi`)
//! and the golden model, compared bit for bit. A mismatch leaves a replayable case (config and
//! CSVs), both engines' outputs and a VCD.

use crate::cli::{BusArg, CosimArgs};
use crate::progress::{self, build_with_spinner};
use crate::tile_source::{self, Tile};
use anyhow::{bail, Result};
use cimtile_cosim::axi_driver::AxiTileRtl;
use cimtile_cosim::replay_case::{first_mismatch, write_case};
use cimtile_cosim::rtl_run::{run_on, RtlRun, TileHost};
use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_cosim::CosimError;
use cimtile_tile::random_case::{expected_outputs, random_case};
use cimtile_tile::TileParams;
use std::process::ExitCode;
use std::time::Instant;

pub fn cosim(args: &CosimArgs) -> Result<ExitCode> {
    if let Some(model) = &args.model {
        return crate::chip_rtl::cosim(args, model);
    }
    if args.rtl.is_some() {
        if args.tile.config.is_some() || args.tile.preset.is_some() {
            bail!("--rtl takes the configuration from the directory's manifest.json: drop --config and --preset");
        }
        if args.crossbar.is_some() {
            bail!("--rtl runs the directory's own crossbar macro: drop --macro");
        }
    }
    match args.bus {
        None => cosim_on::<TileRtl>(args),
        Some(BusArg::Axi) => cosim_on::<AxiTileRtl>(args),
    }
}

/// `cosim` through the driver `T`: the bare tile, or its AXI top.
fn cosim_on<T: TileHost>(args: &CosimArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let crossbar = args.crossbar.unwrap_or_default();
    // Either a generated directory (its manifest holds the configuration) or a configuration.
    let (tile, first_rtl) = match &args.rtl {
        Some(dir) => {
            let rtl = build_with_spinner(|| T::open(dir))?;
            let params = rtl.params().clone();
            let origin = format!("generated RTL in '{}'", dir.display());
            (
                Tile {
                    params,
                    origin,
                    aging: None,
                },
                rtl,
            )
        }
        None => {
            let tile = tile_source::load(&args.tile)?;
            let rtl = build_with_spinner(|| {
                T::build_macro(&tile.params, crossbar.crossbar(), crossbar.sim_macro())
            })?;
            (tile, rtl)
        }
    };
    let p = &tile.params;
    let case = random_case(p, args.mvms as usize, args.seed);
    let expected = expected_outputs(p, &case);
    // The disturbances follow the case's seed, so a rerun meets the same gaps and stalls.
    let stim = Stimulus {
        input_gap_percent: args.gaps,
        backpressure_percent: args.backpressure,
        program_attempt_percent: 0,
        seed: args.seed,
    };
    let mut rtl = first_rtl;
    let bar = progress::bar(args.mvms, "MVMs");
    let shown = bar.clone();
    rtl.on_result(move |done| shown.set_position(done as u64));
    let outcome = run_on(
        &mut rtl,
        &case.weights,
        &case.columns,
        &case.inputs,
        &stim,
        None,
    );
    bar.finish_and_clear();
    drop(rtl);
    let total_seconds = started.elapsed().as_secs_f64();
    let through = if args.bus.is_some() {
        " behind its AXI top"
    } else {
        ""
    };
    let disturbed = match (args.gaps, args.backpressure) {
        (0, 0) => String::new(),
        (gaps, stalls) => format!(", {gaps}% input gaps, {stalls}% output backpressure"),
    };
    println!(
        "tile: {}{through}, seed {}, {} MVMs{disturbed}",
        tile.origin, args.seed, args.mvms
    );
    let (got, failure) = match outcome {
        Ok(timing) => {
            print_timing(p, &timing, args.mvms, total_seconds);
            match first_mismatch(&expected, &timing.outputs) {
                None => {
                    println!("agreement: {0}/{0} MVMs bit-exact against the golden model", args.mvms);
                    return Ok(ExitCode::SUCCESS);
                }
                Some(m) => (
                    timing.outputs,
                    format!(
                        "MISMATCH: MVM {}, column {}: golden model {}, RTL {}\n{} other outputs differ",
                        m.mvm, m.column, m.expected, m.got, m.others
                    ),
                ),
            }
        }
        // A hang or a broken interface rule (the tile's or AXI's) is a failure of the RTL like a
        // wrong result: it leaves the same replayable case (with no RTL outputs).
        Err(
            e @ (CosimError::Stalled { .. }
            | CosimError::Protocol(_)
            | CosimError::Axi(_)
            | CosimError::AxiStalled(_)
            | CosimError::AxiRefused { .. }),
        ) => (Vec::new(), format!("FAILED: {e}")),
        Err(e) => return Err(e.into()),
    };
    let dir = args
        .vcd_on_mismatch
        .clone()
        .unwrap_or_else(|| format!("cimtile-mismatch-{}", args.seed).into());
    write_case(&dir, &tile.params, &case, &expected, &got)?;
    let vcd = dir.join("tile.vcd");
    let mut rtl = match &args.rtl {
        Some(generated) => T::open(generated)?,
        None => T::build_macro(&tile.params, crossbar.crossbar(), crossbar.sim_macro())?,
    };
    // The rerun fails the same way; it is run for its waveform.
    let _ = run_on(
        &mut rtl,
        &case.weights,
        &case.columns,
        &case.inputs,
        &stim,
        Some(&vcd),
    );
    println!("{failure}");
    println!(
        "replayable case in {}/ (VCD: {})",
        dir.display(),
        vcd.display()
    );
    let macro_option = crossbar.option();
    match args.bus {
        None => println!(
            "rerun: cimtile run --config {0}/tile.toml --weights {0}/W.csv --inputs {0}/X.csv --columns {0}/C.csv --engine rtl{macro_option} --vcd {0}/tile.vcd",
            dir.display()
        ),
        // `run` drives the bare tile only; the seed makes the same case and disturbances again.
        Some(BusArg::Axi) => {
            let source = match &args.rtl {
                Some(generated) => format!("--rtl {}", generated.display()),
                None => format!("--config {}/tile.toml{macro_option}", dir.display()),
            };
            println!(
                "rerun: cimtile cosim --bus axi {source} --mvms {} --seed {} --gaps {} --backpressure {} --vcd-on-mismatch {}",
                args.mvms,
                args.seed,
                args.gaps,
                args.backpressure,
                dir.display()
            );
        }
    }
    Ok(ExitCode::from(1))
}

fn print_timing(p: &TileParams, timing: &RtlRun, mvms: u64, total_seconds: f64) {
    println!(
        "cycles per MVM: {} (minimum Ib*G*M*Ta = {}), ADC-busy ratio {:.3}",
        // Whole when back to back, fractional under gaps and backpressure.
        (timing.cycles_per_mvm * 100.0).round() / 100.0,
        p.min_cycles_per_mvm(),
        timing.adc_busy_ratio(p)
    );
    println!(
        "RTL throughput: {:.0} MVMs/s, {:.2} Mcycles/s simulated (stream {:.2} s; with build and programming {:.2} s)",
        mvms as f64 / timing.stream_seconds,
        timing.cycles as f64 / timing.stream_seconds / 1e6,
        timing.stream_seconds,
        total_seconds
    );
}

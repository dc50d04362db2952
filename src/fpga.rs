//! `cimtile fpga`: the periphery placed and routed on an FPGA by `cimtile_flows::fpga`, its
//! figures printed and written as JSON.

use crate::cli::{Family, FpgaArgs};
use crate::{progress, tile_source};
use anyhow::Result;
use cimtile_flows::fpga;
use std::process::ExitCode;
use std::time::Duration;

pub fn fpga(args: &FpgaArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let request = fpga::Request {
        params: &tile.params,
        origin: &tile.origin,
        family: match args.family {
            Family::Ecp5 => fpga::Family::Ecp5,
            Family::Ice40 => fpga::Family::Ice40,
        },
        device: args.device.as_deref(),
        package: args.package.as_deref(),
        freq_mhz: args.freq,
        seed: args.seed,
        seeds: args.seeds,
        timeout: Duration::from_secs(args.timeout),
        keep: args.keep.as_deref(),
        crossbar: args.crossbar.crossbar(),
    };
    let report = progress::with_status(|s| fpga::run(&request, s)).inspect_err(|e| {
        // Where the cells went, when the design did not fit.
        if let Some(no_fit) = e.downcast_ref::<fpga::DoesNotFit>() {
            print!("{}", no_fit.blocks);
        }
    })?;
    print!("{report}");
    if let Some(keep) = &args.keep {
        println!("work directory: {} (Verilog, synth.ys, netlist.json, stat.json, yosys.log, nextpnr.log, report.json)", keep.display());
    }
    if let Some(path) = &args.json {
        tile_source::write_text(
            path,
            &(serde_json::to_string_pretty(&report.to_json())? + "\n"),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

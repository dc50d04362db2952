//! `cimtile fpga`: the periphery, the whole tile or a network's chip placed and routed on an
//! FPGA by `cimtile_flows::fpga`, its figures printed and written as JSON.

use crate::cli::{Family, FpgaArgs, MacroChoice};
use crate::{chip_rtl, progress, tile_source};
use anyhow::Result;
use cimtile_flows::fpga;
use std::process::ExitCode;
use std::time::Duration;

pub fn fpga(args: &FpgaArgs) -> Result<ExitCode> {
    // A chip is placed whole by default: its tiles' stand-ins would leave out most of it.
    let crossbar = args
        .crossbar
        .unwrap_or(match args.model {
            Some(_) => MacroChoice::Emulated,
            None => MacroChoice::Behavioral,
        })
        .crossbar();
    let (tile, chip, origin) = match &args.model {
        Some(model) => {
            let (tile, chip) = chip_rtl::chip(&args.tile, model, crossbar)?;
            let origin = format!(
                "the chip of {} ({} tiles of {})",
                model.display(),
                chip.plan.tiles,
                tile.origin
            );
            (tile, Some(chip), origin)
        }
        None => {
            let tile = tile_source::load(&args.tile)?;
            let origin = tile.origin.clone();
            (tile, None, origin)
        }
    };
    let request = fpga::Request {
        params: &tile.params,
        origin: &origin,
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
        placed: match &chip {
            Some(chip) => fpga::Placed::Chip(fpga::Chip {
                tile: &chip.tile,
                files: &chip.files,
                top: cimtile_chip_rtl::TOP,
                tiles: chip.plan.tiles,
            }),
            None => fpga::Placed::Tile(crossbar),
        },
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

//! `cimtile asic`: the periphery through the OSU 0.18 um flow of `cimtile_flows::asic`, with a
//! progress bar over its steps and its figures printed. A layout with failed routes is no layout:
//! the command then exits 1 (after writing and printing everything, for the diagnosis).

use crate::cli::AsicArgs;
use crate::progress;
use crate::tile_source;
use anyhow::{Context, Result};
use cimtile_flows::asic;
use std::process::ExitCode;

pub fn asic(args: &AsicArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create '{}'", args.out.display()))?;
    let bar = progress::steps(asic::STEPS.len() as u64);
    let report = asic::run(&tile.params, &args.out, args.clock_mhz, &mut |i| {
        bar.set_position(i as u64);
        bar.set_message(asic::STEPS[i]);
    });
    bar.finish_and_clear();
    let r = report?;
    println!("{}: wrote the netlist, macro LEF and Liberty, SDC, DEF, SDF, reports and asic.json into {}", r.top, args.out.display());
    // fmax is read from the full-cycle and the half-cycle slack: both are shown.
    let slack = |s: Option<f64>| s.map_or_else(|| "none".to_string(), |s| format!("{s:.3} ns"));
    println!(
        "fmax at {} MHz constraints: {:.1} MHz after synthesis, {:.1} MHz routed (routed setup slack {} full-cycle, {} half-cycle; hold slack {:.3} ns); {} failed routes",
        r.clock_mhz,
        r.fmax_mhz_synthesis,
        r.fmax_mhz_routed,
        slack(r.full_cycle_setup_slack_ns_routed),
        slack(r.half_cycle_setup_slack_ns_routed),
        r.hold_slack_ns_routed,
        r.failed_routes
    );
    println!(
        "area: {} cells {:.0} um^2 + macro {:.0} um^2 in a {:.0} um^2 core ({:.0}% used), {:.0} um of wire",
        r.cells,
        r.cell_area_um2,
        r.macro_area_um2,
        r.core_area_um2,
        100.0 * r.utilization,
        r.wirelength_um
    );
    if r.failed_routes > 0 {
        eprintln!(
            "cimtile: qrouter left {} failed routes (the nets are listed in {})",
            r.failed_routes,
            args.out.join("reports/route.log").display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

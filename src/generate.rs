//! `cimtile generate`: the tile's Verilog, filelist and manifest; unless `--no-synth`, the
//! manifest also carries the periphery's synthesis (cells, flip-flops and logic depth per
//! block, standard-cell area) and the tile's PPA estimate.

use crate::cli::{BusArg, GenerateArgs};
use crate::progress;
use crate::tile_source::{self, Tile};
use anyhow::{Context, Result};
use cimtile_flows::pricing::{self, Pricing, WorkloadData};
use cimtile_flows::synthesis;
use cimtile_hdl::Manifest;
use std::process::ExitCode;

pub fn generate(args: &GenerateArgs) -> Result<ExitCode> {
    if let Some(model) = &args.model {
        return crate::chip_rtl::generate(args, model);
    }
    let tile = tile_source::load(&args.tile)?;
    let bus = args.bus.map(|BusArg::Axi| cimtile_hdl::Bus::Axi);
    let options = cimtile_hdl::GenerateOptions {
        prefix: args.prefix.clone(),
        bus,
        crossbar: args.crossbar.crossbar(),
    };
    let mut generated = cimtile_hdl::generate_with(&tile.params, &options)?;
    if !args.no_synth {
        measure(&tile, &mut generated.manifest)?;
    }
    cimtile_hdl::write(&generated, &args.out)
        .with_context(|| format!("cannot write RTL into '{}'", args.out.display()))?;
    let p = &tile.params;
    let lines: usize = generated
        .verilog_files()
        .map(|f| f.text.lines().count())
        .sum();
    println!(
        "wrote {} files into {}: top module {}, {lines} lines of Verilog (files.f lists them; the {} macro is {}.v)",
        generated.files.len() + 2,
        args.out.display(),
        generated.top,
        options.crossbar.name(),
        generated.manifest.macro_module(),
    );
    if let Some(e) = &generated.manifest.emulation {
        println!(
            "emulated crossbar: {} cell(s) per ADC and cycle, {} read cycle(s) per conversion, codes {} cycles after the start (adc.cycles = {})",
            e.cells_per_read, e.read_cycles, e.latency, p.adc_cycles()
        );
    }
    println!(
        "expected cycles per MVM in a back-to-back stream: {} (minimum Ib*G*M*Ta = {})",
        p.stream_cycles(),
        p.min_cycles_per_mvm()
    );
    Ok(ExitCode::SUCCESS)
}

/// Adds `synthesis` and `ppa` to the manifest and prints their headline. Without Yosys the
/// manifest goes without them; without a Liberty file, without the standard-cell area. Both
/// are said, not hidden.
fn measure(tile: &Tile, manifest: &mut Manifest) -> Result<()> {
    let library = tile.params.config().tech.library;
    let liberty = cimtile_flows::power::library_path(library);
    let synthesized = match progress::with_status(|s| {
        synthesis::synthesize(
            &tile.params,
            liberty.as_deref().ok().map(|l| (l, library)),
            s,
        )
    }) {
        Ok(s) => s,
        Err(e) if synthesis::find_tool("yosys").is_none() => {
            println!("note: the manifest has no synthesis figures: {e:#}");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    println!(
        "synthesized periphery: {} cells, {} flip-flops, logic depth {} (Yosys generic gates; per block in manifest.json)",
        synthesized.cells, synthesized.flip_flops, synthesized.logic_depth
    );
    if let Err(e) = &liberty {
        println!("note: no standard-cell area or power in the manifest: {e:#}");
    }
    // The figures `cimtile ppa` gives the tile on the standard workload.
    let pricing = Pricing {
        synthesize: liberty.is_ok(),
        ..Pricing::default()
    };
    let data = WorkloadData::standard(&tile.params);
    let report = progress::with_status(|s| pricing::price(&tile.params, &data, &pricing, s))?;
    println!(
        "ppa at {} nm, {} MHz: {:.4} mm^2, {:.3e} MVMs/s, {:.1} pJ per MVM, {:.3} TOPS/W (cimtile ppa for the breakdown)",
        report.node_nm, report.clock_mhz, report.area_mm2, report.mvm_per_s, report.energy_pj_per_mvm, report.tops_per_w
    );
    manifest.synthesis = Some(serde_json::to_value(&synthesized)?);
    manifest.ppa = Some(report);
    Ok(())
}

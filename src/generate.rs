//! `cimtile generate`: the tile's Verilog, filelist and manifest.

use crate::cli::GenerateArgs;
use crate::tile_source;
use anyhow::{Context, Result};
use cimtile_hdl::rtl;
use std::process::ExitCode;

pub fn generate(args: &GenerateArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let options = rtl::GenerateOptions { prefix: args.prefix.clone(), crossbar: args.crossbar.crossbar() };
    let generated = rtl::generate_with(&tile.config, &options)?;
    rtl::write(&generated, &args.out).with_context(|| format!("cannot write RTL into '{}'", args.out.display()))?;
    let p = &tile.params;
    let lines: usize = generated.verilog_files().map(|f| f.text.lines().count()).sum();
    println!(
        "wrote {} files into {}: top module {}, {lines} lines of Verilog (files.f lists them; the {} macro is {}.v)",
        generated.files.len() + 2,
        args.out.display(),
        generated.top,
        options.crossbar.name(),
        generated.manifest["macro_file"].as_str().unwrap_or_default().trim_end_matches(".v"),
    );
    if let Some(e) = generated.manifest.get("emulation") {
        println!(
            "emulated crossbar: {} cell(s) per ADC and cycle, {} read cycle(s) per conversion, codes {} cycles after the start (adc.cycles = {})",
            e["cells_per_read"], e["read_cycles"], e["latency"], p.adc_cycles
        );
    }
    println!("expected cycles per MVM in a back-to-back stream: {} (minimum Ib*G*M*Ta = {})", p.expected_cycles_per_mvm(), p.min_cycles_per_mvm());
    Ok(ExitCode::SUCCESS)
}

//! `cimtile generate`: the tile's Verilog, filelist and manifest.

use crate::cli::GenerateArgs;
use crate::tile_source;
use anyhow::{anyhow, Context, Result};
use cimtile_hdl::rtl;
use std::process::ExitCode;

pub fn generate(args: &GenerateArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let generated = rtl::generate(&tile.config).map_err(|e| anyhow!("{e}"))?;
    rtl::write(&generated, &args.out).with_context(|| format!("cannot write RTL into '{}'", args.out.display()))?;
    let p = &tile.params;
    println!(
        "wrote {}/{{{}, files.f, manifest.json, lint_waivers.vlt}}: top module {}, {} lines of Verilog",
        args.out.display(),
        rtl::VERILOG_FILE,
        rtl::TOP_MODULE,
        generated.verilog.lines().count()
    );
    println!("expected cycles per MVM in a back-to-back stream: {} (minimum Ib*G*M*Ta = {})", p.expected_cycles_per_mvm(), p.min_cycles_per_mvm());
    Ok(ExitCode::SUCCESS)
}

//! The tile's RTL: the digital periphery as rust-hdl blocks, one per file, around the
//! behavioral crossbar macro, and [`generate`], which turns a configuration into Verilog.
//!
//! rust-hdl fixes widths at compile time, so the blocks' ports are sized for the largest tile
//! the spec allows (64-bit accumulators, 80-bit products, 16-bit counters); the memories and the
//! macro are parameterized Verilog (`hdl/verilog/`) sized from the configuration, such as the
//! lanes' partial sums (`Widths::partial_bits`).

pub mod activation_unit;
pub mod adc_mux_scheduler;
pub mod cim_tile;
pub mod column_combiner;
pub mod column_params;
pub mod crossbar_macro;
pub mod input_buffer;
pub mod shift_add_lanes;
pub mod tile_controller;

use crate::config::TileConfig;
use rust_hdl::prelude::*;
use std::path::Path;

/// The top module's name in the generated Verilog.
pub const TOP_MODULE: &str = "cim_tile";
/// Rows per word of the row-drive bus between input buffer and macro.
pub const ROW_WORD_BITS: usize = 64;
/// Width of each ADC's code lane between macro and lanes (the spec's largest `adc.bits`).
pub const ADC_LANE_BITS: usize = 16;

/// A Verilog module instance with parameter overrides and named port connections.
fn instance(module: &str, name: &str, params: &[(&str, String)], ports: &[(&str, String)]) -> String {
    let params = params.iter().map(|(k, v)| format!("    .{k}({v})")).collect::<Vec<_>>().join(",\n");
    let ports = ports.iter().map(|(k, v)| format!("    .{k}({v})")).collect::<Vec<_>>().join(",\n");
    format!("{module} #(\n{params}\n) {name} (\n{ports}\n);\n")
}

/// The Verilator lint waivers for generated RTL: one file, each waiver with its reason.
pub const LINT_WAIVERS: &str = include_str!("../../verilog/lint_waivers.vlt");
/// The Verilog file name of the generated RTL.
pub const VERILOG_FILE: &str = "cim_tile.v";

/// Generated Verilog of one tile: one flat file, every module in it.
pub struct GeneratedRtl {
    pub verilog: String,
    /// What the RTL was generated from and for: configuration, sizes, widths, cycle budget.
    pub manifest: serde_json::Value,
}

/// Verilog of the tile `p`, top module [`TOP_MODULE`].
pub fn generate(config: &TileConfig) -> Result<GeneratedRtl, String> {
    let p = config.validate().map_err(|e| e.to_string())?;
    let mut tile = cim_tile::CimTile::new(&p);
    tile.connect_all();
    rust_hdl::core::check_error::check_all(&tile).map_err(|e| format!("rust-hdl design check failed: {e:?}"))?;
    let verilog = rename_top(&generate_verilog_unchecked(&tile));
    let manifest = serde_json::json!({
        "generator": format!("cimtile {}", env!("CARGO_PKG_VERSION")),
        "top_module": TOP_MODULE,
        "files": [VERILOG_FILE],
        "verilog_fnv1a64": format!("{:016x}", fnv1a64(verilog.as_bytes())),
        "config": config,
        "derived": {
            "slices": p.slices,
            "phys_cols": p.phys_cols,
            "groups": p.groups,
            "phases": p.phases,
        },
        "widths": p.widths(),
        "min_cycles_per_mvm": p.min_cycles_per_mvm(),
        "expected_cycles_per_mvm": p.expected_cycles_per_mvm(),
    });
    Ok(GeneratedRtl { verilog, manifest })
}

/// Writes `cim_tile.v`, `files.f`, `manifest.json` and the lint waivers into `dir`.
pub fn write(rtl: &GeneratedRtl, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(VERILOG_FILE), &rtl.verilog)?;
    std::fs::write(dir.join("files.f"), format!("{VERILOG_FILE}\n"))?;
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(&rtl.manifest)? + "\n")?;
    std::fs::write(dir.join("lint_waivers.vlt"), LINT_WAIVERS)?;
    Ok(())
}

/// FNV-1a, 64 bits: a stable fingerprint of the Verilog text for the manifest.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

/// rust-hdl calls the top `top` and every submodule `top$path`: give them the tile's name.
fn rename_top(verilog: &str) -> String {
    verilog.replace("module top(", &format!("module {TOP_MODULE}(")).replace("top$", &format!("{TOP_MODULE}$"))
}


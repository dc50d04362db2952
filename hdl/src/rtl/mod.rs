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

use crate::config::TileParams;
use rust_hdl::prelude::*;

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

/// Generated Verilog of one tile: one flat file, every module in it.
pub struct GeneratedRtl {
    pub verilog: String,
}

/// Verilog of the tile `p`, top module [`TOP_MODULE`].
pub fn generate(p: &TileParams) -> Result<GeneratedRtl, String> {
    let mut tile = cim_tile::CimTile::new(p);
    tile.connect_all();
    rust_hdl::core::check_error::check_all(&tile).map_err(|e| format!("rust-hdl design check failed: {e:?}"))?;
    let raw = generate_verilog_unchecked(&tile);
    Ok(GeneratedRtl { verilog: rename_top(&raw) })
}

/// rust-hdl calls the top `top` and every submodule `top$path`: give them the tile's name.
fn rename_top(verilog: &str) -> String {
    verilog.replace("module top(", &format!("module {TOP_MODULE}(")).replace("top$", &format!("{TOP_MODULE}$"))
}


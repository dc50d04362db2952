//! `cimtile info`: what a configuration implies.

use crate::cli::InfoArgs;
use crate::{progress, tile_source};
use anyhow::Result;
use cimtile_flows::synthesis;
use cimtile_tile::config::CellLibrary;
use cimtile_tile::info::TileInfo;
use cimtile_tile::TileParams;
use std::process::ExitCode;

pub fn info(args: &InfoArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    let p = &tile.params;
    let i = TileInfo::new(p, &tile.origin, tile.aging.as_deref());
    println!("tile: {}", i.tile);
    if let Some(aging) = &i.aging {
        println!("{aging}");
    }
    println!(
        "array: {} rows x {} columns, {} rows per read; {}-bit weights in {}-bit cells; {} {}-bit inputs",
        i.rows,
        i.cols,
        i.rows_per_read,
        i.weight_bits,
        i.cell_bits,
        if i.inputs_signed { "signed" } else { "unsigned" },
        i.input_bits
    );
    println!(
        "ADCs: {} x {}-bit, step {} fine units, a conversion every {} cycle(s) (Ta), codes {} cycle(s) after its start (latency); priced as adc.kind = {}",
        i.adc_count, i.adc_bits, i.adc_step, i.adc_cycles, p.adc_latency(), p.config().adc.kind.name()
    );
    println!("slices S = {}", i.slices);
    println!("physical columns P = {}", i.phys_cols);
    println!("row groups G = {}", i.groups);
    println!("mux phases M = {}", i.phases);
    println!(
        "lane partial-sum width: {} bits (|sum| <= {})",
        i.partial_bits, i.partial_max
    );
    println!(
        "accumulator width: {} bits (|acc| <= {})",
        i.acc_bits, i.acc_max
    );
    println!(
        "product width: {} bits (|(acc + bias) * mult| <= {})",
        i.product_bits, i.product_max
    );
    println!(
        "minimum cycles per MVM: Ib*G*M*Ta = {}*{}*{}*{} = {}",
        i.input_bits, i.groups, i.phases, i.adc_cycles, i.min_cycles_per_mvm
    );
    println!(
        "cycles per MVM in a back-to-back stream: {}",
        p.stream_cycles()
    );
    println!(
        "streams: {} input element(s) a transfer, {} transfer(s) a vector; the combiner reads {} partial sum(s) a cycle",
        p.input_transfer(),
        p.input_transfers(),
        p.combine_width()
    );
    println!(
        "ADC conversions per MVM: Ib*G*P = {}",
        i.conversions_per_mvm
    );
    println!(
        "ideal tile (computes W^T x exactly): {}",
        if i.ideal { "yes" } else { "no" }
    );
    println!(
        "stuck cells: {} off, {} on, of {} cells (R x P; faults.stuck_off_ppm = {}, faults.stuck_on_ppm = {})",
        i.stuck_off,
        i.stuck_on,
        i.cells,
        p.stuck_off_ppm(),
        p.stuck_on_ppm()
    );
    println!(
        "drift loss of the {} cells not stuck: mean {:.4}% (d = {:.1}/65536), largest {:.4}% (d = {}/65536); analog.drift = {}, analog.drift_spread = {}",
        i.drift_cells,
        i.drift_mean * 100.0 / 65536.0,
        i.drift_mean,
        i.drift_max as f64 * 100.0 / 65536.0,
        i.drift_max,
        p.drift(),
        p.drift_spread()
    );
    println!(
        "IR drop: analog.ir_drop = {} (Qmax = {} for Imax = {})",
        i.ir_drop, i.ir_drop_max, i.current_max
    );
    if !args.no_synth {
        print_synthesis(&tile.params)?;
    }
    if i.adc_can_clip {
        println!(
            "warning: the ADC can clip: a full read reaches {} fine units = code {}, above the {}-bit maximum {}",
            p.column_value_max(),
            (p.column_value_max() + (p.adc_step() / 2) as u64) / p.adc_step() as u64,
            p.adc_bits(),
            p.adc_max_code()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The periphery's synthesis per block (standard-cell area when the Liberty file is there).
fn print_synthesis(p: &TileParams) -> Result<()> {
    let liberty = synthesis::liberty_path().ok();
    let s = progress::with_status(|s| {
        synthesis::synthesize(p, liberty.as_deref().map(|l| (l, CellLibrary::Osu018)), s)
    })?;
    println!("periphery synthesized ({}):", s.source);
    println!(
        "  {:<16} {:>8} {:>11} {:>12} {:>10}",
        "block", "cells", "flip-flops", "logic depth", "um^2"
    );
    let area = |a: Option<f64>| a.map_or_else(|| "-".to_string(), |a| format!("{a:.0}"));
    for (name, b) in &s.blocks {
        println!(
            "  {name:<16} {:>8} {:>11} {:>12} {:>10}",
            b.cells,
            b.flip_flops,
            b.logic_depth,
            area(b.area_um2)
        );
    }
    let total = s.blocks.values().map(|b| b.area_um2).sum::<Option<f64>>();
    println!(
        "  {:<16} {:>8} {:>11} {:>12} {:>10}",
        "tile (flat)",
        s.cells,
        s.flip_flops,
        s.logic_depth,
        area(total)
    );
    Ok(())
}

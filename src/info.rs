//! `cimtile info`: what a configuration implies.

use crate::cli::InfoArgs;
use crate::{progress, tile_source};
use anyhow::Result;
use cimtile_flows::synthesis;
use cimtile_tile::golden::device::{drift_stats, fault_map, Stuck};
use cimtile_tile::TileParams;
use std::process::ExitCode;

pub fn info(args: &InfoArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    let p = &tile.params;
    let w = p.widths();
    println!("tile: {}", tile.origin);
    if let Some(aging) = &tile.aging {
        println!("{aging}");
    }
    println!(
        "array: {} rows x {} columns, {} rows per read; {}-bit weights in {}-bit cells; {} {}-bit inputs",
        p.rows(),
        p.cols(),
        p.rows_per_read(),
        p.weight_bits(),
        p.cell_bits(),
        if p.inputs_signed() { "signed" } else { "unsigned" },
        p.input_bits()
    );
    println!(
        "ADCs: {} x {}-bit, step {} fine units, a conversion every {} cycle(s) (Ta), codes {} cycle(s) after its start (latency)",
        p.adc_count(), p.adc_bits(), p.adc_step(), p.adc_cycles(), p.adc_latency()
    );
    println!("slices S = {}", p.slices());
    println!("physical columns P = {}", p.phys_cols());
    println!("row groups G = {}", p.groups());
    println!("mux phases M = {}", p.phases());
    println!(
        "lane partial-sum width: {} bits (|sum| <= {})",
        w.partial_bits, w.partial_max
    );
    println!(
        "accumulator width: {} bits (|acc| <= {})",
        w.acc_bits, w.acc_max
    );
    println!(
        "product width: {} bits (|(acc + bias) * mult| <= {})",
        w.product_bits, w.product_max
    );
    println!(
        "minimum cycles per MVM: Ib*G*M*Ta = {}*{}*{}*{} = {}",
        p.input_bits(),
        p.groups(),
        p.phases(),
        p.adc_cycles(),
        p.min_cycles_per_mvm()
    );
    println!(
        "cycles per MVM in a back-to-back stream: {}",
        p.stream_cycles()
    );
    println!(
        "ADC conversions per MVM: Ib*G*P = {}",
        p.conversions_per_mvm()
    );
    println!(
        "ideal tile (computes W^T x exactly): {}",
        if p.is_ideal() { "yes" } else { "no" }
    );
    // Spec v2: faults apply to every cell of the R x P array.
    let faults = fault_map(p);
    let off = faults.iter().filter(|c| c.stuck == Stuck::Off).count();
    println!(
        "stuck cells: {off} off, {} on, of {} cells (R x P; faults.stuck_off_ppm = {}, faults.stuck_on_ppm = {})",
        faults.len() - off,
        p.rows() * p.phys_cols(),
        p.stuck_off_ppm(),
        p.stuck_on_ppm()
    );
    let drift = drift_stats(p);
    println!(
        "drift loss of the {} cells not stuck: mean {:.4}% (d = {:.1}/65536), largest {:.4}% (d = {}/65536); analog.drift = {}, analog.drift_spread = {}",
        drift.cells,
        drift.mean * 100.0 / 65536.0,
        drift.mean,
        drift.max as f64 * 100.0 / 65536.0,
        drift.max,
        p.drift(),
        p.drift_spread()
    );
    println!(
        "IR drop: analog.ir_drop = {} (Qmax = {} for Imax = {})",
        p.ir_drop(),
        p.ir_drop_max(),
        p.current_max()
    );
    if !args.no_synth {
        print_synthesis(&tile.params)?;
    }
    if p.adc_can_clip() {
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
    let s = progress::with_status(|s| synthesis::synthesize(p, liberty.as_deref(), s))?;
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

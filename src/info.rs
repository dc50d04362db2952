//! `cimtile info`: what a configuration implies.

use crate::cli::InfoArgs;
use crate::tile_source;
use anyhow::Result;
use std::process::ExitCode;

pub fn info(args: &InfoArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let p = &tile.params;
    let w = p.widths();
    println!("tile: {}", tile.origin);
    println!(
        "array: {} rows x {} columns, {} rows per read; {}-bit weights in {}-bit cells; {} {}-bit inputs",
        p.rows,
        p.cols,
        p.rows_per_read,
        p.weight_bits,
        p.cell_bits,
        if p.inputs_signed { "signed" } else { "unsigned" },
        p.input_bits
    );
    println!(
        "ADCs: {} x {}-bit, step {} fine units, {} cycle(s) per conversion",
        p.adc_count, p.adc_bits, p.adc_step, p.adc_cycles
    );
    println!("slices S = {}", p.slices);
    println!("physical columns P = {}", p.phys_cols);
    println!("row groups G = {}", p.groups);
    println!("mux phases M = {}", p.phases);
    println!("lane partial-sum width: {} bits (|sum| <= {})", w.partial_bits, w.partial_max);
    println!("accumulator width: {} bits (|acc| <= {})", w.acc_bits, w.acc_max);
    println!("product width: {} bits (|(acc + bias) * mult| <= {})", w.product_bits, w.product_max);
    println!(
        "minimum cycles per MVM: Ib*G*M*Ta = {}*{}*{}*{} = {}",
        p.input_bits,
        p.groups,
        p.phases,
        p.adc_cycles,
        p.min_cycles_per_mvm()
    );
    println!("ADC conversions per MVM: Ib*G*P = {}", p.conversions_per_mvm());
    println!("ideal tile (computes W^T x exactly): {}", if p.is_ideal() { "yes" } else { "no" });
    if p.adc_can_clip() {
        println!(
            "warning: the ADC can clip: a full read reaches {} fine units = code {}, above the {}-bit maximum {}",
            p.column_value_max(),
            (p.column_value_max() + (p.adc_step / 2) as u64) / p.adc_step as u64,
            p.adc_bits,
            p.adc_max_code()
        );
    }
    Ok(ExitCode::SUCCESS)
}

//! `cimtile ppa`: area by block, MVMs/s, energy per MVM by component, TOPS/W and TOPS/mm^2,
//! next to the published figures of a preset's source.

use crate::cli::PpaArgs;
use crate::synthesis;
use crate::tile_source::{self, Tile};
use anyhow::Result;
use cimtile_cosim::random_case::random_case;
use cimtile_hdl::data::Weights;
use cimtile_hdl::ppa::{self, PpaReport, Workload};
use cimtile_hdl::TileParams;
use std::collections::BTreeMap;
use std::process::ExitCode;

pub fn ppa(args: &PpaArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let p = &tile.params;
    let (weights, inputs, description) = match (&args.weights, &args.inputs) {
        (Some(w), Some(x)) => (
            tile_source::weights(p, w)?,
            tile_source::inputs(p, x)?,
            format!("weights {}, inputs {}", w.display(), x.display()),
        ),
        _ => random_workload(p, args.mvms, args.seed),
    };
    let report = report(&tile, &Workload { weights: &weights, inputs: &inputs, description }, !args.no_synth, true)?;
    print_report(&tile.origin, &report);
    // The paper's figures describe the paper's tile: a file laid over the preset is another tile.
    if let (Some(name), None) = (&args.tile.preset, &args.tile.config) {
        print_published(name, &report);
    }
    if let Some(path) = &args.json {
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Uniform random weights and `mvms` input vectors from `seed`, and their description.
pub fn random_workload(p: &TileParams, mvms: u64, seed: u64) -> (Weights, Vec<Vec<i32>>, String) {
    let case = random_case(p, mvms as usize, seed);
    (case.weights, case.inputs, format!("uniform random weights and {mvms} input vectors, seed {seed}"))
}

/// The estimate of `tile` running `workload`, with its digital periphery synthesized when
/// `synthesize` (under a spinner on a terminal when `spinner`).
pub fn report(tile: &Tile, workload: &Workload, synthesize: bool, spinner: bool) -> Result<PpaReport> {
    let digital = if synthesize { Some(synthesis::digital_area(&tile.params, spinner)?) } else { None };
    Ok(ppa::estimate(&tile.params, digital.as_ref(), workload)?)
}

/// Rows `name  value unit  (share%)`, largest first.
fn print_parts(parts: &BTreeMap<String, f64>, unit: &str) {
    let total: f64 = parts.values().sum();
    let mut rows: Vec<_> = parts.iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(a.1));
    for (name, value) in rows {
        println!("  {name:<16} {value:>12.5} {unit}  {:>5.1}%", 100.0 * value / total);
    }
}

fn print_report(origin: &str, r: &PpaReport) {
    println!("tile: {origin}");
    println!("technology: {} nm, clock {} MHz", r.node_nm, r.clock_mhz);
    println!(
        "time: {} cycles per MVM -> {:.4e} MVMs/s; {} ops per MVM (2*R*C) -> {:.4} TOPS",
        r.cycles_per_mvm, r.mvm_per_s, r.ops_per_mvm, r.tops
    );
    println!("area: {:.5} mm^2", r.area_mm2);
    print_parts(&r.area_mm2_by_block, "mm^2");
    println!("energy per MVM: {:.2} pJ ({:.3} mW)", r.energy_pj_per_mvm, r.power_mw);
    print_parts(&r.energy_pj, "pJ  ");
    println!(
        "  ADC: {} conversions x {:.3} pJ; crossbar: {:.1} rows driven per read, {:.0} uS driven per MVM",
        r.conversions_per_mvm, r.adc_energy_pj_per_conversion, r.driven_rows_per_read, r.crossbar_driven_us_per_mvm
    );
    println!("efficiency: {:.3} TOPS/W, {:.4} TOPS/mm^2", r.tops_per_w, r.tops_per_mm2);
    println!("digital periphery: {}", r.digital_source);
    println!("workload: {}", r.workload);
}

fn print_published(preset: &str, r: &PpaReport) {
    for figure in ppa::published(preset) {
        let published = figure.value.map_or_else(|| "not transcribed".to_string(), |v| format!("{v} {}", figure.unit));
        println!(
            "published {}: {published}; this tool: {:.1} {} ({})",
            figure.what,
            (figure.ours)(r),
            figure.unit,
            figure.source
        );
    }
}

//! `cimtile ppa`: area by block, MVMs/s, energy per MVM by component, TOPS/W and TOPS/mm^2,
//! next to the published figures of a preset's source.

use crate::cli::PpaArgs;
use crate::progress;
use crate::tile_source;
use anyhow::Result;
use cimtile_flows::pricing::{self, ActivityRequest, Pricing, WorkloadData};
use cimtile_tile::ppa::{self, PpaReport};
use std::collections::BTreeMap;
use std::process::ExitCode;

pub fn ppa(args: &PpaArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let p = &tile.params;
    let data = match (&args.weights, &args.inputs) {
        (Some(w), Some(x)) => WorkloadData {
            weights: tile_source::weights(p, w)?,
            inputs: tile_source::inputs(p, x)?,
            columns: tile_source::columns(p, None)?,
            description: format!("weights {}, inputs {}", w.display(), x.display()),
        },
        _ => WorkloadData::random(p, args.mvms, args.seed),
    };
    let pricing = Pricing {
        synthesize: !args.no_synth,
        activity: match (args.activity, args.measure_activity) {
            (Some(a), _) => ActivityRequest::Uniform(a),
            (None, true) => ActivityRequest::MeasureOnly,
            (None, false) => ActivityRequest::Measure,
        },
        keep: args.keep.clone(),
    };
    let report = progress::with_status(|s| pricing::price(p, &data, &pricing, s))?;
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

/// Rows `name  value unit  (share%)`, largest first.
pub fn print_parts(parts: &BTreeMap<String, f64>, unit: &str) {
    let total: f64 = parts.values().sum();
    let mut rows: Vec<_> = parts.iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(a.1));
    for (name, value) in rows {
        println!(
            "  {name:<16} {value:>12.5} {unit}  {:>5.1}%",
            100.0 * value / total
        );
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
    println!(
        "energy per MVM: {:.2} pJ ({:.3} mW)",
        r.energy_pj_per_mvm, r.power_mw
    );
    print_parts(&r.energy_pj, "pJ  ");
    println!(
        "  ADC: {} conversions x {:.4} pJ; crossbar: {:.1} rows driven per read, {:.0} uS driven per MVM",
        r.conversions_per_mvm, r.adc_energy_pj_per_conversion, r.driven_rows_per_read, r.crossbar_driven_us_per_mvm
    );
    println!(
        "  ADCs priced as adc.kind = {}: {:.4} pJ per conversion, {:.3e} mm^2 each ({})",
        r.adc_kind.name(),
        r.adc_energy_pj_per_conversion,
        r.adc_area_mm2_each,
        r.adc_source
    );
    println!(
        "efficiency: {:.3} TOPS/W, {:.4} TOPS/mm^2",
        r.tops_per_w, r.tops_per_mm2
    );
    println!("digital periphery: {}", r.digital_source);
    if let (Some(mw), Some(split), Some(library), Some(scaling)) = (
        r.digital_power_mw,
        &r.digital_energy_split_pj,
        &r.library,
        &r.node_scaling,
    ) {
        let parts: Vec<String> = split
            .iter()
            .map(|(k, pj)| format!("{k} {pj:.2} pJ"))
            .collect();
        println!(
            "digital power: {mw:.4} mW at {} MHz ({}); per MVM {}",
            r.clock_mhz,
            library.name,
            parts.join(", ")
        );
        println!(
            "  library: {} ({} nm, {} V)",
            library.liberty, library.node_nm, library.voltage_v
        );
        println!("  node scaling: {scaling}");
    }
    if let Some(source) = &r.activity_source {
        println!("  activity: {source}");
    }
    println!("workload: {}", r.workload);
}

fn print_published(preset: &str, r: &PpaReport) {
    for figure in ppa::published(preset) {
        println!(
            "published {}: {}; this tool: {:.1} {} ({})",
            figure.what,
            figure.value_text(),
            (figure.ours)(r),
            figure.unit,
            figure.source
        );
    }
}

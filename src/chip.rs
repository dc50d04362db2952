//! `cimtile chip`: a network mapped onto a chip of tiles, priced by `cimtile-chip` from the
//! tile's PPA report.

use crate::cli::ChipArgs;
use crate::ppa::print_parts;
use crate::{progress, tile_source};
use anyhow::Result;
use cimtile_chip::published;
use cimtile_chip::{ChipReport, Layer, Replication, TileFigures};
use cimtile_flows::pricing::{self, Pricing, WorkloadData};
use cimtile_net::Network;
use std::path::Path;
use std::process::ExitCode;

pub fn chip(args: &ChipArgs) -> Result<ExitCode> {
    let replication: Replication = args.replicate.parse()?;
    let tile = tile_source::load(&args.tile)?;
    let layers = layers(&args.model)?;
    let p = &tile.params;
    let pricing = Pricing {
        synthesize: !args.no_synth,
        ..Pricing::default()
    };
    // The tile and its raw variant, for the layers whose row tiles the chip adds.
    let figures = progress::with_status(|s| {
        TileFigures::priced(p, |q| {
            pricing::price(q, &WorkloadData::standard(q), &pricing, s)
        })
    })?;
    let r = cimtile_chip::estimate(&layers, &figures, replication)?;
    print_report(&tile.origin, &args.model.display().to_string(), &r);
    // The paper's figures describe the paper's tile: a file laid over the preset is another tile.
    if let (Some(name), None) = (&args.tile.preset, &args.tile.config) {
        let anchors = published::for_preset(name);
        for f in anchors.figures {
            println!(
                "published {}: {}; this tool: {:.4} {}",
                f.what,
                f.value_text(),
                (f.ours)(&r),
                f.unit
            );
        }
        if let Some(run) = anchors.run {
            println!("  ({run})");
        }
    }
    if let Some(path) = &args.json {
        tile_source::write_text(path, &(serde_json::to_string_pretty(&r)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The weight layers of the model file `path`, as the chip maps them.
pub fn layers(path: &Path) -> Result<Vec<Layer>> {
    let layers = Network::load(path)?.weight_layers();
    Ok(layers.iter().map(Layer::from).collect())
}

fn print_report(origin: &str, model: &str, r: &ChipReport) {
    println!(
        "tile: {origin}; {} x {} per tile, {:.4} mm^2, {:.1} pJ per MVM",
        r.tile.rows, r.tile.cols, r.tile.area_mm2, r.tile_energy_pj_per_mvm
    );
    println!("network: {model}; replication {}", r.replication);
    println!(
        "{:<14} {:>6} {:>6} {:>8} {:>6} {:>6} {:>10} {:>12} {:>11} {:>11}",
        "layer",
        "K",
        "N",
        "vectors",
        "copies",
        "tiles",
        "tile MVMs",
        "cycles",
        "latency us",
        "energy uJ"
    );
    for l in &r.layers {
        println!(
            "{:<14} {:>6} {:>6} {:>8} {:>6} {:>6} {:>10} {:>12} {:>11.3} {:>11.4}",
            l.name,
            l.k,
            l.n,
            l.vectors,
            l.copies,
            l.tiles,
            l.mvms,
            l.cycles,
            l.latency_us,
            l.energy_uj
        );
    }
    println!(
        "chip: {} tiles ({} for one copy), {} tile MVMs and {} MACs per inference",
        r.tiles, r.tiles_single_copy, r.mvms_per_inference, r.macs_per_inference
    );
    println!(
        "time: {:.3} us per inference, {:.1} inferences/s pipelined ({:.4} TOPS)",
        r.latency_us, r.inferences_per_s, r.tops
    );
    println!(
        "energy: {:.4} uJ per inference, {:.3} TOPS/W",
        r.energy_uj_per_inference, r.tops_per_w
    );
    print_parts(&r.energy_uj_by_component, "uJ");
    println!("area: {:.4} mm^2", r.area_mm2);
    print_parts(&r.area_mm2_by_component, "mm^2");
    println!(
        "mesh: {} x {} tiles, pitch {:.3} mm, {:.4} pJ per bit and hop; buffers {} kbit",
        r.mesh.side,
        r.mesh.side,
        r.mesh.pitch_mm,
        r.mesh.pj_per_bit_hop,
        r.buffer_bits / 1000
    );
    for line in &r.provenance {
        println!("  {line}");
    }
}

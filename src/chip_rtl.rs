//! `cimtile generate --model` and `cimtile cosim --model`: a network's chip as Verilog
//! (`cimtile-chip-rtl`), and its co-simulation against `cimtile net`'s tile path.

use crate::cli::{CosimArgs, GenerateArgs};
use crate::progress;
use crate::tile_source::{self, Tile};
use anyhow::{bail, Context, Result};
use cimtile_chip::{Layer, Replication, TileFigures};
use cimtile_chip_rtl::cosim::{build, compare, expected, ChipSim, Mismatch};
use cimtile_chip_rtl::{ChipRtl, Origin};
use cimtile_flows::pricing::{self, Pricing, WorkloadData};
use cimtile_hdl::Crossbar;
use cimtile_net::quant::argmax;
use cimtile_net::tiled::TiledNet;
use cimtile_net::{Network, TestSet};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// The network, its test set and the tile.
fn load(
    tile: &crate::cli::TileArgs,
    model: &Path,
    data: Option<&Path>,
) -> Result<(Tile, Network, TestSet)> {
    let Some(data) = data else {
        bail!(
            "cosim --model needs --data: the test set whose images stream through the chip (and set the activation \
             ranges its requantization is programmed from), as `cimtile net --data` takes it"
        );
    };
    let tile = tile_source::load(tile)?;
    let net = Network::load(model)?;
    let data = TestSet::load(data, &net)?;
    Ok((tile, net, data))
}

fn chip_of(tile: &Tile, net: &Network, model: &Path, crossbar: Crossbar) -> Result<ChipRtl> {
    let origin = Origin {
        model: model.display().to_string(),
        tile: tile.origin.clone(),
    };
    cimtile_chip_rtl::generate(net.graph(), &tile.params, crossbar, &origin)
}

/// The tile and the chip of `model` on it: what `generate --model` writes and `fpga --model`
/// places.
pub fn chip(
    tile: &crate::cli::TileArgs,
    model: &Path,
    crossbar: Crossbar,
) -> Result<(Tile, ChipRtl)> {
    let tile = tile_source::load(tile)?;
    let net = Network::load(model)?;
    let chip = chip_of(&tile, &net, model, crossbar)?;
    Ok((tile, chip))
}

/// `generate --model`.
pub fn generate(args: &GenerateArgs, model: &Path) -> Result<ExitCode> {
    let (tile, chip) = chip(&args.tile, model, args.crossbar.crossbar())?;
    chip.write(&args.out)
        .with_context(|| format!("cannot write the chip into '{}'", args.out.display()))?;
    let lines: usize = chip.files.iter().map(|f| f.text.lines().count()).sum();
    println!(
        "wrote the chip of {} into {}: top module {}, {} tiles of {}, {} steps, {} memories; {lines} lines of Verilog of its own beside the tile's (files.f lists them all)",
        model.display(),
        args.out.display(),
        cimtile_chip_rtl::TOP,
        chip.plan.tiles,
        tile.origin,
        chip.plan.steps.len(),
        chip.plan.memories.len(),
    );
    Ok(ExitCode::SUCCESS)
}

/// What `cosim --model --json` writes.
#[derive(Serialize)]
struct Figures {
    images: usize,
    bit_exact: usize,
    accuracy: f64,
    cycles_per_inference: f64,
    model_cycles_per_inference: u64,
    images_per_s: f64,
    tiles: usize,
    build_seconds: f64,
    mismatches: Vec<String>,
}

/// `cimtile chip`'s cycles for one inference through every layer in turn, one copy of each
/// weight.
fn model_cycles(tile: &Tile, net: &Network) -> Result<u64> {
    let layers: Vec<Layer> = net.weight_layers().iter().map(Layer::from).collect();
    let pricing = Pricing {
        synthesize: false,
        ..Pricing::default()
    };
    let figures = TileFigures::priced(&tile.params, |q| {
        pricing::price(q, &WorkloadData::standard(q), &pricing, &|_| {})
    })?;
    let report = cimtile_chip::estimate(&layers, &figures, Replication::Max(1))?;
    Ok(report.layers.iter().map(|l| l.cycles).sum())
}

/// `cosim --model`.
pub fn cosim(args: &CosimArgs, model: &Path) -> Result<ExitCode> {
    let (tile, net, data) = load(&args.tile, model, args.data.as_deref())?;
    let p = &tile.params;
    let crossbar = args.crossbar.unwrap_or_default();
    let quant = net.quantize(p, &data)?;
    let tiled = TiledNet::new(net.graph(), &quant, p);
    let chip = chip_of(&tile, &net, model, crossbar.crossbar())?;
    let started = Instant::now();
    let model_built = progress::build_with_spinner(|| {
        build(&chip, crossbar.sim_macro(), args.vcd.is_some())
            .map_err(|e| cimtile_cosim::CosimError::Generate(format!("{e:#}")))
    })?;
    let build_seconds = started.elapsed().as_secs_f64();
    let mut sim = ChipSim::load(&model_built, &chip, p)?;
    sim.disturb(args.gaps, args.backpressure, args.seed);
    if let Some(vcd) = &args.vcd {
        sim.trace(vcd)?;
    }
    sim.program(&chip.plan, &tiled, &quant)?;
    let images = args
        .images
        .map_or(data.len(), |n| (n as usize).min(data.len()));
    let bar = progress::bar(images as u64, "images");
    let started = Instant::now();
    let output = net.graph().output;
    let (mut bit_exact, mut right, mut cycles) = (0, 0, 0u64);
    let mut mismatches: Vec<Mismatch> = Vec::new();
    for i in 0..images {
        let codes = quant.quantize_input(&data.images()[i]);
        let run = sim.infer(&codes).with_context(|| format!("image {i}"))?;
        let (outputs, tiles) = expected(&tiled, output, i, &codes);
        match compare(&chip, i, &run, &outputs, &tiles) {
            Some(m) => mismatches.push(m),
            None => bit_exact += 1,
        }
        if argmax(&run.outputs) == data.labels()[i] {
            right += 1;
        }
        cycles += run.cycles;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let figures = Figures {
        images,
        bit_exact,
        accuracy: right as f64 / images as f64,
        cycles_per_inference: cycles as f64 / images as f64,
        model_cycles_per_inference: model_cycles(&tile, &net)?,
        images_per_s: images as f64 / seconds,
        tiles: chip.plan.tiles,
        build_seconds,
        mismatches: mismatches
            .iter()
            .map(|m| format!("image {}: {}", m.image, m.what))
            .collect(),
    };
    println!(
        "chip of {}: {} tiles of {}; Verilator model built in {:.1} s",
        model.display(),
        chip.plan.tiles,
        tile.origin,
        build_seconds
    );
    println!(
        "images: {images}, bit-exact with cimtile net's tile path: {bit_exact}; accuracy {:.4}",
        figures.accuracy
    );
    println!(
        "cycles per inference: {:.1} in the RTL (first input to last output), {} by cimtile chip's model",
        figures.cycles_per_inference, figures.model_cycles_per_inference
    );
    println!("speed: {:.1} images/s simulated", figures.images_per_s);
    for m in mismatches.iter().take(5) {
        println!("MISMATCH image {}: {}", m.image, m.what);
    }
    if let Some(path) = &args.json {
        tile_source::write_text(path, &(serde_json::to_string_pretty(&figures)? + "\n"))?;
    }
    Ok(if mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

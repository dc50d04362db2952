//! `cimtile net`: a float MLP from NumPy, quantized to a tile's precision and run on tiles, with
//! its accuracy next to the exact integer network's and the float model's.

pub mod npz;
pub mod quant;
pub mod tiled;

use crate::cli::{Engine, NetArgs};
use crate::tile_source::{self, Tile};
use anyhow::Result;
use cimtile_cosim::tile_driver::{build_tile, Stimulus, TileRtl};
use cimtile_hdl::ppa::{estimate, Workload};
use npz::{FloatModel, TestSet};
use quant::{argmax, QuantNet};
use rayon::prelude::*;
use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;
use tiled::{TileCalibration, TiledNet};

/// What a network run measures.
#[derive(Debug, Clone)]
pub struct NetFigures {
    pub images: usize,
    /// Images classified right on the tiles.
    pub correct: usize,
    /// Images classified right by the quantized network in exact integer arithmetic.
    pub integer_correct: usize,
    /// Images classified right by the float model.
    pub float_correct: usize,
    /// Images whose logits on the tiles differ from the exact integer network's (0 on an ideal
    /// tile).
    pub integer_mismatches: usize,
    pub tiles: usize,
    pub mvms: u64,
    pub adc_conversions: u64,
    /// Wall-clock seconds of the images on the tiles (model engine, every core; the reference
    /// networks not included).
    pub seconds: f64,
    /// Energy of one image's MVMs by the PPA model without synthesis: ADC conversions, crossbar
    /// reads and row drivers, each tile priced on the inputs the images gave it. The digital
    /// periphery is left out.
    pub energy_pj_per_image: f64,
    /// With calibration: what it achieved, tile by tile.
    pub calibration: Option<Vec<TileCalibration>>,
}

impl NetFigures {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.images as f64
    }
    pub fn integer_accuracy(&self) -> f64 {
        self.integer_correct as f64 / self.images as f64
    }
    pub fn float_accuracy(&self) -> f64 {
        self.float_correct as f64 / self.images as f64
    }
    pub fn images_per_second(&self) -> f64 {
        self.images as f64 / self.seconds
    }
}

/// The model and its test set, loaded once for any number of tiles.
pub struct Network {
    pub model: FloatModel,
    pub data: TestSet,
}

impl Network {
    pub fn load(model: &std::path::Path, data: &std::path::Path) -> Result<Self> {
        let model = FloatModel::load(model)?;
        let data = TestSet::load(data, &model)?;
        Ok(Network { model, data })
    }

    /// Runs the first `images` test images (all if None) on the tile `tile`, in parallel, its
    /// column parameters first calibrated if `calibrate`; image i is MVM index i on every tile.
    pub fn evaluate(&self, tile: &Tile, images: Option<usize>, calibrate: bool) -> Result<NetFigures> {
        let quant = QuantNet::new(&self.model, &tile.params)?;
        let mut tiled = TiledNet::new(&quant, &tile.params);
        self.figures(tile, &quant, &mut tiled, images, calibrate)
    }

    fn figures(&self, tile: &Tile, quant: &QuantNet, tiled: &mut TiledNet, images: Option<usize>, calibrate: bool) -> Result<NetFigures> {
        let calibration = if calibrate {
            let calib: Vec<Vec<i32>> = self.model.calib.iter().map(|x| quant.quantize_input(x)).collect();
            Some(tiled.calibrate(&calib)?)
        } else {
            None
        };
        let tiled = &*tiled;
        let images = images.unwrap_or(usize::MAX).min(self.data.y.len());
        let started = Instant::now();
        // Per image its logits and every tile's input, in the order of `tiled.layers`' tiles.
        let runs: Vec<(Vec<i64>, Vec<Vec<i32>>)> = (0..images)
            .into_par_iter()
            .map(|i| {
                let mut inputs = Vec::with_capacity(tiled.tiles());
                let logits = tiled.forward(i as u32, &quant.quantize_input(&self.data.x[i]), |mvm| inputs.push(mvm.input.to_vec()));
                (logits, inputs)
            })
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let energy_pj_per_image = tiled
            .layers
            .iter()
            .flat_map(|l| &l.tiles)
            .enumerate()
            .map(|(t, programmed)| {
                let inputs: Vec<Vec<i32>> = runs.iter().map(|(_, tile_inputs)| tile_inputs[t].clone()).collect();
                let workload = Workload { weights: &programmed.weights, inputs: &inputs, description: "the test images' inputs to the tile".into(), activity: None };
                Ok(estimate(&tile.params, None, &workload)?.energy_pj_per_mvm)
            })
            .sum::<Result<f64>>()?;
        let logits: Vec<&Vec<i64>> = runs.iter().map(|(l, _)| l).collect();
        let right = |i: usize, class: usize| (class == self.data.y[i]) as usize;
        let (correct, integer_correct, float_correct, integer_mismatches) = (0..images)
            .into_par_iter()
            .map(|i| {
                let x = &self.data.x[i];
                let exact = quant.forward_exact(&quant.quantize_input(x));
                let float_logits = self.model.activations(x).pop().expect("a model has an output");
                (right(i, argmax(logits[i])), right(i, argmax(&exact)), right(i, argmax(&float_logits)), (*logits[i] != exact) as usize)
            })
            .reduce(|| (0, 0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3));
        let tiles = tiled.tiles();
        let mvms = (tiles * images) as u64;
        Ok(NetFigures {
            images,
            correct,
            integer_correct,
            float_correct,
            integer_mismatches,
            tiles,
            mvms,
            adc_conversions: mvms * tile.params.conversions_per_mvm(),
            seconds,
            energy_pj_per_image,
            calibration,
        })
    }
}

/// The first tile MVM where the RTL and the model differ.
struct Mismatch {
    layer: usize,
    row_tile: usize,
    col_tile: usize,
    image: usize,
    column: usize,
    model: i64,
    rtl: i64,
}

/// One tile's MVMs in image order.
#[derive(Clone, Default)]
struct TileRun {
    inputs: Vec<Vec<i32>>,
    outputs: Vec<Vec<i64>>,
}

/// Runs every tile MVM of the first `images` images through the generated RTL (one Verilator
/// build, one instance per tile, programmed with that tile's weights and column parameters) and
/// compares its outputs with the model's. Returns the MVMs checked or the first mismatch.
fn check_rtl(tile: &Tile, net: &Network, quant: &QuantNet, tiled: &TiledNet, images: usize) -> Result<Result<usize, Mismatch>> {
    // Every tile's inputs and model outputs, image by image: `runs[layer][tile]`.
    let mut runs: Vec<Vec<TileRun>> = tiled.layers.iter().map(|l| vec![TileRun::default(); l.tiles.len()]).collect();
    for (i, x) in net.data.x.iter().take(images).enumerate() {
        tiled.forward(i as u32, &quant.quantize_input(x), |mvm| {
            let index = mvm.tile.row_tile * tiled.layers[mvm.layer].col_tiles + mvm.tile.col_tile;
            let run = &mut runs[mvm.layer][index];
            run.inputs.push(mvm.input.to_vec());
            run.outputs.push(mvm.out.to_vec());
        });
    }
    let built = build_tile(&tile.params)?;
    let mut checked = 0;
    for (l, layer) in tiled.layers.iter().enumerate() {
        for (t, TileRun { inputs, outputs: expected }) in layer.tiles.iter().zip(&runs[l]) {
            let mut rtl = TileRtl::load(tile.params.clone(), &built)?;
            rtl.program_weights(&t.weights)?;
            rtl.program_columns(&t.columns)?;
            let got = rtl.stream(inputs, &Stimulus::default())?.outputs;
            for (image, (e, g)) in expected.iter().zip(&got).enumerate() {
                if let Some(column) = (0..e.len()).find(|&c| e[c] != g[c]) {
                    let (row_tile, col_tile) = (t.row_tile, t.col_tile);
                    return Ok(Err(Mismatch { layer: l, row_tile, col_tile, image, column, model: e[column], rtl: g[column] }));
                }
                checked += 1;
            }
        }
    }
    Ok(Ok(checked))
}

pub fn net(args: &NetArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    let p = &tile.params;
    let net = Network::load(&args.model, &args.data)?;
    let quant = QuantNet::new(&net.model, p)?;
    let mut tiled = TiledNet::new(&quant, p);
    let figures = net.figures(&tile, &quant, &mut tiled, args.images.map(|n| n as usize), args.calibrate)?;
    let sizes: Vec<String> = std::iter::once(net.model.inputs()).chain(net.model.layers.iter().map(|l| l.n)).map(|n| n.to_string()).collect();
    println!(
        "tile: {} ({} x {}, {}-bit weights, {}-bit {} inputs, {}-bit ADC)",
        tile.origin,
        p.rows(),
        p.cols(),
        p.weight_bits(),
        p.input_bits(),
        if p.inputs_signed() { "signed" } else { "unsigned" },
        p.adc_bits()
    );
    if let Some(aging) = &tile.aging {
        println!("{aging}");
    }
    println!("model: {} ({})", args.model.display(), sizes.join("-"));
    let layers: Vec<String> = tiled
        .layers
        .iter()
        .enumerate()
        .map(|(l, t)| {
            let stage = if t.on_tile { "requantized on the tile" } else { "requantized on the host" };
            format!("layer {l}: {} x {}, {stage}", t.row_tiles, t.col_tiles)
        })
        .collect();
    println!("tiles: {} ({})", figures.tiles, layers.join("; "));
    if let Some(calibration) = &figures.calibration {
        println!("calibrated on the model's {} calibration images (mean absolute output error against the exact W^T x, before -> after):", net.model.calib.len());
        for t in calibration {
            println!(
                "  layer {} tile (row {}, column {}): {:.3} -> {:.3}",
                t.layer, t.row_tile, t.col_tile, t.before_mean_abs_error, t.after_mean_abs_error
            );
        }
    }
    let line = |what: &str, right: usize, accuracy: f64| println!("{what}: {accuracy:.4} ({right}/{})", figures.images);
    line("accuracy", figures.correct, figures.accuracy());
    line("integer accuracy (quantized network, exact integers)", figures.integer_correct, figures.integer_accuracy());
    line("float accuracy (the model as trained)", figures.float_correct, figures.float_accuracy());
    println!("images whose logits differ from the integer network's: {}", figures.integer_mismatches);
    println!("MVMs: {} ({} per image), ADC conversions: {}", figures.mvms, figures.tiles, figures.adc_conversions);
    println!("energy: {:.1} pJ per image (PPA model without synthesis: ADCs, crossbar, row drivers)", figures.energy_pj_per_image);
    println!(
        "speed: {:.0} images/s on the tile model ({} threads, {:.3} s)",
        figures.images_per_second(),
        rayon::current_num_threads(),
        figures.seconds
    );
    let mut rtl_checked = None;
    if args.engine == Engine::Rtl {
        let images = args.rtl_images.min(figures.images);
        match check_rtl(&tile, &net, &quant, &tiled, images)? {
            Ok(checked) => {
                println!("RTL: {checked} tile MVMs of the first {images} image(s) bit-exact against the model");
                rtl_checked = Some(checked);
            }
            Err(m) => {
                println!(
                    "MISMATCH: layer {}, tile (row {}, column {}), image {}, tile column {} (layer output {}): model {}, RTL {}",
                    m.layer,
                    m.row_tile,
                    m.col_tile,
                    m.image,
                    m.column,
                    m.col_tile * p.cols() + m.column,
                    m.model,
                    m.rtl
                );
                return Ok(ExitCode::from(1));
            }
        }
    }
    if let Some(path) = &args.report {
        let report = json!({
            "tile": tile.origin,
            "config": tile.params.config(),
            "model": args.model,
            "data": args.data,
            "engine": match args.engine { Engine::Model => "model", Engine::Rtl => "rtl" },
            "aging": tile.aging,
            "analog_drift": p.drift(),
            "calibrated": args.calibrate,
            "calibration": figures.calibration,
            "energy_pj_per_image": figures.energy_pj_per_image,
            "images": figures.images,
            "accuracy": figures.accuracy(),
            "integer_accuracy": figures.integer_accuracy(),
            "float_accuracy": figures.float_accuracy(),
            "correct": figures.correct,
            "integer_correct": figures.integer_correct,
            "float_correct": figures.float_correct,
            "integer_mismatches": figures.integer_mismatches,
            "tiles": figures.tiles,
            "mvms": figures.mvms,
            "adc_conversions": figures.adc_conversions,
            "images_per_second": figures.images_per_second(),
            "layers": tiled.layers.iter().map(|t| json!({
                "row_tiles": t.row_tiles, "col_tiles": t.col_tiles, "requantized_on_tile": t.on_tile,
            })).collect::<Vec<_>>(),
            "rtl_checked_mvms": rtl_checked,
        });
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

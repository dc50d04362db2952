//! Networks on cimtile tiles: a [`Network`] read from a file (an ONNX graph, or a float MLP in
//! NumPy's .npz layout), quantized to a tile's precision, its weight layers cut into tiles of the
//! golden model, and evaluated on a [`TestSet`]: the accuracy on the tiles next to that of the
//! quantized network in exact integer arithmetic and of the float model as trained
//! ([`NetFigures`]). With an [`EngineCheck`] the tiles' MVMs also run on engines the caller lends
//! (the generated RTL in a simulator) and are compared bit for bit with the model.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use cimtile_net::{Network, Options, TestSet};
//! let net = Network::load("examples/digits/plain.npz".as_ref())?;
//! let data = TestSet::load("examples/digits/test.npz".as_ref(), &net)?;
//! let params = cimtile_tile::config::TileConfig::from_preset("default").unwrap().validate().unwrap();
//! let figures = net.evaluate(&params, &data, &Options::default())?;
//! println!("{} of {} right on the tiles", figures.correct, figures.images);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod graph;
mod npz;
mod onnx;
pub mod quant;
pub mod tiled;

use anyhow::{bail, Result};
use cimtile_tile::engine::EngineBuilder;
use cimtile_tile::ppa::{estimate, Workload};
use cimtile_tile::TileParams;
use graph::Graph;
use quant::{argmax, QuantNet};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tiled::TiledNet;

pub use tiled::TileCalibration;

/// What a weight layer computes on the tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// A matrix product (`Gemm`, `MatMul`, a layer of the .npz MLP): one MVM per inference.
    Dense,
    /// A convolution: one MVM of its im2col vector per output position.
    Conv,
}

/// One weight layer as the tiles see it: a `k x n` matrix applied `mvms_per_inference` times per
/// inference. What a chip-level mapping needs to place and schedule it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeightLayer {
    /// The layer's name (the ONNX node's name; `layer0`, `layer1`, ... in an .npz MLP).
    pub name: String,
    /// Whether it is a matrix product or a convolution.
    pub kind: LayerKind,
    /// Rows of its matrix: inputs of one MVM (`Cin * kh * kw` for a convolution).
    pub k: usize,
    /// Columns of its matrix: outputs of one MVM (`Cout` for a convolution).
    pub n: usize,
    /// MVMs per inference: 1 for a dense layer, the output positions `Hout * Wout` for a
    /// convolution.
    pub mvms_per_inference: usize,
    /// Elements of the activation the layer reads (per inference).
    pub input_elements: usize,
    /// Elements of the activation the layer writes (per inference).
    pub output_elements: usize,
}

/// A network loaded from a file, ready to be quantized for any tile.
pub struct Network {
    graph: Graph,
    /// The model's own calibration images (an .npz MLP has them).
    calib: Option<Vec<Vec<f64>>>,
    /// How the float predictions are made.
    float: FloatEngine,
}

enum FloatEngine {
    /// The float graph (an .npz MLP: the graph is the model).
    Graph,
    /// The ONNX model, run by tract.
    Onnx(onnx::FloatModel),
}

/// Held-out images and their labels, checked against a network's input and classes.
pub struct TestSet {
    /// One flat image per entry, C order, as the network's input shape.
    x: Vec<Vec<f64>>,
    y: Vec<usize>,
    /// Images for the activation ranges (and `--calibrate`) of a model without its own.
    calib: Option<Vec<Vec<f64>>>,
}

/// Images a test set lends a model without calibration images of its own, when the set has no
/// `calib` array: its first ones.
pub const CALIBRATION_IMAGES: usize = 256;

/// Every tile MVM of the first `images` images run again on engines the caller lends (the
/// generated RTL in a simulator) and compared bit for bit with the model.
#[derive(Clone)]
pub struct EngineCheck {
    /// Images to check (at most the images run).
    pub images: usize,
    /// Makes one fresh engine per tile.
    pub engines: Arc<dyn EngineBuilder>,
}

impl std::fmt::Debug for EngineCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineCheck")
            .field("images", &self.images)
            .finish_non_exhaustive()
    }
}

/// How [`Network::evaluate`] runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Test images to run (all if None).
    pub images: Option<usize>,
    /// Calibrate every tile's column parameters for its (aged) device before the images run.
    pub calibrate: bool,
    /// Also run every tile MVM of the first images on another engine (the RTL) and compare it
    /// bit for bit with the model.
    pub rtl: Option<EngineCheck>,
}

/// How one weight layer was cut into tiles.
#[derive(Debug, Clone, Serialize)]
pub struct LayerTiling {
    /// The layer's name, as in [`WeightLayer::name`].
    pub name: String,
    /// Tiles along the layer's inputs: its `k` rows cut into slices of the tile's rows.
    pub row_tiles: usize,
    /// Tiles along the layer's outputs: its `n` columns cut into slices of the tile's columns.
    pub col_tiles: usize,
    /// Whether the tiles' column parameters requantize the layer (else the host does).
    pub requantized_on_tile: bool,
    /// Tile MVMs of this layer per image.
    pub mvms_per_image: u64,
}

/// The first tile MVM where the RTL and the model differ.
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    /// Weight layer index (graph order).
    pub layer: usize,
    /// The tile's slice of the layer's inputs (see [`LayerTiling::row_tiles`]).
    pub row_tile: usize,
    /// The tile's slice of the layer's outputs (see [`LayerTiling::col_tiles`]).
    pub col_tile: usize,
    /// Index of the MVM in the tile's run: image by image, each image's MVMs (output positions)
    /// in order.
    pub mvm: usize,
    /// The first tile column that differs.
    pub column: usize,
    /// The layer output that column stands for: `col_tile * C + column`.
    pub layer_output: usize,
    /// That column's output from the golden model.
    pub model: i64,
    /// That column's output from the checked engine (the RTL).
    pub rtl: i64,
}

/// What a network run measures.
#[derive(Debug, Clone)]
pub struct NetFigures {
    /// Test images run.
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
    /// Per image, the class predicted on the tiles, by the integer network and by the float model.
    pub predictions: Predictions,
    /// Programmed tiles.
    pub tiles: usize,
    /// Tile MVMs per image.
    pub mvms_per_image: u64,
    /// Tile MVMs of all the images run.
    pub mvms: u64,
    /// ADC conversions of those MVMs: `Ib * G * P` each (input bit planes, row groups, physical
    /// columns).
    pub adc_conversions: u64,
    /// Wall-clock seconds of the images on the tiles (model engine, every core; the reference
    /// networks not included).
    pub seconds: f64,
    /// Seconds spent in the tile model's MVMs, summed over threads (on one thread, the share of
    /// `seconds` that is not glue).
    pub tile_model_seconds: f64,
    /// Energy of one image's MVMs by the PPA model without synthesis: ADC conversions, crossbar
    /// reads and row drivers, each tile priced on the inputs the images gave it. The digital
    /// periphery is left out.
    pub energy_pj_per_image: f64,
    /// Per weight layer, its tiles.
    pub layers: Vec<LayerTiling>,
    /// With calibration: what it achieved, tile by tile.
    pub calibration: Option<Vec<TileCalibration>>,
    /// With [`Options::rtl`]: the images checked and the MVMs found bit-exact, or the first
    /// mismatch.
    pub rtl: Option<(usize, std::result::Result<usize, Mismatch>)>,
}

/// Per image, the predicted class by each engine.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Predictions {
    /// The class predicted on the tiles.
    pub tile: Vec<usize>,
    /// The class predicted by the quantized network in exact integer arithmetic.
    pub integer: Vec<usize>,
    /// The class predicted by the float model.
    pub float: Vec<usize>,
}

impl NetFigures {
    /// The figures as `cimtile net --report` writes them (the caller adds what it ran on).
    pub fn report(&self) -> serde_json::Map<String, serde_json::Value> {
        let serde_json::Value::Object(figures) = serde_json::json!({
            "calibration": self.calibration,
            "energy_pj_per_image": self.energy_pj_per_image,
            "images": self.images,
            "accuracy": self.accuracy(),
            "integer_accuracy": self.integer_accuracy(),
            "float_accuracy": self.float_accuracy(),
            "correct": self.correct,
            "integer_correct": self.integer_correct,
            "float_correct": self.float_correct,
            "integer_mismatches": self.integer_mismatches,
            "predictions": self.predictions,
            "tiles": self.tiles,
            "mvms_per_image": self.mvms_per_image,
            "mvms": self.mvms,
            "adc_conversions": self.adc_conversions,
            "images_per_second": self.images_per_second(),
            "tile_model_seconds": self.tile_model_seconds,
            "layers": self.layers,
        }) else {
            unreachable!("json! of braces is an object")
        };
        figures
    }

    /// Share of the images classified right on the tiles, 0 to 1.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.images as f64
    }

    /// Share of the images classified right by the exact integer network, 0 to 1.
    pub fn integer_accuracy(&self) -> f64 {
        self.integer_correct as f64 / self.images as f64
    }

    /// Share of the images classified right by the float model, 0 to 1.
    pub fn float_accuracy(&self) -> f64 {
        self.float_correct as f64 / self.images as f64
    }

    /// Images per wall-clock second on the tiles (the model engine on every core).
    pub fn images_per_second(&self) -> f64 {
        self.images as f64 / self.seconds
    }
}

impl Network {
    /// Reads a model file: an ONNX graph (`.onnx`) or an .npz MLP (docs/onnx.md; the .npz
    /// format is in README.md). Every problem is an error naming the file and what is wrong; an ONNX
    /// operator the tiles cannot run is refused here, before anything runs.
    pub fn load(path: &Path) -> Result<Self> {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
        {
            let (graph, float) = onnx::load(path)?;
            Ok(Network {
                graph,
                calib: None,
                float: FloatEngine::Onnx(float),
            })
        } else {
            let (graph, calib) = npz::load_mlp(path)?;
            Ok(Network {
                graph,
                calib: Some(calib),
                float: FloatEngine::Graph,
            })
        }
    }

    /// The network as the tiles see it.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The images that set the activation ranges: the model's own, else the test set's `calib`,
    /// else the test set's first [`CALIBRATION_IMAGES`].
    pub fn calibration_images<'a>(&'a self, data: &'a TestSet) -> &'a [Vec<f64>] {
        match (&self.calib, &data.calib) {
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => &data.x[..data.x.len().min(CALIBRATION_IMAGES)],
        }
    }

    /// The network quantized for tiles `p`, its activation ranges from
    /// [`Self::calibration_images`]: the integer network [`Self::evaluate`] runs.
    pub fn quantize(&self, p: &TileParams, data: &TestSet) -> Result<QuantNet> {
        QuantNet::new(&self.graph, p, self.calibration_images(data))
    }

    /// The shape of one input (without the batch dimension).
    pub fn input_shape(&self) -> Vec<usize> {
        self.graph.nodes[0].shape.clone()
    }

    /// Classes (elements of the output).
    pub fn classes(&self) -> usize {
        self.graph.nodes[self.graph.output].shape.iter().product()
    }

    /// A short description: the layer sizes of an MLP (`64-32-10`), else the weight layers.
    pub fn summary(&self) -> String {
        if self.graph.layers.iter().all(|l| l.kind == LayerKind::Dense)
            && matches!(self.float, FloatEngine::Graph)
        {
            let sizes: Vec<String> = std::iter::once(self.graph.layers[0].k)
                .chain(self.graph.layers.iter().map(|l| l.n))
                .map(|n| n.to_string())
                .collect();
            return sizes.join("-");
        }
        let layers: Vec<String> = self
            .weight_layers()
            .iter()
            .map(|l| match l.kind {
                LayerKind::Dense => format!("{} {}x{}", l.name, l.k, l.n),
                LayerKind::Conv => format!(
                    "{} conv {}x{} x {} positions",
                    l.name, l.k, l.n, l.mvms_per_inference
                ),
            })
            .collect();
        format!(
            "input {}; {}",
            npz::shape_text(&self.input_shape()),
            layers.join(", ")
        )
    }

    /// Every weight layer in graph order.
    pub fn weight_layers(&self) -> Vec<WeightLayer> {
        self.graph
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let node = &self.graph.nodes[self.graph.layer_node(l)];
                WeightLayer {
                    name: layer.name.clone(),
                    kind: layer.kind,
                    k: layer.k,
                    n: layer.n,
                    mvms_per_inference: layer.positions(),
                    input_elements: self.graph.nodes[node.inputs[0]].shape.iter().product(),
                    output_elements: node.shape.iter().product(),
                }
            })
            .collect()
    }

    /// The float model's output (logits) for each image, in parallel.
    fn float_outputs(&self, x: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
        match &self.float {
            FloatEngine::Graph => Ok(x
                .par_iter()
                .map(|x| self.graph.forward(x).swap_remove(self.graph.output))
                .collect()),
            FloatEngine::Onnx(model) => x.par_iter().map(|x| model.run(x)).collect(),
        }
    }

    /// Quantizes the network for tiles `p`, maps it onto tiles and runs the test images on them
    /// (in parallel; image i is MVM index i on every tile), next to the exact integer network and
    /// the float model.
    pub fn evaluate(
        &self,
        p: &TileParams,
        data: &TestSet,
        options: &Options,
    ) -> Result<NetFigures> {
        let calib = self.calibration_images(data);
        let quant = QuantNet::new(&self.graph, p, calib)?;
        let mut tiled = TiledNet::new(&self.graph, &quant, p);
        let calibration = if options.calibrate {
            let calib: Vec<Vec<i64>> = calib.iter().map(|x| quant.quantize_input(x)).collect();
            Some(tiled.calibrate(&calib)?)
        } else {
            None
        };
        let output = self.graph.output;
        let tiled = &tiled;
        let images = options.images.unwrap_or(usize::MAX).min(data.y.len());
        let started = Instant::now();
        // Per image its logits and every tile MVM's input, in the order of `tiled.layers`' tiles,
        // each tile's MVMs in order.
        let runs: Vec<(Vec<i64>, Vec<Vec<i32>>)> = (0..images)
            .into_par_iter()
            .map(|i| {
                let mut inputs = Vec::new();
                let logits = tiled
                    .forward(i as u32, quant.quantize_input(&data.x[i]), |mvm| {
                        inputs.push(mvm.input.to_vec())
                    })
                    .swap_remove(output);
                (logits, inputs)
            })
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let tile_model_seconds = tiled.tile_model_seconds();
        // Where each tile's MVMs start among an image's, and how many it runs.
        let mut spans = Vec::new();
        for (layer, t) in self.graph.layers.iter().zip(&tiled.layers) {
            for _ in &t.tiles {
                let start = spans.last().map_or(0, |&(s, n)| s + n);
                spans.push((start, layer.positions()));
            }
        }
        let energy_pj_per_image = tiled
            .layers
            .iter()
            .flat_map(|l| &l.tiles)
            .zip(&spans)
            .map(|(programmed, &(start, count))| {
                let inputs: Vec<Vec<i32>> = runs
                    .iter()
                    .flat_map(|(_, mvm_inputs)| mvm_inputs[start..start + count].iter().cloned())
                    .collect();
                let workload = Workload {
                    weights: &programmed.weights,
                    inputs: &inputs,
                    description: "the test images' inputs to the tile".into(),
                    activity: None,
                };
                Ok(estimate(p, None, &workload)?.energy_pj_per_mvm * count as f64)
            })
            .sum::<Result<f64>>()?;
        let float_logits = self.float_outputs(&data.x[..images])?;
        let per_image: Vec<(usize, usize, usize, bool)> = (0..images)
            .into_par_iter()
            .map(|i| {
                let exact = quant
                    .forward_exact(&self.graph, quant.quantize_input(&data.x[i]))
                    .swap_remove(output);
                (
                    argmax(&runs[i].0),
                    argmax(&exact),
                    argmax(&float_logits[i]),
                    runs[i].0 != exact,
                )
            })
            .collect();
        let mut predictions = Predictions::default();
        for &(t, i, f, _) in &per_image {
            predictions.tile.push(t);
            predictions.integer.push(i);
            predictions.float.push(f);
        }
        let right = |classes: &[usize]| classes.iter().zip(&data.y).filter(|(c, y)| c == y).count();
        let tiles = tiled.tiles();
        let mvms_per_image = spans.iter().map(|&(_, n)| n as u64).sum::<u64>();
        let mvms = mvms_per_image * images as u64;
        let layers = tiled
            .layers
            .iter()
            .zip(self.weight_layers())
            .map(|(t, w)| LayerTiling {
                name: w.name,
                row_tiles: t.row_tiles,
                col_tiles: t.col_tiles,
                requantized_on_tile: t.on_tile,
                mvms_per_image: (t.tiles.len() * w.mvms_per_inference) as u64,
            })
            .collect();
        let rtl = match &options.rtl {
            Some(check) => {
                let n = check.images.min(images);
                Some((
                    n,
                    check_rtl(p, data, &quant, tiled, n, check.engines.as_ref())?,
                ))
            }
            None => None,
        };
        Ok(NetFigures {
            images,
            correct: right(&predictions.tile),
            integer_correct: right(&predictions.integer),
            float_correct: right(&predictions.float),
            integer_mismatches: per_image.iter().filter(|r| r.3).count(),
            predictions,
            tiles,
            mvms_per_image,
            mvms,
            adc_conversions: mvms * p.conversions_per_mvm(),
            seconds,
            tile_model_seconds,
            energy_pj_per_image,
            layers,
            calibration,
            rtl,
        })
    }
}

impl TestSet {
    /// Reads `x` (images x inputs) and `y` (labels) from an .npz file and checks them against
    /// `net`.
    pub fn load(path: &Path, net: &Network) -> Result<Self> {
        let t = npz::load_test_set(path, &net.input_shape(), net.classes())?;
        Ok(TestSet {
            x: t.x,
            y: t.y,
            calib: t.calib,
        })
    }

    /// A test set from arrays in memory: `x` flat in C order with shape `shape` (images first,
    /// then the network's input shape), `y` one label per image.
    pub fn from_arrays(net: &Network, shape: &[usize], x: &[f64], y: &[i64]) -> Result<Self> {
        let input = net.input_shape();
        if shape.len() != input.len() + 1 || shape[1..] != input[..] {
            bail!(
                "x has shape {shape:?}; the model's input is {}",
                npz::shape_text(&input)
            );
        }
        let n = shape[0];
        let size: usize = input.iter().product();
        if x.len() != n * size {
            bail!(
                "x holds {} values; shape {shape:?} needs {}",
                x.len(),
                n * size
            );
        }
        if n == 0 || y.len() != n {
            bail!(
                "x ({n} images) and y ({} labels) must have the same, non-zero length",
                y.len()
            );
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            bail!(
                "x holds {} at flat index {i}; every value must be finite",
                x[i]
            );
        }
        let classes = net.classes();
        let y = y
            .iter()
            .enumerate()
            .map(|(i, &v)| match usize::try_from(v) {
                Ok(c) if c < classes => Ok(c),
                _ => bail!(
                    "y[{i}] = {v} is not a class label 0..{} (the model has {classes} outputs)",
                    classes - 1
                ),
            })
            .collect::<Result<_>>()?;
        Ok(TestSet {
            x: x.chunks(size.max(1)).map(<[f64]>::to_vec).collect(),
            y,
            calib: None,
        })
    }

    /// The images, each flat in C order.
    pub fn images(&self) -> &[Vec<f64>] {
        &self.x
    }

    /// The images' labels.
    pub fn labels(&self) -> &[usize] {
        &self.y
    }

    /// Images in the set.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether the set holds no image.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// One tile's MVMs in order.
#[derive(Clone, Default)]
struct TileRun {
    inputs: Vec<Vec<i32>>,
    outputs: Vec<Vec<i64>>,
}

/// Runs every tile MVM of the first `images` images on `engines` (one engine per tile,
/// programmed with that tile's weights and column parameters) and compares its outputs with the
/// model's. Returns the MVMs checked or the first mismatch.
fn check_rtl(
    p: &TileParams,
    data: &TestSet,
    quant: &QuantNet,
    tiled: &TiledNet,
    images: usize,
    engines: &dyn EngineBuilder,
) -> Result<std::result::Result<usize, Mismatch>> {
    // Every tile's inputs and model outputs, image by image: `runs[layer][tile]`.
    let mut runs: Vec<Vec<TileRun>> = tiled
        .layers
        .iter()
        .map(|l| vec![TileRun::default(); l.tiles.len()])
        .collect();
    for (i, x) in data.x.iter().take(images).enumerate() {
        tiled.forward(i as u32, quant.quantize_input(x), |mvm| {
            let index = mvm.tile.row_tile * tiled.layers[mvm.layer].col_tiles + mvm.tile.col_tile;
            let run = &mut runs[mvm.layer][index];
            run.inputs.push(mvm.input.to_vec());
            run.outputs.push(mvm.out.to_vec());
        });
    }
    let mut checked = 0;
    for (l, layer) in tiled.layers.iter().enumerate() {
        for (
            t,
            TileRun {
                inputs,
                outputs: expected,
            },
        ) in layer.tiles.iter().zip(&runs[l])
        {
            // `from_boxed` keeps the engine's error and its chain (`anyhow!` would keep only its
            // text).
            let mut engine = engines.engine().map_err(anyhow::Error::from_boxed)?;
            engine
                .program_weights(&t.weights)
                .map_err(anyhow::Error::from_boxed)?;
            engine
                .program_columns(&t.columns)
                .map_err(anyhow::Error::from_boxed)?;
            let got: Vec<Vec<i64>> = engine
                .run(inputs)
                .map_err(anyhow::Error::from_boxed)?
                .into_iter()
                .map(|o| o.out)
                .collect();
            for (mvm, (e, g)) in expected.iter().zip(&got).enumerate() {
                if let Some(column) = (0..e.len()).find(|&c| e[c] != g[c]) {
                    let (row_tile, col_tile) = (t.row_tile, t.col_tile);
                    let layer_output = col_tile * p.cols() + column;
                    return Ok(Err(Mismatch {
                        layer: l,
                        row_tile,
                        col_tile,
                        mvm,
                        column,
                        layer_output,
                        model: e[column],
                        rtl: g[column],
                    }));
                }
                checked += 1;
            }
        }
    }
    Ok(Ok(checked))
}

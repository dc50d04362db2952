//! A quantized network mapped onto tiles: each layer of K inputs and N outputs is cut into
//! ceil(K/R) x ceil(N/C) tiles, each a programmed [`TileModel`] of its own (zero weights pad the
//! last row and column tiles). The accumulators of a column's row tiles are added digitally.
//! Where one tile holds all of a layer's inputs and its periphery can compute the layer's
//! requantization (its activation is none or the layer's ReLU, its output range holds the
//! layer's), the tile's column parameters do it; otherwise the tile runs with mult=1, shift=0,
//! bias=0 and the host requantizes the sum of the accumulators (`QuantLayer::requantize`).

use crate::graph::{channels_first, Graph};
use crate::quant::{QuantLayer, QuantNet};
use anyhow::{bail, Result};
use cimtile_tile::calibration::{error_summary, fit_columns};
use cimtile_tile::config::Activation;
use cimtile_tile::data::{ColumnParams, Weights};
use cimtile_tile::golden::requantize;
use cimtile_tile::{TileModel, TileParams};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The batch index of the first calibration read: far from the images' 0..N, so that the
/// calibration shares no read-noise draw with them.
const CALIBRATION_K0: u32 = 1 << 31;

/// What the calibration of one tile achieved on its calibration vectors: the mean absolute error
/// of its outputs against the intended ones, with the intended and with the new parameters.
#[derive(Debug, Clone, Serialize)]
pub struct TileCalibration {
    /// Index of the tile's weight layer, in graph order.
    pub layer: usize,
    /// Which slice of the layer's inputs the tile holds: rows `row_tile * R..` of its matrix.
    pub row_tile: usize,
    /// Which slice of the layer's outputs the tile holds: columns `col_tile * C..` of its matrix.
    pub col_tile: usize,
    /// Mean absolute error of the tile's outputs, in output LSBs, with the intended parameters.
    pub before_mean_abs_error: f64,
    /// Mean absolute error of the tile's outputs, in output LSBs, with the calibrated parameters.
    pub after_mean_abs_error: f64,
}

/// One programmed tile of a layer.
pub struct Tile {
    /// Which slice of the layer's inputs it holds: rows `row_tile * R..`.
    pub row_tile: usize,
    /// Which slice of the layer's outputs it holds: columns `col_tile * C..`.
    pub col_tile: usize,
    /// The weights programmed into it (zeros past the layer's).
    pub weights: Weights,
    /// Its column parameters: the layer's where the tile requantizes, else 1, 0, 0.
    pub columns: Vec<ColumnParams>,
    /// The golden model of the programmed tile.
    pub model: TileModel,
}

/// One weight layer cut into tiles.
pub struct TiledLayer {
    /// `ceil(K / R)`: tiles along the inputs, whose results are added.
    pub row_tiles: usize,
    /// `ceil(N / C)`: tiles along the outputs.
    pub col_tiles: usize,
    /// Whether the tiles' column parameters requantize (else the host does).
    pub on_tile: bool,
    /// Whether the host sums the tiles' outputs rather than their accumulators: after a
    /// calibration, which corrects a host-requantized tile's `acc` in its output.
    pub host_reads_out: bool,
    /// Row-tile major: `tiles[i * col_tiles + j]`.
    pub tiles: Vec<Tile>,
}

/// One tile MVM, for checking against the RTL.
pub struct TileMvm<'a> {
    /// The weight layer.
    pub layer: usize,
    /// The tile.
    pub tile: &'a Tile,
    /// Its input codes.
    pub input: &'a [i32],
    /// Its outputs (`out[c]`).
    pub out: &'a [i64],
}

/// A quantized network on tiles: every layer's tiles programmed, ready to run images.
pub struct TiledNet<'a> {
    graph: &'a Graph,
    net: &'a QuantNet,
    p: TileParams,
    /// The weight layers' tiles, in graph order.
    pub layers: Vec<TiledLayer>,
    /// Nanoseconds in the tile model's MVMs, summed over threads.
    model_nanos: AtomicU64,
}

/// Whether a tile's periphery computes `layer`'s requantization exactly.
fn tile_can_requantize(p: &TileParams, layer: &QuantLayer, row_tiles: usize) -> bool {
    requantized_on_tile(p, layer.relu, layer.range, row_tiles)
}

/// Whether a layer of `row_tiles` row tiles on tiles `p`, with a ReLU or not and output codes in
/// `range`, is requantized by its tiles' column parameters: it fits one row tile, the tile's
/// activation is none or the layer's ReLU, and the tile's output range holds the layer's.
pub fn requantized_on_tile(
    p: &TileParams,
    relu: bool,
    range: (i64, i64),
    row_tiles: usize,
) -> bool {
    let (lo, hi) = p.output_range();
    row_tiles == 1 && (p.activation() == Activation::None || relu) && lo <= range.0 && hi >= range.1
}

impl<'a> TiledNet<'a> {
    /// Cuts every layer of `net` into tiles `p` and programs them.
    pub fn new(graph: &'a Graph, net: &'a QuantNet, p: &TileParams) -> Self {
        let (r, c) = (p.rows(), p.cols());
        let layers = net
            .layers
            .iter()
            .map(|layer| {
                let (row_tiles, col_tiles) = (layer.k.div_ceil(r), layer.n.div_ceil(c));
                let on_tile = tile_can_requantize(p, layer, row_tiles);
                let mut tiles = Vec::with_capacity(row_tiles * col_tiles);
                for i in 0..row_tiles {
                    for j in 0..col_tiles {
                        let mut w = vec![0i32; r * c];
                        for (rr, k) in (i * r..layer.k.min((i + 1) * r)).enumerate() {
                            for (cc, n) in (j * c..layer.n.min((j + 1) * c)).enumerate() {
                                w[rr * c + cc] = layer.w[k * layer.n + n];
                            }
                        }
                        let weights = Weights {
                            rows: r,
                            cols: c,
                            w,
                        };
                        let columns = (0..c)
                            .map(|cc| match layer.columns.get(j * c + cc) {
                                Some(&col) if on_tile => col,
                                _ => ColumnParams::default(),
                            })
                            .collect::<Vec<_>>();
                        let model = TileModel::new(p, &weights, &columns)
                            .expect("weights quantized to the tile hold in it");
                        tiles.push(Tile {
                            row_tile: i,
                            col_tile: j,
                            weights,
                            columns,
                            model,
                        });
                    }
                }
                TiledLayer {
                    row_tiles,
                    col_tiles,
                    on_tile,
                    host_reads_out: false,
                    tiles,
                }
            })
            .collect();
        TiledNet {
            graph,
            net,
            p: p.clone(),
            layers,
            model_nanos: AtomicU64::new(0),
        }
    }

    /// Seconds the tile model's MVMs took in [`Self::forward`], summed over threads.
    pub fn tile_model_seconds(&self) -> f64 {
        self.model_nanos.load(Ordering::Relaxed) as f64 * 1e-9
    }

    /// Tiles of every layer.
    pub fn tiles(&self) -> usize {
        self.layers.iter().map(|l| l.tiles.len()).sum()
    }

    /// Calibrates every tile's column parameters for its (aged) device, as a host would: the
    /// calibration images (input codes `calib`) run through the exact integer network give every
    /// tile known inputs and, from the weights it was programmed with, the exact `W^T x` its `acc`
    /// should be; per column, the parameters that map the `acc` read from the tile to the tile's
    /// intended parameters applied to the exact one are fitted. Only those reads and host
    /// arithmetic are used, no hidden device state. A tile whose layer the host requantizes keeps
    /// intended parameters 1,0,0: its output then stands for a corrected `acc`, which the host
    /// sums instead of `acc`, so its output range must hold any `acc`.
    pub fn calibrate(&mut self, calib: &[Vec<i64>]) -> Result<Vec<TileCalibration>> {
        let p = &self.p;
        let (lo, hi) = p.output_range();
        let acc_max = p.widths().acc_max;
        let values: Vec<Vec<Vec<i64>>> = calib
            .iter()
            .map(|x| self.net.forward_exact(self.graph, x.clone()))
            .collect();
        let mut report = Vec::new();
        for (l, layer) in self.layers.iter_mut().enumerate() {
            if !layer.on_tile {
                if p.activation() == Activation::Relu
                    || (lo as i128) > -(acc_max as i128)
                    || (hi as u128) < acc_max
                {
                    bail!(
                        "--calibrate: layer {l} is requantized on the host from the tiles' accumulators, which calibration corrects in \
                         the tiles' outputs, but the outputs ({lo}..={hi}, activation {:?}) cannot hold every accumulator (-{acc_max}..={acc_max}): \
                         widen output.bits, make it signed, and use output.activation = \"none\"",
                        p.activation()
                    );
                }
                layer.host_reads_out = true;
            }
            let input_node = self.graph.nodes[self.graph.layer_node(l)].inputs[0];
            let vectors: Vec<Vec<i32>> = values
                .iter()
                .flat_map(|v| {
                    self.graph.layers[l].mvm_inputs(&self.net.layer_input(&v[input_node]))
                })
                .collect();
            for tile in &mut layer.tiles {
                let inputs: Vec<Vec<i32>> = vectors
                    .iter()
                    .map(|v| tile_input(p.rows(), v, tile.row_tile))
                    .collect();
                let measured: Vec<Vec<Option<i64>>> = tile
                    .model
                    .mvm_batch(CALIBRATION_K0, &inputs)
                    .into_iter()
                    .map(|r| r.acc.into_iter().map(Some).collect())
                    .collect();
                let exact: Vec<Vec<i64>> =
                    inputs.iter().map(|x| exact_acc(&tile.weights, x)).collect();
                let fits = fit_columns(p, &tile.columns, &measured, &exact);
                let calibrated: Vec<ColumnParams> = fits.iter().map(|f| f.columns).collect();
                let outputs = |columns: &[ColumnParams]| -> Vec<Vec<i64>> {
                    measured
                        .iter()
                        .map(|acc| {
                            acc.iter()
                                .zip(columns)
                                .map(|(a, &c)| requantize(p, c, a.expect("the model shows acc")))
                                .collect()
                        })
                        .collect()
                };
                let intended: Vec<Vec<i64>> = exact
                    .iter()
                    .map(|acc| {
                        acc.iter()
                            .zip(&tile.columns)
                            .map(|(&a, &c)| requantize(p, c, a))
                            .collect()
                    })
                    .collect();
                report.push(TileCalibration {
                    layer: l,
                    row_tile: tile.row_tile,
                    col_tile: tile.col_tile,
                    before_mean_abs_error: error_summary(&outputs(&tile.columns), &intended).0,
                    after_mean_abs_error: error_summary(&outputs(&calibrated), &intended).0,
                });
                tile.model.program_columns(&calibrated);
                tile.columns = calibrated;
            }
        }
        Ok(report)
    }

    /// Every node's codes for input codes `x` (image `image`): each weight layer's MVMs run on its
    /// tiles, batched, MVM `p` of a layer with `P` MVMs per image at read-noise index
    /// `image * P + p`; `record` sees each tile MVM.
    pub fn forward(
        &self,
        image: u32,
        x: Vec<i64>,
        mut record: impl FnMut(TileMvm),
    ) -> Vec<Vec<i64>> {
        let r = self.p.rows();
        self.net.forward(self.graph, x, |l, a| {
            let (layer, tiled, q) = (&self.graph.layers[l], &self.layers[l], &self.net.layers[l]);
            let vectors = layer.mvm_inputs(a);
            let positions = vectors.len();
            let mut value = vec![vec![0i64; q.n]; positions];
            for tile in &tiled.tiles {
                let inputs: Vec<Vec<i32>> = vectors
                    .iter()
                    .map(|v| tile_input(r, v, tile.row_tile))
                    .collect();
                let started = Instant::now();
                let results = tile
                    .model
                    .mvm_batch(image.wrapping_mul(positions as u32), &inputs);
                self.model_nanos
                    .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
                let first = tile.col_tile * self.p.cols();
                for ((input, result), value) in inputs.iter().zip(&results).zip(&mut value) {
                    record(TileMvm {
                        layer: l,
                        tile,
                        input,
                        out: &result.out,
                    });
                    let from = if tiled.on_tile || tiled.host_reads_out {
                        &result.out
                    } else {
                        &result.acc
                    };
                    for (v, &y) in value[first..].iter_mut().zip(from) {
                        *v += y;
                    }
                }
            }
            // From the tile's periphery, the layer's ReLU and clamp change nothing unless the tile's
            // own activation or range is wider (see `tile_can_requantize`).
            let outputs: Vec<Vec<i64>> = value
                .iter()
                .map(|v| {
                    if tiled.on_tile {
                        v.iter().map(|&v| q.activate(v as i128)).collect()
                    } else {
                        v.iter()
                            .enumerate()
                            .map(|(j, &v)| q.requantize(j, v))
                            .collect()
                    }
                })
                .collect();
            channels_first(&outputs, q.n)
        })
    }
}

/// The rows of layer input `a` that row tile `row_tile` of `r` rows takes, zeros after the last.
fn tile_input(r: usize, a: &[i32], row_tile: usize) -> Vec<i32> {
    let mut input = vec![0i32; r];
    let rows = row_tile * r..a.len().min((row_tile + 1) * r);
    input[..rows.len()].copy_from_slice(&a[rows]);
    input
}

/// `W^T x`: what an ideal tile's `acc` is, which the host computes from the weights it programmed.
fn exact_acc(w: &Weights, x: &[i32]) -> Vec<i64> {
    (0..w.cols)
        .map(|c| {
            (0..w.rows)
                .map(|r| w.w[r * w.cols + c] as i64 * x[r] as i64)
                .sum()
        })
        .collect()
}

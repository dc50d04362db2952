//! A quantized network mapped onto tiles: each layer of K inputs and N outputs is cut into
//! ceil(K/R) x ceil(N/C) tiles, each a programmed [`TileModel`] of its own (zero weights pad the
//! last row and column tiles). The accumulators of a column's row tiles are added digitally.
//! Where one tile holds all of a layer's inputs and its periphery can compute the layer's
//! requantization (its activation is none or the layer's ReLU, its output range holds the
//! layer's), the tile's column parameters do it; otherwise the tile runs with mult=1, shift=0,
//! bias=0 and the host requantizes the sum of the accumulators (`QuantLayer::requantize`).

use super::quant::{QuantLayer, QuantNet};
use cimtile_hdl::config::Activation;
use cimtile_hdl::data::{ColumnParams, Weights};
use cimtile_hdl::{TileModel, TileParams};

/// One programmed tile of a layer.
pub struct Tile {
    pub row_tile: usize,
    pub col_tile: usize,
    pub weights: Weights,
    pub columns: Vec<ColumnParams>,
    pub model: TileModel,
}

pub struct TiledLayer {
    pub row_tiles: usize,
    pub col_tiles: usize,
    /// Whether the tiles' column parameters requantize (else the host does).
    pub on_tile: bool,
    /// Row-tile major: `tiles[i * col_tiles + j]`.
    pub tiles: Vec<Tile>,
}

/// One tile MVM, for checking against the RTL.
pub struct TileMvm<'a> {
    pub layer: usize,
    pub tile: &'a Tile,
    pub input: &'a [i32],
    pub out: &'a [i64],
}

pub struct TiledNet<'a> {
    net: &'a QuantNet,
    p: TileParams,
    pub layers: Vec<TiledLayer>,
}

/// Whether a tile's periphery computes `layer`'s requantization exactly.
fn tile_can_requantize(p: &TileParams, layer: &QuantLayer, row_tiles: usize) -> bool {
    let (lo, hi) = p.output_range();
    row_tiles == 1 && (p.activation() == Activation::None || layer.relu) && lo <= layer.range.0 && hi >= layer.range.1
}

impl<'a> TiledNet<'a> {
    pub fn new(net: &'a QuantNet, p: &TileParams) -> Self {
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
                        let weights = Weights { rows: r, cols: c, w };
                        let columns = (0..c)
                            .map(|cc| match layer.columns.get(j * c + cc) {
                                Some(&col) if on_tile => col,
                                _ => ColumnParams::default(),
                            })
                            .collect::<Vec<_>>();
                        let model = TileModel::new(p, &weights, &columns);
                        tiles.push(Tile { row_tile: i, col_tile: j, weights, columns, model });
                    }
                }
                TiledLayer { row_tiles, col_tiles, on_tile, tiles }
            })
            .collect();
        TiledNet { net, p: p.clone(), layers }
    }

    pub fn tiles(&self) -> usize {
        self.layers.iter().map(|l| l.tiles.len()).sum()
    }

    /// The logits of input codes `x`. Every tile runs one MVM with read-noise index `k`;
    /// `record` sees each.
    pub fn forward(&self, k: u32, x: &[i32], mut record: impl FnMut(TileMvm)) -> Vec<i64> {
        let r = self.p.rows();
        let mut a: Vec<i32> = x.to_vec();
        let mut logits = Vec::new();
        for (l, (layer, tiled)) in self.net.layers.iter().zip(&self.layers).enumerate() {
            let mut value = vec![0i64; layer.n];
            for tile in &tiled.tiles {
                let mut input = vec![0i32; r];
                let rows = tile.row_tile * r..layer.k.min((tile.row_tile + 1) * r);
                input[..rows.len()].copy_from_slice(&a[rows]);
                let result = tile.model.mvm(k, &input);
                record(TileMvm { layer: l, tile, input: &input, out: &result.out });
                let from = if tiled.on_tile { &result.out } else { &result.acc };
                let first = tile.col_tile * self.p.cols();
                for (v, &y) in value[first..].iter_mut().zip(from) {
                    *v += y;
                }
            }
            // From the tile's periphery, the layer's ReLU and clamp change nothing unless the tile's
            // own activation or range is wider (see `tile_can_requantize`).
            let out: Vec<i64> = if tiled.on_tile {
                value.iter().map(|&v| layer.activate(v as i128)).collect()
            } else {
                value.iter().enumerate().map(|(j, &v)| layer.requantize(j, v)).collect()
            };
            if l + 1 == self.layers.len() {
                logits = out;
            } else {
                a = out.iter().map(|&v| v as i32).collect();
            }
        }
        logits
    }
}

//! Quantizing a float network to a tile's precision, and the exact integer network that results.
//!
//! - Weights: symmetric, per output column: `s_w[j] = max_i |W[i,j]| / (2^(Wb-1)-1)`,
//!   `q = round(W / s_w)`.
//! - Activations (the input of every layer): one scale per layer, `s_a = amax / qmax`, where amax
//!   is the largest value that layer sees on the model's calibration images and qmax the top of
//!   the tile's input range (`inputs.bits`, `inputs.signed`); `q = clamp(round(a / s_a))` in that
//!   range.
//! - Requantization of layer l, per column j: `acc` (the integer `sum q_w q_a`) becomes the next
//!   layer's input code by the tile's own column arithmetic (spec section 4):
//!   `clamp(relu(round_shift((acc + bias) * mult, shift)))`, with `bias = round(b / (s_a s_w))`
//!   and `mult / 2^shift ~ s_a s_w / s_next` (mult an i16, shift the largest in 0..=31 that keeps
//!   it so). The last layer has no ReLU; its logits go to a signed 16-bit range whose scale puts the
//!   calibration images' largest logit at half of it.

use crate::graph::{channels_first, Graph, Layer, Op};
use anyhow::{bail, Result};
use cimtile_tile::data::ColumnParams;
use cimtile_tile::TileParams;

/// The logits' range: signed 16 bits, so a tile with a 16-bit signed output can compute them.
pub const LOGIT_MAX: i64 = (1 << 15) - 1;

/// One quantized layer: integer weights and the requantization of its accumulators.
pub struct QuantLayer {
    /// Inputs of one MVM.
    pub k: usize,
    /// Outputs of one MVM.
    pub n: usize,
    /// `k x n` row-major, in `-(2^(Wb-1)-1)..=2^(Wb-1)-1`.
    pub w: Vec<i32>,
    /// Per output column, the requantization of its accumulator (spec section 4).
    pub columns: Vec<ColumnParams>,
    /// A ReLU before the clamp.
    pub relu: bool,
    /// The range the layer's outputs are clamped to: the next layer's input range, or the logits'.
    pub range: (i64, i64),
}

impl QuantLayer {
    /// The layer's output code of column `j` from its accumulator: the column arithmetic of spec
    /// section 4, `clamp(relu?(round_shift((acc + bias) * mult, shift)))`, on the host (the digital
    /// stage for layers whose tiles cannot finish them, and the exact integer network).
    pub fn requantize(&self, j: usize, acc: i64) -> i64 {
        let col = self.columns[j];
        let t = (acc as i128 + col.bias as i128) * col.mult as i128;
        let y = if col.shift == 0 {
            t
        } else {
            (t + (1i128 << (col.shift - 1))) >> col.shift
        };
        self.activate(y)
    }

    /// The layer's ReLU and clamp to its output range.
    pub fn activate(&self, y: i128) -> i64 {
        let y = if self.relu { y.max(0) } else { y };
        y.clamp(self.range.0 as i128, self.range.1 as i128) as i64
    }
}

/// A network quantized to one tile's weight and input precision.
pub struct QuantNet {
    /// Per weight layer.
    pub layers: Vec<QuantLayer>,
    /// Per node: the scale of its codes (value = code * scale) and their range.
    pub tensors: Vec<(f64, (i64, i64))>,
    /// Per node, for an `Add`: the fixed-point factors `(ma, mb)` of its inputs' codes over
    /// 2^ADD_SHIFT.
    adds: Vec<(i64, i64)>,
    /// The tile's input range: the codes a weight layer reads are clamped to it.
    input_range: (i64, i64),
}

/// The fraction bits of a residual `Add`'s fixed-point factors.
pub const ADD_SHIFT: u32 = 16;

/// `mult / 2^shift` closest to `m` with mult in i16 and shift in 0..=31; None if m is not a
/// positive number that fits.
fn fixed_point(m: f64) -> Option<(i16, u8)> {
    if !(m.is_finite() && m > 0.0) {
        return None;
    }
    let shift = (0..=31u8)
        .rev()
        .find(|&s| (m * f64::from(1u32 << s)).round() <= i16::MAX as f64)?;
    Some(((m * f64::from(1u32 << shift)).round() as i16, shift))
}

/// The node that sets the logits' scale: the output, or the node before the pass-through
/// operators (ReLU, pooling, reshape) that end the graph.
fn logits_node(graph: &Graph) -> usize {
    let mut logits = graph.output;
    while !matches!(graph.nodes[logits].op, Op::Input | Op::Weight(_) | Op::Add) {
        logits = graph.nodes[logits].inputs[0];
    }
    logits
}

/// Per node, the range of its codes on tiles `p`, which the quantization does not change: the
/// tile's input range for the input; for a weight layer or a residual sum the signed range of
/// the tile's inputs (from 0 after the layer's ReLU), or the logits' signed 16 bits where it
/// makes them; after a ReLU from 0; anything else its input's.
pub fn code_ranges(graph: &Graph, p: &TileParams) -> Vec<(i64, i64)> {
    let (lo, hi) = p.input_range();
    let logits = logits_node(graph);
    let mut ranges: Vec<(i64, i64)> = Vec::with_capacity(graph.nodes.len());
    for (i, node) in graph.nodes.iter().enumerate() {
        let own = |relu: bool| {
            if i == logits && i != 0 {
                (-LOGIT_MAX, LOGIT_MAX)
            } else {
                (if relu { 0 } else { -hi }, hi)
            }
        };
        let range = match node.op {
            Op::Input => (lo, hi),
            Op::Weight(l) => own(graph.layers[l].relu),
            Op::Add => own(false),
            Op::Relu => (0, ranges[node.inputs[0]].1),
            _ => ranges[node.inputs[0]],
        };
        ranges.push(range);
    }
    ranges
}

/// `amax / qmax`, or 1 for a layer that never sees a non-zero value.
fn scale(amax: f64, qmax: i64) -> f64 {
    if amax > 0.0 {
        amax / qmax as f64
    } else {
        1.0
    }
}

impl QuantNet {
    /// Quantizes `graph` for tiles `p`, the activation ranges taken from its float values on
    /// `calib` (images).
    pub fn new(graph: &Graph, p: &TileParams, calib: &[Vec<f64>]) -> Result<Self> {
        let (lo, hi) = p.input_range();
        if hi < 1 {
            bail!("signed 1-bit inputs hold no positive value, and a network's activations are positive: use inputs.bits >= 2 or unsigned inputs");
        }
        let wmax = p.weight_max();
        // amax of every node's tensor over the calibration images.
        let mut amax = vec![0.0f64; graph.nodes.len()];
        for x in calib {
            for (m, act) in amax.iter_mut().zip(graph.forward(x)) {
                *m = act.iter().fold(*m, |m, v| m.max(v.abs()));
            }
        }
        let logits = logits_node(graph);
        let ranges = code_ranges(graph, p);
        let mut tensors: Vec<(f64, (i64, i64))> = Vec::with_capacity(graph.nodes.len());
        let mut layers = Vec::with_capacity(graph.layers.len());
        let mut adds = vec![(0, 0); graph.nodes.len()];
        for (i, node) in graph.nodes.iter().enumerate() {
            let range = ranges[i];
            let own = if i == logits && i != 0 {
                scale(amax[i], LOGIT_MAX / 2)
            } else {
                scale(amax[i], hi)
            };
            let s = match node.op {
                Op::Input => scale(amax[i], hi),
                Op::Weight(l) => {
                    let layer = &graph.layers[l];
                    let s_in = tensors[node.inputs[0]].0;
                    let (quantized, s_out) = quantize_layer(layer, s_in, own, range, wmax)?;
                    layers.push(quantized);
                    s_out
                }
                Op::Add => {
                    let factor = |input: usize| {
                        (tensors[input].0 / own * f64::from(1u32 << ADD_SHIFT)).round() as i64
                    };
                    adds[i] = (factor(node.inputs[0]), factor(node.inputs[1]));
                    own
                }
                _ => tensors[node.inputs[0]].0,
            };
            tensors.push((s, range));
        }
        Ok(QuantNet {
            layers,
            tensors,
            adds,
            input_range: (lo, hi),
        })
    }

    /// The fixed-point factors `(ma, mb)` over 2^[`ADD_SHIFT`] of the `Add` at graph node `node`:
    /// its output code is `clamp((a*ma + b*mb + 2^(ADD_SHIFT-1)) >> ADD_SHIFT)`.
    pub fn add_factors(&self, node: usize) -> (i64, i64) {
        self.adds[node]
    }

    /// The input codes of image `x`.
    pub fn quantize_input(&self, x: &[f64]) -> Vec<i64> {
        let (s, (lo, hi)) = self.tensors[0];
        x.iter()
            .map(|v| ((v / s).round() as i64).clamp(lo, hi))
            .collect()
    }

    /// The codes weight layer `l` reads of its input tensor's codes `x`: clamped to the tile's
    /// input range (a negative value on unsigned inputs reads as 0).
    pub fn layer_input(&self, x: &[i64]) -> Vec<i32> {
        let (lo, hi) = self.input_range;
        x.iter().map(|&v| v.clamp(lo, hi) as i32).collect()
    }

    /// Every node's codes for input codes `x`; `weight(l, input)` gives weight layer `l`'s output
    /// codes (`[n, positions]`) for its input codes.
    pub fn forward(
        &self,
        graph: &Graph,
        x: Vec<i64>,
        mut weight: impl FnMut(usize, &[i32]) -> Vec<i64>,
    ) -> Vec<Vec<i64>> {
        let mut values: Vec<Vec<i64>> = Vec::with_capacity(graph.nodes.len());
        values.push(x);
        for (i, node) in graph.nodes.iter().enumerate().skip(1) {
            let v = match node.op {
                Op::Weight(l) => weight(l, &self.layer_input(&values[node.inputs[0]])),
                Op::Add => {
                    let (ma, mb) = self.adds[i];
                    let (lo, hi) = self.tensors[i].1;
                    let half = 1i128 << (ADD_SHIFT - 1);
                    values[node.inputs[0]]
                        .iter()
                        .zip(&values[node.inputs[1]])
                        .map(|(&a, &b)| {
                            ((a as i128 * ma as i128 + b as i128 * mb as i128 + half) >> ADD_SHIFT)
                                .clamp(lo as i128, hi as i128) as i64
                        })
                        .collect()
                }
                _ => graph.digital(i, &values),
            };
            values.push(v);
        }
        values
    }

    /// Every node's codes for input codes `x` in plain integer arithmetic, no tile.
    pub fn forward_exact(&self, graph: &Graph, x: Vec<i64>) -> Vec<Vec<i64>> {
        self.forward(graph, x, |l, input| {
            let (layer, q) = (&graph.layers[l], &self.layers[l]);
            let outputs: Vec<Vec<i64>> = layer
                .mvm_inputs(input)
                .iter()
                .map(|v| {
                    let mut acc = vec![0i64; q.n];
                    for (&xi, row) in v.iter().zip(q.w.chunks(q.n)) {
                        for (acc_j, &w) in acc.iter_mut().zip(row) {
                            *acc_j += xi as i64 * w as i64;
                        }
                    }
                    acc.iter()
                        .enumerate()
                        .map(|(j, &a)| q.requantize(j, a))
                        .collect()
                })
                .collect();
            channels_first(&outputs, q.n)
        })
    }
}

/// Weight layer `layer` with input scale `s_in`, output scale `s_out` and output range `range`,
/// and the output scale it gets: `s_out`, or coarser where an accumulator unit is worth more than
/// an i16 multiplier reaches (`acc_scale / s_out` must stay below 2^15).
fn quantize_layer(
    layer: &Layer,
    s_in: f64,
    s_out: f64,
    range: (i64, i64),
    wmax: i64,
) -> Result<(QuantLayer, f64)> {
    let name = &layer.name;
    let col_scale: Vec<f64> = (0..layer.n)
        .map(|j| {
            scale(
                (0..layer.k)
                    .map(|i| layer.w[i * layer.n + j].abs())
                    .fold(0.0, f64::max),
                wmax,
            )
        })
        .collect();
    let s_out = col_scale
        .iter()
        .fold(s_out, |s, &c| s.max(s_in * c / i16::MAX as f64));
    let w = layer
        .w
        .iter()
        .enumerate()
        .map(|(i, &v)| (v / col_scale[i % layer.n]).round() as i32)
        .collect();
    let columns = (0..layer.n)
        .map(|j| {
            let acc_scale = s_in * col_scale[j];
            let Some((mult, shift)) = fixed_point(acc_scale / s_out) else {
                bail!("layer {name}, column {j}: the requantization factor {} does not fit an i16 multiplier and a shift 0..=31", acc_scale / s_out);
            };
            let bias = (layer.b[j] / acc_scale).round();
            if bias.abs() > i32::MAX as f64 {
                bail!("layer {name}, column {j}: the bias {} is {bias} accumulator units, beyond an i32", layer.b[j]);
            }
            Ok(ColumnParams { mult, shift, bias: bias as i32 })
        })
        .collect::<Result<_>>()?;
    Ok((
        QuantLayer {
            k: layer.k,
            n: layer.n,
            w,
            columns,
            relu: layer.relu,
            range,
        },
        s_out,
    ))
}

/// Index of the largest value, the first of equals.
pub fn argmax<T: PartialOrd + Copy>(v: &[T]) -> usize {
    v.iter()
        .enumerate()
        .fold(0, |best, (i, &x)| if x > v[best] { i } else { best })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_keeps_the_multiplier_an_i16_with_the_finest_shift() {
        assert_eq!(fixed_point(1.0), Some((16384, 14)));
        assert_eq!(fixed_point(0.75), Some((24576, 15)));
        assert_eq!(fixed_point(40000.0), None);
        assert_eq!(fixed_point(32767.0), Some((32767, 0)));
        assert_eq!(fixed_point(0.0), None);
        assert_eq!(fixed_point(f64::NAN), None);
        let (mult, shift) = fixed_point(1e-6).unwrap();
        assert!((mult as f64 / 2f64.powi(shift as i32) - 1e-6).abs() < 1e-9);
    }

    #[test]
    fn requantize_is_the_column_arithmetic() {
        let layer = QuantLayer {
            k: 1,
            n: 2,
            w: vec![1, 1],
            columns: vec![
                ColumnParams {
                    mult: 3,
                    shift: 2,
                    bias: -1,
                },
                ColumnParams {
                    mult: 1,
                    shift: 0,
                    bias: 0,
                },
            ],
            relu: true,
            range: (0, 15),
        };
        assert_eq!(layer.requantize(0, 3), 2); // (3 - 1) * 3 = 6, 6 / 4 = 1.5 rounds to 2
        assert_eq!(layer.requantize(0, -5), 0); // ReLU
        assert_eq!(layer.requantize(1, 99), 15); // clamp
    }

    #[test]
    fn argmax_takes_the_first_of_equals() {
        assert_eq!(argmax(&[1, 3, 3, 2]), 1);
        assert_eq!(argmax(&[-1.0, -2.0]), 0);
    }
}

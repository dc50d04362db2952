//! Quantizing a float MLP to a tile's precision, and the exact integer network that results.
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

use super::npz::FloatModel;
use anyhow::{bail, Result};
use cimtile_hdl::data::ColumnParams;
use cimtile_hdl::TileParams;

/// The logits' range: signed 16 bits, so a tile with a 16-bit signed output can compute them.
pub const LOGIT_MAX: i64 = (1 << 15) - 1;

/// One quantized layer: integer weights and the requantization of its accumulators.
pub struct QuantLayer {
    pub k: usize,
    pub n: usize,
    /// `k x n` row-major, in `-(2^(Wb-1)-1)..=2^(Wb-1)-1`.
    pub w: Vec<i32>,
    pub columns: Vec<ColumnParams>,
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
        let y = if col.shift == 0 { t } else { (t + (1i128 << (col.shift - 1))) >> col.shift };
        self.activate(y)
    }

    /// The layer's ReLU and clamp to its output range.
    pub fn activate(&self, y: i128) -> i64 {
        let y = if self.relu { y.max(0) } else { y };
        y.clamp(self.range.0 as i128, self.range.1 as i128) as i64
    }
}

/// A float MLP quantized to one tile's weight and input precision.
pub struct QuantNet {
    pub layers: Vec<QuantLayer>,
    /// Scale of the network's input codes.
    input_scale: f64,
    input_range: (i64, i64),
}

/// `mult / 2^shift` closest to `m` with mult in i16 and shift in 0..=31; None if m is not a
/// positive number that fits.
fn fixed_point(m: f64) -> Option<(i16, u8)> {
    if !(m.is_finite() && m > 0.0) {
        return None;
    }
    let shift = (0..=31u8).rev().find(|&s| (m * f64::from(1u32 << s)).round() <= i16::MAX as f64)?;
    Some(((m * f64::from(1u32 << shift)).round() as i16, shift))
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
    pub fn new(model: &FloatModel, p: &TileParams) -> Result<Self> {
        let (lo, hi) = p.input_range();
        if hi < 1 {
            bail!("signed 1-bit inputs hold no positive value, and a network's activations are positive: use inputs.bits >= 2 or unsigned inputs");
        }
        let wmax = p.weight_max();
        let layers = model.layers.len();
        // amax of every layer's input and of the logits, over the calibration images.
        let mut amax = vec![0.0f64; layers + 1];
        for x in &model.calib {
            for (m, act) in amax.iter_mut().zip(model.activations(x)) {
                *m = act.iter().fold(*m, |m, v| m.max(v.abs()));
            }
        }
        let mut scales: Vec<f64> = amax[..layers].iter().map(|&a| scale(a, hi)).collect();
        scales.push(scale(amax[layers], LOGIT_MAX / 2));
        let mut quant = Vec::with_capacity(layers);
        for (l, layer) in model.layers.iter().enumerate() {
            let col_scale: Vec<f64> = (0..layer.n)
                .map(|j| scale((0..layer.k).map(|i| layer.w[i * layer.n + j].abs()).fold(0.0, f64::max), wmax))
                .collect();
            let w = layer.w.iter().enumerate().map(|(i, &v)| (v / col_scale[i % layer.n]).round() as i32).collect();
            let columns = (0..layer.n)
                .map(|j| {
                    let acc_scale = scales[l] * col_scale[j];
                    let Some((mult, shift)) = fixed_point(acc_scale / scales[l + 1]) else {
                        bail!(
                            "layer {l}, column {j}: the requantization factor {} does not fit an i16 multiplier and a shift 0..=31",
                            acc_scale / scales[l + 1]
                        );
                    };
                    let bias = (layer.b[j] / acc_scale).round();
                    if bias.abs() > i32::MAX as f64 {
                        bail!("layer {l}, column {j}: the bias {} is {bias} accumulator units, beyond an i32", layer.b[j]);
                    }
                    Ok(ColumnParams { mult, shift, bias: bias as i32 })
                })
                .collect::<Result<_>>()?;
            let last = l + 1 == layers;
            let range = if last { (-LOGIT_MAX, LOGIT_MAX) } else { (lo, hi) };
            quant.push(QuantLayer { k: layer.k, n: layer.n, w, columns, relu: !last, range });
        }
        Ok(QuantNet { layers: quant, input_scale: scales[0], input_range: (lo, hi) })
    }

    /// The input codes of image `x`.
    pub fn quantize_input(&self, x: &[f64]) -> Vec<i32> {
        let (lo, hi) = self.input_range;
        x.iter().map(|v| ((v / self.input_scale).round() as i64).clamp(lo, hi) as i32).collect()
    }

    /// The integer logits of input codes `x`: plain integer arithmetic, no tile.
    pub fn forward_exact(&self, x: &[i32]) -> Vec<i64> {
        self.activations_exact(x).pop().expect("a network has layers")
    }

    /// The input codes of every layer for input codes `x`, then the logits, in plain integer
    /// arithmetic.
    pub fn activations_exact(&self, x: &[i32]) -> Vec<Vec<i64>> {
        let mut activations = vec![x.iter().map(|&v| v as i64).collect::<Vec<i64>>()];
        for layer in &self.layers {
            let a = activations.last().expect("the input is there");
            let mut acc = vec![0i64; layer.n];
            for (xi, row) in a.iter().zip(layer.w.chunks(layer.n)) {
                for (acc_j, &w) in acc.iter_mut().zip(row) {
                    *acc_j += xi * w as i64;
                }
            }
            activations.push(acc.iter().enumerate().map(|(j, &v)| layer.requantize(j, v)).collect());
        }
        activations
    }
}

/// Index of the largest value, the first of equals.
pub fn argmax<T: PartialOrd + Copy>(v: &[T]) -> usize {
    v.iter().enumerate().fold(0, |best, (i, &x)| if x > v[best] { i } else { best })
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
            columns: vec![ColumnParams { mult: 3, shift: 2, bias: -1 }, ColumnParams { mult: 1, shift: 0, bias: 0 }],
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

//! The golden model: `tile-arithmetic.md` computed directly, written from the spec and never
//! from the RTL.
//!
//! Speed comes from bit planes. A read of group g sums `bit(x_r, b) * g(r, pc)` over up to
//! `Rg` rows; with the conductances split into their binary planes, that sum is
//! `sum_j 2^j * popcount(xplane(b, g) & gplane(g, pc, j))`, 64 rows per instruction. The read
//! noise hash `H(READ, seed, k, b, g, pc)` chains through k, b and g before pc, so each conversion
//! costs only its last `mix`. [`TileModel::convert`] is the same arithmetic written plainly, one
//! conversion at a time; the tests hold the two equal.
//!
//! The device effects of spec v2 ([`device`]) cost nothing per read except the IR drop: stuck
//! cells and drift are applied once, when the tile is programmed, so the bit planes hold `geff`.
//! The IR drop is a table over every current a read can reach when that is small (one load per
//! read), else two multiplications.

pub mod device;
pub mod prng;

use crate::config::{Activation, TileParams};
use crate::data::{ColumnParams, Weights};
use device::{ir_dropped, CellEffects};
use prng::{hash, mix, Uniform, PROG, READ};

/// The tile's result for one input vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MvmResult {
    /// `out[c]`: the tile's output after the periphery (bias, mult, shift, activation, clamp).
    pub out: Vec<i64>,
    /// `acc[c]`: the shift-added ADC codes before the periphery.
    pub acc: Vec<i64>,
    /// The exact product `W^T x`.
    pub ideal: Vec<i64>,
}

/// Largest `|out[c] - ideal[c]|`: how far a tile's outputs (either engine's) are from `W^T x`.
pub fn max_abs_error(out: &[i64], ideal: &[i64]) -> u64 {
    out.iter().zip(ideal).map(|(o, i)| o.abs_diff(*i)).max().unwrap_or(0)
}

/// A programmed tile: effective conductances and column parameters.
pub struct TileModel {
    p: TileParams,
    weights: Weights,
    columns: Vec<ColumnParams>,
    /// `geff(r, pc)` in fine units, row-major: `conductance[r * P + pc]`.
    conductance: Vec<u32>,
    /// Bit planes of the conductances, indexed `[g][pc][j][word]`.
    planes: Vec<u64>,
    /// Conductance bit planes `J` (bits of the largest conductance).
    plane_count: usize,
    /// 64-row words per group, `ceil(Rg / 64)`.
    words: usize,
    read_noise: Uniform,
    /// `log2(step)` when the ADC step is a power of two (the common case, a shift).
    step_shift: Option<u32>,
    adc_max: i64,
    /// `I - floor(I*I*Q/2^40)` for `I` in `0..=Imax`, when Q > 0 and Imax is at most
    /// [`IR_TABLE_MAX`]; empty otherwise.
    ir_table: Vec<u32>,
}

/// Largest Imax tabulated: 256 KiB of table.
const IR_TABLE_MAX: u64 = 1 << 16;

// How a read kernel applies the IR drop: the kernels are compiled for each, so that a tile
// without IR drop pays nothing for it.
const NO_IR: u8 = 0;
const IR_TABLE: u8 = 1;
const IR_ARITHMETIC: u8 = 2;

/// One read kernel: the conversions of a row group, accumulated into per-column partial sums.
type ReadGroup = fn(&TileModel, &[u64], &[u64], &[u32], &[i64], &mut [i64]);

/// Cell level of weight `w` on slice `s`, polarity `p` (spec section 2).
pub fn cell_level(p: &TileParams, w: i32, s: usize, polarity: usize) -> u32 {
    let magnitude = w.unsigned_abs();
    let level = (magnitude >> (s as u32 * p.cell_bits)) & p.level_max();
    let on = if polarity == 0 { w > 0 } else { w < 0 };
    if on {
        level
    } else {
        0
    }
}

/// The periphery of spec section 4 with column parameters `col`: bias, mult, rounding shift,
/// activation, clamp to the output range.
pub fn requantize(p: &TileParams, col: ColumnParams, acc: i64) -> i64 {
    let t = (acc as i128 + col.bias as i128) * col.mult as i128;
    let mut y = if col.shift == 0 { t } else { (t + (1i128 << (col.shift - 1))) >> col.shift };
    if p.activation == Activation::Relu {
        y = y.max(0);
    }
    let (lo, hi) = p.output_range();
    y.clamp(lo as i128, hi as i128) as i64
}

/// Physical column of logical column c, slice s, polarity p.
pub fn phys_col(p: &TileParams, c: usize, s: usize, polarity: usize) -> usize {
    (c * p.slices + s) * 2 + polarity
}

/// Conductance planes rounded up to a count the MVM kernel is compiled for (extra planes are 0).
fn padded_plane_count(needed: u32) -> usize {
    [2, 4, 8, 16, 24].into_iter().find(|&n| n >= needed as usize).expect("conductances fit 24 bits")
}

/// Bit b of x's Ib-bit two's complement (or unsigned) code.
#[inline(always)]
fn input_bit(x: i32, b: u32) -> u64 {
    ((x as u32 >> b) & 1) as u64
}

impl TileModel {
    /// Programs the tile. `weights` and `columns` must match `p` (the CSV readers check ranges).
    pub fn new(p: &TileParams, weights: &Weights, columns: &[ColumnParams]) -> Self {
        assert_eq!((weights.rows, weights.cols), (p.rows, p.cols), "weights do not match the tile");
        assert_eq!(columns.len(), p.cols, "one ColumnParams per column");
        let (rows, phys) = (p.rows, p.phys_cols);
        let prog_error = Uniform::new(p.program_error);
        let effects = CellEffects::new(p);
        let mut conductance = vec![0u32; rows * phys];
        for r in 0..rows {
            for c in 0..p.cols {
                let w = weights.get(r, c);
                for s in 0..p.slices {
                    for polarity in 0..2 {
                        let pc = phys_col(p, c, s, polarity);
                        let level = cell_level(p, w, s, polarity) as i64;
                        let h = hash(PROG, p.seed, r as u32, pc as u32, 0, 0);
                        let g = (level << p.fine_bits) + prog_error.sample(h);
                        conductance[r * phys + pc] = effects.effective(r, pc, g.max(0) as u32);
                    }
                }
            }
        }
        let max_g = conductance.iter().copied().max().unwrap_or(0);
        let plane_count = padded_plane_count(32 - max_g.leading_zeros());
        let words = p.rows_per_read.div_ceil(64);
        let mut planes = vec![0u64; p.groups * phys * plane_count * words];
        for g in 0..p.groups {
            for (i, r) in p.group_rows(g).enumerate() {
                for pc in 0..phys {
                    let cond = conductance[r * phys + pc];
                    for j in 0..plane_count {
                        let index = ((g * phys + pc) * plane_count + j) * words + i / 64;
                        planes[index] |= (((cond >> j) & 1) as u64) << (i % 64);
                    }
                }
            }
        }
        let step_shift = p.adc_step.is_power_of_two().then(|| p.adc_step.trailing_zeros());
        let ir_table = if p.ir_drop > 0 && p.current_max() <= IR_TABLE_MAX {
            (0..=p.current_max() as i64).map(|i| ir_dropped(i, p.ir_drop) as u32).collect()
        } else {
            Vec::new()
        };
        TileModel {
            p: p.clone(),
            weights: weights.clone(),
            columns: columns.to_vec(),
            conductance,
            planes,
            plane_count,
            words,
            read_noise: Uniform::new(p.read_noise),
            step_shift,
            adc_max: p.adc_max_code() as i64,
            ir_table,
        }
    }

    /// Replaces the column parameters, as a host does through the programming interface.
    pub fn program_columns(&mut self, columns: &[ColumnParams]) {
        assert_eq!(columns.len(), self.p.cols, "one ColumnParams per column");
        self.columns = columns.to_vec();
    }

    pub fn params(&self) -> &TileParams {
        &self.p
    }

    /// `geff(r, pc)` in fine units: programming error, stuck cells and drift included.
    pub fn conductance(&self, r: usize, pc: usize) -> u32 {
        self.conductance[r * self.p.phys_cols + pc]
    }

    /// The ADC rule: round to the nearest step, clip to `0..=2^Ab-1`.
    #[inline(always)]
    fn quantize(&self, v: i64) -> i64 {
        let half = (self.p.adc_step / 2) as i64;
        // Negative values read as code 0; (v + half) >= 0 for them is harmless after the max.
        let v = v.max(0);
        let q = match self.step_shift {
            Some(shift) => (v + half) >> shift,
            None => (v + half) / self.p.adc_step as i64,
        };
        q.min(self.adc_max)
    }

    /// Bit weight `wb(b)`: `2^b`, negative for the MSB of signed inputs.
    fn bit_weight(&self, b: u32) -> i64 {
        if self.p.inputs_signed && b == self.p.input_bits - 1 {
            -(1i64 << b)
        } else {
            1i64 << b
        }
    }

    /// One conversion, computed plainly from the spec: `code(b, g, pc)` for batch index k.
    pub fn convert(&self, k: u32, x: &[i32], b: u32, g: usize, pc: usize) -> u32 {
        let current: i64 = self
            .p
            .group_rows(g)
            .map(|r| input_bit(x[r], b) as i64 * self.conductance(r, pc) as i64)
            .sum();
        let noise = self.read_noise.sample(hash(READ, self.p.seed, k, b, g as u32, pc as u32));
        self.quantize(ir_dropped(current, self.p.ir_drop) + noise) as u32
    }

    /// `acc[c]` from per-physical-column sums `sum_b,g code * wb(b)` (spec section 4).
    fn combine(&self, partial: &[i64]) -> Vec<i64> {
        (0..self.p.cols)
            .map(|c| {
                (0..self.p.slices)
                    .map(|s| {
                        let diff = partial[phys_col(&self.p, c, s, 0)] - partial[phys_col(&self.p, c, s, 1)];
                        diff << (s as u32 * self.p.cell_bits)
                    })
                    .sum()
            })
            .collect()
    }

    /// The periphery of column `c` applied to `acc`.
    pub fn periphery(&self, c: usize, acc: i64) -> i64 {
        requantize(&self.p, self.columns[c], acc)
    }

    /// The exact product `W^T x`.
    pub fn ideal(&self, x: &[i32]) -> Vec<i64> {
        let mut y = vec![0i64; self.p.cols];
        for (r, &xr) in x.iter().enumerate() {
            let row = &self.weights.w[r * self.p.cols..(r + 1) * self.p.cols];
            for (yc, &w) in y.iter_mut().zip(row) {
                *yc += w as i64 * xr as i64;
            }
        }
        y
    }

    /// One matrix-vector multiply of input `x` (length R) at batch index `k`.
    pub fn mvm(&self, k: u32, x: &[i32]) -> MvmResult {
        let p = &self.p;
        assert_eq!(x.len(), p.rows, "input vector length must be array.rows");
        let (phys, words, planes) = (p.phys_cols, self.words, self.plane_count);
        let bits = p.input_bits as usize;
        // Loop order g, pc, b: a cell's conductance planes are loaded once and serve every input
        // bit; the noise hash chain up to (k, b, g) is precomputed per (b, g).
        let h_k = mix(mix(p.seed ^ READ) ^ k);
        let mut xplanes = vec![0u64; bits * words];
        let mut hashes = vec![0u32; bits];
        let bit_weights: Vec<i64> = (0..p.input_bits).map(|b| self.bit_weight(b)).collect();
        let mut partial = vec![0i64; phys];
        for g in 0..p.groups {
            xplanes.iter_mut().for_each(|w| *w = 0);
            for (i, r) in p.group_rows(g).enumerate() {
                for b in 0..bits {
                    xplanes[b * words + i / 64] |= input_bit(x[r], b as u32) << (i % 64);
                }
            }
            for (b, h) in hashes.iter_mut().enumerate() {
                *h = mix(mix(h_k ^ b as u32) ^ g as u32);
            }
            let group_planes = &self.planes[g * phys * planes * words..(g + 1) * phys * planes * words];
            let kernel = match (p.ir_drop, self.ir_table.is_empty()) {
                (0, _) => Self::kernel::<NO_IR>(words, planes),
                (_, false) => Self::kernel::<IR_TABLE>(words, planes),
                (_, true) => Self::kernel::<IR_ARITHMETIC>(words, planes),
            };
            kernel(self, group_planes, &xplanes, &hashes, &bit_weights, &mut partial);
        }
        let acc = self.combine(&partial);
        let out = acc.iter().enumerate().map(|(c, &a)| self.periphery(c, a)).collect();
        MvmResult { out, acc, ideal: self.ideal(x) }
    }

    /// The read kernel for `words` words per group, `planes` planes and IR-drop mode `IR`.
    fn kernel<const IR: u8>(words: usize, planes: usize) -> ReadGroup {
        match (words, planes) {
            (1, 2) => Self::read_group_one_word::<2, IR>,
            (1, 4) => Self::read_group_one_word::<4, IR>,
            (1, 8) => Self::read_group_one_word::<8, IR>,
            (1, 16) => Self::read_group_one_word::<16, IR>,
            (1, 24) => Self::read_group_one_word::<24, IR>,
            _ => Self::read_group::<IR>,
        }
    }

    /// The analog read of a column current: IR drop (by mode `IR`), read noise, ADC.
    #[inline(always)]
    fn read<const IR: u8>(&self, current: i64, hash: u32) -> i64 {
        let v = match IR {
            IR_TABLE => self.ir_table[current as usize] as i64,
            IR_ARITHMETIC => ir_dropped(current, self.p.ir_drop),
            _ => current,
        };
        self.quantize(v + self.read_noise.sample(hash))
    }

    /// All conversions of one row group: `partial[pc] += code(b, g, pc) * wb(b)` for every b, pc.
    fn read_group<const IR: u8>(&self, planes: &[u64], xplanes: &[u64], hashes: &[u32], bit_weights: &[i64], partial: &mut [i64]) {
        let words = self.words;
        for (pc, (part, cell_planes)) in partial.iter_mut().zip(planes.chunks_exact(self.plane_count * words)).enumerate() {
            for (b, xb) in xplanes.chunks_exact(words).enumerate() {
                let mut v = 0i64;
                for (j, plane) in cell_planes.chunks_exact(words).enumerate() {
                    let ones: u32 = plane.iter().zip(xb).map(|(g, x)| (g & x).count_ones()).sum();
                    v += (ones as i64) << j;
                }
                *part += self.read::<IR>(v, mix(hashes[b] ^ pc as u32)) * bit_weights[b];
            }
        }
    }

    /// [`Self::read_group`] for groups of at most 64 rows and `J` planes known at compile time:
    /// the cell's planes stay in registers across every input bit.
    fn read_group_one_word<const J: usize, const IR: u8>(
        &self,
        planes: &[u64],
        xplanes: &[u64],
        hashes: &[u32],
        bit_weights: &[i64],
        partial: &mut [i64],
    ) {
        for (pc, (part, cell_planes)) in partial.iter_mut().zip(planes.chunks_exact(J)).enumerate() {
            let cell: &[u64; J] = cell_planes.try_into().expect("J planes per cell");
            for (b, &xb) in xplanes.iter().enumerate() {
                let mut v = 0i64;
                for (j, plane) in cell.iter().enumerate() {
                    v += ((plane & xb).count_ones() as i64) << j;
                }
                *part += self.read::<IR>(v, mix(hashes[b] ^ pc as u32)) * bit_weights[b];
            }
        }
    }

    /// The same MVM with every conversion done by [`Self::convert`], in the order `order` gives
    /// (a permutation of `(b, g, pc)` triples): the reference the fast path is tested against.
    pub fn mvm_in_order(&self, k: u32, x: &[i32], order: &[(u32, usize, usize)]) -> MvmResult {
        let mut partial = vec![0i64; self.p.phys_cols];
        for &(b, g, pc) in order {
            partial[pc] += self.convert(k, x, b, g, pc) as i64 * self.bit_weight(b);
        }
        let acc = self.combine(&partial);
        let out = acc.iter().enumerate().map(|(c, &a)| self.periphery(c, a)).collect();
        MvmResult { out, acc, ideal: self.ideal(x) }
    }
}

#[cfg(test)]
mod tests;

//! The golden model: `tile-arithmetic.md` computed directly, written from the spec and never
//! from the RTL.
//!
//! Speed comes from lanes (`kernel`). The effective conductances are stored per (row group,
//! block of 128 physical columns) in the narrowest unsigned type that the configuration's bounds
//! allow (`u8` cells summed into `u16` currents, or `u16`, `u32`, `u64` by the largest current
//! `Imax`). With binary input bits, the currents of one read are a masked sum: the rows whose
//! input bit is set, added lane by lane. The read-noise hash `H(READ, seed, k, b, g, pc)` chains
//! through k, b and g before pc, so each conversion costs only its last `mix`, computed over the
//! lanes with the ADC and the shift-add in `i32` (or `i64` where the bounds need it). LLVM
//! vectorizes those loops; an AVX2 build of the kernel (intrinsics for the conversions) runs where
//! the CPU has AVX2. [`TileModel::convert`] is the same arithmetic written plainly, one conversion
//! at a time, and the tests also hold every build of the kernel equal to an independent
//! transcription of the spec.
//!
//! The device effects of spec v2 ([`device`]) cost nothing per read except the IR drop: stuck
//! cells and drift are applied once, when the tile is programmed, so the lanes hold `geff`.
//! The IR drop is a table over every current a read can reach when that is small (computed in
//! 64-bit lanes by the AVX2 conversions), else the exact arithmetic.

pub mod device;
mod kernel;
pub mod prng;

use crate::config::{Activation, TileParams};
use crate::data::{ColumnParams, Weights};
use device::{ir_dropped, CellEffects};
use kernel::{DivU32, IrDrop, Job, Lanes, StepDiv, BLOCK};
use num_traits::AsPrimitive;
use prng::{hash, mix, Uniform, PROG, READ};
use rayon::prelude::*;

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
    out.iter()
        .zip(ideal)
        .map(|(o, i)| o.abs_diff(*i))
        .max()
        .unwrap_or(0)
}

/// A programmed tile: effective conductances and column parameters.
pub struct TileModel {
    p: TileParams,
    /// The weights as 16-bit integers (`Wb <= 16`) in row pairs, for `W^T x` (see
    /// [`kernel::ideal`]).
    weight_pairs: Vec<i16>,
    columns: Vec<ColumnParams>,
    /// `geff(r, pc)` in fine units, in the kernel's layout (see [`cell_index`]).
    cells: Cells,
    /// Blocks of [`BLOCK`] physical columns, `ceil(P / BLOCK)`.
    blocks: usize,
    /// The kernel's values, codes and partial sums fit `i32` (else `i64`).
    narrow_values: bool,
    /// `W^T x` fits `i32` accumulators (else `i64`).
    narrow_ideal: bool,
    /// Every input fits `i16` (for the AVX2 `W^T x` by `vpmaddwd`).
    inputs16: bool,
    read_noise: Uniform,
    /// `2*Nr + 1` as a divisor.
    noise_div: DivU32,
    /// `log2(step)` when the ADC step is a power of two (the common case, a shift).
    step_shift: Option<u32>,
    step: StepDiv,
    adc_max: i64,
    /// `I - floor(I*I*Q/2^40)` for `I` in `0..=Imax`, when Q > 0 and Imax is at most
    /// [`IR_TABLE_MAX`]; empty otherwise.
    ir_table: Vec<u32>,
    /// Run the portable build of the kernel even where the CPU has AVX2 (tests).
    portable_only: bool,
}

/// The effective conductances in the narrowest unsigned type that holds a read's largest
/// current `Imax` (their sums over a row group are computed in the same type).
enum Cells {
    /// Conductances of at most 255 summed in `u8` a few rows at a time, then in `u16`.
    U8(Vec<Lanes<u8>>),
    U16(Vec<Lanes<u16>>),
    U32(Vec<Lanes<u32>>),
    U64(Vec<Lanes<u64>>),
}

/// Types and build of the kernel, for tests that run every variant on every configuration: the
/// model takes the wider of these and what the configuration needs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KernelChoice {
    /// Bits of the cells at least: 16, 32 or 64 (0: the narrowest that fits).
    pub current_bits: u32,
    /// `i64` values even where `i32` would hold them.
    pub wide_values: bool,
    /// The portable build even where the CPU has AVX2.
    pub portable_only: bool,
}

/// Where cell (r, pc) is in the kernel's layout `[g][block][i]` of rows of [`BLOCK`] lanes:
/// group `g = r div Rg`, row `i = r mod Rg` in it (every group padded to Rg rows), block
/// `pc div BLOCK`; then its lane, `pc mod BLOCK`.
fn cell_index(p: &TileParams, blocks: usize, r: usize, pc: usize) -> (usize, usize) {
    let (g, i) = (r / p.rows_per_read, r % p.rows_per_read);
    ((g * blocks + pc / BLOCK) * p.rows_per_read + i, pc % BLOCK)
}

/// Largest Imax tabulated: 256 KiB of table, and currents of 16 bits (the AVX2 conversions
/// compute a tabulated drop in 64-bit lanes, which needs `I*I < 2^32`).
const IR_TABLE_MAX: u64 = (1 << 16) - 1;

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
    let mut y = if col.shift == 0 {
        t
    } else {
        (t + (1i128 << (col.shift - 1))) >> col.shift
    };
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

/// Bit b of x's Ib-bit two's complement (or unsigned) code.
#[inline(always)]
fn input_bit(x: i32, b: u32) -> u32 {
    (x as u32 >> b) & 1
}

/// `geff` of every cell in the kernel's layout, as `T` (which holds every conductance: it holds
/// their sum over a group).
fn layout<T: Copy + 'static>(p: &TileParams, blocks: usize, geff: &[u32]) -> Vec<Lanes<T>>
where
    u32: AsPrimitive<T>,
{
    let mut cells = vec![Lanes([0u32.as_(); BLOCK]); p.groups * blocks * p.rows_per_read];
    for r in 0..p.rows {
        for pc in 0..p.phys_cols {
            let (row, lane) = cell_index(p, blocks, r, pc);
            cells[row].0[lane] = geff[r * p.phys_cols + pc].as_();
        }
    }
    cells
}

/// The weights in the row pairs of [`kernel::ideal`]: (row 2i, column c) then (row 2i + 1,
/// column c), a zero for the missing row of an odd R.
fn weight_pairs(weights: &Weights) -> Vec<i16> {
    let (rows, cols) = (weights.rows, weights.cols);
    let mut pairs = vec![0i16; rows.div_ceil(2) * 2 * cols];
    for r in 0..rows {
        for c in 0..cols {
            pairs[2 * ((r / 2) * cols + c) + r % 2] =
                i16::try_from(weights.get(r, c)).expect("weights fit 16 bits");
        }
    }
    pairs
}

/// Data a tile cannot hold: refused, never masked into range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The weight matrix is not R x C.
    #[error("the weights are {rows} x {cols}, the tile is {tile_rows} x {tile_cols}")]
    WeightShape {
        /// Rows and columns given.
        rows: usize,
        /// Columns given.
        cols: usize,
        /// R of the tile.
        tile_rows: usize,
        /// C of the tile.
        tile_cols: usize,
    },
    /// A weight outside `-(2^(Wb-1)-1)..=2^(Wb-1)-1`.
    #[error("weight {value} at row {row}, column {col} is outside -{max}..={max} (weights.bits)")]
    Weight {
        /// Wordline of the weight.
        row: usize,
        /// Logical column of the weight.
        col: usize,
        /// The weight.
        value: i32,
        /// The largest magnitude the tile holds.
        max: i64,
    },
    /// Not one set of column parameters per logical column.
    #[error("{got} column parameter sets for {cols} columns")]
    Columns {
        /// Sets given.
        got: usize,
        /// C of the tile.
        cols: usize,
    },
    /// A shift outside `0..=31`.
    #[error("column {col}: shift {shift} is outside 0..=31")]
    Shift {
        /// Logical column.
        col: usize,
        /// The shift given.
        shift: u8,
    },
}

impl TileModel {
    /// Programs the tile: every weight must be in the tile's range and every shift in 0..=31.
    pub fn new(
        p: &TileParams,
        weights: &Weights,
        columns: &[ColumnParams],
    ) -> Result<Self, ModelError> {
        Self::with_kernel(p, weights, columns, KernelChoice::default())
    }

    /// [`Self::new`] with the kernel's types at least as wide as `choice` says.
    pub(crate) fn with_kernel(
        p: &TileParams,
        weights: &Weights,
        columns: &[ColumnParams],
        choice: KernelChoice,
    ) -> Result<Self, ModelError> {
        if (weights.rows, weights.cols, weights.w.len()) != (p.rows, p.cols, p.rows * p.cols) {
            return Err(ModelError::WeightShape {
                rows: weights.rows,
                cols: weights.cols,
                tile_rows: p.rows,
                tile_cols: p.cols,
            });
        }
        let max = p.weight_max();
        if let Some(i) = weights.w.iter().position(|&w| (w as i64).abs() > max) {
            return Err(ModelError::Weight {
                row: i / p.cols,
                col: i % p.cols,
                value: weights.w[i],
                max,
            });
        }
        if columns.len() != p.cols {
            return Err(ModelError::Columns {
                got: columns.len(),
                cols: p.cols,
            });
        }
        if let Some((col, c)) = columns.iter().enumerate().find(|(_, c)| c.shift > 31) {
            return Err(ModelError::Shift {
                col,
                shift: c.shift,
            });
        }
        let (rows, phys) = (p.rows, p.phys_cols);
        let prog_error = Uniform::new(p.program_error);
        let effects = CellEffects::new(p);
        let mut geff = vec![0u32; rows * phys];
        for r in 0..rows {
            for c in 0..p.cols {
                let w = weights.get(r, c);
                for s in 0..p.slices {
                    for polarity in 0..2 {
                        let pc = phys_col(p, c, s, polarity);
                        let level = cell_level(p, w, s, polarity) as i64;
                        let h = hash(PROG, p.seed, r as u32, pc as u32, 0, 0);
                        let g = (level << p.fine_bits) + prog_error.sample(h);
                        geff[r * phys + pc] = effects.effective(r, pc, g.max(0) as u32);
                    }
                }
            }
        }
        // Every geff is at most (2^Bc-1)*2^E + Np, so a group's current at most Imax.
        let imax = p.current_max();
        let blocks = phys.div_ceil(BLOCK);
        let cells = if p.conductance_max() <= u8::MAX as u64
            && imax <= u16::MAX as u64
            && choice.current_bits <= 8
        {
            Cells::U8(layout(p, blocks, &geff))
        } else if imax <= u16::MAX as u64 && choice.current_bits <= 16 {
            Cells::U16(layout(p, blocks, &geff))
        } else if imax <= u32::MAX as u64 && choice.current_bits <= 32 {
            Cells::U32(layout(p, blocks, &geff))
        } else {
            Cells::U64(layout(p, blocks, &geff))
        };
        // i32 values: a read's V + floor(step/2) (V <= Imax + Nr; the kernel adds the noise as
        // u - Nr with 0 <= u <= 2*Nr) and every partial sum.
        let narrow_values = !choice.wide_values
            && imax + 2 * p.read_noise as u64 + (p.adc_step / 2) as u64 <= i32::MAX as u64
            && p.widths().partial_max <= i32::MAX as u128;
        let (lo, hi) = p.input_range();
        let narrow_ideal = p.rows as u128
            * p.weight_max() as u128
            * lo.unsigned_abs().max(hi.unsigned_abs()) as u128
            <= i32::MAX as u128;
        let step_shift = p
            .adc_step
            .is_power_of_two()
            .then(|| p.adc_step.trailing_zeros());
        let ir_table = if p.ir_drop > 0 && imax <= IR_TABLE_MAX {
            (0..=imax as i64)
                .map(|i| ir_dropped(i, p.ir_drop) as u32)
                .collect()
        } else {
            Vec::new()
        };
        Ok(TileModel {
            p: p.clone(),
            weight_pairs: weight_pairs(weights),
            columns: columns.to_vec(),
            cells,
            blocks,
            narrow_values,
            narrow_ideal,
            inputs16: i16::MIN as i64 <= lo && hi <= i16::MAX as i64,
            read_noise: Uniform::new(p.read_noise),
            noise_div: DivU32::new(2 * p.read_noise + 1),
            step_shift,
            step: StepDiv::new(p.adc_step),
            adc_max: p.adc_max_code() as i64,
            ir_table,
            portable_only: choice.portable_only,
        })
    }

    /// Replaces the column parameters, as a host does through the programming interface.
    pub fn program_columns(&mut self, columns: &[ColumnParams]) {
        assert_eq!(columns.len(), self.p.cols, "one ColumnParams per column");
        self.columns = columns.to_vec();
    }

    /// The tile this model was programmed for.
    pub fn params(&self) -> &TileParams {
        &self.p
    }

    /// `geff(r, pc)` in fine units: programming error, stuck cells and drift included.
    pub fn conductance(&self, r: usize, pc: usize) -> u32 {
        assert!(
            r < self.p.rows && pc < self.p.phys_cols,
            "cell ({r}, {pc}) is outside the tile"
        );
        let (row, lane) = cell_index(&self.p, self.blocks, r, pc);
        match &self.cells {
            Cells::U8(cells) => cells[row].0[lane] as u32,
            Cells::U16(cells) => cells[row].0[lane] as u32,
            Cells::U32(cells) => cells[row].0[lane],
            Cells::U64(cells) => cells[row].0[lane] as u32,
        }
    }

    /// The ADC rule: round to the nearest step, clip to `0..=2^Ab-1`.
    fn quantize(&self, v: i64) -> i64 {
        if v < 0 {
            return 0;
        }
        ((v + (self.p.adc_step / 2) as i64) / self.p.adc_step as i64).min(self.adc_max)
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
        let noise = self
            .read_noise
            .sample(hash(READ, self.p.seed, k, b, g as u32, pc as u32));
        self.quantize(ir_dropped(current, self.p.ir_drop) + noise) as u32
    }

    /// `acc[c]` from per-physical-column sums `sum_b,g code * wb(b)` (spec section 4).
    fn combine(&self, partial: &[i64]) -> Vec<i64> {
        // Column c's physical columns are (c*S + s)*2 + p: 2*S in a row, slice by slice.
        partial[..self.p.phys_cols]
            .chunks_exact(2 * self.p.slices)
            .map(|column| {
                column
                    .chunks_exact(2)
                    .enumerate()
                    .map(|(s, pair)| (pair[0] - pair[1]) << (s as u32 * self.p.cell_bits))
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
        let (w, cols) = (&self.weight_pairs[..], self.p.cols);
        #[cfg(target_arch = "x86_64")]
        if !self.portable_only && kernel::has_avx2() {
            // SAFETY: the CPU has AVX2.
            return unsafe {
                if self.narrow_ideal && self.inputs16 {
                    kernel::ideal_madd_avx2(w, cols, x)
                } else if self.narrow_ideal {
                    kernel::ideal_avx2::<i32>(w, cols, x)
                } else {
                    kernel::ideal_avx2::<i64>(w, cols, x)
                }
            };
        }
        if self.narrow_ideal {
            kernel::ideal::<i32>(w, cols, x)
        } else {
            kernel::ideal::<i64>(w, cols, x)
        }
    }

    /// One matrix-vector multiply of input `x` (length R) at batch index `k`.
    pub fn mvm(&self, k: u32, x: &[i32]) -> MvmResult {
        let acc = self.accumulate(k, x);
        MvmResult {
            out: self.outputs(&acc),
            acc,
            ideal: self.ideal(x),
        }
    }

    /// The periphery of every column applied to its `acc[c]`.
    fn outputs(&self, acc: &[i64]) -> Vec<i64> {
        acc.iter()
            .enumerate()
            .map(|(c, &a)| self.periphery(c, a))
            .collect()
    }

    /// `acc[c]` of the MVM of `x` at batch index `k`: every conversion, shift-added.
    fn accumulate(&self, k: u32, x: &[i32]) -> Vec<i64> {
        let p = &self.p;
        assert_eq!(x.len(), p.rows, "input vector length must be array.rows");
        let (lo, hi) = p.input_range();
        assert!(
            x.iter().all(|&v| (lo..=hi).contains(&(v as i64))),
            "inputs must be in {lo}..={hi} (inputs.bits): they are never masked into range"
        );
        let ib = p.input_bits as usize;
        // The rows (in the group) of each (g, b) whose input bit is set, as the kernel's offsets
        // of their lanes (branch-free: every row is written, the count advances by its bit).
        assert!(
            p.rows_per_read * BLOCK <= u32::MAX as usize,
            "lane offsets fit u32"
        );
        let mut set_rows = vec![0u32; p.rows * ib + 1];
        let mut starts = Vec::with_capacity(p.groups * ib + 1);
        let mut n = 0;
        for g in 0..p.groups {
            let group = &x[p.group_rows(g)];
            for b in 0..ib {
                starts.push(n);
                for (i, &xr) in group.iter().enumerate() {
                    set_rows[n] = (i * BLOCK) as u32;
                    n += input_bit(xr, b as u32) as usize;
                }
            }
        }
        starts.push(n);
        // The noise hash chain up to (k, b, g); each conversion adds only its last mix.
        let h_k = mix(mix(p.seed ^ READ) ^ k);
        let hashes: Vec<u32> = (0..p.groups)
            .flat_map(|g| (0..ib).map(move |b| mix(mix(h_k ^ b as u32) ^ g as u32)))
            .collect();
        let rows = (&set_rows[..], &starts[..], &hashes[..]);
        let partial = match (&self.cells, self.narrow_values) {
            (Cells::U8(cells), true) => self.partial_sums::<u8, u16, i32>(cells, rows),
            (Cells::U8(cells), false) => self.partial_sums::<u8, u16, i64>(cells, rows),
            (Cells::U16(cells), true) => self.partial_sums::<u16, u16, i32>(cells, rows),
            (Cells::U16(cells), false) => self.partial_sums::<u16, u16, i64>(cells, rows),
            (Cells::U32(cells), true) => self.partial_sums::<u32, u32, i32>(cells, rows),
            (Cells::U32(cells), false) => self.partial_sums::<u32, u32, i64>(cells, rows),
            (Cells::U64(cells), _) => self.partial_sums::<u64, u64, i64>(cells, rows),
        };
        self.combine(&partial)
    }

    /// `sum over b, g of code(b, g, pc) * wb(b)` for every physical column, by the kernel with
    /// cells `S`, current lanes `T` and value lanes `V`.
    fn partial_sums<S, T, V>(
        &self,
        cells: &[Lanes<S>],
        (set_rows, starts, hashes): (&[u32], &[usize], &[u32]),
    ) -> Vec<i64>
    where
        S: kernel::Current + AsPrimitive<T>,
        T: kernel::Current + AsPrimitive<V>,
        V: kernel::Value,
        u32: AsPrimitive<V>,
        u64: AsPrimitive<T>,
        i64: AsPrimitive<V>,
    {
        let p = &self.p;
        let largest = p.conductance_max().max(1);
        let job = Job {
            cells,
            stretch: (S::max_value().to_u64().expect("unsigned") / largest)
                .clamp(1, usize::MAX as u64) as usize,
            rows_per_read: p.rows_per_read,
            blocks: self.blocks,
            phys_cols: p.phys_cols,
            groups: p.groups,
            input_bits: p.input_bits as usize,
            inputs_signed: p.inputs_signed,
            set_rows,
            starts,
            hashes,
            noise_amp: p.read_noise,
            noise_div: self.noise_div,
            ir: match (p.ir_drop, self.ir_table.is_empty()) {
                (0, _) => IrDrop::None,
                (q, false) => IrDrop::Table(&self.ir_table, q),
                (q, true) => IrDrop::Arithmetic(q),
            },
            step_shift: self.step_shift,
            step: self.step,
            adc_max: self.adc_max,
            // The largest value of a read, Imax + Nr, rounded to a step (an IR drop only lowers it).
            clips: (p.current_max() + p.read_noise as u64 + (p.adc_step / 2) as u64)
                / p.adc_step as u64
                > self.adc_max as u64,
        };
        let mut partial = vec![Lanes([V::zero(); BLOCK]); self.blocks];
        #[cfg(target_arch = "x86_64")]
        let done = !self.portable_only && kernel::has_avx2() && {
            // SAFETY: the CPU has AVX2.
            unsafe { kernel::run_avx2::<S, T, V>(&job, &mut partial) };
            true
        };
        #[cfg(not(target_arch = "x86_64"))]
        let done = false;
        if !done {
            kernel::run::<S, T, V, false>(&job, &mut partial);
        }
        let mut sums = Vec::with_capacity(self.blocks * BLOCK);
        for lanes in &partial {
            sums.extend(lanes.0.iter().map(|v| v.as_()));
        }
        sums
    }

    /// MVMs of `inputs` at batch indices `first_k`, `first_k + 1`, ... (modulo 2^32). The read
    /// noise depends only on (k, b, g, pc), so the MVMs are independent and run on every core.
    pub fn mvm_batch(&self, first_k: u32, inputs: &[Vec<i32>]) -> Vec<MvmResult> {
        inputs
            .par_iter()
            .enumerate()
            .map(|(i, x)| self.mvm(first_k.wrapping_add(i as u32), x))
            .collect()
    }

    /// The outputs of [`Self::mvm_batch`] alone, for a caller that needs nothing else: no `acc`
    /// kept and no `W^T x` computed.
    pub fn outputs_batch(&self, first_k: u32, inputs: &[Vec<i32>]) -> Vec<Vec<i64>> {
        inputs
            .par_iter()
            .enumerate()
            .map(|(i, x)| self.outputs(&self.accumulate(first_k.wrapping_add(i as u32), x)))
            .collect()
    }

    /// The same MVM with every conversion done by [`Self::convert`], in the order `order` gives
    /// (a permutation of `(b, g, pc)` triples): the reference the fast path is tested against.
    pub fn mvm_in_order(&self, k: u32, x: &[i32], order: &[(u32, usize, usize)]) -> MvmResult {
        let mut partial = vec![0i64; self.p.phys_cols];
        for &(b, g, pc) in order {
            partial[pc] += self.convert(k, x, b, g, pc) as i64 * self.bit_weight(b);
        }
        let acc = self.combine(&partial);
        MvmResult {
            out: self.outputs(&acc),
            acc,
            ideal: self.ideal(x),
        }
    }
}

#[cfg(test)]
mod tests;

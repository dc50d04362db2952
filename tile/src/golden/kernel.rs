//! The MVM's fast path: the conversions of spec section 4, many physical columns at a time.
//!
//! The effective conductances are stored per (row group, block of [`BLOCK`] physical columns) as
//! `Rg` rows of `BLOCK` lanes, in the narrowest unsigned type that the configuration's bounds
//! allow: `u8` when every conductance is at most 255 and the largest column current `Imax` fits
//! `u16`, else `u16`, `u32` or `u64` by `Imax`. With binary input bits, the column currents of one
//! read are a masked sum: the lanes of the rows whose bit b is set, added lane by lane (no
//! multiplication; `u8` cells sum in `u8` for as many rows as cannot wrap, then widen to `u16`).
//! The read-noise hash, the ADC and the shift-add of the codes run over the same lanes in the
//! value type `V` (`i32` when the bounds allow it, else `i64`). The loops are over fixed-size
//! arrays of lanes, so LLVM vectorizes them, generic over the types (num-traits). [`run_avx2`]
//! is the kernel compiled for AVX2, which the caller runs when the CPU has it (the workspace
//! targets x86-64-v2, so that is a runtime choice); with `i32` values its conversions are written
//! in AVX2 intrinsics ([`convert_avx2`]), eight columns per vector.
//!
//! No value wraps: the types are chosen from the configuration's bounds (`Imax`,
//! [`crate::config::Widths`]), so every wrapping add below is an exact add.

use super::prng::mix;
use num_traits::{AsPrimitive, PrimInt, Signed, WrappingAdd, WrappingSub, Zero};

/// Physical columns per block: the lanes that one pass of the kernel carries.
pub(crate) const BLOCK: usize = 128;

/// Exact `n / d` for every `u32` n by one multiply-add and a shift (A. D. Robison, "N-bit
/// unsigned division via N-bit multiply-add", ARITH 2005): with `s = floor(log2 d)`,
/// `q = (n * m + a) >> (32 + s)`, where `m = ceil(2^(32+s) / d)` and `a = 0` when that rounds up
/// by at most `2^s` (Granlund and Montgomery's condition), else `m = a = floor(2^(32+s) / d)`,
/// and `m = a = 2^32 - 1` for a power of two. `m` fits 32 bits and `n * m + a` 64 bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DivU32 {
    pub(crate) d: u32,
    pub(crate) m: u32,
    pub(crate) a: u32,
    pub(crate) s: u32,
}

impl DivU32 {
    pub(crate) fn new(d: u32) -> Self {
        assert!(d >= 1, "division by zero");
        let s = d.ilog2();
        let (m, a) = if d.is_power_of_two() {
            (u32::MAX, u32::MAX)
        } else {
            let p = 1u64 << (32 + s);
            let up = p.div_ceil(d as u64);
            if up * d as u64 - p <= 1 << s {
                (up as u32, 0)
            } else {
                let down = (p / d as u64) as u32;
                (down, down)
            }
        };
        DivU32 { d, m, a, s }
    }

    #[inline(always)]
    pub(crate) fn div(&self, n: u32) -> u32 {
        ((n as u64 * self.m as u64 + self.a as u64) >> (32 + self.s)) as u32
    }

    #[inline(always)]
    pub(crate) fn rem(&self, n: u32) -> u32 {
        n.wrapping_sub(self.div(n).wrapping_mul(self.d))
    }
}

/// Column-current lanes: the cells' storage type and the type of their sums over a row group.
pub(crate) trait Current:
    PrimInt + WrappingAdd + Send + Sync + 'static + AsPrimitive<i32>
{
}
impl Current for u8 {}
impl Current for u16 {}
impl Current for u32 {}
impl Current for u64 {}

/// Value lanes: column values, codes and partial sums.
pub(crate) trait Value:
    PrimInt + Signed + WrappingAdd + WrappingSub + Send + Sync + 'static + AsPrimitive<i64>
{
    /// `floor(n / step)` for `0 <= n` (the step's divider: `step` itself and its `DivU32`).
    fn div_step(self, step: &StepDiv) -> Self;

    /// `Self` is `i32`.
    const I32: bool;

    /// The lanes as `i32` lanes, for the AVX2 conversions (None for a wider type).
    fn as_i32(lanes: &mut Lanes<Self>) -> Option<&mut Lanes<i32>>;
}

impl Value for i32 {
    const I32: bool = true;

    #[inline(always)]
    fn div_step(self, step: &StepDiv) -> Self {
        step.div32.div(self as u32) as i32
    }

    fn as_i32(lanes: &mut Lanes<Self>) -> Option<&mut Lanes<i32>> {
        Some(lanes)
    }
}

impl Value for i64 {
    const I32: bool = false;

    #[inline(always)]
    fn div_step(self, step: &StepDiv) -> Self {
        self / step.step
    }

    fn as_i32(_: &mut Lanes<Self>) -> Option<&mut Lanes<i32>> {
        None
    }
}

/// The ADC step as a divisor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepDiv {
    step: i64,
    div32: DivU32,
}

impl StepDiv {
    pub(crate) fn new(step: u32) -> Self {
        StepDiv {
            step: step as i64,
            div32: DivU32::new(step),
        }
    }
}

/// How a read turns a current into a value before the noise: no IR drop, a table of every
/// reachable current, or the exact arithmetic.
pub(crate) enum IrDrop<'a> {
    None,
    /// The table and Q (Imax <= 2^16).
    Table(&'a [u32], u64),
    Arithmetic(u64),
}

/// Everything one MVM's kernel needs, prepared by the caller.
pub(crate) struct Job<'a, S> {
    /// Cells `[g][block][i]`, `Rg` rows (zero-padded) of [`BLOCK`] lanes per group and block.
    pub cells: &'a [Lanes<S>],
    /// Rows whose cells sum in `S` without wrapping (`S::MAX div` the largest conductance), before
    /// the sum widens to the current type.
    pub stretch: usize,
    pub rows_per_read: usize,
    pub blocks: usize,
    /// P: the lanes past it in the last block are padding, converted only as far as a vector
    /// or a pass over the rows needs.
    pub phys_cols: usize,
    pub groups: usize,
    pub input_bits: usize,
    pub inputs_signed: bool,
    /// The rows `i` (in the group) of group g whose input bit b is set, as the offsets
    /// `i * BLOCK` of their first lane in the group's cells:
    /// `set_rows[starts[g * Ib + b]..starts[g * Ib + b + 1]]`.
    pub set_rows: &'a [u32],
    pub starts: &'a [usize],
    /// `mix(mix(mix(seed ^ READ) ^ k) ^ b) ^ g)`, the read-noise hash chain up to (k, b, g),
    /// indexed `[g * Ib + b]`.
    pub hashes: &'a [u32],
    /// Read noise `Nr` and `2*Nr + 1` as a divisor (unused when `Nr = 0`).
    pub noise_amp: u32,
    pub noise_div: DivU32,
    pub ir: IrDrop<'a>,
    /// `log2(step)` when the step is a power of two.
    pub step_shift: Option<u32>,
    pub step: StepDiv,
    pub adc_max: i64,
    /// Some read can reach a code above `adc_max` (else the AVX2 conversions skip the clip).
    pub clips: bool,
}

/// True when the AVX2 builds of the kernels can run (runtime detection: the workspace targets
/// x86-64-v2, which lacks AVX2).
#[inline]
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// [`run`] compiled for AVX2.
///
/// # Safety
/// The CPU must have AVX2 ([`has_avx2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn run_avx2<S, T, V>(job: &Job<S>, partial: &mut [Lanes<V>])
where
    S: Current + AsPrimitive<T>,
    T: Current + AsPrimitive<V>,
    V: Value,
    u32: AsPrimitive<V>,
    u64: AsPrimitive<T>,
    i64: AsPrimitive<V>,
{
    run::<S, T, V, true>(job, partial)
}

/// [`ideal`] compiled for AVX2.
///
/// # Safety
/// The CPU must have AVX2 ([`has_avx2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn ideal_avx2<A>(pairs: &[i16], cols: usize, x: &[i32]) -> Vec<i64>
where
    A: PrimInt + WrappingAdd + Zero + AsPrimitive<i64> + 'static,
    i32: AsPrimitive<A>,
{
    ideal::<A>(pairs, cols, x)
}

/// [`ideal`] with `i32` sums and inputs that fit `i16`: `vpmaddwd` multiplies a row pair's
/// weights by its two inputs and adds the products, sixteen at a time. Exact: a product is at
/// most `2^15 * (2^15 - 1)` (no weight is `-2^15`), so the pair's sum fits `i32`, and wrapping
/// adds of a total that fits are exact.
///
/// # Safety
/// The CPU must have AVX2 ([`has_avx2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn ideal_madd_avx2(pairs: &[i16], cols: usize, x: &[i32]) -> Vec<i64> {
    use std::arch::x86_64::*;
    // Eight vectors of eight column sums in registers.
    const LANES: usize = 64;
    let inputs: Vec<__m256i> = x
        .chunks(2)
        .map(|xs| {
            _mm256_set1_epi32(
                (xs[0] as u16 as u32 | (xs.get(1).map_or(0, |&x1| x1 as u16 as u32) << 16)) as i32,
            )
        })
        .collect();
    let mut y = vec![0i64; cols];
    let full = cols / LANES * LANES;
    for (c0, out) in (0..full).step_by(LANES).zip(y.chunks_exact_mut(LANES)) {
        let mut acc = [_mm256_setzero_si256(); LANES / 8];
        for (i, &xs) in inputs.iter().enumerate() {
            let row: &[i16; 2 * LANES] = pairs[2 * (i * cols + c0)..][..2 * LANES]
                .try_into()
                .expect("lanes");
            for (j, a) in acc.iter_mut().enumerate() {
                let w = _mm256_loadu_si256(row[16 * j..].as_ptr() as *const __m256i);
                *a = _mm256_add_epi32(*a, _mm256_madd_epi16(w, xs));
            }
        }
        for (o, a) in out.chunks_exact_mut(8).zip(acc) {
            let mut sums = [0i32; 8];
            _mm256_storeu_si256(sums.as_mut_ptr() as *mut __m256i, a);
            for (o, s) in o.iter_mut().zip(sums) {
                *o = s as i64;
            }
        }
    }
    ideal_columns_from(pairs, cols, x, &mut y, full);
    y
}

/// `partial[pc] = sum over b, g of code(b, g, pc) * wb(b)` for every physical column (the
/// padding lanes of the last block included).
#[inline(always)]
pub(crate) fn run<S, T, V, const AVX2: bool>(job: &Job<S>, partial: &mut [Lanes<V>])
where
    S: Current + AsPrimitive<T>,
    T: Current + AsPrimitive<V>,
    V: Value,
    u32: AsPrimitive<V>,
    u64: AsPrimitive<T>,
    i64: AsPrimitive<V>,
{
    match (job.noise_amp > 0, job.step_shift.is_some()) {
        (true, true) => run_with::<S, T, V, true, true, AVX2>(job, partial),
        (true, false) => run_with::<S, T, V, true, false, AVX2>(job, partial),
        (false, true) => run_with::<S, T, V, false, true, AVX2>(job, partial),
        (false, false) => run_with::<S, T, V, false, false, AVX2>(job, partial),
    }
}

/// [`run`] with read noise if `NOISE`, the ADC by a shift if `SHIFT` (a power-of-two step) else
/// by a division; `AVX2` only inside [`run_avx2`].
#[inline(always)]
fn run_with<S, T, V, const NOISE: bool, const SHIFT: bool, const AVX2: bool>(
    job: &Job<S>,
    partial: &mut [Lanes<V>],
) where
    S: Current + AsPrimitive<T>,
    T: Current + AsPrimitive<V>,
    V: Value,
    u32: AsPrimitive<V>,
    u64: AsPrimitive<T>,
    i64: AsPrimitive<V>,
{
    assert_eq!(partial.len(), job.blocks);
    let (ib, rg) = (job.input_bits, job.rows_per_read);
    let reads = job.groups * ib;
    assert!(job.hashes.len() == reads && job.starts.len() == reads + 1);
    assert!(
        job.set_rows[..job.starts[reads]]
            .iter()
            .all(|&i| (i as usize) % BLOCK == 0 && (i as usize) < rg * BLOCK),
        "set rows are rows of a group"
    );
    // The column currents of the reads (g, b) of one group and block.
    let mut currents = vec![Lanes([T::zero(); BLOCK]); ib];
    for (blk, acc) in partial.iter_mut().enumerate() {
        *acc = Lanes([V::zero(); BLOCK]);
        let pc = (blk * BLOCK) as u32;
        // Lanes that matter in this block (small tiles have fewer than a block).
        let active = (job.phys_cols - blk * BLOCK).min(BLOCK);
        for g in 0..job.groups {
            let cells = &job.cells[(g * job.blocks + blk) * rg..][..rg];
            for (b, current) in currents.iter_mut().enumerate() {
                let read = g * ib + b;
                let rows = &job.set_rows[job.starts[read]..job.starts[read + 1]];
                // The masked sum: lanes of the rows whose input bit b is set.
                // SAFETY: every offset is a row's below Rg (asserted above), the rows of `cells`.
                unsafe {
                    if active <= CHUNK {
                        masked_sum::<S, T, 1>(cells, rows, job.stretch, current);
                    } else {
                        masked_sum::<S, T, { BLOCK / CHUNK }>(cells, rows, job.stretch, current);
                    }
                }
                // The bit line's IR drop (a dropped current is at most the current: it fits T);
                // the AVX2 conversions compute a tabulated one themselves.
                match job.ir {
                    IrDrop::None => {}
                    IrDrop::Table(..) if AVX2 && V::I32 => {}
                    IrDrop::Table(table, _) => {
                        for c in current.0.iter_mut() {
                            *c = (table[c.to_usize().expect("tabulated")] as u64).as_();
                        }
                    }
                    IrDrop::Arithmetic(q) => {
                        for c in current.0.iter_mut() {
                            *c = (super::device::ir_dropped(c.to_i64().expect("Imax < 2^63"), q)
                                as u64)
                                .as_();
                        }
                    }
                }
            }
            let hashes = &job.hashes[g * ib..][..ib];
            #[cfg(target_arch = "x86_64")]
            if AVX2 {
                if let Some(acc) = V::as_i32(acc) {
                    // SAFETY: AVX2 is only true in `run_avx2`, which the caller runs on a CPU
                    // with AVX2.
                    unsafe {
                        let (c, h) = (&currents, hashes);
                        match (&job.ir, job.clips) {
                            (&IrDrop::Table(_, q), true) => {
                                convert_avx2::<S, T, NOISE, SHIFT, true, true>(
                                    job, c, h, acc, pc, active, q,
                                )
                            }
                            (&IrDrop::Table(_, q), false) => {
                                convert_avx2::<S, T, NOISE, SHIFT, true, false>(
                                    job, c, h, acc, pc, active, q,
                                )
                            }
                            (_, true) => convert_avx2::<S, T, NOISE, SHIFT, false, true>(
                                job, c, h, acc, pc, active, 0,
                            ),
                            (_, false) => convert_avx2::<S, T, NOISE, SHIFT, false, false>(
                                job, c, h, acc, pc, active, 0,
                            ),
                        }
                    };
                    continue;
                }
            }
            // The conversions, VECTOR lanes at a time, their shift-add kept in registers over
            // the group's reads.
            for (v, out) in acc
                .0
                .chunks_exact_mut(VECTOR)
                .take(active.div_ceil(VECTOR))
                .enumerate()
            {
                let pc = pc + (v * VECTOR) as u32;
                let mut sums: [V; VECTOR] = (&*out).try_into().expect("lanes");
                let lanes = |b: usize| -> &[T; VECTOR] {
                    currents[b].0[v * VECTOR..][..VECTOR]
                        .try_into()
                        .expect("lanes")
                };
                for (b, &h) in hashes[..ib - 1].iter().enumerate() {
                    convert::<S, T, V, NOISE, SHIFT, false>(job, lanes(b), &mut sums, h, pc, b);
                }
                // wb(b) = 2^b, negative for the MSB of signed inputs.
                let (b, h) = (ib - 1, hashes[ib - 1]);
                if job.inputs_signed {
                    convert::<S, T, V, NOISE, SHIFT, true>(job, lanes(b), &mut sums, h, pc, b);
                } else {
                    convert::<S, T, V, NOISE, SHIFT, false>(job, lanes(b), &mut sums, h, pc, b);
                }
                out.copy_from_slice(&sums);
            }
        }
    }
}

/// The conversions of one group's reads (`currents[b]`, `hashes[b]`) of one block, from physical
/// column `pc`, added to `out`: eight lanes per AVX2 vector, with `i32` values. [`convert`]
/// written in intrinsics, because LLVM's vectorization of it splits vectors and spills the sums.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn convert_avx2<
    S,
    T: Current,
    const NOISE: bool,
    const SHIFT: bool,
    const IR: bool,
    const CLIP: bool,
>(
    job: &Job<S>,
    currents: &[Lanes<T>],
    hashes: &[u32],
    out: &mut Lanes<i32>,
    pc: u32,
    active: usize,
    q: u64,
) {
    use std::arch::x86_64::*;
    // Eight current lanes as i32 (with i32 values, every current fits).
    let load = |lanes: &Lanes<T>, v: usize| -> __m256i {
        let p = lanes.0[8 * v..][..8].as_ptr();
        match std::mem::size_of::<T>() {
            2 => _mm256_cvtepu16_epi32(_mm_load_si128(p as *const __m128i)),
            4 => _mm256_load_si256(p as *const __m256i),
            _ => {
                let l = |i: usize| lanes.0[8 * v + i].as_();
                _mm256_setr_epi32(l(0), l(1), l(2), l(3), l(4), l(5), l(6), l(7))
            }
        }
    };
    let ib = job.input_bits;
    let splat = |x: u32| _mm256_set1_epi32(x as i32);
    let count = |x: u32| _mm_cvtsi32_si128(x as i32);
    // A divisor's multiplier, its addend in 64-bit lanes and its shift.
    let divisor = |d: DivU32| (splat(d.m), _mm256_set1_epi64x(d.a as i64), count(d.s));
    let noise = divisor(job.noise_div);
    let steps = divisor(job.step.div32);
    let modulus = splat(job.noise_div.d);
    let half = splat((job.step.step / 2) as u32);
    // V + floor(step/2) with V = current + u - Nr, u = h mod (2*Nr + 1).
    let offset = splat(((job.step.step / 2) as i32 - job.noise_amp as i32) as u32);
    let shift = count(job.step_shift.unwrap_or(0));
    let (zero, adc_max) = (_mm256_setzero_si256(), splat(job.adc_max as u32));
    let (m1, m2) = (splat(0x7feb_352d), splat(0x846c_a68b));
    let (q_lo, q_hi) = (splat(q as u32), splat((q >> 32) as u32));
    // Exact n div d for u32 lanes (DivU32): the high halves of n * m + a of even and odd lanes,
    // blended, shifted by s.
    let div = |n: __m256i, (m, a, s): (__m256i, __m256i, __m128i)| {
        let even = _mm256_srli_epi64::<32>(_mm256_add_epi64(_mm256_mul_epu32(n, m), a));
        let odd = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64::<32>(n), m), a);
        _mm256_srl_epi32(_mm256_blend_epi32::<0b1010_1010>(even, odd), s)
    };
    // mix(h ^ pc) over the lanes, then u = h mod (2*Nr + 1). Its first step, x ^ (x >> 16) with
    // x = h ^ pc, is h ^ (h >> 16) ^ (pc >> 16) ^ pc, and pc >> 16 is the same for every column
    // of a block (blocks do not straddle a multiple of 2^16): that part is one vector per read.
    let mut first = [zero; 16]; // Ib <= 16
    for (f, &h) in first.iter_mut().zip(hashes) {
        *f = splat(h ^ (h >> 16) ^ (pc >> 16));
    }
    // The code of read b over eight lanes from physical column pc + 8 v.
    let code = |v: usize, b: usize, pcs: __m256i| {
        let mut current = load(&currents[b], v);
        if IR {
            // I - floor(I*I*Q / 2^40) for I <= 2^16: I*I fits 32 bits and I*I*Q < 2^56 (as
            // I*Q < 2^40), so 64-bit lanes hold it exactly: I*I*Qlo + (I*I*Qhi << 32).
            let square = _mm256_mullo_epi32(current, current);
            let drop = |sq: __m256i| {
                let low = _mm256_mul_epu32(sq, q_lo);
                let high = _mm256_mul_epu32(sq, q_hi);
                _mm256_srli_epi64::<40>(_mm256_add_epi64(low, _mm256_slli_epi64::<32>(high)))
            };
            let even = drop(square);
            let odd = _mm256_slli_epi64::<32>(drop(_mm256_srli_epi64::<32>(square)));
            current = _mm256_sub_epi32(current, _mm256_blend_epi32::<0b1010_1010>(even, odd));
        }
        let value = if NOISE {
            let mut x = _mm256_xor_si256(first[b], pcs);
            x = _mm256_mullo_epi32(x, m1);
            x = _mm256_xor_si256(x, _mm256_srli_epi32::<15>(x));
            x = _mm256_mullo_epi32(x, m2);
            x = _mm256_xor_si256(x, _mm256_srli_epi32::<16>(x));
            let u = _mm256_sub_epi32(x, _mm256_mullo_epi32(div(x, noise), modulus));
            _mm256_add_epi32(_mm256_add_epi32(current, u), offset)
        } else {
            _mm256_add_epi32(current, half)
        };
        // value = V + floor(step/2); the ADC as in `convert`.
        let code = if SHIFT {
            _mm256_max_epi32(_mm256_sra_epi32(value, shift), zero)
        } else {
            // max(V, 0) + half = max(value, half).
            div(_mm256_max_epi32(value, half), steps)
        };
        if CLIP {
            _mm256_min_epi32(code, adc_max)
        } else {
            code
        }
    };
    let top = ib - 1;
    for (v, sums_out) in out
        .0
        .chunks_exact_mut(8)
        .take(active.div_ceil(8))
        .enumerate()
    {
        let pcs = _mm256_add_epi32(
            splat(pc + 8 * v as u32),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        );
        // sum over b of code(b) * wb(b) by Horner's rule from the top bit: doubling is an add,
        // and only the top bit's weight can be negative (wrapping adds are exact: the sum fits).
        let mut weighted = code(v, top, pcs);
        if job.inputs_signed {
            weighted = _mm256_sub_epi32(zero, weighted);
        }
        for b in (0..top).rev() {
            weighted = _mm256_add_epi32(_mm256_add_epi32(weighted, weighted), code(v, b, pcs));
        }
        let sums = _mm256_load_si256(sums_out.as_ptr() as *const __m256i);
        _mm256_store_si256(
            sums_out.as_mut_ptr() as *mut __m256i,
            _mm256_add_epi32(sums, weighted),
        );
    }
}

/// Lanes converted together: a few vectors' worth, small enough that LLVM unrolls the loop and
/// keeps the sums in registers.
const VECTOR: usize = 8;

/// The conversions of one read over `VECTOR` lanes from physical column `pc`, added to `sums`
/// with weight `2^b` (`-2^b` if `NEGATIVE`).
#[inline(always)]
fn convert<S, T, V, const NOISE: bool, const SHIFT: bool, const NEGATIVE: bool>(
    job: &Job<S>,
    current: &[T; VECTOR],
    sums: &mut [V; VECTOR],
    h: u32,
    pc: u32,
    b: usize,
) where
    T: Current + AsPrimitive<V>,
    V: Value,
    u32: AsPrimitive<V>,
    i64: AsPrimitive<V>,
{
    let half: V = (job.step.step / 2).as_();
    let amp: V = (job.noise_amp as i64).as_();
    let adc_max: V = job.adc_max.as_();
    let (noise_div, shift) = (job.noise_div, job.step_shift.unwrap_or(0) as usize);
    for l in 0..VECTOR {
        let mut v: V = current[l].as_();
        if NOISE {
            // uni(h, Nr) = (h mod (2*Nr + 1)) - Nr.
            let u: V = noise_div.rem(mix(h ^ (pc + l as u32))).as_();
            v = v.wrapping_add(&u).wrapping_sub(&amp);
        }
        // The ADC: V < 0 reads 0, else min(2^Ab - 1, (V + floor(step/2)) div step). With a
        // shift, floor((V + half) / step) <= 0 for every V < 0 (then V + half < step).
        let code = if SHIFT {
            (v.wrapping_add(&half) >> shift).max(V::zero()).min(adc_max)
        } else {
            v.max(V::zero())
                .wrapping_add(&half)
                .div_step(&job.step)
                .min(adc_max)
        };
        sums[l] = if NEGATIVE {
            sums[l].wrapping_sub(&(code << b))
        } else {
            sums[l].wrapping_add(&(code << b))
        };
    }
}

/// Rows of [`BLOCK`] lanes, aligned so that the AVX2 build loads and stores whole vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct Lanes<X>(pub [X; BLOCK]);

/// Lanes of the masked sum's pass over the rows: one AVX2 vector of `u8` cells, four of them
/// summed at once (two vectors of `u16` each, ...).
const CHUNK: usize = 32;

/// `sum of cells[i]` over the rows `i` whose lane offsets `i * BLOCK` are in `rows`, lane by
/// lane, into the first `PARTS * CHUNK` lanes of `out` (the others are left as they were: a block
/// of at most [`CHUNK`] columns sums one part), in `S` for `stretch` rows at a time (that many
/// never wrap it), then widened to `T`. LLVM unrolls the fixed-size lane loops, keeps the sums
/// in registers and vectorizes them.
///
/// # Safety
/// Every offset in `rows` is a row's: a multiple of `BLOCK` below `cells.len() * BLOCK`.
#[inline(always)]
unsafe fn masked_sum<S: Current + AsPrimitive<T>, T: Current, const PARTS: usize>(
    cells: &[Lanes<S>],
    rows: &[u32],
    stretch: usize,
    out: &mut Lanes<T>,
) {
    let mut wide = [[T::zero(); CHUNK]; PARTS];
    for rows in rows.chunks(stretch) {
        let mut s = [[S::zero(); CHUNK]; PARTS];
        for &offset in rows {
            // An offset in lanes, not a row index, spares a shift per row (an address scales by
            // at most 8).
            // SAFETY: the caller's bound (a bounds check per row cost a tenth of the sum); a
            // `Lanes` is its lanes (`repr(C)`, BLOCK lanes fill its alignment: no padding). The
            // offset's alignment, told to LLVM, keeps the AVX2 loads of the row whole.
            let row = unsafe {
                std::hint::assert_unchecked(offset as usize % BLOCK == 0);
                &*cells
                    .as_ptr()
                    .cast::<S>()
                    .add(offset as usize)
                    .cast::<[S; BLOCK]>()
            };
            for l in 0..CHUNK {
                for part in 0..PARTS {
                    s[part][l] = s[part][l].wrapping_add(&row[part * CHUNK + l]);
                }
            }
        }
        for (w, s) in wide.iter_mut().zip(&s) {
            for (w, &s) in w.iter_mut().zip(s) {
                *w = w.wrapping_add(&s.as_());
            }
        }
    }
    for (part, w) in wide.iter().enumerate() {
        out.0[part * CHUNK..][..CHUNK].copy_from_slice(w);
    }
}

/// The exact `W^T x` over weights in row pairs, `pairs[2 * (i * C + c) + j]` = weight (row
/// `2i + j`, column c), an odd R padded with a row of zeros (16 bits hold every weight), summed
/// in `A` (`i32` when `R * max|w| * max|x| < 2^31`, else `i64`), [`IDEAL_LANES`] columns at a
/// time in registers.
#[inline(always)]
pub(crate) fn ideal<A>(pairs: &[i16], cols: usize, x: &[i32]) -> Vec<i64>
where
    A: PrimInt + WrappingAdd + Zero + AsPrimitive<i64> + 'static,
    i32: AsPrimitive<A>,
{
    let mut y = vec![0i64; cols];
    let full = cols / IDEAL_LANES * IDEAL_LANES;
    for (c0, out) in (0..full)
        .step_by(IDEAL_LANES)
        .zip(y.chunks_exact_mut(IDEAL_LANES))
    {
        let mut acc = [A::zero(); IDEAL_LANES];
        for (i, xs) in x.chunks(2).enumerate() {
            let row: &[i16; 2 * IDEAL_LANES] = pairs[2 * (i * cols + c0)..][..2 * IDEAL_LANES]
                .try_into()
                .expect("lanes");
            let (x0, x1): (A, A) = (xs[0].as_(), xs.get(1).map_or(A::zero(), |&x1| x1.as_()));
            for l in 0..IDEAL_LANES {
                acc[l] = acc[l]
                    .wrapping_add(&((row[2 * l] as i32).as_() * x0))
                    .wrapping_add(&((row[2 * l + 1] as i32).as_() * x1));
            }
        }
        for (o, a) in out.iter_mut().zip(acc) {
            *o = a.as_();
        }
    }
    ideal_columns_from(pairs, cols, x, &mut y, full);
    y
}

/// `y[c]` for the columns from `first` on, in `i64`: the columns left over by a kernel's blocks.
#[inline(always)]
fn ideal_columns_from(pairs: &[i16], cols: usize, x: &[i32], y: &mut [i64], first: usize) {
    for (i, xs) in x.chunks(2).enumerate() {
        let row = &pairs[2 * (i * cols + first)..2 * (i + 1) * cols];
        for (o, w) in y[first..].iter_mut().zip(row.chunks_exact(2)) {
            *o += w[0] as i64 * xs[0] as i64 + w[1] as i64 * xs.get(1).map_or(0, |&x1| x1 as i64);
        }
    }
}

/// Columns of [`ideal`] in registers at a time.
const IDEAL_LANES: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn division_at_extremes() {
        for d in [
            1u32,
            2,
            3,
            5,
            7,
            641,
            (1 << 20) * 2 + 1,
            1 << 24,
            (1 << 31) - 1,
            1 << 31,
            (1 << 31) + 1,
            u32::MAX - 1,
            u32::MAX,
        ] {
            let div = DivU32::new(d);
            for n in [
                0u32,
                1,
                d - 1,
                d,
                d.wrapping_add(1),
                u32::MAX / 2,
                u32::MAX - 1,
                u32::MAX,
                1 << 31,
            ] {
                assert_eq!(div.div(n), n / d, "{n} / {d}");
                assert_eq!(div.rem(n), n % d, "{n} % {d}");
            }
        }
    }

    proptest! {
        #[test]
        fn division_is_exact(n in any::<u32>(), d in 1u32..) {
            prop_assert_eq!(DivU32::new(d).div(n), n / d);
        }

        #[test]
        fn division_by_small_divisors_is_exact(n in any::<u32>(), d in 1u32..=(1 << 22)) {
            prop_assert_eq!(DivU32::new(d).rem(n), n % d);
        }
    }
}

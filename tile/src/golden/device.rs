//! Device effects of spec v2 (section 6): stuck cells and conductance drift, properties of each
//! cell fixed by the seed, and the bit-line IR drop of one read.
//!
//! Stuck cells and drift depend only on (seed, r, pc), not on the weights, so the fault map and
//! the drift statistics are functions of the configuration alone: a host can read them before it
//! programs anything.

use super::prng::{hash, Uniform, DRIFT, FAULT};
use crate::config::TileParams;
use serde::Serialize;

/// How a cell is stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stuck {
    /// Stuck at conductance 0.
    Off,
    /// Stuck at the top level `(2^Bc - 1) * 2^E`.
    On,
}

/// The per-cell effects of one configuration.
pub(crate) struct CellEffects {
    seed: u32,
    /// Foff and Foff + Fon, in ppm.
    stuck_off: u32,
    stuck_any: u32,
    /// D and the uniform variation of amplitude Ds.
    drift: i64,
    spread: Uniform,
    /// Conductance of a stuck-on cell.
    top: u32,
}

impl CellEffects {
    pub(crate) fn new(p: &TileParams) -> Self {
        CellEffects {
            seed: p.seed,
            stuck_off: p.stuck_off_ppm,
            stuck_any: p.stuck_off_ppm + p.stuck_on_ppm,
            drift: p.drift as i64,
            spread: Uniform::new(p.drift_spread),
            top: p.level_max() << p.fine_bits,
        }
    }

    /// Whether the cell at (r, pc) is stuck: `u = H(FAULT, seed, r, pc, 0, 0) mod 10^6` against
    /// Foff and Foff + Fon.
    pub(crate) fn stuck(&self, r: usize, pc: usize) -> Option<Stuck> {
        // u < 0 never holds: without faults the hash need not be computed.
        if self.stuck_any == 0 {
            return None;
        }
        let u = hash(FAULT, self.seed, r as u32, pc as u32, 0, 0) % 1_000_000;
        if u < self.stuck_off {
            Some(Stuck::Off)
        } else if u < self.stuck_any {
            Some(Stuck::On)
        } else {
            None
        }
    }

    /// `d(r, pc) = clamp(D + uni(H(DRIFT, seed, r, pc, 0, 0), Ds), 0, 65536)`.
    pub(crate) fn drift(&self, r: usize, pc: usize) -> u32 {
        let variation = self
            .spread
            .sample(hash(DRIFT, self.seed, r as u32, pc as u32, 0, 0));
        (self.drift + variation).clamp(0, 65536) as u32
    }

    /// `geff(r, pc)` of a cell programmed to conductance `g`.
    pub(crate) fn effective(&self, r: usize, pc: usize, g: u32) -> u32 {
        match self.stuck(r, pc) {
            Some(Stuck::Off) => 0,
            Some(Stuck::On) => self.top,
            // g < 2^21 and 65536 - d <= 2^16: the product fits 64 bits.
            None => ((g as u64 * (65536 - self.drift(r, pc)) as u64 + 32768) >> 16) as u32,
        }
    }
}

/// `I - floor(I * I * Q / 2^40)`: the column current after the bit line's IR drop, for a current
/// `0 <= I <= Imax` of a valid configuration. `I*I*Q` needs up to 73 bits (spec section 6), but
/// `I*Q < 2^40` since `(2*Imax-1)*Q < 2^40`: one 64-bit product, then one 64x64->128.
#[inline(always)]
pub fn ir_dropped(current: i64, q: u64) -> i64 {
    let i = current as u64;
    current - (((i * q) as u128 * i as u128) >> 40) as i64
}

/// One stuck cell of the fault map, located both physically and logically (spec section 2:
/// `pc = (col * S + slice) * 2 + polarity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StuckCell {
    /// Wordline r.
    pub row: usize,
    /// Physical column pc.
    pub phys_col: usize,
    /// Logical column c.
    pub col: usize,
    /// Slice s of the weight (0: the least significant Bc bits).
    pub slice: usize,
    /// 0: the positive column of the pair, 1: the negative one.
    pub polarity: usize,
    /// Stuck at 0 or at the top level.
    pub stuck: Stuck,
}

/// Every stuck cell of the tile, row by row, then by physical column. Faults apply to every cell
/// of the R x P array: cells that hold 0 and the unused polarity of a pair included.
pub fn fault_map(p: &TileParams) -> Vec<StuckCell> {
    let effects = CellEffects::new(p);
    let mut cells = Vec::new();
    for row in 0..p.rows {
        for phys_col in 0..p.phys_cols {
            if let Some(stuck) = effects.stuck(row, phys_col) {
                let pair = phys_col / 2;
                cells.push(StuckCell {
                    row,
                    phys_col,
                    col: pair / p.slices,
                    slice: pair % p.slices,
                    polarity: phys_col % 2,
                    stuck,
                });
            }
        }
    }
    cells
}

/// Drift of the cells that are not stuck, `d(r, pc)` in units of 1/65536 of their conductance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DriftStats {
    /// Cells that drift (every cell that is not stuck).
    pub cells: u64,
    /// Mean of `d` over those cells (0 when there are none).
    pub mean: f64,
    /// Largest `d`.
    pub max: u32,
}

/// The drift statistics of the tile's cells.
pub fn drift_stats(p: &TileParams) -> DriftStats {
    let effects = CellEffects::new(p);
    let (mut cells, mut sum, mut max) = (0u64, 0u64, 0u32);
    for r in 0..p.rows {
        for pc in 0..p.phys_cols {
            if effects.stuck(r, pc).is_none() {
                let d = effects.drift(r, pc);
                (cells, sum, max) = (cells + 1, sum + d as u64, max.max(d));
            }
        }
    }
    DriftStats {
        cells,
        mean: if cells == 0 {
            0.0
        } else {
            sum as f64 / cells as f64
        },
        max,
    }
}

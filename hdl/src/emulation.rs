//! How the emulated crossbar (`cim_crossbar_emulated.v`) keeps the tile's conversion rate, and
//! the configurations it refuses. A conversion may start every `Ta` cycles, so each ADC reads
//! its `Rg` cells in at most `Ta` cycles: `W = ceil(Rg / T)` cells per cycle with `T <= Ta`.
//! The emulation is pipelined to that rate; its depth, which the figures below follow stage by
//! stage, becomes the tile's conversion latency (`adc.latency`, or the configured one if longer).

use crate::sizing::index_bits;
use cimtile_tile::config::TileParams;
use serde::{Deserialize, Serialize};

/// Cells all ADCs together read per cycle: a memory port and an adder-tree leaf each. 512 holds
/// every tile of the test generator and neurram at its preset (16 ADCs x 256 rows every 8
/// cycles); past it the generated array outgrows what a simulator builds in reasonable time and
/// what a large FPGA holds.
pub const CELLS_PER_CYCLE: usize = 512;

/// Cycle, after a cell write was offered, from which a read sees it (13 write stages).
const WRITE_VISIBLE: u64 = 14;
/// The host starts an MVM at the earliest `R + 2` cycles after its last programming word.
const HOST_GAP: u64 = 2;
/// Cycle after `conv_start` in which the read noise is ready (8 hash stages, 2 for uni()).
const NOISE_READY: u64 = 11;
/// Cycles from the first cell read to the accumulator's first add, minus the tree levels:
/// the memory read and the masked leaf.
const READ_TO_TREE: u64 = 2;
/// The ADC: the noise added, the reciprocal division by the step, the clip.
const ADC_STAGES: u64 = 3;

/// The emulated macro's layout for one tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emulation {
    /// W: cells each ADC reads per cycle.
    pub cells_per_read: usize,
    /// T = ceil(Rg / W) <= Ta: cycles over which a conversion reads its cells.
    pub read_cycles: usize,
    /// Cycle after `conv_start` of the first cell read (late enough for the last write).
    pub read_start: u64,
    /// The pipeline's depth: cycles from `conv_start` to the codes it computes.
    pub depth: u64,
    /// The conversion latency the tile runs with: the depth, or `adc.latency` if that is longer.
    pub latency: u64,
}

impl Emulation {
    fn with_width(p: &TileParams, cells_per_read: usize) -> Emulation {
        let read_cycles = p.rows_per_read().div_ceil(cells_per_read);
        let read_start = WRITE_VISIBLE
            .saturating_sub(p.rows() as u64 + HOST_GAP)
            .max(1);
        // Adder-tree levels: log2 of W rounded up (index_bits(W) when W > 1).
        let tree = if cells_per_read == 1 {
            0
        } else {
            index_bits(cells_per_read) as u64
        };
        // +1: the accumulator holds the current one cycle after its last add.
        let current = read_start + READ_TO_TREE + tree + read_cycles as u64;
        // IR drop: `I * Q`, then `I - (I * Q * I >> 40)`; without it one register.
        let dropped = current + if p.ir_drop() > 0 { 2 } else { 1 };
        let noise = if p.read_noise() > 0 { NOISE_READY } else { 0 };
        let depth = dropped.max(noise) + ADC_STAGES;
        Emulation {
            cells_per_read,
            read_cycles,
            read_start,
            depth,
            latency: depth.max(p.adc_latency() as u64),
        }
    }

    /// Cells all ADCs read per cycle at the tile's rate: `A * ceil(Rg / Ta)`.
    pub fn cells_per_cycle(p: &TileParams) -> usize {
        p.adc_count() * p.rows_per_read().div_ceil(p.adc_cycles() as usize)
    }

    /// The narrowest read (fewest memories and adders) that keeps the tile's rate, or an error
    /// naming the smallest `adc.cycles` that fits and why.
    pub fn plan(p: &TileParams) -> Result<Emulation, String> {
        let needed = Emulation::cells_per_cycle(p);
        if needed <= CELLS_PER_CYCLE {
            return Ok(Emulation::with_width(
                p,
                p.rows_per_read().div_ceil(p.adc_cycles() as usize),
            ));
        }
        let why = format!(
            "each of its {} ADCs sums {} rows every {} cycle(s), {needed} cells read per cycle, and the emulation reads at most {CELLS_PER_CYCLE}",
            p.adc_count(), p.rows_per_read(), p.adc_cycles(),
        );
        let widest = CELLS_PER_CYCLE / p.adc_count();
        let smallest = if widest == 0 {
            None
        } else {
            Some(p.rows_per_read().div_ceil(widest))
        };
        Err(match smallest.filter(|&ta| ta <= 64) {
            Some(ta) => format!(
                "the emulated crossbar needs adc.cycles >= {ta} for this tile, not {}: {why} (or lower array.rows_per_read or adc.count)",
                p.adc_cycles()
            ),
            None => format!(
                "the emulated crossbar cannot read this tile even at adc.cycles = 64 (its maximum): {why}; lower array.rows_per_read or adc.count"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cimtile_tile::config::TileConfig;

    fn params(preset: &str, overlay: &str) -> TileParams {
        TileConfig::layered(Some(preset), overlay)
            .unwrap()
            .validate()
            .unwrap()
    }

    #[test]
    fn the_default_tile_runs_at_its_own_rate() {
        // Rg = 4 at Ta = 1: all four cells in one read, a conversion every cycle.
        let e = Emulation::plan(&params("default", "")).unwrap();
        assert_eq!(
            (
                e.cells_per_read,
                e.read_cycles,
                e.read_start,
                e.depth,
                e.latency
            ),
            (4, 1, 1, 10, 10)
        );
        // More cycles per conversion: fewer memories, a deeper pipeline.
        let e = Emulation::plan(&params("default", "[adc]\ncycles = 4")).unwrap();
        assert_eq!((e.cells_per_read, e.read_cycles, e.depth), (1, 4, 11));
        // A configured latency past the depth is kept.
        let e = Emulation::plan(&params("default", "[adc]\nlatency = 40")).unwrap();
        assert_eq!((e.depth, e.latency), (10, 40));
    }

    #[test]
    fn noise_and_few_rows_add_latency() {
        let noisy = Emulation::plan(&params("default", "[analog]\nread_noise = 1")).unwrap();
        assert_eq!(noisy.depth, NOISE_READY + ADC_STAGES);
        // One row: a write lands 14 cycles after it is offered, the MVM starts 3 cycles after.
        let tiny =
            Emulation::plan(&params("default", "[array]\nrows = 1\nrows_per_read = 1")).unwrap();
        assert_eq!(tiny.read_start, 11);
    }

    #[test]
    fn the_presets_that_fit_keep_their_rate() {
        let e = Emulation::plan(&params("fpga64", "")).unwrap();
        assert_eq!((e.cells_per_read, e.read_cycles), (1, 16));
        // neurram: 16 ADCs x 256 rows every 8 cycles, 512 cells per cycle.
        let e = Emulation::plan(&params("neurram", "")).unwrap();
        assert_eq!((e.cells_per_read, e.read_cycles), (32, 8));
    }

    #[test]
    fn too_many_cells_per_cycle_are_refused_naming_the_smallest_interval() {
        // isaac at Ta = 1 reads 128 rows per cycle; raising adc.count to 8 needs 1024.
        let err = Emulation::plan(&params("isaac", "[adc]\ncount = 8")).unwrap_err();
        assert!(
            err.contains("adc.cycles >= 2 for this tile, not 1")
                && err.contains("1024 cells read per cycle"),
            "{err}"
        );
        let err = Emulation::plan(&params(
            "default",
            "[array]\nrows = 4096\nrows_per_read = 4096\n[adc]\ncount = 16\ncycles = 2",
        ))
        .unwrap_err();
        assert!(
            err.contains("even at adc.cycles = 64")
                && err.contains("lower array.rows_per_read or adc.count"),
            "{err}"
        );
    }
}

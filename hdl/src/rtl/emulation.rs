//! How the emulated crossbar (`cim_crossbar_emulated.v`) fits a conversion into `Ta` cycles,
//! and the configurations it refuses. The macro's codes must be ready `Ta` cycles after
//! `conv_start` (the behavioral macro's contract, on which the periphery relies), so its
//! pipeline latency, which the figures below follow stage by stage, must not exceed `Ta`.

use crate::config::TileParams;
use crate::rtl::sizing::index_bits;
use serde::Serialize;

/// Cells all ADCs together read per cycle: 64 words of a conductance each, what a mid-size
/// FPGA's block RAMs deliver side by side, and an adder tree of at most 64 leaves.
pub const CELLS_PER_CYCLE: usize = 64;

/// Cycle, after a cell write was offered, from which a read sees it (13 write stages).
const WRITE_VISIBLE: u64 = 14;
/// The host starts an MVM at the earliest `R + 2` cycles after its last programming word.
const HOST_GAP: u64 = 2;
/// Cycle after `conv_start` in which the read noise is ready (8 hash stages, 2 for uni()).
const NOISE_READY: u64 = 11;
/// Cycles from the first cell read to the accumulator's first add, minus the tree levels:
/// the memory read and the masked leaf.
const READ_TO_TREE: u64 = 2;
/// IR drop: `I * Q`, then `I - (I * Q * I >> 40)`.
const IR_STAGES: u64 = 2;
/// The ADC: the noise added, the reciprocal division by the step, the clip.
const ADC_STAGES: u64 = 3;

/// The emulated macro's layout for one tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Emulation {
    /// W: cells each ADC reads per cycle.
    pub cells_per_read: usize,
    /// T = ceil(Rg / W): cycles over which a conversion reads its cells.
    pub read_cycles: usize,
    /// Cycle after `conv_start` of the first cell read (late enough for the last write).
    pub read_start: u64,
    /// Cycles from `conv_start` to the codes.
    pub latency: u64,
}

impl Emulation {
    fn with_width(p: &TileParams, cells_per_read: usize) -> Emulation {
        let read_cycles = p.rows_per_read.div_ceil(cells_per_read);
        let read_start = WRITE_VISIBLE.saturating_sub(p.rows as u64 + HOST_GAP).max(1);
        // Adder-tree levels: log2 of W rounded up (index_bits(W) when W > 1).
        let tree = if cells_per_read == 1 { 0 } else { index_bits(cells_per_read) as u64 };
        // +1: the accumulator holds the current one cycle after its last add.
        let current = read_start + READ_TO_TREE + tree + read_cycles as u64;
        let noise = if p.read_noise > 0 { NOISE_READY } else { 0 };
        let latency = (current + IR_STAGES).max(noise) + ADC_STAGES;
        Emulation { cells_per_read, read_cycles, read_start, latency }
    }

    /// Every layout the read bandwidth allows, narrowest first.
    fn layouts(p: &TileParams) -> impl Iterator<Item = Emulation> + '_ {
        let widest = (CELLS_PER_CYCLE / p.adc_count).clamp(1, p.rows_per_read);
        (1..=widest).map(|w| Emulation::with_width(p, w))
    }

    /// The layout of the smallest latency: its `latency` is the smallest `adc.cycles` that the
    /// emulation fits (if that is at most 64).
    pub fn fastest(p: &TileParams) -> Emulation {
        Emulation::layouts(p).min_by_key(|e| e.latency).expect("at least one width")
    }

    /// The narrowest read (fewest memories and adders) whose latency fits `adc.cycles`, or
    /// an error naming the smallest `adc.cycles` that fits.
    pub fn plan(p: &TileParams) -> Result<Emulation, String> {
        if let Some(fit) = Emulation::layouts(p).find(|e| e.latency <= p.adc_cycles as u64) {
            return Ok(fit);
        }
        let fastest = Emulation::fastest(p);
        let mut why = format!(
            "a conversion sums {} rows per ADC ({} ADCs, at most {CELLS_PER_CYCLE} cells read per cycle: {} read cycle(s))",
            p.rows_per_read, p.adc_count, fastest.read_cycles,
        );
        if fastest.read_start > 1 {
            why += &format!(
                ", its first read waits {} cycles for the last cell write ({} rows load in fewer cycles than a write takes)",
                fastest.read_start, p.rows
            );
        }
        if p.read_noise > 0 {
            why += &format!(", its read-noise hash takes {NOISE_READY} cycles");
        }
        Err(if fastest.latency <= 64 {
            format!(
                "the emulated crossbar needs adc.cycles >= {} for this tile, not {}: {why}",
                fastest.latency, p.adc_cycles
            )
        } else {
            format!(
                "the emulated crossbar cannot convert in 64 cycles (adc.cycles' maximum): it needs {}, as {why}; \
                 lower array.rows_per_read or adc.count",
                fastest.latency
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TileConfig;

    fn params(preset: &str, overlay: &str) -> TileParams {
        TileConfig::layered(Some(preset), overlay).unwrap().validate().unwrap()
    }

    #[test]
    fn the_default_tile_needs_eleven_cycles() {
        // Rg = 4: W = 1 reads in 4 cycles (latency 12), W = 2 in 2 and W = 4 in 1 (both 11).
        let err = Emulation::plan(&params("default", "")).unwrap_err();
        assert!(err.contains("adc.cycles >= 11") && err.contains("not 1"), "{err}");
        let fit = Emulation::plan(&params("default", "[adc]\ncycles = 11")).unwrap();
        assert_eq!((fit.cells_per_read, fit.read_cycles, fit.latency), (2, 2, 11));
        // More cycles: fewer memories.
        let narrow = Emulation::plan(&params("default", "[adc]\ncycles = 12")).unwrap();
        assert_eq!((narrow.cells_per_read, narrow.read_cycles), (1, 4));
    }

    #[test]
    fn noise_and_few_rows_add_latency() {
        let noisy = Emulation::plan(&params("default", "[adc]\ncycles = 64\n[analog]\nread_noise = 1")).unwrap();
        assert!(noisy.latency >= NOISE_READY + ADC_STAGES, "{noisy:?}");
        // One row: a write lands 14 cycles after it is offered, the MVM starts 3 cycles after.
        let tiny = Emulation::plan(&params("default", "[array]\nrows = 1\nrows_per_read = 1\n[adc]\ncycles = 64")).unwrap();
        assert_eq!(tiny.read_start, 11);
    }

    #[test]
    fn the_fpga_preset_fits() {
        let fit = Emulation::plan(&params("fpga64", "")).unwrap();
        assert_eq!((fit.cells_per_read, fit.read_cycles, fit.latency), (3, 6, 16));
    }

    #[test]
    fn too_many_rows_per_conversion_are_refused() {
        let err = Emulation::plan(&params("neurram", "")).unwrap_err();
        assert!(err.contains("adc.cycles >= ") && err.contains("128 rows per ADC"), "{err}");
        let err = Emulation::plan(&params("default", "[array]\nrows = 4096\nrows_per_read = 4096\n[adc]\ncount = 8")).unwrap_err();
        assert!(err.contains("cannot convert in 64 cycles"), "{err}");
    }
}

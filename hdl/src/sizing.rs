//! Every size of the generated RTL, derived from the configuration in one place: index widths,
//! datapath widths (from the bounds in [`Widths`]), the activation unit's multiplier digit and
//! the FIFO depths. The manifest and `cimtile info` print them.

use cimtile_tile::config::{TileParams, Widths};
use serde::{Deserialize, Serialize};

/// Bits of an index that takes the values `0..count` (at least 1, so every port has a width).
pub fn index_bits(count: usize) -> u32 {
    (usize::BITS - count.saturating_sub(1).leading_zeros()).max(1)
}

/// The sizes of one tile's RTL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtlSizing {
    /// Width of a row index (`prog_row`), `0..R`.
    pub row_bits: u32,
    /// Width of `prog_col`: a physical column (cell writes) or a logical one (parameters).
    pub prog_col_bits: u32,
    /// Width of a logical column index, `0..C`.
    pub col_bits: u32,
    /// Width of a physical column index, `0..P`.
    pub phys_col_bits: u32,
    /// Width of a row-group index, `0..G`.
    pub group_bits: u32,
    /// Width of a row's offset within its group, `0..Rg`.
    pub offset_bits: u32,
    /// Width of an input-bit index, `0..Ib`.
    pub bit_bits: u32,
    /// Width of a mux-phase index, `0..M`.
    pub phase_bits: u32,
    /// Width of an ADC lane index, `0..A`.
    pub lane_bits: u32,
    /// Width of a physical column's position within its logical column, `0..2S`.
    pub position_bits: u32,
    /// W: input elements a transfer (`inputs.per_transfer`).
    pub input_transfer: usize,
    /// K: partial sums the combiner reads a cycle ([`TileParams::combine_width`]).
    pub combine_width: usize,
    /// Width of the conversion wait counter, `0..Ta`.
    pub wait_bits: u32,
    /// Vectors that can be in flight at once, and the bits of their count.
    pub max_in_flight: usize,
    /// Width of the in-flight count, `0..=max_in_flight`.
    pub flight_bits: u32,
    /// Signed width of a lane's partial sum ([`Widths::partial_bits`]).
    pub part_bits: u32,
    /// Signed width of `acc[c]` ([`Widths::acc_bits`]).
    pub acc_bits: u32,
    /// Signed width of `acc + bias` ([`Widths::sum_bits`]).
    pub sum_bits: u32,
    /// Multiplier bits the activation unit consumes per cycle: 16 / digit_bits cycles a column.
    pub digit_bits: u32,
    /// Depth of the combiner-to-activation FIFO and of the output FIFO (2..=8, a power of 2).
    pub fifo_depth: usize,
}

impl RtlSizing {
    /// Every size of the RTL of tile `p`.
    pub fn new(p: &TileParams) -> Self {
        let w: Widths = p.widths();
        let phys_col_bits = index_bits(p.phys_cols());
        let col_bits = index_bits(p.cols());
        // Vectors in flight: two input banks, two partial-sum banks, and columns of whole
        // vectors in the two FIFOs, the combiner's read register, the two load registers,
        // the multiplier, its product register and the three stages behind it.
        let digit_bits = digit_bits(p);
        let max_in_flight = 4 + 2 * fifo_depth(16 / digit_bits as usize) + 8;
        RtlSizing {
            row_bits: index_bits(p.rows()),
            prog_col_bits: phys_col_bits.max(col_bits),
            col_bits,
            phys_col_bits,
            group_bits: index_bits(p.groups()),
            offset_bits: index_bits(p.rows_per_read()),
            bit_bits: index_bits(p.input_bits() as usize),
            phase_bits: index_bits(p.phases()),
            lane_bits: index_bits(p.adc_count()),
            position_bits: index_bits(2 * p.slices()),
            input_transfer: p.input_transfer(),
            combine_width: p.combine_width(),
            wait_bits: index_bits(p.adc_cycles() as usize),
            max_in_flight,
            flight_bits: index_bits(max_in_flight + 1),
            part_bits: w.partial_bits,
            acc_bits: w.acc_bits,
            sum_bits: w.sum_bits,
            digit_bits,
            fifo_depth: fifo_depth(16 / digit_bits as usize),
        }
    }

    /// Cycles the activation unit spends on one column.
    pub fn cycles_per_column(&self) -> u64 {
        16 / self.digit_bits as u64
    }
}

/// Depth of the FIFO between combiner and activation unit, and of the output FIFO: enough
/// credits to cover the round trip of a slot (about eight cycles beyond the column's own
/// `cycles_per_column`), so neither producer waits on credit at full rate.
fn fifo_depth(cycles_per_column: usize) -> usize {
    (cycles_per_column + 8)
        .div_ceil(cycles_per_column)
        .next_power_of_two()
        .clamp(2, 8)
}

/// The narrowest multiplier digit whose columns fit the schedule with room to spare: the C
/// columns of an MVM may take at most half the cycles of one MVM, so the activation unit never
/// holds the combiner back long enough to stall the ADCs.
fn digit_bits(p: &TileParams) -> u32 {
    // The bound of the ADCs, the loading and the combiner, not the stream's mean: the digit
    // must not depend on the stalls of the two banks (cimtile_tile::schedule), which it would lengthen.
    let budget = p
        .min_cycles_per_mvm()
        .max(p.input_transfers() as u64)
        .max(p.phys_cols().div_ceil(p.combine_width()) as u64 + 1);
    [1u32, 2, 4, 8]
        .into_iter()
        .find(|&digit| p.cols() as u64 * (16 / digit as u64) * 2 <= budget)
        .unwrap_or(16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cimtile_tile::config::TileConfig;

    #[test]
    fn index_bits_hold_every_index() {
        assert_eq!(
            [1, 2, 3, 4, 5, 16, 17].map(index_bits),
            [1, 1, 2, 2, 3, 4, 5]
        );
    }

    #[test]
    fn digits_match_the_schedule() {
        let digit = |name| {
            RtlSizing::new(&TileConfig::from_preset(name).unwrap().validate().unwrap()).digit_bits
        };
        // default: 4 columns in 64 cycles; isaac: 8 in 2048; neurram: 128 in 512.
        assert_eq!(
            (digit("default"), digit("isaac"), digit("neurram")),
            (2, 1, 8)
        );
    }
}

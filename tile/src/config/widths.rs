//! The bit width of every stage of the tile, derived from the bounds of its values.

use super::TileParams;
use serde::{Deserialize, Serialize};

/// The range of a `bits`-wide value, signed or not.
pub(super) fn two_range(bits: u32, signed: bool) -> (i64, i64) {
    if signed {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    } else {
        (0, (1i64 << bits) - 1)
    }
}

/// Two's complement width (sign included) that holds every value of magnitude up to `max_abs`.
pub fn signed_width(max_abs: u128) -> u32 {
    // +1 for the sign: `-max_abs` and `max_abs` both fit in `bits` when max_abs < 2^(bits-1).
    128 - max_abs.leading_zeros() + 1
}

/// The magnitude bounds of the datapath and the signed widths that hold them: one place,
/// so the golden model's report, `cimtile info`, the manifest and the RTL agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Widths {
    /// Bound of one lane's partial sum of one physical column: `G * (2^Ab-1) * (2^Ib-1)`.
    pub partial_max: u128,
    /// Signed width (sign included) that holds a lane's partial sum.
    pub partial_bits: u32,
    /// Bound of `acc[c]`: the partial bound times `sum_s 2^(s*Bc)`.
    pub acc_max: u128,
    /// Signed width (sign included) that holds `acc[c]`.
    pub acc_bits: u32,
    /// Bound of `acc + bias`.
    pub sum_max: u128,
    /// Signed width (sign included) that holds `acc + bias`.
    pub sum_bits: u32,
    /// Bound of `(acc + bias) * mult`.
    pub product_max: u128,
    /// Signed width (sign included) that holds the product.
    pub product_bits: u32,
}

impl Widths {
    pub(super) fn new(p: &TileParams) -> Self {
        let code_max = p.adc_max_code() as u128;
        let bit_weight_sum = (1u128 << p.input_bits) - 1;
        let partial_max = p.groups as u128 * code_max * bit_weight_sum;
        let slice_weight_sum: u128 = (0..p.slices)
            .map(|s| 1u128 << (s as u32 * p.cell_bits))
            .sum();
        let acc_max = partial_max * slice_weight_sum;
        // The most negative bias and mult have the largest magnitudes: 2^31 and 2^15.
        let sum_max = acc_max + (1u128 << 31);
        let product_max = sum_max * (1u128 << 15);
        Widths {
            partial_max,
            partial_bits: signed_width(partial_max),
            acc_max,
            acc_bits: signed_width(acc_max),
            sum_max,
            sum_bits: signed_width(sum_max),
            product_max,
            product_bits: signed_width(product_max),
        }
    }
}

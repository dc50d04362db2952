//! Digital calibration of an aged tile (spec section 7): the column parameters are the tile's only
//! correction, so for each column choose the `(mult, shift, bias)` that bring the aged tile's
//! outputs closest to its intended outputs on calibration vectors.
//!
//! Method, per column: a least-squares affine fit `intended acc ~ slope * aged acc + intercept`,
//! composed with the intended parameters into a real-valued map from the aged `acc` to the
//! intended output; then, for every shift 0..=31, the integer `mult` and `bias` nearest to that
//! map (and their neighbours) are scored on the calibration set by the mean absolute error of the
//! tile's exact periphery (rounding, activation and clamp included), and the best is kept.

use crate::config::TileParams;
use crate::data::ColumnParams;
use crate::golden::requantize;

/// One calibration vector, seen by one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// `acc` of the aged tile.
    pub aged_acc: i64,
    /// `acc` of the intended (fresh) tile.
    pub intended_acc: i64,
    /// Output of the intended tile with the intended column parameters.
    pub intended_out: i64,
}

/// The calibration of one column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnFit {
    /// The least-squares map `intended acc ~ slope * aged acc + intercept`.
    pub slope: f64,
    /// The offset of that map, in `acc` units.
    pub intercept: f64,
    /// The chosen parameters.
    pub columns: ColumnParams,
    /// Their mean absolute error on the calibration samples.
    pub mean_abs_error: f64,
}

/// Per column, the parameters that map the aged tile's measured `acc` (None where the engine could
/// not see it) to the intended outputs: the intended parameters applied to `intended_acc`.
pub fn fit_columns(
    p: &TileParams,
    intended: &[ColumnParams],
    measured_acc: &[Vec<Option<i64>>],
    intended_acc: &[Vec<i64>],
) -> Vec<ColumnFit> {
    (0..p.cols())
        .map(|c| {
            let samples: Vec<Sample> = measured_acc
                .iter()
                .zip(intended_acc)
                .filter_map(|(aged, fresh)| {
                    let intended_out = requantize(p, intended[c], fresh[c]);
                    aged[c].map(|aged_acc| Sample {
                        aged_acc,
                        intended_acc: fresh[c],
                        intended_out,
                    })
                })
                .collect();
            fit_column(p, intended[c], &samples)
        })
        .collect()
}

/// Mean absolute error of column parameters `col` on `samples`.
fn mean_abs_error(p: &TileParams, col: ColumnParams, samples: &[Sample]) -> f64 {
    let sum: u64 = samples
        .iter()
        .map(|s| requantize(p, col, s.aged_acc).abs_diff(s.intended_out))
        .sum();
    sum as f64 / samples.len().max(1) as f64
}

/// Least squares `y ~ slope * x + intercept`; a constant x gives slope 0 and the mean of y.
fn least_squares(points: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64, f64) {
    let n = points.clone().count().max(1) as f64;
    let (mx, my) = points
        .clone()
        .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x / n, sy + y / n));
    let (sxx, sxy) = points.fold((0.0, 0.0), |(sxx, sxy), (x, y)| {
        (sxx + (x - mx) * (x - mx), sxy + (x - mx) * (y - my))
    });
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx, mx)
}

/// The parameters for one column: `intended` is the column's intended parameters, which also
/// stay the answer if nothing scores better (or there are no samples).
pub fn fit_column(p: &TileParams, intended: ColumnParams, samples: &[Sample]) -> ColumnFit {
    let (slope, intercept, mean_acc) = least_squares(
        samples
            .iter()
            .map(|s| (s.aged_acc as f64, s.intended_acc as f64)),
    );
    // The intended periphery before rounding, as a function of the aged acc: out ~ a * acc + b.
    let scale = intended.mult as f64 / (1u64 << intended.shift) as f64;
    let a = slope * scale;
    let out_at_mean = (slope * mean_acc + intercept + intended.bias as f64) * scale;
    let mut best = (mean_abs_error(p, intended, samples), intended);
    for shift in 0..=31u8 {
        let step = (1u64 << shift) as f64;
        let nearest = (a * step).round();
        for mult in [nearest - 1.0, nearest, nearest + 1.0] {
            if !(i16::MIN as f64..=i16::MAX as f64).contains(&mult) {
                continue;
            }
            // (acc + bias) * mult / 2^shift meets the fitted line at the mean acc.
            let bias = if mult == 0.0 {
                0.0
            } else {
                (out_at_mean * step / mult - mean_acc).round()
            };
            for bias in [bias - 1.0, bias, bias + 1.0] {
                if !(i32::MIN as f64..=i32::MAX as f64).contains(&bias) {
                    continue;
                }
                let candidate = ColumnParams {
                    mult: mult as i16,
                    shift,
                    bias: bias as i32,
                };
                let error = mean_abs_error(p, candidate, samples);
                if error < best.0 {
                    best = (error, candidate);
                }
            }
        }
    }
    ColumnFit {
        slope,
        intercept,
        columns: best.1,
        mean_abs_error: best.0,
    }
}

/// Mean and largest absolute difference of two equally shaped output sets.
pub fn error_summary(got: &[Vec<i64>], intended: &[Vec<i64>]) -> (f64, u64) {
    let diffs: Vec<u64> = got
        .iter()
        .zip(intended)
        .flat_map(|(g, i)| g.iter().zip(i).map(|(a, b)| a.abs_diff(*b)))
        .collect();
    let mean = diffs.iter().sum::<u64>() as f64 / diffs.len().max(1) as f64;
    (mean, diffs.iter().copied().max().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TileConfig;

    fn params() -> TileParams {
        TileConfig::layered(None, "[output]\nbits = 24")
            .unwrap()
            .validate()
            .unwrap()
    }

    fn samples(f: impl Fn(i64) -> i64, intended: ColumnParams, p: &TileParams) -> Vec<Sample> {
        (-50..=50)
            .map(|acc| {
                let fresh = f(acc);
                Sample {
                    aged_acc: acc,
                    intended_acc: fresh,
                    intended_out: requantize(p, intended, fresh),
                }
            })
            .collect()
    }

    #[test]
    fn a_fifth_lost_is_undone() {
        // The aged acc is 4/5 of the fresh one (truncated, so the fitted slope is a little less).
        let p = params();
        let s = samples(|acc| acc * 5 / 4, ColumnParams::default(), &p);
        let fit = fit_column(&p, ColumnParams::default(), &s);
        assert!((fit.slope - 1.25).abs() < 0.02, "{fit:?}");
        assert!(fit.mean_abs_error < 0.3, "{fit:?}");
    }

    #[test]
    fn offset_and_intended_parameters_compose() {
        // fresh = 2 * aged + 30, intended (acc - 10) * 3 >> 1: out = 3 * aged + 30.
        let p = params();
        let intended = ColumnParams {
            mult: 3,
            shift: 1,
            bias: -10,
        };
        let s = samples(|acc| 2 * acc + 30, intended, &p);
        let fit = fit_column(&p, intended, &s);
        assert_eq!(fit.mean_abs_error, 0.0, "{fit:?}");
        assert!(
            (fit.slope - 2.0).abs() < 1e-9 && (fit.intercept - 30.0).abs() < 1e-9,
            "{fit:?}"
        );
    }

    #[test]
    fn a_dead_column_keeps_a_constant_and_no_samples_keep_the_intended() {
        let p = params();
        let s: Vec<Sample> = (0..10)
            .map(|i| Sample {
                aged_acc: 0,
                intended_acc: 7,
                intended_out: 7 + i % 2,
            })
            .collect();
        let fit = fit_column(&p, ColumnParams::default(), &s);
        assert_eq!(fit.mean_abs_error, 0.5);
        let intended = ColumnParams {
            mult: 2,
            shift: 3,
            bias: 4,
        };
        assert_eq!(fit_column(&p, intended, &[]).columns, intended);
    }

    #[test]
    fn error_summary_is_mean_and_max() {
        assert_eq!(
            error_summary(&[vec![1, 5], vec![0, 0]], &[vec![1, 2], vec![1, 0]]),
            (1.0, 3)
        );
    }
}

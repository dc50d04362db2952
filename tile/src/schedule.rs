//! Cycles per MVM of the generated RTL in a back-to-back stream, derived from its blocks.
//!
//! Four resources set the pace: the ADCs (`N = Ib*G*M*Ta` cycles of starts per MVM), the loading
//! of a vector (`T = ceil(R/W)` cycles, W elements a transfer), the combiner (`ceil(P/K)` cycles, K
//! partial sums a cycle: [`TileParams::combine_width`]) and the two banks of the input buffer and of the partial sums, which MVM k+2 reuses only when
//! MVM k has freed them. When `N`, R and P are close, the bank loops are longer than two MVMs
//! and a stream alternates between a short and a long spacing: the tile of issue 24 (7 rows,
//! 4 columns, 3-bit cells, 7-bit weights, 6 rows per read, 15 ADCs: N = 16, P = 16) would take
//! 21 and 16 cycles in turn, 18.5 on average, with a combiner reading one sum a cycle; K = 3
//! keeps it at 16.
//!
//! [`stream_cycles`] runs the recurrence of the event times of each MVM k (host always valid
//! and ready), each term a path through the RTL:
//!
//! - `F[k] = max(A[k-1] + 1, E[k-2] + 1)`: the first element is accepted after the previous
//!   vector's last (`A`), and once its bank's previous vector has issued its last read (`E`):
//!   `in_ready` is a register of the bank's state (cim_tile_controller).
//! - `A[k] = F[k] + T - 1`.
//! - `S[k] = max(A[k] + 2, E[k-1] + Ta, Rel[k-2] + 1)`: the first start needs the vector in its
//!   bank (written one cycle after acceptance, `vector_loaded` one more), the ADCs free, and the
//!   partial-sum bank released by the combiner (`sums_busy`, a register: cim_adc_scheduler).
//! - `E[k] = S[k] + N - Ta`: the last start of the MVM.
//! - `C[k] = max(E[k] + L + 5, Rel[k-1] + 1)`: the combiner's first read: the last codes land L
//!   cycles after their `conv_start` (one cycle after the issue), the lanes write them two
//!   cycles later and say `landed` one after that, and the combiner sees it one after that
//!   (cim_shift_add_lanes, cim_column_combiner); or when it has read the previous MVM.
//! - `Rel[k] = C[k] + ceil(P/K) - 1`: the last read, which releases the bank. Results leave a fixed
//!   number of cycles after it, so MVMs complete with the spacing of `Rel`.
//!
//! The activation unit is sized to take at most half an MVM's cycles (rtl::sizing) and its
//! FIFOs cover a slot's round trip, so the combiner does not wait on them in a stream.

use crate::config::TileParams;
use std::fmt;

/// The spacing of MVM completions in a steady back-to-back stream: one period of the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCycles {
    /// Cycles between consecutive MVMs over one period, starting with the longest spacing
    /// (one entry when every MVM takes the same time).
    pub pattern: Vec<u64>,
}

impl StreamCycles {
    /// Mean cycles per MVM: the pattern's cycles over its length.
    pub fn mean(&self) -> f64 {
        self.pattern.iter().sum::<u64>() as f64 / self.pattern.len() as f64
    }

    /// Whether every MVM takes the same number of cycles.
    pub fn is_uniform(&self) -> bool {
        self.pattern.len() == 1
    }
}

impl fmt::Display for StreamCycles {
    /// `64`, or `18.5 (21 and 16 in turn)`; a mean that is no whole number of hundredths
    /// (a period of 3 or more) to two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_uniform() {
            return write!(f, "{}", self.pattern[0]);
        }
        let mean = self.mean();
        let mean = if (mean * 100.0).fract() == 0.0 {
            mean.to_string()
        } else {
            format!("{mean:.2}")
        };
        let spacings: Vec<String> = self.pattern.iter().map(u64::to_string).collect();
        let (last, rest) = spacings.split_last().expect("a pattern is never empty");
        write!(f, "{mean} ({} and {last} in turn)", rest.join(", "))
    }
}

/// Cycles per MVM as a JSON number: a whole figure stays an integer (`64`, as manifests and
/// reports wrote it before the figure could alternate, so readers taking an integer still do), the
/// mean of an alternating pattern a decimal (`18.5`).
pub fn cycles_json(cycles: f64) -> serde_json::Value {
    if cycles.fract() == 0.0 && cycles >= 0.0 && cycles <= u64::MAX as f64 {
        serde_json::Value::from(cycles as u64)
    } else {
        serde_json::Value::from(cycles)
    }
}

/// Serializes a cycles-per-MVM field as [`cycles_json`] does (for `#[serde(serialize_with)]`).
pub fn serialize_cycles<S: serde::Serializer>(
    cycles: &f64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&cycles_json(*cycles), serializer)
}

/// MVMs the recurrence runs: the bank loops span two MVMs, so the spacing settles within a
/// few and repeats with a period of at most a few MVMs.
const MVMS: usize = 64;

/// Cycles per MVM of `p`'s RTL in a back-to-back stream (see the module documentation).
pub fn stream_cycles(p: &TileParams) -> StreamCycles {
    let pattern = p.spacing_with_reads(p.phys_cols().div_ceil(p.combine_width()) as i64);
    StreamCycles { pattern }
}

/// One period of the spacing for N = `n`, Ta = `ta`, L = `latency`, T = `loads` (transfers of a
/// vector), `ceil(P/K)` = `reads` (of the combiner), starting with the longest.
fn spacing(n: i64, ta: i64, latency: i64, loads: i64, reads: i64) -> Vec<u64> {
    // Times before the stream starts: far enough back that they constrain nothing.
    let before = i64::MIN / 4;
    let at = |v: &[i64], k: usize, back: usize| if k >= back { v[k - back] } else { before };
    let (mut accepted, mut last_start, mut released) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..MVMS {
        let first = (at(&accepted, k, 1) + 1)
            .max(at(&last_start, k, 2) + 1)
            .max(0);
        accepted.push(first + loads - 1);
        let start = (accepted[k] + 2)
            .max(at(&last_start, k, 1) + ta)
            .max(at(&released, k, 2) + 1);
        last_start.push(start + n - ta);
        let read = (last_start[k] + latency + 5).max(at(&released, k, 1) + 1);
        released.push(read + reads - 1);
    }
    let spacing: Vec<u64> = released.windows(2).map(|w| (w[1] - w[0]) as u64).collect();
    let tail = &spacing[spacing.len() / 2..];
    let period = (1..=tail.len() / 2)
        .find(|&period| tail.windows(period + 1).all(|w| w[0] == w[period]))
        .expect("the spacing of the recurrence becomes periodic");
    let mut pattern = tail[tail.len() - period..].to_vec();
    let longest = (0..period)
        .max_by_key(|&i| (pattern[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    pattern.rotate_left(longest);
    pattern
}

// The schedule extends the validated tile: the configuration knows nothing of the schedule.
impl TileParams {
    /// T: transfers of the input stream per vector, `ceil(R/W)` (the last one's elements past
    /// row R-1 are ignored).
    pub fn input_transfers(&self) -> usize {
        self.rows().div_ceil(self.input_transfer())
    }

    /// K: partial sums the combiner reads a cycle, the fewest that keep the stream at its
    /// fastest. A read takes K neighbouring physical columns from K lanes of one phase, so K
    /// divides A, and holds at most one column's end, so K is at most 2S. The combiner must
    /// finish a bank within the ADCs' pace and its latency, or the next MVM's codes wait for the
    /// bank (see this module), so K is found by running the recurrence.
    pub fn combine_width(&self) -> usize {
        let widths: Vec<usize> = (1..=self.adc_count().min(2 * self.slices()))
            .filter(|k| self.adc_count() % k == 0)
            .collect();
        let mean = |k: usize| {
            let pattern = self.spacing_with_reads(self.phys_cols().div_ceil(k) as i64);
            pattern.iter().sum::<u64>() as f64 / pattern.len() as f64
        };
        let widest = *widths.last().expect("1 divides A");
        let fastest = mean(widest);
        widths
            .into_iter()
            .find(|&k| mean(k) <= fastest)
            .unwrap_or(widest)
    }

    fn spacing_with_reads(&self, reads: i64) -> Vec<u64> {
        spacing(
            self.min_cycles_per_mvm() as i64,
            self.adc_cycles() as i64,
            self.adc_latency() as i64,
            self.input_transfers() as i64,
            reads,
        )
    }

    /// Cycles per MVM of the generated RTL in a back-to-back stream, one period of its
    /// pattern: the ADCs' `Ib*G*M*Ta`, unless loading a vector (T transfers), combining its
    /// partial sums (`ceil(P/K)` cycles) or the two banks they pass through take longer (see this
    /// module).
    pub fn stream_cycles(&self) -> StreamCycles {
        stream_cycles(self)
    }

    /// Mean cycles per MVM of the generated RTL in a back-to-back stream (over the period of
    /// [`TileParams::stream_cycles`]).
    pub fn expected_cycles_per_mvm(&self) -> f64 {
        self.stream_cycles().mean()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TileConfig;

    fn tile(toml: &str) -> TileParams {
        TileConfig::layered(None, toml).unwrap().validate().unwrap()
    }

    /// The tile of issue 24 alternates with its combiner reading one sum a cycle; reading two,
    /// it keeps the ADCs' pace.
    #[test]
    fn the_corner_of_issue_24_alternates_unless_the_combiner_reads_two() {
        let p = tile("[array]\nrows = 7\ncols = 4\nrows_per_read = 6\n[weights]\nbits = 7\ncell_bits = 3\n[adc]\ncount = 15");
        let one_a_cycle = StreamCycles {
            pattern: p.spacing_with_reads(p.phys_cols() as i64),
        };
        assert_eq!(one_a_cycle.pattern, [21, 16]);
        assert_eq!(one_a_cycle.to_string(), "18.5 (21 and 16 in turn)");
        assert_eq!(
            (p.combine_width(), stream_cycles(&p).pattern),
            (3, vec![16])
        );
    }

    #[test]
    fn the_period_is_at_most_two_mvms_and_never_beats_a_bound() {
        for (n, ta) in
            (1..=40).flat_map(|n| (1..=3).filter(move |ta| n % ta == 0).map(move |ta| (n, ta)))
        {
            for (latency, rows, phys) in (0..5).flat_map(|l| {
                (1..=24).flat_map(move |r| (2..=24).step_by(2).map(move |p| (ta + l, r, p)))
            }) {
                let pattern = spacing(n, ta, latency, rows, phys);
                let mean = pattern.iter().sum::<u64>() as f64 / pattern.len() as f64;
                assert!(
                    pattern.len() <= 2,
                    "{n} {ta} {latency} {rows} {phys}: {pattern:?}"
                );
                assert!(
                    mean >= n.max(rows).max(phys) as f64,
                    "{n} {ta} {latency} {rows} {phys}: {pattern:?}"
                );
            }
        }
    }

    /// Every preset runs at its ADCs' bound `Ib*G*M*Ta`: neurosim (128 rows, 112 physical
    /// columns, N = 56) with 4 inputs a transfer and its combiner reading 4 sums a cycle.
    #[test]
    fn presets_run_at_the_adc_bound() {
        for preset in crate::config::PRESETS {
            let p = TileConfig::from_preset(preset.name)
                .unwrap()
                .validate()
                .unwrap();
            let bound = p.min_cycles_per_mvm();
            assert_eq!(stream_cycles(&p).pattern, [bound], "{}", preset.name);
        }
        let neurosim = TileConfig::from_preset("neurosim")
            .unwrap()
            .validate()
            .unwrap();
        let one_at_a_time = TileConfig::layered(Some("neurosim"), "[inputs]\nper_transfer = 1")
            .unwrap()
            .validate()
            .unwrap();
        assert_eq!(
            (
                neurosim.min_cycles_per_mvm(),
                neurosim.input_transfers(),
                neurosim.combine_width(),
                stream_cycles(&one_at_a_time).pattern
            ),
            (56, 32, 4, vec![128])
        );
    }

    #[test]
    fn the_combine_width_divides_the_lanes_and_spans_at_most_a_column() {
        // 8 ADCs, 4 slices: K in {1, 2, 4, 8}. 64 physical columns against N = 16: K = 4 reads
        // them in 16 cycles, too slow for the bank loop; K = 8 in 8.
        let p = tile("[array]\nrows = 4\ncols = 8\nrows_per_read = 4\n[weights]\nbits = 5\ncell_bits = 1\n[inputs]\nbits = 2\n[adc]\ncount = 8");
        assert_eq!((p.phys_cols(), p.min_cycles_per_mvm()), (64, 16));
        assert_eq!(p.spacing_with_reads(16), [21, 16]);
        assert_eq!(
            (p.combine_width(), stream_cycles(&p).pattern),
            (8, vec![16])
        );
    }
}

//! Random test cases for a tile: weights, input vectors and column parameters in range,
//! reproducible from a seed.

use crate::config::{ConfigError, TileConfig, TileParams};
use crate::data::{ColumnParams, ColumnWrite, Weights};
use crate::TileModel;

/// A deterministic generator (SplitMix64), so a case is named by its seed alone.
pub struct CaseRng(u64);

impl CaseRng {
    /// The generator of case `seed`.
    pub fn new(seed: u64) -> Self {
        CaseRng(seed)
    }

    /// The next 64 uniform bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// The configuration `toml` (keys over the default preset) with `inputs.per_transfer` drawn
    /// from this generator, last, so the keys of `toml` are those the same seed gave before the
    /// key existed; checked valid.
    pub fn config_with_transfer(&mut self, toml: &str) -> Result<TileConfig, ConfigError> {
        let config = TileConfig::layered(None, toml)?;
        let per_transfer = self.per_transfer(config.array.rows_per_read);
        let config = config.with_key("inputs.per_transfer", &per_transfer.to_string())?;
        config.validate()?;
        Ok(config)
    }

    /// Input elements a transfer for a tile of `rows_per_read`: 1 half the time (the common
    /// port), else a uniform divisor of it up to 64 (`inputs.per_transfer`).
    fn per_transfer(&mut self, rows_per_read: i64) -> i64 {
        let divisors: Vec<i64> = (1..=rows_per_read.min(64))
            .filter(|w| rows_per_read % w == 0)
            .collect();
        if self.range(0, 1) == 0 {
            1
        } else {
            divisors[self.range(0, divisors.len() as i64 - 1) as usize]
        }
    }
}

/// `n` input vectors uniform over the input range, from `seed` (the calibration vectors of
/// `cimtile calibrate` and of the Python package's `Tile.calibrate`).
pub fn random_inputs(p: &TileParams, n: usize, seed: u64) -> Vec<Vec<i32>> {
    let mut rng = CaseRng::new(seed);
    let (lo, hi) = p.input_range();
    (0..n)
        .map(|_| (0..p.rows()).map(|_| rng.range(lo, hi) as i32).collect())
        .collect()
}

/// One test case: everything a tile needs for a run, all within the tile's ranges.
#[derive(Debug, Clone)]
pub struct Case {
    /// The weight matrix, R x C.
    pub weights: Weights,
    /// The input vectors, one per MVM, each of length R.
    pub inputs: Vec<Vec<i32>>,
    /// One `mult`, `shift`, `bias` per logical column.
    pub columns: Vec<ColumnParams>,
}

/// `mvms` input vectors and a weight matrix uniform over their ranges; column parameters are
/// the defaults on half the columns and small random values (so outputs are not all saturated)
/// on the others (a raw tile's are all the defaults).
pub fn random_case(p: &TileParams, mvms: usize, seed: u64) -> Case {
    let mut rng = CaseRng::new(seed);
    let wmax = p.weight_max();
    let weights = Weights {
        rows: p.rows(),
        cols: p.cols(),
        w: (0..p.rows() * p.cols())
            .map(|_| rng.range(-wmax, wmax) as i32)
            .collect(),
    };
    let (lo, hi) = p.input_range();
    let inputs = (0..mvms)
        .map(|_| (0..p.rows()).map(|_| rng.range(lo, hi) as i32).collect())
        .collect();
    let columns = (0..p.cols())
        .map(|_| {
            // A raw tile has the default parameters only (drawn all the same, so a raw tile's
            // case has the weights and inputs of the same seed with column parameters).
            if rng.range(0, 1) == 0 || p.raw_output() {
                ColumnParams::default()
            } else {
                ColumnParams {
                    mult: rng.range(-300, 300) as i16,
                    shift: rng.range(0, 12) as u8,
                    bias: rng.range(-5000, 5000) as i32,
                }
            }
        })
        .collect();
    Case {
        weights,
        inputs,
        columns,
    }
}

/// The golden model's outputs for `case`, input k at batch index k.
pub fn expected_outputs(p: &TileParams, case: &Case) -> Vec<Vec<i64>> {
    let model =
        TileModel::new(p, &case.weights, &case.columns).expect("a random case holds in the tile");
    model
        .mvm_batch(0, &case.inputs)
        .into_iter()
        .map(|r| r.out)
        .collect()
}

/// The golden model's outputs for `case` when column-parameter writes landed between vectors
/// (as a stream reports them): vector k sees every write made before it started. Panics on
/// data the tile cannot hold, which [`random_case`] never makes.
pub fn expected_with_writes(p: &TileParams, case: &Case, writes: &[ColumnWrite]) -> Vec<Vec<i64>> {
    let mut columns = case.columns.clone();
    let mut pending = writes.iter().peekable();
    let mut outputs = Vec::with_capacity(case.inputs.len());
    let mut model =
        TileModel::new(p, &case.weights, &columns).expect("a case and its writes hold in the tile");
    for (k, x) in case.inputs.iter().enumerate() {
        let mut changed = false;
        while let Some(w) = pending.next_if(|w| w.vector <= k) {
            columns[w.column] = w.params;
            changed = true;
        }
        if changed {
            model = TileModel::new(p, &case.weights, &columns)
                .expect("a case and its writes hold in the tile");
        }
        outputs.push(model.mvm(k as u32, x).out);
    }
    outputs
}

//! Weight-stationary mapping: how many tiles a layer takes and how many copies of it the chip
//! holds.

use crate::{ChipError, Layer};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// How many copies of each layer's weights the chip holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Replication {
    /// The largest power-of-two `Max(n)` (up to 1024) whose tiles are at most twice those of one
    /// copy: throughput bought with at most the area of a second copy.
    Auto,
    /// Throughput up to `n` times that of one copy: the slowest layer gets `n` copies, every
    /// other layer as many as it needs to keep up, `ceil(mvms / ceil(max_mvms / n))`. `Max(1)` is
    /// one copy of every weight.
    Max(u64),
}

impl FromStr for Replication {
    type Err = ChipError;

    fn from_str(text: &str) -> Result<Self, ChipError> {
        if text == "auto" {
            return Ok(Replication::Auto);
        }
        match text.parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Replication::Max(n)),
            _ => Err(ChipError::Replication(text.to_string())),
        }
    }
}

impl fmt::Display for Replication {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Replication::Auto => write!(f, "auto"),
            Replication::Max(n) => write!(f, "{n}"),
        }
    }
}

/// A layer's place on the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// `ceil(K / R)`: tiles along the layer's inputs, whose partial sums are added.
    pub row_tiles: u64,
    /// `ceil(N / C)`: tiles along the layer's outputs.
    pub col_tiles: u64,
    /// Copies of the layer's weights, each taking a share of its MVMs.
    pub copies: u64,
}

impl Placement {
    /// Tiles of one copy.
    pub fn tiles_per_copy(&self) -> u64 {
        self.row_tiles * self.col_tiles
    }
    /// Tiles of every copy.
    pub fn tiles(&self) -> u64 {
        self.tiles_per_copy() * self.copies
    }
}

fn place_all(layers: &[Layer], rows: u64, cols: u64, max: u64) -> Vec<Placement> {
    let slowest = layers.iter().map(|l| l.mvms).max().unwrap_or(1);
    let per_copy = slowest.div_ceil(max);
    layers
        .iter()
        .map(|l| Placement {
            row_tiles: (l.k as u64).div_ceil(rows),
            col_tiles: (l.n as u64).div_ceil(cols),
            copies: l.mvms.div_ceil(per_copy),
        })
        .collect()
}

/// The placement of every layer on tiles of `rows` x `cols` under `replication`, and the `n` of
/// `Max(n)` it resolved to.
pub fn place(
    layers: &[Layer],
    rows: u64,
    cols: u64,
    replication: Replication,
) -> (Vec<Placement>, u64) {
    let tiles = |p: &[Placement]| p.iter().map(Placement::tiles).sum::<u64>();
    match replication {
        Replication::Max(n) => (place_all(layers, rows, cols, n), n),
        Replication::Auto => {
            let single = tiles(&place_all(layers, rows, cols, 1));
            let mut best = (place_all(layers, rows, cols, 1), 1);
            for n in (1..=10).map(|e| 1u64 << e) {
                let placed = place_all(layers, rows, cols, n);
                if tiles(&placed) > 2 * single {
                    break;
                }
                best = (placed, n);
            }
            best
        }
    }
}

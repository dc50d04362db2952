#![deny(missing_docs)]

//! The tile of cimtile: one configuration that drives both the golden model and the RTL generator
//! (crate `cimtile-hdl`), and everything computed from the configuration alone.
//!
//! - [`config`]: the TOML configuration, presets, validation and derived sizes.
//! - [`data`]: weights, inputs and column parameters, with their CSV forms.
//! - [`golden`]: the golden model of `tile-arithmetic.md`, written from the spec alone.
//! - [`aging`]: a time since programming and the drift it sets.
//! - [`calibration`]: column parameters that correct an aged tile (spec section 7), measured
//!   through an [`MvmEngine`] as a host does on silicon.
//! - [`engine`]: [`MvmEngine`], a programmed tile that runs MVMs: the golden model here, the RTL
//!   in a simulator (crate `cimtile-cosim`), so callers reach the RTL without naming Verilator.
//! - [`random_case`]: reproducible random weights, inputs and column parameters.
//! - [`schedule`]: the order of conversions and the cycles per MVM the RTL runs.
//! - [`ppa`]: area, throughput and energy of a tile, every constant sourced.
//!
//! # Example
//!
//! Configure a tile, validate it, program weights and column parameters into the golden model
//! and run one matrix-vector multiply (MVM). The `default` preset is an ideal tile (exact ADC
//! steps, no noise, no device effects, no clipping) with default column parameters (`mult` 1,
//! `shift` and `bias` 0), so its output is exactly the integer product `W^T x`.
//!
//! ```
//! use cimtile_tile::data::{ColumnParams, Weights};
//! use cimtile_tile::{TileConfig, TileModel, TileParams};
//!
//! // A preset with a TOML overlay: the default 16x4 tile cut to 8 wordlines and 3 columns.
//! let config = TileConfig::layered(Some("default"), "[array]\nrows = 8\ncols = 3\n")?;
//! // Validation checks every range and derives the sizes: `TileParams` is the validated tile.
//! let p: TileParams = config.validate()?;
//! assert!(p.is_ideal());
//!
//! // Weights within +-(2^(Wb-1) - 1), row-major (`w[r * cols + c]`); inputs in their range.
//! let wmax = p.weight_max() as i32;
//! let w: Vec<i32> = (0..p.rows() * p.cols()).map(|i| (i as i32 * 5) % (2 * wmax + 1) - wmax).collect();
//! let weights = Weights { rows: p.rows(), cols: p.cols(), w };
//! let columns = vec![ColumnParams::default(); p.cols()];
//! let (lo, hi) = p.input_range();
//! let x: Vec<i32> = (0..p.rows() as i64).map(|r| (lo + 3 * r).min(hi) as i32).collect();
//!
//! // The golden model: cells programmed from the weights, then one MVM at batch index 0.
//! let model = TileModel::new(&p, &weights, &columns).unwrap();
//! let result = model.mvm(0, &x);
//!
//! // The plain integer W^T x.
//! let expected: Vec<i64> = (0..p.cols())
//!     .map(|c| (0..p.rows()).map(|r| weights.get(r, c) as i64 * x[r] as i64).sum())
//!     .collect();
//! assert_eq!(result.out, expected);
//! assert_eq!(result.ideal, expected);
//! # Ok::<(), cimtile_tile::config::ConfigError>(())
//! ```

pub mod aging;
pub mod calibration;
pub mod config;
pub mod data;
pub mod engine;
pub mod golden;
pub mod info;
pub mod ppa;
pub mod random_case;
pub mod schedule;

pub use config::{TileConfig, TileParams};
pub use data::{ColumnParams, Weights};
pub use engine::MvmEngine;
pub use golden::TileModel;

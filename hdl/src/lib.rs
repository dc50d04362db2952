#![warn(missing_docs)]

//! cimtile's hardware description: one tile configuration drives both the golden model and the
//! RTL generator.
//!
//! - [`config`]: the TOML configuration, presets, validation and derived sizes.
//! - [`data`]: weights, inputs and column parameters, with their CSV forms.
//! - [`golden`]: the golden model of `tile-arithmetic.md`, written from the spec alone.
//! - [`calibration`]: column parameters that correct an aged tile (spec section 7).
//! - [`ppa`]: area, throughput and energy of a tile, every constant sourced.

pub mod calibration;
pub mod config;
pub mod data;
pub mod golden;
pub mod ppa;

pub use config::{TileConfig, TileParams};
pub use data::{ColumnParams, Weights};
pub use golden::TileModel;
pub mod rtl;

//! The tile's RTL, written with rust-hdl: the digital periphery blocks and their composition.
pub mod activation_unit;
pub mod adc_mux_scheduler;
pub mod column_combiner;
pub mod tile_controller;

#![deny(missing_docs)]

//! The external tool flows over cimtile's generated RTL: [`synthesis`] (Yosys, per-block cells
//! and standard-cell area for the PPA model), [`pricing`] (a tile priced with its periphery
//! synthesized and its netlist's power), [`asic`] (the
//! periphery synthesized, placed and routed onto the OSU 0.18 um cells around the crossbar macro
//! as a hard block, timed by OpenSTA), [`fpga`] (the periphery, or the whole tile with the array
//! emulated, placed and routed on an ECP5 or iCE40 by nextpnr), [`power`] (the periphery
//! mapped flat onto its cell library and priced by its Liberty power tables) and [`prove`] (the
//! host rules proved by SymbiYosys).
//!
//! The flows draw nothing: they tell the caller what runs through a [`Status`], and the command
//! line turns that into a spinner.

pub mod asic;
pub mod fpga;
pub mod power;
pub mod pricing;
pub mod prove;
pub mod synthesis;

/// What a flow is doing, told to its caller as each tool starts (a sweep or a test passes
/// [`quiet`]; the command line shows it on a spinner).
pub type Status<'a> = &'a dyn Fn(&str);

/// A [`Status`] that shows nothing.
pub fn quiet(_: &str) {}

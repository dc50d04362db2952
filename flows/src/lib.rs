//! The external tool flows over cimtile's generated RTL: [`synthesis`] (Yosys, per-block cells
//! and standard-cell area for the PPA model) and [`asic`] (the periphery synthesized, placed and
//! routed onto the OSU 0.18 um cells around the crossbar macro as a hard block, timed by
//! OpenSTA). [`progress`] draws their progress on a terminal.

pub mod asic;
pub mod progress;
pub mod synthesis;

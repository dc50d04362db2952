//! The external tool flows over cimtile's generated RTL: [`synthesis`] (Yosys, per-block cells
//! and standard-cell area for the PPA model), [`asic`] (the periphery synthesized, placed and
//! routed onto the OSU 0.18 um cells around the crossbar macro as a hard block, timed by
//! OpenSTA) and [`fpga`] (the periphery, or the whole tile with the array emulated, placed and
//! routed on an ECP5 or iCE40 by nextpnr); [`ppa`] prices a tile (and a chip of tiles) with its
//! periphery synthesized. [`progress`] draws their progress on a terminal.

pub mod asic;
pub mod fpga;
pub mod ppa;
pub mod progress;
pub mod synthesis;

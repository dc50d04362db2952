//! Level 2: the flows (FPGA, ASIC, formal proofs, synthesis and measured activity for `ppa`),
//! networks, chips and sweeps, and the manual. docs/verification.md lists the levels.

#[path = "../common/mod.rs"]
mod common;

mod asic;
mod chip_rtl;
mod cli_chip;
mod cli_net;
mod cli_onnx;
mod cli_sweep;
mod docs;
mod fpga;
mod power_signoff;
mod ppa_synthesis;
mod prove;

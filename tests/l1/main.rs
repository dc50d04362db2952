//! Level 1: the generated RTL simulated and linted: Verilator co-simulation against the golden
//! model (bare and through the AXI top), Icarus, the regression traces, the `cosim`, `run
//! --engine rtl` and `generate` commands, and the RTL's quality gates. docs/verification.md
//! lists the levels.

#[path = "../common/mod.rs"]
mod common;

mod axi;
mod cli_cosim;
mod cli_rtl;
mod cosim;
mod rtl_quality;
mod traces;

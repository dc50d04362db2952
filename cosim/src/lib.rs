//! cimtile's own Verilator bindings.
//!
//! - [`verilog_ports`] reads the top module's ports from generated Verilog.
//! - [`shim`] writes a small C ABI (C++ over the Verilated model) for exactly those ports.
//! - [`verilator_build`] builds Verilog + shim into a shared library with Verilator 5, cached by
//!   a hash of the Verilog, the shim and the flags, under a file lock.
//! - [`simulator`] loads that library: a safe handle that owns its own `VerilatedContext`.
//! - [`tile_driver`] drives a `cim_tile`: reset, programming, streams with backpressure and
//!   gaps, cycle counts, VCD.
//! - [`rtl_run`] is the whole build, program, stream and time sequence as one call;
//!   [`protocol_checker`] checks the host-interface rules on every simulated cycle.
//! - [`axi_driver`] drives the AXI top of `generate --bus axi` the same way through AXI4-Lite
//!   and AXI4-Stream; [`axi_protocol_checker`] checks the AXI rules on every cycle.
//! - [`waveform`] reads a VCD back as a table; [`random_case`] makes reproducible cases and
//!   [`replay_case`] keeps the ones that mismatch.

pub mod axi_driver;
pub mod axi_protocol_checker;
pub mod icarus;
pub mod protocol_checker;
pub mod random_case;
pub mod replay_case;
pub mod rtl_run;
pub mod shim;
pub mod simulator;
pub mod tile_driver;
pub mod verilator_build;
pub mod verilog_ports;
pub mod waveform;

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CosimError {
    #[error("verilator is not installed (run scripts/setup, or apt-get install verilator)")]
    VerilatorMissing,
    #[error("{tool} failed (log: {log_path}):\n{log_tail}")]
    ToolFailed { tool: String, log_path: PathBuf, log_tail: String },
    #[error("cannot load the Verilated model '{path}': {message}")]
    Load { path: PathBuf, message: String },
    #[error("the top module has no port '{0}'")]
    MissingPort(String),
    #[error("cannot parse the top module's ports: {0}")]
    Ports(String),
    #[error("RTL generation failed: {0}")]
    Generate(String),
    #[error("the RTL produced {got} of {expected} results within {cycles} cycles: it stalled")]
    Stalled { got: usize, expected: usize, cycles: u64 },
    #[error("{0}")]
    Protocol(protocol_checker::Violation),
    #[error("{0}")]
    Axi(axi_protocol_checker::AxiViolation),
    #[error("{0}")]
    AxiStalled(String),
    #[error("the AXI4-Lite write of 0x{data:08x} to 0x{addr:02x} was answered SLVERR")]
    AxiRefused { addr: u32, data: u32 },
    #[error("generated RTL in '{dir}': {problem}")]
    Generated { dir: PathBuf, problem: String },
    #[error("cannot open VCD file '{0}'")]
    Trace(PathBuf),
    // The cause is in the message, not a `source`: printed with its chain, it would show twice.
    #[error("{context}: {error}")]
    Io { context: String, error: std::io::Error },
}

pub(crate) fn io_error(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> CosimError {
    let context = context.into();
    move |error| CosimError::Io { context, error }
}

/// The last `lines` lines of a tool's log, for an error message.
pub(crate) fn log_tail(log: &str, lines: usize) -> String {
    let tail: Vec<&str> = log.lines().rev().take(lines).collect();
    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
}

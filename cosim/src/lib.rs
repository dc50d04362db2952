#![deny(missing_docs)]

//! cimtile's own Verilator bindings.
//!
//! - [`verilog_ports`] reads the top module's ports from generated Verilog.
//! - [`shim`] writes a small C ABI (C++ over the Verilated model) for exactly those ports.
//! - [`verilator_build`] builds Verilog + shim into a shared library with Verilator 5, cached by
//!   a hash of the Verilog, the shim and the flags, under a file lock.
//! - [`sim_macro`] chooses the crossbar macro of a Verilator build: the DPI-C macro (default,
//!   conversions in C++) or the behavioral Verilog macro that `generate` ships.
//! - [`simulator`] loads that library: a safe handle that owns its own `VerilatedContext`.
//! - [`tile_driver`] drives a `cim_tile`: reset, programming, streams with backpressure and
//!   gaps, cycle counts, VCD.
//! - [`rtl_run`] is the whole build, program, stream and time sequence as one call, on either
//!   driver; [`protocol_checker`] checks the host-interface rules on every simulated cycle.
//! - [`axi_driver`] drives the AXI top of `generate --bus axi` the same way through AXI4-Lite
//!   and AXI4-Stream; [`axi_protocol_checker`] checks the AXI rules on every cycle.
//! - [`waveform`] reads a VCD back as a table; [`replay_case`] keeps the cases that mismatch.
//! - [`activity`] measures the periphery's switching per block: a stream traced with every
//!   signal, its VCD's bit toggles counted.
//! - [`icarus`] runs the same RTL under Icarus Verilog, a second simulator, from CSV files.
//! - [`engine`]: the RTL as a `cimtile_tile::MvmEngine`, so that libraries reach it without
//!   naming Verilator.
//!
//! # Example
//!
//! Generate the RTL of a tile, build it with Verilator, program it, stream input vectors
//! through it and compare every output with the golden model. Not run here: it needs
//! Verilator 5 installed (`scripts/setup`).
//!
//! ```no_run
//! use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
//! use cimtile_tile::data::{ColumnParams, Weights};
//! use cimtile_tile::{TileConfig, TileModel};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let p = TileConfig::from_preset("default")?.validate()?;
//! let wmax = p.weight_max() as i32;
//! let w: Vec<i32> = (0..p.rows() * p.cols()).map(|i| (i as i32 * 5) % (2 * wmax + 1) - wmax).collect();
//! let weights = Weights { rows: p.rows(), cols: p.cols(), w };
//! let columns = vec![ColumnParams::default(); p.cols()];
//! let (lo, hi) = p.input_range();
//! let inputs: Vec<Vec<i32>> =
//!     (0..4).map(|k| (0..p.rows() as i64).map(|r| (lo + (3 * r + k) % (hi - lo + 1)) as i32).collect()).collect();
//!
//! // Generate the Verilog, build it (cached) and load it; the tile comes out of reset.
//! let mut rtl = TileRtl::build(&p)?;
//! rtl.program_weights(&weights)?;
//! rtl.program_columns(&columns)?;
//! // Stream every vector, without gaps or backpressure; the host interface's rules are
//! // checked on every cycle.
//! let run = rtl.stream(&inputs, &Stimulus::default())?;
//!
//! // The golden model of the same tile: MVM k of the stream has batch index k.
//! let model = TileModel::new(&p, &weights, &columns).unwrap();
//! for (k, (x, got)) in inputs.iter().zip(&run.outputs).enumerate() {
//!     assert_eq!(got, &model.mvm(k as u32, x).out);
//! }
//! println!("{} MVMs in {} cycles", inputs.len(), run.cycles);
//! # Ok(())
//! # }
//! ```

pub mod activity;
pub mod axi_driver;
pub mod axi_protocol_checker;
pub mod engine;
pub mod icarus;
pub mod protocol_checker;
pub mod replay_case;
pub mod rtl_run;
pub mod shim;
pub mod sim_macro;
pub mod simulator;
pub mod tile_driver;
pub mod verilator_build;
pub mod verilog_ports;
pub mod waveform;

use std::path::PathBuf;

/// Everything that can go wrong in a co-simulation, from a missing Verilator to a stalled or
/// rule-breaking RTL.
#[derive(Debug, thiserror::Error)]
pub enum CosimError {
    /// `verilator` is not on the `PATH`.
    #[error("verilator is not installed (run scripts/setup, or apt-get install verilator)")]
    VerilatorMissing,
    /// Another tool is not on the `PATH` (the message says which and how to install it).
    #[error("{0} is not installed")]
    ToolMissing(String),
    /// An external tool (Verilator building the model, or Icarus) failed.
    #[error("{tool} failed (log: {log_path}):\n{log_tail}")]
    ToolFailed {
        /// The tool's name, as it was run.
        tool: String,
        /// Where its whole log was written.
        log_path: PathBuf,
        /// The last lines of that log.
        log_tail: String,
    },
    /// The built shared library could not be loaded, or lacks a symbol of the shim.
    #[error("cannot load the Verilated model '{path}': {message}")]
    Load {
        /// The shared library.
        path: PathBuf,
        /// The loader's message.
        message: String,
    },
    /// A port the driver needs is missing from the top module.
    #[error("the top module has no port '{0}'")]
    MissingPort(String),
    /// The top module's port list could not be read from the Verilog.
    #[error("cannot parse the top module's ports: {0}")]
    Ports(String),
    /// The RTL generator refused the tile, or generated RTL that does not fit the driver.
    #[error("RTL generation failed: {0}")]
    Generate(String),
    /// The RTL stopped producing results before every vector's came out.
    #[error("the RTL produced {got} of {expected} results within {cycles} cycles: it stalled")]
    Stalled {
        /// Result vectors received.
        got: usize,
        /// Result vectors expected: one per input vector.
        expected: usize,
        /// Clock cycles simulated before giving up.
        cycles: u64,
    },
    /// The tile broke a rule of its host interface (see [`protocol_checker`]).
    #[error("{0}")]
    Protocol(protocol_checker::Violation),
    /// An assertion bound into the RTL failed (Verilator `--assert`): its message, with the
    /// rule's name, is on standard output.
    #[error("a host-rule assertion of the RTL failed in simulated cycle {0} (its name and message are on standard output)")]
    Assertion(u64),
    /// The AXI wrapper broke an AXI rule (see [`axi_protocol_checker`]).
    #[error("{0}")]
    Axi(axi_protocol_checker::AxiViolation),
    /// An AXI transaction got no response in time; the message names it.
    #[error("{0}")]
    AxiStalled(String),
    /// The AXI wrapper answered a register write with SLVERR.
    #[error("the AXI4-Lite write of 0x{data:08x} to 0x{addr:02x} was answered SLVERR")]
    AxiRefused {
        /// The register's byte address.
        addr: u32,
        /// The value written.
        data: u32,
    },
    /// A directory of `cimtile generate` output is incomplete, inconsistent or hand-edited.
    #[error("generated RTL in '{dir}': {problem}")]
    Generated {
        /// The directory.
        dir: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The VCD of a measurement could not be read back.
    #[error("{0}")]
    Waveform(waveform::WaveError),
    /// The VCD file could not be opened for writing.
    #[error("cannot open VCD file '{0}'")]
    Trace(PathBuf),
    /// A file or process operation failed.
    // The cause is in the message, not a `source`: printed with its chain, it would show twice.
    #[error("{context}: {error}")]
    Io {
        /// What was being done, and on which path.
        context: String,
        /// The operating system's error.
        error: std::io::Error,
    },
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

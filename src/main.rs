//! `cimtile`: generate the digital periphery of an analog compute-in-memory tile as Verilog and
//! prove it bit-exact against the golden model. This binary is the command line and the glue;
//! the work is done by the library crates (docs/architecture.md): `cimtile-tile`
//! (configuration, golden model, PPA model), `cimtile-hdl` (RTL), `cimtile-cosim` (Verilator),
//! `cimtile-flows` (Yosys, nextpnr, qflow, SymbiYosys), `cimtile-net`, `cimtile-chip`, `cimtile-sweep`.
//!
//! Exit codes: 0 success, 1 a co-simulation mismatch or a broken rule, 2 an error (bad input,
//! missing tool), 3 a proof that holds only for its depth.

mod asic;
mod calibrate;
mod chip;
mod chip_rtl;
mod cli;
mod completions;
mod cosim;
mod faults;
mod fpga;
mod generate;
mod info;
mod net;
mod ppa;
mod progress;
mod prove;
mod run;
mod sweep;
mod tile_source;
mod wave;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_sigpipe();
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Info(a) => info::info(&a),
        cli::Command::Run(a) => run::run(&a),
        cli::Command::Generate(a) => generate::generate(&a),
        cli::Command::Cosim(a) => cosim::cosim(&a),
        cli::Command::Wave(a) => wave::wave(&a),
        cli::Command::Net(a) => net::net(&a),
        cli::Command::Sweep(a) => sweep::sweep(&a),
        cli::Command::Faults(a) => faults::faults(&a),
        cli::Command::Calibrate(a) => calibrate::calibrate(&a),
        cli::Command::Ppa(a) => ppa::ppa(&a),
        cli::Command::Fpga(a) => fpga::fpga(&a),
        cli::Command::Completions(a) => completions::completions(&a),
        cli::Command::Man(a) => completions::man(&a),
        cli::Command::Chip(a) => chip::chip(&a),
        cli::Command::Asic(a) => asic::asic(&a),
        cli::Command::Prove(a) => prove::prove(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cimtile: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that closes the pipe early (`cimtile info | head -1`) ends the command quietly, as
/// it does any Unix tool: Rust ignores SIGPIPE, which makes `println!` panic on the closed pipe.
/// No child process is fed through a pipe, so nothing else depends on ignoring it.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: first thing in main, before any thread starts; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

//! `cimtile`: generate the digital periphery of an analog compute-in-memory tile as Verilog and
//! prove it bit-exact against the golden model. This binary is the command line and the glue;
//! the work is done by `cimtile-hdl` (configuration, golden model, RTL) and `cimtile-cosim`
//! (Verilator co-simulation).
//!
//! Exit codes: 0 success, 1 a co-simulation mismatch or a broken rule, 2 an error (bad input,
//! missing tool), 3 a proof that holds only for its depth.

mod calibrate;
mod cli;
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
mod synthesis;
mod tile_source;
mod wave;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
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

//! The command-line grammar.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "cimtile", version, about = "Generate and verify the digital periphery of an analog CIM tile")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Print the derived sizes, widths and cycle budget of a tile.
    Info(InfoArgs),
    /// Run input vectors through a programmed tile.
    Run(RunArgs),
    /// Write the tile's Verilog, a filelist and a manifest.
    Generate(GenerateArgs),
    /// Run random cases through the RTL and the golden model and compare them bit for bit.
    Cosim(CosimArgs),
    /// Print signals of a VCD waveform as a table over time.
    Wave(WaveArgs),
    /// Synthesize, place and route the periphery on an FPGA and print its size and fmax.
    Fpga(FpgaArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Put before every module name, so that several tiles can live in one design.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
}

/// Which tile: a preset, a config file laid over the default preset, or both.
#[derive(Args, Clone)]
pub struct TileArgs {
    /// TOML configuration file; its keys override the preset's.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Named preset: default, isaac, neurram.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
}

#[derive(Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub tile: TileArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// The golden model.
    Model,
    /// The generated RTL, simulated by Verilator.
    Rtl,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Weights: R lines of C integers (line r = the weights on wordline r).
    #[arg(long, value_name = "W.csv")]
    pub weights: PathBuf,
    /// Inputs: N lines of R integers, one input vector per line.
    #[arg(long, value_name = "X.csv")]
    pub inputs: PathBuf,
    /// Column parameters: C lines `mult,shift,bias` (default 1,0,0 for every column).
    #[arg(long, value_name = "C.csv")]
    pub columns: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "model")]
    pub engine: Engine,
    /// Write the outputs here instead of stdout.
    #[arg(long, value_name = "Y.csv")]
    pub out: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "R.json")]
    pub report: Option<PathBuf>,
    /// With --engine rtl: write the waveform of the run here.
    #[arg(long, value_name = "FILE.vcd")]
    pub vcd: Option<PathBuf>,
}

#[derive(Args)]
pub struct CosimArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Random input vectors to run through both engines.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub mvms: u64,
    /// Seed of the random weights, inputs and column parameters.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where a mismatch writes its replayable case and VCD (default: ./cimtile-mismatch-SEED).
    #[arg(long, value_name = "DIR")]
    pub vcd_on_mismatch: Option<PathBuf>,
}

#[derive(Args)]
pub struct WaveArgs {
    /// A VCD file, such as one written by `cimtile run --engine rtl --vcd`.
    pub file: PathBuf,
    /// Signals to show: a glob over hierarchical names (`*valid*`); default: the top's ports.
    #[arg(long, value_name = "PATTERN")]
    pub signals: Option<String>,
    /// First time to show (VCD time units).
    #[arg(long, value_name = "T")]
    pub from: Option<u64>,
    /// Last time to show.
    #[arg(long, value_name = "T")]
    pub to: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Family {
    /// Lattice ECP5 (Yosys synth_ecp5, nextpnr-ecp5).
    Ecp5,
    /// Lattice iCE40 (Yosys synth_ice40, nextpnr-ice40).
    Ice40,
}

#[derive(Args)]
pub struct FpgaArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    #[arg(long, value_enum)]
    pub family: Family,
    /// Device of the family: ECP5 12k, 25k, 45k, 85k (default), um-/um5g- variants; iCE40 hx8k (default), hx1k, lp8k, up5k ...
    #[arg(long, value_name = "D")]
    pub device: Option<String>,
    /// Package (default: CABGA381 for ECP5, ct256 for the iCE40 HX8K).
    #[arg(long, value_name = "P")]
    pub package: Option<String>,
    /// Clock target in MHz for timing-driven placement (default: 125 on ECP5, 66 on iCE40).
    #[arg(long, value_name = "MHZ", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub freq: Option<u32>,
    /// nextpnr's placement seed: fmax moves by several percent from seed to seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Give up on a tool that runs longer than this.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Write the figures as JSON here.
    #[arg(long, value_name = "R.json")]
    pub json: Option<PathBuf>,
    /// Keep the work directory (Verilog, scripts, netlist, logs, nextpnr report) here.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

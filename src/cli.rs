//! The command-line grammar.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "cimtile",
    version,
    about = "Generate and verify the digital periphery of an analog CIM tile",
    help_template = "{name} {version}: {about}\n\n{usage-heading} {usage}\n\n{all-args}"
)]
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
    /// Run a network (ONNX graph or NumPy MLP) on tiles: quantize it to the tile, measure its accuracy.
    Net(NetArgs),
    /// Run a job at every point of a cross product of configuration values; plot the results.
    Sweep(SweepArgs),
    /// List the tile's stuck cells (spec v2), so that a host can map weights around them.
    Faults(FaultsArgs),
    /// Choose column parameters that bring a drifted, faulty or IR-dropped tile back to its fresh self.
    Calibrate(CalibrateArgs),
    /// Estimate area, throughput, energy per MVM and TOPS/W, every constant sourced.
    Ppa(PpaArgs),
    /// Synthesize, place and route the periphery on an FPGA and print its size and fmax.
    Fpga(FpgaArgs),
    /// Synthesize, place and route the periphery onto OSU 0.18 um cells around the crossbar macro; time it.
    Asic(AsicArgs),
    /// Map a network onto a chip of tiles: latency, throughput, energy and area per layer.
    Chip(ChipArgs),
    /// Print the shell completion script for bash, zsh or fish.
    Completions(CompletionsArgs),
    /// Print the man page (roff) of cimtile, or write it and one page per subcommand into a directory.
    Man(ManArgs),
    /// Prove the host rules with SymbiYosys (docs/formal.md).
    Prove(ProveArgs),
}

#[derive(Args)]
pub struct ProveArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Where to generate the tile and run the job (the counterexample VCD lands under it).
    #[arg(
        long,
        value_name = "DIR",
        default_value = "proof",
        conflicts_with = "dir"
    )]
    pub out: PathBuf,
    /// Prove a directory `cimtile generate` wrote instead (its .sby job as it is).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["config", "preset"])]
    pub dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write cimtile.1 and cimtile-SUBCOMMAND.1 here instead of printing cimtile.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish (also elvish, powershell).
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ChipArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// The network, in a format `cimtile net` reads (docs/networks.md): its weight layers are mapped.
    #[arg(long, value_name = "M")]
    pub model: PathBuf,
    /// Write every figure, per layer and per component, with the constants used, as JSON here.
    #[arg(long, value_name = "R.json")]
    pub json: Option<PathBuf>,
    /// Copies of the weights: 1 (one copy of every weight), N (throughput up to N times: the
    /// slowest layer gets N copies, the others what they need to keep up) or auto.
    #[arg(long, value_name = "auto|N", default_value = "1")]
    pub replicate: String,
    /// Skip the synthesis of the tile's periphery (Yosys): the PPA model's fast estimate.
    #[arg(long)]
    pub no_synth: bool,
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
    /// Skip the synthesis (Yosys) that puts cells, logic depth and PPA figures into the manifest.
    #[arg(long)]
    pub no_synth: bool,
    /// Put a bus wrapper around the tile: `axi` adds AXI4-Lite (programming, status, counters)
    /// and AXI4-Stream (inputs, results) under the top cim_axi_tile.
    #[arg(long, value_enum, value_name = "BUS")]
    pub bus: Option<BusArg>,
    /// The crossbar macro in the file set.
    #[arg(long = "macro", value_enum, default_value = "behavioral")]
    pub crossbar: MacroChoice,
    /// Generate the chip of this network instead of one tile (an ONNX graph or an .npz MLP):
    /// one tile per weight tile, the memories, feeders, adders and sequencer between them
    /// (docs/chip.md). Weights and requantization are programmed, not built in.
    #[arg(long, value_name = "M.onnx|M.npz", conflicts_with_all = ["bus", "prefix"])]
    pub model: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BusArg {
    /// AXI4-Lite slave and AXI4-Stream slave and master.
    Axi,
}

/// Which crossbar macro the tile instantiates.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MacroChoice {
    /// The behavioral model of the analog array: simulation only (a black box in synthesis).
    Behavioral,
    /// The array emulated bit for bit in synthesizable logic, for a tile on an FPGA (needs
    /// adc.cycles long enough for its pipeline; generate names the smallest).
    Emulated,
}

impl MacroChoice {
    pub fn crossbar(self) -> cimtile_hdl::Crossbar {
        match self {
            MacroChoice::Behavioral => cimtile_hdl::Crossbar::Behavioral,
            MacroChoice::Emulated => cimtile_hdl::Crossbar::Emulated,
        }
    }
}

/// Which crossbar a Verilator co-simulation runs (`run --engine rtl`, `cosim`): the behavioral
/// macro as C++ through DPI-C (the default) or as its Verilog, or the emulated crossbar.
#[derive(Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SimMacroChoice {
    /// The behavioral macro with its conversions computed in C++ through DPI-C (Verilator only):
    /// same ports, timing and results as its Verilog, much faster on large tiles.
    #[default]
    Dpi,
    /// The behavioral macro's Verilog, as generate ships it (also spelled `verilog`).
    #[value(alias = "verilog")]
    Behavioral,
    /// The array emulated bit for bit in synthesizable logic, for a tile on an FPGA.
    Emulated,
}

impl SimMacroChoice {
    pub fn crossbar(self) -> cimtile_hdl::Crossbar {
        match self {
            SimMacroChoice::Dpi | SimMacroChoice::Behavioral => cimtile_hdl::Crossbar::Behavioral,
            SimMacroChoice::Emulated => cimtile_hdl::Crossbar::Emulated,
        }
    }

    /// The model behind a behavioral crossbar.
    pub fn sim_macro(self) -> cimtile_cosim::sim_macro::Macro {
        match self {
            SimMacroChoice::Behavioral => cimtile_cosim::sim_macro::Macro::Verilog,
            SimMacroChoice::Dpi | SimMacroChoice::Emulated => cimtile_cosim::sim_macro::Macro::Dpi,
        }
    }

    /// The `--macro` option that chooses it again, empty for the default.
    pub fn option(self) -> &'static str {
        match self {
            SimMacroChoice::Dpi => "",
            SimMacroChoice::Behavioral => " --macro behavioral",
            SimMacroChoice::Emulated => " --macro emulated",
        }
    }
}

/// Which tile: a preset, a config file laid over the default preset, or both.
#[derive(Args, Clone)]
pub struct TileArgs {
    /// TOML configuration file; its keys override the preset's.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_name = "NAME", help = preset_help())]
    pub preset: Option<String>,
}

/// The `--preset` help, listing the presets the library has.
fn preset_help() -> String {
    let names: Vec<&str> = cimtile_tile::config::PRESETS
        .iter()
        .map(|p| p.name)
        .collect();
    format!("Named preset: {}", names.join(", "))
}

#[derive(Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    #[command(flatten)]
    pub age: AgeArgs,
    /// Skip the synthesis (Yosys) behind the cells and logic depth per block.
    #[arg(long)]
    pub no_synth: bool,
}

/// A time since programming: sets `analog.drift` by the configuration's drift law.
#[derive(Args, Clone)]
pub struct AgeArgs {
    /// Time since programming, e.g. 90s, 1h, 30d, 2w, 1y (units s, m, h, d, w, y = 365.25 d):
    /// sets analog.drift from g(t) = g(t0) (t/t0)^-nu with analog.drift_t0 and analog.drift_nu.
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub age: Option<Age>,
}

pub use cimtile_tile::aging::{parse_age, Age};

#[derive(Args)]
pub struct FaultsArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Write the CSV here instead of stdout.
    #[arg(long, value_name = "F.csv")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    #[command(flatten)]
    pub age: AgeArgs,
    /// Weights: R lines of C integers.
    #[arg(long, value_name = "W.csv")]
    pub weights: PathBuf,
    /// The intended column parameters (default 1,0,0 for every column).
    #[arg(long, value_name = "C.csv")]
    pub columns: Option<PathBuf>,
    /// Where to write the calibrated column parameters.
    #[arg(long, value_name = "C2.csv")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value = "model")]
    pub engine: Engine,
    /// Calibration vectors, and as many held-out vectors.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub vectors: u64,
    /// Seed of the calibration vectors; the held-out vectors use seed + 1.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write a JSON report here.
    #[arg(long, value_name = "R.json")]
    pub report: Option<PathBuf>,
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
    #[command(flatten)]
    pub age: AgeArgs,
    /// Write the outputs here instead of stdout.
    #[arg(long, value_name = "Y.csv")]
    pub out: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "R.json")]
    pub report: Option<PathBuf>,
    /// With --engine rtl: write the waveform of the run here.
    #[arg(long, value_name = "FILE.vcd")]
    pub vcd: Option<PathBuf>,
    /// With --engine rtl: the crossbar macro (default dpi: the behavioral macro in C++ through
    /// DPI-C; behavioral, or verilog: its Verilog).
    #[arg(long = "macro", value_enum, value_name = "MACRO")]
    pub crossbar: Option<SimMacroChoice>,
}

#[derive(Args)]
pub struct CosimArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// A directory written by `cimtile generate` to run instead of generating the RTL: its
    /// Verilog must match its manifest, whose configuration the golden model then uses.
    #[arg(long, value_name = "DIR")]
    pub rtl: Option<PathBuf>,
    /// Random input vectors to run through both engines.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub mvms: u64,
    /// Seed of the random weights, inputs and column parameters (with --model: of the host's
    /// --gaps and --backpressure).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where a mismatch writes its replayable case and VCD (default: ./cimtile-mismatch-SEED).
    #[arg(long, value_name = "DIR")]
    pub vcd_on_mismatch: Option<PathBuf>,
    /// The crossbar macro of the generated RTL (default dpi: the behavioral macro in C++ through
    /// DPI-C; behavioral, or verilog: its Verilog; with --rtl the directory's).
    #[arg(long = "macro", value_enum, value_name = "MACRO")]
    pub crossbar: Option<SimMacroChoice>,
    /// `axi`: drive the AXI top (`generate --bus axi`) through AXI4-Lite and AXI4-Stream, its
    /// AXI rules checked on every cycle; with --rtl, the directory's AXI top instead of its tile.
    #[arg(long, value_enum, value_name = "BUS")]
    pub bus: Option<BusArg>,
    /// Percent of cycles on which the host holds back an input element that is waiting (below
    /// 100: at 100 no input would ever go in).
    #[arg(long, value_name = "PERCENT", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=99))]
    pub gaps: u32,
    /// Percent of cycles on which the host refuses a result (below 100, as --gaps).
    #[arg(long, value_name = "PERCENT", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=99))]
    pub backpressure: u32,
    /// Co-simulate the chip of this network (`generate --model`) against `cimtile net`'s tile
    /// path, image by image, instead of one tile on random cases. Needs --data.
    #[arg(long, value_name = "M.onnx|M.npz", conflicts_with_all = ["rtl", "bus", "mvms", "vcd_on_mismatch"])]
    pub model: Option<PathBuf>,
    /// With --model: the test set (x, y, optionally calib), as `cimtile net --data` takes it.
    #[arg(long, value_name = "D.npz", requires = "model")]
    pub data: Option<PathBuf>,
    /// With --model: test images to stream through the chip (default: all).
    #[arg(long, value_name = "N", requires = "model", value_parser = clap::value_parser!(u64).range(1..))]
    pub images: Option<u64>,
    /// With --model: write the figures (images, bit_exact, accuracy, cycles, speed) here as JSON.
    #[arg(long, value_name = "R.json", requires = "model")]
    pub json: Option<PathBuf>,
    /// With --model: write the chip's waveform (every signal) here.
    #[arg(long, value_name = "F.vcd", requires = "model")]
    pub vcd: Option<PathBuf>,
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

#[derive(Args)]
pub struct NetArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// The model: an ONNX graph (M.onnx, docs/onnx.md) or an MLP in NumPy arrays (w0, b0, w1,
    /// b1, ... and calib; docs/networks.md, "The .npz format").
    #[arg(long, value_name = "M.onnx|M.npz")]
    pub model: PathBuf,
    /// The test set: x (images, shaped like the model's input, N first), y (labels) and
    /// optionally calib (images for the activation ranges of an ONNX model).
    #[arg(long, value_name = "D.npz")]
    pub data: PathBuf,
    /// `rtl` also runs every tile MVM of the first --rtl-images images through Verilator.
    #[arg(long, value_enum, default_value = "model")]
    pub engine: Engine,
    #[command(flatten)]
    pub age: AgeArgs,
    /// Calibrate every tile's column parameters for its (aged) device before the images run:
    /// reads of known inputs fitted to the exact W^T x of the programmed weights.
    #[arg(long)]
    pub calibrate: bool,
    /// Test images to run (default: all).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub images: Option<u64>,
    /// With --engine rtl: images whose tile MVMs run on the RTL.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub rtl_images: usize,
    /// Write a JSON report here.
    #[arg(long, value_name = "R.json")]
    pub report: Option<PathBuf>,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    pub merge: Option<SweepCommand>,
    #[command(flatten)]
    pub run: SweepRunArgs,
}

#[derive(Subcommand)]
pub enum SweepCommand {
    /// Join the results of shards (or interrupted runs) into one results.csv and its plots.
    Merge(MergeArgs),
}

#[derive(Args)]
pub struct MergeArgs {
    /// Sweep directories, each written by `cimtile sweep --out`.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JobKind {
    /// `cimtile net`: accuracy of a model (--model, --data, --images; `--set model=A,B` sweeps models).
    Net,
    /// `cimtile cosim`: random MVMs through the RTL and the model (--mvms, --seed).
    Cosim,
    /// `cimtile ppa`: area, MVMs/s, energy per MVM, TOPS/W on random data (--mvms, --seed).
    Ppa,
    /// `cimtile chip` and `net`: chip energy and accuracy of a model (--model, --data, --images;
    /// `--set replicate=1,4,auto`, `--set synth=off` for the fast tile model).
    Chip,
}

#[derive(Args)]
pub struct SweepRunArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// KEY=VALUES: a configuration key (adc.bits) or a key of the job (model), and a list (3,4,6)
    /// or inclusive integer range (3..8); repeat for a cross product.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true)]
    pub sets: Vec<String>,
    // --job and --out are Options only so that `sweep merge` parses without them; clap requires
    // them otherwise.
    /// What runs at each point.
    #[arg(long, value_enum, required = true)]
    pub job: Option<JobKind>,
    /// Sweep directory: sweep.json, results.csv and the plots.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: Option<PathBuf>,
    /// Run only points whose index modulo N is I (0-based: 0..N-1, as SLURM_ARRAY_TASK_ID).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Points run in parallel (default: all cores).
    #[arg(long, value_name = "J", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: Option<usize>,
    /// net and chip jobs: the model (ONNX or .npz MLP).
    #[arg(long, value_name = "M.onnx|M.npz")]
    pub model: Option<PathBuf>,
    /// net and chip jobs: the test set.
    #[arg(long, value_name = "D.npz")]
    pub data: Option<PathBuf>,
    /// net and chip jobs: test images per point (default: all).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub images: Option<u64>,
    /// cosim and ppa jobs: random MVMs per point.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub mvms: u64,
    /// cosim and ppa jobs: seed of the random cases.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Args)]
pub struct PpaArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Write every figure, with the constants used, as JSON here.
    #[arg(long, value_name = "R.json")]
    pub json: Option<PathBuf>,
    /// Skip the synthesis: the digital periphery is left out of area and energy.
    #[arg(long)]
    pub no_synth: bool,
    /// Workload weights for the crossbar read energy (default: uniform random from --seed).
    #[arg(long, value_name = "W.csv", requires = "inputs")]
    pub weights: Option<PathBuf>,
    /// Workload input vectors (default: uniform random from --seed).
    #[arg(long, value_name = "X.csv", requires = "weights")]
    pub inputs: Option<PathBuf>,
    /// Random input vectors of the default workload.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub mvms: u64,
    /// Seed of the default workload.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Price the periphery at the activity of every RTL signal measured by running the
    /// workload through the RTL in Verilator: the default wherever Verilator is installed.
    #[arg(long, conflicts_with_all = ["no_synth", "activity"])]
    pub measure_activity: bool,
    /// Price the periphery at a uniform activity instead: every net A transitions per clock
    /// cycle (the clock two), what OpenSTA's `set_power_activity -global -activity A` means.
    #[arg(long, value_name = "A", conflicts_with = "no_synth", value_parser = parse_activity)]
    pub activity: Option<f64>,
    /// Leave the priced netlist here: netlist.v (top cim_tile, the crossbar a black box),
    /// macro.lib (the crossbar's Liberty model), constraints.sdc and library.txt.
    #[arg(long, value_name = "DIR", conflicts_with = "no_synth")]
    pub keep: Option<PathBuf>,
}

/// An activity: a finite number of transitions per cycle, 0 to 2.
fn parse_activity(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(a) if (0.0..=2.0).contains(&a) => Ok(a),
        Ok(a) => Err(format!("must be in 0..=2 transitions per cycle, not {a}")),
        Err(_) => Err(format!("'{text}' is not a number")),
    }
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
    /// Place and route with N seeds (--seed, --seed + 1, ...) after one synthesis: prints fmax's
    /// min/median/max and the slowest seed's figures.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub seeds: u32,
    /// Give up on a tool that runs longer than this.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Write the figures as JSON here.
    #[arg(long, value_name = "R.json")]
    pub json: Option<PathBuf>,
    /// Keep the work directory (Verilog, scripts, netlist, logs, nextpnr report) here.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// The crossbar placed with the periphery: `behavioral` puts a registered stand-in in its
    /// place (the periphery alone); `emulated` places the whole tile, the array's emulation
    /// included. Default: behavioral for a tile, emulated for a chip (--model).
    #[arg(long = "macro", value_enum)]
    pub crossbar: Option<MacroChoice>,
    /// Place the chip of this network instead of one tile (an ONNX graph or an .npz MLP, as
    /// `generate --model` writes it: top cim_chip, a tile per weight tile).
    #[arg(long, value_name = "M.onnx|M.npz")]
    pub model: Option<PathBuf>,
}

#[derive(Args)]
pub struct AsicArgs {
    #[command(flatten)]
    pub tile: TileArgs,
    /// Output directory (created if missing): netlist, macro LEF and Liberty, SDC, DEF, reports, asic.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clock the flow constrains for (abc's delay target, the SDC, the macro's timing budget).
    #[arg(long, value_name = "MHZ", default_value_t = 125.0)]
    pub clock_mhz: f64,
}

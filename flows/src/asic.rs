//! The tile's periphery carried through an open ASIC flow onto the OSU 0.18 um cells, with the
//! crossbar macro as a hard block described by its generated LEF and Liberty files
//! ([`cimtile_hdl::macro_abstract`]):
//!
//! 1. **Synthesis** (Yosys): the periphery flattened, flip-flops mapped by `dfflibmap`,
//!    logic by a timing-driven `abc -D <period>` with a driving cell and load (which makes abc
//!    buffer high-fanout nets and size gates), outputs buffered. The behavioral macro is a
//!    black box with its simulation-only `sim_*` ports cut by a one-step techmap, so the logic
//!    that only fed them goes and the instance matches the Liberty cell.
//! 2. **Timing after synthesis** (OpenSTA): the netlist, both Liberty files, the SDC.
//! 3. **Placement** (qflow's GrayWolf) of the cells and the macro, from Yosys' BLIF.
//! 4. **Routing** (qflow's qrouter), which writes the layout (DEF) and its RC parasitics.
//! 5. **Timing after routing** (OpenSTA): the netlist qflow placed (the DEF's instance names)
//!    with the routed wire delays, as SDF from qflow's `rc2dly`; the clock is ideal (qflow
//!    builds no clock tree).
//!
//! qflow (Debian `qflow`, `qflow-tech-osu018`) drives steps 3 and 4 in `DIR/qflow/`; this
//! module writes the project, runs the steps and reads their results into an [`AsicReport`].

use crate::synthesis::{find_tool, liberty_areas};
use anyhow::{anyhow, bail, Context, Result};
use cimtile_hdl::macro_abstract;
use cimtile_tile::TileParams;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's `qflow-tech-osu018` puts the technology.
const TECH_DIR: &str = "/usr/share/qflow/tech/osu018";
/// The cells abc assumes drive the inputs and load every output, for its timing (pF).
const DRIVING_CELL: &str = "INVX1";
const OUTPUT_LOAD_PF: f64 = 0.02;
/// The cell that delays the macro's data inputs past its hold time (about 0.1 ns).
const HOLD_BUFFER: &str = "BUFX2";
/// The cell that gives the macro's clock pin a net of its own.
const CLOCK_BUFFER: &str = "CLKBUF1";
/// The steps, as the progress bar names them.
pub const STEPS: &[&str] = &[
    "synthesis (Yosys)",
    "timing after synthesis (OpenSTA)",
    "placement (GrayWolf)",
    "routing (qrouter)",
    "timing after routing (OpenSTA)",
];

/// The tools the flow runs: (command, what it is, Debian package).
const TOOLS: &[(&str, &str, &str)] = &[
    ("yosys", "Yosys", "yosys"),
    ("qflow", "qflow", "qflow"),
    ("graywolf", "GrayWolf", "graywolf"),
    ("qrouter", "qrouter", "qrouter"),
    ("sta", "OpenSTA", "opensta"),
];

/// The figures of one run; `asic.json`.
#[derive(Debug, Clone, Serialize)]
pub struct AsicReport {
    /// The periphery's top module.
    pub top: String,
    /// The clock the flow was constrained for.
    pub clock_mhz: f64,
    /// 1 / (period - worst setup slack) from OpenSTA on the synthesized netlist, and on the
    /// routed one with the routed wire delays.
    pub fmax_mhz_synthesis: f64,
    /// fmax of the routed netlist with its routed wire delays, MHz.
    pub fmax_mhz_routed: f64,
    /// Worst setup and hold slack at the constrained clock, ns.
    pub setup_slack_ns_synthesis: f64,
    /// Worst setup slack of the routed netlist at the constrained clock, ns.
    pub setup_slack_ns_routed: f64,
    /// Worst hold slack of the routed netlist, ns.
    pub hold_slack_ns_routed: f64,
    /// Standard cells of the periphery as placed (the clock tree and hold buffers included, the
    /// fill not) and their area (um^2, the macro not included).
    pub cells: u64,
    /// Their area, um^2 (the macro not included).
    pub cell_area_um2: f64,
    /// The macro's outline area (um^2) from its LEF.
    pub macro_area_um2: f64,
    /// Die area of the placed layout (um^2), and the share of it the cells and macro cover.
    pub core_area_um2: f64,
    /// The share of the die the cells and the macro cover, as a fraction (not a percentage).
    pub utilization: f64,
    /// Routed wire length (um) and the routes qrouter failed.
    pub wirelength_um: f64,
    /// Nets qrouter failed to route.
    pub failed_routes: u64,
    /// Each tool's version.
    pub tools: BTreeMap<String, String>,
}

/// Names of the files of a run, from the top module.
struct Files {
    top: String,
    macro_module: String,
}

impl Files {
    fn netlist(&self) -> String {
        format!("{}_netlist.v", self.top)
    }
    /// The netlist qflow placed and routed (its instance names are the DEF's and the SDF's).
    fn routed_netlist(&self) -> String {
        format!("{}_routed_netlist.v", self.top)
    }
    fn sdc(&self) -> String {
        format!("{}.sdc", self.top)
    }
}

/// Fails naming every tool of the flow that is missing and how to install it.
pub fn check_tools() -> Result<()> {
    let missing: Vec<&(&str, &str, &str)> =
        TOOLS.iter().filter(|t| find_tool(t.0).is_none()).collect();
    let tech = Path::new(TECH_DIR).join("osu018_stdcells.lib");
    let mut packages: Vec<&str> = missing.iter().map(|t| t.2).collect();
    if !tech.is_file() {
        packages.push("qflow-tech-osu018");
    }
    if packages.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = missing
        .iter()
        .map(|t| format!("{} ({})", t.1, t.0))
        .collect();
    if !tech.is_file() {
        names.push(format!("the OSU 0.18 um technology ({TECH_DIR})"));
    }
    bail!(
        "the ASIC flow needs {}: run scripts/setup (Debian: apt-get install -y {})",
        names.join(", "),
        packages.join(" ")
    )
}

/// Runs the flow on the tile `p` into `out`, at `clock_mhz`; `step` is called before each of
/// [`STEPS`].
pub fn run(
    p: &TileParams,
    out: &Path,
    clock_mhz: f64,
    step: &mut dyn FnMut(usize),
) -> Result<AsicReport> {
    if !(clock_mhz.is_finite() && clock_mhz > 0.0 && clock_mhz <= 10_000.0) {
        bail!("--clock-mhz must be in (0, 10000], not {clock_mhz}");
    }
    check_tools()?;
    let period_ns = 1000.0 / clock_mhz;
    let generated = cimtile_hdl::generate(p);
    let files = Files {
        top: generated.top.clone(),
        macro_module: "cim_crossbar_macro".into(),
    };
    let ports = macro_abstract::ports(p, &generated.sizing);
    let macro_area_mm2 = cimtile_tile::ppa::macro_area_mm2(p);
    let (w, h) = macro_abstract::outline_um(macro_area_mm2, &ports);

    // The project qflow works in: the periphery's Verilog in source/, the macro's abstracts in
    // source/<macro>/ (qflow's hard_macros), the Yosys script and its helpers in synthesis/.
    let qflow = out.join("qflow");
    let (source, synthesis, layout) = (
        qflow.join("source"),
        qflow.join("synthesis"),
        qflow.join("layout"),
    );
    let macro_dir = source.join(&files.macro_module);
    for dir in [&macro_dir, &synthesis, &layout] {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create '{}'", dir.display()))?;
    }
    let lef = macro_abstract::lef(&files.macro_module, &ports, macro_area_mm2);
    let lib = macro_abstract::liberty(&files.macro_module, &ports, macro_area_mm2, period_ns);
    let sdc = cimtile_hdl::sdc(p, &generated, period_ns);
    let mut verilog = Vec::new();
    for f in generated.verilog_files() {
        let dir = if f.role == cimtile_hdl::FileRole::Macro {
            &synthesis
        } else {
            &source
        };
        std::fs::write(dir.join(&f.name), &f.text)?;
        verilog.push(if f.role == cimtile_hdl::FileRole::Macro {
            format!("../synthesis/{}", f.name)
        } else {
            f.name.clone()
        });
    }
    let macro_source = generated
        .verilog_files()
        .find(|f| f.role == cimtile_hdl::FileRole::Macro)
        .context("the tile has no crossbar macro")?;
    for (dir, name, text) in [
        (&macro_dir, format!("{}.lef", files.macro_module), &lef),
        (&macro_dir, format!("{}.lib", files.macro_module), &lib),
        (
            &out.to_path_buf(),
            format!("{}.lef", files.macro_module),
            &lef,
        ),
        (
            &out.to_path_buf(),
            format!("{}.lib", files.macro_module),
            &lib,
        ),
        (&out.to_path_buf(), files.sdc(), &sdc),
        (
            &synthesis,
            "silicon_ports.v".to_string(),
            &silicon_ports_map(&macro_source.text, &files.macro_module, &ports)?,
        ),
        (
            &synthesis,
            "abc.constr".to_string(),
            &format!("set_driving_cell {DRIVING_CELL}\nset_load {OUTPUT_LOAD_PF}\n"),
        ),
        (
            &synthesis,
            format!("{}.ys", files.top),
            &yosys_script(&files, &verilog, period_ns),
        ),
        (&qflow, "project_vars.sh".to_string(), &project_vars(&files)),
    ] {
        std::fs::write(dir.join(&name), text)
            .with_context(|| format!("cannot write '{}'", dir.join(&name).display()))?;
    }

    step(0);
    qflow_step(&qflow, "synthesize", &files.top)?;
    let netlist = synthesis.join(files.netlist());
    std::fs::copy(&netlist, out.join(files.netlist())).context("yosys wrote no netlist")?;

    step(1);
    let reports = out.join("reports");
    std::fs::create_dir_all(&reports)?;
    let synth_timing = opensta(
        out,
        &files,
        &files.netlist(),
        None,
        &reports.join("timing_synthesis.rpt"),
    )?;

    step(2);
    qflow_step(&qflow, "place", &files.top)?;
    step(3);
    qflow_step(&qflow, "route", &files.top)?;
    let def_path = layout.join(format!("{}.def", files.top));
    let def = std::fs::read_to_string(&def_path)
        .with_context(|| format!("qrouter wrote no layout '{}'", def_path.display()))?;
    std::fs::write(out.join(format!("{}.def", files.top)), &def)?;
    let core_area_um2 = die_area_um2(&def)?;
    let wirelength_um = routed_length_um(&def);
    let failed_routes = failed_routes(
        &std::fs::read_to_string(qflow.join("log").join("route.log")).unwrap_or_default(),
    );

    step(4);
    let sdf = out.join(format!("{}.sdf", files.top));
    rc_to_sdf(&layout.join(format!("{}.rc", files.top)), &sdf)?;
    let placed = synthesis.join(format!("{}.rtlnopwr.v", files.top));
    let placed = std::fs::read_to_string(&placed)
        .with_context(|| format!("qflow wrote no routed netlist '{}'", placed.display()))?;
    std::fs::write(
        out.join(files.routed_netlist()),
        bus_pins_joined(&placed, &files.macro_module),
    )?;
    let liberty = std::fs::read_to_string(format!("{TECH_DIR}/osu018_stdcells.lib"))
        .context("cannot read the OSU 0.18 um Liberty file")?;
    let (cells, cell_area_um2) = placed_cells(&placed, &liberty_areas(&liberty));
    let routed_timing = opensta(
        out,
        &files,
        &files.routed_netlist(),
        Some(&sdf),
        &reports.join("timing_routed.rpt"),
    )?;
    for log in ["synth.log", "place.log", "route.log"] {
        let _ = std::fs::copy(qflow.join("log").join(log), reports.join(log));
    }
    let _ = std::fs::copy(synthesis.join("yosys.log"), reports.join("yosys.log"));

    let fmax = |slack: f64| 1000.0 / (period_ns - slack);
    let macro_area_um2 = w * h;
    let report = AsicReport {
        top: files.top.clone(),
        clock_mhz,
        fmax_mhz_synthesis: fmax(synth_timing.setup),
        fmax_mhz_routed: fmax(routed_timing.setup),
        setup_slack_ns_synthesis: synth_timing.setup,
        setup_slack_ns_routed: routed_timing.setup,
        hold_slack_ns_routed: routed_timing.hold,
        cells,
        cell_area_um2,
        macro_area_um2,
        core_area_um2,
        utilization: (cell_area_um2 + macro_area_um2) / core_area_um2,
        wirelength_um,
        failed_routes,
        tools: tool_versions(),
    };
    std::fs::write(
        out.join("asic.json"),
        serde_json::to_string_pretty(&report)? + "\n",
    )?;
    Ok(report)
}

/// A techmap that replaces the behavioral macro's instance by one of the silicon macro, with
/// the silicon ports only: the map module takes the behavioral module's header (every
/// parameter and port, so it matches whatever the tile instantiates) and drops `sim_*`.
///
/// Every input bit reaches the macro through a buffer of its own. The data inputs through a
/// `HOLD_BUFFER`: a flip-flop's fastest clock-to-output (0.09 ns) is under the macro's hold
/// time ([`macro_abstract::HOLD_NS`], 0.1 ns), and qflow inserts no hold buffers (the default
/// tile routed at -0.008 ns hold slack without them). The clock through a `CLOCK_BUFFER`:
/// qflow's fanout pass builds the clock tree, and GrayWolf refuses a hard block's pin among the
/// interchangeable sinks of a tree's leaf (a `pin_group`).
fn silicon_ports_map(
    macro_verilog: &str,
    module: &str,
    ports: &[macro_abstract::MacroPort],
) -> Result<String> {
    let start = macro_verilog
        .find(&format!("module {module} #("))
        .context("the behavioral macro has no parameterized module header")?;
    let end = macro_verilog[start..]
        .find(");")
        .map(|i| start + i + 2)
        .context("the behavioral macro's header has no end")?;
    let header =
        macro_verilog[start..end].replacen(&format!("module {module}"), "module silicon_ports", 1);
    let mut buffers = String::new();
    for q in ports.iter().filter(|q| q.input) {
        let cell = if q.name == "clock" {
            CLOCK_BUFFER
        } else {
            HOLD_BUFFER
        };
        if q.width == 1 {
            buffers += &format!(
                "    wire {0}_buffered;\n    {cell} buffer_{0} (.A({0}), .Y({0}_buffered));\n",
                q.name
            );
        } else {
            buffers += &format!("    wire [{}:0] {}_buffered;\n", q.width - 1, q.name);
            for bit in 0..q.width {
                buffers += &format!(
                    "    {cell} buffer_{0}_{bit} (.A({0}[{bit}]), .Y({0}_buffered[{bit}]));\n",
                    q.name
                );
            }
        }
    }
    let connections: Vec<String> = ports
        .iter()
        .map(|q| {
            if q.input {
                format!(".{0}({0}_buffered)", q.name)
            } else {
                format!(".{0}({0})", q.name)
            }
        })
        .collect();
    Ok(format!(
        "// Generated by cimtile: the {module} instance without its simulation-only ports, each\n\
         // input through a buffer of its own.\n(* techmap_celltype = \"{module}\" *)\n{header}\n{buffers}    {module} _TECHMAP_REPLACE_ ({});\nendmodule\n",
        connections.join(", ")
    ))
}

/// The Yosys script qflow runs in `source/` (paths relative to it). It writes the mapped BLIF
/// qflow places and the Verilog netlist OpenSTA times, with the same instance names.
fn yosys_script(files: &Files, verilog: &[String], period_ns: f64) -> String {
    let lib = format!("{TECH_DIR}/osu018_stdcells.lib");
    let (top, m) = (&files.top, &files.macro_module);
    format!(
        "# Generated by cimtile: the periphery onto the OSU 0.18 um cells, {m} a hard macro.\n\
         read_verilog -DSYNTHESIS {sources}\n\
         hierarchy -check -top {top}\n\
         # The standard cells as black boxes: the buffers on the macro's inputs are instances of them.\n\
         read_liberty -lib {lib}\n\
         # The behavioral macro's instance becomes the silicon macro's (no sim_* ports).\n\
         techmap -max_iter 1 -map ../synthesis/silicon_ports.v\n\
         delete {m}\n\
         read_liberty -lib {m}/{m}.lib\n\
         hierarchy -check -top {top}\n\
         synth -top {top} -flatten\n\
         dfflibmap -liberty {lib}\n\
         opt\n\
         # Timing-driven mapping: with a delay target and a driving cell and load abc buffers\n\
         # high-fanout nets and sizes gates.\n\
         abc -D {period_ps:.0} -constr ../synthesis/abc.constr -liberty {lib}\n\
         setundef -zero\n\
         opt_clean -purge\n\
         iopadmap -outpad BUFX2 A:Y -bits\n\
         opt\n\
         clean\n\
         # qflow's blif2Verilog ends the module at a net named like `combiner.end_1` (it reads\n\
         # `.end`): the flattened hierarchy's names become numbers like the rest.\n\
         rename -hide w:*.*\n\
         rename -enumerate\n\
         write_blif -buf BUFX2 A Y {top}_mapped.blif\n\
         write_verilog -noattr -noexpr -nohex -nodec ../synthesis/{netlist}\n\
         stat -liberty {lib}\n",
        sources = verilog.join(" "),
        period_ps = period_ns * 1000.0,
        netlist = files.netlist(),
    )
}

/// The share of the placement area the logic cells take (qflow's `initial_density`): the rest
/// is fill spread among them, the routing room qrouter needs on four signal layers under the
/// macro's edges (at GrayWolf's own ~80% the default tile left nets unrouted).
const PLACEMENT_DENSITY: f64 = 0.6;

/// qflow's project settings: the macro as a hard macro, our Yosys script, a clock tree, the
/// placement density.
fn project_vars(files: &Files) -> String {
    format!(
        "# Generated by cimtile.\nset hard_macros = \"{m}\"\nset yosys_options = \"-s ../synthesis/{top}.ys -l ../synthesis/yosys.log\"\n\
         # blifFanout adds buffers only (-f: abc has sized the gates and buffered the logic), which\n\
         # leaves the clock as a tree of CLKBUF1 (about 140 on the default tile, 12 flip-flops a\n\
         # leaf): as one net of some 1,600 pins it defeated qrouter's rip-up and reroute.\n\
         set fanout_options = \"-f -l 100 -c 20\"\n\
         # Fill among the cells for routing room.\nset initial_density = {PLACEMENT_DENSITY}\n",
        m = files.macro_module,
        top = files.top,
    )
}

/// Runs `qflow <step> -T osu018 <top>` in `dir`; a failure quotes the step's log.
fn qflow_step(dir: &Path, step: &str, top: &str) -> Result<()> {
    let out = Command::new("qflow")
        .args([step, "-T", "osu018", top])
        .current_dir(dir)
        .output()
        .context("cannot run qflow")?;
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let failed = !out.status.success()
        || text.contains("Premature exit")
        || text.contains("error condition");
    if failed {
        let tail: Vec<&str> = text
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!(
            "qflow {step} failed in '{}':\n{}",
            dir.display(),
            tail.join("\n")
        );
    }
    Ok(())
}

/// Standard cells of a placed netlist (`CELL NAME ( ... );` lines) and their area: every cell
/// of `areas` but the fill, which is free room, not logic.
fn placed_cells(netlist: &str, areas: &BTreeMap<String, f64>) -> (u64, f64) {
    netlist
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|cell| !cell.starts_with("FILL"))
        .filter_map(|cell| areas.get(cell))
        .fold((0, 0.0), |(count, total), area| (count + 1, total + area))
}

/// The worst slacks OpenSTA found, ns.
struct Slack {
    setup: f64,
    hold: f64,
}

/// The OpenSTA script that times `out`'s netlist (with `sdf`'s wire delays if given); the
/// same script is written beside the reports so anyone can rerun it.
pub fn sta_script(
    top: &str,
    netlist: &str,
    sdc: &str,
    macro_lib: &str,
    sdf: Option<&str>,
) -> String {
    let annotate = sdf.map_or_else(String::new, |f| format!("read_sdf {f}\n"));
    format!(
        "read_liberty {TECH_DIR}/osu018_stdcells.lib\nread_liberty {macro_lib}\nread_verilog {netlist}\nlink_design {top}\n\
         read_sdc {sdc}\n{annotate}report_checks -path_delay max -digits 3\nreport_checks -path_delay min -digits 3\n\
         puts \"worst setup slack [format %.4f [sta::worst_slack -max]]\"\nputs \"worst hold slack [format %.4f [sta::worst_slack -min]]\"\n"
    )
}

/// Runs OpenSTA in `out` on the files written there (`netlist` among them); the report goes to
/// `report`.
fn opensta(
    out: &Path,
    files: &Files,
    netlist: &str,
    sdf: Option<&Path>,
    report: &Path,
) -> Result<Slack> {
    let sdf_name = sdf
        .and_then(|f| f.file_name())
        .map(|f| f.to_string_lossy().to_string());
    let script = sta_script(
        &files.top,
        netlist,
        &files.sdc(),
        &format!("{}.lib", files.macro_module),
        sdf_name.as_deref(),
    );
    let script_name = if sdf.is_some() {
        "sta_routed.tcl"
    } else {
        "sta_synthesis.tcl"
    };
    std::fs::write(out.join(script_name), &script)?;
    let result = Command::new("sta")
        .args(["-no_splash", "-exit", script_name])
        .current_dir(out)
        .output()
        .context("cannot run OpenSTA (sta)")?;
    let text = String::from_utf8_lossy(&result.stdout).to_string()
        + &String::from_utf8_lossy(&result.stderr);
    std::fs::write(report, &text)?;
    if let Some(error) = text.lines().find(|l| l.starts_with("Error")) {
        bail!(
            "OpenSTA failed on {netlist}: {error} (see {})",
            report.display()
        );
    }
    worst_slacks(&text)
        .with_context(|| format!("OpenSTA reported no worst slack (see {})", report.display()))
}

/// `netlist` (qflow's `blif2Verilog` output) with the bit connections of each `module` instance
/// (`.codes[0](a), .codes[1](b)`, which is no Verilog) joined into vectors (`.codes({b, a})`).
fn bus_pins_joined(netlist: &str, module: &str) -> String {
    let mut out = String::with_capacity(netlist.len());
    for line in netlist.lines() {
        let Some(open) = line
            .strip_prefix(module)
            .filter(|rest| rest.starts_with(' '))
            .and_then(|_| line.find('('))
        else {
            out += line;
            out.push('\n');
            continue;
        };
        // Each `.pin[bit](net)` or `.pin(net)`, in order; the bits of one pin gathered.
        let body = line[open + 1..].trim_end().trim_end_matches(';').trim_end();
        let body = body.strip_suffix(')').unwrap_or(body);
        let mut pins: Vec<(&str, BTreeMap<u32, &str>, Option<&str>)> = Vec::new();
        for connection in body.split("),") {
            let connection = connection.trim().trim_start_matches('.');
            let Some((pin, net)) = connection
                .strip_suffix(')')
                .unwrap_or(connection)
                .split_once('(')
            else {
                continue;
            };
            let (name, bit) = match pin.split_once('[') {
                Some((name, bit)) => (name, bit.trim_end_matches(']').parse::<u32>().ok()),
                None => (pin, None),
            };
            let index = pins.iter().position(|p| p.0 == name).unwrap_or_else(|| {
                pins.push((name, BTreeMap::new(), None));
                pins.len() - 1
            });
            match bit {
                Some(bit) => {
                    pins[index].1.insert(bit, net);
                }
                None => pins[index].2 = Some(net),
            }
        }
        let connections: Vec<String> = pins
            .iter()
            .map(|(name, bits, scalar)| match scalar {
                Some(net) => format!(".{name}({net})"),
                None => format!(
                    ".{name}({{{}}})",
                    bits.values().rev().copied().collect::<Vec<_>>().join(", ")
                ),
            })
            .collect();
        out += &format!(
            "{} ( {} );\n",
            line[..open].trim_end(),
            connections.join(", ")
        );
    }
    out
}

/// The `worst setup slack` and `worst hold slack` lines the script prints.
fn worst_slacks(text: &str) -> Option<Slack> {
    let find = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key)?.trim().parse::<f64>().ok())
    };
    Some(Slack {
        setup: find("worst setup slack")?,
        hold: find("worst hold slack")?,
    })
}

/// The routed parasitics as SDF wire delays, by qflow's `rc2dly` (bus brackets as in Verilog).
fn rc_to_sdf(rc: &Path, sdf: &Path) -> Result<()> {
    let rc2dly = PathBuf::from("/usr/lib/qflow/bin/rc2dly");
    let lib = format!("{TECH_DIR}/osu018_stdcells.lib");
    let out = Command::new(&rc2dly)
        .arg("-r")
        .arg(rc)
        .args(["-l", &lib, "-d"])
        .arg(sdf)
        .output()
        .with_context(|| format!("cannot run {}", rc2dly.display()))?;
    let text = std::fs::read_to_string(sdf).map_err(|_| {
        anyhow!(
            "rc2dly wrote no SDF from '{}': {}",
            rc.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    std::fs::write(sdf, text.replace('<', "[").replace('>', "]"))?;
    Ok(())
}

/// The DEF's die area, um^2.
fn die_area_um2(def: &str) -> Result<f64> {
    let units: f64 = def
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("UNITS DISTANCE MICRONS")?
                .trim()
                .trim_end_matches(';')
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(100.0);
    let line = def
        .lines()
        .find(|l| l.trim_start().starts_with("DIEAREA"))
        .context("the DEF has no DIEAREA")?;
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.'))
        .filter_map(|t| t.parse().ok())
        .collect();
    match numbers[..] {
        [x0, y0, x1, y1] => Ok((x1 - x0) * (y1 - y0) / (units * units)),
        _ => bail!("cannot read the DEF's DIEAREA '{}'", line.trim()),
    }
}

/// Total length of the routed wires of the DEF's NETS, um: each `( x y )` to the next point
/// of a segment (`*` repeats a coordinate).
fn routed_length_um(def: &str) -> f64 {
    let units: f64 = def
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("UNITS DISTANCE MICRONS")?
                .trim()
                .trim_end_matches(';')
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(100.0);
    let Some(nets) = def.find("\nNETS").map(|i| &def[i..]) else {
        return 0.0;
    };
    let nets = nets.find("END NETS").map_or(nets, |e| &nets[..e]);
    let mut total = 0.0;
    // A segment starts at a ROUTED/NEW keyword; its points are the parenthesized pairs.
    for segment in nets.split(['+', '\n']).flat_map(|l| l.split("NEW")) {
        let mut last: Option<(f64, f64)> = None;
        for point in segment.split('(').skip(1) {
            let inner = point.split(')').next().unwrap_or("");
            let mut it = inner.split_whitespace();
            let (Some(xs), Some(ys)) = (it.next(), it.next()) else {
                continue;
            };
            let x = if xs == "*" {
                last.map_or(0.0, |l| l.0)
            } else {
                xs.parse().unwrap_or(0.0)
            };
            let y = if ys == "*" {
                last.map_or(0.0, |l| l.1)
            } else {
                ys.parse().unwrap_or(0.0)
            };
            if let Some((lx, ly)) = last {
                total += (x - lx).abs() + (y - ly).abs();
            }
            last = Some((x, y));
        }
    }
    total / units
}

/// The count of qrouter's failed routes in its log (`Final: No failed routes!` or
/// `Final: N unrouted nets`).
fn failed_routes(log: &str) -> u64 {
    log.lines()
        .rev()
        .find_map(|l| {
            let rest = l.trim().strip_prefix("Final:")?;
            if rest.contains("No failed routes") {
                return Some(0);
            }
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// Each tool's version, from Debian's package database (qflow's tools print none reliably).
fn tool_versions() -> BTreeMap<String, String> {
    let mut versions = BTreeMap::new();
    for package in TOOLS.iter().map(|t| t.2).chain(["qflow-tech-osu018"]) {
        let out = Command::new("dpkg-query")
            .args(["-W", "-f", "${Version}", package])
            .output();
        let version = out
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        versions.insert(
            package.to_string(),
            version.unwrap_or_else(|| "unknown".into()),
        );
    }
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn die_area_and_wire_length_are_read_from_a_def() {
        let def = "UNITS DISTANCE MICRONS 100 ;\nDIEAREA ( 0 0 ) ( 20000 10000 ) ;\nNETS 2 ;\n- a\n  + ROUTED metal2 ( 100 100 ) ( * 600 )\n  NEW metal1 ( 100 600 ) ( 400 * ) ;\n- b ( u1 A ) ;\nEND NETS\n";
        assert_eq!(die_area_um2(def).unwrap(), 200.0 * 100.0);
        assert!(
            (routed_length_um(def) - 8.0).abs() < 1e-9,
            "{}",
            routed_length_um(def)
        );
    }

    #[test]
    fn slacks_and_failed_routes_are_read_from_logs() {
        let s = worst_slacks("x\nworst setup slack 3.6860\nworst hold slack 0.1200\n").unwrap();
        assert_eq!((s.setup, s.hold), (3.686, 0.12));
        assert_eq!(failed_routes("Final: No failed routes!\n"), 0);
        assert_eq!(failed_routes("Final: 3 unrouted nets\n"), 3);
    }

    #[test]
    fn the_routed_netlist_joins_the_macros_bit_pins_into_vectors() {
        let netlist = "INVX1 INVX1_1 ( .A(a[0]), .Y(b) );\nm m_1 ( .clock(clock), .codes[0](c_0_), .codes[1](c_1_), .row[0](r[0]) );\n";
        let joined = bus_pins_joined(netlist, "m");
        assert_eq!(joined, "INVX1 INVX1_1 ( .A(a[0]), .Y(b) );\nm m_1 ( .clock(clock), .codes({c_1_, c_0_}), .row({r[0]}) );\n");
    }

    #[test]
    fn placed_cells_count_the_logic_not_the_fill() {
        let areas: BTreeMap<String, f64> = [("INVX1", 16.0), ("BUFX2", 24.0), ("FILL", 8.0)]
            .map(|(c, a)| (c.to_string(), a))
            .into();
        let netlist = "module t (a, y);\nINVX1 INVX1_1 ( .A(a), .Y(b) );\nBUFX2 BUFX2_1 ( .A(b), .Y(y) );\nFILL FILL_1 ( );\nm m_1 ( .clock(a) );\nendmodule\n";
        assert_eq!(placed_cells(netlist, &areas), (2, 40.0));
    }

    #[test]
    fn the_macro_map_keeps_the_silicon_ports_only() {
        let p = TileParams::default();
        let g = cimtile_hdl::generate(&p);
        let m = g
            .verilog_files()
            .find(|f| f.role == cimtile_hdl::FileRole::Macro)
            .unwrap();
        let map = silicon_ports_map(
            &m.text,
            "cim_crossbar_macro",
            &macro_abstract::ports(&p, &g.sizing),
        )
        .unwrap();
        assert!(map.contains("module silicon_ports #(") && map.contains(".codes(codes)"));
        assert!(!map
            .split("_TECHMAP_REPLACE_")
            .nth(1)
            .unwrap()
            .contains("sim_"));
        // Data inputs through hold buffers, the clock through a clock buffer, outputs straight.
        assert!(
            map.contains("BUFX2 buffer_conv_start (.A(conv_start), .Y(conv_start_buffered));"),
            "{map}"
        );
        assert!(
            map.contains("BUFX2 buffer_prog_row_0 (.A(prog_row[0]), .Y(prog_row_buffered[0]));"),
            "{map}"
        );
        assert!(
            map.contains("CLKBUF1 buffer_clock (.A(clock), .Y(clock_buffered));"),
            "{map}"
        );
        assert!(
            map.contains(".conv_start(conv_start_buffered)")
                && map.contains(".clock(clock_buffered)")
                && map.contains(".codes(codes)"),
            "{map}"
        );
    }
}

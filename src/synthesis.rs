//! Area of the generated digital periphery from a real synthesis: Yosys maps the hierarchical
//! RTL onto the OSU 0.18 um standard cells (`dfflibmap`, `abc -liberty`), `stat -json` counts
//! the cells of every module, and each module's cells times their Liberty areas, multiplied
//! through the instance hierarchy, give um^2 per block ([`ppa::block_of_module`]). The crossbar
//! macro is a blackbox under `SYNTHESIS` and adds nothing.
//!
//! A synthesis takes from half a minute (default preset) to several minutes (isaac, neurram),
//! so its `stat -json` is cached under `<cache>/ppa/<hash>.stat.json`, the hash covering the
//! Verilog, the Liberty file, the script and Yosys' version; pricing it is instant.

use anyhow::{anyhow, bail, Context, Result};
use cimtile_hdl::ppa::{self, BlockCells, DigitalArea};
use cimtile_hdl::{rtl, TileConfig};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Where `scripts/setup` unpacks Debian's `qflow-tech-osu018`.
const SETUP_DIR: &str = "/opt/cimtile/osu018";
/// The Liberty file inside that package.
const LIBERTY_IN_PACKAGE: &str = "usr/share/qflow/tech/osu018/osu018_stdcells.lib";

/// The Liberty file: `$CIMTILE_LIBERTY`, else the one `scripts/setup` installs, else qflow's own.
pub fn liberty_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CIMTILE_LIBERTY") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!("CIMTILE_LIBERTY names '{}', which is not a file", path.display());
        }
        return Ok(path);
    }
    let candidates = [Path::new(SETUP_DIR).join(LIBERTY_IN_PACKAGE), Path::new("/").join(LIBERTY_IN_PACKAGE)];
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        anyhow!(
            "no standard-cell Liberty file for synthesis: run scripts/setup (as root; it unpacks Debian's \
             qflow-tech-osu018 into {SETUP_DIR}), set CIMTILE_LIBERTY to an osu018_stdcells.lib, or pass --no-synth"
        )
    })
}

/// Cell areas of a Liberty file, um^2 by cell name: each `cell (NAME)` and its first `area`.
fn liberty_areas(text: &str) -> BTreeMap<String, f64> {
    let mut areas = BTreeMap::new();
    let mut cell: Option<String> = None;
    for line in text.lines().map(str::trim) {
        // `cell (NAME)`, not `cell_footprint` or `cell_leakage_power`.
        let opened = line.strip_prefix("cell").and_then(|rest| rest.trim_start().strip_prefix('('));
        if let Some(rest) = opened {
            cell = rest.split(')').next().map(|n| n.trim().trim_matches('"').to_string());
        } else if let (Some(name), Some(rest)) = (&cell, line.strip_prefix("area")) {
            if let Some(value) = rest.trim_start().strip_prefix(':').and_then(|v| v.trim().trim_end_matches(';').trim().parse().ok()) {
                areas.insert(name.clone(), value);
                cell = None;
            }
        }
    }
    areas
}

/// A Yosys module name without its escape and parameter decoration:
/// `$paramod$1a2b\cim_input_buffer` and `$paramod\cim_column_params\COLS=...` name
/// `cim_input_buffer` and `cim_column_params`; `\cim_tile$lanes` names `cim_tile$lanes`.
fn base_name(module: &str) -> &str {
    match module.strip_prefix("$paramod") {
        Some(rest) => rest.split('\\').nth(1).unwrap_or(module),
        None => module.strip_prefix('\\').unwrap_or(module),
    }
}

/// The synthesis script over `files`, top module `top`, Liberty `liberty` (paths relative to
/// the working directory, so the script is the same wherever it runs).
fn script(files: &[String], top: &str, liberty: &str) -> String {
    let reads: String = files.iter().map(|f| format!("read_verilog -DSYNTHESIS {f}\n")).collect();
    format!(
        "{reads}hierarchy -check -top {top}\nsynth -top {top}\ndfflibmap -liberty {liberty}\n\
         abc -liberty {liberty}\nopt_clean\ntee -q -o stat.json stat -json\n"
    )
}

/// Cells per type of every module in `stat -json` output. Yosys 0.23 appends a malformed
/// `design` section after `modules`, so only the `modules` object is parsed.
fn module_cells(stat: &str) -> Result<BTreeMap<String, BTreeMap<String, u64>>> {
    let start = stat.find("\"modules\"").and_then(|i| stat[i..].find('{').map(|j| i + j)).context("no modules in stat -json")?;
    let modules: Value = serde_json::Deserializer::from_str(&stat[start..])
        .into_iter::<Value>()
        .next()
        .context("empty stat -json")?
        .context("malformed stat -json")?;
    let mut out = BTreeMap::new();
    for (name, module) in modules.as_object().context("modules is not an object")? {
        let cells = module["num_cells_by_type"]
            .as_object()
            .map(|types| types.iter().map(|(t, n)| (base_name(t).to_string(), n.as_u64().unwrap_or(0))).collect())
            .unwrap_or_default();
        out.insert(base_name(name).to_string(), cells);
    }
    Ok(out)
}

/// The cells of a synthesized design, priced: area per block, and the instances of cell types
/// that are neither modules nor library cells (the crossbar blackbox), by type.
#[derive(Default)]
struct Priced {
    blocks: BTreeMap<String, BlockCells>,
    unpriced: BTreeMap<String, u64>,
}

/// Adds `module`'s cells, `count` instances of it: its block is its own by name, else `block`
/// (its instantiator's). Submodules recurse; library cells add area; anything else is unpriced.
fn add_module(
    module: &str,
    block: &str,
    count: u64,
    modules: &BTreeMap<String, BTreeMap<String, u64>>,
    areas: &BTreeMap<String, f64>,
    priced: &mut Priced,
) {
    let block = ppa::block_of_module(module).unwrap_or(block);
    let Some(cells) = modules.get(module) else { return };
    for (cell, &n) in cells {
        if modules.contains_key(cell) {
            add_module(cell, block, count * n, modules, areas, priced);
        } else if let Some(area) = areas.get(cell) {
            let entry = priced.blocks.entry(block.to_string()).or_default();
            entry.area_um2 += area * (count * n) as f64;
            entry.cells += count * n;
        } else {
            *priced.unpriced.entry(cell.clone()).or_default() += count * n;
        }
    }
}

fn yosys_version() -> Result<String> {
    let out = Command::new("yosys").arg("-V").output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow!("yosys not found: run scripts/setup (Debian: apt-get install -y yosys), or pass --no-synth"),
        _ => anyhow!("cannot run yosys: {e}"),
    })?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cache_path(hash: &str) -> PathBuf {
    cimtile_cosim::verilator_build::cache_dir().join("ppa").join(format!("{hash}.stat.json"))
}

/// Synthesizes `config`'s RTL (its `stat -json` taken from the cache when this Verilog,
/// library, script and Yosys were synthesized before): area and cells per block at 180 nm.
/// `spinner` shows one on a terminal; a caller with its own progress bar (a sweep) turns it off.
pub fn digital_area(config: &TileConfig, spinner: bool) -> Result<DigitalArea> {
    let liberty = liberty_path()?;
    let liberty_text = std::fs::read_to_string(&liberty).with_context(|| format!("cannot read '{}'", liberty.display()))?;
    let generated = rtl::generate(config).map_err(|e| anyhow!("{e}"))?;
    let top = generated.manifest["top_module"].as_str().context("manifest without top_module")?.to_string();
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    rtl::write(&generated, work.path()).context("cannot write the RTL")?;
    let files: Vec<String> = std::fs::read_to_string(work.path().join("files.f"))?.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect();
    std::fs::write(work.path().join("cells.lib"), &liberty_text)?;
    let script = script(&files, &top, "cells.lib");

    let mut hasher = Sha256::new();
    for file in &files {
        hasher.update(std::fs::read(work.path().join(file))?);
        hasher.update([0u8]);
    }
    let version = yosys_version()?;
    for part in [liberty_text.as_str(), script.as_str(), version.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let hash: String = hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect();
    let cached = cache_path(&hash);
    let stat = match std::fs::read_to_string(&cached) {
        Ok(stat) => stat,
        Err(_) => {
            let stat = synthesize(work.path(), &script, &top, &liberty, spinner)?;
            // A cache that cannot be written costs the next run time, not this one its result.
            if let Some(dir) = cached.parent() {
                let _ = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&cached, &stat));
            }
            stat
        }
    };
    let mut priced = Priced::default();
    add_module(&top, ppa::OTHER_BLOCK, 1, &module_cells(&stat)?, &liberty_areas(&liberty_text), &mut priced);
    if priced.blocks.is_empty() {
        bail!("yosys mapped no cells of {} onto {}", top, liberty.display());
    }
    let unpriced: Vec<String> = priced.unpriced.iter().map(|(cell, n)| format!("{n} x {cell}")).collect();
    Ok(DigitalArea {
        source: format!(
            "{version} synthesis onto {}, Verilog hash {hash}; not priced: {}",
            liberty.display(),
            if unpriced.is_empty() { "nothing".to_string() } else { unpriced.join(", ") }
        ),
        blocks: priced.blocks,
    })
}

/// Runs `script` in `dir`, under a spinner if `show`: the text of `stat -json`.
fn synthesize(dir: &Path, script: &str, top: &str, liberty: &Path, show: bool) -> Result<String> {
    std::fs::write(dir.join("synth.ys"), script)?;
    let spinner = if show { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
    let spinner = spinner.with_message(format!("synthesizing {top} with Yosys onto {} (cached afterwards)", liberty.display()));
    spinner.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let out = Command::new("yosys").args(["-q", "-l", "yosys.log", "synth.ys"]).current_dir(dir).output();
    spinner.finish_and_clear();
    if !out.context("cannot run yosys")?.status.success() {
        let log = std::fs::read_to_string(dir.join("yosys.log")).unwrap_or_default();
        let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
        bail!("yosys failed synthesizing {top}: {}", errors.join("; "));
    }
    std::fs::read_to_string(dir.join("stat.json")).context("yosys wrote no stat.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_lose_escapes_and_parameters() {
        assert_eq!(base_name("$paramod$69b0\\cim_input_buffer"), "cim_input_buffer");
        assert_eq!(base_name("$paramod\\cim_column_params\\COLS=s32'100"), "cim_column_params");
        assert_eq!(base_name("\\cim_tile$lanes"), "cim_tile$lanes");
        assert_eq!(base_name("NAND2X1"), "NAND2X1");
    }

    #[test]
    fn liberty_areas_are_read_per_cell() {
        let lib = "library(x) {\n cell (AND2X1) {\narea : 32;\n pin(A) { capacitance : 0.01; }\n}\n cell(DFFPOSX1) {\n  area : 192 ;\n}\n\
                   cell (INVX1) {\n  cell_footprint : inv;\n  area : 16;\n  cell_leakage_power : 0.1;\n}\n}";
        let areas = liberty_areas(lib);
        assert_eq!(areas.get("AND2X1"), Some(&32.0));
        assert_eq!(areas.get("DFFPOSX1"), Some(&192.0));
        assert_eq!(areas.get("INVX1"), Some(&16.0));
    }

    #[test]
    fn hierarchy_multiplies_instances_and_inherits_blocks() {
        let stat = r#"{ "modules": {
            "\\cim_tile": { "num_cells_by_type": { "INVX1": 1, "\\cim_tile$activation": 1, "cim_crossbar_macro": 1 } },
            "\\cim_tile$activation": { "num_cells_by_type": { "\\cim_tile$activation$reg": 3, "NAND2X1": 2 } },
            "\\cim_tile$activation$reg": { "num_cells_by_type": { "DFFPOSX1": 4 } } },
            "design": { , }"#;
        let modules = module_cells(stat).unwrap();
        let areas = BTreeMap::from([("INVX1".to_string(), 16.0), ("NAND2X1".to_string(), 24.0), ("DFFPOSX1".to_string(), 192.0)]);
        let mut priced = Priced::default();
        add_module("cim_tile", ppa::OTHER_BLOCK, 1, &modules, &areas, &mut priced);
        assert_eq!(priced.blocks["other"], BlockCells { area_um2: 16.0, cells: 1 });
        assert_eq!(priced.blocks["activation_unit"], BlockCells { area_um2: 2.0 * 24.0 + 12.0 * 192.0, cells: 14 });
        assert_eq!(priced.unpriced, BTreeMap::from([("cim_crossbar_macro".to_string(), 1)]));
    }
}

//! The generated periphery synthesized with Yosys, per block: generic cells and logic depth
//! (Yosys' own gate library, the figures an RTL engineer compares between versions), and, when a
//! standard-cell Liberty file is present, the cells and area of a mapping onto the OSU 0.18 um
//! library (`dfflibmap`, `abc -liberty`). `stat -json` counts the cells of every module; counts
//! are multiplied through the instance hierarchy into blocks ([`ppa::block_of_module`]). Logic
//! depth is Yosys' `ltp -noff`: the longest path in cells between flip-flops and ports, per block
//! module and over the flattened tile. The crossbar macro is a blackbox under `SYNTHESIS` and
//! adds nothing.
//!
//! A synthesis takes from a quarter of a minute (default preset) to several minutes (isaac,
//! neurram), so its results are cached under `<cache>/synthesis/<hash>.json`, the hash covering
//! the Verilog, the Liberty file, the script and Yosys' version.

use crate::Status;
use anyhow::{anyhow, bail, Context, Result};
use cimtile_hdl::RtlFile;
use cimtile_tile::config::CellLibrary;
use cimtile_tile::ppa::{self, BlockCells, DigitalArea};
use cimtile_tile::TileParams;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where `scripts/setup` unpacks Debian's `qflow-tech-osu018`.
const SETUP_DIR: &str = "/opt/cimtile/osu018";
/// The Liberty file inside that package.
const LIBERTY_IN_PACKAGE: &str = "usr/share/qflow/tech/osu018/osu018_stdcells.lib";

/// The Liberty file: `$CIMTILE_LIBERTY`, else the one `scripts/setup` installs, else qflow's own.
pub fn liberty_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CIMTILE_LIBERTY") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!(
                "CIMTILE_LIBERTY names '{}', which is not a file",
                path.display()
            );
        }
        return Ok(path);
    }
    let candidates = [
        Path::new(SETUP_DIR).join(LIBERTY_IN_PACKAGE),
        Path::new("/").join(LIBERTY_IN_PACKAGE),
    ];
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        anyhow!(
            "no standard-cell Liberty file for synthesis: run scripts/setup (as root; it unpacks Debian's \
             qflow-tech-osu018 into {SETUP_DIR}), set CIMTILE_LIBERTY to an osu018_stdcells.lib, or pass --no-synth"
        )
    })
}

/// One block of the synthesized periphery.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BlockSynthesis {
    /// Cells of Yosys' generic gate library after `synth`.
    pub cells: u64,
    /// Flip-flops among them (memories included: `synth` maps them to flip-flops).
    pub flip_flops: u64,
    /// Longest path in generic cells between flip-flops and the block's ports.
    pub logic_depth: u32,
    /// Standard cells of the Liberty mapping, when a Liberty file was given.
    pub library_cells: Option<u64>,
    /// Their area, um^2 at 180 nm, when a Liberty file was given.
    pub area_um2: Option<f64>,
}

/// The periphery synthesized: per block, and over the whole flattened tile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Synthesis {
    /// Yosys' version, the Liberty file (if any) and the Verilog's fingerprint.
    pub source: String,
    /// Generic cells over every block.
    pub cells: u64,
    /// Flip-flops among them.
    pub flip_flops: u64,
    /// Longest register-to-register path of the flattened tile, in generic cells.
    pub logic_depth: u32,
    /// Each block's figures, by PPA block name ([`ppa::block_of_module`]).
    pub blocks: BTreeMap<String, BlockSynthesis>,
    /// Cell types that are neither modules nor library cells (the crossbar blackbox), by count.
    pub unmapped: BTreeMap<String, u64>,
}

impl Synthesis {
    /// The standard-cell area per block, for the PPA estimate; `None` without a Liberty file.
    pub fn digital_area(&self) -> Option<DigitalArea> {
        let blocks = self
            .blocks
            .iter()
            .map(|(name, b)| {
                Some((
                    name.clone(),
                    BlockCells {
                        area_um2: b.area_um2?,
                        cells: b.library_cells?,
                    },
                ))
            })
            .collect::<Option<BTreeMap<_, _>>>()?;
        let unmapped: Vec<String> = self
            .unmapped
            .iter()
            .map(|(cell, n)| format!("{n} x {cell}"))
            .collect();
        Some(DigitalArea {
            source: format!(
                "{}; not priced: {}",
                self.source,
                if unmapped.is_empty() {
                    "nothing".to_string()
                } else {
                    unmapped.join(", ")
                }
            ),
            node_nm: cimtile_tile::ppa::constants::LIBRARY_NODE_NM.value,
            blocks,
            power: None,
        })
    }
}

/// Cell areas of a Liberty file, um^2 by cell name: each `cell (NAME)` and its first `area`.
pub(crate) fn liberty_areas(text: &str) -> BTreeMap<String, f64> {
    let mut areas = BTreeMap::new();
    let mut cell: Option<String> = None;
    for line in text.lines().map(str::trim) {
        // `cell (NAME)`, not `cell_footprint` or `cell_leakage_power`.
        let opened = line
            .strip_prefix("cell")
            .and_then(|rest| rest.trim_start().strip_prefix('('));
        if let Some(rest) = opened {
            cell = rest
                .split(')')
                .next()
                .map(|n| n.trim().trim_matches('"').to_string());
        } else if let (Some(name), Some(rest)) = (&cell, line.strip_prefix("area")) {
            if let Some(value) = rest
                .trim_start()
                .strip_prefix(':')
                .and_then(|v| v.trim().trim_end_matches(';').trim().parse().ok())
            {
                areas.insert(name.clone(), value);
                cell = None;
            }
        }
    }
    areas
}

/// The Verilog of `file` for an ASIC flow on `library`: the clock gate (`cim_clock_gate.v`,
/// any prefix) becomes the library's cells, everything else is read as written. Nangate45 has
/// an integrated clock gate (CLKGATETST_X1: latch and AND in one cell, with the scan enable);
/// OSU 0.18 um has none, so the gate is its latch (transparent while its CLK is high, so on the
/// inverted clock) and an AND. The latch's output keeps the RTL's name `open`. Yosys needs the cells as black boxes (`read_liberty -lib`).
pub fn asic_file_text(file: &RtlFile, library: CellLibrary) -> String {
    let Some(module) = file
        .name
        .strip_suffix(".v")
        .filter(|m| m.ends_with("cim_clock_gate"))
    else {
        return file.text.clone();
    };
    let cells = match library {
        CellLibrary::Nangate45 => {
            "    CLKGATETST_X1 icg (.CK(clock), .E(enable), .SE(test_enable), .GCK(gated_clock));\n"
        }
        CellLibrary::Osu018 => {
            "    wire clock_n, open;\n    INVX1 invert (.A(clock), .Y(clock_n));\n    \
             LATCH latch (.D(enable | test_enable), .CLK(clock_n), .Q(open));\n    \
             AND2X2 gate (.A(clock), .B(open), .Y(gated_clock));\n"
        }
    };
    format!(
        "module {module} (\n    input wire clock,\n    input wire enable,\n    \
         input wire test_enable,\n    output wire gated_clock,\n    output wire load\n);\n\
         {cells}    assign load = 1'b1;\nendmodule\n"
    )
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

/// The synthesis script over `files`, top module `top`, mapping onto `liberty` if given (paths
/// relative to the working directory, so the script is the same wherever it runs). It writes
/// `generic.json` and `blocks.ltp` (every module but the top, whose instances ltp would take
/// for cells), `tile.ltp` (flattened), and `library.json` after the mapping.
fn script(files: &[String], top: &str, liberty: Option<&str>) -> String {
    let reads: String = files
        .iter()
        .map(|f| format!("read_verilog -DSYNTHESIS {f}\n"))
        .collect();
    let mapping = liberty.map_or_else(String::new, |lib| {
        format!("dfflibmap -liberty {lib}\nabc -liberty {lib}\nopt_clean\ntee -q -o library.json stat -json\n")
    });
    // The clock gates' cells (`asic_file_text`) are black boxes from the library.
    let cells = liberty.map_or_else(String::new, |lib| format!("read_liberty -lib {lib}\n"));
    format!(
        "{cells}{reads}hierarchy -check -top {top}\nsynth -top {top}\ntee -q -o generic.json stat -json\n\
         tee -q -o blocks.ltp ltp -noff * {top} %d\ndesign -save generic\nflatten\ntee -q -o tile.ltp ltp -noff\n\
         design -load generic\n{mapping}"
    )
}

/// Cells per type of every module in `stat -json` output. Yosys 0.23 appends a malformed
/// `design` section after `modules`, so only the `modules` object is parsed.
fn module_cells(stat: &str) -> Result<BTreeMap<String, BTreeMap<String, u64>>> {
    let start = stat
        .find("\"modules\"")
        .and_then(|i| stat[i..].find('{').map(|j| i + j))
        .context("no modules in stat -json")?;
    let modules: Value = serde_json::Deserializer::from_str(&stat[start..])
        .into_iter::<Value>()
        .next()
        .context("empty stat -json")?
        .context("malformed stat -json")?;
    let mut out = BTreeMap::new();
    for (name, module) in modules.as_object().context("modules is not an object")? {
        let cells = module["num_cells_by_type"]
            .as_object()
            .map(|types| {
                types
                    .iter()
                    .map(|(t, n)| (base_name(t).to_string(), n.as_u64().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default();
        out.insert(base_name(name).to_string(), cells);
    }
    Ok(out)
}

/// Calls `leaf(block, cell type, count)` for the cells of `module`, `count` instances of it,
/// multiplied through its submodules: a module's block is its own by name, else `block` (its
/// instantiator's).
fn walk(
    module: &str,
    block: &str,
    count: u64,
    modules: &BTreeMap<String, BTreeMap<String, u64>>,
    leaf: &mut dyn FnMut(&str, &str, u64),
) {
    let block = ppa::block_of_module(module).unwrap_or(block);
    let Some(cells) = modules.get(module) else {
        return;
    };
    for (cell, &n) in cells {
        if modules.contains_key(cell) {
            walk(cell, block, count * n, modules, leaf);
        } else {
            leaf(block, cell, count * n);
        }
    }
}

/// `(module, length)` of every `Longest topological path in MODULE (length=N):` of ltp's output.
fn longest_paths(ltp: &str) -> Vec<(String, u32)> {
    ltp.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("Longest topological path in ")?;
            let (module, length) = rest.rsplit_once(" (length=")?;
            Some((
                base_name(module).to_string(),
                length.trim_end_matches("):").parse().ok()?,
            ))
        })
        .collect()
}

/// Yosys' generic flip-flop cells (`$_DFF_P_`, `$_SDFFE_PP0P_`, ...).
fn is_flip_flop(cell: &str) -> bool {
    cell.starts_with("$_") && cell.contains("DFF")
}

/// What one Yosys run wrote, as cached.
#[derive(Serialize, Deserialize)]
struct YosysOutput {
    generic: String,
    blocks_ltp: String,
    tile_ltp: String,
    library: Option<String>,
}

impl YosysOutput {
    fn summarize(
        &self,
        top: &str,
        areas: Option<&BTreeMap<String, f64>>,
        source: String,
    ) -> Result<Synthesis> {
        let mut blocks: BTreeMap<String, BlockSynthesis> = BTreeMap::new();
        walk(
            top,
            ppa::OTHER_BLOCK,
            1,
            &module_cells(&self.generic)?,
            &mut |block, cell, n| {
                // Yosys' own cells start with `$`; anything else is the crossbar blackbox.
                if !cell.starts_with('$') {
                    return;
                }
                let entry = blocks.entry(block.to_string()).or_default();
                entry.cells += n;
                entry.flip_flops += if is_flip_flop(cell) { n } else { 0 };
            },
        );
        for (module, length) in longest_paths(&self.blocks_ltp) {
            let block = ppa::block_of_module(&module).unwrap_or(ppa::OTHER_BLOCK);
            let entry = blocks.entry(block.to_string()).or_default();
            entry.logic_depth = entry.logic_depth.max(length);
        }
        let mut unmapped = BTreeMap::new();
        if let (Some(library), Some(areas)) = (&self.library, areas) {
            for entry in blocks.values_mut() {
                entry.library_cells = Some(0);
                entry.area_um2 = Some(0.0);
            }
            walk(
                top,
                ppa::OTHER_BLOCK,
                1,
                &module_cells(library)?,
                &mut |block, cell, n| match areas.get(cell) {
                    Some(area) => {
                        let entry = blocks.entry(block.to_string()).or_default();
                        *entry.library_cells.get_or_insert(0) += n;
                        *entry.area_um2.get_or_insert(0.0) += area * n as f64;
                    }
                    None => *unmapped.entry(cell.to_string()).or_default() += n,
                },
            );
        }
        if blocks.values().all(|b| b.cells == 0) {
            bail!("yosys synthesized no cells of {top}");
        }
        let logic_depth = longest_paths(&self.tile_ltp)
            .first()
            .map(|(_, n)| *n)
            .context("ltp reported no path for the flattened tile")?;
        Ok(Synthesis {
            source,
            cells: blocks.values().map(|b| b.cells).sum(),
            flip_flops: blocks.values().map(|b| b.flip_flops).sum(),
            logic_depth,
            blocks,
            unmapped,
        })
    }
}

/// Where `tool` is on PATH.
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
}

/// Yosys' version line, for cache keys.
pub(crate) fn yosys_version() -> Result<String> {
    let out = match Command::new("yosys").arg("-V").output() {
        // The kind says all there is to say, and what to do about it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "yosys not found: run scripts/setup (Debian: apt-get install -y yosys), or pass --no-synth"
        ),
        out => out.context("cannot run yosys")?,
    };
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The cache key of a tool's run from everything it reads: each part, then a 0 byte, through
/// SHA-256, the first 12 bytes in hex.
pub(crate) fn cache_key<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        hasher.update([0u8]);
    }
    hasher.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn cache_path(hash: &str) -> PathBuf {
    cimtile_hdl::cache_dir()
        .join("synthesis")
        .join(format!("{hash}.json"))
}

/// Synthesizes the RTL of the tile `p`, mapping onto the Liberty file of `liberty` if given
/// (its clock gates as that library's cells; from the cache when this Verilog, library, script
/// and Yosys were synthesized before). `status` hears what runs when Yosys does, for a caller's
/// progress display.
pub fn synthesize(
    p: &TileParams,
    liberty: Option<(&Path, CellLibrary)>,
    status: Status,
) -> Result<Synthesis> {
    let liberty_text = match liberty {
        Some((path, _)) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read '{}'", path.display()))?,
        ),
        None => None,
    };
    let generated = cimtile_hdl::generate(p);
    let top = generated.top.clone();
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    cimtile_hdl::write(&generated, work.path()).context("cannot write the RTL")?;
    if let Some((_, library)) = liberty {
        for f in generated.verilog_files() {
            std::fs::write(work.path().join(&f.name), asic_file_text(f, library))?;
        }
    }
    let files: Vec<String> = std::fs::read_to_string(work.path().join("files.f"))
        .context("cannot read the generated files.f")?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    if let Some(text) = &liberty_text {
        std::fs::write(work.path().join("cells.lib"), text)
            .context("cannot copy the Liberty file into the work directory")?;
    }
    let script = script(&files, &top, liberty_text.as_ref().map(|_| "cells.lib"));

    let mut parts = Vec::new();
    for file in &files {
        parts.push(
            std::fs::read(work.path().join(file))
                .with_context(|| format!("cannot read the generated '{file}'"))?,
        );
    }
    let version = yosys_version()?;
    for part in [
        liberty_text.as_deref().unwrap_or(""),
        script.as_str(),
        version.as_str(),
    ] {
        parts.push(part.as_bytes().to_vec());
    }
    let hash = cache_key(parts.iter().map(Vec::as_slice));
    let cached = cache_path(&hash);
    let output = match std::fs::read_to_string(&cached)
        .ok()
        .and_then(|text| serde_json::from_str::<YosysOutput>(&text).ok())
    {
        Some(output) => output,
        None => {
            let output = run_yosys(work.path(), &script, &top, liberty.is_some(), status)?;
            // A cache that cannot be written costs the next run time, not this one its result.
            if let (Some(dir), Ok(text)) = (cached.parent(), serde_json::to_string(&output)) {
                let _ = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&cached, text));
            }
            output
        }
    };
    let library = liberty.map_or_else(String::new, |(path, _)| format!(" onto {}", path.display()));
    let areas = liberty_text.as_deref().map(liberty_areas);
    output.summarize(
        &top,
        areas.as_ref(),
        format!("{version} synthesis{library}, Verilog hash {hash}"),
    )
}

/// The standard-cell area per block of the periphery of `p` on `tech.library`, for the PPA
/// estimate.
pub fn digital_area(p: &TileParams, status: Status) -> Result<DigitalArea> {
    let library = p.config().tech.library;
    let liberty = crate::power::library_path(library)?;
    let mut area = synthesize(p, Some((&liberty, library)), status)?
        .digital_area()
        .with_context(|| format!("yosys mapped no cells onto {}", liberty.display()))?;
    area.node_nm = library.node_nm();
    Ok(area)
}

/// Runs `script` in `dir`, telling `status`: the files the script writes.
fn run_yosys(
    dir: &Path,
    script: &str,
    top: &str,
    mapped: bool,
    status: Status,
) -> Result<YosysOutput> {
    std::fs::write(dir.join("synth.ys"), script).context("cannot write synth.ys")?;
    status(&format!(
        "synthesizing {top} with Yosys (cached afterwards)"
    ));
    let out = Command::new("yosys")
        .args(["-q", "-l", "yosys.log", "synth.ys"])
        .current_dir(dir)
        .output();
    if !out.context("cannot run yosys")?.status.success() {
        let log = std::fs::read_to_string(dir.join("yosys.log")).unwrap_or_default();
        let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
        bail!("yosys failed synthesizing {top}: {}", errors.join("; "));
    }
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).with_context(|| format!("yosys wrote no {name}"))
    };
    Ok(YosysOutput {
        generic: read("generic.json")?,
        blocks_ltp: read("blocks.ltp")?,
        tile_ltp: read("tile.ltp")?,
        library: if mapped {
            Some(read("library.json")?)
        } else {
            None
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_lose_escapes_and_parameters() {
        assert_eq!(
            base_name("$paramod$69b0\\cim_input_buffer"),
            "cim_input_buffer"
        );
        assert_eq!(
            base_name("$paramod\\cim_column_params\\COLS=s32'100"),
            "cim_column_params"
        );
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
        let generic = r#"{ "modules": {
            "\\cim_tile": { "num_cells_by_type": { "$_AND_": 1, "$paramod$ab\\cim_activation_unit": 1, "cim_crossbar_macro": 1 } },
            "$paramod$ab\\cim_activation_unit": { "num_cells_by_type": { "\\helper": 3, "$_XOR_": 2 } },
            "\\helper": { "num_cells_by_type": { "$_SDFFE_PP0P_": 4 } } },
            "design": { , }"#;
        let library = generic
            .replace("$_AND_", "INVX1")
            .replace("$_XOR_", "NAND2X1")
            .replace("$_SDFFE_PP0P_", "DFFPOSX1");
        let output = YosysOutput {
            generic: generic.to_string(),
            blocks_ltp:
                "Longest topological path in $paramod$ab\\cim_activation_unit (length=7):\n  0: x\n"
                    .into(),
            tile_ltp: "Longest topological path in cim_tile (length=9):\n".into(),
            library: Some(library),
        };
        let areas = BTreeMap::from([
            ("INVX1".to_string(), 16.0),
            ("NAND2X1".to_string(), 24.0),
            ("DFFPOSX1".to_string(), 192.0),
        ]);
        let s = output
            .summarize("cim_tile", Some(&areas), "test".into())
            .unwrap();
        let activation = &s.blocks["activation_unit"];
        assert_eq!(
            (
                activation.cells,
                activation.flip_flops,
                activation.logic_depth
            ),
            (14, 12, 7)
        );
        assert_eq!(activation.area_um2, Some(2.0 * 24.0 + 12.0 * 192.0));
        // The blackbox is no cell of either library.
        assert_eq!(
            (s.blocks["other"].cells, s.blocks["other"].library_cells),
            (1, Some(1))
        );
        assert_eq!((s.cells, s.flip_flops, s.logic_depth), (15, 12, 9));
        assert_eq!(
            s.unmapped,
            BTreeMap::from([("cim_crossbar_macro".to_string(), 1)])
        );
        assert_eq!(
            s.digital_area().unwrap().blocks["activation_unit"],
            BlockCells {
                area_um2: 2352.0,
                cells: 14
            }
        );
    }
}

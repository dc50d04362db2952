//! A network's chip as Verilog, and its co-simulation.
//!
//! The chip holds one `cim_tile` per weight tile of the network's weight-stationary mapping
//! (one copy of each weight, the tiles of `cimtile net` and `cimtile chip`), an activation
//! memory per tensor, and per weight layer a feeder (the im2col vectors, read from the layer's
//! input memory), a broadcast to each row tile's tiles and a collector (the sum over row tiles
//! and the requantization, written to the layer's output memory). A sequencer runs the steps
//! of the layer table, which the generator writes from the network, one after the other for
//! each image it takes from the host's stream, and streams the output memory back.
//!
//! The arithmetic is `cimtile net`'s tile path, bit for bit (docs/chip.md, "The chip's
//! arithmetic"); [`cosim`] checks it image by image against [`cimtile_net::tiled::TiledNet`].

pub mod cosim;
mod handoff;
pub mod plan;
mod top;

use anyhow::{Context, Result};
use cimtile_cosim::verilog_ports::{module_ports, Port};
use cimtile_hdl::{
    chip_blocks, generate_with, Crossbar, FileRole, GenerateOptions, GeneratedRtl, RtlFile,
};
use cimtile_net::graph::Graph;
use cimtile_tile::TileParams;
use plan::Plan;
use std::path::Path;

/// The name of the chip's top module.
pub const TOP: &str = "cim_chip";

/// A generated chip: its plan, its tiles' RTL and its own files.
pub struct ChipRtl {
    /// Memories, steps and tiles.
    pub plan: Plan,
    /// The tile every weight tile is an instance of.
    pub tile: GeneratedRtl,
    /// The tile's ports.
    pub tile_ports: Vec<Port>,
    /// The chip's blocks and its top, in compilation order.
    pub files: Vec<RtlFile>,
    /// The chip's README: ports, host protocol, layer table.
    pub readme: String,
    /// The chip's ports.
    pub ports: Vec<Port>,
}

/// What the chip is built from, for its README: the network's file and the tile's origin.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The network (its file).
    pub model: String,
    /// The tile (a preset or a configuration file).
    pub tile: String,
}

/// The chip of `graph` on tiles `p`, with the crossbar `crossbar` in its tiles. Its Verilog
/// holds the network's structure only: weights, column parameters and the chip's tables are
/// programmed through its host port ([`cosim::ChipSim::program`]).
pub fn generate(
    graph: &Graph,
    p: &TileParams,
    crossbar: Crossbar,
    origin: &Origin,
) -> Result<ChipRtl> {
    let plan = Plan::new(graph, p)?;
    let tile = generate_with(
        p,
        &GenerateOptions {
            crossbar,
            ..Default::default()
        },
    )?;
    let tile_ports = module_ports(&tile.simulation_verilog(), &tile.tile_top)
        .context("reading the tile's ports")?;
    let mut files: Vec<RtlFile> = chip_blocks::BLOCKS
        .iter()
        .map(|(name, text)| RtlFile {
            name: (*name).to_string(),
            text: (*text).to_string(),
            role: FileRole::Periphery,
        })
        .collect();
    let text = top::chip_module(&plan, p, &tile.tile_top, &tile_ports);
    let ports = module_ports(&text, TOP).context("reading the chip's ports")?;
    let readme = handoff::readme(&plan, &ports, &origin.model, &origin.tile);
    files.push(RtlFile {
        name: format!("{TOP}.v"),
        text,
        role: FileRole::Periphery,
    });
    Ok(ChipRtl {
        plan,
        tile,
        tile_ports,
        files,
        readme,
        ports,
    })
}

impl ChipRtl {
    /// The Verilog of the whole chip in compilation order: the tile's files (its assertions
    /// included, for a simulator that takes them) and the chip's. With `dpi_macro`, the
    /// tile's behavioral crossbar is its DPI-C edition (Verilator only).
    pub fn simulation_verilog(&self, dpi_macro: bool) -> String {
        let tile = if dpi_macro {
            self.tile.dpi_simulation_verilog()
        } else {
            None
        }
        .unwrap_or_else(|| self.tile.simulation_verilog());
        tile + &self.chip_verilog()
    }

    /// The chip's own blocks and top.
    pub fn chip_verilog(&self) -> String {
        self.files.iter().map(|f| f.text.as_str()).collect()
    }

    /// The Verilog files in compilation order (`files.f`): the tile's (for every flow, so
    /// without its assertions) and the chip's.
    pub fn verilog_file_names(&self) -> Vec<String> {
        self.tile
            .verilog_files()
            .chain(&self.files)
            .map(|f| f.name.clone())
            .collect()
    }

    /// The chip's manifest: the layer table, the memories, the tiles and the tile's manifest.
    pub fn manifest(&self) -> serde_json::Value {
        serde_json::json!({
            "top": TOP,
            "tiles": self.plan.tiles,
            "steps": self.plan.steps,
            "memories": self.plan.memories,
            "input_memory": self.plan.input,
            "output_memory": self.plan.output,
            "files": self.verilog_file_names(),
            "tile": self.tile.manifest,
        })
    }

    /// Writes the hand-off into `dir`: the tile's files (its README and manifest as
    /// `cim_tile.README.md` and `cim_tile.manifest.json`), the chip's, `files.f`,
    /// `manifest.json`, the chip's `README.md`, `cim_chip.sdc` and the FuseSoC core
    /// `cim_chip.core`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory {}", dir.display()))?;
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
        };
        for f in &self.tile.files {
            let name = match f.name.as_str() {
                "README.md" => "cim_tile.README.md",
                other => other,
            };
            write(name, &f.text)?;
        }
        write("cim_tile.manifest.json", &self.tile.manifest.to_json()?)?;
        for f in &self.files {
            write(&f.name, &f.text)?;
        }
        let filelist: String = self
            .verilog_file_names()
            .iter()
            .map(|f| format!("{f}\n"))
            .collect();
        write("files.f", &filelist)?;
        write("README.md", &self.readme)?;
        write(
            &format!("{TOP}.sdc"),
            &handoff::sdc(&self.ports, cimtile_hdl::SDC_CLOCK_PERIOD_NS),
        )?;
        let (macros, periphery): (Vec<String>, Vec<String>) =
            self.verilog_file_names().into_iter().partition(|name| {
                self.tile
                    .files
                    .iter()
                    .any(|f| &f.name == name && f.role == FileRole::Macro)
            });
        write(&format!("{TOP}.core"), &handoff::core(&periphery, &macros))?;
        write(
            "manifest.json",
            &(serde_json::to_string_pretty(&self.manifest())? + "\n"),
        )?;
        Ok(())
    }
}

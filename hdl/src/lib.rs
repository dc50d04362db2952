#![deny(missing_docs)]

//! cimtile's RTL generator: the tile's digital periphery as parameterized Verilog blocks, one module per file the digital periphery as parameterized Verilog blocks, one
//! (`hdl/verilog/`), a crossbar macro in a file of its own (the behavioral model for simulation
//! and ASIC flows, or the synthesizable emulation for FPGAs), and a top module that this
//! generator writes with every parameter taken from the configuration.
//!
//! The blocks are hand-written Verilog rather than rust-hdl output because a flow needs what
//! rust-hdl 0.46 cannot give: widths that follow the configuration, registers in the block
//! that owns them, memories with synchronous reads, no `$` in names and no `initial` blocks.

pub mod axi;
pub mod chip_blocks;
pub mod dpi;
pub mod emulation;
mod formal;
mod handoff;
pub mod macro_abstract;
pub mod manifest;
pub mod sizing;
mod top;

use cimtile_tile::config::TileParams;
pub use emulation::Emulation;
pub use formal::PROOF_DEPTH;
pub use handoff::{sdc, SDC_CLOCK_PERIOD_NS};
pub use manifest::Manifest;
use serde::{Deserialize, Serialize};
pub use sizing::RtlSizing;
use std::path::{Path, PathBuf};
pub use top::{bus, instance, instances};

/// Where builds made from generated RTL are cached (Verilator models, synthesis results): `$CIMTILE_CACHE_DIR`, else `$XDG_CACHE_HOME/cimtile`, else
/// `~/.cache/cimtile` (a temporary directory without `HOME`).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CIMTILE_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("cimtile");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache/cimtile"),
        None => std::env::temp_dir().join("cimtile-cache"),
    }
}

/// The top module's name, before any prefix.
pub const TOP_MODULE: &str = "cim_tile";

/// A block of the periphery: its module name and Verilog source.
struct Block {
    module: &'static str,
    source: &'static str,
}

impl Block {
    /// The block's file under `prefix` (modules renamed), in `role`.
    fn file(&self, prefix: &str, role: FileRole) -> RtlFile {
        RtlFile {
            name: format!("{prefix}{}.v", self.module),
            text: with_prefix(self.source, prefix),
            role,
        }
    }
}

/// The periphery blocks, in dependency order.
const BLOCKS: &[Block] = &[
    Block {
        module: "cim_clock_gate",
        source: include_str!("../verilog/cim_clock_gate.v"),
    },
    Block {
        module: "cim_tile_controller",
        source: include_str!("../verilog/cim_tile_controller.v"),
    },
    Block {
        module: "cim_input_buffer",
        source: include_str!("../verilog/cim_input_buffer.v"),
    },
    Block {
        module: "cim_adc_scheduler",
        source: include_str!("../verilog/cim_adc_scheduler.v"),
    },
    Block {
        module: "cim_shift_add_lanes",
        source: include_str!("../verilog/cim_shift_add_lanes.v"),
    },
    Block {
        module: "cim_column_params",
        source: include_str!("../verilog/cim_column_params.v"),
    },
    Block {
        module: "cim_column_combiner",
        source: include_str!("../verilog/cim_column_combiner.v"),
    },
    Block {
        module: "cim_stream_fifo",
        source: include_str!("../verilog/cim_stream_fifo.v"),
    },
    Block {
        module: "cim_activation_unit",
        source: include_str!("../verilog/cim_activation_unit.v"),
    },
];

/// The AXI wrapper (`--bus axi`), instantiated by the generated AXI top.
const AXI_WRAPPER: Block = Block {
    module: "cim_axi_wrapper",
    source: include_str!("../verilog/cim_axi_wrapper.v"),
};

/// The behavioral crossbar macro: replaced by the silicon macro in an ASIC flow.
const MACRO: &[Block] = &[Block {
    module: "cim_crossbar_macro",
    source: include_str!("../verilog/cim_crossbar_macro.v"),
}];

/// The synthesizable crossbar with the behavioral macro's ports and timing, for FPGAs, after
/// the arithmetic blocks it instantiates (multiplies by constants in adders, not DSP blocks).
const EMULATED: &[Block] = &[
    Block {
        module: "cim_constant_multiplier",
        source: include_str!("../verilog/cim_constant_multiplier.v"),
    },
    Block {
        module: "cim_constant_divider",
        source: include_str!("../verilog/cim_constant_divider.v"),
    },
    Block {
        module: "cim_constant_modulo",
        source: include_str!("../verilog/cim_constant_modulo.v"),
    },
    Block {
        module: "cim_hash_round",
        source: include_str!("../verilog/cim_hash_round.v"),
    },
    Block {
        module: "cim_delay_line",
        source: include_str!("../verilog/cim_delay_line.v"),
    },
    Block {
        module: "cim_crossbar_emulated",
        source: include_str!("../verilog/cim_crossbar_emulated.v"),
    },
];

/// Whether `module` (perhaps prefixed) is an arithmetic part of another block, the emulated
/// crossbar's multipliers by constants and hash rounds: a per-block report counts it with
/// the block that instantiates it.
pub fn is_arithmetic_part(module: &str) -> bool {
    EMULATED[..EMULATED.len() - 1]
        .iter()
        .any(|b| module.ends_with(b.module))
}

/// Which crossbar macro the tile instantiates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crossbar {
    /// `cim_crossbar_macro`: the behavioral model, simulation only (a black box in synthesis).
    #[default]
    Behavioral,
    /// `cim_crossbar_emulated`: synthesizable, bit-exact, for a tile on an FPGA.
    Emulated,
}

impl Crossbar {
    /// The name `--macro` takes and the manifest records: `behavioral` or `emulated`.
    pub fn name(self) -> &'static str {
        match self {
            Crossbar::Behavioral => "behavioral",
            Crossbar::Emulated => "emulated",
        }
    }

    /// Whether `name` is a file of this crossbar under `prefix`.
    fn has_file(self, name: &str, prefix: &str) -> bool {
        self.blocks()
            .iter()
            .any(|b| name.strip_prefix(prefix).and_then(|n| n.strip_suffix(".v")) == Some(b.module))
    }

    /// The crossbar's Verilog blocks, the crossbar module last.
    fn blocks(self) -> &'static [Block] {
        match self {
            Crossbar::Behavioral => MACRO,
            Crossbar::Emulated => EMULATED,
        }
    }
}

/// Why RTL could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum RtlError {
    /// The `--prefix` would make invalid Verilog module names.
    #[error("invalid module prefix '{0}': it must start with a letter and hold only letters, digits and '_'")]
    Prefix(String),
    /// The emulated crossbar cannot implement this tile (the message says why).
    #[error("{0}")]
    Emulation(String),
    /// The AXI wrapper programs column parameters, which a raw tile has not.
    #[error("a raw tile (output.raw) has no AXI wrapper: its host is a chip's own logic, which drives the tile's ports (drop --bus axi, or output.raw)")]
    RawTileBus,
}

/// What the generated files are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// The digital periphery: synthesizable, for every flow (the emulated crossbar included).
    Periphery,
    /// The behavioral model of the analog array: simulation only.
    Macro,
    /// Documentation and tool files beside the Verilog.
    Handoff,
    /// The bus wrapper and its top (`--bus`): synthesizable, for a flow that wants the bus.
    Bus,
    /// The host rules as SystemVerilog assertions, bound into the tile: for simulators and
    /// linters that take them (not Icarus 11), never for synthesis.
    Assertions,
    /// The SymbiYosys job and the files only it reads (host assumptions, abstract crossbar).
    Formal,
}

/// One generated file.
#[derive(Debug, Clone)]
pub struct RtlFile {
    /// File name, without a directory (`cim_tile.v`, say).
    pub name: String,
    /// The file's full contents.
    pub text: String,
    /// Which flows the file belongs to.
    pub role: FileRole,
}

/// Options of `generate`.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// Put before every module name, so several tiles can live in one design.
    pub prefix: String,
    /// A bus wrapper around the tile, whose top then becomes the design's top.
    pub bus: Option<Bus>,
    /// The crossbar in the file set.
    pub crossbar: Crossbar,
}

/// The bus a wrapper puts on the tile's host interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bus {
    /// AXI4-Lite for programming and status, AXI4-Stream for inputs and results.
    Axi,
}

/// The generated RTL of one tile.
pub struct GeneratedRtl {
    /// Name of the top module (with the prefix): the bus wrapper's top if there is one.
    pub top: String,
    /// The tile's own top module (with the prefix).
    pub tile_top: String,
    /// The bus wrapper around the tile, if one was asked for.
    pub bus: Option<Bus>,
    /// Every file of the design, with its role.
    pub files: Vec<RtlFile>,
    /// The sizes the generator derived from the configuration.
    pub sizing: RtlSizing,
    /// What the RTL was generated from: configuration, sizes, widths, cycles, fingerprint.
    pub manifest: Manifest,
}

impl GeneratedRtl {
    /// Every Verilog file and the assertions bound into the tile, as one text, for a simulator
    /// that takes SystemVerilog assertions (Verilator `--assert`).
    pub fn simulation_verilog(&self) -> String {
        self.verilog_files()
            .chain(self.assertion_files())
            .map(|f| f.text.as_str())
            .collect()
    }

    /// The Verilog files, in compilation order (`files.f`): every flow's, Icarus and synthesis
    /// included, so without the assertions.
    pub fn verilog_files(&self) -> impl Iterator<Item = &RtlFile> {
        self.files.iter().filter(|f| {
            matches!(
                f.role,
                FileRole::Periphery | FileRole::Macro | FileRole::Bus
            )
        })
    }

    /// The host rules as assertions (`cim_tile_rules.sv`), read after [`Self::verilog_files`]
    /// by tools that take `bind` and SystemVerilog assertions (not Icarus 11).
    pub fn assertion_files(&self) -> impl Iterator<Item = &RtlFile> {
        self.files.iter().filter(|f| f.role == FileRole::Assertions)
    }
}

/// Renames every `cim_` module (and its mentions) to `{prefix}cim_`.
fn with_prefix(text: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(at) = rest.find("cim_") {
        let starts_word = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        out += &rest[..at];
        if starts_word {
            out += prefix;
        }
        out += "cim_";
        rest = &rest[at + 4..];
    }
    out + rest
}

fn valid_prefix(prefix: &str) -> bool {
    prefix.is_empty()
        || (prefix.starts_with(|c: char| c.is_ascii_alphabetic())
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// Verilog of the tile `p` with default options.
pub fn generate(p: &TileParams) -> GeneratedRtl {
    generate_with(p, &GenerateOptions::default()).expect("the default options are valid")
}

/// Verilog of the tile `p`, its manifest and the hand-off files.
pub fn generate_with(p: &TileParams, options: &GenerateOptions) -> Result<GeneratedRtl, RtlError> {
    if !valid_prefix(&options.prefix) {
        return Err(RtlError::Prefix(options.prefix.clone()));
    }
    if p.raw_output() && options.bus.is_some() {
        return Err(RtlError::RawTileBus);
    }
    let prefix = options.prefix.as_str();
    let emulation = match options.crossbar {
        Crossbar::Behavioral => None,
        Crossbar::Emulated => Some(Emulation::plan(p).map_err(RtlError::Emulation)?),
    };
    // The emulation runs the tile at its pipeline's latency: everything below sees that one.
    let with_latency;
    let p = match &emulation {
        Some(e) => {
            with_latency = p.with_adc_latency(e.latency as u32);
            &with_latency
        }
        None => p,
    };
    let sizing = RtlSizing::new(p);
    let tile_top = format!("{prefix}{TOP_MODULE}");
    // A raw tile leaves its column stage to the chip: no files for it either.
    let column_stage = ["cim_column_params", "cim_activation_unit"];
    let mut files: Vec<RtlFile> = BLOCKS
        .iter()
        .filter(|b| !p.raw_output() || !column_stage.contains(&b.module))
        .map(|b| b.file(prefix, FileRole::Periphery))
        .collect();
    files.push(RtlFile {
        name: format!("{tile_top}.v"),
        text: top::top_module(p, &sizing, prefix, emulation.as_ref()),
        role: FileRole::Periphery,
    });
    let crossbar = options.crossbar.blocks();
    let macro_file = format!(
        "{prefix}{}.v",
        crossbar.last().expect("a crossbar module").module
    );
    let crossbar_role = if emulation.is_some() {
        FileRole::Periphery
    } else {
        FileRole::Macro
    };
    files.extend(crossbar.iter().map(|b| b.file(prefix, crossbar_role)));
    files.push(RtlFile {
        name: format!("{prefix}cim_tile_rules.sv"),
        text: with_prefix(&formal::rules(p, &sizing), prefix),
        role: FileRole::Assertions,
    });
    let top = match options.bus {
        None => tile_top.clone(),
        Some(Bus::Axi) => {
            let axi_top = format!("{prefix}{}", axi::AXI_TOP_MODULE);
            files.push(AXI_WRAPPER.file(prefix, FileRole::Bus));
            files.push(RtlFile {
                name: format!("{axi_top}.v"),
                text: axi::axi_top_module(p, &sizing, prefix),
                role: FileRole::Bus,
            });
            axi_top
        }
    };
    let fingerprint = fnv1a64(files.iter().flat_map(|f| f.text.as_bytes().iter().copied()));
    let manifest = Manifest {
        generator: format!("cimtile {}", env!("CARGO_PKG_VERSION")),
        top_module: top.clone(),
        prefix: prefix.to_string(),
        files: files.iter().map(|f| f.name.clone()).collect(),
        crossbar: options.crossbar,
        macro_file,
        verilog_fnv1a64: format!("{fingerprint:016x}"),
        config: p.config().clone(),
        derived: manifest::Derived::of(p),
        widths: p.widths(),
        sizing: sizing.clone(),
        adc_latency: p.adc_latency(),
        min_cycles_per_mvm: p.min_cycles_per_mvm(),
        expected_cycles_per_mvm: p.expected_cycles_per_mvm(),
        stream_cycles_pattern: p.stream_cycles().pattern,
        // What a reader of the directory needs to find the tile behind the bus.
        bus: options.bus,
        tile_module: options.bus.map(|_| tile_top.clone()),
        emulation,
        synthesis: None,
        ppa: None,
    };
    let mut rtl = GeneratedRtl {
        top,
        tile_top,
        bus: options.bus,
        files,
        sizing,
        manifest,
    };
    let handoff = handoff::files(p, &rtl);
    rtl.files.extend(handoff);
    if options.crossbar == Crossbar::Behavioral {
        // The proof replaces the behavioral macro; the emulated crossbar is periphery and
        // would need an abstraction of its own.
        let proof = formal::files(p, &rtl, |text| with_prefix(text, prefix));
        rtl.files.extend(proof);
    }
    Ok(rtl)
}

/// Writes every file, `files.f` and `manifest.json` into `dir`.
pub fn write(rtl: &GeneratedRtl, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in &rtl.files {
        std::fs::write(dir.join(&f.name), &f.text)?;
    }
    let filelist: String = rtl
        .verilog_files()
        .map(|f| format!("{}\n", f.name))
        .collect();
    std::fs::write(dir.join("files.f"), filelist)?;
    std::fs::write(dir.join(manifest::MANIFEST_FILE), rtl.manifest.to_json()?)?;
    Ok(())
}

/// FNV-1a, 64 bits: a stable fingerprint of the Verilog for the manifest.
pub fn fnv1a64(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_renames_modules_only() {
        let text = "module cim_tile; cim_adc_scheduler u (); wire my_cim_x; endmodule";
        assert_eq!(
            with_prefix(text, "t0_"),
            "module t0_cim_tile; t0_cim_adc_scheduler u (); wire my_cim_x; endmodule"
        );
    }

    #[test]
    fn instances_are_read_back_from_the_top() {
        let p = cimtile_tile::TileConfig::from_preset("default")
            .unwrap()
            .validate()
            .unwrap();
        let options = GenerateOptions {
            prefix: "t0_".into(),
            ..Default::default()
        };
        let rtl = generate_with(&p, &options).unwrap();
        let found = instances(
            &rtl.files
                .iter()
                .find(|f| f.name == "t0_cim_tile.v")
                .unwrap()
                .text,
        );
        let modules: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        // The clock gate is instantiated inside the blocks, not by the top.
        let in_top = || BLOCKS.iter().filter(|b| b.module != "cim_clock_gate");
        let expected: Vec<String> = in_top()
            .chain(MACRO)
            .map(|b| format!("t0_{}", b.module))
            .collect();
        assert!(
            expected.iter().all(|m| modules.contains(&m.as_str())),
            "{found:?}"
        );
        assert!(
            found.contains(&("t0_cim_tile_controller".into(), "controller".into())),
            "{found:?}"
        );
        assert_eq!(
            found.len(),
            in_top().count() + 2,
            "two stream FIFOs and the macro: {found:?}"
        );
        let line = top::instance("cim_x", "x0", &[], &["a"]);
        assert_eq!(instances(&line), [("cim_x".to_string(), "x0".to_string())]);
    }

    #[test]
    fn bad_prefixes_are_refused() {
        for bad in ["0x", "a-b", "a$", "_x"] {
            let options = GenerateOptions {
                prefix: bad.into(),
                ..Default::default()
            };
            let err = generate_with(
                &cimtile_tile::TileConfig::default().validate().unwrap(),
                &options,
            )
            .err()
            .expect("refused");
            assert!(err.to_string().contains(&format!("'{bad}'")), "{err}");
        }
    }
}

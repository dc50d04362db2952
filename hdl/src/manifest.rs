//! `manifest.json`: what a generated directory was generated from and holds. [`generate_with`]
//! writes it, and every reader (the hand-off README, the co-simulation's fingerprint check, the
//! FPGA flow, the CLI) reads it through [`Manifest`], so the keys are named in one place.
//!
//! [`generate_with`]: crate::generate_with

use crate::{Bus, Crossbar, Emulation, RtlSizing};
use cimtile_tile::config::{TileConfig, TileParams, Widths};
use cimtile_tile::ppa::PpaReport;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest's file name in a generated directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The contents of `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// `cimtile` and its version.
    pub generator: String,
    /// The design's top module: the bus wrapper's top if there is one.
    pub top_module: String,
    /// The prefix before every module name (empty without one).
    pub prefix: String,
    /// Every generated file before the hand-off files, in compilation order.
    pub files: Vec<String>,
    /// Which crossbar the tile instantiates.
    pub crossbar: Crossbar,
    /// The crossbar module's file (`cim_crossbar_macro.v`, `cim_crossbar_emulated.v`).
    pub macro_file: String,
    /// FNV-1a 64 of the files in `files`, in that order, as 16 hex digits.
    pub verilog_fnv1a64: String,
    /// The configuration the RTL was generated from.
    pub config: TileConfig,
    /// The array's derived counts.
    pub derived: Derived,
    /// The datapath's bounds and widths.
    pub widths: Widths,
    /// The RTL's index and datapath sizes.
    pub sizing: RtlSizing,
    /// The conversion latency the RTL runs with (the emulation's, when it is longer).
    pub adc_latency: u32,
    /// The ADCs' bound on cycles per MVM, `Ib*G*M*Ta`.
    pub min_cycles_per_mvm: u64,
    /// Mean cycles per MVM in a back-to-back stream (an integer when it is one).
    #[serde(serialize_with = "cimtile_tile::schedule::serialize_cycles")]
    pub expected_cycles_per_mvm: f64,
    /// Spacing of completions over one period of a back-to-back stream.
    pub stream_cycles_pattern: Vec<u64>,
    /// The bus wrapper, if any: then `top_module` is its top and `tile_module` the tile's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<Bus>,
    /// With a bus wrapper, the tile's own top module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_module: Option<String>,
    /// The emulated crossbar's layout, when the crossbar is emulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulation: Option<Emulation>,
    /// The periphery's synthesis as `cimtile generate` measured it (the type is the flows
    /// crate's, above this one). Absent with `--no-synth` or without Yosys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synthesis: Option<serde_json::Value>,
    /// The tile's PPA estimate on the standard random workload, beside `synthesis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppa: Option<PpaReport>,
}

/// The array's derived counts (spec section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    /// S: slices per weight.
    pub slices: usize,
    /// P: physical columns.
    pub phys_cols: usize,
    /// G: row groups.
    pub groups: usize,
    /// M: mux phases.
    pub phases: usize,
}

impl Derived {
    /// The counts of the tile `p`.
    pub fn of(p: &TileParams) -> Derived {
        Derived {
            slices: p.slices(),
            phys_cols: p.phys_cols(),
            groups: p.groups(),
            phases: p.phases(),
        }
    }
}

/// Why a directory's manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file is missing or unreadable.
    #[error("cannot read {}", .0.display())]
    Read(PathBuf, #[source] std::io::Error),
    /// The file is not a manifest (not JSON, a key missing or of the wrong type).
    #[error("{} is not a cimtile manifest", .0.display())]
    Parse(PathBuf, #[source] serde_json::Error),
}

impl Manifest {
    /// The crossbar module's name: [`Self::macro_file`] without `.v`.
    pub fn macro_module(&self) -> &str {
        self.macro_file.trim_end_matches(".v")
    }

    /// The manifest of the generated directory `dir`.
    pub fn read(dir: &Path) -> Result<Manifest, ManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let text =
            std::fs::read_to_string(&path).map_err(|e| ManifestError::Read(path.clone(), e))?;
        serde_json::from_str(&text).map_err(|e| ManifestError::Parse(path, e))
    }

    /// The manifest as `manifest.json` holds it: pretty JSON with sorted keys, as a
    /// `serde_json::Value` writes them.
    pub fn to_json(&self) -> serde_json::Result<String> {
        Ok(serde_json::to_string_pretty(&serde_json::to_value(self)?)? + "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Today's manifests, with synthesis and PPA figures, read into the type and written back
    /// as the same JSON: the type names every key, with its value's type.
    #[test]
    fn committed_manifests_read_and_write_back_the_same() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rtl-out");
        for name in ["default", "isaac", "neurram", "fpga64", "fpga64-emulated"] {
            let dir = root.join(name);
            let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap();
            let manifest = Manifest::read(&dir).unwrap();
            assert!(
                manifest.ppa.is_some() && manifest.synthesis.is_some(),
                "{name}"
            );
            let original: serde_json::Value = serde_json::from_str(&text).unwrap();
            // As JSON values, not text: serde_json parses floats to within an ulp (no
            // `float_roundtrip`), so a float read and written back may print longer.
            assert_eq!(serde_json::to_value(&manifest).unwrap(), original, "{name}");
        }
    }

    #[test]
    fn a_missing_key_is_named() {
        let dir = std::env::temp_dir().join(format!("cimtile-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(MANIFEST_FILE), "{\"prefix\": \"\"}").unwrap();
        let err = Manifest::read(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        let chain = format!("{err}: {}", std::error::Error::source(&err).unwrap());
        assert!(
            chain.contains("is not a cimtile manifest") && chain.contains("missing field"),
            "{chain}"
        );
    }
}

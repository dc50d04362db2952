//! The named presets: each a complete TOML file whose header names its source.

use super::ConfigError;

/// A named preset: its TOML text is complete (every key), so it can serve as the base of a file.
pub struct Preset {
    /// The name a configuration or `--preset` selects it by, such as `default`.
    pub name: &'static str,
    /// One line: what the tile is and where its figures come from.
    pub summary: &'static str,
    /// The complete TOML text of the preset, every section and key.
    pub toml: &'static str,
}

/// The presets, `default` first. Each file's header names its source.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "default",
        summary: "small ideal tile (16x4, 4-bit weights and inputs): computes W^T x exactly",
        toml: include_str!("../../presets/default.toml"),
    },
    Preset {
        name: "isaac",
        summary: "ISAAC (ISCA 2016): 128x128 array, 2-bit cells, 16-bit weights and inputs, one 8-bit ADC",
        toml: include_str!("../../presets/isaac.toml"),
    },
    Preset {
        name: "neurram",
        summary: "NeuRRAM (Nature 2022): 256x256 differential array, 3-bit cells, 4-bit weights and inputs, 16 ADCs, noise",
        toml: include_str!("../../presets/neurram.toml"),
    },
    Preset {
        name: "fpga64",
        summary: "FPGA-sized 64x64 cell array, 8 ADCs, noise and modest v2 effects: fits the emulated crossbar",
        toml: include_str!("../../presets/fpga64.toml"),
    },
    Preset {
        name: "neurosim",
        summary: "DNN+NeuroSim's RRAM case (V1.4): 128x128 array of 1-bit cells, 8-bit weights and inputs, 4-bit ADCs shared by 8 columns, 22 nm",
        toml: include_str!("../../presets/neurosim.toml"),
    },
];

/// The preset called `name`, or an error that lists the known ones.
pub fn preset(name: &str) -> Result<&'static Preset, ConfigError> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        ConfigError::single(format!(
            "unknown preset '{name}' (known presets: {})",
            PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

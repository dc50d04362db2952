//! The DPI-C edition of the behavioral crossbar macro, for Verilator co-simulation only.
//!
//! `cim_crossbar_macro_dpi.sv` has the module name, parameters, ports and timing of
//! `cim_crossbar_macro.v`; its conversions are computed by `cim_crossbar_dpi.cpp` (one call per
//! conversion of all the ADCs of a phase, conductances computed when a cell is programmed), so
//! a Verilated tile spends its time in the periphery rather than in the macro's arithmetic.
//! `generate` does not write these files: the hand-off ships `cim_crossbar_macro.v`, the macro
//! that synthesis black-boxes and Icarus simulates; both macros are co-simulated against the
//! golden model.

use super::{with_prefix, FileRole, GeneratedRtl};

/// The SystemVerilog of the DPI macro (module `cim_crossbar_macro`).
pub const MACRO_SV: &str = include_str!("../verilog/cim_crossbar_macro_dpi.sv");

/// The C++ of the DPI macro's functions (`cimtile_xbar_*`, no `cim_` prefix to rename).
pub const MACRO_CPP: &str = include_str!("../verilog/cim_crossbar_dpi.cpp");

/// The file name the C++ is built under.
pub const CPP_FILE: &str = "cim_crossbar_dpi.cpp";

/// The module name of the behavioral macro, before any prefix.
const MACRO_MODULE: &str = "cim_crossbar_macro";

impl GeneratedRtl {
    /// [`GeneratedRtl::simulation_verilog`] with the behavioral macro replaced by its DPI
    /// edition (same module name, prefixed alike), to be built with [`MACRO_CPP`]. None when
    /// the design has no behavioral macro (the emulated crossbar).
    pub fn dpi_simulation_verilog(&self) -> Option<String> {
        let prefix = self.manifest.prefix.as_str();
        let macro_file = format!("{prefix}{MACRO_MODULE}.v");
        let dpi = with_prefix(MACRO_SV, prefix);
        let mut found = false;
        let text = self
            .verilog_files()
            .chain(self.assertion_files())
            .map(|f| {
                if f.role == FileRole::Macro && f.name == macro_file {
                    found = true;
                    dpi.as_str()
                } else {
                    f.text.as_str()
                }
            })
            .collect();
        found.then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use crate::{generate_with, Crossbar, GenerateOptions};

    #[test]
    fn the_dpi_macro_replaces_the_behavioral_one_prefix_and_all() {
        let p = cimtile_tile::TileConfig::default().validate().unwrap();
        let options = GenerateOptions {
            prefix: "t0_".into(),
            ..Default::default()
        };
        let rtl = generate_with(&p, &options).unwrap();
        let text = rtl.dpi_simulation_verilog().unwrap();
        assert!(text.contains("module t0_cim_crossbar_macro #("));
        assert!(text.contains("import \"DPI-C\" function void cimtile_xbar_convert("));
        assert!(!text.contains("function automatic [31:0] conductance("));
        assert_eq!(text.matches("module t0_cim_crossbar_macro ").count(), 1);
        // The hand-off keeps the behavioral macro; the emulated crossbar has no macro to swap.
        assert!(rtl
            .simulation_verilog()
            .contains("function automatic [31:0] conductance("));
        let emulated = GenerateOptions {
            crossbar: Crossbar::Emulated,
            ..Default::default()
        };
        let p64 = cimtile_tile::TileConfig::from_preset("fpga64")
            .unwrap()
            .validate()
            .unwrap();
        assert!(generate_with(&p64, &emulated)
            .unwrap()
            .dpi_simulation_verilog()
            .is_none());
    }
}

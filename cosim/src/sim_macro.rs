//! Which model of the analog crossbar a Verilator co-simulation runs behind the behavioral
//! macro's ports.
//!
//! - [`Macro::Dpi`] (the default): `cim_crossbar_macro_dpi.sv`, whose conversions are computed
//!   in C++ through DPI-C (`cim_crossbar_dpi.cpp`, see [`cimtile_hdl::dpi`]); an order of
//!   magnitude faster on large tiles, where the Verilog macro's arithmetic is nearly all of the
//!   evaluation.
//! - [`Macro::Verilog`]: `cim_crossbar_macro.v`, the behavioral macro that `generate` ships
//!   (and the one Icarus simulates).
//!
//! Both have the same module, parameters, ports and timing, and both are co-simulated against
//! the golden model. The choice applies to a tile with the behavioral crossbar; the emulated
//! crossbar (`Crossbar::Emulated`) has no macro to replace.

use crate::verilator_build::{build_with_sources, BuiltModel, CppSource};
use crate::CosimError;
use cimtile_hdl::{dpi, GeneratedRtl};

/// The crossbar macro model of a Verilator build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Macro {
    /// The DPI-C macro: conversions in C++ (Verilator only).
    #[default]
    Dpi,
    /// The behavioral Verilog macro, as shipped by `generate`.
    Verilog,
}

impl Macro {
    /// Both models, the default first.
    pub const ALL: [Macro; 2] = [Macro::Dpi, Macro::Verilog];

    /// `dpi` or `verilog`, as `--macro` spells them.
    pub fn name(self) -> &'static str {
        match self {
            Macro::Dpi => "dpi",
            Macro::Verilog => "verilog",
        }
    }
}

/// Builds (or finds in the cache) the model of `rtl` with `sim_macro` in place of the
/// behavioral macro, if the design has one.
pub fn build_generated(rtl: &GeneratedRtl, sim_macro: Macro) -> Result<BuiltModel, CosimError> {
    let dpi_verilog = match sim_macro {
        Macro::Dpi => rtl.dpi_simulation_verilog(),
        Macro::Verilog => None,
    };
    match dpi_verilog {
        Some(verilog) => build_with_sources(
            &verilog,
            &rtl.top,
            &[],
            &[CppSource {
                name: dpi::CPP_FILE,
                text: dpi::MACRO_CPP,
            }],
        ),
        None => build_with_sources(&rtl.simulation_verilog(), &rtl.top, &[], &[]),
    }
}

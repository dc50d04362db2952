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
//!
//! The periphery is built in one of its two forms ([`ClockGates`]): by default with
//! `CIM_CLOCK_ENABLES`, the form the FPGA and formal flows read (register files as memories,
//! the clock gates as the clock enables Verilator simulates them as anyway), which Verilator
//! builds about 5x and runs up to 1.8x faster (docs/speed.md); or as the ASIC netlist has it, a
//! register and a gate per word ([`ClockGates::Gates`]). The suite co-simulates both forms
//! against the golden model on every preset.

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

/// The form of the periphery's clock gating a Verilator build simulates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ClockGates {
    /// `CIM_CLOCK_ENABLES` defined: register files are memories and every `cim_clock_gate` is
    /// the clock enable it amounts to (the FPGA and formal form).
    #[default]
    Enables,
    /// The ASIC form: a register behind a clock gate per word, and the read registers' reload
    /// logic that goes with them (the gate itself still simulated as its enable).
    Gates,
}

impl ClockGates {
    /// Both forms, the default first.
    pub const ALL: [ClockGates; 2] = [ClockGates::Enables, ClockGates::Gates];

    /// `enables` or `gates`.
    pub fn name(self) -> &'static str {
        match self {
            ClockGates::Enables => "enables",
            ClockGates::Gates => "gates",
        }
    }

    /// The Verilator flags that select this form.
    pub fn flags(self) -> &'static [&'static str] {
        match self {
            ClockGates::Enables => &["-DCIM_CLOCK_ENABLES"],
            ClockGates::Gates => &[],
        }
    }
}

/// Builds (or finds in the cache) the model of `rtl` with `sim_macro` in place of the
/// behavioral macro, if the design has one, and the default form of its clock gates.
pub fn build_generated(rtl: &GeneratedRtl, sim_macro: Macro) -> Result<BuiltModel, CosimError> {
    build_generated_with(rtl, sim_macro, ClockGates::default())
}

/// [`build_generated`] with the clock gates in the form `gates`.
pub fn build_generated_with(
    rtl: &GeneratedRtl,
    sim_macro: Macro,
    gates: ClockGates,
) -> Result<BuiltModel, CosimError> {
    let dpi_verilog = match sim_macro {
        Macro::Dpi => rtl.dpi_simulation_verilog(),
        Macro::Verilog => None,
    };
    match dpi_verilog {
        Some(verilog) => build_with_sources(
            &verilog,
            &rtl.top,
            gates.flags(),
            &[CppSource {
                name: dpi::CPP_FILE,
                text: dpi::MACRO_CPP,
            }],
        ),
        None => build_with_sources(&rtl.simulation_verilog(), &rtl.top, gates.flags(), &[]),
    }
}

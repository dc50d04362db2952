#![deny(missing_docs)]
//! Power of a synthesized gate-level netlist from its cells' own Liberty tables, computed the way
//! a signoff tool does (OpenSTA's `report_power`), so that cimtile can price the digital
//! periphery with the library's numbers instead of one toggle energy per cell.
//!
//! # Method
//!
//! For every instance of a Liberty cell, with `T` the clock period and rates in transitions per
//! second (activity per cycle divided by `T`, as OpenSTA's `findClkedActivity`):
//!
//! * **Internal power**: for every pin (inputs, including flip-flop clock pins, and outputs),
//!   every `internal_power` group of that pin is looked up at the slew of its related pin (the
//!   pin itself when there is none) and, for outputs, at the pin's load; the rise and fall tables
//!   are each weighted by a duty: the probability of the group's `when` condition, or for groups
//!   without `when` the condition OpenSTA infers from the pin's function (`inferedWhen`), or 1.0
//!   when the related pin is on the clock network, or 0.5 otherwise. The sum is multiplied by
//!   the pin's own rate. (So a clock-related group counts rise + fall per output transition and a
//!   data-related group their average; that is OpenSTA's convention and is kept for agreement.)
//! * **Switching power** of each output: `0.5 C V^2 rate`, `C` the larger of the rise and fall
//!   sums of every Liberty pin capacitance on the net (the driver's own included) plus the wire
//!   capacitance of the library's `default_wire_load` for the net's fanout (input pins plus
//!   output ports), which OpenSTA applies when no wire-load model is set; none when the library
//!   has none. Nets driven by primary inputs (the clock port's net too) have no driver cell and
//!   so no switching power, as in OpenSTA.
//! * **Leakage**: `cell_leakage_power` if given, else the `leakage_power` groups as OpenSTA
//!   weighs them.
//!
//! Activity: a global activity `A` means what `set_power_activity -global -activity A` means in
//! OpenSTA: every non-clock pin toggles `A` times per clock cycle with duty 0.5; the clock network
//! (the clock net and nets driven through combinational cells from it) toggles twice per cycle.
//! Per-net overrides (e.g. measured by co-simulation) replace `A` on their nets. A pin's cycle is
//! the period of the clock whose paths reach it; OpenSTA 2.0.17 gives an instance no clocked pin
//! (fed only by primary inputs without `set_input_delay`) 0.1 transitions per *second*, i.e.
//! practically no dynamic power; [`Unclocked`] chooses between that and the clock rate.
//!
//! Slews: primary inputs have slew `input_slew_ns` (OpenSTA: 0 without
//! `set_input_transition`); each cell output's slew is the largest of its arcs'
//! `rise_transition` / `fall_transition` at the related pin's slew (by unateness) and the net's
//! total load, propagated in topological order. OpenSTA's default delay calculator reduces a
//! wire-load net to an effective capacitance smaller than the total; this crate uses the total,
//! which changes slews (and through them internal power) slightly.
//!
//! Not modelled: multiple clocks, generated clocks, parasitics (SPEF), constant propagation,
//! state-dependent leakage beyond OpenSTA's weighting, multi-voltage designs (the default
//! operating conditions' voltage is used everywhere), 3-D tables. Black-box instances (not in
//! the library, e.g. the crossbar macro) are priced at zero and listed in
//! [`PowerReport::unpriced_cells`]; their pins load their nets only if a model library is given.
//!
//! # Example
//!
//! ```no_run
//! use cimtile_power::{estimate, Activity, Conditions, Liberty, Netlist};
//! let lib = Liberty::read("osu018_stdcells.lib")?;
//! let nl = Netlist::from_yosys_json("design.json", None)?;
//! let r = estimate(&lib, &[], &nl, &Activity::global(0.1), &Conditions::new(10.0, "clock"))?;
//! println!("{:.3} mW, {:.2} pJ/cycle", r.total.total_mw, r.energy_per_cycle_pj);
//! # Ok::<(), cimtile_power::PowerError>(())
//! ```

pub mod activity;
pub mod blocks;
pub mod engine;
pub mod error;
pub mod expr;
mod graph;
pub mod liberty;
pub mod netlist;
pub mod opensta;
pub mod report;
pub mod table;

pub use activity::Activity;
pub use engine::{estimate, Conditions, Unclocked};
pub use error::{PowerError, Result};
pub use graph::WireLoadModel;
pub use liberty::Liberty;
pub use netlist::Netlist;
pub use report::{PowerReport, Split};

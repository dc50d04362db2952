//! A tile priced as a hardware team prices it: the PPA model's analog figures (crossbar, ADCs,
//! drivers) with the digital periphery synthesized onto `tech.library` (area per block) and its
//! flat netlist priced by the library's power tables ([`crate::power`]) at an activity that is
//! measured by co-simulating the workload wherever Verilator is installed, or uniform.

use crate::power::{self, ActivityChoice};
use crate::synthesis::{digital_area, find_tool};
use crate::Status;
use anyhow::{bail, Context, Result};
use cimtile_cosim::activity::{Activity as MeasuredToggles, TracedTile};
use cimtile_tile::data::{ColumnParams, Weights};
use cimtile_tile::ppa::{self, PpaReport, Workload};
use cimtile_tile::TileParams;
use std::path::PathBuf;

/// How the periphery's activity is obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ActivityRequest {
    /// Measured by co-simulating the workload (Verilator); where Verilator is missing, uniform
    /// at `tech.activity`, and the report says so.
    Measure,
    /// Measured, and an error where Verilator is missing (what a user who asks for it wants).
    MeasureOnly,
    /// Uniform: every net this many transitions per clock cycle, as OpenSTA's
    /// `set_power_activity -global -activity A`.
    Uniform(f64),
}

/// What a pricing does beyond the analog model.
#[derive(Debug, Clone, PartialEq)]
pub struct Pricing {
    /// Synthesize the periphery and price its netlist; without, the periphery is left out.
    pub synthesize: bool,
    /// The activity the netlist is priced at.
    pub activity: ActivityRequest,
    /// Leave the mapped netlist, the crossbar's Liberty model and the SDC here.
    pub keep: Option<PathBuf>,
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            synthesize: true,
            activity: ActivityRequest::Measure,
            keep: None,
        }
    }
}

/// The data a priced tile runs.
pub struct WorkloadData {
    /// The programmed weights.
    pub weights: Weights,
    /// The input vectors.
    pub inputs: Vec<Vec<i32>>,
    /// The column parameters the co-simulation programs.
    pub columns: Vec<ColumnParams>,
    /// What the data is, for the report.
    pub description: String,
}

impl WorkloadData {
    /// `mvms` uniform random vectors and weights from `seed` ([`ppa::random_workload`]).
    pub fn random(p: &TileParams, mvms: u64, seed: u64) -> Self {
        let (weights, inputs, columns, description) = ppa::random_workload(p, mvms, seed);
        WorkloadData {
            weights,
            inputs,
            columns,
            description,
        }
    }

    /// The standard random workload ([`ppa::RANDOM_MVMS`] vectors of seed [`ppa::RANDOM_SEED`]):
    /// the tile figures of the manifest and of a chip.
    pub fn standard(p: &TileParams) -> Self {
        WorkloadData::random(p, ppa::RANDOM_MVMS, ppa::RANDOM_SEED)
    }
}

/// The tile `p` running `data`, priced as `pricing` asks; `status` hears each step.
pub fn price(
    p: &TileParams,
    data: &WorkloadData,
    pricing: &Pricing,
    status: Status,
) -> Result<PpaReport> {
    let workload = Workload {
        weights: &data.weights,
        inputs: &data.inputs,
        description: data.description.clone(),
        activity: None,
    };
    if !pricing.synthesize {
        return Ok(ppa::estimate(p, None, &workload)?);
    }
    let verilator = find_tool("verilator").is_some();
    if pricing.activity == ActivityRequest::MeasureOnly && !verilator {
        // Before the synthesis: a missing simulator is a quick, clear error.
        bail!("verilator is not installed (run scripts/setup, or apt-get install verilator): it measures the activity");
    }
    let mut digital = digital_area(p, status)?;
    let generated = cimtile_hdl::generate(p);
    let tech_activity = p.config().tech.activity;
    let measured = match pricing.activity {
        ActivityRequest::Uniform(_) => None,
        _ if verilator => Some(measure(p, data, status)?),
        _ => None,
    };
    let choice = match (&measured, pricing.activity) {
        (Some(m), _) => ActivityChoice::Measured(m),
        (None, ActivityRequest::Uniform(a)) => ActivityChoice::Uniform(a),
        (None, _) => ActivityChoice::Uniform(tech_activity),
    };
    let (mut power, mapped) = power::digital_power(p, &generated, &choice, status)?;
    if measured.is_none() && pricing.activity == ActivityRequest::Measure {
        power.activity = format!(
            "{}: tech.activity, since Verilator is not installed to measure it",
            power.activity
        );
    }
    if let Some(dir) = &pricing.keep {
        power::keep(p, &generated, &mapped, dir)?;
    }
    digital.power = Some(power);
    Ok(ppa::estimate(p, Some(&digital), &workload)?)
}

/// The toggles of the periphery running `data`, traced in Verilator.
fn measure(p: &TileParams, data: &WorkloadData, status: Status) -> Result<MeasuredToggles> {
    status("building the tile with every signal traced (Verilator, cached afterwards)");
    let mut tile = TracedTile::build(p)?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let vcd = dir.path().join("activity.vcd");
    status(&format!(
        "co-simulating {} MVMs to measure the activity",
        data.inputs.len()
    ));
    let cycles = tile.trace_stream(&data.weights, &data.columns, &data.inputs, &vcd)?;
    status("counting the toggles of every signal");
    Ok(tile.count(&vcd, cycles)?)
}

//! A tile priced with its periphery synthesized: the PPA model's estimate on a workload with the
//! standard-cell area of [`synthesis`], and a chip of such tiles running a network.

use crate::synthesis;
use anyhow::{anyhow, Result};
use cimtile_chip::{ChipReport, Layer, Replication, TileFigures};
use cimtile_cosim::random_case::random_case;
use cimtile_hdl::data::{ColumnParams, Weights};
use cimtile_hdl::ppa::{self, PpaReport, Workload};
use cimtile_hdl::TileParams;
use cimtile_net::WeightLayer;

/// Uniform random weights and `mvms` input vectors from `seed`, the random case's column
/// parameters (for a measured activity), and their description.
pub fn random_workload(
    p: &TileParams,
    mvms: u64,
    seed: u64,
) -> (Weights, Vec<Vec<i32>>, Vec<ColumnParams>, String) {
    let case = random_case(p, mvms as usize, seed);
    let description = format!("uniform random weights and {mvms} input vectors, seed {seed}");
    (case.weights, case.inputs, case.columns, description)
}

/// The estimate of the tile `p` running `workload`, with its digital periphery synthesized when
/// `synthesize` (under a spinner on a terminal when `spinner`).
pub fn report(
    p: &TileParams,
    workload: &Workload,
    synthesize: bool,
    spinner: bool,
) -> Result<PpaReport> {
    let digital = if synthesize {
        Some(synthesis::digital_area(p, spinner)?)
    } else {
        None
    };
    Ok(ppa::estimate(p, digital.as_ref(), workload)?)
}

/// The chip's view of a network's weight layer.
pub fn layer(l: &WeightLayer) -> Layer {
    Layer {
        name: l.name.clone(),
        op: format!("{:?}", l.kind).to_lowercase(),
        k: l.k,
        n: l.n,
        mvms: l.mvms_per_inference as u64,
        input_elements: l.input_elements as u64,
        output_elements: l.output_elements as u64,
    }
}

/// The chip of tiles `p` running `layers`: the tile priced by [`report`] on uniform random data
/// (its periphery synthesized when `synthesize`), then the chip around it.
pub fn chip(
    p: &TileParams,
    layers: &[Layer],
    replication: Replication,
    synthesize: bool,
    spinner: bool,
) -> Result<ChipReport> {
    let (weights, inputs, _, description) = random_workload(p, 64, 1);
    let workload = Workload {
        weights: &weights,
        inputs: &inputs,
        description,
        activity: None,
    };
    let tile = report(p, &workload, synthesize, spinner)?;
    cimtile_chip::estimate(layers, &TileFigures::new(p, &tile), replication)
        .map_err(|e| anyhow!("{e}"))
}

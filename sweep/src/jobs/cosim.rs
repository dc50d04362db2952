//! `cimtile cosim` at every point: random MVMs through the RTL and the golden model.

use super::SweepJob;
use crate::Point;
use anyhow::Result;
use cimtile_cosim::rtl_run::run_on;
use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_hdl::Crossbar;
use cimtile_tile::random_case::{expected_outputs, random_case};
use serde_json::{json, Value};

/// `cimtile cosim` at every point: random MVMs through the RTL and the model.
pub(super) struct CosimJob {
    pub(super) mvms: u64,
    pub(super) seed: u64,
}

impl SweepJob for CosimJob {
    fn name(&self) -> &'static str {
        "cosim"
    }
    fn figures(&self) -> &'static [&'static str] {
        &[
            "mismatched_mvms",
            "mvms",
            "cycles_per_mvm",
            "min_cycles_per_mvm",
            "adc_busy_ratio",
        ]
    }
    fn main_figure(&self) -> &'static str {
        "cycles_per_mvm"
    }
    fn args(&self) -> Value {
        json!({ "mvms": self.mvms, "seed": self.seed })
    }
    fn run(&self, point: &Point, _: &[(&str, &str)]) -> Result<Vec<String>> {
        let case = random_case(&point.params, self.mvms as usize, self.seed);
        let expected = expected_outputs(&point.params, &case);
        let mut rtl = TileRtl::build_with(&point.params, Crossbar::Behavioral)?;
        let run = run_on(
            &mut rtl,
            &case.weights,
            &case.columns,
            &case.inputs,
            &Stimulus::default(),
            None,
        )?;
        let mismatched = expected
            .iter()
            .zip(&run.outputs)
            .filter(|(e, g)| e != g)
            .count();
        Ok(vec![
            mismatched.to_string(),
            self.mvms.to_string(),
            run.cycles_per_mvm.to_string(),
            point.params.min_cycles_per_mvm().to_string(),
            run.adc_busy_ratio(&point.params).to_string(),
        ])
    }
}

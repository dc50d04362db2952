//! `cimtile ppa` at every point: area, throughput and energy of the point's tile.

use super::SweepJob;
use crate::Point;
use anyhow::Result;
use cimtile_flows::pricing::{self, Pricing, WorkloadData};
use serde_json::{json, Value};

/// `cimtile ppa` at every point: area, throughput and energy of the point's tile, its periphery
/// synthesized (each distinct Verilog once, then from the cache) on uniform random data.
pub(super) struct PpaJob {
    pub(super) mvms: u64,
    pub(super) seed: u64,
}

impl SweepJob for PpaJob {
    fn name(&self) -> &'static str {
        "ppa"
    }
    fn figures(&self) -> &'static [&'static str] {
        &[
            "tops_per_w",
            "tops_per_mm2",
            "area_mm2",
            "mvm_per_s",
            "tops",
            "energy_pj_per_mvm",
            "adc_pj",
            "crossbar_pj",
            "digital_pj",
        ]
    }
    fn main_figure(&self) -> &'static str {
        "tops_per_w"
    }
    fn args(&self) -> Value {
        json!({ "mvms": self.mvms, "seed": self.seed })
    }
    fn run(&self, point: &Point, _: &[(&str, &str)]) -> Result<Vec<String>> {
        let data = WorkloadData::random(&point.params, self.mvms, self.seed);
        let r = pricing::price(
            &point.params,
            &data,
            &Pricing::default(),
            &cimtile_flows::quiet,
        )?;
        let part = |key: &str| r.energy_pj.get(key).copied().unwrap_or(0.0);
        Ok([
            r.tops_per_w,
            r.tops_per_mm2,
            r.area_mm2,
            r.mvm_per_s,
            r.tops,
            r.energy_pj_per_mvm,
            part("adc"),
            part("crossbar"),
            part("digital_logic") + part("buffers"),
        ]
        .iter()
        .map(f64::to_string)
        .collect())
    }
}

//! `cimtile chip` at every point: the accuracy of a model on the point's tile (as `cimtile net`)
//! and the energy, throughput and area of the chip of such tiles running it, so that the sweep's
//! Pareto plot puts accuracy against chip energy.

use super::{job_value, JobArgs, SweepJob};
use crate::Point;
use anyhow::{bail, Context, Result};
use cimtile_chip::{Layer, Replication, TileFigures};
use cimtile_flows::pricing::{self, Pricing, WorkloadData};
use cimtile_net::{Network, Options, TestSet};
use serde_json::{json, Value};
use std::path::PathBuf;

pub(super) struct ChipJob {
    model: PathBuf,
    data: PathBuf,
    images: Option<u64>,
    network: Network,
    test_set: TestSet,
    layers: Vec<Layer>,
}

impl ChipJob {
    pub(super) fn new(args: &JobArgs) -> Result<Self> {
        let model = args
            .model
            .clone()
            .context("--job chip needs --model M (the network of the chip and of the accuracy)")?;
        let data = args
            .data
            .clone()
            .context("--job chip needs --data D.npz (the test set of the accuracy)")?;
        let network = Network::load(&model)?;
        let test_set = TestSet::load(&data, &network)?;
        let layers = network.weight_layers().iter().map(Layer::from).collect();
        Ok(ChipJob {
            model,
            data,
            images: args.images,
            network,
            test_set,
            layers,
        })
    }
}

impl SweepJob for ChipJob {
    fn name(&self) -> &'static str {
        "chip"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["replicate", "synth"]
    }
    fn prepare(&mut self, key: &str, values: &[String]) -> Result<()> {
        match key {
            "replicate" => values.iter().try_for_each(|v| {
                v.parse::<Replication>()
                    .map(drop)
                    .with_context(|| format!("--set replicate={v}"))
            }),
            _ => match values.iter().find(|v| !["off", "on"].contains(&v.as_str())) {
                Some(v) => bail!("--set synth={v}: expected on (the tile's periphery synthesized, as cimtile chip) or off (the fast model, as cimtile chip --no-synth)"),
                None => Ok(()),
            },
        }
    }
    fn figures(&self) -> &'static [&'static str] {
        &[
            "accuracy",
            "energy_pj_per_image",
            "tops_per_w",
            "inferences_per_s",
            "latency_us",
            "area_mm2",
            "tiles",
            "images",
        ]
    }
    fn main_figure(&self) -> &'static str {
        "energy_pj_per_image"
    }
    fn args(&self) -> Value {
        json!({ "model": self.model, "data": self.data, "images": self.images })
    }
    fn run(&self, point: &Point, job_values: &[(&str, &str)]) -> Result<Vec<String>> {
        // `prepare` checked both values.
        let replication: Replication = job_value(job_values, "replicate").unwrap_or("1").parse()?;
        let synthesize = job_value(job_values, "synth").unwrap_or("on") == "on";
        let options = Options {
            images: self.images.map(|n| n as usize),
            calibrate: false,
            rtl: None,
        };
        let accuracy = self
            .network
            .evaluate(&point.params, &self.test_set, &options)?;
        let p = &point.params;
        let pricing = Pricing {
            synthesize,
            ..Pricing::default()
        };
        let tile = TileFigures::priced(p, |q| {
            pricing::price(
                q,
                &WorkloadData::standard(q),
                &pricing,
                &cimtile_flows::quiet,
            )
        })?;
        let chip = cimtile_chip::estimate(&self.layers, &tile, replication)?;
        Ok(vec![
            accuracy.accuracy().to_string(),
            (chip.energy_uj_per_inference * 1e6).to_string(),
            chip.tops_per_w.to_string(),
            chip.inferences_per_s.to_string(),
            chip.latency_us.to_string(),
            chip.area_mm2.to_string(),
            chip.tiles.to_string(),
            accuracy.images.to_string(),
        ])
    }
}

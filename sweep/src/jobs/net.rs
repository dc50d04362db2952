//! `cimtile net` at every point: the accuracy of a model on the point's tile.

use super::{job_value, JobArgs, SweepJob};
use crate::Point;
use anyhow::{anyhow, bail, Context, Result};
use cimtile_net::{Network, Options, TestSet};
use cimtile_tile::aging::{self, parse_age};
use cimtile_tile::config::ConfigError;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `cimtile net` at every point: the accuracy of a model on the point's tile.
pub(super) struct NetJob {
    model: Option<PathBuf>,
    data: PathBuf,
    images: Option<u64>,
    /// Every model the sweep uses, by its path as given, with the test set.
    networks: BTreeMap<String, (Network, TestSet)>,
}

impl NetJob {
    pub(super) fn new(args: &JobArgs) -> Result<Self> {
        let data = args.data.clone().context("--job net needs --data D.npz")?;
        let mut job = NetJob {
            model: args.model.clone(),
            data,
            images: args.images,
            networks: BTreeMap::new(),
        };
        if let Some(model) = &args.model {
            job.load(&model.display().to_string())?;
        }
        Ok(job)
    }

    fn load(&mut self, model: &str) -> Result<()> {
        if !self.networks.contains_key(model) {
            let network = Network::load(model.as_ref())?;
            let data = TestSet::load(&self.data, &network)?;
            self.networks.insert(model.to_string(), (network, data));
        }
        Ok(())
    }
}

impl SweepJob for NetJob {
    fn name(&self) -> &'static str {
        "net"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["model", "age", "calibrate"]
    }
    fn check_keys(&self, keys: &[&str]) -> Result<()> {
        if keys.contains(&"age") && keys.contains(&"analog.drift") {
            bail!("--set age and --set analog.drift both set the drift (age sets analog.drift by the drift law): sweep one of them");
        }
        Ok(())
    }
    fn prepare(&mut self, key: &str, values: &[String]) -> Result<()> {
        match key {
            "age" => values.iter().try_for_each(|v| {
                parse_age(v)
                    .map(drop)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("--set age={v}"))
            }),
            "calibrate" => match values.iter().find(|v| !["off", "on"].contains(&v.as_str())) {
                Some(v) => bail!("--set calibrate={v}: expected off or on"),
                None => Ok(()),
            },
            _ => values.iter().try_for_each(|v| self.load(v)),
        }
    }
    fn figures(&self) -> &'static [&'static str] {
        &[
            "accuracy",
            "integer_accuracy",
            "float_accuracy",
            "integer_mismatches",
            "images",
            "tiles",
            "mvms",
            "adc_conversions",
            "analog_drift",
            "energy_pj_per_image",
        ]
    }
    fn main_figure(&self) -> &'static str {
        "accuracy"
    }
    fn args(&self) -> Value {
        json!({ "model": self.model, "data": self.data, "images": self.images })
    }
    fn run(&self, point: &Point, job_values: &[(&str, &str)]) -> Result<Vec<String>> {
        let model = match job_value(job_values, "model") {
            Some(v) => v.to_string(),
            None => self
                .model
                .as_ref()
                .map(|m| m.display().to_string())
                .ok_or_else(|| {
                    anyhow!("--job net needs --model M.onnx or M.npz (or --set model=A.onnx,B.npz)")
                })?,
        };
        let (network, data) = &self.networks[&model];
        // `prepare` checked both values.
        let age = job_value(job_values, "age")
            .map(parse_age)
            .transpose()
            .map_err(anyhow::Error::msg)?;
        let params = match age {
            None => point.params.clone(),
            Some(age) => {
                let invalid = |e: ConfigError| {
                    anyhow!(
                        "invalid tile config {}: {}",
                        point.origin,
                        e.problems.join("; ")
                    )
                };
                aging::aged(point.params.config(), &age)
                    .map_err(invalid)?
                    .0
                    .validate()
                    .map_err(invalid)?
            }
        };
        let calibrate = job_value(job_values, "calibrate") == Some("on");
        let f = network.evaluate(
            &params,
            data,
            &Options {
                images: self.images.map(|n| n as usize),
                calibrate,
                rtl: None,
            },
        )?;
        Ok(vec![
            f.accuracy().to_string(),
            f.integer_accuracy().to_string(),
            f.float_accuracy().to_string(),
            f.integer_mismatches.to_string(),
            f.images.to_string(),
            f.tiles.to_string(),
            f.mvms.to_string(),
            f.adc_conversions.to_string(),
            params.drift().to_string(),
            f.energy_pj_per_image.to_string(),
        ])
    }
}

//! What a sweep runs at each point. A job names its figures (the CSV columns after the swept
//! keys) and the one its plots show; adding a job is one `JobKind` variant, one arm in [`job`]
//! and one [`SweepJob`] implementation.

use crate::cli::{parse_age, JobKind, SweepRunArgs};
use crate::cosim::expected_outputs;
use cimtile_net::{Network, Options, TestSet};
use crate::run::run_rtl;
use cimtile_hdl::rtl::Crossbar;
use crate::tile_source::Tile;
use anyhow::{anyhow, bail, Context, Result};
use cimtile_cosim::random_case::random_case;
use cimtile_hdl::ppa::Workload;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub trait SweepJob: Sync {
    fn name(&self) -> &'static str;
    /// Keys of the job itself that `--set` may sweep (beside the tile's configuration keys).
    fn keys(&self) -> &'static [&'static str] {
        &[]
    }
    /// Checks the swept keys together (the job's and the configuration's) before any point runs.
    fn check_keys(&self, _keys: &[&str]) -> Result<()> {
        Ok(())
    }
    /// Checks and loads the values of one of the job's keys before any point runs.
    fn prepare(&mut self, key: &str, values: &[String]) -> Result<()> {
        bail!("the {} job has no key '{key}' ({values:?})", self.name())
    }
    fn figures(&self) -> &'static [&'static str];
    /// The figure the plots show.
    fn main_figure(&self) -> &'static str;
    /// The job's arguments, recorded with the sweep so that a resumed or merged sweep is the same.
    fn args(&self) -> Value;
    /// One point: its tile and the values of the job's own keys; one value per figure.
    fn run(&self, tile: &Tile, job_values: &[(&str, &str)]) -> Result<Vec<String>>;
}

pub fn job(args: &SweepRunArgs) -> Result<Box<dyn SweepJob>> {
    match args.job {
        None => bail!("--job is required (net, cosim, ppa or chip)"),
        Some(JobKind::Net) => Ok(Box::new(NetJob::new(args)?)),
        Some(JobKind::Cosim) => Ok(Box::new(CosimJob { mvms: args.mvms, seed: args.seed })),
        Some(JobKind::Ppa) => Ok(Box::new(PpaJob { mvms: args.mvms, seed: args.seed })),
        Some(JobKind::Chip) => Ok(Box::new(super::chip_job::ChipJob::new(args)?)),
    }
}

/// `cimtile net` at every point: the accuracy of a model on the point's tile.
struct NetJob {
    model: Option<PathBuf>,
    data: PathBuf,
    images: Option<u64>,
    /// Every model the sweep uses, by its path as given, with the test set.
    networks: BTreeMap<String, (Network, TestSet)>,
}

impl NetJob {
    fn new(args: &SweepRunArgs) -> Result<Self> {
        let data = args.data.clone().context("--job net needs --data D.npz")?;
        let mut job = NetJob { model: args.model.clone(), data, images: args.images, networks: BTreeMap::new() };
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

/// The value of the job's key `key` at a point, if it is swept.
fn job_value<'a>(job_values: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    job_values.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
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
            "age" => values.iter().try_for_each(|v| parse_age(v).map(drop).map_err(|e| anyhow!("--set age={v}: {e}"))),
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
    fn run(&self, tile: &Tile, job_values: &[(&str, &str)]) -> Result<Vec<String>> {
        let model = match job_value(job_values, "model") {
            Some(v) => v.to_string(),
            None => self.model.as_ref().map(|m| m.display().to_string()).ok_or_else(|| anyhow!("--job net needs --model M.onnx or M.npz (or --set model=A.onnx,B.npz)"))?,
        };
        let (network, data) = &self.networks[&model];
        // `prepare` checked both values.
        let age = job_value(job_values, "age").map(parse_age).transpose().map_err(|e| anyhow!(e))?;
        let tile = tile.clone().aged(age.as_ref())?;
        let calibrate = job_value(job_values, "calibrate") == Some("on");
        let f = network.evaluate(&tile.params, data, &Options { images: self.images.map(|n| n as usize), calibrate, rtl_images: None })?;
        Ok(vec![
            f.accuracy().to_string(),
            f.integer_accuracy().to_string(),
            f.float_accuracy().to_string(),
            f.integer_mismatches.to_string(),
            f.images.to_string(),
            f.tiles.to_string(),
            f.mvms.to_string(),
            f.adc_conversions.to_string(),
            tile.params.drift().to_string(),
            f.energy_pj_per_image.to_string(),
        ])
    }
}

/// `cimtile cosim` at every point: random MVMs through the RTL and the model.
struct CosimJob {
    mvms: u64,
    seed: u64,
}

impl SweepJob for CosimJob {
    fn name(&self) -> &'static str {
        "cosim"
    }
    fn figures(&self) -> &'static [&'static str] {
        &["mismatched_mvms", "mvms", "cycles_per_mvm", "min_cycles_per_mvm", "adc_busy_ratio"]
    }
    fn main_figure(&self) -> &'static str {
        "cycles_per_mvm"
    }
    fn args(&self) -> Value {
        json!({ "mvms": self.mvms, "seed": self.seed })
    }
    fn run(&self, tile: &Tile, _: &[(&str, &str)]) -> Result<Vec<String>> {
        let case = random_case(&tile.params, self.mvms as usize, self.seed);
        let expected = expected_outputs(&tile.params, &case);
        let run = run_rtl(tile, Crossbar::Behavioral, &case.weights, &case.columns, &case.inputs, None)?;
        let mismatched = expected.iter().zip(&run.outputs).filter(|(e, g)| e != g).count();
        Ok(vec![
            mismatched.to_string(),
            self.mvms.to_string(),
            run.cycles_per_mvm.to_string(),
            tile.params.min_cycles_per_mvm().to_string(),
            run.adc_busy_ratio(&tile.params).to_string(),
        ])
    }
}

/// `cimtile ppa` at every point: area, throughput and energy of the point's tile, its periphery
/// synthesized (each distinct Verilog once, then from the cache) on uniform random data.
struct PpaJob {
    mvms: u64,
    seed: u64,
}

impl SweepJob for PpaJob {
    fn name(&self) -> &'static str {
        "ppa"
    }
    fn figures(&self) -> &'static [&'static str] {
        &["tops_per_w", "tops_per_mm2", "area_mm2", "mvm_per_s", "tops", "energy_pj_per_mvm", "adc_pj", "crossbar_pj", "digital_pj"]
    }
    fn main_figure(&self) -> &'static str {
        "tops_per_w"
    }
    fn args(&self) -> Value {
        json!({ "mvms": self.mvms, "seed": self.seed })
    }
    fn run(&self, tile: &Tile, _: &[(&str, &str)]) -> Result<Vec<String>> {
        let case = random_case(&tile.params, self.mvms as usize, self.seed);
        let description = format!("uniform random, {} vectors, seed {}", self.mvms, self.seed);
        let workload = Workload { weights: &case.weights, inputs: &case.inputs, description, activity: None };
        let r = crate::ppa::report(tile, &workload, true, false)?;
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

//! What a sweep runs at each point. A job names its figures (the CSV columns after the swept
//! keys) and the one its plots show; adding a job is one [`JobKind`] variant, one arm in [`job`]
//! and one [`SweepJob`] implementation.

mod chip;
mod cosim;
mod net;
mod ppa;

use crate::Point;
use anyhow::{bail, Result};
use chip::ChipJob;
use cosim::CosimJob;
use net::NetJob;
use ppa::PpaJob;
use serde_json::Value;
use std::path::PathBuf;

/// A job: what runs at every point of a sweep.
pub trait SweepJob: Sync {
    /// The job's name, as `--job` takes it and `sweep.json` records it.
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
    /// The figures each point measures: the CSV columns after the swept keys, in order.
    fn figures(&self) -> &'static [&'static str];
    /// The figure the plots show.
    fn main_figure(&self) -> &'static str;
    /// The job's arguments, recorded with the sweep so that a resumed or merged sweep is the same.
    fn args(&self) -> Value;
    /// One point: its tile and the values of the job's own keys; one value per figure.
    fn run(&self, point: &Point, job_values: &[(&str, &str)]) -> Result<Vec<String>>;
}

/// Which job a sweep runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// `cimtile net`: the accuracy of a model.
    Net,
    /// `cimtile cosim`: random MVMs through the RTL and the model.
    Cosim,
    /// `cimtile ppa`: area, throughput and energy on random data.
    Ppa,
    /// `cimtile chip` and `net`: chip energy and accuracy of a model.
    Chip,
}

/// The arguments of the jobs (each job reads those it needs and names any it lacks).
#[derive(Debug, Clone, Default)]
pub struct JobArgs {
    /// The network of the net and chip jobs.
    pub model: Option<PathBuf>,
    /// The test set of the net and chip jobs.
    pub data: Option<PathBuf>,
    /// The test images to run (default: all).
    pub images: Option<u64>,
    /// Random MVMs of the cosim and ppa jobs.
    pub mvms: u64,
    /// The seed of those random MVMs (every point uses the same).
    pub seed: u64,
}

/// The job `kind` with `args`, its networks and test sets loaded.
pub fn job(kind: Option<JobKind>, args: &JobArgs) -> Result<Box<dyn SweepJob>> {
    match kind {
        None => bail!("--job is required (net, cosim, ppa or chip)"),
        Some(JobKind::Net) => Ok(Box::new(NetJob::new(args)?)),
        Some(JobKind::Cosim) => Ok(Box::new(CosimJob {
            mvms: args.mvms,
            seed: args.seed,
        })),
        Some(JobKind::Ppa) => Ok(Box::new(PpaJob {
            mvms: args.mvms,
            seed: args.seed,
        })),
        Some(JobKind::Chip) => Ok(Box::new(ChipJob::new(args)?)),
    }
}

/// The value of the job's key `key` at a point, if it is swept.
fn job_value<'a>(job_values: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    job_values.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

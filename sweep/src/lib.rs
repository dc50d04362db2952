//! Sweeps: a job run at every point of a cross product of configuration values, in parallel,
//! resumable (a sweep directory keeps every finished point) and shardable over machines, whose
//! shards [`merge`] joins.
//!
//! A sweep directory holds `sweep.json` (the [`SweepSpec`]: what decides the rows),
//! `results.csv` (one row per point: its index, its swept values, the job's figures) and the
//! plots. What runs at a point is the caller's: [`run_points`] calls it with each [`Point`];
//! [`jobs`] are the ones `cimtile sweep` runs (net, cosim, ppa, chip).
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use cimtile_sweep::{spec::{parse_sets, Shard}, points};
//! let base = cimtile_tile::TileConfig::from_preset("default").unwrap().validate().unwrap();
//! let axes = parse_sets(&["adc.bits=4..6".to_string()])?;
//! let points = points(&base, "preset 'default'", &axes, Shard::ALL, &[])?;
//! assert_eq!(points.len(), 3);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod jobs;
pub mod plot;
pub mod results;
pub mod spec;

use anyhow::{anyhow, bail, Context, Result};
use cimtile_tile::TileParams;
use plot::ParetoGroup;
use rayon::prelude::*;
use results::{read_rows, write_rows, Appender};
use spec::{point, point_count, Axis, Shard};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use results::{Rows, SweepSpec};

/// One point to run: its index, its values (one per axis) and its tile.
pub struct Point {
    /// Index in the cross product of the axes, the first axis varying slowest.
    pub index: usize,
    /// One value per axis, in the axes' order.
    pub values: Vec<String>,
    /// The base tile with the point's configuration values, validated.
    pub params: TileParams,
    /// The base tile's origin and the point's values, for messages.
    pub origin: String,
}

/// `adc.bits=3, analog.read_noise=2`
pub fn describe(axes: &[Axis], values: &[String]) -> String {
    axes.iter()
        .zip(values)
        .map(|(a, v)| format!("{}={v}", a.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The points of `shard` with their tiles: `base` (from `origin`) with the values of every axis
/// but the job's own keys (`job_keys`), every configuration checked before any runs.
pub fn points(
    base: &TileParams,
    origin: &str,
    axes: &[Axis],
    shard: Shard,
    job_keys: &[&str],
) -> Result<Vec<Point>> {
    for axis in axes.iter().filter(|a| !job_keys.contains(&a.key.as_str())) {
        base.config()
            .with_key(&axis.key, &axis.values[0])
            .map_err(|e| {
                let also = if job_keys.is_empty() {
                    String::new()
                } else {
                    format!(" (the job's own keys: {})", job_keys.join(", "))
                };
                anyhow!("--set {}: {e}{also}", axis.key)
            })?;
    }
    (0..point_count(axes))
        .filter(|&i| shard.holds(i))
        .map(|index| {
            let values = point(axes, index);
            let mut config = base.config().clone();
            for (axis, value) in axes
                .iter()
                .zip(&values)
                .filter(|(a, _)| !job_keys.contains(&a.key.as_str()))
            {
                config = config
                    .with_key(&axis.key, value)
                    .with_context(|| format!("--set {}={value}", axis.key))?;
            }
            let origin = format!("{origin} with {}", describe(axes, &values));
            let params = config.validate().map_err(|e| {
                anyhow!(
                    "point {index}: invalid tile config {origin}: {}",
                    e.problems.join("; ")
                )
            })?;
            Ok(Point {
                index,
                values,
                params,
                origin,
            })
        })
        .collect()
}

/// Opens `dir` for `spec` (created if missing; refused if it holds a different sweep) and
/// returns the rows already finished for `points` (in index order) with the same values.
pub fn open(dir: &Path, spec: &SweepSpec, points: &[Point]) -> Result<Rows> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    if dir.join("sweep.json").exists() {
        let earlier = SweepSpec::read(dir)?;
        if earlier != *spec {
            bail!("'{}' holds a different sweep (see its sweep.json); choose another --out or delete it", dir.display());
        }
    }
    spec.write(dir)?;
    let header = spec.header();
    let mut rows = read_rows(dir, &header)?;
    let axes = spec.axes.len();
    rows.retain(|i, row| {
        points
            .binary_search_by_key(i, |p| p.index)
            .is_ok_and(|at| row[1..=axes] == points[at].values[..])
    });
    write_rows(dir, &header, &rows)?;
    Ok(rows)
}

/// Runs `job` at every point of `todo` on `threads` threads (None: all cores), appending each
/// row to `dir/results.csv` as it finishes and calling `done` after it; the new rows.
pub fn run_points<J, D>(
    dir: &Path,
    spec: &SweepSpec,
    todo: &[&Point],
    threads: Option<usize>,
    job: J,
    done: D,
) -> Result<Rows>
where
    J: Fn(&Point) -> Result<Vec<String>> + Sync,
    D: Fn() + Sync,
{
    let appender = Mutex::new(Appender::open(dir, &spec.header())?);
    let finished = Mutex::new(Rows::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    pool.install(|| {
        todo.par_iter().try_for_each(|p| -> Result<()> {
            let figures = job(p).with_context(|| {
                format!("point {} ({})", p.index, describe(&spec.axes, &p.values))
            })?;
            let row: Vec<String> = std::iter::once(p.index.to_string())
                .chain(p.values.iter().cloned())
                .chain(figures)
                .collect();
            appender.lock().expect("no thread panicked").append(&row)?;
            finished
                .lock()
                .expect("no thread panicked")
                .insert(p.index, row);
            done();
            Ok(())
        })
    })?;
    Ok(finished.into_inner().expect("no thread panicked"))
}

/// What a finished sweep directory holds.
pub struct Summary {
    /// The results file, `dir/results.csv`.
    pub results: PathBuf,
    /// Rows written.
    pub rows: usize,
    /// Points of the shard: the rows a complete run writes.
    pub expected: usize,
    /// The SVG plots written.
    pub plots: Vec<PathBuf>,
    /// Where the job measures accuracy and energy: the Pareto fronts.
    pub fronts: Vec<ParetoGroup>,
    /// Points of the shard without a row.
    pub missing: Vec<usize>,
}

/// Writes the sorted results and the plots.
pub fn finish(dir: &Path, spec: &SweepSpec, rows: &Rows) -> Result<Summary> {
    write_rows(dir, &spec.header(), rows)?;
    let plots = plot::plots(dir, spec, rows)?;
    let shard: Vec<usize> = (0..spec.points).filter(|&i| spec.shard.holds(i)).collect();
    Ok(Summary {
        results: results::results_path(dir),
        rows: rows.len(),
        expected: shard.len(),
        plots,
        fronts: plot::pareto_fronts(spec, rows).unwrap_or_default(),
        missing: shard
            .into_iter()
            .filter(|i| !rows.contains_key(i))
            .collect(),
    })
}

/// Joins the sweep directories `dirs` (shards or interrupted runs of one sweep) into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(SweepSpec, Rows)> {
    let mut merged: Option<SweepSpec> = None;
    let mut rows = Rows::new();
    for dir in dirs {
        let spec = SweepSpec::read(dir)?;
        let unsharded = SweepSpec {
            shard: Shard::ALL,
            ..spec.clone()
        };
        match &merged {
            Some(first) if *first != unsharded => {
                bail!("'{}' holds a different sweep from '{}' (their sweep.json differ beyond the shard)", dir.display(), dirs[0].display())
            }
            Some(_) => {}
            None => merged = Some(unsharded),
        }
        for (index, row) in read_rows(dir, &spec.header())? {
            match rows.get(&index) {
                Some(other) if *other != row => bail!(
                    "point {index} has different results in '{}' and another shard",
                    dir.display()
                ),
                _ => rows.insert(index, row),
            };
        }
    }
    let spec = merged.context("no sweep directory to merge")?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create '{}'", out.display()))?;
    spec.write(out)?;
    Ok((spec, rows))
}

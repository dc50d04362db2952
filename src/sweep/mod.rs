//! `cimtile sweep`: a job run at every point of a cross product of configuration values, in
//! parallel, resumable, shardable over machines; `cimtile sweep merge` joins the shards.

mod chip_job;
mod jobs;
mod plot;
mod results;
mod spec;

use crate::cli::{MergeArgs, SweepArgs, SweepCommand, SweepRunArgs};
use crate::tile_source::{self, Tile};
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use results::{read_rows, write_rows, Appender, Rows, SweepSpec};
use spec::{parse_sets, point, point_count, Axis, Shard};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

pub fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    match &args.merge {
        Some(SweepCommand::Merge(m)) => merge(m),
        None => run(&args.run),
    }
}

/// One point to run: its index, its values (one per axis) and its tile.
struct Point {
    index: usize,
    values: Vec<String>,
    tile: Tile,
}

fn run(args: &SweepRunArgs) -> Result<ExitCode> {
    let base = tile_source::load(&args.tile)?;
    let axes = parse_sets(&args.sets)?;
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?.unwrap_or(Shard::ALL);
    let mut job = jobs::job(args)?;
    let job_keys = job.keys();
    job.check_keys(&axes.iter().map(|a| a.key.as_str()).collect::<Vec<_>>())?;
    for axis in axes.iter().filter(|a| job_keys.contains(&a.key.as_str())) {
        job.prepare(&axis.key, &axis.values)?;
    }
    let points = shard_points(&base, &axes, shard, job_keys)?;
    let spec = SweepSpec {
        tile: base.origin.clone(),
        config: base.params.config().clone(),
        axes: axes.clone(),
        job: job.name().to_string(),
        job_args: job.args(),
        figures: job.figures().iter().map(|f| f.to_string()).collect(),
        main_figure: job.main_figure().to_string(),
        points: point_count(&axes),
        shard,
    };
    let dir = args.out.as_ref().context("--out is required")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    if dir.join("sweep.json").exists() {
        let earlier = SweepSpec::read(dir)?;
        if earlier != spec {
            bail!("'{}' holds a different sweep (see its sweep.json); choose another --out or delete it", dir.display());
        }
    }
    spec.write(dir)?;
    let header = spec.header();
    let mut rows = read_rows(dir, &header)?;
    // A row counts as done only for a point of this run with the same values.
    // (The points are in index order.)
    rows.retain(|i, row| points.binary_search_by_key(i, |p| p.index).is_ok_and(|at| row[1..=axes.len()] == points[at].values[..]));
    let todo: Vec<&Point> = points.iter().filter(|p| !rows.contains_key(&p.index)).collect();
    write_rows(dir, &header, &rows)?;
    eprintln!(
        "sweep: {} point(s){}, {} already in results.csv, {} to run on {} thread(s)",
        points.len(),
        if shard.count > 1 { format!(" of {} (shard {}/{})", spec.points, shard.index, shard.count) } else { String::new() },
        points.len() - todo.len(),
        todo.len(),
        args.jobs.unwrap_or_else(rayon::current_num_threads),
    );
    let progress = crate::progress::bar(todo.len() as u64, "points");
    let appender = Mutex::new(Appender::open(dir, &header)?);
    let finished = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(0)).build()?;
    pool.install(|| {
        todo.par_iter().try_for_each(|p| -> Result<()> {
            let job_values: Vec<(&str, &str)> = axes
                .iter()
                .zip(&p.values)
                .filter(|(a, _)| job_keys.contains(&a.key.as_str()))
                .map(|(a, v)| (a.key.as_str(), v.as_str()))
                .collect();
            let figures = job.run(&p.tile, &job_values).with_context(|| format!("point {} ({})", p.index, describe(&axes, &p.values)))?;
            let row: Vec<String> = std::iter::once(p.index.to_string()).chain(p.values.iter().cloned()).chain(figures).collect();
            appender.lock().expect("no thread panicked").append(&row)?;
            finished.lock().expect("no thread panicked").push((p.index, row));
            progress.inc(1);
            Ok(())
        })
    })?;
    progress.finish_and_clear();
    rows.extend(finished.into_inner().expect("no thread panicked"));
    finish(dir, &spec, &rows)
}

/// `adc.bits=3, analog.read_noise=2`
fn describe(axes: &[Axis], values: &[String]) -> String {
    axes.iter().zip(values).map(|(a, v)| format!("{}={v}", a.key)).collect::<Vec<_>>().join(", ")
}

/// The points of this shard with their tiles, every configuration checked before any runs.
fn shard_points(base: &Tile, axes: &[Axis], shard: Shard, job_keys: &[&str]) -> Result<Vec<Point>> {
    for axis in axes.iter().filter(|a| !job_keys.contains(&a.key.as_str())) {
        base.params.config().with_key(&axis.key, &axis.values[0]).map_err(|e| {
            let also = if job_keys.is_empty() { String::new() } else { format!(" (the job's own keys: {})", job_keys.join(", ")) };
            anyhow!("--set {}: {e}{also}", axis.key)
        })?;
    }
    (0..point_count(axes))
        .filter(|&i| shard.holds(i))
        .map(|index| {
            let values = point(axes, index);
            let mut config = base.params.config().clone();
            for (axis, value) in axes.iter().zip(&values).filter(|(a, _)| !job_keys.contains(&a.key.as_str())) {
                config = config.with_key(&axis.key, value).map_err(|e| anyhow!("--set {}={value}: {e}", axis.key))?;
            }
            let origin = format!("{} with {}", base.origin, describe(axes, &values));
            let params = config.validate().map_err(|e| anyhow!("point {index}: invalid tile config {origin}: {}", e.problems.join("; ")))?;
            Ok(Point { index, values, tile: Tile { params, origin, aging: None } })
        })
        .collect()
}

/// Writes the sorted results and the plots; warns about points that have no row.
fn finish(dir: &Path, spec: &SweepSpec, rows: &Rows) -> Result<ExitCode> {
    write_rows(dir, &spec.header(), rows)?;
    let plots = plot::plots(dir, spec, rows)?;
    let expected = (0..spec.points).filter(|&i| spec.shard.holds(i)).count();
    println!("{} of {expected} point(s) in {}", rows.len(), results::results_path(dir).display());
    for p in plots {
        println!("plot: {}", p.display());
    }
    for group in plot::pareto_fronts(spec, rows).unwrap_or_default() {
        println!("Pareto front{}:", if group.label.is_empty() { String::new() } else { format!(" of {}", group.label) });
        for &f in &group.front {
            let (energy, accuracy, index) = group.points[f];
            println!("  point {index} ({}): accuracy {accuracy:.4}, {energy:.1} pJ per image", describe(&spec.axes, &rows[&index][1..=spec.axes.len()]));
        }
    }
    if rows.len() < expected {
        let missing: Vec<String> = (0..spec.points).filter(|i| spec.shard.holds(*i) && !rows.contains_key(i)).map(|i| i.to_string()).collect();
        eprintln!("cimtile: warning: points without results: {}", missing.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let mut merged: Option<SweepSpec> = None;
    let mut rows = Rows::new();
    for dir in &args.dirs {
        let spec = SweepSpec::read(dir)?;
        let unsharded = SweepSpec { shard: Shard::ALL, ..spec.clone() };
        match &merged {
            Some(first) if *first != unsharded => {
                bail!("'{}' holds a different sweep from '{}' (their sweep.json differ beyond the shard)", dir.display(), args.dirs[0].display())
            }
            Some(_) => {}
            None => merged = Some(unsharded),
        }
        for (index, row) in read_rows(dir, &spec.header())? {
            match rows.get(&index) {
                Some(other) if *other != row => bail!("point {index} has different results in '{}' and another shard", dir.display()),
                _ => rows.insert(index, row),
            };
        }
    }
    let spec = merged.expect("clap requires at least one directory");
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create '{}'", args.out.display()))?;
    spec.write(&args.out)?;
    finish(&args.out, &spec, &rows)
}

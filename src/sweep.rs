//! `cimtile sweep`: a job run at every point of a cross product of configuration values, in
//! parallel, resumable, shardable over machines; `cimtile sweep merge` joins the shards. The
//! sweep and its jobs are `cimtile-sweep`'s.

use crate::cli::{JobKind, MergeArgs, SweepArgs, SweepCommand, SweepRunArgs};
use crate::tile_source;
use anyhow::{Context, Result};
use cimtile_sweep::jobs::{self, JobArgs};
use cimtile_sweep::spec::{parse_sets, point_count, Shard};
use cimtile_sweep::{describe, Point, Rows, SweepSpec};
use std::path::Path;
use std::process::ExitCode;

pub fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    match &args.merge {
        Some(SweepCommand::Merge(m)) => merge(m),
        None => run(&args.run),
    }
}

fn run(args: &SweepRunArgs) -> Result<ExitCode> {
    let base = tile_source::load(&args.tile)?;
    let axes = parse_sets(&args.sets)?;
    let shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()?
        .unwrap_or(Shard::ALL);
    let kind = args.job.map(|kind| match kind {
        JobKind::Net => jobs::JobKind::Net,
        JobKind::Cosim => jobs::JobKind::Cosim,
        JobKind::Ppa => jobs::JobKind::Ppa,
        JobKind::Chip => jobs::JobKind::Chip,
    });
    let job_args = JobArgs {
        model: args.model.clone(),
        data: args.data.clone(),
        images: args.images,
        mvms: args.mvms,
        seed: args.seed,
    };
    let mut job = jobs::job(kind, &job_args)?;
    let job_keys = job.keys();
    job.check_keys(&axes.iter().map(|a| a.key.as_str()).collect::<Vec<_>>())?;
    for axis in axes.iter().filter(|a| job_keys.contains(&a.key.as_str())) {
        job.prepare(&axis.key, &axis.values)?;
    }
    let points = cimtile_sweep::points(&base.params, &base.origin, &axes, shard, job_keys)?;
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
    let mut rows = cimtile_sweep::open(dir, &spec, &points)?;
    let todo: Vec<&Point> = points
        .iter()
        .filter(|p| !rows.contains_key(&p.index))
        .collect();
    eprintln!(
        "sweep: {} point(s){}, {} already in results.csv, {} to run on {} thread(s)",
        points.len(),
        if shard.count > 1 {
            format!(
                " of {} (shard {}/{})",
                spec.points, shard.index, shard.count
            )
        } else {
            String::new()
        },
        points.len() - todo.len(),
        todo.len(),
        args.jobs.unwrap_or_else(rayon::current_num_threads),
    );
    let progress = crate::progress::bar(todo.len() as u64, "points");
    let run_point = |p: &Point| {
        let job_values: Vec<(&str, &str)> = axes
            .iter()
            .zip(&p.values)
            .filter(|(a, _)| job_keys.contains(&a.key.as_str()))
            .map(|(a, v)| (a.key.as_str(), v.as_str()))
            .collect();
        job.run(p, &job_values)
    };
    let finished =
        cimtile_sweep::run_points(dir, &spec, &todo, args.jobs, run_point, || progress.inc(1))?;
    progress.finish_and_clear();
    rows.extend(finished);
    finish(dir, &spec, &rows)
}

/// Writes the sorted results and the plots, prints where they are and the Pareto fronts; warns
/// about points that have no row.
fn finish(dir: &Path, spec: &SweepSpec, rows: &Rows) -> Result<ExitCode> {
    let summary = cimtile_sweep::finish(dir, spec, rows)?;
    println!(
        "{} of {} point(s) in {}",
        summary.rows,
        summary.expected,
        summary.results.display()
    );
    for p in &summary.plots {
        println!("plot: {}", p.display());
    }
    for group in &summary.fronts {
        println!(
            "Pareto front{}:",
            if group.label.is_empty() {
                String::new()
            } else {
                format!(" of {}", group.label)
            }
        );
        for &f in &group.front {
            let (energy, accuracy, index) = group.points[f];
            println!(
                "  point {index} ({}): accuracy {accuracy:.4}, {energy:.1} pJ per image",
                describe(&spec.axes, &rows[&index][1..=spec.axes.len()])
            );
        }
    }
    if !summary.missing.is_empty() {
        let missing: Vec<String> = summary.missing.iter().map(usize::to_string).collect();
        eprintln!(
            "cimtile: warning: points without results: {}",
            missing.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let (spec, rows) = cimtile_sweep::merge(&args.dirs, &args.out)?;
    finish(&args.out, &spec, &rows)
}

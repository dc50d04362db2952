//! `cimtile run --engine model` on the reference noisy tile of the golden-model benchmark
//! (256x256, 8-bit signed inputs and weights, 2-bit cells, 64 rows per read, 32 ADCs, read noise
//! and programming error) with 20,000 random input vectors (`CIMTILE_BENCH_VECTORS`):
//! `cargo bench --bench run_model`.
//!
//! It prints where the command's time goes, each phase timed in this process through the library
//! calls the command makes (reading and parsing the CSV files, programming, the MVMs, formatting
//! and writing the outputs), then MVMs/s of the command end to end, start to exit. With
//! `CIMTILE_BENCH_BASE=path/to/cimtile` it times that binary too, its runs interleaved with this
//! build's, and checks that both write the same outputs. Every figure is the best and the median
//! of `CIMTILE_BENCH_RUNS` runs (3): the machine is shared.

use cimtile_tile::config::TileConfig;
use cimtile_tile::data::{parse_inputs, parse_weights, to_csv, ColumnParams};
use cimtile_tile::TileModel;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const REFERENCE_TILE: &str = "[array]\nrows = 256\ncols = 256\nrows_per_read = 64\n\
    [weights]\nbits = 8\ncell_bits = 2\n[inputs]\nbits = 8\nsigned = true\n\
    [adc]\nbits = 8\ncount = 32\nstep = 4\ncycles = 1\n\
    [analog]\nfine_bits = 2\nread_noise = 3\nprogram_error = 2\nseed = 99\n";

/// `n` deterministic pseudo-random values in `lo..=hi` as CSV lines of `width`.
fn random_csv(n: usize, width: usize, lo: i64, hi: i64, mut s: u64) -> String {
    let mut text = String::new();
    for i in 0..n {
        let sep = if (i + 1) % width == 0 { "\n" } else { "," };
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text += &format!("{}{sep}", lo + ((s >> 33) % (hi - lo + 1) as u64) as i64);
    }
    text
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).map_or(default, |v| v.parse().expect("a count"))
}

/// Best and median of `seconds`.
fn best_median(seconds: &[f64]) -> (f64, f64) {
    let mut s = seconds.to_vec();
    s.sort_by(f64::total_cmp);
    (s[0], s[s.len() / 2])
}

struct Files {
    config: PathBuf,
    weights: PathBuf,
    inputs: PathBuf,
}

/// Seconds of each phase of one run, as the command does it.
fn phases(files: &Files, out: &Path) -> Vec<(&'static str, f64)> {
    let mut times = Vec::new();
    let mut started = Instant::now();
    let mut lap = |name, times: &mut Vec<_>| {
        times.push((name, started.elapsed().as_secs_f64()));
        started = Instant::now();
    };
    let config = std::fs::read_to_string(&files.config).unwrap();
    let p = TileConfig::layered(None, &config)
        .unwrap()
        .validate()
        .unwrap();
    let w = parse_weights(&p, &std::fs::read_to_string(&files.weights).unwrap(), "W").unwrap();
    lap("configuration and weights (read, parse)", &mut times);
    let x = parse_inputs(&p, &std::fs::read_to_string(&files.inputs).unwrap(), "X").unwrap();
    lap("inputs (read, parse)", &mut times);
    let model = TileModel::new(&p, &w, &vec![ColumnParams::default(); p.cols()]).unwrap();
    lap("programming", &mut times);
    let outputs = model.outputs_batch(0, &x);
    lap("MVMs", &mut times);
    let csv: String = outputs.par_chunks(1024).map(to_csv).collect();
    lap("outputs (format)", &mut times);
    std::fs::write(out, csv).unwrap();
    lap("outputs (write)", &mut times);
    times
}

/// CPU seconds (user and system) of this process's children that have ended.
fn children_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Seconds of `cimtile run --engine model` by `binary`, start to exit, writing `out`, and the
/// CPU seconds it used (which the other jobs on the machine change less than the former).
fn end_to_end(binary: &Path, files: &Files, out: &Path) -> (f64, f64) {
    let cpu = children_cpu_seconds();
    let started = Instant::now();
    let status = Command::new(binary)
        .args(["run", "--engine", "model", "--config"])
        .arg(&files.config)
        .arg("--weights")
        .arg(&files.weights)
        .arg("--inputs")
        .arg(&files.inputs)
        .arg("--out")
        .arg(out)
        .status()
        .expect("cimtile runs");
    let seconds = started.elapsed().as_secs_f64();
    assert!(status.success(), "{} failed", binary.display());
    (seconds, children_cpu_seconds() - cpu)
}

fn main() {
    let n = env_usize("CIMTILE_BENCH_VECTORS", 20_000);
    let runs = env_usize("CIMTILE_BENCH_RUNS", 3);
    let dir = tempfile::tempdir().unwrap();
    let files = Files {
        config: dir.path().join("tile.toml"),
        weights: dir.path().join("W.csv"),
        inputs: dir.path().join("X.csv"),
    };
    std::fs::write(&files.config, REFERENCE_TILE).unwrap();
    std::fs::write(&files.weights, random_csv(256 * 256, 256, -127, 127, 1)).unwrap();
    std::fs::write(&files.inputs, random_csv(n * 256, 256, -128, 127, 2)).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!("reference noisy tile 256x256, {n} vectors, {cores} threads, {runs} runs each");

    let timed: Vec<_> = (0..runs)
        .map(|_| phases(&files, &dir.path().join("Y-phases.csv")))
        .collect();
    println!("phases in this process (best / median seconds, share of the median total):");
    let totals: Vec<f64> = timed
        .iter()
        .map(|t| t.iter().map(|(_, s)| s).sum())
        .collect();
    let (_, total) = best_median(&totals);
    for (i, (name, _)) in timed[0].iter().enumerate() {
        let (best, median) = best_median(&timed.iter().map(|t| t[i].1).collect::<Vec<_>>());
        let share = 100.0 * median / total;
        println!("  {name:40} {best:7.3} / {median:7.3} s  {share:5.1}%");
    }
    let (best, median) = best_median(&totals);
    println!("  {:40} {best:7.3} / {median:7.3} s", "total");

    let mut binaries = vec![("this build", PathBuf::from(env!("CARGO_BIN_EXE_cimtile")))];
    if let Ok(base) = std::env::var("CIMTILE_BENCH_BASE") {
        binaries.push(("CIMTILE_BENCH_BASE", PathBuf::from(base)));
    }
    let mut seconds = vec![Vec::new(); binaries.len()];
    let mut cpu = vec![Vec::new(); binaries.len()];
    for _ in 0..runs {
        for (i, (_, binary)) in binaries.iter().enumerate() {
            let out = dir.path().join(format!("Y-{i}.csv"));
            let (wall, used) = end_to_end(binary, &files, &out);
            seconds[i].push(wall);
            cpu[i].push(used);
        }
    }
    let first = std::fs::read(dir.path().join("Y-0.csv")).unwrap();
    for (i, (name, _)) in binaries.iter().enumerate().skip(1) {
        let other = std::fs::read(dir.path().join(format!("Y-{i}.csv"))).unwrap();
        assert!(first == other, "{name} writes other outputs");
    }
    println!("cimtile run --engine model, start to exit (best / median; CPU: user + system):");
    for (i, (name, binary)) in binaries.iter().enumerate() {
        let (best, median) = best_median(&seconds[i]);
        let (cpu_best, cpu_median) = best_median(&cpu[i]);
        println!(
            "  {name:18} {:6.0} / {:6.0} MVMs/s  {best:.3} / {median:.3} s  \
             CPU {cpu_best:.3} / {cpu_median:.3} s  ({})",
            n as f64 / best,
            n as f64 / median,
            binary.display()
        );
    }
}

//! Golden-model speed on the reference tile: 256x256, 8-bit inputs and weights, 2-bit
//! cells, 64 rows per read, 32 ADCs, read noise and programming error on. Criterion reports
//! conversions per second (`Ib*G*P` per MVM) for the tile, and MVMs per second for the tile and
//! for a plain i32 `W^T x` of the same size. The same tile with every spec v2 device effect on
//! (drift, stuck cells, IR drop) measures what they cost, and its ratio to v1 is printed.

use cimtile_tile::config::TileConfig;
use cimtile_tile::{ColumnParams, TileModel, Weights};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::time::Instant;

const REFERENCE_TILE: &str = "[array]\nrows = 256\ncols = 256\nrows_per_read = 64\n\
    [weights]\nbits = 8\ncell_bits = 2\n[inputs]\nbits = 8\nsigned = true\n\
    [adc]\nbits = 8\ncount = 32\nstep = 4\ncycles = 1\n\
    [analog]\nfine_bits = 2\nread_noise = 3\nprogram_error = 2\nseed = 99";

/// Device effects for the reference tile: 10% drift +-3%, 0.5% stuck cells, IR drop at half of
/// Qmax = (2^40-1) div (2*Imax-1), Imax = 64 * (3*4 + 2) = 896.
const DEVICE_EFFECTS: &str = "drift = 6554\ndrift_spread = 2000\nir_drop = 306954669\n[faults]\nstuck_off_ppm = 3000\nstuck_on_ppm = 2000";

/// Deterministic pseudo-random values in `lo..=hi`.
fn values(n: usize, lo: i32, hi: i32, mut s: u64) -> Vec<i32> {
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            lo + ((s >> 33) % (hi - lo + 1) as u64) as i32
        })
        .collect()
}

fn model(toml: &str, w: &[i32]) -> TileModel {
    let p = TileConfig::layered(None, toml).unwrap().validate().unwrap();
    let w = Weights {
        rows: p.rows(),
        cols: p.cols(),
        w: w.to_vec(),
    };
    TileModel::new(&p, &w, &vec![ColumnParams::default(); p.cols()]).unwrap()
}

/// The plain i32 `W^T x` of the same size: the yardstick.
fn plain_wtx(w: &[i32], cols: usize, x: &[i32]) -> Vec<i32> {
    let mut y = vec![0i32; cols];
    for (row, &xr) in w.chunks_exact(cols).zip(x) {
        for (yc, &wv) in y.iter_mut().zip(row) {
            *yc += wv * xr;
        }
    }
    y
}

/// Best seconds per item of `rounds` timed rounds of `f`, each doing `items` items: short rounds
/// and the best of them, because the machine is shared and a preempted round says nothing.
fn best_seconds(rounds: u32, items: u32, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64() / items as f64
        })
        .fold(f64::MAX, f64::min)
}

/// CPU time this thread has run, from Linux's scheduler statistics (None elsewhere): on a shared
/// machine it counts only the time the benchmark had a core.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(stat.split_whitespace().next()?.parse::<u64>().ok()? as f64 * 1e-9)
}

/// Seconds per MVM over `n` MVMs.
fn seconds_per_mvm(model: &TileModel, x: &[i32], n: u32) -> f64 {
    let started = Instant::now();
    for k in 0..n {
        black_box(model.mvm(k, black_box(x)));
    }
    started.elapsed().as_secs_f64() / n as f64
}

/// The MVMs of `batch` one after the other on this thread, as `mvm_batch` computes them.
fn sequential_mvms(model: &TileModel, batch: &[Vec<i32>]) {
    for (k, x) in batch.iter().enumerate() {
        black_box(model.mvm(k as u32, black_box(x)));
    }
}

fn bench(c: &mut Criterion) {
    let w = values(256 * 256, -127, 127, 1);
    let model_v1 = model(REFERENCE_TILE, &w);
    let model_v2 = model(&format!("{REFERENCE_TILE}\n{DEVICE_EFFECTS}"), &w);
    let p = model_v1.params().clone();
    let w = Weights {
        rows: p.rows(),
        cols: p.cols(),
        w,
    };
    let model = &model_v1;
    let x = values(p.rows(), -128, 127, 2);
    // 64 random input vectors: the conversion figures take a new one for every MVM, as a real
    // stream of inputs does.
    let batch: Vec<Vec<i32>> = (0..64)
        .map(|i| values(p.rows(), -128, 127, 10 + i))
        .collect();

    let mut group = c.benchmark_group("golden_model_256x256");
    group.throughput(Throughput::Elements(p.conversions_per_mvm()));
    group.bench_function("conversions", |b| {
        let mut k = 0u32;
        b.iter(|| {
            k = k.wrapping_add(1);
            model.mvm(k, black_box(&batch[k as usize % batch.len()]))
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("tile_mvms", |b| b.iter(|| model.mvm(7, black_box(&x))));
    group.bench_function("plain_i32_wtx_mvms", |b| {
        b.iter(|| plain_wtx(&w.w, p.cols(), black_box(&x)))
    });
    group.bench_function("tile_v2_mvms", |b| {
        b.iter(|| model_v2.mvm(7, black_box(&x)))
    });
    // A batch of 64 MVMs on every core (rayon) and on one: the scaling over cores.
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("batch_mvms_all_cores", |b| {
        b.iter(|| model.mvm_batch(0, black_box(&batch)))
    });
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    group.bench_function("batch_mvms_one_core", |b| {
        b.iter(|| one_core.install(|| model.mvm_batch(0, black_box(&batch))))
    });
    group.finish();
    // Interleaved rounds, the best of each: the ratio the issue bounds by 1.2.
    let (mut v1, mut v2) = (f64::MAX, f64::MAX);
    for _ in 0..10 {
        v1 = v1.min(seconds_per_mvm(&model_v1, &x, 100));
        v2 = v2.min(seconds_per_mvm(&model_v2, &x, 100));
    }
    println!(
        "v2 device effects cost: {:.1} us per MVM vs {:.1} us for v1: {:.3}x",
        v2 * 1e6,
        v1 * 1e6,
        v2 / v1
    );
    summary(model, &w, &batch);
}

/// The figures of the README's speed table. Every MVM takes the next of the batch's inputs. The
/// rounds of 64 MVMs (one after the other, `mvm_batch` on one thread and on all) are interleaved
/// so that each variant sees the same machine, and the best round of each is kept; a round of
/// one MVM is more often spared by the other jobs than one of 64, so the best single MVM is
/// the closest to an idle core and is not comparable with the 64-MVM rounds.
fn summary(model: &TileModel, w: &Weights, batch: &[Vec<i32>]) {
    let p = model.params();
    let conversions = p.conversions_per_mvm() as f64;
    let mut k = 0u32;
    let mut next_mvm = || {
        k = k.wrapping_add(1);
        black_box(model.mvm(k, black_box(&batch[k as usize % batch.len()])));
    };
    let single = best_seconds(3000, 1, &mut next_mvm);
    let cpu = thread_cpu_seconds().map(|started| {
        (0..2000).for_each(|_| next_mvm());
        (thread_cpu_seconds().unwrap() - started) / 2000.0
    });
    let x = &batch[0];
    let plain = best_seconds(3000, 10, || {
        for _ in 0..10 {
            black_box(plain_wtx(&w.w, p.cols(), black_box(x)));
        }
    });
    let n = batch.len() as u32;
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (mut sequential, mut one_batch, mut all) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..30 {
        sequential = sequential.min(best_seconds(1, n, || sequential_mvms(model, batch)));
        one_batch = one_batch.min(best_seconds(1, n, || {
            black_box(one_core.install(|| model.mvm_batch(0, black_box(batch))));
        }));
        all = all.min(best_seconds(1, n, || {
            black_box(model.mvm_batch(0, black_box(batch)));
        }));
    }
    let threads = rayon::current_num_threads();
    let rate = |seconds: f64| {
        format!(
            "{:>7.0} M conversions/s, {:>8.0} MVMs/s",
            conversions / seconds / 1e6,
            1.0 / seconds
        )
    };
    println!(
        "summary, {}x{} tile, {} conversions per MVM, a new input per MVM:",
        p.rows(),
        p.cols(),
        conversions
    );
    println!(
        "  one core, mvm, best of 3000 single MVMs:  {}",
        rate(single)
    );
    if let Some(cpu) = cpu {
        println!("  one core, mvm, CPU time of 2000 MVMs:     {}", rate(cpu));
    }
    println!("  best of 30 interleaved rounds of {n} MVMs:");
    println!(
        "    one core, mvm {n} times:                 {}",
        rate(sequential)
    );
    println!(
        "    one core, mvm_batch({n}):                {}",
        rate(one_batch)
    );
    println!(
        "    {threads} threads, mvm_batch({n}):              {} ({:.2}x one core)",
        rate(all),
        one_batch / all
    );
    println!(
        "  plain i32 W^T x: {:>8.0} MVMs/s ({:.1}x the tile's best single mvm)",
        1.0 / plain,
        single / plain
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);

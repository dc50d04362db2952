//! N tiles co-simulated side by side in one process, as a chip's co-simulation runs them: one
//! Verilator build per preset, N instances of it (each its own `VerilatedContext`, weights and
//! stream), spread over T threads. Prints, per preset, N and T, the MVMs per second of all the
//! tiles together and per tile and the simulated cycles per second, and then checks every tile's
//! results against the golden model (a mismatch fails the bench).
//!
//! `cargo bench -p cimtile-cosim --bench rtl_tiles`; `CIMTILE_BENCH_PRESETS=default,neurosim`
//! (the default), `CIMTILE_BENCH_TILES=1,4,16` (the default) and `CIMTILE_BENCH_MVMS` (MVMs per
//! tile and run; by default a few seconds of simulation per row) choose what is measured.

use cimtile_cosim::tile_driver::{build_tile, Stimulus, TileRtl};
use cimtile_tile::config::TileConfig;
use cimtile_tile::random_case::{random_case, Case};
use cimtile_tile::{TileModel, TileParams};
use std::time::Instant;

fn list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(str::to_string)
        .collect()
}

fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    load.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// MVMs per tile and run: about 2 s of a single tile's simulation.
fn mvms_per_tile(p: &TileParams, tiles: usize) -> usize {
    if let Ok(n) = std::env::var("CIMTILE_BENCH_MVMS") {
        return n.parse().expect("CIMTILE_BENCH_MVMS: a count");
    }
    let cycles_per_tile = 6_000_000.0 / tiles as f64;
    (cycles_per_tile / p.expected_cycles_per_mvm())
        .ceil()
        .max(4.0) as usize
}

/// Streams every case through its tile: the cycles it took and the outputs of each tile.
fn run(tiles: &mut [(TileRtl, Case)]) -> (u64, Vec<Vec<Vec<i64>>>) {
    let mut cycles = 0;
    let mut outputs = Vec::new();
    for (tile, case) in tiles.iter_mut() {
        let stream = tile.stream(&case.inputs, &Stimulus::default()).unwrap();
        cycles += stream.cycles;
        outputs.push(stream.outputs);
    }
    (cycles, outputs)
}

fn main() {
    println!("load average at start: {}", load_average());
    println!(
        "{:<9} {:>5} {:>7} {:>12} {:>14} {:>12}",
        "preset", "tiles", "threads", "MVMs/s", "MVMs/s a tile", "Mcycles/s"
    );
    let counts: Vec<usize> = list("CIMTILE_BENCH_TILES", "1,4,16")
        .iter()
        .map(|n| n.parse().expect("CIMTILE_BENCH_TILES: counts"))
        .collect();
    for preset in list("CIMTILE_BENCH_PRESETS", "default,neurosim") {
        let p = TileConfig::from_preset(&preset)
            .and_then(|c| c.validate())
            .unwrap();
        let model = build_tile(&p).unwrap();
        for &n in &counts {
            let mvms = mvms_per_tile(&p, n);
            for threads in [1, 2].into_iter().filter(|&t| t <= n) {
                let mut tiles: Vec<(TileRtl, Case)> = (0..n)
                    .map(|i| {
                        let case = random_case(&p, mvms, i as u64);
                        let mut tile = TileRtl::load(p.clone(), &model).unwrap();
                        tile.program_weights(&case.weights).unwrap();
                        tile.program_columns(&case.columns).unwrap();
                        (tile, case)
                    })
                    .collect();
                let started = Instant::now();
                let share = n.div_ceil(threads);
                let runs: Vec<(u64, Vec<Vec<Vec<i64>>>)> = std::thread::scope(|s| {
                    let handles: Vec<_> = tiles
                        .chunks_mut(share)
                        .map(|part| s.spawn(|| run(part)))
                        .collect();
                    handles.into_iter().map(|h| h.join().unwrap()).collect()
                });
                let seconds = started.elapsed().as_secs_f64();
                let cycles: u64 = runs.iter().map(|(c, _)| c).sum();
                let outputs = runs.into_iter().flat_map(|(_, o)| o);
                for (i, ((_, case), got)) in tiles.iter().zip(outputs).enumerate() {
                    let model = TileModel::new(&p, &case.weights, &case.columns).unwrap();
                    for (k, (x, got)) in case.inputs.iter().zip(&got).enumerate() {
                        assert_eq!(
                            &model.mvm(k as u32, x).out,
                            got,
                            "{preset}: tile {i}, MVM {k}"
                        );
                    }
                }
                let rate = (n * mvms) as f64 / seconds;
                println!(
                    "{:<9} {:>5} {:>7} {:>12.0} {:>14.0} {:>12.2}",
                    preset,
                    n,
                    threads,
                    rate,
                    rate / n as f64,
                    cycles as f64 / seconds / 1e6
                );
            }
        }
    }
    println!("load average at end: {}", load_average());
}

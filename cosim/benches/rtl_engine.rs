//! RTL engine figures per preset and crossbar macro model (the DPI-C macro and the behavioral
//! Verilog macro, side by side, and the DPI macro with the periphery's clock gates in their ASIC
//! form, `dpi-gates`; the others build the default `CIM_CLOCK_ENABLES` form): generation time, a fresh Verilator build, streaming throughput
//! (MVMs and simulated cycles per second, back-to-back, no disturbance), and the same tile
//! under Icarus on the default preset. Prints a table; run with
//! `cargo bench -p cimtile-cosim --bench rtl_engine`. `CIMTILE_BENCH_PRESETS=isaac,neurram`
//! measures only those presets and skips Icarus (each preset's fresh build is slow);
//! `CIMTILE_BENCH_THREADS=2` adds a row per preset for the DPI macro built with Verilator
//! `--threads 2`.

use cimtile_cosim::icarus::run_icarus;
use cimtile_cosim::sim_macro::{build_generated, build_generated_with, ClockGates, Macro};
use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_cosim::verilator_build::{build_with_sources, BuiltModel, CppSource};
use cimtile_tile::config::{TileConfig, PRESETS};
use cimtile_tile::data::{columns_csv, to_csv, weights_csv};
use cimtile_tile::random_case::random_case;
use cimtile_tile::TileParams;
use std::time::Instant;

/// MVMs per measured stream, per preset and macro (a few seconds each).
fn stream_length(name: &str, sim_macro: Macro) -> usize {
    let length = match name {
        "isaac" => 1500,
        "neurram" => 3000,
        _ => 50_000,
    };
    match (name, sim_macro) {
        ("isaac" | "neurram", Macro::Dpi) => length * 10,
        _ => length,
    }
}

/// How a measured tile is built: a macro model, the DPI macro with the ASIC form of the clock
/// gates, or Verilator threads for the DPI macro.
#[derive(Clone, Copy)]
enum Variant {
    Macro(Macro),
    DpiGates,
    DpiThreads(u32),
}

impl Variant {
    fn name(self) -> String {
        match self {
            Variant::Macro(m) => m.name().to_string(),
            Variant::DpiGates => "dpi-gates".to_string(),
            Variant::DpiThreads(n) => format!("dpi -t{n}"),
        }
    }

    fn build(self, p: &TileParams) -> BuiltModel {
        let generated = cimtile_hdl::generate(p);
        match self {
            Variant::Macro(m) => build_generated(&generated, m).unwrap(),
            Variant::DpiGates => {
                build_generated_with(&generated, Macro::Dpi, ClockGates::Gates).unwrap()
            }
            Variant::DpiThreads(n) => {
                let threads = n.to_string();
                let flags = [ClockGates::default().flags(), &["--threads", &threads]].concat();
                build_with_sources(
                    &generated.dpi_simulation_verilog().unwrap(),
                    &generated.top,
                    &flags,
                    &[CppSource {
                        name: cimtile_hdl::dpi::CPP_FILE,
                        text: cimtile_hdl::dpi::MACRO_CPP,
                    }],
                )
                .unwrap()
            }
        }
    }

    fn sim_macro(self) -> Macro {
        match self {
            Variant::Macro(m) => m,
            Variant::DpiGates | Variant::DpiThreads(_) => Macro::Dpi,
        }
    }
}

fn main() {
    // A private cache, so that every build below is a fresh one.
    let cache = std::env::temp_dir().join(format!("cimtile-bench-{}", std::process::id()));
    std::env::set_var("CIMTILE_CACHE_DIR", &cache);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at start: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "{:<8} {:<8} {:>10} {:>10} {:>12} {:>12} {:>14} {:>9}",
        "preset", "macro", "generate", "build", "MVMs/s", "Mcycles/s", "cycles/MVM", "ADC-busy"
    );
    let threads: Option<u32> = std::env::var("CIMTILE_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok());
    let variants: Vec<Variant> = Macro::ALL
        .iter()
        .map(|&m| Variant::Macro(m))
        .chain([Variant::DpiGates])
        .chain(threads.map(Variant::DpiThreads))
        .collect();
    let only = std::env::var("CIMTILE_BENCH_PRESETS").ok();
    let chosen = |name: &str| {
        only.as_deref()
            .is_none_or(|list| list.split(',').any(|n| n == name))
    };
    let mut default_rate = 0.0;
    for preset in PRESETS.iter().filter(|p| chosen(p.name)) {
        let config = TileConfig::from_preset(preset.name).unwrap();
        let p = config.validate().unwrap();
        for &variant in &variants {
            let started = Instant::now();
            cimtile_hdl::generate(&p);
            let generate_s = started.elapsed().as_secs_f64();
            let started = Instant::now();
            let model = variant.build(&p);
            let build_s = started.elapsed().as_secs_f64();
            let mut tile = TileRtl::load(p.clone(), &model).unwrap();
            let case = random_case(&p, stream_length(preset.name, variant.sim_macro()), 1);
            tile.program_weights(&case.weights).unwrap();
            tile.program_columns(&case.columns).unwrap();
            let started = Instant::now();
            let stream = tile.stream(&case.inputs, &Stimulus::default()).unwrap();
            let seconds = started.elapsed().as_secs_f64();
            let rate = case.inputs.len() as f64 / seconds;
            let steady = stream.steady_cycles_per_mvm().unwrap();
            println!(
                "{:<8} {:<8} {:>9.2}s {:>9.1}s {:>12.0} {:>12.2} {:>14} {:>9.3}",
                preset.name,
                variant.name(),
                generate_s,
                build_s,
                rate,
                stream.cycles as f64 / seconds / 1e6,
                steady,
                p.min_cycles_per_mvm() as f64 / steady
            );
            if preset.name == "default" && matches!(variant, Variant::Macro(Macro::Dpi)) {
                default_rate = rate;
            }
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = std::fs::remove_dir_all(&cache);
    if only.is_some() {
        return;
    }

    // Icarus on the default preset: two runs of different lengths, so that compilation and
    // programming cancel out of the per-MVM rate.
    let config = TileConfig::from_preset("default").unwrap();
    let p = config.validate().unwrap();
    let timed_run = |mvms: usize| {
        let dir = tempfile_dir();
        let case = random_case(&p, mvms, 1);
        std::fs::write(dir.join("W.csv"), weights_csv(&case.weights)).unwrap();
        std::fs::write(dir.join("X.csv"), to_csv(&case.inputs)).unwrap();
        std::fs::write(dir.join("C.csv"), columns_csv(&case.columns)).unwrap();
        let started = Instant::now();
        run_icarus(&p, &dir, mvms, true).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&dir);
        seconds
    };
    let (short, long) = (50, 550);
    let icarus_rate = (long - short) as f64 / (timed_run(long) - timed_run(short));
    println!(
        "icarus   default: {:.0} MVMs/s, {:.3} Mcycles/s; Verilator (DPI macro) is {:.0}x faster",
        icarus_rate,
        icarus_rate * p.expected_cycles_per_mvm() / 1e6,
        default_rate / icarus_rate
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("cimtile-icarus-bench-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

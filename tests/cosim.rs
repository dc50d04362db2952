//! Co-simulation: the generated RTL under Verilator (and, for the default preset, Icarus)
//! against the golden model, bit for bit.
//!
//! - random configurations from a bounded pool (builds are cached), random data and streams;
//! - every preset, plain and with device noise, over 1000 MVMs;
//! - backpressure and input gaps change no result; reset mid-MVM returns to idle;
//! - cycles per MVM in back-to-back streams equal the documented formula, ADC-busy >= 0.95;
//! - the VCD shows the top's ports.
//!
//! A mismatch leaves a replayable case in `target/cosim-failures/<name>/`; copied into
//! `tests/traces/`, it becomes a regression trace.

mod common;

use cimtile_cosim::random_case::{expected_with_writes, random_case, Case};
use cimtile_cosim::replay_case::{first_mismatch, write_case};
use cimtile_cosim::tile_driver::{build_tile, Stimulus, TileRtl};
use cimtile_cosim::waveform::read_waveform;
use cimtile_hdl::config::TileConfig;
use cimtile_hdl::data::{columns_csv, to_csv, weights_csv};
use cimtile_hdl::TileModel;
use common::*;
use proptest::prelude::*;
use std::path::PathBuf;

fn expected_outputs(config: &TileConfig, case: &Case) -> Vec<Vec<i64>> {
    let p = config.validate().unwrap();
    let model = TileModel::new(&p, &case.weights, &case.columns);
    case.inputs.iter().enumerate().map(|(k, x)| model.mvm(k as u32, x).out).collect()
}

fn load(config: &TileConfig) -> TileRtl {
    let p = config.validate().unwrap();
    TileRtl::load(p.clone(), &build_tile(&p).unwrap_or_else(|e| panic!("build failed: {e}"))).unwrap()
}

/// Runs `case` on the RTL with `stim`; Err describes the first mismatch and where the case is.
fn compare(name: &str, config: &TileConfig, case: &Case, stim: &Stimulus) -> Result<(), String> {
    let mut rtl = load(config);
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    let got = rtl.stream(&case.inputs, stim).map_err(|e| format!("{name}: {e}"))?.outputs;
    let expected = expected_outputs(config, case);
    let Some(m) = first_mismatch(&expected, &got) else {
        return Ok(());
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cosim-failures").join(name);
    write_case(&dir, &config.validate().unwrap(), case, &expected, &got).map_err(|e| e.to_string())?;
    Err(format!(
        "{name}: MVM {}, column {}: golden model {}, RTL {} ({} more differ; case kept in {})",
        m.mvm,
        m.column,
        m.expected,
        m.got,
        m.others,
        dir.display()
    ))
}

/// Configurations the property draws from: few enough that their builds are cached.
const POOL: u64 = 8;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn rtl_equals_the_golden_model(
        index in 0..POOL,
        seed in any::<u64>(),
        mvms in 1usize..10,
        gaps in 0u32..40,
        stalls in 0u32..40,
    ) {
        let config = random_config(index);
        let p = config.validate().unwrap();
        let case = random_case(&p, mvms, seed);
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, seed, ..Default::default() };
        let result = compare(&format!("pool{index}-seed{seed}"), &config, &case, &stim);
        prop_assert!(result.is_ok(), "{}\nconfig:\n{}", result.unwrap_err(), config.to_toml());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 32, ..ProptestConfig::default() })]

    /// Programming offered at random moments while streaming (over configurations with up to 8
    /// slices, Ta > 1, gaps and backpressure): the tile accepts it only between MVMs (the
    /// protocol checker fails the stream otherwise), and every result is the golden model's
    /// with the parameters in force when its vector started.
    #[test]
    fn programming_while_streaming_never_lands_mid_mvm(
        index in 0..POOL,
        seed in any::<u64>(),
        mvms in 2usize..8,
        gaps in 0u32..60,
        stalls in 0u32..40,
        attempts in 1u32..10,
    ) {
        let config = random_config(index);
        let p = config.validate().unwrap();
        let case = random_case(&p, mvms, seed);
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, program_attempt_percent: attempts, seed };
        let mut rtl = load(&config);
        rtl.program_weights(&case.weights).unwrap();
        rtl.program_columns(&case.columns).unwrap();
        let stream = rtl.stream(&case.inputs, &stim);
        prop_assert!(stream.is_ok(), "{}\nconfig:\n{}", stream.unwrap_err(), config.to_toml());
        let stream = stream.unwrap();
        prop_assert_eq!(stream.outputs, expected_with_writes(&p, &case, &stream.column_writes));
    }
}

fn noisy(name: &str) -> TileConfig {
    TileConfig::layered(Some(name), "[analog]\nread_noise = 5\nprogram_error = 3\nseed = 77").unwrap()
}

#[test]
fn every_preset_agrees_over_1000_mvms() {
    let configs = PRESETS.iter().map(|n| (n.to_string(), preset(n))).chain(
        ["default", "isaac"].iter().map(|n| (format!("{n}+noise"), noisy(n))),
    );
    for (name, config) in configs {
        let p = config.validate().unwrap();
        let case = random_case(&p, 1000, 2024);
        compare(&name, &config, &case, &Stimulus::default()).unwrap();
    }
}

#[test]
fn backpressure_and_gaps_change_no_result() {
    for name in ["default", "neurram"] {
        let config = preset(name);
        let case = random_case(&config.validate().unwrap(), 40, 5);
        for (gaps, stalls) in [(0, 0), (50, 0), (0, 60), (35, 35)] {
            let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, seed: 9, ..Default::default() };
            compare(&format!("{name}-gaps{gaps}-stalls{stalls}"), &config, &case, &stim).unwrap();
        }
    }
}

#[test]
fn reset_mid_mvm_returns_to_idle_and_the_next_mvm_is_right() {
    for name in ["default", "neurram"] {
        let config = preset(name);
        let p = config.validate().unwrap();
        let case = random_case(&p, 6, 11);
        let mut rtl = load(&config);
        rtl.program_weights(&case.weights).unwrap();
        rtl.program_columns(&case.columns).unwrap();
        // Stop in the middle of the second MVM's conversions.
        let cut = p.rows() as u64 + p.min_cycles_per_mvm() * 3 / 2;
        let partial = rtl.stream_for(&case.inputs, &Stimulus::default(), Some(cut)).unwrap();
        assert!(partial.outputs.len() < case.inputs.len(), "{name}: the cut came too late");
        rtl.reset().unwrap();
        let sim = rtl.simulator();
        let busy = sim.port("busy").unwrap();
        let out_valid = sim.port("out_valid").unwrap();
        sim.eval();
        assert_eq!((sim.get(busy), sim.get(out_valid)), (0, 0), "{name}: not idle after reset");
        // After reset the batch index starts again at 0, as the golden model's does.
        let got = rtl.stream(&case.inputs, &Stimulus::default()).unwrap().outputs;
        assert_eq!(got, expected_outputs(&config, &case), "{name}: results after reset");
    }
}

#[test]
fn cycles_per_mvm_follow_the_formula_and_keep_the_adcs_busy() {
    let pool = (0..POOL).map(|i| (format!("pool{i}"), random_config(i), false));
    let presets = PRESETS.iter().map(|n| (n.to_string(), preset(n), true));
    for (name, config, is_preset) in presets.chain(pool) {
        let p = config.validate().unwrap();
        let case = random_case(&p, 6, 3);
        let mut rtl = load(&config);
        rtl.program_weights(&case.weights).unwrap();
        let stream = rtl.stream(&case.inputs, &Stimulus::default()).unwrap();
        let steady = stream.steady_cycles_per_mvm().unwrap();
        assert_eq!(steady, p.expected_cycles_per_mvm() as f64, "{name}: cycles per MVM");
        if is_preset {
            let busy = p.min_cycles_per_mvm() as f64 / steady;
            assert!(busy >= 0.95, "{name}: ADC-busy ratio {busy:.3} < 0.95");
        }
    }
}

#[test]
fn icarus_gives_the_same_results_on_the_default_preset() {
    let config = preset("default");
    let p = config.validate().unwrap();
    let case = random_case(&p, 25, 8);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("W.csv"), weights_csv(&case.weights)).unwrap();
    std::fs::write(dir.path().join("X.csv"), to_csv(&case.inputs)).unwrap();
    std::fs::write(dir.path().join("C.csv"), columns_csv(&case.columns)).unwrap();
    let icarus = cimtile_cosim::icarus::run_icarus(&p, dir.path(), case.inputs.len(), true).unwrap();
    assert_eq!(icarus, to_csv(expected_outputs(&config, &case)));
}

#[test]
fn vcd_shows_the_documented_top_ports() {
    let dir = tempfile::tempdir().unwrap();
    let vcd = dir.path().join("tile.vcd");
    let config = preset("default");
    let case = random_case(&config.validate().unwrap(), 3, 1);
    let mut rtl = load(&config);
    rtl.trace(&vcd).unwrap();
    rtl.program_weights(&case.weights).unwrap();
    rtl.stream(&case.inputs, &Stimulus::default()).unwrap();
    drop(rtl);
    let wave = read_waveform(&vcd, None, None, None).unwrap();
    let names: Vec<&str> = wave.signals.iter().map(|s| s.name.rsplit('.').next().unwrap()).collect();
    for port in [
        "clock", "reset", "prog_valid", "prog_ready", "prog_column", "prog_row", "prog_col", "prog_level", "prog_mult",
        "prog_shift", "prog_bias", "in_valid", "in_ready", "in_data", "out_valid", "out_ready", "out_data", "out_col",
        "out_last", "busy", "done",
    ] {
        assert!(names.contains(&port), "VCD lacks top port {port}: {names:?}");
    }
    let done = names.iter().position(|n| *n == "done").unwrap();
    let rises = wave.rows.windows(2).filter(|w| w[0].1[done] == "0" && w[1].1[done] == "1").count();
    assert_eq!(rises, 3, "one done pulse per MVM");
}

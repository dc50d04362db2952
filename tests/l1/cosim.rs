//! Co-simulation: the generated RTL under Verilator (and, for the default preset, Icarus)
//! against the golden model, bit for bit.
//!
//! - random configurations from a bounded pool (builds are cached), random data and streams;
//! - every preset, plain and with device noise, over 1000 MVMs;
//! - backpressure and input gaps change no result; reset mid-MVM returns to idle;
//! - back-to-back streams complete MVMs at the stated cycles, spacing by spacing on every preset;
//!   every preset with its ADCs busy all the time (ADC-busy ratio 1.0: neurosim with 4 inputs a
//!   transfer and its combiner reading 4 sums a cycle);
//! - the VCD shows the top's ports;
//! - adc.latency past Ta (conversions in flight) changes neither a result nor the cycles per MVM;
//! - the emulated crossbar, pipelined to each tile's own rate, over random configurations,
//!   programming while streaming, the default and fpga64 presets and a noisy v2 default, and a
//!   cell written just before an MVM.
//!
//! Verilator builds the periphery in both forms of its clock gates (`ClockGates`): every preset
//! and the stated cycles in both, half the random pool as the ASIC netlist has them (a register
//! and a gate per word), the rest as the default co-simulation builds them (`CIM_CLOCK_ENABLES`,
//! the FPGA and formal form). The behavioral crossbar runs here as Verilator's default, the
//! DPI-C macro (conversions in C++); `cosim/tests/macros.rs` co-simulates it and the shipped
//! Verilog macro side by side on every preset and on random v2 configurations, and Icarus
//! (below) runs the Verilog macro.
//!
//! A mismatch leaves a replayable case in `target/cosim-failures/<name>/`; copied into
//! `tests/traces/`, it becomes a regression trace.

use crate::common::*;
use cimtile_cosim::replay_case::{first_mismatch, write_case};
use cimtile_cosim::sim_macro::{build_generated_with, ClockGates, Macro};
use cimtile_cosim::tile_driver::{build_tile_with, Stimulus, TileRtl};
use cimtile_cosim::waveform::read_waveform;
use cimtile_hdl::Crossbar;
use cimtile_tile::config::TileConfig;
use cimtile_tile::data::{columns_csv, to_csv, weights_csv, ColumnParams, Weights};
use cimtile_tile::random_case::{expected_with_writes, random_case, Case};
use cimtile_tile::{TileModel, TileParams};
use proptest::prelude::*;
use std::path::PathBuf;

fn expected_outputs(config: &TileConfig, case: &Case) -> Vec<Vec<i64>> {
    let p = config.validate().unwrap();
    let model = TileModel::new(&p, &case.weights, &case.columns).unwrap();
    case.inputs
        .iter()
        .enumerate()
        .map(|(k, x)| model.mvm(k as u32, x).out)
        .collect()
}

fn load(config: &TileConfig) -> TileRtl {
    load_with(config, Crossbar::Behavioral)
}

fn load_with(config: &TileConfig, crossbar: Crossbar) -> TileRtl {
    let p = config.validate().unwrap();
    let model = build_tile_with(&p, crossbar).unwrap_or_else(|e| panic!("build failed: {e}"));
    TileRtl::load(p, &model).unwrap()
}

/// The tile of `config` with its clock gates in the form `gates` (the behavioral crossbar,
/// the DPI macro).
fn load_gates(config: &TileConfig, gates: ClockGates) -> TileRtl {
    let p = config.validate().unwrap();
    let model = build_generated_with(&cimtile_hdl::generate(&p), Macro::Dpi, gates)
        .unwrap_or_else(|e| panic!("build failed: {e}"));
    TileRtl::load(p, &model).unwrap()
}

/// Runs `case` on the RTL with `stim`; Err describes the first mismatch and where the case is.
fn compare(name: &str, config: &TileConfig, case: &Case, stim: &Stimulus) -> Result<(), String> {
    compare_on(load(config), name, config, case, stim)
}

fn compare_with(
    crossbar: Crossbar,
    name: &str,
    config: &TileConfig,
    case: &Case,
    stim: &Stimulus,
) -> Result<(), String> {
    compare_on(load_with(config, crossbar), name, config, case, stim)
}

/// [`compare`] on a tile already built and loaded.
fn compare_on(
    mut rtl: TileRtl,
    name: &str,
    config: &TileConfig,
    case: &Case,
    stim: &Stimulus,
) -> Result<(), String> {
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    let got = rtl
        .stream(&case.inputs, stim)
        .map_err(|e| format!("{name}: {e}"))?
        .outputs;
    let expected = expected_outputs(config, case);
    let Some(m) = first_mismatch(&expected, &got) else {
        return Ok(());
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cosim-failures")
        .join(name);
    write_case(&dir, &config.validate().unwrap(), case, &expected, &got)
        .map_err(|e| e.to_string())?;
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
        // Half the pool in each form of the clock gates.
        let gates = ClockGates::ALL[index as usize % 2];
        let name = format!("pool{index}-{}-seed{seed}", gates.name());
        let result = compare_on(load_gates(&config, gates), &name, &config, &case, &stim);
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
        let case = random_case(&config.validate().unwrap(), mvms, seed);
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, program_attempt_percent: attempts, seed };
        stream_while_programming(&config, Crossbar::Behavioral, &case, &stim)?;
    }
}

/// Streams `case` through the tile of `config` with `crossbar` while `stim` offers column
/// writes: every result must be the golden model's with the parameters in force when its
/// vector started.
fn stream_while_programming(
    config: &TileConfig,
    crossbar: Crossbar,
    case: &Case,
    stim: &Stimulus,
) -> Result<(), TestCaseError> {
    let mut rtl = load_with(config, crossbar);
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    let stream = rtl.stream(&case.inputs, stim);
    prop_assert!(
        stream.is_ok(),
        "{}\nconfig:\n{}",
        stream.unwrap_err(),
        config.to_toml()
    );
    let stream = stream.unwrap();
    prop_assert_eq!(
        stream.outputs,
        expected_with_writes(&config.validate().unwrap(), case, &stream.column_writes)
    );
    Ok(())
}

fn noisy(name: &str) -> TileConfig {
    TileConfig::layered(
        Some(name),
        "[analog]\nread_noise = 5\nprogram_error = 3\nseed = 77",
    )
    .unwrap()
}

#[test]
fn every_preset_agrees_over_1000_mvms() {
    let configs = presets().map(|n| (n.to_string(), preset(n))).chain(
        ["default", "isaac"]
            .iter()
            .map(|n| (format!("{n}+noise"), noisy(n))),
    );
    for (name, config) in configs {
        let p = config.validate().unwrap();
        let case = random_case(&p, 1000, 2024);
        for gates in ClockGates::ALL {
            let rtl = load_gates(&config, gates);
            let name = format!("{name}-{}", gates.name());
            compare_on(rtl, &name, &config, &case, &Stimulus::default()).unwrap();
        }
    }
}

/// Raw tiles (`output.raw`), the column stage left to a chip: every preset whose accumulator
/// fits 32 bits, with gaps and backpressure, returns the golden model's accumulators; a write
/// of column parameters is refused (the tile has none), the defaults are what it has.
#[test]
fn raw_tiles_return_the_accumulators() {
    let stim = Stimulus {
        input_gap_percent: 20,
        backpressure_percent: 20,
        seed: 5,
        ..Default::default()
    };
    let raw_presets: Vec<(&str, TileConfig)> = presets()
        .filter_map(|n| raw(&preset(n)).map(|c| (n, c)))
        .collect();
    assert!(raw_presets.len() >= 3, "raw presets: {}", raw_presets.len());
    for (name, config) in raw_presets {
        let p = config.validate().unwrap();
        let case = random_case(&p, 200, 77);
        assert!(case.columns.iter().all(|&c| c == ColumnParams::default()));
        compare(&format!("{name} raw"), &config, &case, &stim).unwrap();
        let mut rtl = load(&config);
        let mut columns = vec![ColumnParams::default(); p.cols()];
        rtl.program_columns(&columns).unwrap();
        columns[0].mult = 2;
        let refused = rtl.program_columns(&columns).unwrap_err().to_string();
        assert!(refused.contains("raw tile"), "{name}: {refused}");
    }
}

/// The activation unit at the extremes of its operands (the spec bounds every intermediate
/// value; the RTL holds them in widths derived from the configuration): mult, shift and bias at
/// and near their limits, weights and inputs at theirs, every multiplier digit the generator
/// picks (1, 2, 4, 8 and 16 bits), signed, unsigned and ReLU outputs.
#[test]
fn activation_is_exact_at_the_extremes_of_every_operand() {
    let configs = [
        ("digit1", "[adc]\ncycles = 2\n[output]\nbits = 32"),
        ("digit2", "[output]\nbits = 9\nactivation = \"relu\""),
        ("digit4", "[array]\ncols = 8\n[adc]\ncount = 8\n[output]\nbits = 8\nsigned = false"),
        ("digit8", "[array]\ncols = 16\n[adc]\ncount = 16\n[output]\nbits = 12\nactivation = \"relu\""),
        ("digit16", "[array]\ncols = 16\n[weights]\ncell_bits = 3\n[adc]\ncount = 32\nbits = 5\nstep = 1\n[output]\nbits = 24"),
    ];
    let mults = [i16::MIN, i16::MAX, -1, 0, 1, 12_345, -23_456];
    let shifts = [0u8, 1, 2, 15, 16, 30, 31];
    let biases = [i32::MIN, i32::MAX, 0, -1, 1, 1 << 30, -(1 << 30)];
    let mut digits = Vec::new();
    for (name, overlay) in configs {
        let config = TileConfig::layered(None, overlay).unwrap();
        let p = config.validate().unwrap();
        digits.push(cimtile_hdl::RtlSizing::new(&p).digit_bits);
        let (lo, hi) = p.input_range();
        let wmax = p.weight_max() as i32;
        for seed in 0..12u64 {
            let mut rng = cimtile_tile::random_case::CaseRng::new(seed);
            let mut pick = |n: usize| rng.range(0, n as i64 - 1) as usize;
            let weights = Weights {
                rows: p.rows(),
                cols: p.cols(),
                w: (0..p.rows() * p.cols())
                    .map(|_| [wmax, -wmax, 0][pick(3)])
                    .collect(),
            };
            let inputs = (0..4)
                .map(|_| {
                    (0..p.rows())
                        .map(|_| [lo as i32, hi as i32][pick(2)])
                        .collect()
                })
                .collect();
            let columns = (0..p.cols())
                .map(|_| ColumnParams {
                    mult: mults[pick(mults.len())],
                    shift: shifts[pick(shifts.len())],
                    bias: biases[pick(biases.len())],
                })
                .collect();
            let case = Case {
                weights,
                inputs,
                columns,
            };
            compare(
                &format!("extremes-{name}-{seed}"),
                &config,
                &case,
                &Stimulus::default(),
            )
            .unwrap();
        }
    }
    assert_eq!(
        digits,
        [1, 2, 4, 8, 16],
        "the configurations cover every multiplier digit"
    );
}

#[test]
fn backpressure_and_gaps_change_no_result() {
    for name in ["default", "neurram"] {
        let config = preset(name);
        let case = random_case(&config.validate().unwrap(), 40, 5);
        for (gaps, stalls) in [(0, 0), (50, 0), (0, 60), (35, 35)] {
            let stim = Stimulus {
                input_gap_percent: gaps,
                backpressure_percent: stalls,
                seed: 9,
                ..Default::default()
            };
            compare(
                &format!("{name}-gaps{gaps}-stalls{stalls}"),
                &config,
                &case,
                &stim,
            )
            .unwrap();
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
        let partial = rtl
            .stream_for(&case.inputs, &Stimulus::default(), Some(cut))
            .unwrap();
        assert!(
            partial.outputs.len() < case.inputs.len(),
            "{name}: the cut came too late"
        );
        rtl.reset().unwrap();
        let sim = rtl.simulator();
        let busy = sim.port("busy").unwrap();
        let out_valid = sim.port("out_valid").unwrap();
        sim.eval();
        assert_eq!(
            (sim.get(busy), sim.get(out_valid)),
            (0, 0),
            "{name}: not idle after reset"
        );
        // After reset the batch index starts again at 0, as the golden model's does.
        let got = rtl
            .stream(&case.inputs, &Stimulus::default())
            .unwrap()
            .outputs;
        assert_eq!(
            got,
            expected_outputs(&config, &case),
            "{name}: results after reset"
        );
    }
}

#[test]
fn reset_returns_column_parameters_to_their_defaults() {
    let config = preset("default");
    let p = config.validate().unwrap();
    let case = random_case(&p, 4, 5);
    let defaults = Case {
        columns: vec![ColumnParams::default(); p.cols()],
        ..case.clone()
    };
    assert_ne!(
        case.columns, defaults.columns,
        "the case programs parameters of its own"
    );
    let mut rtl = load(&config);
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    // The reset pin itself: TileRtl::reset would program the host's parameters again.
    let sim = rtl.simulator();
    let reset = sim.port("reset").unwrap();
    sim.set(reset, 1);
    sim.cycle();
    sim.cycle();
    sim.set(reset, 0);
    sim.eval();
    let got = rtl
        .stream(&case.inputs, &Stimulus::default())
        .unwrap()
        .outputs;
    assert_eq!(
        got,
        expected_outputs(&config, &defaults),
        "after reset every column computes with mult 1, shift 0, bias 0"
    );
}

#[test]
fn cycles_per_mvm_follow_the_formula_and_keep_the_adcs_busy() {
    let pool = (0..POOL).map(|i| (format!("pool{i}"), random_config(i), false));
    let presets = presets().map(|n| (n.to_string(), preset(n), true));
    let forms = presets.chain(pool).flat_map(|(name, config, is_preset)| {
        ClockGates::ALL.map(|gates| {
            (
                format!("{name}-{}", gates.name()),
                config.clone(),
                is_preset,
                gates,
            )
        })
    });
    for (name, config, is_preset, gates) in forms {
        let p = config.validate().unwrap();
        let case = random_case(&p, 6, 3);
        let mut rtl = load_gates(&config, gates);
        rtl.program_weights(&case.weights).unwrap();
        let stream = rtl.stream(&case.inputs, &Stimulus::default()).unwrap();
        let steady = stream.steady_cycles_per_mvm().unwrap();
        assert_eq!(
            steady,
            p.expected_cycles_per_mvm(),
            "{name}: cycles per MVM"
        );
        if is_preset {
            assert_stated_spacing(&name, &p, &stream.done_at);
            assert_eq!(
                steady,
                p.min_cycles_per_mvm() as f64,
                "{name}: ADC-busy ratio below 1"
            );
        }
    }
}

/// Asserts that MVMs completing at `done` (cycles, back to back) are spaced as `p` states
/// (`TileParams::stream_cycles`, which `info`, the manifest and the hand-off README print), spacing
/// by spacing: after two MVMs of fill the spacing repeats the stated pattern, in one of its phases.
fn assert_stated_spacing(name: &str, p: &TileParams, done: &[u64]) {
    let spacing: Vec<u64> = done.windows(2).map(|w| w[1] - w[0]).collect();
    let stated = p.stream_cycles();
    let steady = &spacing[2..];
    let period = stated.pattern.len();
    let matches = (0..period).any(|phase| {
        steady
            .iter()
            .enumerate()
            .all(|(i, &s)| s == stated.pattern[(i + phase) % period])
    });
    assert!(
        matches,
        "{name}: measured spacings {spacing:?}, stated {stated} ({:?})",
        stated.pattern
    );
}

/// `config` with its conversions landing `extra` cycles after the interval (adc.latency = Ta + extra).
fn with_latency(config: &TileConfig, extra: u32) -> TileConfig {
    let ta = config.validate().unwrap().adc_cycles();
    config
        .with_key("adc.latency", &(ta + extra).to_string())
        .unwrap()
}

/// A pipelined ADC (latency past Ta, several conversions in flight) changes no result and no
/// cycle of a back-to-back stream, on every preset.
#[test]
fn latency_past_ta_keeps_results_and_cycles_per_mvm() {
    let extra = 13;
    for name in presets() {
        let config = with_latency(&preset(name), extra);
        let p = config.validate().unwrap();
        let case = random_case(&p, 6, 11);
        let mut rtl = load(&config);
        rtl.program_weights(&case.weights).unwrap();
        rtl.program_columns(&case.columns).unwrap();
        let stream = rtl.stream(&case.inputs, &Stimulus::default()).unwrap();
        assert_eq!(
            stream.outputs,
            expected_outputs(&config, &case),
            "{name}, latency Ta + {extra}: results"
        );
        let steady = stream.steady_cycles_per_mvm().unwrap();
        assert_eq!(
            steady,
            p.expected_cycles_per_mvm(),
            "{name}, latency Ta + {extra}: cycles per MVM"
        );
    }
}

/// Latencies from Ta to well past it: random configurations, gaps and backpressure.
const LATENCY_POOL: u64 = 3;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 16, ..ProptestConfig::default() })]

    #[test]
    fn rtl_equals_the_golden_model_at_any_latency(
        index in 0..LATENCY_POOL,
        extra in prop::sample::select(vec![2u32, 40]),
        seed in any::<u64>(),
        mvms in 1usize..8,
        gaps in 0u32..40,
        stalls in 0u32..40,
    ) {
        let config = with_latency(&random_config(index), extra);
        let case = random_case(&config.validate().unwrap(), mvms, seed);
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, seed, ..Default::default() };
        let result = compare(&format!("latency-pool{index}-extra{extra}-seed{seed}"), &config, &case, &stim);
        prop_assert!(result.is_ok(), "{}\nconfig:\n{}", result.unwrap_err(), config.to_toml());
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
    let icarus =
        cimtile_cosim::icarus::run_icarus(&p, dir.path(), case.inputs.len(), true).unwrap();
    assert_eq!(icarus, to_csv(expected_outputs(&config, &case)));
}

/// Small tiles where the ADCs' `Ib*G*M*Ta` (N) and the combiner's P + 1 or the loading's R are
/// within two cycles of each other, where the two banks set the pace: (name, TOML over default).
fn near_ties() -> Vec<(String, String)> {
    let mut tiles: Vec<(String, String)> = [
        // Issue 24: N = 16, P + 1 = 17, 21 and 16 cycles in turn.
        ("issue24", "[array]\nrows = 7\ncols = 4\nrows_per_read = 6\n[weights]\nbits = 7\ncell_bits = 3\n[adc]\ncount = 15"),
        // N - (P + 1) = 0, 1, 2, -2 (P = 14 and 12 from 7 and 6 columns of one slice).
        ("n15-p14", "[array]\ncols = 7\nrows_per_read = 16\n[weights]\nbits = 3\n[inputs]\nbits = 5\n[adc]\ncount = 5"),
        ("n16-p14", "[array]\ncols = 7\nrows_per_read = 16\n[weights]\nbits = 3"),
        ("n15-p12", "[array]\ncols = 6\nrows_per_read = 16\n[weights]\nbits = 3\n[inputs]\nbits = 5"),
        ("n15-p16", "[array]\nrows_per_read = 16\n[inputs]\nbits = 5\n[adc]\ncount = 6"),
        // R - N = 0, 1, 2 (one column: P + 1 = 5), the last with a 2-cycle ADC.
        ("r16-n16", "[array]\ncols = 1"),
        ("r17-n16", "[array]\nrows = 17\nrows_per_read = 5\ncols = 1"),
        ("r18-n16-ta2", "[array]\nrows = 18\nrows_per_read = 5\ncols = 1\n[inputs]\nbits = 2\n[adc]\ncycles = 2"),
        ("issue24-latency5", "[array]\nrows = 7\ncols = 4\nrows_per_read = 6\n[weights]\nbits = 7\ncell_bits = 3\n[adc]\ncount = 15\nlatency = 5"),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), t.to_string()))
    .collect();
    // Random small tiles whose N, R and P + 1 come within two of each other.
    let mut rng = cimtile_tile::random_case::CaseRng::new(24);
    while tiles.len() < 14 {
        let (rows, cols, wb, bc, ib, ta) = (
            rng.range(1, 20),
            rng.range(1, 4),
            rng.range(2, 7),
            rng.range(1, 3),
            rng.range(1, 4),
            rng.range(1, 2),
        );
        let rows_per_read = rng.range(1, rows);
        let phys = 2 * cols * ((wb - 1 + bc - 1) / bc);
        let adcs = rng.range(1, phys.min(8));
        let n = ib * ((rows + rows_per_read - 1) / rows_per_read) * ((phys + adcs - 1) / adcs) * ta;
        if (n - phys - 1).abs() > 2 && (n - rows).abs() > 2 {
            continue;
        }
        let latency = ta + rng.range(0, 3);
        let toml = format!(
            "[array]\nrows = {rows}\ncols = {cols}\nrows_per_read = {rows_per_read}\n[weights]\nbits = {wb}\ncell_bits = {bc}\n\
             [inputs]\nbits = {ib}\n[adc]\ncount = {adcs}\ncycles = {ta}\nlatency = {latency}\nbits = 8"
        );
        tiles.push((format!("random{}", tiles.len()), toml));
    }
    tiles
}

/// The cycles per MVM that `info`, the manifest and the hand-off README state
/// (`TileParams::stream_cycles`) are what a host measures on a back-to-back stream, spacing by
/// spacing, on tiles where the banks set the pace (and on the default preset; the other presets
/// in `cycles_per_mvm_follow_the_formula_and_keep_the_adcs_busy`). Icarus: no model to build.
#[test]
fn icarus_streams_at_the_stated_cycles_per_mvm() {
    let tiles = std::iter::once(("default".to_string(), String::new())).chain(near_ties());
    for (name, toml) in tiles {
        let config = TileConfig::layered(None, &toml).unwrap_or_else(|e| panic!("{name}: {e}"));
        let p = config.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        let case = random_case(&p, 8, 5);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("W.csv"), weights_csv(&case.weights)).unwrap();
        std::fs::write(dir.path().join("X.csv"), to_csv(&case.inputs)).unwrap();
        let outputs =
            cimtile_cosim::icarus::run_icarus(&p, dir.path(), case.inputs.len(), false).unwrap();
        let defaults = Case {
            columns: vec![ColumnParams::default(); p.cols()],
            ..case.clone()
        };
        assert_eq!(
            outputs,
            to_csv(expected_outputs(&config, &defaults)),
            "{name}: results"
        );
        let done = cimtile_cosim::icarus::done_cycles(dir.path()).unwrap();
        assert_stated_spacing(&name, &p, &done);
    }
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
    let names: Vec<&str> = wave
        .signals
        .iter()
        .map(|s| s.name.rsplit('.').next().unwrap())
        .collect();
    for port in [
        "clock",
        "reset",
        "prog_valid",
        "prog_ready",
        "prog_column",
        "prog_row",
        "prog_col",
        "prog_level",
        "prog_mult",
        "prog_shift",
        "prog_bias",
        "in_valid",
        "in_ready",
        "in_data",
        "out_valid",
        "out_ready",
        "out_data",
        "out_col",
        "out_last",
        "busy",
        "done",
    ] {
        assert!(
            names.contains(&port),
            "VCD lacks top port {port}: {names:?}"
        );
    }
    let done = names.iter().position(|n| *n == "done").unwrap();
    let rises = wave
        .rows
        .windows(2)
        .filter(|w| w[0].1[done] == "0" && w[1].1[done] == "1")
        .count();
    assert_eq!(rises, 3, "one done pulse per MVM");
}

/// Random configurations for the emulated crossbar: fewer than the behavioral pool (each is one
/// more Verilator build), each at its own adc.cycles.
const EMULATED_POOL: u64 = 3;

fn emulated_config(index: u64) -> TileConfig {
    emulable(&random_config(index)).expect("small random configurations fit the emulation")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 16, ..ProptestConfig::default() })]

    #[test]
    fn emulated_crossbar_equals_the_golden_model(
        index in 0..EMULATED_POOL,
        seed in any::<u64>(),
        mvms in 1usize..6,
        gaps in 0u32..40,
        stalls in 0u32..40,
    ) {
        let config = emulated_config(index);
        let case = random_case(&config.validate().unwrap(), mvms, seed);
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, seed, ..Default::default() };
        let result = compare_with(Crossbar::Emulated, &format!("emulated-pool{index}-seed{seed}"), &config, &case, &stim);
        prop_assert!(result.is_ok(), "{}\nconfig:\n{}", result.unwrap_err(), config.to_toml());
    }

    #[test]
    fn emulated_crossbar_with_programming_while_streaming(
        index in 0..EMULATED_POOL,
        seed in any::<u64>(),
        mvms in 2usize..6,
        attempts in 1u32..10,
    ) {
        let config = emulated_config(index);
        let case = random_case(&config.validate().unwrap(), mvms, seed);
        let stim = Stimulus { input_gap_percent: 20, backpressure_percent: 20, program_attempt_percent: attempts, seed };
        stream_while_programming(&config, Crossbar::Emulated, &case, &stim)?;
    }
}

#[test]
fn emulated_crossbar_agrees_on_the_presets_that_fit() {
    let noisy_v2 = TileConfig::layered(
        None,
        "[analog]\nread_noise = 5\nprogram_error = 3\nseed = 77\ndrift = 4000\ndrift_spread = 2000\nir_drop = 1000000000\n\
         [faults]\nstuck_off_ppm = 50000\nstuck_on_ppm = 30000",
    )
    .unwrap();
    // Every preset here as it is (default: a conversion every cycle), streamed back to back.
    let configs = [
        ("default", preset("default")),
        ("default+noise+v2", noisy_v2),
        ("fpga64", preset("fpga64")),
    ];
    for (name, config) in configs {
        let config = emulable(&config).unwrap();
        let case = random_case(&config.validate().unwrap(), 100, 2025);
        compare_with(
            Crossbar::Emulated,
            &format!("emulated-{name}"),
            &config,
            &case,
            &Stimulus::default(),
        )
        .unwrap();
    }
    let too_wide = preset("isaac").with_key("adc.count", "8").unwrap();
    let err = build_tile_with(&too_wide.validate().unwrap(), Crossbar::Emulated)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("adc.cycles >= 2") && err.contains("not 1"),
        "{err}"
    );
}

/// One row, every column in one phase: the first conversion after programming reads the cell
/// written last, as soon as the host can start an MVM (no column programming in between).
#[test]
fn emulated_crossbar_reads_a_cell_written_just_before_the_mvm() {
    let config = TileConfig::layered(
        None,
        "[array]\nrows = 1\ncols = 1\nrows_per_read = 1\n[weights]\nbits = 3\ncell_bits = 2\n[inputs]\nbits = 1\nsigned = false\n\
         [adc]\ncount = 2\n[analog]\nprogram_error = 2\ndrift = 9000\ndrift_spread = 5000",
    )
    .unwrap();
    let config = emulable(&config).unwrap();
    let p = config.validate().unwrap();
    let mut rtl = load_with(&config, Crossbar::Emulated);
    let defaults = vec![cimtile_tile::data::ColumnParams::default()];
    for w in [3, -2, 1, -3, 0, 2] {
        let weights = Weights {
            rows: 1,
            cols: 1,
            w: vec![w],
        };
        rtl.program_weights(&weights).unwrap();
        let got = rtl
            .stream(&[vec![1]], &Stimulus::default())
            .unwrap()
            .outputs;
        rtl.reset().unwrap();
        let model = TileModel::new(&p, &weights, &defaults).unwrap();
        assert_eq!(got, vec![model.mvm(0, &[1]).out], "weight {w}");
    }
}

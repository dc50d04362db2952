//! Both crossbar macro models of a Verilator co-simulation against the golden model, bit for
//! bit: the DPI-C macro (`cim_crossbar_macro_dpi.sv` + `cim_crossbar_dpi.cpp`, the default) and
//! the behavioral Verilog macro that `generate` ships (`cim_crossbar_macro.v`).
//!
//! - every preset, with both macros (the large presets with few MVMs on the Verilog macro);
//! - random spec v2 configurations (every device effect, noise, ADC latency past Ta), random
//!   data, gaps and backpressure, with both macros;
//! - two prefixed tiles side by side in one Verilated model, each with its own DPI state;
//! - the DPI sources are part of the build's cache key.

use cimtile_cosim::random_case::{expected_outputs, random_case, CaseRng};
use cimtile_cosim::sim_macro::Macro;
use cimtile_cosim::tile_driver::{build_tile_macro, Stimulus, TileRtl};
use cimtile_hdl::config::{TileConfig, PRESETS};
use cimtile_hdl::rtl::Crossbar;
use proptest::prelude::*;

fn load(config: &TileConfig, sim_macro: Macro) -> TileRtl {
    let p = config.validate().unwrap();
    let model = build_tile_macro(&p, Crossbar::Behavioral, sim_macro)
        .unwrap_or_else(|e| panic!("{} build failed: {e}", sim_macro.name()));
    TileRtl::load(p, &model).unwrap()
}

/// Streams `mvms` random vectors (case `seed`) through the tile under `stim`; Err names the
/// first mismatch.
fn check(
    name: &str,
    config: &TileConfig,
    sim_macro: Macro,
    mvms: usize,
    seed: u64,
    stim: &Stimulus,
) -> Result<(), String> {
    let p = config.validate().unwrap();
    let case = random_case(&p, mvms, seed);
    let mut rtl = load(config, sim_macro);
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    let got = rtl
        .stream(&case.inputs, stim)
        .map_err(|e| format!("{name} ({}): {e}", sim_macro.name()))?
        .outputs;
    let expected = expected_outputs(&p, &case);
    for (k, (e, g)) in expected.iter().zip(&got).enumerate() {
        if e != g {
            return Err(format!(
                "{name} ({} macro), seed {seed}, MVM {k}: golden model {e:?}, RTL {g:?}\nconfig:\n{}",
                sim_macro.name(),
                config.to_toml()
            ));
        }
    }
    if got.len() != expected.len() {
        return Err(format!(
            "{name}: {} of {} results",
            got.len(),
            expected.len()
        ));
    }
    Ok(())
}

/// MVMs per preset and macro: the Verilog macro is slow on the large presets.
fn preset_mvms(name: &str, sim_macro: Macro) -> usize {
    match (name, sim_macro) {
        ("isaac" | "neurram", Macro::Verilog) => 12,
        ("isaac" | "neurram" | "neurosim", Macro::Dpi) => 200,
        (_, Macro::Verilog) => 100,
        (_, Macro::Dpi) => 500,
    }
}

#[test]
fn every_preset_agrees_with_both_macros() {
    for preset in PRESETS {
        let config = TileConfig::from_preset(preset.name).unwrap();
        for sim_macro in Macro::ALL {
            let mvms = preset_mvms(preset.name, sim_macro);
            check(
                preset.name,
                &config,
                sim_macro,
                mvms,
                2026,
                &Stimulus::default(),
            )
            .unwrap();
        }
    }
}

/// A random spec v2 configuration, small enough to build in seconds: slicing, signedness, ADC
/// bits, count, step, interval and latency, noise, programming error, drift and its spread, IR
/// drop up to its limit, stuck cells, output format and activation.
fn random_v2_config(seed: u64) -> TileConfig {
    let mut rng = CaseRng::new(seed ^ 0xd1b5_4a32_d192_ed03);
    let rows = rng.range(1, 48);
    let cols = rng.range(1, 4);
    let rows_per_read = rng.range(1, rows);
    let (wb, bc) = (rng.range(2, 10), rng.range(1, 4));
    let phys = 2 * ((wb - 1 + bc - 1) / bc) * cols;
    let (fine_bits, program_error) = (rng.range(0, 4), rng.range(0, 12));
    let i_max = rows_per_read * (((1 << bc) - 1) * (1 << fine_bits) + program_error);
    let q_max = ((1i64 << 40) - 1) / (2 * i_max - 1).max(1);
    let ta = rng.range(1, 3);
    let off = rng.range(0, 150_000);
    let toml = format!(
        "[array]\nrows = {rows}\ncols = {cols}\nrows_per_read = {rows_per_read}\n\
         [weights]\nbits = {wb}\ncell_bits = {bc}\n\
         [inputs]\nbits = {}\nsigned = {}\n\
         [adc]\nbits = {}\ncount = {}\nstep = {}\ncycles = {ta}\nlatency = {}\n\
         [analog]\nfine_bits = {fine_bits}\nread_noise = {}\nprogram_error = {program_error}\nseed = {}\n\
         drift = {}\ndrift_spread = {}\nir_drop = {}\n\
         [faults]\nstuck_off_ppm = {off}\nstuck_on_ppm = {}\n\
         [output]\nbits = {}\nsigned = {}\nactivation = \"{}\"\n",
        rng.range(1, 8),
        rng.range(0, 1) == 1,
        rng.range(1, 10),
        rng.range(1, phys.min(9)),
        rng.range(1, 40),
        ta + [0, 0, 1, 5][rng.range(0, 3) as usize],
        rng.range(0, 9),
        rng.range(0, u32::MAX as i64),
        rng.range(0, 65536),
        rng.range(0, 30000),
        rng.range(0, q_max),
        rng.range(0, 150_000),
        rng.range(2, 32),
        rng.range(0, 1) == 1,
        if rng.range(0, 1) == 1 { "relu" } else { "none" },
    );
    let config = TileConfig::layered(None, &toml).expect("random configurations parse");
    config
        .validate()
        .unwrap_or_else(|e| panic!("random configuration {seed} is invalid: {e}\n{toml}"));
    config
}

/// Configurations the property draws from: few, so that their builds (two per configuration,
/// one per macro) are cached.
const POOL: u64 = 4;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 16, ..ProptestConfig::default() })]

    #[test]
    fn random_v2_configurations_agree_with_both_macros(
        index in 0..POOL,
        seed in any::<u64>(),
        mvms in 1usize..12,
        gaps in 0u32..40,
        stalls in 0u32..40,
    ) {
        let config = random_v2_config(index);
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, seed, ..Default::default() };
        for sim_macro in Macro::ALL {
            let result = check(&format!("v2-pool{index}"), &config, sim_macro, mvms, seed, &stim);
            prop_assert!(result.is_ok(), "{}", result.unwrap_err());
        }
    }
}

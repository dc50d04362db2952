//! Both crossbar macro models of a Verilator co-simulation against the golden model, bit for
//! bit: the DPI-C macro (`cim_crossbar_macro_dpi.sv` + `cim_crossbar_dpi.cpp`, the default) and
//! the behavioral Verilog macro that `generate` ships (`cim_crossbar_macro.v`).
//!
//! - every preset, with both macros (the large presets with few MVMs on the Verilog macro);
//! - random spec v2 configurations (every device effect, noise, ADC latency past Ta), random
//!   data, gaps and backpressure, with both macros;
//! - two macros of different parameters side by side in one Verilated model, each as the DPI
//!   and as the Verilog macro, equal cycle by cycle under random programming, conversions and
//!   resets (each DPI instance has its own state).

use cimtile_cosim::sim_macro::Macro;
use cimtile_cosim::tile_driver::{build_tile_macro, Stimulus, TileRtl};
use cimtile_hdl::Crossbar;
use cimtile_tile::config::{TileConfig, PRESETS};
use cimtile_tile::random_case::{expected_outputs, random_case, CaseRng};
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
    rng.config_with_transfer(&toml)
        .unwrap_or_else(|e| panic!("random configuration {seed} is invalid: {e}\n{toml}"))
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

/// Two tiles' macros of different parameters side by side in one Verilated model, each as the
/// DPI macro and as the Verilog macro, driven with the same random programming, conversions
/// and resets: on every cycle each DPI instance's codes and code_valid are its Verilog twin's
/// (each DPI instance keeps its own cells; codes wider than a word; addresses out of range;
/// pipelined conversions).
#[test]
fn dpi_instances_side_by_side_match_the_verilog_macro_cycle_by_cycle() {
    use cimtile_cosim::simulator::Simulator;
    use cimtile_cosim::verilator_build::{build_with_sources, CppSource};
    use cimtile_hdl::dpi;

    let generated = cimtile_hdl::generate(&TileConfig::default().validate().unwrap());
    let verilog_macro = &generated
        .files
        .iter()
        .find(|f| f.name == "cim_crossbar_macro.v")
        .unwrap()
        .text;
    let renamed = |text: &str, prefix: &str| {
        text.replace(
            "module cim_crossbar_macro",
            &format!("module {prefix}cim_crossbar_macro"),
        )
    };
    // Tile a: 20 rows, 24 columns, 5 ADCs of 6 bits, latency 3, every device effect.
    // Tile b: 13 rows, 40 columns, 7 ADCs of 9 bits (63-bit codes), latency 1, other seed.
    let params = [
        "ROWS(20), .PHYS_COLS(24), .ROWS_PER_READ(8), .ADCS(5), .ADC_BITS(6), .ADC_STEP(3), \
         .ADC_CYCLES(1), .ADC_LATENCY(3), .CELL_BITS(2), .FINE_BITS(2), .READ_NOISE(4), \
         .PROGRAM_ERROR(3), .SEED(7), .DRIFT(3000), .DRIFT_SPREAD(2000), .IR_DROP(100000000), \
         .STUCK_OFF_PPM(50000), .STUCK_ON_PPM(30000)",
        "ROWS(13), .PHYS_COLS(40), .ROWS_PER_READ(8), .ADCS(7), .ADC_BITS(9), .ADC_STEP(1), \
         .ADC_CYCLES(1), .ADC_LATENCY(1), .CELL_BITS(2), .FINE_BITS(3), .READ_NOISE(9), \
         .PROGRAM_ERROR(5), .SEED(32'hdeadbeef), .DRIFT(500), .DRIFT_SPREAD(9000), .IR_DROP(0), \
         .STUCK_OFF_PPM(20000), .STUCK_ON_PPM(0)",
    ];
    let widths = ["29:0", "62:0"];
    let mut top = String::from(
        "module pair_top (input wire clock, input wire reset, input wire prog_en,\n\
         input wire [5:0] prog_row, input wire [5:0] prog_col, input wire [1:0] prog_level,\n\
         input wire conv_start, input wire [7:0] row_drive, input wire [2:0] conv_group,\n\
         input wire [3:0] conv_phase, input wire [31:0] sim_mvm, input wire [2:0] sim_bit,\n",
    );
    for (i, w) in widths.iter().enumerate() {
        for kind in ["d", "v"] {
            top += &format!(
                "output wire {kind}{i}_valid, output wire [{w}] {kind}{i}_codes{}\n",
                if i == 1 && kind == "v" { "" } else { "," }
            );
        }
    }
    top += ");\n";
    for (i, p) in params.iter().enumerate() {
        for kind in ["d", "v"] {
            top += &format!(
                "{kind}_cim_crossbar_macro #(.{p}, .ROW_BITS(6), .COL_BITS(6), .GROUP_BITS(3), \
                 .PHASE_BITS(4), .BIT_BITS(3)) {kind}{i} (.clock(clock), .reset(reset), \
                 .prog_en(prog_en), .prog_row(prog_row), .prog_col(prog_col), \
                 .prog_level(prog_level), .conv_start(conv_start), .row_drive(row_drive), \
                 .conv_group(conv_group), .conv_phase(conv_phase), .sim_mvm(sim_mvm), \
                 .sim_bit(sim_bit), .code_valid({kind}{i}_valid), .codes({kind}{i}_codes));\n"
            );
        }
    }
    top += "endmodule\n";
    let verilog = renamed(dpi::MACRO_SV, "d_") + &renamed(verilog_macro, "v_") + &top;
    let model = build_with_sources(
        &verilog,
        "pair_top",
        &[],
        &[CppSource {
            name: dpi::CPP_FILE,
            text: dpi::MACRO_CPP,
        }],
    )
    .unwrap();
    let mut sim = Simulator::load(&model).unwrap();
    let port = |sim: &Simulator, name: &str| sim.port(name).unwrap();
    let inputs: Vec<(cimtile_cosim::simulator::PortId, u32)> = [
        ("prog_row", 6),
        ("prog_col", 6),
        ("prog_level", 2),
        ("row_drive", 8),
        ("conv_group", 3),
        ("conv_phase", 4),
        ("sim_mvm", 32),
        ("sim_bit", 3),
    ]
    .iter()
    .map(|&(name, bits)| (port(&sim, name), bits))
    .collect();
    let (reset, prog_en, conv_start) = (
        port(&sim, "reset"),
        port(&sim, "prog_en"),
        port(&sim, "conv_start"),
    );
    let outputs: Vec<_> = ["0_valid", "0_codes", "1_valid", "1_codes"]
        .iter()
        .map(|o| (port(&sim, &format!("d{o}")), port(&sim, &format!("v{o}"))))
        .collect();
    let mut rng = CaseRng::new(34);
    let (mut valid_codes, mut programmed) = (0, 0);
    for cycle in 0..4000 {
        for &(p, bits) in &inputs {
            sim.set(p, rng.next_u64() & ((1u64 << bits) - 1));
        }
        sim.set(reset, (rng.range(0, 99) < 2) as u64);
        let program = rng.range(0, 99) < 30;
        programmed += program as usize;
        sim.set(prog_en, program as u64);
        sim.set(conv_start, (rng.range(0, 99) < 50) as u64);
        sim.cycle();
        for (i, &(d, v)) in outputs.iter().enumerate() {
            assert_eq!(
                sim.get(d),
                sim.get(v),
                "cycle {cycle}: output {i} of the DPI macro differs from the Verilog macro's"
            );
        }
        valid_codes += (sim.get(outputs[0].0) == 1 && sim.get(outputs[1].0) != 0) as usize;
    }
    assert!(
        programmed > 1000 && valid_codes > 500,
        "{programmed} {valid_codes}"
    );
}

//! Trends that physics fixes, whatever the constants: no figure is pinned.

use super::*;
use crate::config::TileConfig;
use crate::golden::prng::mix;

/// Uniform weights and inputs over their ranges, from `seed`.
fn workload_data(p: &TileParams, vectors: usize, seed: u32) -> (Weights, Vec<Vec<i32>>) {
    let mut state = seed;
    let mut next = |lo: i64, hi: i64| {
        state = mix(state.wrapping_add(0x9e37_79b9));
        lo + (state as i64).rem_euclid(hi - lo + 1)
    };
    let wmax = p.weight_max();
    let w = (0..p.rows * p.cols)
        .map(|_| next(-wmax, wmax) as i32)
        .collect();
    let (lo, hi) = p.input_range();
    let inputs = (0..vectors)
        .map(|_| (0..p.rows).map(|_| next(lo, hi) as i32).collect())
        .collect();
    (
        Weights {
            rows: p.rows,
            cols: p.cols,
            w,
        },
        inputs,
    )
}

fn digital() -> DigitalArea {
    let blocks = BLOCKS
        .iter()
        .map(|(block, _)| {
            (
                block.to_string(),
                BlockCells {
                    area_um2: 10_000.0,
                    cells: 500,
                },
            )
        })
        .collect();
    DigitalArea {
        source: "test".into(),
        node_nm: constants::LIBRARY_NODE_NM.value,
        blocks,
        power: None,
    }
}

fn report_of(preset: Option<&str>, overlay: &str) -> PpaReport {
    let config = TileConfig::layered(preset, overlay).unwrap();
    let p = config.validate().unwrap();
    let (weights, inputs) = workload_data(&p, 8, 7);
    let workload = Workload {
        weights: &weights,
        inputs: &inputs,
        description: "test".into(),
        activity: None,
    };
    estimate(&p, Some(&digital()), &workload).unwrap()
}

fn report(overlay: &str) -> PpaReport {
    report_of(None, overlay)
}

#[test]
fn more_adc_bits_cost_energy_and_area() {
    let (low, high) = (report("[adc]\nbits = 4"), report("[adc]\nbits = 8"));
    assert!(high.energy_pj["adc"] > low.energy_pj["adc"]);
    assert!(high.area_mm2_by_block["adcs"] > low.area_mm2_by_block["adcs"]);
    assert!(high.tops_per_w < low.tops_per_w);
}

#[test]
fn conversion_energy_grows_with_bits_on_both_asymptotes() {
    let tech = TileConfig::default().tech;
    let energies: Vec<f64> = (1..=16).map(|b| adc_energy_pj(b, &tech)).collect();
    assert!(energies.windows(2).all(|w| w[1] > w[0]), "{energies:?}");
    // Above ~12 bits thermal noise rules: 4x per bit, not 2x.
    assert!(energies[15] / energies[14] > 3.0, "{energies:?}");
    assert!(energies[4] / energies[3] < 2.5, "{energies:?}");
}

#[test]
fn an_8_bit_adc_tile_costs_clearly_more_than_a_4_bit_one_for_every_kind() {
    for kind in crate::config::AdcKind::NAMES {
        let price = |bits: u32| report(&format!("[adc]\nbits = {bits}\nkind = \"{kind}\""));
        let (low, high) = (price(4), price(8));
        assert_eq!(low.adc_kind.name(), *kind);
        // Twice the conversion steps at least (the integrating neuron's, linear in bits).
        assert!(
            high.energy_pj["adc"] > 1.5 * low.energy_pj["adc"],
            "{kind}: {} vs {} pJ",
            high.energy_pj["adc"],
            low.energy_pj["adc"]
        );
        assert!(high.energy_pj_per_mvm > low.energy_pj_per_mvm, "{kind}");
        assert!(high.tops_per_w < low.tops_per_w, "{kind}");
        assert!(
            high.area_mm2_by_block["adcs"] >= low.area_mm2_by_block["adcs"],
            "{kind}"
        );
        assert!(
            high.constants.keys().any(|k| k.starts_with("tech.")),
            "{kind}"
        );
    }
}

#[test]
fn the_kind_changes_the_price_and_nothing_else() {
    let sar = report("[adc]\nbits = 6");
    for kind in ["sense_amp", "integrating"] {
        let other = report(&format!("[adc]\nbits = 6\nkind = \"{kind}\""));
        assert_ne!(
            other.adc_energy_pj_per_conversion,
            sar.adc_energy_pj_per_conversion
        );
        assert_ne!(other.adc_area_mm2_each, sar.adc_area_mm2_each);
        assert!(other.adc_source != sar.adc_source && !other.adc_source.is_empty());
        assert_eq!(other.cycles_per_mvm, sar.cycles_per_mvm);
        assert!(
            other.constants.len() > sar.constants.len(),
            "{kind} lists its constants"
        );
    }
}

#[test]
fn more_adcs_cost_area_and_buy_throughput() {
    let (one, four) = (report("[adc]\ncount = 1"), report("[adc]\ncount = 4"));
    assert!(four.area_mm2 > one.area_mm2);
    assert!(four.mvm_per_s > one.mvm_per_s);
    assert_eq!(four.conversions_per_mvm, one.conversions_per_mvm);
}

#[test]
fn more_rows_per_read_mean_fewer_conversions() {
    let (few, many) = (
        report("[array]\nrows_per_read = 2"),
        report("[array]\nrows_per_read = 8"),
    );
    assert!(many.conversions_per_mvm < few.conversions_per_mvm);
    assert!(many.energy_pj["adc"] < few.energy_pj["adc"]);
}

#[test]
fn slower_conversions_lower_throughput() {
    let (fast, slow) = (report("[adc]\ncycles = 1"), report("[adc]\ncycles = 4"));
    assert!(slow.mvm_per_s < fast.mvm_per_s);
    assert!(slow.tops < fast.tops);
}

#[test]
fn a_sense_amp_takes_the_read_current_and_leaves_the_array_its_word_lines() {
    let sar = report("[adc]\nbits = 6");
    let integrating = report("[adc]\nbits = 6\nkind = \"integrating\"");
    assert_eq!(integrating.energy_pj["crossbar"], sar.energy_pj["crossbar"]);
    let amp = |extra: &str| report(&format!("[adc]\nbits = 6\nkind = \"sense_amp\"\n{extra}"));
    let base = amp("");
    assert!(base.energy_pj["crossbar"] > 0.0);
    assert!(base.energy_pj["crossbar"] < sar.energy_pj["crossbar"] / 10.0);
    // The current is the sense amplifier's: the array's term ignores the conductance and the
    // pulse, and follows the supply the word lines swing to.
    let at = |tech: &str| amp(&format!("[tech]\n{tech}")).energy_pj["crossbar"];
    assert_eq!(at("g_on_us = 500.0"), base.energy_pj["crossbar"]);
    assert_eq!(at("read_ns = 50.0"), base.energy_pj["crossbar"]);
    assert!(at("vdd_v = 1.0") < base.energy_pj["crossbar"]);
    assert_ne!(
        amp("[tech]\ng_on_us = 500.0").energy_pj["adc"],
        base.energy_pj["adc"]
    );
}

#[test]
fn crossbar_energy_follows_voltage_conductance_and_time() {
    let base = report("");
    assert!(report("[tech]\nread_v = 1.0").energy_pj["crossbar"] > base.energy_pj["crossbar"]);
    assert!(report("[tech]\nread_ns = 50.0").energy_pj["crossbar"] > base.energy_pj["crossbar"]);
    assert!(report("[tech]\ng_on_us = 500.0").energy_pj["crossbar"] > base.energy_pj["crossbar"]);
}

#[test]
fn a_smaller_node_shrinks_area_and_digital_energy() {
    let (big, small) = (
        report("[tech]\nnode_nm = 180.0"),
        report("[tech]\nnode_nm = 28.0"),
    );
    assert!(small.area_mm2 < big.area_mm2);
    assert!(small.energy_pj["digital_logic"] < big.energy_pj["digital_logic"]);
}

#[test]
fn every_preset_gives_finite_positive_figures() {
    for preset in crate::config::PRESETS {
        let r = report_of(Some(preset.name), "");
        for (what, v) in [
            ("area", r.area_mm2),
            ("mvm/s", r.mvm_per_s),
            ("tops", r.tops),
            ("energy", r.energy_pj_per_mvm),
            ("tops/w", r.tops_per_w),
            ("tops/mm2", r.tops_per_mm2),
        ] {
            assert!(v.is_finite() && v > 0.0, "{}: {what} = {v}", preset.name);
        }
        let parts: f64 = r.energy_pj.values().sum();
        assert!(
            (parts - r.energy_pj_per_mvm).abs() <= 1e-9 * parts,
            "{}",
            preset.name
        );
    }
}

#[test]
fn without_synthesis_the_digital_periphery_is_left_out() {
    let config = TileConfig::default();
    let p = config.validate().unwrap();
    let (weights, inputs) = workload_data(&p, 4, 1);
    let workload = Workload {
        weights: &weights,
        inputs: &inputs,
        description: "test".into(),
        activity: None,
    };
    let without = estimate(&p, None, &workload).unwrap();
    let with = estimate(&p, Some(&digital()), &workload).unwrap();
    assert!(with.area_mm2 > without.area_mm2);
    assert!(with.energy_pj_per_mvm > without.energy_pj_per_mvm);
    assert!(!without.energy_pj.contains_key("digital_logic"));
}

#[test]
fn measured_activity_replaces_the_constant_per_block() {
    let p = TileConfig::default().validate().unwrap();
    let (weights, inputs) = workload_data(&p, 4, 1);
    let price = |activity: Option<&MeasuredActivity>| {
        estimate(
            &p,
            Some(&digital()),
            &Workload {
                weights: &weights,
                inputs: &inputs,
                description: "test".into(),
                activity,
            },
        )
        .unwrap()
    };
    let constant = price(None);
    assert_eq!(
        (
            constant.activity_by_block.as_ref(),
            constant.activity_source.as_ref()
        ),
        (None, None)
    );
    // Every block at twice the constant but the controller, which is not measured.
    let doubled: BTreeMap<String, f64> = BLOCKS
        .iter()
        .filter(|(b, _)| *b != "controller")
        .map(|(b, _)| (b.to_string(), 2.0 * p.config().tech.activity))
        .collect();
    let measured = MeasuredActivity {
        by_block: doubled,
        source: "test".into(),
    };
    let r = price(Some(&measured));
    let by_block = r.activity_by_block.as_ref().unwrap();
    assert_eq!(by_block["controller"], p.config().tech.activity);
    assert!(r
        .activity_source
        .as_ref()
        .unwrap()
        .ends_with("not measured, at tech.activity: controller"));
    assert_eq!(by_block["shift_add_lanes"], 2.0 * p.config().tech.activity);
    // Equal cells per block in `digital()`: 8 blocks doubled, 1 kept.
    let ratio = r.energy_pj["digital_logic"] / constant.energy_pj["digital_logic"];
    let logic_blocks = BLOCKS
        .iter()
        .filter(|(b, _)| !BUFFER_BLOCKS.contains(b))
        .count() as f64;
    assert!(
        (ratio - (2.0 * logic_blocks - 1.0) / logic_blocks).abs() < 1e-12,
        "{ratio}"
    );
    assert_eq!(r.energy_pj["buffers"], 2.0 * constant.energy_pj["buffers"]);
    assert_eq!(r.energy_pj["adc"], constant.energy_pj["adc"]);
}

#[test]
fn bad_tech_values_are_errors_naming_the_key() {
    let config = TileConfig::layered(None, "[tech]\nclock_mhz = 0.0").unwrap();
    let err = config.validate().unwrap_err();
    assert!(err.to_string().contains("tech.clock_mhz"), "{err}");
}

#[test]
fn module_names_map_to_blocks() {
    assert_eq!(block_of_module("cim_tile_controller"), Some("controller"));
    assert_eq!(
        block_of_module("acme_cim_activation_unit"),
        Some("activation_unit")
    );
    assert_eq!(
        block_of_module("cim_tile$activation"),
        Some("activation_unit")
    );
    assert_eq!(block_of_module("cim_input_buffer"), Some("input_buffer"));
    assert_eq!(block_of_module("cim_output_buffer"), Some("output_buffer"));
    assert_eq!(block_of_module("cim_stream_fifo"), Some("stream_fifos"));
    // Registers inside a block, the top and the macro belong to whoever instantiates them.
    assert_eq!(block_of_module("cim_tile$activation$s1_col"), None);
    assert_eq!(block_of_module("cim_tile"), None);
    assert_eq!(block_of_module(CROSSBAR_MODULE), None);
}

#[test]
fn published_figures_compare_like_with_like() {
    let isaac = report_of(Some("isaac"), "");
    for figure in published("isaac") {
        let ours = (figure.ours)(&isaac);
        assert!(ours > 0.0 && ours < 100.0, "{}: {ours}", figure.what);
    }
    assert!(published("default").is_empty());
}

#[test]
fn a_priced_netlist_sets_the_digital_energy_its_split_and_its_node_scaling() {
    let config = TileConfig::layered(Some("default"), "").unwrap();
    let p = config.validate().unwrap();
    let (weights, inputs) = workload_data(&p, 8, 7);
    let workload = Workload {
        weights: &weights,
        inputs: &inputs,
        description: "test".into(),
        activity: None,
    };
    let split = PowerSplit {
        internal_mw: 2.0,
        switching_mw: 1.0,
        leakage_mw: 0.5,
    };
    let mut digital = digital();
    let mut power = DigitalPower {
        library: LibraryFigures {
            name: "osu018".into(),
            node_nm: 180.0,
            voltage_v: 1.8,
            liberty: "test.lib".into(),
        },
        clock_mhz: p.config().tech.clock_mhz,
        activity: "uniform 0.1".into(),
        total: split,
        by_block: digital.blocks.keys().map(|b| (b.clone(), split)).collect(),
        cells: 1,
    };
    power.total = split.scaled(digital.blocks.len() as f64);
    digital.power = Some(power);
    let r = estimate(&p, Some(&digital), &workload).unwrap();
    // At the library's own node: the power engine's mW times the MVM's time, nothing scaled.
    let mvm_s = p.expected_cycles_per_mvm() / (p.config().tech.clock_mhz * 1e6);
    let total_mw = 3.5 * digital.blocks.len() as f64;
    let digital_pj = r.energy_pj["digital_logic"] + r.energy_pj["buffers"];
    assert!((digital_pj - total_mw * 1e-3 * mvm_s * 1e12).abs() < 1e-6 * digital_pj);
    assert!((r.digital_power_mw.unwrap() - total_mw).abs() < 1e-9);
    let by_block: f64 = r.digital_power_mw_by_block.as_ref().unwrap().values().sum();
    assert!(
        (by_block - total_mw).abs() < 1e-9,
        "{by_block} vs {total_mw}"
    );
    let split_pj = r.digital_energy_split_pj.as_ref().unwrap();
    assert!((split_pj.values().sum::<f64>() - digital_pj).abs() < 1e-6 * digital_pj);
    assert!(r.node_scaling.as_ref().unwrap().starts_with("none"));
    assert_eq!(r.library.as_ref().unwrap().name, "osu018");

    // At 45 nm the same netlist's energy shrinks by Stillmaker and Baas's factor.
    let small = TileConfig::layered(Some("default"), "[tech]\nnode_nm = 45.0\n")
        .unwrap()
        .validate()
        .unwrap();
    let r45 = estimate(&small, Some(&digital), &workload).unwrap();
    let ratio = r45.digital_power_mw.unwrap() / r.digital_power_mw.unwrap();
    assert!((ratio - constants::energy_scale(180.0, 45.0)).abs() < 1e-9);
    assert!(r45.node_scaling.as_ref().unwrap().contains("Stillmaker"));
}

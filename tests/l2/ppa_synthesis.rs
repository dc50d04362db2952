//! `cimtile ppa` with the digital periphery measured: a real synthesis of the default preset (the
//! only one, for CI's time) and its activity measured in Verilator.

use crate::common::*;

#[test]
fn default_preset_is_synthesized_per_block_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let env = [("CIMTILE_CACHE_DIR", cache.as_path())];
    let out = ppa(
        &["--preset", "default", "--json", "R.json"],
        dir.path(),
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&dir.path().join("R.json"));
    for key in [
        "area_mm2",
        "mvm_per_s",
        "tops",
        "energy_pj_per_mvm",
        "tops_per_w",
        "tops_per_mm2",
    ] {
        assert!(
            report[key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {}",
            report[key]
        );
    }
    let blocks = report["area_mm2_by_block"].as_object().unwrap();
    for block in [
        "controller",
        "adc_scheduler",
        "input_buffer",
        "shift_add_lanes",
        "column_combiner",
        "activation_unit",
        "crossbar",
        "adcs",
    ] {
        assert!(
            blocks[block].as_f64().unwrap() > 0.0,
            "{block} has no area: {blocks:?}"
        );
    }
    let energy = report["energy_pj"].as_object().unwrap();
    for part in [
        "adc",
        "crossbar",
        "input_drivers",
        "digital_logic",
        "buffers",
    ] {
        assert!(energy[part].as_f64().unwrap() > 0.0, "{part}: {energy:?}");
    }
    for (name, constant) in report["constants"].as_object().unwrap() {
        assert!(
            constant["value"].is_number() && constant["unit"].is_string(),
            "{name}"
        );
        assert!(
            !constant["source"].as_str().unwrap().is_empty(),
            "{name} has no source"
        );
    }
    assert!(report["digital_source"]
        .as_str()
        .unwrap()
        .starts_with("Yosys"));
    // The second run takes the synthesis from the cache and gives the same figures.
    let out = ppa(
        &["--preset", "default", "--json", "again.json"],
        dir.path(),
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&dir.path().join("again.json")), report);
    assert_eq!(
        std::fs::read_dir(cache.join("synthesis")).unwrap().count(),
        1
    );
}

fn digital_pj(report: &serde_json::Value) -> f64 {
    report["energy_pj"]["digital_logic"].as_f64().unwrap()
        + report["energy_pj"]["buffers"].as_f64().unwrap()
}

#[test]
fn measured_activity_prices_each_block() {
    if !have_tools(&["verilator"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], json_name: &str| {
        let out = ppa(&[args, &["--json", json_name]].concat(), dir.path(), &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        (stdout(&out), json(&dir.path().join(json_name)))
    };
    let (_, constant) = run(&["--preset", "default"], "constant.json");
    let (text, measured) = run(
        &["--preset", "default", "--measure-activity"],
        "measured.json",
    );
    assert!(
        constant.get("activity_by_block").is_none() && constant.get("activity_source").is_none(),
        "{constant}"
    );
    let source = measured["activity_source"].as_str().unwrap();
    assert!(
        source.starts_with("measured: Verilator") && !source.contains("not measured"),
        "{source}"
    );
    assert!(
        text.contains("digital activity (toggles per cell and cycle): activation_unit"),
        "{text}"
    );
    // Every synthesized block is measured, and a quiet one would be 0, not NaN (JSON null).
    let activity = measured["activity_by_block"].as_object().unwrap();
    let blocks = measured["area_mm2_by_block"].as_object().unwrap();
    for block in [
        "controller",
        "adc_scheduler",
        "input_buffer",
        "shift_add_lanes",
        "column_combiner",
        "column_params",
        "activation_unit",
        "stream_fifos",
    ] {
        assert!(blocks.contains_key(block), "{block}");
        let a = activity[block]
            .as_f64()
            .unwrap_or_else(|| panic!("{block}: {}", activity[block]));
        assert!(a > 0.0 && a <= 1.0, "{block}: {a}");
    }
    // The digital energy is the constant's scaled by a mean of the blocks' measured rates over
    // 0.15; nothing else moves.
    let rates: Vec<f64> = activity
        .values()
        .map(|a| a.as_f64().unwrap() / 0.15)
        .collect();
    let ratio = digital_pj(&measured) / digital_pj(&constant);
    let (low, high) = rates
        .iter()
        .fold((f64::MAX, 0f64), |(l, h), r| (l.min(*r), h.max(*r)));
    assert!(
        ratio > low && ratio < high && (ratio - 1.0).abs() > 0.01,
        "{ratio} not within {low}..{high}"
    );
    for key in ["adc", "crossbar", "input_drivers"] {
        assert_eq!(
            measured["energy_pj"][key], constant["energy_pj"][key],
            "{key}"
        );
    }
    assert_eq!(measured["area_mm2"], constant["area_mm2"]);
    // The measurement, not tech.activity, prices the blocks: doubling the constant changes nothing.
    write(dir.path(), "tile.toml", "[tech]\nactivity = 0.3\n");
    let (_, doubled) = run(
        &["--config", "tile.toml", "--measure-activity"],
        "doubled.json",
    );
    assert_eq!(doubled["activity_by_block"], measured["activity_by_block"]);
    assert_eq!(digital_pj(&doubled), digital_pj(&measured));
}

/// docs/ppa.md's synthesized figures of the default tile (area, energy per MVM, TOPS/W) are what
/// `cimtile ppa --preset default` gives today: the big presets' syntheses take minutes, so their
/// columns are checked by hand (the doc names the command and the date).
#[test]
fn the_documented_figures_of_the_synthesized_default_tile_are_the_commands() {
    let table =
        crate::common::figures::doc_table("docs/ppa.md", "## Against the published figures");
    let dir = tempfile::tempdir().unwrap();
    let out = ppa(
        &["--preset", "default", "--json", "r.json"],
        dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json(&dir.path().join("r.json"));
    for (row, key) in [
        ("area, mm^2", "area_mm2"),
        ("energy per MVM, pJ", "energy_pj_per_mvm"),
        ("TOPS/W", "tops_per_w"),
    ] {
        crate::common::figures::assert_figure(
            &format!("default: {row}"),
            table.cell(row, "default"),
            r[key].as_f64().unwrap(),
        );
    }
}

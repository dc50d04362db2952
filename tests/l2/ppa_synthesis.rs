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
fn the_netlist_is_priced_at_measured_or_uniform_activity() {
    if !have_tools(&["verilator", "yosys"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], json_name: &str| {
        let out = ppa(&[args, &["--json", json_name]].concat(), dir.path(), &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        (stdout(&out), json(&dir.path().join(json_name)))
    };
    let (text, measured) = run(&["--preset", "default"], "measured.json");
    let (_, uniform) = run(
        &["--preset", "default", "--activity", "0.15"],
        "uniform.json",
    );
    let source = measured["activity_source"].as_str().unwrap();
    assert!(
        source.starts_with("measured: the toggles of")
            && source.contains("keep an RTL signal's name"),
        "{source}"
    );
    assert!(
        uniform["activity_source"]
            .as_str()
            .unwrap()
            .starts_with("uniform: 0.15"),
        "{uniform}"
    );
    assert!(
        text.contains("digital power: ") && text.contains("node scaling: none"),
        "{text}"
    );
    for r in [&measured, &uniform] {
        assert_eq!(r["library"]["name"], "osu018");
        assert!(r["library"]["liberty"].as_str().unwrap().ends_with(".lib"));
        // The split is the digital energy, and the power is that energy at the MVM rate.
        let split: f64 = ["internal", "switching", "leakage"]
            .iter()
            .map(|k| r["digital_energy_split_pj"][k].as_f64().unwrap())
            .sum();
        assert!(
            (split - digital_pj(r)).abs() < 1e-6 * split,
            "{split} vs {}",
            digital_pj(r)
        );
        let mw = r["digital_power_mw"].as_f64().unwrap();
        let from_energy = digital_pj(r) * 1e-12 * r["mvm_per_s"].as_f64().unwrap() * 1e3;
        assert!(
            (mw - from_energy).abs() < 1e-6 * mw,
            "{mw} vs {from_energy}"
        );
    }
    // The activity moves the periphery's energy, nothing else.
    assert_ne!(digital_pj(&measured), digital_pj(&uniform));
    for key in ["adc", "crossbar", "input_drivers"] {
        assert_eq!(
            measured["energy_pj"][key], uniform["energy_pj"][key],
            "{key}"
        );
    }
    assert_eq!(measured["area_mm2"], uniform["area_mm2"]);
    // More activity, more switching and internal power; the clock pins alone are a floor.
    let (_, busy) = run(&["--preset", "default", "--activity", "0.5"], "busy.json");
    let (_, idle) = run(&["--preset", "default", "--activity", "0"], "idle.json");
    let part = |r: &serde_json::Value, k: &str| r["digital_energy_split_pj"][k].as_f64().unwrap();
    assert!(part(&busy, "switching") > part(&uniform, "switching"));
    assert!(part(&uniform, "switching") > part(&idle, "switching"));
    assert!(part(&busy, "internal") > part(&idle, "internal") && part(&idle, "internal") > 0.0);
    // tech.activity is only the fallback: with Verilator the measurement prices the netlist.
    write(dir.path(), "tile.toml", "[tech]\nactivity = 0.3\n");
    let (_, doubled) = run(&["--config", "tile.toml"], "doubled.json");
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

//! `cimtile ppa` from the outside: a real synthesis of the default preset (the only one, for
//! CI's time), its activity measured in Verilator, the model alone on every preset, and its
//! errors.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

fn ppa(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cimtile"));
    command.arg("ppa").args(args).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cimtile runs")
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

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

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

fn digital_pj(report: &serde_json::Value) -> f64 {
    report["energy_pj"]["digital_logic"].as_f64().unwrap()
        + report["energy_pj"]["buffers"].as_f64().unwrap()
}

#[test]
fn measured_activity_prices_each_block() {
    if !on_path("verilator") {
        eprintln!("note: skipping cimtile ppa --measure-activity: verilator not installed (scripts/setup installs it)");
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

#[test]
fn measuring_activity_without_verilator_names_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("bin");
    std::fs::create_dir(&empty).unwrap();
    let out = ppa(
        &["--preset", "default", "--measure-activity"],
        dir.path(),
        &[("PATH", empty.as_path())],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("verilator is not installed (run scripts/setup"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_preset_estimates_without_synthesis() {
    let dir = tempfile::tempdir().unwrap();
    for name in PRESETS {
        let out = ppa(&["--preset", name, "--no-synth"], dir.path(), &[]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("TOPS/W"), "{name}: {}", stdout(&out));
    }
    let out = ppa(&["--preset", "isaac", "--no-synth"], dir.path(), &[]);
    assert!(
        stdout(&out).contains("published ADC share of power: 58 %"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn given_weights_and_inputs_are_the_workload() {
    let dir = tempfile::tempdir().unwrap();
    let ones = vec!["7"; 16].join(",");
    write(dir.path(), "W.csv", &vec!["7,7,7,7"; 16].join("\n"));
    write(dir.path(), "X.csv", &format!("{ones}\n"));
    write(
        dir.path(),
        "Z.csv",
        &format!("{}\n", vec!["0"; 16].join(",")),
    );
    let run = |inputs: &str, json_name: &str| {
        let out = ppa(
            &[
                "--no-synth",
                "--weights",
                "W.csv",
                "--inputs",
                inputs,
                "--json",
                json_name,
            ],
            dir.path(),
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        json(&dir.path().join(json_name))
    };
    let (busy, idle) = (run("X.csv", "busy.json"), run("Z.csv", "idle.json"));
    assert!(busy["energy_pj"]["crossbar"].as_f64().unwrap() > 0.0);
    assert_eq!(idle["energy_pj"]["crossbar"].as_f64().unwrap(), 0.0);
    assert!(busy["workload"].as_str().unwrap().contains("W.csv"));
}

#[test]
fn errors_name_the_key_or_the_missing_library() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tile.toml", "[tech]\nnode_nm = 0.5\n");
    let out = ppa(&["--config", "tile.toml", "--no-synth"], dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tech.node_nm must be in 1..=1000, not 0.5"),
        "{}",
        stderr(&out)
    );

    let missing = dir.path().join("no.lib");
    let out = ppa(&[], dir.path(), &[("CIMTILE_LIBERTY", missing.as_path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("CIMTILE_LIBERTY"), "{}", stderr(&out));
}

#[test]
fn a_sweep_prices_every_point() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "--set",
        "tech.clock_mhz=100,200",
        "--job",
        "ppa",
        "--out",
        "sw",
        "--mvms",
        "4",
        "--jobs",
        "1",
    ];
    let out = cimtile(&args, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(dir.path().join("sw/results.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let column = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    let (clock, tops) = (column("tech.clock_mhz"), column("tops"));
    assert_eq!(rows.len(), 3, "{csv}");
    // Twice the clock, twice the throughput: the same tile and schedule.
    let (slow, fast): (f64, f64) = (
        rows[1][tops].parse().unwrap(),
        rows[2][tops].parse().unwrap(),
    );
    assert_eq!((rows[1][clock], rows[2][clock]), ("100", "200"));
    assert!((fast / slow - 2.0).abs() < 1e-9, "{csv}");
}

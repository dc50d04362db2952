//! `cimtile chip` from the outside: the JSON report's counts and consistency, replication, bad
//! models and requests, and `sweep --job chip`. Tiles are priced without synthesis (--no-synth,
//! --set synth=off) to keep these tests at seconds; tests/ppa.rs covers the synthesis.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// Runs `chip` with `args` in `dir`, expects success and returns the JSON report.
fn chip(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["chip", "--no-synth", "--json", "r.json"];
    all.extend_from_slice(args);
    let out = cimtile(&all, dir);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap()
}

#[test]
fn the_digits_mlp_on_default_tiles_counts_as_its_shapes_give() {
    let dir = tempfile::tempdir().unwrap();
    let r = chip(dir.path(), &["--model", &digits("plain.npz")]);
    // 64-32-10 on 16x4 tiles: ceil(64/16)*ceil(32/4) + ceil(32/16)*ceil(10/4) = 32 + 6.
    assert_eq!(r["tiles"], 38, "{r}");
    assert_eq!(r["mvms_per_inference"], 38);
    assert_eq!(r["macs_per_inference"], 64 * 32 + 32 * 10);
    for key in [
        "latency_us",
        "inferences_per_s",
        "energy_uj_per_inference",
        "area_mm2",
        "tops_per_w",
    ] {
        assert!(r[key].as_f64().unwrap() > 0.0, "{key}: {r}");
    }
    let parts: f64 = r["energy_uj_by_component"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    let total = r["energy_uj_per_inference"].as_f64().unwrap();
    assert!((parts - total).abs() < 1e-9 * total);
    let tops_per_w = 2.0 * r["macs_per_inference"].as_f64().unwrap() / (total * 1e6);
    assert!((tops_per_w - r["tops_per_w"].as_f64().unwrap()).abs() < 1e-9 * tops_per_w);
    assert!(total * 1e6 >= 38.0 * r["tile_energy_pj_per_mvm"].as_f64().unwrap() * (1.0 - 1e-12));
    assert_eq!(r["layers"].as_array().unwrap().len(), 2);
    assert!(r["area_mm2_by_component"]["buffers"].as_f64().unwrap() > 0.0);
}

#[test]
fn replication_buys_throughput_with_area() {
    let dir = tempfile::tempdir().unwrap();
    let model = digits("plain.npz");
    let one = chip(dir.path(), &["--model", &model]);
    let auto = chip(dir.path(), &["--model", &model, "--replicate", "auto"]);
    // Both layers take one MVM: copies cannot speed up an MLP, so auto keeps one copy.
    assert_eq!(auto["tiles"], one["tiles"]);
    assert!(
        auto["replication"].as_str().unwrap().starts_with("auto"),
        "{auto}"
    );
}

#[test]
fn bad_models_and_requests_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = digits("plain.npz");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--model", "missing.npz"], "missing.npz"),
        (vec!["--model", "junk.npz"], "junk.npz"),
        (
            vec!["--model", &model, "--replicate", "0"],
            "--replicate 0: expected auto or a whole number",
        ),
        (
            vec!["--model", &model, "--replicate", "many"],
            "--replicate many",
        ),
        (
            vec!["--model", &model, "--preset", "nosuch"],
            "unknown preset 'nosuch'",
        ),
        (
            vec!["--model", &model, "--config", "bad.toml"],
            "tech.node_nm",
        ),
    ];
    write(d, "junk.npz", "not a zip");
    write(d, "bad.toml", "[tech]\nnode_nm = -3.0\n");
    for (args, message) in cases {
        let mut all = vec!["chip", "--no-synth"];
        all.extend_from_slice(&args);
        let out = cimtile(&all, d);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn sweep_chip_puts_accuracy_against_chip_energy() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = (digits("plain.npz"), digits("test.npz"));
    let args = [
        "sweep",
        "--set",
        "adc.bits=3,6",
        "--set",
        "synth=off",
        "--job",
        "chip",
        "--model",
        &model,
        "--data",
        &data,
        "--images",
        "20",
        "--jobs",
        "1",
        "--out",
        "s",
    ];
    let out = cimtile(&args, dir.path());
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let csv = std::fs::read_to_string(dir.path().join("s/results.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].contains("accuracy") && rows[0].contains("energy_pj_per_image"),
        "{csv}"
    );
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(dir
        .path()
        .join("s/accuracy-vs-energy_pj_per_image.svg")
        .exists());
    // More ADC bits: more energy per image.
    let energy = |row: &str| -> f64 {
        let header: Vec<&str> = rows[0].split(',').collect();
        let i = header
            .iter()
            .position(|h| *h == "energy_pj_per_image")
            .unwrap();
        row.split(',').nth(i).unwrap().parse().unwrap()
    };
    assert!(energy(rows[1]) < energy(rows[2]), "{csv}");
    let out = cimtile(
        &[
            "sweep",
            "--set",
            "replicate=0",
            "--job",
            "chip",
            "--model",
            &model,
            "--data",
            &data,
            "--out",
            "t",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--set replicate=0"),
        "{}",
        stderr(&out)
    );
}

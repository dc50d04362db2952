//! `cimtile net` from the outside: the digits example on ideal tiles against the exact integer
//! network, the RTL engine, and bad models and data.

use crate::common::*;
use npyz::WriterBuilder;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Runs `net` with `args` in `dir`, expects success and returns the JSON report.
fn net_report(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["net", "--report", "r.json"];
    all.extend_from_slice(args);
    let out = cimtile(&all, dir);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap()
}

#[test]
fn ideal_tiles_reproduce_the_integer_network_image_by_image() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = (digits("plain.npz"), digits("test.npz"));
    // The default preset: 16x4 tiles, several row tiles per layer, requantized on the host.
    let r = net_report(dir.path(), &["--model", &model, "--data", &data]);
    assert_eq!(r["images"], 360);
    assert_eq!(r["tiles"], 38, "{r}");
    assert_eq!(r["integer_mismatches"], 0, "{r}");
    assert_eq!(r["correct"], r["integer_correct"]);
    assert_eq!(r["mvms"], 38 * 360);
    // The example tile without its noise: one tile per layer, requantized by the tile itself.
    let text = std::fs::read_to_string(digits("tile.toml")).unwrap();
    let ideal = text
        .replace("read_noise = 1", "read_noise = 0")
        .replace("program_error = 1", "program_error = 0");
    assert_ne!(ideal, text);
    write(dir.path(), "ideal.toml", &ideal);
    let r = net_report(
        dir.path(),
        &["--config", "ideal.toml", "--model", &model, "--data", &data],
    );
    assert_eq!(r["layers"][0]["requantized_on_tile"], true, "{r}");
    assert_eq!(r["layers"][1]["requantized_on_tile"], true, "{r}");
    assert_eq!(r["integer_mismatches"], 0, "{r}");
    assert_eq!(r["accuracy"], r["integer_accuracy"]);
    // Its noise changes logits: the comparison is not vacuous.
    let r = net_report(
        dir.path(),
        &[
            "--config",
            &digits("tile.toml"),
            "--model",
            &model,
            "--data",
            &data,
        ],
    );
    assert!(r["integer_mismatches"].as_u64().unwrap() > 0, "{r}");
    assert_eq!(
        r["adc_conversions"],
        2 * 360 * (4 * 4 * 128),
        "Ib * G * P per MVM"
    );
}

#[test]
fn the_rtl_agrees_with_the_model_on_every_tile_mvm() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = (digits("noise-aware.npz"), digits("test.npz"));
    // The example tile: noise, programming error and both layers requantized by the tile's
    // column parameters, so the RTL's periphery runs on the network's mult, shift and bias.
    let tile = digits("tile.toml");
    let args = [
        "--config",
        &tile,
        "--model",
        &model,
        "--data",
        &data,
        "--images",
        "3",
        "--engine",
        "rtl",
        "--rtl-images",
        "2",
    ];
    let r = net_report(dir.path(), &args);
    assert_eq!(r["rtl_checked_mvms"], 2 * 2, "{r}");
    assert_eq!(r["layers"][1]["requantized_on_tile"], true, "{r}");
    assert_eq!(r["images"], 3);
}

/// Writes an .npz of f64 arrays.
fn write_npz(path: &Path, arrays: &[(&str, &[u64], Vec<f64>)]) {
    let mut npz = npyz::npz::NpzWriter::create(path).unwrap();
    for (name, shape, data) in arrays {
        let options = npyz::zip::write::FileOptions::default();
        let mut w = npz
            .array::<f64>(name, options)
            .unwrap()
            .default_dtype()
            .shape(shape)
            .begin_nd()
            .unwrap();
        w.extend(data.iter().copied()).unwrap();
        w.finish().unwrap();
    }
}

/// A 3-2-2 model with its calibration images, `change`d, written to `dir/m.npz`.
fn model(dir: &Path, change: impl FnOnce(&mut Vec<(&'static str, Vec<u64>, Vec<f64>)>)) -> PathBuf {
    let mut arrays = vec![
        ("w0", vec![3, 2], vec![0.5, -0.2, 0.1, 0.3, -0.4, 0.2]),
        ("b0", vec![2], vec![0.0, 0.1]),
        ("w1", vec![2, 2], vec![1.0, -1.0, -0.5, 0.5]),
        ("b1", vec![2], vec![0.0, 0.0]),
        ("calib", vec![2, 3], vec![1.0, 2.0, 3.0, 0.0, 1.0, 0.5]),
    ];
    change(&mut arrays);
    let path = dir.join("m.npz");
    let borrowed: Vec<(&str, &[u64], Vec<f64>)> = arrays
        .iter()
        .map(|(n, s, d)| (*n, s.as_slice(), d.clone()))
        .collect();
    write_npz(&path, &borrowed);
    path
}

fn data(dir: &Path, x: (Vec<u64>, Vec<f64>), y: (Vec<u64>, Vec<f64>)) -> PathBuf {
    let path = dir.join("d.npz");
    write_npz(&path, &[("x", &x.0, x.1), ("y", &y.0, y.1)]);
    path
}

fn good_data(dir: &Path) -> PathBuf {
    data(
        dir,
        (vec![2, 3], vec![1.0, 0.0, 2.0, 3.0, 1.0, 0.0]),
        (vec![2], vec![0.0, 1.0]),
    )
}

/// Runs `net` on `m.npz` and `d.npz` in `dir`; expects exit 2 and `message` on stderr.
fn fails(dir: &Path, message: &str) {
    let out = cimtile(&["net", "--model", "m.npz", "--data", "d.npz"], dir);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
    assert!(err.contains(message), "expected '{message}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_small_model_runs() {
    let dir = tempfile::tempdir().unwrap();
    model(dir.path(), |_| ());
    good_data(dir.path());
    let r = net_report(dir.path(), &["--model", "m.npz", "--data", "d.npz"]);
    assert_eq!(
        (r["tiles"].as_u64(), r["images"].as_u64()),
        (Some(2), Some(2)),
        "{r}"
    );
    assert_eq!(r["integer_mismatches"], 0);
}

#[test]
fn bad_models_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    good_data(d);
    model(d, |a| a.retain(|(n, _, _)| *n != "calib"));
    fails(d, "m.npz: array 'calib' is missing (arrays present:");
    model(d, |a| a[1] = ("b0", vec![3], vec![0.0; 3]));
    fails(
        d,
        "m.npz: array 'b0' has 3 values, layer 0 has 2 outputs (w0 is 3 x 2)",
    );
    model(d, |a| a[2] = ("w1", vec![3, 2], vec![0.0; 6]));
    fails(
        d,
        "m.npz: array 'w1' takes 3 inputs but layer 0 has 2 outputs",
    );
    model(d, |a| a[0].2[4] = f64::NAN);
    fails(
        d,
        "m.npz: array 'w0' holds NaN at flat index 4; every value must be finite",
    );
    model(d, |a| a[1] = ("b0", vec![1, 2], vec![0.0; 2]));
    fails(
        d,
        "m.npz: array 'b0' must have 1 dimension(s), it has shape [1, 2]",
    );
    model(d, |a| a.push(("w3", vec![2, 2], vec![0.0; 4])));
    fails(
        d,
        "m.npz: array 'w3' has no place: the layers w0..w1 must be numbered without gaps",
    );
    model(d, |a| a.retain(|(n, _, _)| !n.starts_with('w')));
    fails(d, "m.npz: array 'w0' is missing");
    write(d, "m.npz", "not a zip file");
    fails(d, "cannot read 'm.npz' as a NumPy .npz file");
}

#[test]
fn bad_data_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    model(d, |_| ());
    data(d, (vec![2, 4], vec![0.0; 8]), (vec![2], vec![0.0, 1.0]));
    fails(
        d,
        "d.npz: array 'x' has 4 columns, the model takes 3 inputs",
    );
    data(d, (vec![2, 3], vec![0.0; 6]), (vec![3], vec![0.0; 3]));
    fails(
        d,
        "d.npz: arrays 'x' (2 images) and 'y' (3 labels) must have the same, non-zero length",
    );
    data(d, (vec![2, 3], vec![0.0; 6]), (vec![2], vec![0.0, 2.0]));
    fails(
        d,
        "d.npz: y[1] = 2 is not a class label 0..1 (the model has 2 outputs)",
    );
    data(
        d,
        (vec![2, 3], vec![0.0, f64::INFINITY, 0.0, 0.0, 0.0, 0.0]),
        (vec![2], vec![0.0, 1.0]),
    );
    fails(d, "d.npz: array 'x' holds inf at flat index 1");
}

#[test]
fn calibration_recovers_accuracy_on_an_aged_tile() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data, tile) = (digits("plain.npz"), digits("test.npz"), digits("tile.toml"));
    let aged = [
        "--config", &tile, "--model", &model, "--data", &data, "--age", "10y",
    ];
    let before = net_report(dir.path(), &aged);
    let after = net_report(dir.path(), &[&aged[..], &["--calibrate"]].concat());
    // 10 years by the default drift law (t0 = 1 s, nu = 0.01).
    assert_eq!(before["analog_drift"], 11648, "{before}");
    assert!(
        before["aging"]
            .as_str()
            .unwrap()
            .contains("analog.drift = round(65536 * (1 - (315576000 / 1)^-0.01)) = 11648"),
        "{before}"
    );
    assert_eq!(
        (
            before["calibrated"].as_bool(),
            after["calibrated"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert!(before["calibration"].is_null(), "{before}");
    let tiles = after["calibration"].as_array().unwrap();
    assert_eq!(tiles.len(), 2, "{after}");
    for t in tiles {
        assert!(
            t["after_mean_abs_error"].as_f64() <= t["before_mean_abs_error"].as_f64(),
            "{t}"
        );
    }
    let (b, a) = (
        before["accuracy"].as_f64().unwrap(),
        after["accuracy"].as_f64().unwrap(),
    );
    assert!(a >= b, "calibrated {a} < uncalibrated {b}");
    // Drift lowers every conductance, and with it the crossbar's read energy.
    let fresh = net_report(dir.path(), &aged[..6]);
    assert!(
        fresh["energy_pj_per_image"].as_f64().unwrap()
            > before["energy_pj_per_image"].as_f64().unwrap(),
        "{fresh}"
    );
    assert_eq!(fresh["analog_drift"], 0);
}

#[test]
fn bad_age_and_calibration_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = (digits("plain.npz"), digits("test.npz"));
    let out = cimtile(
        &["net", "--model", &model, "--data", &data, "--age", "3x"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'3x' is not a duration"),
        "{}",
        stderr(&out)
    );
    // The default preset's layers are requantized on the host, from accumulators that an 8-bit
    // output cannot hold.
    write(dir.path(), "narrow.toml", "[output]\nbits = 8\n");
    let out = cimtile(
        &[
            "net",
            "--config",
            "narrow.toml",
            "--model",
            &model,
            "--data",
            &data,
            "--calibrate",
        ],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--calibrate: layer 0 is requantized on the host")
            && err.contains("cannot hold every accumulator"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

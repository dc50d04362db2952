//! `cimtile net` on ONNX models: the PyTorch-exported digits examples, models with batch norm,
//! residual adds and pooling on an exact tile (tests/onnx, written by tests/onnx/make-models), and
//! unsupported operators, bad shapes and malformed files.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A tile that computes exactly at high precision: 12-bit weights in two 6-bit cells, 12-bit
/// signed inputs, a 16-bit ADC of step 1 on 8-row reads, no analog errors, a 32-bit output.
const EXACT: &str = "[array]\nrows = 128\ncols = 32\nrows_per_read = 8\n[weights]\nbits = 12\ncell_bits = 6\n\
[inputs]\nbits = 12\nsigned = true\n[adc]\nbits = 16\nstep = 1\n[analog]\nfine_bits = 0\nread_noise = 0\nprogram_error = 0\n\
[output]\nbits = 32\nsigned = true\nactivation = \"none\"\n";

fn net_report(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["net", "--report", "r.json"];
    all.extend_from_slice(args);
    let out = cimtile(&all, dir);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap()
}

/// Exit 2 with `message` on stderr, no panic.
fn fails(dir: &Path, model: &str, data: &str, message: &str) {
    let out = cimtile(&["net", "--model", model, "--data", data], dir);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
    assert!(err.contains(message), "expected '{message}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn predictions(r: &Value, engine: &str) -> Vec<u64> {
    r["predictions"][engine]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

/// On the exact tile the tiles reproduce the integer network image by image, and the integer
/// network the float model's predictions (which are the labels) but for a few close calls.
fn exact_run(model: &str, data: &str, min_float_agreement: f64) -> Value {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "exact.toml", EXACT);
    let r = net_report(
        dir.path(),
        &["--config", "exact.toml", "--model", model, "--data", data],
    );
    assert_eq!(r["integer_mismatches"], 0, "{r}");
    assert_eq!(predictions(&r, "tile"), predictions(&r, "integer"), "{r}");
    assert_eq!(
        r["float_accuracy"], 1.0,
        "the labels are the float model's predictions: {r}"
    );
    assert!(
        r["integer_accuracy"].as_f64().unwrap() >= min_float_agreement,
        "{r}"
    );
    r
}

/// The ResNet-style model's layers: stem, two block convolutions, the strided one, the Gemm
/// (batch norms folded away, by us or by the exporter).
fn resnet_layers(r: &Value) {
    let layers = r["weight_layers"].as_array().unwrap();
    assert_eq!(layers.len(), 5, "{r}");
    assert_eq!(
        (
            layers[0]["kind"].as_str(),
            layers[0]["k"].as_u64(),
            layers[0]["n"].as_u64()
        ),
        (Some("conv"), Some(9), Some(8))
    );
    assert_eq!(
        layers[0]["mvms_per_inference"], 64,
        "8x8 padded: every position"
    );
    assert_eq!(
        layers[3]["mvms_per_inference"], 4,
        "4x4, stride 2, pad 1: 2x2"
    );
    assert_eq!(
        (layers[4]["kind"].as_str(), layers[4]["k"].as_u64()),
        (Some("dense"), Some(16))
    );
    assert_eq!(r["mvms_per_image"], 64 * 3 + 4 + 1, "{r}");
}

/// Trained on the digits (tests/onnx/make-models): the quantized network keeps the float
/// model's predictions on at least 90% of the images.
#[test]
fn a_resnet_with_batch_norm_and_pooling_runs_exactly() {
    resnet_layers(&exact_run(
        &onnx_fixture("resnet.onnx"),
        &onnx_fixture("resnet.npz"),
        0.9,
    ));
}

/// The same network from torch's dynamo exporter (opset 18): ReduceMean for the pooling, batch
/// norm fused by the exporter, the dynamic batch named in every intermediate shape.
#[test]
fn the_dynamo_exporters_resnet_runs_exactly() {
    resnet_layers(&exact_run(
        &onnx_fixture("resnet-dynamo.onnx"),
        &onnx_fixture("resnet.npz"),
        0.9,
    ));
}

#[test]
fn matmul_with_a_bias_and_reshape_runs_exactly() {
    exact_run(
        &onnx_fixture("matmul.onnx"),
        &onnx_fixture("matmul.npz"),
        0.9,
    );
}

#[test]
fn the_pytorch_digits_cnn_runs_from_the_committed_files() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data, tile) = (
        digits("cnn-plain.onnx"),
        digits("test-cnn.npz"),
        digits("tile.toml"),
    );
    let r = net_report(
        dir.path(),
        &["--config", &tile, "--model", &model, "--data", &data],
    );
    assert_eq!(r["images"], 360);
    assert!(r["float_accuracy"].as_f64().unwrap() > 0.9, "{r}");
    assert!(r["accuracy"].as_f64().unwrap() > 0.8, "{r}");
    // Exported MLP: the same figures as the .npz it came from (float accuracy within rounding to
    // f32).
    let mlp = net_report(
        dir.path(),
        &[
            "--config",
            &tile,
            "--model",
            &digits("mlp-plain.onnx"),
            "--data",
            &digits("test.npz"),
        ],
    );
    let npz = net_report(
        dir.path(),
        &[
            "--config",
            &tile,
            "--model",
            &digits("plain.npz"),
            "--data",
            &digits("test.npz"),
        ],
    );
    assert_eq!(mlp["tiles"], npz["tiles"]);
    assert_eq!(mlp["float_accuracy"], npz["float_accuracy"]);
}

#[test]
fn the_rtl_checks_every_tile_mvm_of_a_cnn() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data, tile) = (
        digits("cnn-noise-aware.onnx"),
        digits("test-cnn.npz"),
        digits("tile.toml"),
    );
    let r = net_report(
        dir.path(),
        &[
            "--config",
            &tile,
            "--model",
            &model,
            "--data",
            &data,
            "--images",
            "2",
            "--engine",
            "rtl",
            "--rtl-images",
            "1",
        ],
    );
    assert_eq!(r["rtl_checked_mvms"], r["mvms_per_image"], "{r}");
}

#[test]
fn unsupported_operators_bad_shapes_and_malformed_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails(
        d,
        &onnx_fixture("sigmoid.onnx"),
        &onnx_fixture("matmul.npz"),
        "operator 'Sigmoid' (node '",
    );
    // x of the MLP's test set (N x 64) for the CNN (N x 1 x 8 x 8).
    fails(
        d,
        &digits("cnn-plain.onnx"),
        &digits("test.npz"),
        "array 'x' has shape [360, 64]; the model's input is [N, 1, 8, 8]",
    );
    write(d, "bad.onnx", "not a protobuf at all");
    fails(
        d,
        "bad.onnx",
        &digits("test.npz"),
        "'bad.onnx' is not an ONNX model",
    );
    let bytes = std::fs::read(digits("cnn-plain.onnx")).unwrap();
    std::fs::write(d.join("cut.onnx"), &bytes[..bytes.len() / 2]).unwrap();
    fails(d, "cut.onnx", &digits("test-cnn.npz"), "cut.onnx");
    fails(
        d,
        "missing.onnx",
        &digits("test-cnn.npz"),
        "cannot read 'missing.onnx'",
    );
}

#[test]
fn sweep_takes_onnx_models() {
    let dir = tempfile::tempdir().unwrap();
    let model: PathBuf = digits("cnn-plain.onnx").into();
    let args = [
        "sweep",
        "--job",
        "net",
        "--model",
        model.to_str().unwrap(),
        "--data",
        &digits("test-cnn.npz"),
        "--images",
        "20",
        "--set",
        "adc.bits=5,6",
        "--out",
        "s",
    ];
    let out = cimtile(&args, dir.path());
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let csv = std::fs::read_to_string(dir.path().join("s/results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

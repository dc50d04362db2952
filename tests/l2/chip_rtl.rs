//! The chip in RTL from the outside (issue 35): `generate --model` and `cosim --model` on the
//! digits networks, on the default tile and on a tile with every spec v2 effect, every test
//! image bit-exact with `cimtile net`'s tile path, and the accuracy `net` gives; a residual
//! network with every operator the chip has; bad requests named.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `cosim --model` over every image of `data`, and `net`'s report of the same, with `tile`
/// (`--preset ...` or `--config ...`).
fn cosim_and_net(
    dir: &Path,
    model: &str,
    data: &str,
    tile: &[&str],
    host: &[&str],
) -> (Value, Value) {
    let mut args = vec![
        "cosim",
        "--model",
        model,
        "--data",
        data,
        "--json",
        "chip.json",
    ];
    args.extend_from_slice(tile);
    args.extend_from_slice(host);
    let out = cimtile(&args, dir);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let mut args = vec![
        "net", "--model", model, "--data", data, "--report", "net.json",
    ];
    args.extend_from_slice(tile);
    let out = cimtile(&args, dir);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    (json(&dir.join("chip.json")), json(&dir.join("net.json")))
}

fn assert_every_image_bit_exact(model: &str, data: &str, tile: &[&str]) {
    assert_bit_exact_with_host(model, data, tile, &[]);
}

/// [`assert_every_image_bit_exact`] with the host's disturbances `host` (`--gaps` ...).
fn assert_bit_exact_with_host(model: &str, data: &str, tile: &[&str], host: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (chip, net) = cosim_and_net(dir.path(), model, data, tile, host);
    assert_eq!(chip["images"], net["images"], "{model} {tile:?}: {chip}");
    assert_eq!(
        chip["bit_exact"], chip["images"],
        "{model} {tile:?}: {chip}"
    );
    assert_eq!(
        chip["accuracy"], net["accuracy"],
        "{model} {tile:?}: {chip} {net}"
    );
    assert!(chip["cycles_per_inference"].as_f64().unwrap() > 0.0);
    assert!(chip["images_per_s"].as_f64().unwrap() > 0.0);
}

fn noisy() -> String {
    digits("noisy-v2.toml")
}

#[test]
fn the_digits_mlp_is_bit_exact_on_every_test_image() {
    let (model, data) = (digits("mlp-plain.onnx"), digits("test.npz"));
    assert_every_image_bit_exact(&model, &data, &["--preset", "default"]);
    assert_every_image_bit_exact(&model, &data, &["--config", &noisy()]);
}

#[test]
fn the_digits_cnns_are_bit_exact_on_every_test_image() {
    let data = digits("test-cnn.npz");
    for model in ["cnn-plain.onnx", "cnn-noise-aware.onnx"] {
        let model = digits(model);
        assert_every_image_bit_exact(&model, &data, &["--preset", "default"]);
        assert_every_image_bit_exact(&model, &data, &["--config", &noisy()]);
    }
}

#[test]
fn a_hesitating_host_changes_nothing() {
    // Inputs held back on 30% of the cycles, outputs refused on 50%: the same results.
    assert_bit_exact_with_host(
        &digits("mlp-plain.onnx"),
        &digits("test.npz"),
        &["--preset", "default"],
        &["--gaps", "30", "--backpressure", "50", "--seed", "5"],
    );
}

#[test]
fn a_layer_of_one_tile_is_bit_exact() {
    // fpga64's 16 columns give the MLP's last layer (32 x 10) a single tile, whose handshakes
    // the top indexes per tile all the same.
    assert_every_image_bit_exact(
        &digits("mlp-plain.onnx"),
        &digits("test.npz"),
        &["--preset", "fpga64"],
    );
}

#[test]
fn a_residual_network_with_every_operator_is_bit_exact() {
    // Padded and strided convolutions, batch norm, a residual Add, ReLU, max, average and
    // global average pooling, flatten (tests/onnx/make-models).
    assert_every_image_bit_exact(
        &onnx_fixture("resnet.onnx"),
        &onnx_fixture("resnet.npz"),
        &["--preset", "default"],
    );
}

#[test]
fn the_hand_off_has_the_chip_and_its_tile() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir: PathBuf = dir.path().join("chip");
    let out = cimtile(
        &[
            "generate",
            "--model",
            &digits("mlp-plain.onnx"),
            "--out",
            "chip",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let files = std::fs::read_to_string(out_dir.join("files.f")).unwrap();
    let names: Vec<&str> = files.lines().collect();
    assert_eq!(names.last(), Some(&"cim_chip.v"), "{files}");
    assert!(names.contains(&"cim_tile.v") && names.contains(&"cim_chip_feeder.v"));
    for name in &names {
        assert!(
            out_dir.join(name).is_file(),
            "{name} listed but not written"
        );
    }
    let manifest = json(&out_dir.join("manifest.json"));
    assert_eq!(manifest["top"], "cim_chip");
    assert_eq!(manifest["tiles"], 38);
    assert_eq!(manifest["steps"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["steps"][0]["kind"], "layer");
    assert_eq!(manifest["steps"][0]["row_tiles"], 4);
    assert_eq!(manifest["tile"]["config"]["array"]["rows"], 16);
    for name in [
        "README.md",
        "cim_chip.sdc",
        "cim_chip.core",
        "cim_tile.README.md",
        "cim_tile.manifest.json",
    ] {
        assert!(out_dir.join(name).is_file(), "{name}");
    }
}

#[test]
fn bad_chip_requests_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let model = digits("mlp-plain.onnx");
    let out = cimtile(&["cosim", "--model", &model], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cosim --model needs --data"),
        "{}",
        stderr(&out)
    );
    let data = digits("test.npz");
    let out = cimtile(
        &["cosim", "--model", &model, "--data", &data, "--rtl", "x"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--rtl"), "{}", stderr(&out));
    let cnn_data = digits("test-cnn.npz");
    let out = cimtile(
        &["cosim", "--model", &model, "--data", &cnn_data],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("shape"), "{}", stderr(&out));
    // A tile whose outputs cannot hold the accumulators the chip adds is refused by name.
    write(dir.path(), "narrow.toml", "[output]\nbits = 8\n");
    let out = cimtile(
        &[
            "generate",
            "--model",
            &model,
            "--config",
            "narrow.toml",
            "--out",
            "x",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("cannot hold every accumulator"),
        "{}",
        stderr(&out)
    );
}

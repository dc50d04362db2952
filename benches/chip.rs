//! Seconds of `cimtile chip` on VGG-8 (examples/vgg8/vgg8.onnx, scripts/export-vgg8) on the
//! `neurosim` preset: `cargo bench --bench chip`. Each figure is the best of several runs of the
//! whole command (loading the ONNX file, pricing the tile, mapping and pricing the chip), with the
//! tile's periphery synthesized (from Yosys's cache after the first run) and with --no-synth.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 5;

fn seconds(extra: &[&str]) -> f64 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cimtile"))
        .args([
            "chip",
            "--preset",
            "neurosim",
            "--model",
            "examples/vgg8/vgg8.onnx",
        ])
        .args(extra)
        .current_dir(root)
        .output()
        .expect("cimtile runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed().as_secs_f64()
}

fn main() {
    println!("cimtile chip --preset neurosim --model examples/vgg8/vgg8.onnx (8 weight layers, 5.4 M weights), best of {RUNS} runs");
    let first = seconds(&[]);
    println!("  synthesized tile, first run (Yosys, or its cache): {first:.2} s");
    for (what, extra) in [
        ("synthesized tile, cached", &[][..]),
        ("--no-synth", &["--no-synth"][..]),
    ] {
        let best = (0..RUNS)
            .map(|_| seconds(extra))
            .fold(f64::INFINITY, f64::min);
        println!("  {what}: {best:.3} s");
    }
}

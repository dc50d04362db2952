//! Images per second of the digits model (examples/digits) on the `default` and `neurram` presets,
//! model engine: `cargo bench --bench net`. Each figure is the best of several runs of
//! `cimtile net` (its own timing covers the tile MVMs only, not loading or the reference
//! networks), on one thread and on every core.

use std::path::Path;
use std::process::Command;

const RUNS: usize = 5;

fn images_per_second(preset: &str, threads: Option<usize>) -> f64 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = tempfile_path(preset);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cimtile"));
    cmd.args([
        "net",
        "--preset",
        preset,
        "--model",
        "examples/digits/plain.npz",
        "--data",
        "examples/digits/test.npz",
        "--report",
    ])
    .arg(&report)
    .current_dir(root);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n.to_string());
    }
    let out = cmd.output().expect("cimtile runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("the report")).expect("JSON");
    let _ = std::fs::remove_file(&report);
    json["images_per_second"]
        .as_f64()
        .expect("images_per_second")
}

fn tempfile_path(preset: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "cimtile-bench-net-{preset}-{}.json",
        std::process::id()
    ))
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("digits 64-32-10 (plain.npz), 360 test images, model engine, best of {RUNS} runs");
    for preset in ["default", "neurram"] {
        let best = |threads| {
            (0..RUNS)
                .map(|_| images_per_second(preset, threads))
                .fold(0.0, f64::max)
        };
        println!(
            "{preset:>8}: {:>9.0} images/s on 1 thread, {:>9.0} images/s on {cores} threads",
            best(Some(1)),
            best(None)
        );
    }
}

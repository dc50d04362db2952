//! The spec v2 commands and options from the outside: `faults`, `info`'s device-effect lines,
//! `--age`, and `calibrate` (model engine; the RTL engine is in `cli_rtl.rs`).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// The golden tests' noisy 3x2 tile (S = 2, P = 8) with every device effect on. Its stuck cells,
/// by `tests/reference/spec_model.py`: (row, pc) = (0,1) on, (1,2) off, (1,4) on, (2,5) on.
const AGED_3X2: &str = "[array]\nrows = 3\ncols = 2\nrows_per_read = 2\n[weights]\nbits = 5\ncell_bits = 3\n\
    [inputs]\nbits = 3\nsigned = true\n[adc]\nbits = 5\ncount = 3\nstep = 3\n\
    [analog]\nfine_bits = 2\nread_noise = 4\nprogram_error = 2\nseed = 7\ndrift = 9000\ndrift_spread = 3000\nir_drop = 9239593510\n\
    [faults]\nstuck_off_ppm = 100000\nstuck_on_ppm = 80000\n[output]\nbits = 12\n";

fn ok(args: &[&str], dir: &Path) -> (String, String) {
    let out = cimtile(args, dir);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    (stdout(&out), stderr(&out))
}

fn fails(args: &[&str], dir: &Path) -> String {
    let out = cimtile(args, dir);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} exits 2: {}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "nothing on stdout on error");
    stderr(&out)
}

#[test]
fn faults_lists_the_stuck_cells() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.toml", AGED_3X2);
    let expected = "row,phys_col,col,slice,polarity,stuck\n0,1,0,0,-,on\n1,2,0,1,+,off\n1,4,1,0,+,on\n2,5,1,0,-,on\n";
    assert_eq!(
        ok(&["faults", "--config", "t.toml"], dir.path()).0,
        expected
    );
    assert_eq!(
        ok(
            &["faults", "--config", "t.toml", "--out", "F.csv"],
            dir.path()
        )
        .0,
        ""
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("F.csv")).unwrap(),
        expected
    );
    // A preset has no stuck cells: the header alone.
    assert_eq!(
        ok(&["faults", "--preset", "neurram"], dir.path()).0,
        "row,phys_col,col,slice,polarity,stuck\n"
    );
}

#[test]
fn info_prints_stuck_cells_drift_and_ir_drop() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.toml", AGED_3X2);
    let text = ok(&["info", "--config", "t.toml", "--no-synth"], dir.path()).0;
    for line in [
        "stuck cells: 1 off, 3 on, of 24 cells",
        "drift loss of the 20 cells not stuck: mean",
        "IR drop: analog.ir_drop = 9239593510 (Qmax = 9239593510 for Imax = 60)",
    ] {
        assert!(text.contains(line), "missing '{line}' in:\n{text}");
    }
    let text = ok(&["info", "--no-synth"], dir.path()).0;
    assert!(
        text.contains("stuck cells: 0 off, 0 on, of 256 cells"),
        "{text}"
    );
    assert!(
        text.contains("mean 0.0000% (d = 0.0/65536), largest 0.0000% (d = 0/65536)"),
        "{text}"
    );
}

#[test]
fn bad_v2_keys_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.toml", "[analog]\ndrift = 0.2\n");
    let e = fails(&["info", "--config", "t.toml", "--no-synth"], dir.path());
    assert_eq!(
        e,
        "cimtile: invalid tile config 't.toml': analog.drift must be an integer, not a float\n"
    );
    write(
        dir.path(),
        "t.toml",
        "[faults]\nstuck_off_ppm = 600000\nstuck_on_ppm = 500000\n",
    );
    let e = fails(&["info", "--config", "t.toml", "--no-synth"], dir.path());
    assert_eq!(e, "cimtile: invalid tile config 't.toml': faults.stuck_on_ppm must be in 0..=400000, not 500000\n");
    write(dir.path(), "t.toml", "[analog]\nir_drop = 99999999999\n");
    let e = fails(&["faults", "--config", "t.toml"], dir.path());
    assert!(
        e.contains("analog.ir_drop must be in 0..=11573806608, not 99999999999"),
        "{e}"
    );
}

#[test]
fn age_sets_drift_by_the_power_law() {
    let dir = tempfile::tempdir().unwrap();
    // 30 d = 2592000 s; t0 = 1 s, nu = 0.01: 65536 * (1 - 2592000^-0.01) = 8997.6.
    let text = ok(&["info", "--age", "30d", "--no-synth"], dir.path()).0;
    assert!(
        text.contains(
            "age 30d = 2592000 s: analog.drift = round(65536 * (1 - (2592000 / 1)^-0.01)) = 8998"
        ),
        "{text}"
    );
    assert!(
        text.contains("analog.drift = 8998, analog.drift_spread = 0"),
        "{text}"
    );
    write(
        dir.path(),
        "t.toml",
        "[analog]\ndrift_t0 = 3600\ndrift_nu = 0.1\n",
    );
    let text = ok(
        &["info", "--config", "t.toml", "--age", "90s", "--no-synth"],
        dir.path(),
    )
    .0;
    assert!(
        text.contains("analog.drift = 0 (t <= t0 = 3600 s) = 0"),
        "{text}"
    );
    // run: the conversion on stderr, the outputs alone on stdout.
    write(dir.path(), "W.csv", &"1,2,3,4\n".repeat(16));
    write(dir.path(), "X.csv", &format!("{}1\n", "1,".repeat(15)));
    let (out, err) = ok(
        &[
            "run",
            "--weights",
            "W.csv",
            "--inputs",
            "X.csv",
            "--age",
            "1y",
        ],
        dir.path(),
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        err.starts_with("age 1y = 31557600 s: analog.drift = "),
        "{err}"
    );
    for bad in ["3x", "1e400d", "d", "", "1.5.2h"] {
        let e = fails(&["info", "--age", bad, "--no-synth"], dir.path());
        assert!(e.contains(&format!("'{bad}' is not a duration")), "{e}");
    }
}

/// Random weights for the default tile shape (16 x 4, 4-bit weights) into `W.csv`.
fn default_weights(dir: &Path) {
    let w: String = (0..16)
        .map(|r| {
            (0..4)
                .map(|c| ((r * 5 + c * 3) % 15 - 7).to_string())
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    write(dir, "W.csv", &w);
}

fn calibrate_report(dir: &Path, config: &str, extra: &[&str]) -> Value {
    write(dir, "t.toml", config);
    let mut args = vec![
        "calibrate",
        "--config",
        "t.toml",
        "--weights",
        "W.csv",
        "--out",
        "C2.csv",
        "--report",
        "R.json",
    ];
    args.extend_from_slice(extra);
    let (text, _) = ok(&args, dir);
    assert!(
        text.contains("error against the fresh tile, held out: before mean"),
        "{text}"
    );
    serde_json::from_str(&std::fs::read_to_string(dir.join("R.json")).unwrap()).unwrap()
}

fn mean(report: &Value, when: &str) -> f64 {
    report[when]["mean_abs_error"].as_f64().unwrap()
}

/// The default tile with an 8-bit ADC at step 1 (16 fine units per level): fine enough that the
/// correction shows beyond the ADC's rounding.
const FINE_TILE: &str =
    "[adc]\nbits = 8\nstep = 1\n[analog]\nfine_bits = 4\nread_noise = 2\nprogram_error = 1\n";

#[test]
fn calibrate_undoes_a_fifth_of_lost_conductance() {
    let dir = tempfile::tempdir().unwrap();
    default_weights(dir.path());
    let r = calibrate_report(dir.path(), &format!("{FINE_TILE}drift = 13107\n"), &[]);
    assert!(mean(&r, "before") >= 3.0 * mean(&r, "after"), "{r:#}");
    assert_eq!(r["columns"].as_array().unwrap().len(), 4);
    let c2 = std::fs::read_to_string(dir.path().join("C2.csv")).unwrap();
    assert_eq!(c2.lines().count(), 4);
    assert_eq!(
        (
            r["vectors"].clone(),
            r["seed"].clone(),
            r["held_out_seed"].clone()
        ),
        (256.into(), 1.into(), 2.into())
    );
}

#[test]
fn calibrate_improves_ir_drop_and_stuck_cells() {
    let dir = tempfile::tempdir().unwrap();
    default_weights(dir.path());
    // Imax = 4 * (3*16 + 1) = 196, Qmax = (2^40-1) div 391 = 2812050198.
    for effect in [
        "ir_drop = 2812050198\n",
        "[faults]\nstuck_off_ppm = 20000\nstuck_on_ppm = 20000\n",
    ] {
        let r = calibrate_report(
            dir.path(),
            &format!("{FINE_TILE}{effect}"),
            &["--vectors", "128", "--seed", "5"],
        );
        assert!(mean(&r, "after") < mean(&r, "before"), "{effect}: {r:#}");
    }
}

#[test]
fn calibrate_a_fresh_tile_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    default_weights(dir.path());
    write(dir.path(), "C.csv", "3,1,5\n-2,0,0\n1,0,-7\n5,2,1\n");
    let r = calibrate_report(
        dir.path(),
        "[output]\nbits = 10\n",
        &["--columns", "C.csv", "--vectors", "20"],
    );
    assert_eq!((mean(&r, "before"), mean(&r, "after")), (0.0, 0.0), "{r:#}");
}

#[test]
fn calibrate_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    default_weights(dir.path());
    let e = fails(
        &["calibrate", "--weights", "nope.csv", "--out", "C2.csv"],
        dir.path(),
    );
    assert!(e.starts_with("cimtile: cannot read 'nope.csv': "), "{e}");
    let e = fails(
        &[
            "calibrate",
            "--weights",
            "W.csv",
            "--out",
            "C2.csv",
            "--vectors",
            "0",
        ],
        dir.path(),
    );
    assert!(e.contains("--vectors"), "{e}");
    let e = fails(&["calibrate", "--weights", "W.csv"], dir.path());
    assert!(e.contains("--out"), "{e}");
    write(dir.path(), "C.csv", "1,0,0\n");
    let e = fails(
        &[
            "calibrate",
            "--weights",
            "W.csv",
            "--out",
            "C2.csv",
            "--columns",
            "C.csv",
        ],
        dir.path(),
    );
    assert_eq!(
        e,
        "cimtile: C.csv: expected 4 lines (array.cols), found 1\n"
    );
    let e = fails(
        &[
            "calibrate",
            "--weights",
            "W.csv",
            "--out",
            "no/such/dir/C2.csv",
        ],
        dir.path(),
    );
    assert!(
        e.starts_with("cimtile: cannot write 'no/such/dir/C2.csv'"),
        "{e}"
    );
    assert!(!dir.path().join("C2.csv").exists());
}

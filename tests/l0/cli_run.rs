//! `cimtile run --engine model` and `cimtile info` from the outside: random cases against the
//! independent Python model, the report, and every kind of bad input.

use crate::common::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// A random valid tile as (TOML, flat JSON for the Python model), small enough for Python.
#[derive(Debug, Clone)]
struct Case {
    toml: String,
    json: String,
    rows: usize,
    cols: usize,
    wmax: i64,
    input: (i64, i64),
}

/// Spec v2 device effects: drift and spread, IR drop as a fraction of Qmax (permille), stuck
/// off and on (ppm), and which of them are on: none (half of the cases), drift, IR drop, faults,
/// or all.
type DeviceDraw = (u8, u32, u32, u64, u32, u32);

fn device_draw() -> impl Strategy<Value = DeviceDraw> {
    (
        0u8..8,
        0u32..=65536,
        0u32..=65536,
        0u64..=1000,
        0u32..=400_000,
        0u32..=400_000,
    )
}

fn case() -> impl Strategy<Value = Case> {
    (
        (1usize..=12, 1usize..=4, 1usize..=12),
        (2u32..=9, 1u32..=4, 1u32..=8, any::<bool>()),
        (1u32..=8, 1u32..=40, 0u32..=3),
        (0u32..=6, 0u32..=6, any::<u32>()),
        (2u32..=32, any::<bool>(), any::<bool>()),
        device_draw(),
    )
        .prop_map(|((rows, cols, rg), (wb, bc, ib, isg), (ab, step, e), (nr, np, seed), (ob, osg, relu), v2)| {
            let rg = rg.min(rows);
            let act = if relu { "relu" } else { "none" };
            let (mode, drift, spread, q_permille, off, on) = v2;
            let (drift_on, ir_on, faults_on) = (mode == 4 || mode == 7, mode == 5 || mode == 7, mode == 6 || mode == 7);
            let (drift, spread) = if drift_on { (drift, spread) } else { (0, 0) };
            // Qmax = floor((2^40-1) / (2*Imax-1)), Imax = Rg * ((2^Bc-1)*2^E + Np); Qmax itself at 1000.
            let qmax = ((1u64 << 40) - 1) / (2 * rg as u64 * ((((1u64 << bc) - 1) << e) + np as u64) - 1);
            let q = if !ir_on { 0 } else if q_permille == 1000 { qmax } else { qmax / 1000 * q_permille };
            let (off, on) = if faults_on { (off, on) } else { (0, 0) };
            let toml = format!(
                "[array]\nrows = {rows}\ncols = {cols}\nrows_per_read = {rg}\n[weights]\nbits = {wb}\ncell_bits = {bc}\n\
                 [inputs]\nbits = {ib}\nsigned = {isg}\n[adc]\nbits = {ab}\ncount = 1\nstep = {step}\ncycles = 1\n\
                 [analog]\nfine_bits = {e}\nread_noise = {nr}\nprogram_error = {np}\nseed = {seed}\n\
                 drift = {drift}\ndrift_spread = {spread}\nir_drop = {q}\n[faults]\nstuck_off_ppm = {off}\nstuck_on_ppm = {on}\n\
                 [output]\nbits = {ob}\nsigned = {osg}\nactivation = \"{act}\"\n"
            );
            let json = format!(
                r#"{{"array.rows":{rows},"array.cols":{cols},"array.rows_per_read":{rg},"weights.bits":{wb},"weights.cell_bits":{bc},
                "inputs.bits":{ib},"inputs.signed":{isg},"adc.bits":{ab},"adc.step":{step},"analog.fine_bits":{e},
                "analog.read_noise":{nr},"analog.program_error":{np},"analog.seed":{seed},"output.bits":{ob},
                "output.signed":{osg},"output.activation":"{act}","analog.drift":{drift},"analog.drift_spread":{spread},
                "analog.ir_drop":{q},"faults.stuck_off_ppm":{off},"faults.stuck_on_ppm":{on}}}"#
            );
            let input = if isg { (-(1i64 << (ib - 1)), (1i64 << (ib - 1)) - 1) } else { (0, (1i64 << ib) - 1) };
            Case { toml, json, rows, cols, wmax: (1i64 << (wb - 1)) - 1, input }
        })
}

fn csv(rows: &[Vec<i64>]) -> String {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect()
}

/// A case with its weights, inputs and column parameters, each as CSV rows.
type CaseData = (Case, Vec<Vec<i64>>, Vec<Vec<i64>>, Vec<Vec<i64>>);

fn with_data(c: Case) -> impl Strategy<Value = CaseData> {
    let w = prop::collection::vec(prop::collection::vec(-c.wmax..=c.wmax, c.cols), c.rows);
    let x = prop::collection::vec(prop::collection::vec(c.input.0..=c.input.1, c.rows), 1..5);
    let col = prop::collection::vec(
        (any::<i16>(), 0i64..=31, any::<i32>()).prop_map(|(m, s, b)| vec![m as i64, s, b as i64]),
        c.cols,
    );
    (Just(c), w, x, col)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn run_matches_the_independent_model((c, w, x, cols) in case().prop_flat_map(with_data)) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "tile.toml", &c.toml);
        write(dir.path(), "W.csv", &csv(&w));
        write(dir.path(), "X.csv", &csv(&x));
        write(dir.path(), "C.csv", &csv(&cols));
        let out = cimtile(&["run", "--config", "tile.toml", "--weights", "W.csv", "--inputs", "X.csv", "--columns", "C.csv"], dir.path());
        prop_assert!(out.status.success(), "{}", stderr(&out));
        let expected = reference_model(dir.path(), &c.json, true);
        if stdout(&out) != expected {
            return Err(TestCaseError::fail(format!("case {}:\ncimtile:\n{}reference:\n{}", c.toml, stdout(&out), expected)));
        }
    }
}

fn default_case(dir: &std::path::Path) {
    let w: Vec<Vec<i64>> = (0..16)
        .map(|r| (0..4).map(|c| ((r * 3 + c * 5) % 15) as i64 - 7).collect())
        .collect();
    let x: Vec<Vec<i64>> = (0..3)
        .map(|k| (0..16).map(|r| ((r * 7 + k * 3) % 16) as i64 - 8).collect())
        .collect();
    write(dir, "W.csv", &csv(&w));
    write(dir, "X.csv", &csv(&x));
}

#[test]
fn default_preset_is_exact_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    default_case(dir.path());
    let out = cimtile(
        &[
            "run",
            "--weights",
            "W.csv",
            "--inputs",
            "X.csv",
            "--out",
            "Y.csv",
            "--report",
            "R.json",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "--out sends the outputs to the file");
    let y = std::fs::read_to_string(dir.path().join("Y.csv")).unwrap();
    assert_eq!(y.lines().count(), 3);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("R.json")).unwrap()).unwrap();
    assert_eq!(report["engine"], "model");
    assert_eq!(report["mvms"], 3);
    assert_eq!(report["per_mvm"].as_array().unwrap().len(), 3);
    assert_eq!(
        report["per_mvm"][2]["max_abs_error"], 0,
        "the default tile is ideal"
    );
    assert_eq!(
        report["max_abs_error_per_mvm"],
        serde_json::json!([0, 0, 0])
    );
    assert_eq!(report["min_cycles_per_mvm"], 64);
}

#[test]
fn windows_line_endings_work() {
    let dir = tempfile::tempdir().unwrap();
    default_case(dir.path());
    let unix = stdout(&cimtile(
        &["run", "--weights", "W.csv", "--inputs", "X.csv"],
        dir.path(),
    ));
    for f in ["W.csv", "X.csv"] {
        let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
        write(dir.path(), f, &text.replace('\n', "\r\n"));
    }
    let out = cimtile(
        &["run", "--weights", "W.csv", "--inputs", "X.csv"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), unix);
}

/// Runs `cimtile run` on the default case with one file replaced; returns its error text.
fn run_error(file: &str, text: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    default_case(dir.path());
    write(dir.path(), file, text);
    let mut args = vec!["run", "--weights", "W.csv", "--inputs", "X.csv"];
    args.extend_from_slice(extra);
    let out = cimtile(&args, dir.path());
    assert_eq!(out.status.code(), Some(2), "bad input exits 2");
    assert!(stdout(&out).is_empty(), "nothing printed on error");
    stderr(&out)
}

#[test]
fn malformed_csv_names_file_line_and_column() {
    let row = "1,2,3,4\n";
    assert_eq!(
        run_error("W.csv", &row.repeat(15), &[]),
        "cimtile: W.csv: expected 16 lines (array.rows), found 15\n"
    );
    assert_eq!(
        run_error("W.csv", &format!("{}1,2,x,4\n", row.repeat(15)), &[]),
        "cimtile: W.csv, line 16, column 3: 'x' is not an integer\n"
    );
    assert_eq!(
        run_error("W.csv", &format!("1,2,3\n{}", row.repeat(15)), &[]),
        "cimtile: W.csv, line 1: expected 4 values (one per column, array.cols), found 3\n"
    );
    assert_eq!(
        run_error("W.csv", &format!("1,2,3,8\n{}", row.repeat(15)), &[]),
        "cimtile: W.csv, line 1, column 4: weight (weights.bits = 4) 8 is out of range -7..=7\n"
    );
    assert_eq!(
        run_error("X.csv", "", &[]),
        "cimtile: X.csv: the file is empty\n"
    );
    assert_eq!(
        run_error("X.csv", &format!("{}9\n", "0,".repeat(15)), &[]),
        "cimtile: X.csv, line 1, column 16: input (signed inputs.bits = 4) 9 is out of range -8..=7\n"
    );
    assert_eq!(
        run_error(
            "C.csv",
            "1,0,0\n1,0,0\n1,40,0\n1,0,0\n",
            &["--columns", "C.csv"]
        ),
        "cimtile: C.csv, line 3, column 2: shift 40 is out of range 0..=31\n"
    );
}

#[test]
fn missing_files_and_bad_configs_are_named() {
    let e = run_error("Z.csv", "", &["--columns", "nope.csv"]);
    assert!(e.starts_with("cimtile: cannot read 'nope.csv': "), "{e}");
    let e = run_error(
        "t.toml",
        "[adc]\nbits = 20\n[array]\nrowz = 3\n",
        &["--config", "t.toml"],
    );
    assert_eq!(e, "cimtile: invalid tile config 't.toml': unknown key 'array.rowz' (keys of [array]: cols, rows, rows_per_read)\n");
    let e = run_error("t.toml", "[adc]\nbits = 20\n", &["--config", "t.toml"]);
    assert_eq!(
        e,
        "cimtile: invalid tile config 't.toml': adc.bits must be in 1..=16, not 20\n"
    );
    let e = run_error("t.toml", "[adc\n", &["--config", "t.toml"]);
    assert_eq!(e, "cimtile: invalid tile config 't.toml': not valid TOML at line 1, column 5: invalid table header; expected `.`, `]`\n");
}

#[test]
fn info_prints_sizes_and_clipping_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(&["info", "--preset", "isaac", "--no-synth"], dir.path());
    assert!(out.status.success());
    let text = stdout(&out);
    for line in [
        "slices S = 8",
        "physical columns P = 128",
        "row groups G = 1",
        "mux phases M = 128",
        "minimum cycles per MVM: Ib*G*M*Ta = 16*1*128*1 = 2048",
        "warning: the ADC can clip",
    ] {
        assert!(text.contains(line), "missing '{line}' in:\n{text}");
    }
    let out = cimtile(&["info"], dir.path());
    assert!(
        !stdout(&out).contains("warning"),
        "the default tile does not clip"
    );
    let text = stdout(&out);
    assert!(
        text.contains("logic depth")
            && text.contains("activation_unit")
            && text.contains("tile (flat)"),
        "info shows the synthesis per block:\n{text}"
    );
}

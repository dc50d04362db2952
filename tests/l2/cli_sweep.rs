//! `cimtile sweep` from the outside: shards merge to the unsharded result, interrupted sweeps
//! resume, bad specifications are named.

use crate::common::*;
use std::path::Path;

/// `sweep` of the digits model on the default tile with `extra` arguments; expects success.
fn sweep(dir: &Path, extra: &[&str]) -> String {
    let (model, data) = (digits("noise-aware.npz"), digits("test.npz"));
    let mut args = vec![
        "sweep",
        "--set",
        "adc.bits=2..4",
        "--set",
        "analog.read_noise=0,4",
        "--job",
        "net",
        "--model",
        &model,
        "--data",
        &data,
        "--images",
        "30",
    ];
    args.extend_from_slice(extra);
    let out = cimtile(&args, dir);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    stderr(&out)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn shards_merge_to_the_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sweep(d, &["--out", "all"]);
    let all = read(&d.join("all/results.csv"));
    assert_eq!(all.lines().count(), 1 + 6, "{all}");
    assert!(
        all.starts_with("point,adc.bits,analog.read_noise,accuracy,integer_accuracy,"),
        "{all}"
    );
    assert!(d.join("all/accuracy-vs-adc.bits.svg").exists());
    assert!(d.join("all/accuracy-vs-analog.read_noise.svg").exists());
    // Shard 1/4 holds points 1 and 5; the four shards hold all six.
    for i in 0..4 {
        sweep(
            d,
            &[
                "--out",
                &format!("shard-{i}"),
                "--shard",
                &format!("{i}/4"),
                "--jobs",
                "1",
            ],
        );
    }
    let shard1 = read(&d.join("shard-1/results.csv"));
    let indices: Vec<&str> = shard1
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(indices, ["1", "5"]);
    let out = cimtile(
        &[
            "sweep", "merge", "shard-3", "shard-0", "shard-2", "shard-1", "--out", "merged",
        ],
        d,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&d.join("merged/results.csv")), all);
    assert_eq!(
        read(&d.join("merged/sweep.json")),
        read(&d.join("all/sweep.json"))
    );
    assert_eq!(
        read(&d.join("merged/accuracy-vs-adc.bits.svg")),
        read(&d.join("all/accuracy-vs-adc.bits.svg"))
    );
    // A missing shard is named.
    let out = cimtile(&["sweep", "merge", "shard-0", "--out", "part"], d);
    assert!(
        stderr(&out).contains("points without results: 1, 2, 3, 5"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_interrupted_sweep_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sweep(d, &["--out", "s"]);
    let full = read(&d.join("s/results.csv"));
    // As if the run had stopped before points 2 and 4 finished.
    let cut: String = full
        .lines()
        .filter(|l| !l.starts_with("2,") && !l.starts_with("4,"))
        .map(|l| format!("{l}\n"))
        .collect();
    // ... with point 4's row cut off mid-write.
    write(d, "s/results.csv", &(cut + "4,2,4,0.3"));
    let log = sweep(d, &["--out", "s"]);
    assert!(
        log.contains("6 point(s), 4 already in results.csv, 2 to run"),
        "{log}"
    );
    assert_eq!(read(&d.join("s/results.csv")), full);
    let log = sweep(d, &["--out", "s"]);
    assert!(log.contains("6 already in results.csv, 0 to run"), "{log}");
    // Another sweep into the same directory is refused.
    let out = cimtile(
        &[
            "sweep",
            "--set",
            "adc.bits=3",
            "--job",
            "net",
            "--model",
            &digits("plain.npz"),
            "--data",
            &digits("test.npz"),
            "--out",
            "s",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("holds a different sweep"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_specifications_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (model, data) = (digits("plain.npz"), digits("test.npz"));
    let cases: &[(&[&str], &str)] = &[
        (&["--set", "adc.bits"], "--set adc.bits: expected KEY=VALUES"),
        (&["--set", "adc.bitz=3"], "--set adc.bitz: unknown key 'adc.bitz' (keys of [adc]:"),
        (&["--set", "speed=3"], "'speed' is not a configuration key (section.key, such as adc.bits) (the job's own keys: model, age, calibrate)"),
        (&["--set", "age=1h,3x"], "--set age=3x: '3x' is not a duration"),
        (&["--set", "calibrate=off,yes"], "--set calibrate=yes: expected off or on"),
        (&["--set", "age=1y", "--set", "analog.drift=0,100"], "--set age and --set analog.drift both set the drift"),
        (&["--set", "adc.bits=8..3"], "the range 8..3 is empty"),
        (&["--set", "adc.bits=3,,4"], "empty value"),
        (&["--set", "adc.bits=3,20"], "point 1: invalid tile config preset 'default' with adc.bits=20: adc.bits must be in 1..=16, not 20"),
        (&["--set", "adc.bits=3", "--shard", "3/2"], "--shard 3/2: I must be in 0..=1 (0-based"),
        (&["--set", "adc.bits=3", "--set", "adc.bits=4"], "--set adc.bits: the key is set twice"),
        (&["--set", "model=nothing.npz"], "cannot read 'nothing.npz' as a NumPy .npz file"),
    ];
    for (extra, message) in cases {
        let mut args = vec![
            "sweep", "--job", "net", "--model", &model, "--data", &data, "--out", "x",
        ];
        args.extend_from_slice(extra);
        let out = cimtile(&args, d);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(
            err.contains(message),
            "{extra:?}: expected '{message}' in: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = cimtile(
        &[
            "sweep",
            "--set",
            "tech.node_nm=0.5",
            "--job",
            "ppa",
            "--out",
            "x",
        ],
        d,
    );
    assert!(
        stderr(&out).contains("tech.node_nm must be in 1..=1000, not 0.5"),
        "{}",
        stderr(&out)
    );
    let out = cimtile(
        &["sweep", "--set", "adc.bits=3", "--job", "net", "--out", "x"],
        d,
    );
    assert!(
        stderr(&out).contains("--job net needs --data D.npz"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_cosim_job_runs_the_rtl_at_each_point() {
    let dir = tempfile::tempdir().unwrap();
    // One point, the default preset as it is: the Verilator build other tests also use.
    let out = cimtile(
        &[
            "sweep",
            "--set",
            "adc.count=4",
            "--job",
            "cosim",
            "--mvms",
            "6",
            "--out",
            "c",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        read(&dir.path().join("c/results.csv")),
        "point,adc.count,mismatched_mvms,mvms,cycles_per_mvm,min_cycles_per_mvm,adc_busy_ratio\n0,4,0,6,64,64,1\n"
    );
}

#[test]
fn age_and_calibration_sweep_and_the_pareto_plot() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (model, data, tile) = (digits("plain.npz"), digits("test.npz"), digits("tile.toml"));
    let args = [
        "sweep",
        "--config",
        &tile,
        "--set",
        "age=0s,10y",
        "--set",
        "calibrate=off,on",
        "--set",
        "adc.bits=3,6",
        "--job",
        "net",
        "--model",
        &model,
        "--data",
        &data,
        "--images",
        "40",
        "--jobs",
        "1",
        "--out",
        "s",
    ];
    let out = cimtile(&args, d);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = read(&d.join("s/results.csv"));
    let header = "point,age,calibrate,adc.bits,accuracy,integer_accuracy,float_accuracy,integer_mismatches,images,tiles,mvms,adc_conversions,analog_drift,energy_pj_per_image";
    assert!(results.starts_with(&format!("{header}\n")), "{results}");
    let rows: Vec<Vec<&str>> = results
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 8, "{results}");
    for row in &rows {
        assert_eq!(
            row[12],
            if row[1] == "10y" { "11648" } else { "0" },
            "{row:?}"
        );
        assert!(row[13].parse::<f64>().unwrap() > 0.0, "{row:?}");
    }
    // The age axis plots by its durations; every point has accuracy and energy, so the Pareto plot.
    assert!(d.join("s/accuracy-vs-age.svg").exists());
    assert!(read(&d.join("s/accuracy-vs-age.svg")).contains("\n10y\n"));
    assert!(d.join("s/accuracy-vs-energy_pj_per_image.svg").exists());
    assert!(
        stdout(&out).contains(
            "Pareto front of age=0s, calibrate=off:\n  point 0 (age=0s, calibrate=off, adc.bits=3)"
        ),
        "{}",
        stdout(&out)
    );
}

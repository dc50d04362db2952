//! `cimtile ppa` from the outside without synthesis or simulation: the model alone on every
//! preset, a given workload, a sweep, and the errors (`l2::ppa_synthesis` synthesizes and
//! measures).

use crate::common::*;

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
    for name in presets() {
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

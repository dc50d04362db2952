//! `cimtile asic`: bad input is refused (in CI); on a small tile (ignored in CI: the flow takes
//! 2.3 minutes idle, 8 on a loaded machine, and CI has 7 minutes to spare; `cargo test --test l2
//! -- --ignored asic::` runs it, and scripts/soak runs the default preset) the flow places and
//! routes the periphery around the macro with no failed route, writes every file, and OpenSTA run
//! again on the written netlist, Liberty files and SDC finds the fmax asic.json reports. A missing
//! tool fails it where tools are required (`have_tools`), skips it elsewhere.

use crate::common::*;
use std::process::Command;

/// A tile whose periphery is about as small as it gets (about 3,100 cells, half of them the
/// activation unit's 33-bit sum and 16-bit multiplier, which no configuration narrows): 4 rows,
/// 1 column, one 2-bit ADC over 16 cycles, so the schedule is slow enough for a one-bit
/// multiplier digit.
const SMALL_TILE: &str = "[array]\nrows = 4\ncols = 1\nrows_per_read = 4\n[weights]\nbits = 2\ncell_bits = 2\n\
                          [inputs]\nbits = 2\n[adc]\nbits = 2\ncount = 1\ncycles = 16\n[output]\nbits = 4\n";

#[test]
fn a_bad_clock_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for clock in ["0", "-5", "NaN"] {
        let out = cimtile(
            &["asic", "--out", "out", &format!("--clock-mhz={clock}")],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("--clock-mhz must be in (0, 10000]"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
#[ignore = "place and route: 2.3 minutes idle, 8 on a loaded 2-core machine, more than CI's margin; run with --ignored (docs/asic.md)"]
fn small_tile_is_placed_routed_and_timed() {
    if !have_tools(&[
        "yosys",
        "qflow",
        "graywolf",
        "qrouter",
        "sta",
        "qflow-tech-osu018",
    ]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.toml", SMALL_TILE);
    let out = cimtile(
        &["asic", "--config", "small.toml", "--out", "out"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    for file in [
        "cim_tile_netlist.v",
        "cim_crossbar_macro.lef",
        "cim_crossbar_macro.lib",
        "cim_tile.sdc",
        "cim_tile.def",
        "cim_tile.sdf",
        "cim_tile_routed_netlist.v",
        "reports/timing_routed.rpt",
    ] {
        assert!(out_dir.join(file).is_file(), "cimtile asic wrote no {file}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("asic.json")).unwrap()).unwrap();
    let number = |key: &str| {
        report[key]
            .as_f64()
            .unwrap_or_else(|| panic!("no {key} in {report}"))
    };
    assert_eq!(report["top"], "cim_tile");
    assert_eq!(report["failed_routes"], 0, "{report}");
    // The macro is a hard block in the layout, the cells around it.
    let def = std::fs::read_to_string(out_dir.join("cim_tile.def")).unwrap();
    assert!(
        def.contains("cim_crossbar_macro"),
        "the DEF places no macro"
    );
    assert!(number("core_area_um2") > number("macro_area_um2") + number("cell_area_um2") * 0.99);
    assert!(number("utilization") > 0.0 && number("utilization") <= 1.0);
    assert!(number("wirelength_um") > 0.0);
    assert!(number("fmax_mhz_routed") >= 100.0, "{report}");
    assert!(
        number("fmax_mhz_routed") <= number("fmax_mhz_synthesis") * 1.01,
        "{report}"
    );
    // The hold buffers on the macro's inputs cover its 0.1 ns hold time (ideal clock).
    assert!(number("hold_slack_ns_routed") >= 0.0, "{report}");

    // OpenSTA on the written files alone finds the synthesis fmax again: the period less the
    // full-cycle paths' slack, or less twice the half-cycle (clock-gate latch) paths' slack.
    let sta = Command::new("sta")
        .args(["-no_splash", "-exit", "sta_synthesis.tcl"])
        .current_dir(&out_dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&sta.stdout);
    let slack = |class: &str| -> Option<f64> {
        let line = format!("worst setup slack {class} ");
        let value = text.lines().find_map(|l| l.strip_prefix(line.as_str()))?;
        (value.trim() != "none").then(|| value.trim().parse().expect("a slack"))
    };
    let period = 1000.0 / number("clock_mhz");
    let full = period - slack("full cycle").expect("no full-cycle slack");
    let half = slack("half cycle").map_or(0.0, |s| period - 2.0 * s);
    let fmax = 1000.0 / full.max(half);
    assert!(
        (fmax - number("fmax_mhz_synthesis")).abs() < 0.01,
        "{fmax} != {report}"
    );
}

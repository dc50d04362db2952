//! `cimtile ppa --activity A --keep DIR` against Debian OpenSTA's `report_power` on the files it
//! leaves (netlist, crossbar model, SDC, the library), on both cell libraries: the digital power
//! of the JSON report must be OpenSTA's within 15% (the engine's own test holds it to 5%).

use crate::common::{cimtile, have_tools};
use std::path::Path;
use std::process::Command;

/// OpenSTA's total power, W, on the files `cimtile ppa --keep` left in `dir`.
fn opensta_total_w(dir: &Path, activity: f64) -> f64 {
    let library = std::fs::read_to_string(dir.join("library.txt")).unwrap();
    let script = format!(
        "read_liberty {}\nread_liberty macro.lib\nread_verilog netlist.v\nlink_design cim_tile\n\
         read_sdc constraints.sdc\nset_power_activity -global -activity {activity}\nreport_power\n",
        library.trim()
    );
    std::fs::write(dir.join("power.tcl"), script).unwrap();
    let out = Command::new("sta")
        .args(["-no_splash", "-exit", "power.tcl"])
        .current_dir(dir)
        .output()
        .expect("sta runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let total = text
        .lines()
        .find(|l| l.starts_with("Total"))
        .unwrap_or_else(|| panic!("no Total row in OpenSTA's report:\n{text}"));
    total.split_whitespace().nth(4).unwrap().parse().unwrap()
}

fn agrees_with_opensta(library: &str, node_nm: f64) {
    if !have_tools(&["yosys", "sta", library]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = format!("[tech]\nlibrary = \"{library}\"\nnode_nm = {node_nm:.1}\n");
    std::fs::write(dir.path().join("tile.toml"), config).unwrap();
    let out = cimtile(
        &[
            "ppa",
            "--config",
            "tile.toml",
            "--activity",
            "0.1",
            "--keep",
            "kept",
            "--json",
            "r.json",
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["library"]["name"], library);
    let ours_mw = report["digital_power_mw"].as_f64().unwrap();
    let sta_mw = opensta_total_w(&dir.path().join("kept"), 0.1) * 1e3;
    let off = (ours_mw - sta_mw).abs() / sta_mw;
    assert!(
        off < 0.15,
        "{library}: ours {ours_mw:.4} mW, OpenSTA {sta_mw:.4} mW ({:.1}% apart)",
        off * 100.0
    );
    let split = &report["digital_energy_split_pj"];
    for part in ["internal", "switching", "leakage"] {
        assert!(split[part].as_f64().unwrap() >= 0.0, "{part}");
    }
}

#[test]
fn osu018_power_agrees_with_opensta() {
    agrees_with_opensta("osu018", 180.0);
}

#[test]
fn nangate45_power_agrees_with_opensta() {
    agrees_with_opensta("nangate45", 45.0);
}

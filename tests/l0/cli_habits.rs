//! What users expect of a command line: `--version`, shell completions, a man page, and a quiet
//! end when the reader of stdout stops early.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn cimtile(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cimtile"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn help_names_the_version() {
    let help = String::from_utf8(cimtile(&["--help"]).stdout).unwrap();
    let version = String::from_utf8(cimtile(&["--version"]).stdout).unwrap();
    assert_eq!(
        version.trim(),
        format!("cimtile {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(help.starts_with(version.trim()), "{help}");
    assert!(help.contains("--version"), "{help}");
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for (shell, mark) in [
        ("bash", "_cimtile()"),
        ("zsh", "#compdef cimtile"),
        ("fish", "complete -c cimtile"),
    ] {
        let out = cimtile(&["completions", shell]);
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success() && script.contains(mark),
            "{shell}: {script}"
        );
        assert!(
            script.contains("calibrate") && script.contains("measure-activity"),
            "{shell}: subcommands and their flags"
        );
    }
    let out = cimtile(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcsh"));
}

#[test]
fn man_pages() {
    let out = cimtile(&["man"]);
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success() && page.contains(".TH cimtile 1") && page.contains("calibrate"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(&["man", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    let sweep = std::fs::read_to_string(dir.path().join("cimtile-sweep.1")).unwrap();
    assert!(
        sweep.contains(".TH cimtile-sweep 1") && sweep.contains("shard"),
        "{sweep}"
    );
    assert!(
        dir.path().join("cimtile.1").exists() && dir.path().join("cimtile-completions.1").exists()
    );
}

/// `cimtile faults | head -1` and `cimtile info | head -0`: the reader closes the pipe with output
/// still to come (the fault list is far longer than a pipe's buffer); no panic, no message.
#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("faulty.toml");
    std::fs::write(&config, "[faults]\nstuck_off_ppm = 200000\n").unwrap();
    let config = config.to_str().unwrap();
    for (args, lines) in [
        (
            &["faults", "--preset", "neurram", "--config", config][..],
            1,
        ),
        (&["info", "--no-synth"][..], 0),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cimtile"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        for _ in 0..lines {
            reader.read_line(&mut String::new()).unwrap();
        }
        drop(reader);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
}

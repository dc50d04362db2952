//! `cimtile cosim` from the outside: agreement and timing, through the AXI top (its own and a
//! generated one), and the replayable case an AXI violation or a stalling RTL leaves.

use crate::common::*;
use std::path::Path;

#[test]
fn cosim_reports_agreement_and_timing() {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(&["cosim", "--mvms", "50", "--seed", "4"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("agreement: 50/50 MVMs bit-exact"), "{text}");
    assert!(
        text.contains("cycles per MVM: 64 (minimum Ib*G*M*Ta = 64), ADC-busy ratio 1.000"),
        "{text}"
    );
    assert!(text.contains("MVMs/s"), "{text}");
    // The build spinner and the progress bar draw on a terminal only: piped, stderr stays empty.
    assert_eq!(stderr(&out), "", "nothing on a piped stderr");
    let out = cimtile(&["cosim", "--mvms", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2), "--mvms 0 is refused");
}

/// `cosim --bus axi`: the same cases through the AXI top, back to back and under input gaps and
/// output backpressure; the percentages are checked.
#[test]
fn cosim_through_the_axi_top_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(
        &[
            "cosim", "--preset", "default", "--bus", "axi", "--mvms", "50",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("tile: preset 'default' behind its AXI top, seed 1, 50 MVMs\n"),
        "{text}"
    );
    assert!(text.contains("agreement: 50/50 MVMs bit-exact"), "{text}");
    assert!(
        text.contains("cycles per MVM: 64 (minimum Ib*G*M*Ta = 64)"),
        "the wrapper keeps the tile's pace: {text}"
    );
    let out = cimtile(
        &[
            "cosim",
            "--preset",
            "default",
            "--bus",
            "axi",
            "--mvms",
            "50",
            "--gaps",
            "30",
            "--backpressure",
            "40",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("50 MVMs, 30% input gaps, 40% output backpressure\n"),
        "{text}"
    );
    assert!(text.contains("agreement: 50/50 MVMs bit-exact"), "{text}");
    for (flag, value) in [("--gaps", "100"), ("--backpressure", "150")] {
        let out = cimtile(&["cosim", "--bus", "axi", flag, value], dir.path());
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(
            stderr(&out).contains(&format!("invalid value '{value}' for '{flag} <PERCENT>'")),
            "{}",
            stderr(&out)
        );
    }
}

/// `cosim --rtl DIR --bus axi` drives the directory's AXI top; without `--bus` its tile, as
/// before; a directory without the wrapper is refused.
#[test]
fn cosim_drives_a_generated_axi_top() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cimtile(
        &["generate", "--bus", "axi", "--out", "rtl", "--no-synth"],
        dir.path()
    )
    .status
    .success());
    let out = cimtile(
        &[
            "cosim",
            "--rtl",
            "rtl",
            "--bus",
            "axi",
            "--mvms",
            "30",
            "--gaps",
            "20",
            "--backpressure",
            "20",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("tile: generated RTL in 'rtl' behind its AXI top")
            && text.contains("agreement: 30/30 MVMs bit-exact"),
        "{text}"
    );
    let out = cimtile(&["cosim", "--rtl", "rtl", "--mvms", "30"], dir.path());
    assert!(
        out.status.success() && stdout(&out).starts_with("tile: generated RTL in 'rtl', seed 1"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        cimtile(&["generate", "--out", "bare", "--no-synth"], dir.path())
            .status
            .success()
    );
    let out = cimtile(&["cosim", "--rtl", "bare", "--bus", "axi"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "cimtile: generated RTL in 'bare': it has no AXI top (generate it with --bus axi)\n"
    );
}

/// A wrapper that drops results under backpressure breaks an AXI rule: the run fails with it
/// and leaves the replayable case, the AXI top's VCD and a command that reruns it.
#[test]
fn an_axi_violation_leaves_a_replayable_case() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cimtile(
        &["generate", "--bus", "axi", "--out", "rtl", "--no-synth"],
        dir.path()
    )
    .status
    .success());
    let wrapper = dir.path().join("rtl/cim_axi_wrapper.v");
    let text = std::fs::read_to_string(&wrapper).unwrap();
    let ready = "assign tile_out_ready = m_axis_tready;";
    assert!(text.contains(ready), "the wrapper's result handshake");
    std::fs::write(
        &wrapper,
        text.replace(ready, "assign tile_out_ready = 1'b1;"),
    )
    .unwrap();
    refingerprint(&dir.path().join("rtl"));
    let out = cimtile(
        &[
            "cosim",
            "--rtl",
            "rtl",
            "--bus",
            "axi",
            "--mvms",
            "5",
            "--backpressure",
            "40",
            "--vcd-on-mismatch",
            "case",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("FAILED: AXI rule 1 broken at cycle")
            && text.contains("m_axis changed before its transfer"),
        "{text}"
    );
    assert!(text.contains("rerun: cimtile cosim --bus axi --rtl rtl --mvms 5 --seed 1 --gaps 0 --backpressure 40 --vcd-on-mismatch case\n"), "{text}");
    for file in [
        "tile.toml",
        "W.csv",
        "X.csv",
        "C.csv",
        "expected.csv",
        "got.csv",
        "tile.vcd",
    ] {
        assert!(
            dir.path().join("case").join(file).is_file(),
            "no {file} in the case"
        );
    }
    let wave = cimtile(
        &["wave", "case/tile.vcd", "--signals", "m_axis_tvalid"],
        dir.path(),
    );
    assert!(
        wave.status.success() && stdout(&wave).contains("m_axis_tvalid"),
        "the VCD is the AXI top's: {}",
        stderr(&wave)
    );
}

/// `dir`'s manifest fingerprint recomputed after a hand edit, as if generated so.
fn refingerprint(dir: &Path) {
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let verilog: String = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f.as_str().unwrap())).unwrap())
        .collect();
    manifest["verilog_fnv1a64"] = format!("{:016x}", cimtile_hdl::fnv1a64(verilog.bytes())).into();
    std::fs::write(&path, manifest.to_string()).unwrap();
}

#[test]
fn a_stalling_rtl_leaves_a_replayable_case() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        cimtile(&["generate", "--out", "rtl", "--no-synth"], dir.path())
            .status
            .success()
    );
    // Break the tile: the scheduler never sees a loaded vector, so no result ever comes.
    let top = dir.path().join("rtl/cim_tile.v");
    let text = std::fs::read_to_string(&top).unwrap();
    let at = text
        .rfind(".vector_loaded(vector_loaded)")
        .expect("the scheduler's port");
    std::fs::write(
        &top,
        format!(
            "{}.vector_loaded(2'b00){}",
            &text[..at],
            &text[at + ".vector_loaded(vector_loaded)".len()..]
        ),
    )
    .unwrap();
    refingerprint(&dir.path().join("rtl"));
    let out = cimtile(
        &[
            "cosim",
            "--rtl",
            "rtl",
            "--mvms",
            "3",
            "--vcd-on-mismatch",
            "case",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("FAILED: the RTL produced 0 of 3 results") && text.contains("stalled"),
        "{text}"
    );
    for file in [
        "tile.toml",
        "W.csv",
        "X.csv",
        "C.csv",
        "expected.csv",
        "got.csv",
        "tile.vcd",
    ] {
        assert!(
            dir.path().join("case").join(file).is_file(),
            "no {file} in the case"
        );
    }
}

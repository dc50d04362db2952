//! `cimtile prove`: the SymbiYosys job that `generate` writes proves the rules on every preset
//! and on random small tiles, and finds the break, with a counterexample `cimtile wave` reads,
//! when the controller is broken on purpose. Needs yowasp-sby and yices-smt2 (scripts/setup);
//! a few seconds a proof on a 2-core machine (40 s for the first, while yowasp compiles).

use crate::common::*;
use std::path::Path;

/// The proof closes: base case and induction pass, exit 0.
fn assert_proved(dir: &Path, args: &[&str]) {
    let out = cimtile(args, dir);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {text}{}",
        stderr(&out)
    );
    assert!(text.contains("PROVED"), "{text}");
}

#[test]
fn every_preset_keeps_the_host_rules() {
    let dir = tempfile::tempdir().unwrap();
    for preset in presets() {
        assert_proved(dir.path(), &["prove", "--preset", preset, "--out", preset]);
    }
}

#[test]
fn random_small_tiles_keep_the_host_rules() {
    // Small tiles drawn from a fixed seed (xorshift), so a failure reproduces.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut pick = |lo: u64, hi: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        lo + state % (hi - lo + 1)
    };
    let dir = tempfile::tempdir().unwrap();
    for tile in 0..4 {
        let rows = pick(1, 7);
        let toml = format!(
            "[array]\nrows = {rows}\ncols = {}\nrows_per_read = {}\n[weights]\nbits = {}\ncell_bits = 2\n\
             [inputs]\nbits = {}\n[adc]\ncount = {}\ncycles = {}\n",
            pick(1, 4),
            pick(1, rows),
            pick(2, 5),
            pick(1, 3),
            pick(1, 4),
            pick(1, 3),
        );
        eprintln!("tile {tile}:\n{toml}");
        let name = format!("small{tile}.toml");
        write(dir.path(), &name, &toml);
        assert_proved(
            dir.path(),
            &["prove", "--config", &name, "--out", &format!("proof{tile}")],
        );
    }
}

/// The default tile's controller with `line` replaced by `broken`: the proof fails at the
/// assertion `rule` with a counterexample that `cimtile wave` reads.
fn assert_broken_at(line: &str, broken: &str, rule: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(
        &[
            "generate",
            "--preset",
            "default",
            "--out",
            "rtl",
            "--no-synth",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let controller = dir.path().join("rtl/cim_tile_controller.v");
    let text = std::fs::read_to_string(&controller).unwrap();
    assert!(text.contains(line), "the controller no longer has `{line}`");
    std::fs::write(&controller, text.replace(line, broken)).unwrap();
    let out = cimtile(&["prove", "--dir", "rtl"], dir.path());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains(rule), "{text}");
    let vcd = text
        .lines()
        .find_map(|l| l.strip_prefix("counterexample: "))
        .expect("a counterexample line");
    let vcd = vcd.split(" (").next().unwrap();
    let wave = cimtile(&["wave", vcd, "--signals", "*prog_ready"], dir.path());
    assert!(wave.status.success(), "{}", stderr(&wave));
    assert!(stdout(&wave).contains("prog_ready"), "{}", stdout(&wave));
}

#[test]
fn a_controller_that_grants_programming_mid_mvm_breaks_rule_2() {
    // prog_ready high whatever the tile does: rule 2 breaks once a vector is in flight.
    assert_broken_at(
        "prog_ready <= in_flight_next == {FLIGHT_BITS{1'b0}};",
        "prog_ready <= 1'b1;",
        "rule2_prog_ready",
    );
}

#[test]
fn a_controller_that_numbers_columns_wrong_is_caught() {
    // out_last high out of reset: rule 4 would break at the first result, past the depth on this
    // tile; the invariant that ties the controller's numbering to the rules' column (inv_column)
    // breaks at once.
    assert_broken_at("out_last <= COLS == 1;", "out_last <= 1'b1;", "inv_column");
}

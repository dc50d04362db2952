//! Bad input gives an error naming the file and line, never a panic.

use cimtile_power::{estimate, Activity, Conditions, Liberty, Netlist, PowerError};

const LIB: &str = r#"library(t) {
  time_unit : "1ns";
  capacitive_load_unit (1,ff);
  leakage_power_unit : "1nW";
  nom_voltage : 1.0;
  power_lut_template(p2) { variable_1 : input_transition_time; index_1 ("0, 1"); }
  cell (INV) {
    area : 1;
    cell_leakage_power : 2;
    pin(A) { direction : input; capacitance : 1; }
    pin(Y) { direction : output; function : "!A";
      internal_power() { related_pin : "A";
        rise_power(p2) { values ("1, 1"); } fall_power(p2) { values ("1, 1"); } } }
  }
}"#;

#[test]
fn liberty_errors_name_file_and_line() {
    let bad = LIB.replace("rise_power(p2)", "rise_power(nope)");
    let e = Liberty::parse(&bad, "bad.lib").unwrap_err();
    assert!(matches!(e, PowerError::Liberty { line: 13, .. }), "{e}");
    assert!(
        e.to_string()
            .contains("bad.lib:13: unknown table template 'nope'"),
        "{e}"
    );
    let e = Liberty::parse(
        &LIB.replace("values (\"1, 1\"); } fall", "values (\"1\"); } fall"),
        "v.lib",
    )
    .unwrap_err();
    assert!(e.to_string().contains("1 values for a table of 2"), "{e}");
    assert!(matches!(
        Liberty::read("/nonexistent.lib"),
        Err(PowerError::Io { .. })
    ));
}

#[test]
fn netlist_errors_and_a_tiny_estimate() {
    assert!(Netlist::from_yosys_json_str("[1", "n.json", None)
        .unwrap_err()
        .to_string()
        .starts_with("n.json: not JSON"));
    let lib = Liberty::parse(LIB, "t.lib").unwrap();
    let j = r#"{"modules":{"t":{"attributes":{"top":"1"},
      "ports":{"clock":{"direction":"input","bits":[2]},"y":{"direction":"output","bits":[3]}},
      "cells":{"u.g":{"type":"INV","connections":{"A":[2],"Y":[3]}},
               "m":{"type":"BLACKBOX","connections":{"x":[3]}}},
      "netnames":{"clock":{"hide_name":0,"bits":[2]},"y":{"hide_name":0,"bits":[3]}}}}}"#;
    let nl = Netlist::from_yosys_json_str(j, "t.json", None).unwrap();
    let r = estimate(
        &lib,
        &[],
        &nl,
        &Activity::global(0.1),
        &Conditions::new(10.0, "clock"),
    )
    .unwrap();
    assert_eq!(r.unpriced_cells, vec!["m (BLACKBOX)".to_string()]);
    // The inverter sits on the clock: 2 transitions per 10 ns, 1 fJ each (duty 1: rise + fall).
    let internal_w = 2.0 * 1e-15 * 2.0 / 10e-9;
    assert!(
        (r.total.internal_mw - internal_w * 1e3).abs() < 1e-12,
        "{:?}",
        r.total
    );
    assert!((r.total.leakage_mw - 2e-6).abs() < 1e-15);
    assert!(r.by_block.contains_key("u"));
    let e = estimate(
        &lib,
        &[],
        &nl,
        &Activity::global(0.1),
        &Conditions::new(0.0, "clock"),
    );
    assert!(matches!(e, Err(PowerError::Invalid(_))));
    let e = estimate(
        &lib,
        &[],
        &nl,
        &Activity::global(0.1),
        &Conditions::new(1.0, "clk"),
    );
    assert!(e.unwrap_err().to_string().contains("no clock net 'clk'"));
}

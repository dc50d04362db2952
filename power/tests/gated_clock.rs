//! A clock gated by an enable toggles at the clock's rate times the enable's measured duty; an
//! unmeasured enable passes the whole clock (OpenSTA's convention).

use cimtile_power::{estimate, Activity, Conditions, Liberty, Netlist};

const LIB: &str = r#"library(t) {
  time_unit : "1ns";
  capacitive_load_unit (1,ff);
  leakage_power_unit : "1nW";
  nom_voltage : 1.0;
  power_lut_template(p2) { variable_1 : input_transition_time; index_1 ("0, 1"); }
  cell (AND2) {
    area : 1;
    pin(A) { direction : input; capacitance : 0; }
    pin(B) { direction : input; capacitance : 0; }
    pin(Y) { direction : output; function : "A & B";
      timing() { related_pin : "A"; timing_sense : positive_unate; }
      timing() { related_pin : "B"; timing_sense : positive_unate; } }
  }
  cell (INV) {
    area : 1;
    pin(A) { direction : input; capacitance : 0; }
    pin(Y) { direction : output; function : "!A";
      internal_power() { related_pin : "A";
        rise_power(p2) { values ("1, 1"); } fall_power(p2) { values ("1, 1"); } } }
  }
}"#;

#[test]
fn a_gated_clock_toggles_at_its_enables_duty() {
    let lib = Liberty::parse(LIB, "t.lib").unwrap();
    let j = r#"{"modules":{"t":{"attributes":{"top":"1"},
      "ports":{"clock":{"direction":"input","bits":[2]},"en":{"direction":"input","bits":[3]},
               "y":{"direction":"output","bits":[5]}},
      "cells":{"g.and":{"type":"AND2","connections":{"A":[2],"B":[3],"Y":[4]}},
               "u.inv":{"type":"INV","connections":{"A":[4],"Y":[5]}}},
      "netnames":{"clock":{"hide_name":0,"bits":[2]},"en":{"hide_name":0,"bits":[3]},
                  "gated":{"hide_name":0,"bits":[4]},"y":{"hide_name":0,"bits":[5]}}}}}"#;
    let nl = Netlist::from_yosys_json_str(j, "t.json", None).unwrap();
    let inverter_mw = |activity: &Activity| {
        let r = estimate(&lib, &[], &nl, activity, &Conditions::new(10.0, "clock")).unwrap();
        r.by_block["u"].internal_mw
    };
    // 1 fJ per transition of the inverter's input (duty 1 on the clock network: rise + fall).
    let at = |transitions: f64| 2.0 * 1e-15 * transitions / 10e-9 * 1e3;
    let unmeasured = Activity::global(0.1);
    assert!((inverter_mw(&unmeasured) - at(2.0)).abs() < 1e-12);
    let mut measured = Activity::global(0.1);
    measured.per_net_duty.insert("en".into(), 0.25);
    assert!((inverter_mw(&measured) - at(0.5)).abs() < 1e-12);
}

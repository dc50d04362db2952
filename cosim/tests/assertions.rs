//! The host rules bound into the RTL run in every Verilator co-simulation (`--assert`): a
//! controller broken on purpose stops the model with the rule's assertion failed.

use cimtile_cosim::simulator::Simulator;
use cimtile_cosim::verilator_build::build;
use cimtile_tile::config::TileConfig;

#[test]
fn a_broken_rule_fails_its_assertion() {
    let p = TileConfig::from_preset("default")
        .unwrap()
        .validate()
        .unwrap();
    let generated = cimtile_hdl::generate(&p);
    let good = "prog_ready <= in_flight_next == {FLIGHT_BITS{1'b0}};";
    let verilog = generated.simulation_verilog();
    assert!(
        verilog.contains(good),
        "the controller sets prog_ready from in_flight_next"
    );
    // prog_ready high whatever the tile does: rule 2 breaks once a vector is in flight.
    let model = build(
        &verilog.replace(good, "prog_ready <= 1'b1;"),
        &generated.top,
    )
    .unwrap();
    let mut sim = Simulator::load(&model).unwrap();
    let [reset, in_valid, out_ready] =
        ["reset", "in_valid", "out_ready"].map(|n| sim.port(n).unwrap());
    sim.set(out_ready, 1);
    sim.set(reset, 1);
    sim.cycle();
    sim.set(reset, 0);
    sim.set(in_valid, 1);
    let mut failed_at = None;
    for cycle in 0..8 {
        sim.cycle();
        if sim.assertion_failed() {
            failed_at = Some(cycle);
            break;
        }
    }
    assert!(
        failed_at.is_some(),
        "no assertion failed in 8 cycles with a vector in flight"
    );
}

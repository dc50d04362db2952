//! The Verilator bindings on a module of their own: ANSI header, a `$` in a port name,
//! buses over 64 bits, registered and combinational outputs, and the build cache.

use cimtile_cosim::simulator::Simulator;
use cimtile_cosim::verilator_build::build;

const COUNTER: &str = r#"
module wide_counter (
    input wire clock,
    input wire reset,
    input wire [7:0] step$in,
    input wire [99:0] wide_in,
    output wire [99:0] wide_out,
    output reg [15:0] count
);
    // The wide bus comes back inverted (combinational); count adds step$in every cycle.
    assign wide_out = ~wide_in;
    always @(posedge clock) begin
        if (reset) count <= 16'd0;
        else count <= count + {8'd0, step$in};
    end
endmodule
"#;

#[test]
fn drives_wide_buses_dollar_names_and_clocked_state() {
    let model = build(COUNTER, "wide_counter").unwrap();
    let names: Vec<(&str, usize)> = model
        .ports
        .iter()
        .map(|p| (p.name.as_str(), p.width))
        .collect();
    assert_eq!(
        names,
        vec![
            ("clock", 1),
            ("reset", 1),
            ("step$in", 8),
            ("wide_in", 100),
            ("wide_out", 100),
            ("count", 16)
        ]
    );
    let mut sim = Simulator::load(&model).unwrap();
    let (reset, step, wide_in, wide_out, count) = (
        sim.port("reset").unwrap(),
        sim.port("step$in").unwrap(),
        sim.port("wide_in").unwrap(),
        sim.port("wide_out").unwrap(),
        sim.port("count").unwrap(),
    );
    sim.set(reset, 1);
    sim.cycle();
    sim.set(reset, 0);
    sim.set(step, 3);
    for _ in 0..5 {
        sim.cycle();
    }
    assert_eq!(sim.get(count), 15);
    assert_eq!(sim.cycles(), 6);
    let words = [0x0123_4567, 0x89ab_cdef, 0xdead_beef, 0x0000_000f];
    sim.set_words(wide_in, &words);
    sim.eval();
    let inverted: Vec<u32> = words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == 3 { !w & 0xf } else { !w })
        .collect();
    assert_eq!(sim.get_words(wide_out), inverted);
    assert!(sim.port("missing").is_err());
    // A second build of the same text comes from the cache; a second model has its own state.
    let again = build(COUNTER, "wide_counter").unwrap();
    assert!(again.cached);
    let other = Simulator::load(&again).unwrap();
    assert_eq!(other.get(count), 0);
}

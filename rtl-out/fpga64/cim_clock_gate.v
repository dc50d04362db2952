`timescale 1ns / 1ps
`default_nettype none
// cim_clock_gate: the tile's one clock gate, the integrated clock-gate (ICG) convention: a latch
// open while the clock is low holds `enable | test_enable`, and the gated clock is the clock
// ANDed with it. An enable that changes while the clock is high waits for the next low phase,
// so gated_clock has no glitch and no shortened pulse. A register behind it is clocked only in
// the cycles whose enable was high before the rising edge: it keeps its value (and its clock
// pins burn nothing) in every other cycle.
//
// The ASIC flows (`cimtile ppa`, `cimtile asic`) replace this module by the library's ICG cell
// (Nangate45 CLKGATETST_X1) or by a latch and an AND of its cells (OSU 0.18 um has no ICG).
// With CIM_CLOCK_ENABLES defined (FPGA and formal flows) there is no gate: gated_clock is the
// clock and `load` the enable, so the registers behind it take it as a clock enable. Verilator
// simulates the gate the same way, the clock enable it amounts to: hundreds of latched clocks
// would make each cycle several times slower, and the silicon's gate is the library's cell, not
// this latch (Icarus simulates the latch).
//
// Ports:
//   clock         The tile's clock.
//   enable        Active high: clock the registers behind the gate at the next rising edge.
//                 Set up before that edge, as any register input.
//   test_enable   Active high: clock them regardless (scan); 0 in functional use.
//   gated_clock   The clock of the registers behind the gate.
//   load          The enable those registers still take: 1 behind a real gate (so no
//                 feedback multiplexer is built), `enable` when gated_clock is the clock.
module cim_clock_gate (
    input  wire clock,
    input  wire enable,
    input  wire test_enable,
    output wire gated_clock,
    output wire load
);
`ifdef CIM_CLOCK_ENABLES
    assign gated_clock = clock;
    assign load = enable | test_enable;
`elsif VERILATOR
    wire open = enable | test_enable;  // what the latch holds at each rising edge
    assign gated_clock = clock;
    assign load = open;
`else
    reg open;  // the enable, latched while the clock is low
    always @(clock or enable or test_enable) begin
        if (!clock) open = enable | test_enable;
    end
    assign gated_clock = clock & open;
    assign load = 1'b1;
`endif
endmodule
`default_nettype wire

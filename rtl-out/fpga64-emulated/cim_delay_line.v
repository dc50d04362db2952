`timescale 1ns / 1ps
`default_nettype none
// cim_delay_line: `out` is `in` of STAGES cycles before (STAGES = 0: a wire). Free-running
// registers without reset: the data of a pipeline whose valid bits travel beside it, so that a
// value sits in each stage for exactly the cycle its position says.
//
// Ports:
//   in    The value entering the line.
//   out   That value STAGES cycles later.
module cim_delay_line #(
    parameter integer WIDTH = 1,
    parameter integer STAGES = 1
) (
    input  wire             clock,
    input  wire [WIDTH-1:0] in,
    output wire [WIDTH-1:0] out
);
    generate
        if (STAGES == 0) begin : through
            assign out = in;
            wire unused_clock = clock;
        end else begin : stages
            reg [WIDTH-1:0] line [1:STAGES];
            integer i;
            always @(posedge clock) begin
                line[1] <= in;
                for (i = 2; i <= STAGES; i = i + 1) line[i] <= line[i-1];
            end
            assign out = line[STAGES];
        end
    endgenerate
endmodule
`default_nettype wire

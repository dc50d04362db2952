`timescale 1ns / 1ps
`default_nettype none
// cim_constant_modulo: remainder = x mod D, two cycles after x, for every 32-bit x: the
// quotient by a reciprocal multiply (cim_constant_divider) in the first stage, x minus
// quotient * D in the second, both multiplies in adders. The spec's uni() and its fault draw
// take a hash modulo a configured constant.
module cim_constant_modulo #(
    parameter [63:0] D = 64'd3
) (
    input  wire        clock,
    input  wire [31:0] x,
    output reg  [31:0] remainder
);
    wire [31:0] quotient, multiple;
    reg [31:0] held, quotient_held;
    cim_constant_divider #(.X_BITS(32), .D(D)) divide (.x(x), .quotient(quotient));
    cim_constant_multiplier #(.X_BITS(32), .PRODUCT_BITS(32), .K({64'd0, D})) times_d (
        .x(quotient_held), .product(multiple));
    always @(posedge clock) begin
        held <= x;
        quotient_held <= quotient;
        remainder <= held - multiple;
    end
endmodule
`default_nettype wire

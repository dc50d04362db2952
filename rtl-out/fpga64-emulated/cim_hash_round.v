`timescale 1ns / 1ps
`default_nettype none
// cim_hash_round: one round of the spec's hash H, mix(state ^ word), in two pipeline stages,
// each one xor-shift and one multiply by a constant (in adders, cim_constant_multiplier):
// mix(x) = x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16.
// `state_out` is mix(state_in ^ word) of the values two cycles before; the last xor-shift is
// combinational, so that the next round's first stage absorbs it.
module cim_hash_round (
    input  wire        clock,
    input  wire [31:0] state_in,
    input  wire [31:0] word,
    output wire [31:0] state_out
);
    wire [31:0] absorbed = state_in ^ word;
    wire [31:0] first_product, second_product;
    reg [31:0] first, second;
    cim_constant_multiplier #(.X_BITS(32), .PRODUCT_BITS(32), .K(128'h7feb352d)) times_first (
        .x(absorbed ^ (absorbed >> 16)), .product(first_product));
    cim_constant_multiplier #(.X_BITS(32), .PRODUCT_BITS(32), .K(128'h846ca68b)) times_second (
        .x(first ^ (first >> 15)), .product(second_product));
    always @(posedge clock) begin
        first <= first_product;
        second <= second_product;
    end
    assign state_out = second ^ (second >> 16);
endmodule
`default_nettype wire

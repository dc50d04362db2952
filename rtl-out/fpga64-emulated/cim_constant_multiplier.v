`timescale 1ns / 1ps
`default_nettype none
// cim_constant_multiplier: product = x * K mod 2^PRODUCT_BITS, combinational, as a sum of
// shifted copies of x, one per nonzero digit of K's non-adjacent form (at most one digit in
// two is nonzero). The emulated crossbar's multiplies by constants (hash rounds, reciprocal
// divisions, address arithmetic) become adders in logic this way: a synthesizer would spend a
// DSP block on each `*`, and an FPGA has too few of them for the emulation's hashes. Yosys
// merges the chain into one carry-save tree with a single carry-propagate adder.
module cim_constant_multiplier #(
    parameter integer X_BITS = 32,
    parameter integer PRODUCT_BITS = 32,
    parameter [127:0] K = 128'd1
) (
    input  wire [X_BITS-1:0]       x,
    output wire [PRODUCT_BITS-1:0] product
);
    // Digits of K mod 2^PRODUCT_BITS in non-adjacent form: bit i of the result is set where
    // digit i is +1 (NEGATIVE = 0) or -1 (NEGATIVE = 1).
    function automatic [PRODUCT_BITS-1:0] naf_digits(input [127:0] k, input negative);
        reg [129:0] rest;
        integer i;
        begin
            rest = {2'b00, k};
            naf_digits = {PRODUCT_BITS{1'b0}};
            for (i = 0; i < PRODUCT_BITS; i = i + 1) begin
                // rest = 1 mod 4: digit +1; rest = 3 mod 4: digit -1, and the carry moves up.
                if (rest[0]) begin
                    naf_digits[i] = rest[1] == negative;
                    rest = rest[1] ? rest + 130'd1 : rest - 130'd1;
                end
                rest = rest >> 1;
            end
        end
    endfunction

    localparam [PRODUCT_BITS-1:0] PLUS = naf_digits(K, 1'b0);
    localparam [PRODUCT_BITS-1:0] MINUS = naf_digits(K, 1'b1);
    wire [PRODUCT_BITS-1:0] term;  // x at the product's width: its higher bits cannot reach it
    wire [PRODUCT_BITS-1:0] partial [0:PRODUCT_BITS] /* verilator split_var */;
    assign partial[0] = {PRODUCT_BITS{1'b0}};
    genvar i;
    generate
        if (X_BITS < PRODUCT_BITS) begin : widened
            assign term = {{(PRODUCT_BITS-X_BITS){1'b0}}, x};
        end else begin : truncated
            assign term = x[PRODUCT_BITS-1:0];
            if (X_BITS > PRODUCT_BITS) begin : high
                wire unused = ^x[X_BITS-1:PRODUCT_BITS];
            end
        end
        if (PLUS == 0 && MINUS == 0) begin : times_zero
            wire unused = ^term;
        end
        for (i = 0; i < PRODUCT_BITS; i = i + 1) begin : digit
            if (PLUS[i]) begin : add
                assign partial[i+1] = partial[i] + (term << i);
            end else if (MINUS[i]) begin : subtract
                assign partial[i+1] = partial[i] - (term << i);
            end else begin : skip
                assign partial[i+1] = partial[i];
            end
        end
    endgenerate
    assign product = partial[PRODUCT_BITS];
endmodule
`default_nettype wire

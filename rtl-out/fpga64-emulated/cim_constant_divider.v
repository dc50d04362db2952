`timescale 1ns / 1ps
`default_nettype none
// cim_constant_divider: quotient = floor(x / D) for every X_BITS-bit x, combinational: 0 where D
// exceeds every x, a shift where D is a power of two, else (x * m) >> (X_BITS + l) with
// l = ceil(log2 D) and m = floor(2^(X_BITS + l) / D) + 1 (Granlund and Montgomery, 1994,
// theorem 4.2), the multiply by m in adders (cim_constant_multiplier).
module cim_constant_divider #(
    parameter integer X_BITS = 32,
    parameter [63:0] D = 64'd3
) (
    input  wire [X_BITS-1:0] x,
    output wire [X_BITS-1:0] quotient
);
    localparam integer L = $clog2(D);
    generate
        if (D >= (64'd1 << X_BITS)) begin : beyond
            assign quotient = {X_BITS{1'b0}};  // every x is below D
            wire unused = ^x;
        end else if (D == (64'd1 << L)) begin : shift
            assign quotient = x >> L;
        end else begin : reciprocal
            // m < 2^(X_BITS + 1), so the product has 2 X_BITS + 1 bits and the quotient
            // X_BITS + 1 - L.
            localparam integer PRODUCT_BITS = 2 * X_BITS + 1;
            localparam integer QUOTIENT_BITS = X_BITS + 1 - L;
            localparam [127:0] M = ((128'd1 << (X_BITS + L)) / {64'd0, D}) + 128'd1;
            wire [PRODUCT_BITS-1:0] product;
            cim_constant_multiplier #(.X_BITS(X_BITS), .PRODUCT_BITS(PRODUCT_BITS), .K(M)) times_m (
                .x(x), .product(product));
            assign quotient = {{(L-1){1'b0}}, product[PRODUCT_BITS-1 -: QUOTIENT_BITS]};
            wire unused_low = ^product[X_BITS + L - 1:0];
        end
    endgenerate
endmodule
`default_nettype wire

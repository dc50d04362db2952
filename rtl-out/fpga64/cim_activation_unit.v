`timescale 1ns / 1ps
`default_nettype none
// cim_activation_unit: the periphery of spec section 4 for one column at a time:
//   t = (acc + bias) * mult;  y = shift == 0 ? t : floor((t + 2^(shift-1)) / 2^shift);
//   y = relu ? max(y, 0) : y;  out = clamp(y, output minimum, output maximum).
// The 16-bit multiplier is consumed DIGIT_BITS bits per cycle, most significant (signed)
// digit first (Horner: t = (t << DIGIT_BITS) + sum * digit), so a column takes
// 16 / DIGIT_BITS cycles: the generator picks the narrowest digit that keeps up with the
// schedule, which saves area where columns are few. Each digit's partial product is registered
// before the Horner add, and round, shift and clamp are one pipeline stage each, so no path
// holds more than one adder. A column starts only when the output FIFO has a slot for it.
//
// Ports:
//   in_valid, in_ready, in_*    The combiner's FIFO: accumulator, parameters, column, last.
//   slot_free, slot_take        Output FIFO credit.
//   out_push, out_*             One result for the output FIFO.
module cim_activation_unit #(
    parameter integer ACC_BITS = 14,
    parameter integer SUM_BITS = 33,      // holds acc + bias
    parameter integer PRODUCT_BITS = 48,  // holds (acc + bias) * mult
    parameter integer ROUND_BITS = 48,    // holds the product plus the rounding constant
    parameter integer OUT_BITS = 8,
    parameter integer OUT_SIGNED = 1,
    parameter integer RELU = 0,
    parameter integer DIGIT_BITS = 4,     // 1, 2, 4, 8 or 16
    parameter integer STEP_BITS = 2,      // bits of 0..16/DIGIT_BITS-1, >= 1
    parameter integer COL_BITS = 2
) (
    input  wire                       clock,
    input  wire                       reset,
    input  wire                       in_valid,
    output wire                       in_ready,
    input  wire [ACC_BITS-1:0]        in_acc,
    input  wire [15:0]                in_mult,
    input  wire [4:0]                 in_shift,
    input  wire [31:0]                in_bias,
    input  wire [COL_BITS-1:0]        in_col,
    input  wire                       in_last,
    input  wire                       slot_free,
    output wire                       slot_take,
    output reg                        out_push,
    output reg  [OUT_BITS-1:0]        out_data,
    output reg  [COL_BITS-1:0]        out_col,
    output reg                        out_last
);
    localparam integer STEPS = 16 / DIGIT_BITS;
    localparam integer LAST_STEP_INT = STEPS - 1;
    localparam [STEP_BITS-1:0] LAST_STEP = LAST_STEP_INT[STEP_BITS-1:0];
    localparam signed [ROUND_BITS-1:0] ONE = 1;
    localparam [ROUND_BITS-1:0] ONE_BIT = 1;
    localparam signed [ROUND_BITS-1:0] OUT_MAX = (ONE <<< (OUT_SIGNED != 0 ? OUT_BITS - 1 : OUT_BITS)) - ONE;
    localparam signed [ROUND_BITS-1:0] OUT_MIN = OUT_SIGNED != 0 ? -(ONE <<< (OUT_BITS - 1)) : {ROUND_BITS{1'b0}};

    // Multiplier: a column in flight while busy.
    reg busy;
    reg first;  // the next step takes the column's first (signed) digit
    reg [STEP_BITS-1:0] step;
    reg [SUM_BITS-1:0] sum;
    reg [15:0] digits;  // the multiplier, next digit in the top bits
    reg [PRODUCT_BITS-1:0] product;
    reg [4:0] shift_m;
    reg [COL_BITS-1:0] col_m;
    reg last_m;

    wire finishing = busy && step == LAST_STEP;
    assign in_ready = slot_free && (!busy || finishing);
    assign slot_take = in_valid && in_ready;

    wire [SUM_BITS-1:0] acc_wide = {{(SUM_BITS-ACC_BITS){in_acc[ACC_BITS-1]}}, in_acc};
    wire [SUM_BITS-1:0] bias_wide = {{(SUM_BITS-32){in_bias[31]}}, in_bias};
    // The digit of this step, a register: the first carries the multiplier's sign, the others
    // are unsigned.
    reg [DIGIT_BITS:0] digit;
    wire [15:0] digits_next = digits << DIGIT_BITS;
    // Both operands at the product's width, as Verilog evaluates them anyway.
    wire signed [SUM_BITS+DIGIT_BITS:0] sum_wide = $signed({{(DIGIT_BITS+1){sum[SUM_BITS-1]}}, sum});
    wire signed [SUM_BITS+DIGIT_BITS:0] partial;
    generate
        if (DIGIT_BITS <= 2) begin : shift_add
            // A digit of one or two bits: shifted copies of the sum, added in carry chains
            // (faster than a DSP block for so narrow a factor); the top bit weighs negative.
            wire [SUM_BITS+DIGIT_BITS:0] unsigned_sum = $unsigned(sum_wide);
            wire [SUM_BITS+DIGIT_BITS:0] low = digit[0] ? unsigned_sum : {(SUM_BITS+DIGIT_BITS+1){1'b0}};
            wire [SUM_BITS+DIGIT_BITS:0] middle = (DIGIT_BITS == 2 && digit[1]) ? unsigned_sum << 1 : {(SUM_BITS+DIGIT_BITS+1){1'b0}};
            wire [SUM_BITS+DIGIT_BITS:0] top = digit[DIGIT_BITS] ? unsigned_sum << DIGIT_BITS : {(SUM_BITS+DIGIT_BITS+1){1'b0}};
            assign partial = $signed(low + middle - top);
        end else begin : multiply
            wire signed [SUM_BITS+DIGIT_BITS:0] digit_wide = $signed({{SUM_BITS{digit[DIGIT_BITS]}}, digit});
            assign partial = sum_wide * digit_wide;
        end
    endgenerate
    // The registered partial product of the previous cycle's digit, added in this one.
    reg partial_valid, partial_first, partial_last;
    reg [SUM_BITS+DIGIT_BITS:0] partial_q;
    wire [PRODUCT_BITS-1:0] partial_wide = {{(PRODUCT_BITS-SUM_BITS-DIGIT_BITS-1){partial_q[SUM_BITS+DIGIT_BITS]}}, partial_q};
    reg [4:0] shift_a;
    reg [COL_BITS-1:0] col_a;
    reg last_a;

    // Post-multiply pipeline: round, shift, clamp.
    reg valid_p, valid_r, valid_s;
    reg [ROUND_BITS-1:0] rounded;
    reg signed [ROUND_BITS-1:0] shifted;
    reg [4:0] shift_p, shift_r;
    reg [COL_BITS-1:0] col_p, col_r, col_s;
    reg last_p, last_r, last_s;

    // The finished product stays in `product` for one cycle after its last digit is added.
    wire [ROUND_BITS-1:0] product_round = {{(ROUND_BITS-PRODUCT_BITS){product[PRODUCT_BITS-1]}}, product};
    wire [ROUND_BITS-1:0] half = (shift_p == 5'd0) ? {ROUND_BITS{1'b0}} : ONE_BIT << (shift_p - 5'd1);
    wire signed [ROUND_BITS-1:0] rectified = (RELU != 0 && shifted < 0) ? $signed({ROUND_BITS{1'b0}}) : shifted;
    wire [OUT_BITS-1:0] clamped = rectified > OUT_MAX ? OUT_MAX[OUT_BITS-1:0]
                                : rectified < OUT_MIN ? OUT_MIN[OUT_BITS-1:0] : rectified[OUT_BITS-1:0];

    always @(posedge clock) begin
        if (reset) begin
            busy <= 1'b0;
            step <= {STEP_BITS{1'b0}};
            partial_valid <= 1'b0;
            valid_p <= 1'b0;
            valid_r <= 1'b0;
            valid_s <= 1'b0;
            out_push <= 1'b0;
        end else begin
            if (slot_take) begin
                busy <= 1'b1;
                step <= {STEP_BITS{1'b0}};
            end else if (finishing) begin
                busy <= 1'b0;
            end else if (busy) begin
                step <= step + 1'b1;
            end
            partial_valid <= busy;
            valid_p <= partial_valid && partial_last;
            valid_r <= valid_p;
            valid_s <= valid_r;
            out_push <= valid_s;
        end
    end

    always @(posedge clock) begin
        if (slot_take) begin
            sum <= acc_wide + bias_wide;
            digits <= in_mult;
            digit <= {in_mult[15], in_mult[15 -: DIGIT_BITS]};
            shift_m <= in_shift;
            col_m <= in_col;
            last_m <= in_last;
        end else if (busy) begin
            digits <= digits_next;
            digit <= {1'b0, digits_next[15 -: DIGIT_BITS]};
        end
        if (slot_take) first <= 1'b1;
        else if (busy) first <= 1'b0;
        partial_q <= $unsigned(partial);
        partial_first <= first;
        partial_last <= finishing;
        if (finishing) begin
            shift_a <= shift_m;
            col_a <= col_m;
            last_a <= last_m;
        end
        if (partial_valid) product <= partial_first ? partial_wide : (product << DIGIT_BITS) + partial_wide;
        shift_p <= shift_a;
        col_p <= col_a;
        last_p <= last_a;
        rounded <= product_round + half;
        shift_r <= shift_p;
        col_r <= col_p;
        last_r <= last_p;
        shifted <= $signed(rounded) >>> shift_r;
        col_s <= col_r;
        last_s <= last_r;
        out_data <= clamped;
        out_col <= col_s;
        out_last <= last_s;
    end
endmodule
`default_nettype wire

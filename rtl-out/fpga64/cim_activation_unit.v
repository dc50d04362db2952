`timescale 1ns / 1ps
`default_nettype none
// cim_activation_unit: the periphery of spec section 4 for one column at a time:
//   t = (acc + bias) * mult;  y = shift == 0 ? t : floor((t + 2^(shift-1)) / 2^shift);
//   y = relu ? max(y, 0) : y;  out = clamp(y, output minimum, output maximum).
//
// Multiply: the 16-bit multiplier is consumed DIGIT_BITS bits per cycle, least significant
// digit first, each recoded to a Booth digit d in -2^(DIGIT_BITS-1)..2^(DIGIT_BITS-1), so a
// column takes 16 / DIGIT_BITS cycles (the generator picks the narrowest digit that keeps up
// with the schedule). Each step adds d * sum into the upper part of the product and shifts it
// right by DIGIT_BITS: the adder is only as wide as the sum, and the product's low 16 bits
// leave it one digit at a time. A digit of one or two bits needs no multiplier: d * sum is
// sum or 2 * sum, added or subtracted. Each digit's partial product is registered before its
// add, so no path holds more than one adder. A wide digit's multiply is two (the sum's low 17
// bits and the rest, one DSP block each on an FPGA) whose products are registered first, then
// summed into the partial product: a stage more, so no path holds a multiply and an adder.
//
// Round and shift: floor((t + 2^(s-1)) / 2^s) = (t >>> s) + bit s-1 of t, so one shift of
// {t, 0} by s gives both, and the rounding becomes an increment of the narrow result. Only
// whether the shifted value fits the output (its high bits all equal) is kept of its upper
// part, which is all the clamp needs: a value that does not fit saturates by its sign.
// Three stages: shift; narrow and test the upper part; round, rectify and clamp.
//
// Parameters: a column taken from the FIFO passes two load registers while its mult, shift and
// bias are read from the column-parameter memory (its registered read, then one more register,
// so no adder follows a block RAM's slow clock-to-output), so the FIFO carries only the
// accumulator (the host cannot write parameters while a vector is in flight). The two stages
// advance independently: a column a cycle at full rate.
//
// Ports:
//   in_valid, in_ready, in_acc  The combiner's FIFO: one accumulator a column, columns in
//                               order 0..COLS-1, so a count of those taken addresses their
//                               parameters (the controller numbers the results).
//   param_read, param_col       Column-parameter read (enable, address); param_* one cycle
//   param_*                     later, held while param_read is low.
//   slot_free, slot_take        Output FIFO credit.
//   out_push, out_*             One result for the output FIFO.
module cim_activation_unit #(
    parameter integer ACC_BITS = 14,
    parameter integer SUM_BITS = 33,      // holds acc + bias
    parameter integer OUT_BITS = 8,
    parameter integer OUT_SIGNED = 1,
    parameter integer RELU = 0,
    parameter integer DIGIT_BITS = 4,     // 1, 2, 4, 8 or 16
    parameter integer STEP_BITS = 2,      // bits of 0..16/DIGIT_BITS-1, >= 1
    parameter integer COLS = 4,
    parameter integer COL_BITS = 2        // bits of a column index, >= 1
) (
    input  wire                       clock,
    input  wire                       reset,
    input  wire                       in_valid,
    output wire                       in_ready,
    input  wire [ACC_BITS-1:0]        in_acc,
    output wire                       param_read,
    output reg  [COL_BITS-1:0]        param_col,
    input  wire [15:0]                param_mult,
    input  wire [4:0]                 param_shift,
    input  wire [31:0]                param_bias,
    input  wire                       slot_free,
    output wire                       slot_take,
    output reg                        out_push,
    output reg  [OUT_BITS-1:0]        out_data
);
    localparam integer STEPS = 16 / DIGIT_BITS;
    localparam integer LAST_STEP_INT = STEPS - 1;
    localparam [STEP_BITS-1:0] LAST_STEP = LAST_STEP_INT[STEP_BITS-1:0];
    // |d * sum| <= 2^(DIGIT_BITS-1) * |sum|; the running upper part stays within |sum| + 1.
    localparam integer PARTIAL_BITS = SUM_BITS + DIGIT_BITS;
    localparam integer UPPER_BITS = SUM_BITS + 1;
    localparam integer STEP_SUM_BITS = PARTIAL_BITS + 1;
    // The product {upper, lower} with a zero below it: the rounding bit after the shift.
    localparam integer SHIFTED_BITS = UPPER_BITS + 17;
    // The output as a signed value with one bit to spare, and once more for the increment.
    localparam integer NARROW_BITS = OUT_BITS + 1;
    localparam integer ROUNDED_BITS = OUT_BITS + 2;
    localparam integer LAST_COL_INT = COLS - 1;
    localparam [COL_BITS-1:0] LAST_COL = LAST_COL_INT[COL_BITS-1:0];
    localparam [ROUNDED_BITS-1:0] ONE = 1;
    localparam [ROUNDED_BITS-1:0] OUT_MAX = (ONE << (OUT_SIGNED != 0 ? OUT_BITS - 1 : OUT_BITS)) - ONE;
    localparam [ROUNDED_BITS-1:0] OUT_MIN = OUT_SIGNED != 0 ? -(ONE << (OUT_BITS - 1)) : {ROUNDED_BITS{1'b0}};

    // Load registers: a column whose parameters are being read (1), then held with them (2).
    reg loaded_1, loaded_2;
    reg [ACC_BITS-1:0] acc_1, acc_2;
    reg [15:0] mult_2;
    reg [4:0] shift_2;
    reg [31:0] bias_2;

    // Multiplier: a column in flight while busy.
    reg busy;
    reg [STEP_BITS-1:0] step;
    reg [SUM_BITS-1:0] sum;
    reg [15:0] digits;  // the multiplier's digits not yet used, the next in the low bits
    reg [4:0] shift_m;

    wire finishing = busy && step == LAST_STEP;
    wire start = loaded_2 && (!busy || finishing);     // the multiplier takes the column
    wire advance = loaded_1 && (!loaded_2 || start);  // stage 1 moves to stage 2
    assign in_ready = slot_free && (!loaded_1 || advance);
    assign slot_take = in_valid && in_ready;
    assign param_read = slot_take;

    // The column at the FIFO's head: columns taken since reset, modulo COLS.
    always @(posedge clock) begin
        if (reset) param_col <= {COL_BITS{1'b0}};
        else if (slot_take) param_col <= (param_col == LAST_COL) ? {COL_BITS{1'b0}} : param_col + 1'b1;
    end

    wire [SUM_BITS-1:0] acc_wide = {{(SUM_BITS-ACC_BITS){acc_2[ACC_BITS-1]}}, acc_2};
    wire [SUM_BITS-1:0] bias_wide = {{(SUM_BITS-32){bias_2[31]}}, bias_2};

    // This step's Booth digit d = -2^(DIGIT_BITS-1) * top bit + the other bits + the previous
    // digit's top bit; for one or two bits, as a multiple of the sum and a sign: the partial
    // product is that multiple, added or subtracted (ones' complement plus a carry in).
    wire [DIGIT_BITS-1:0] raw = digits[DIGIT_BITS-1:0];
    function automatic signed [DIGIT_BITS:0] booth_digit(input [DIGIT_BITS-1:0] bits, input carry);
        booth_digit = $signed({bits[DIGIT_BITS-1], bits}) + $signed({{DIGIT_BITS{1'b0}}, carry});
    endfunction
    wire [PARTIAL_BITS-1:0] multiple;
    wire negative;
    // The digit's step (valid, first, last) as its multiple leaves the multiplier, and the
    // column's shift as its last partial product is added.
    wire multiple_valid, multiple_first, multiple_last;
    reg [4:0] shift_a;  // captured at the column's last step
    wire [4:0] shift_x;
    generate
        if (DIGIT_BITS <= 2) begin : small_digit
            wire [PARTIAL_BITS-1:0] sum_wide = {{DIGIT_BITS{sum[SUM_BITS-1]}}, sum};
            reg digit_carry;  // the top bit of the previous digit
            always @(posedge clock) begin
                if (start) digit_carry <= 1'b0;
                else if (busy) digit_carry <= raw[DIGIT_BITS-1];
            end
            if (DIGIT_BITS == 1) begin : booth2
                // d = carry - bit: 0, +1 or -1.
                assign negative = raw[0] && !digit_carry;
                assign multiple = (raw[0] != digit_carry) ? sum_wide : {PARTIAL_BITS{1'b0}};
            end else begin : booth4
                // d = -2 * b1 + b0 + carry: 0, +-1 or +-2.
                wire one = raw[0] != digit_carry;
                wire two = raw[1] ? (!raw[0] && !digit_carry) : (raw[0] && digit_carry);
                assign negative = raw[1] && !(raw[0] && digit_carry);
                assign multiple = one ? sum_wide : two ? (sum_wide << 1) : {PARTIAL_BITS{1'b0}};
            end
            assign multiple_valid = busy;
            assign multiple_first = busy && step == {STEP_BITS{1'b0}};
            assign multiple_last = finishing;
            assign shift_x = shift_a;
        end else begin : booth_multiply
            // Wide digits: a signed multiply (DSP blocks on an FPGA) by a digit recoded a step
            // ahead into a register, so no adder sits in front of the multiply.
            wire signed [DIGIT_BITS:0] digit;
            if (DIGIT_BITS == 16) begin : one_digit
                // One step: the digit is the multiplier, sign-extended (no adder).
                assign digit = booth_digit(raw, 1'b0);
            end else begin : digits_ahead
                reg signed [DIGIT_BITS:0] ahead;
                always @(posedge clock) begin
                    if (start) ahead <= booth_digit(mult_2[DIGIT_BITS-1:0], 1'b0);
                    else if (busy) ahead <= booth_digit(digits[2*DIGIT_BITS-1:DIGIT_BITS], raw[DIGIT_BITS-1]);
                end
                assign digit = ahead;
            end
            // d * sum = d * high * 2^17 + d * low: two multiplies, each product registered.
            localparam integer LOW_BITS = 17;
            localparam integer LOW_PRODUCT_BITS = LOW_BITS + DIGIT_BITS + 2;  // signed
            localparam integer HIGH_PRODUCT_BITS = PARTIAL_BITS - LOW_BITS;   // the rest, modulo
            wire signed [LOW_PRODUCT_BITS-1:0] low_wide = $signed({{(LOW_PRODUCT_BITS-LOW_BITS){1'b0}}, sum[LOW_BITS-1:0]});
            wire signed [LOW_PRODUCT_BITS-1:0] digit_low = $signed({{(LOW_PRODUCT_BITS-DIGIT_BITS-1){digit[DIGIT_BITS]}}, digit});
            wire signed [HIGH_PRODUCT_BITS-1:0] high_wide = $signed({{(HIGH_PRODUCT_BITS-SUM_BITS+LOW_BITS){sum[SUM_BITS-1]}}, sum[SUM_BITS-1:LOW_BITS]});
            wire signed [HIGH_PRODUCT_BITS-1:0] digit_high = $signed({{(HIGH_PRODUCT_BITS-DIGIT_BITS-1){digit[DIGIT_BITS]}}, digit});
            reg [LOW_PRODUCT_BITS-1:0] low_product;
            reg [HIGH_PRODUCT_BITS-1:0] high_product;
            always @(posedge clock) begin
                low_product <= $unsigned(low_wide * digit_low);
                high_product <= $unsigned(high_wide * digit_high);
            end
            assign negative = 1'b0;
            assign multiple = {high_product, {LOW_BITS{1'b0}}}
                              + {{(PARTIAL_BITS-LOW_PRODUCT_BITS){low_product[LOW_PRODUCT_BITS-1]}}, low_product};
            // The step and the shift follow their products by the stage.
            reg product_valid, product_first, product_last;
            reg [4:0] shift_b;
            always @(posedge clock) begin
                if (reset) product_valid <= 1'b0;
                else product_valid <= busy;
            end
            always @(posedge clock) begin
                product_first <= busy && step == {STEP_BITS{1'b0}};
                product_last <= finishing;
                shift_b <= shift_a;
            end
            assign multiple_valid = product_valid;
            assign multiple_first = product_first;
            assign multiple_last = product_last;
            assign shift_x = shift_b;
        end
    endgenerate

    // The registered partial product of the digit whose multiple left the multiplier in the
    // previous cycle, added in this one.
    reg partial_valid, partial_first, partial_last, partial_negative;
    reg [PARTIAL_BITS-1:0] partial;
    reg [UPPER_BITS-1:0] upper;  // the product's bits from 16 - DIGIT_BITS * (steps left) up
    reg [15:0] lower;            // its low 16 bits, filled from the top
    wire [UPPER_BITS-1:0] upper_in = partial_first ? {UPPER_BITS{1'b0}} : upper;
    wire [STEP_SUM_BITS-1:0] addend = partial_negative ? ~{partial[PARTIAL_BITS-1], partial}
                                                        : {partial[PARTIAL_BITS-1], partial};
    wire [STEP_SUM_BITS-1:0] step_sum = {{(STEP_SUM_BITS-UPPER_BITS){upper_in[UPPER_BITS-1]}}, upper_in}
                                        + addend + {{(STEP_SUM_BITS-1){1'b0}}, partial_negative};
    wire [15:0] lower_next;
    generate
        if (DIGIT_BITS == 16) begin : one_step
            assign lower_next = step_sum[15:0];
        end else begin : steps
            assign lower_next = {step_sum[DIGIT_BITS-1:0], lower[15:DIGIT_BITS]};
        end
    endgenerate

    // Round, shift, clamp.
    reg valid_p, valid_n, valid_r;
    reg [SHIFTED_BITS-1:0] shifted;
    reg [NARROW_BITS-1:0] narrow;  // t >>> shift, valid when it fits
    reg round_up;                  // bit shift-1 of t (0 when shift = 0)
    reg fits;
    reg overflow_negative;
    reg [4:0] shift_p;

    wire [SHIFTED_BITS-NARROW_BITS-1:0] upper_bits = shifted[SHIFTED_BITS-1:NARROW_BITS];
    wire [ROUNDED_BITS-1:0] rounded = {narrow[NARROW_BITS-1], narrow} + {{(ROUNDED_BITS-1){1'b0}}, round_up};
    wire rounded_negative = rounded[ROUNDED_BITS-1];
    wire [ROUNDED_BITS-1:0] rectified = (RELU != 0 && rounded_negative) ? {ROUNDED_BITS{1'b0}} : rounded;
    wire [OUT_BITS-1:0] clamped =
        !fits ? ((overflow_negative && RELU == 0) ? OUT_MIN[OUT_BITS-1:0] : (overflow_negative ? {OUT_BITS{1'b0}} : OUT_MAX[OUT_BITS-1:0]))
        : $signed(rectified) > $signed(OUT_MAX) ? OUT_MAX[OUT_BITS-1:0]
        : $signed(rectified) < $signed(OUT_MIN) ? OUT_MIN[OUT_BITS-1:0] : rectified[OUT_BITS-1:0];

    always @(posedge clock) begin
        if (reset) begin
            loaded_1 <= 1'b0;
            loaded_2 <= 1'b0;
            busy <= 1'b0;
            step <= {STEP_BITS{1'b0}};
            partial_valid <= 1'b0;
            valid_p <= 1'b0;
            valid_n <= 1'b0;
            valid_r <= 1'b0;
            out_push <= 1'b0;
        end else begin
            if (slot_take) loaded_1 <= 1'b1;
            else if (advance) loaded_1 <= 1'b0;
            if (advance) loaded_2 <= 1'b1;
            else if (start) loaded_2 <= 1'b0;
            if (start) begin
                busy <= 1'b1;
                step <= {STEP_BITS{1'b0}};
            end else if (finishing) begin
                busy <= 1'b0;
            end else if (busy) begin
                step <= step + 1'b1;
            end
            partial_valid <= multiple_valid;
            valid_p <= partial_valid && partial_last;
            valid_n <= valid_p;
            valid_r <= valid_n;
            out_push <= valid_r;
        end
    end

    always @(posedge clock) begin
        if (slot_take) begin
            acc_1 <= in_acc;
        end
        if (advance) begin
            acc_2 <= acc_1;
            mult_2 <= param_mult;
            shift_2 <= param_shift;
            bias_2 <= param_bias;
        end
        if (start) begin
            sum <= acc_wide + bias_wide;
            digits <= mult_2;
            shift_m <= shift_2;
        end else if (busy) begin
            digits <= digits >> DIGIT_BITS;
        end
        partial <= multiple;
        partial_negative <= negative;
        partial_first <= multiple_first;
        partial_last <= multiple_last;
        if (finishing) begin
            shift_a <= shift_m;
        end
        if (partial_valid) begin
            upper <= step_sum[DIGIT_BITS +: UPPER_BITS];
            lower <= lower_next;
        end
        shift_p <= shift_x;
        shifted <= $unsigned($signed({upper, lower, 1'b0}) >>> shift_p);
        narrow <= shifted[NARROW_BITS:1];
        round_up <= shifted[0];
        fits <= upper_bits == {(SHIFTED_BITS-NARROW_BITS){shifted[NARROW_BITS]}};
        overflow_negative <= shifted[SHIFTED_BITS-1];
        out_data <= clamped;
    end
endmodule
`default_nettype wire

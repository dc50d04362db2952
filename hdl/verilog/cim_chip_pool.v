`timescale 1ns / 1ps
`default_nettype none
// cim_chip_pool: a window operator of the chip over a [C, H, W] tensor, as the chip's numeric
// contract has it (docs/chip.md): for each output (c, oy, ox) in C order, the window's
// positions (oy*STRIDE_Y + ky - PAD_TOP, ox*STRIDE_X + kx - PAD_LEFT) inside the input give
//   AVERAGE = 0:  y = the largest of them
//   AVERAGE = 1:  y = floor((2*sum + n) / (2*n)), n the positions inside the input, or with
//                 COUNT_PAD those inside the padded input (the mean, rounded half up)
// then y = RELU ? max(y, 0) : y. ReLU alone is a 1x1 window with RELU = 1; a global average
// pooling is an H x W window.
//
// One window position a cycle: its code is read while the one before it is taken into the
// running maximum or sum; an average then divides, one quotient bit a cycle (restoring
// division of the magnitude; a negative numerator rounds toward minus infinity).
//
// Ports:
//   start                 One cycle: run over the tensor (ignored until done).
//   done                  One cycle, with the write of the last output.
//   rd_en, rd_addr, rd_data   The input memory's read (rd_data the cycle after rd_en, held).
//   wr_en, wr_addr, wr_data   The output memory's write.
module cim_chip_pool #(
    parameter integer C = 8,
    parameter integer H = 8,
    parameter integer W = 8,
    parameter integer KH = 2,
    parameter integer KW = 2,
    parameter integer STRIDE_Y = 2,
    parameter integer STRIDE_X = 2,
    parameter integer PAD_TOP = 0,
    parameter integer PAD_LEFT = 0,
    parameter integer PAD_BOTTOM = 0,
    parameter integer PAD_RIGHT = 0,
    parameter integer HOUT = 4,
    parameter integer WOUT = 4,
    parameter integer AVERAGE = 0,
    parameter integer COUNT_PAD = 0,
    parameter integer RELU = 0,
    parameter integer IN_BITS = 5,       // the input memory's two's complement codes
    parameter integer OUT_BITS = 5,      // the output memory's; holds every input code
    parameter integer IN_ADDR_BITS = 9,
    parameter integer OUT_ADDR_BITS = 7,
    parameter integer COUNT_BITS = 4,    // 0..max(C, KH, KW, HOUT, WOUT)
    parameter integer COORD_BITS = 10,   // signed: coordinates of the padded input; > IN_ADDR_BITS
    parameter integer SUM_BITS = 8,      // holds the sum of a window's codes
    parameter integer DIVISOR_BITS = 4,  // holds 2 * KH * KW
    parameter integer STEP_BITS = 4      // 0..SUM_BITS + 1, the division's steps
) (
    input  wire                     clock,
    input  wire                     reset,
    input  wire                     start,
    output reg                      done,
    output wire                     rd_en,
    output wire [IN_ADDR_BITS-1:0]  rd_addr,
    input  wire [IN_BITS-1:0]       rd_data,
    output reg                      wr_en,
    output reg  [OUT_ADDR_BITS-1:0] wr_addr,
    output reg  [OUT_BITS-1:0]      wr_data
);
    localparam integer NUM_BITS = SUM_BITS + 2;  // 2*sum + n, and its magnitude
    localparam [COUNT_BITS-1:0] ONE = 1;
    localparam [COUNT_BITS-1:0] LAST_C = C[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_KY = KH[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_KX = KW[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_OY = HOUT[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_OX = WOUT[COUNT_BITS-1:0] - ONE;
    localparam integer Y_FIRST_INT = -PAD_TOP;
    localparam integer X_FIRST_INT = -PAD_LEFT;
    localparam integer Y_END_INT = H + PAD_BOTTOM;
    localparam integer X_END_INT = W + PAD_RIGHT;
    localparam signed [COORD_BITS-1:0] Y_FIRST = $signed(Y_FIRST_INT[COORD_BITS-1:0]);
    localparam signed [COORD_BITS-1:0] X_FIRST = $signed(X_FIRST_INT[COORD_BITS-1:0]);
    localparam signed [COORD_BITS-1:0] Y_STEP = STRIDE_Y[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] X_STEP = STRIDE_X[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] HEIGHT = H[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] WIDTH = W[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] Y_END = Y_END_INT[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] X_END = X_END_INT[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] COORD_ONE = 1;
    localparam integer PLANE_INT = H * W;
    localparam [IN_ADDR_BITS-1:0] PLANE = PLANE_INT[IN_ADDR_BITS-1:0];
    localparam [IN_ADDR_BITS-1:0] ROW_STRIDE = W[IN_ADDR_BITS-1:0];
    localparam [OUT_ADDR_BITS-1:0] OUT_ONE = 1;
    localparam [DIVISOR_BITS-1:0] DIVISOR_ONE = 1;
    localparam [STEP_BITS-1:0] STEP_ONE = 1;
    localparam [STEP_BITS-1:0] LAST_STEP = NUM_BITS[STEP_BITS-1:0] - STEP_ONE;
    localparam [1:0] IDLE = 2'd0, SCAN = 2'd1, DIVIDE = 2'd2, WRITE = 2'd3;

    reg [1:0]                   state;
    reg [COUNT_BITS-1:0]        c, oy, ox, ky, kx;
    reg signed [COORD_BITS-1:0] y_origin, x_origin, y, x;
    reg [IN_ADDR_BITS-1:0]      plane_base;
    reg                         scanning;   // SCAN: window positions left to issue
    reg                         arriving;   // a code read last cycle is on rd_data
    reg signed [SUM_BITS-1:0]   sum;        // the running sum, or the running maximum
    reg                         any;        // the maximum holds a code
    reg [DIVISOR_BITS-1:0]      counted, padded;  // positions counted, doubled at the end
    reg [NUM_BITS-1:0]          quotient;   // DIVIDE: the numerator shifting out, bits in
    reg [DIVISOR_BITS-1:0]      remainder;
    reg [DIVISOR_BITS-1:0]      divisor;
    reg                         negative;
    reg [STEP_BITS-1:0]         step;
    reg                         last_output;

    wire in_plane = y >= 0 && y < HEIGHT && x >= 0 && x < WIDTH;
    wire in_padding = y < Y_END && x < X_END;
    wire last_position = ky == LAST_KY && kx == LAST_KX;
    assign rd_en = state == SCAN && scanning && in_plane;
    assign rd_addr = plane_base + y[IN_ADDR_BITS-1:0] * ROW_STRIDE + x[IN_ADDR_BITS-1:0];

    wire signed [SUM_BITS-1:0] code =
        $signed({{(SUM_BITS - IN_BITS){rd_data[IN_BITS-1]}}, rd_data});
    // 2*sum + n and its magnitude, less 1 short of a whole divisor where it is negative, so the
    // division of magnitudes rounds toward minus infinity.
    wire [DIVISOR_BITS-1:0] count = COUNT_PAD != 0 ? padded : counted;
    wire signed [NUM_BITS-1:0] numerator = $signed({sum[SUM_BITS-1], sum, 1'b0})
        + $signed({{(NUM_BITS - DIVISOR_BITS){1'b0}}, count});
    wire [NUM_BITS-1:0] magnitude = numerator[NUM_BITS-1]
        ? $unsigned(-numerator) + {{(NUM_BITS - DIVISOR_BITS - 1){1'b0}}, count, 1'b0}
          - {{(NUM_BITS - 1){1'b0}}, 1'b1}
        : $unsigned(numerator);
    // One step of restoring division: the remainder with the next numerator bit, less the
    // divisor if it goes.
    wire [DIVISOR_BITS:0] trial = {remainder, quotient[NUM_BITS-1]};
    wire goes = trial >= {1'b0, divisor};
    // trial - divisor < divisor where it goes: its low bits are the whole difference.
    wire [DIVISOR_BITS-1:0] reduced = trial[DIVISOR_BITS-1:0] - divisor;
    wire signed [NUM_BITS-1:0] mean = negative ? -$signed(quotient) : $signed(quotient);
    wire signed [NUM_BITS-1:0] pooled = AVERAGE != 0 ? mean
        : $signed({{(NUM_BITS - SUM_BITS){sum[SUM_BITS-1]}}, sum});
    wire signed [NUM_BITS-1:0] result = RELU != 0 && pooled < 0 ? $signed({NUM_BITS{1'b0}}) : pooled;
    // Every result is a code of the input (or 0), so it fits the output's bits; the test keeps
    // a value that did not from wrapping.
    wire [NUM_BITS-OUT_BITS:0] upper = result[NUM_BITS-1:OUT_BITS-1];
    wire fits = &upper || ~|upper;
    wire [OUT_BITS-1:0] saturated = fits ? result[OUT_BITS-1:0]
                                         : {result[NUM_BITS-1], {(OUT_BITS - 1){!result[NUM_BITS-1]}}};

    always @(posedge clock) begin
        if (reset) begin
            state <= IDLE;
            done <= 1'b0;
            wr_en <= 1'b0;
            arriving <= 1'b0;
        end else begin
            done <= 1'b0;
            wr_en <= 1'b0;
            arriving <= rd_en;
            case (state)
                IDLE: if (start) state <= SCAN;
                SCAN: if (!scanning && !arriving) state <= AVERAGE != 0 ? DIVIDE : WRITE;
                DIVIDE: if (step == LAST_STEP) state <= WRITE;
                default: begin
                    wr_en <= 1'b1;
                    done <= last_output;
                    state <= last_output ? IDLE : SCAN;
                end
            endcase
        end
    end

    // The window's positions, and the output they make.
    always @(posedge clock) begin
        if (state == IDLE) begin
            c <= {COUNT_BITS{1'b0}};
            oy <= {COUNT_BITS{1'b0}};
            ox <= {COUNT_BITS{1'b0}};
            ky <= {COUNT_BITS{1'b0}};
            kx <= {COUNT_BITS{1'b0}};
            y_origin <= Y_FIRST;
            x_origin <= X_FIRST;
            y <= Y_FIRST;
            x <= X_FIRST;
            plane_base <= {IN_ADDR_BITS{1'b0}};
            wr_addr <= {OUT_ADDR_BITS{1'b0}} - OUT_ONE;
            scanning <= 1'b1;
            sum <= {SUM_BITS{1'b0}};
            any <= 1'b0;
            counted <= {DIVISOR_BITS{1'b0}};
            padded <= {DIVISOR_BITS{1'b0}};
        end else if (state == SCAN) begin
            if (scanning) begin
                if (in_plane) counted <= counted + DIVISOR_ONE;
                if (in_padding) padded <= padded + DIVISOR_ONE;
                if (last_position) scanning <= 1'b0;
                if (kx != LAST_KX) begin
                    kx <= kx + ONE;
                    x <= x + COORD_ONE;
                end else begin
                    kx <= {COUNT_BITS{1'b0}};
                    x <= x_origin;
                    ky <= last_position ? {COUNT_BITS{1'b0}} : ky + ONE;
                    y <= last_position ? y_origin : y + COORD_ONE;
                end
            end
            if (arriving) begin
                any <= 1'b1;
                if (AVERAGE != 0) sum <= sum + code;
                else if (!any || code > sum) sum <= code;
            end
            if (!scanning && !arriving) begin
                // The last position is in: the division's first step, or the write.
                remainder <= {DIVISOR_BITS{1'b0}};
                divisor <= {count[DIVISOR_BITS-2:0], 1'b0};
                quotient <= magnitude;
                negative <= numerator[NUM_BITS-1];
                step <= {STEP_BITS{1'b0}};
                last_output <= c == LAST_C && oy == LAST_OY && ox == LAST_OX;
            end
        end else if (state == DIVIDE) begin
            remainder <= goes ? reduced : trial[DIVISOR_BITS-1:0];
            quotient <= {quotient[NUM_BITS-2:0], goes};
            step <= step + STEP_ONE;
        end else begin
            // WRITE: the output, then the next window.
            wr_addr <= wr_addr + OUT_ONE;
            wr_data <= saturated;
            scanning <= 1'b1;
            sum <= {SUM_BITS{1'b0}};
            any <= 1'b0;
            counted <= {DIVISOR_BITS{1'b0}};
            padded <= {DIVISOR_BITS{1'b0}};
            if (ox != LAST_OX) begin
                ox <= ox + ONE;
                x_origin <= x_origin + X_STEP;
                x <= x_origin + X_STEP;
                y <= y_origin;
            end else begin
                ox <= {COUNT_BITS{1'b0}};
                x_origin <= X_FIRST;
                x <= X_FIRST;
                if (oy != LAST_OY) begin
                    oy <= oy + ONE;
                    y_origin <= y_origin + Y_STEP;
                    y <= y_origin + Y_STEP;
                end else begin
                    oy <= {COUNT_BITS{1'b0}};
                    y_origin <= Y_FIRST;
                    y <= Y_FIRST;
                    c <= c + ONE;
                    plane_base <= plane_base + PLANE;
                end
            end
        end
    end
endmodule
`default_nettype wire

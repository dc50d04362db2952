`timescale 1ns / 1ps
`default_nettype none
// cim_chip_add: a residual connection of the chip, two tensors of COUNT codes added element by
// element as the chip's numeric contract has it (docs/chip.md):
//   y = clamp((a*FACTOR_A + b*FACTOR_B + 2^(SHIFT-1)) >> SHIFT, OUT_LO, OUT_HI)
// (>> rounds toward minus infinity), FACTOR_A and FACTOR_B the fixed-point ratios of the
// inputs' scales to the output's: two's complement words programmed into the table (entry 0
// FACTOR_A, entry 1 FACTOR_B).
//
// Three cycles an element: a is read, then b, then the sum is written (the two reads may be
// of the same memory: they never fall on one cycle).
//
// Ports:
//   start                 One cycle: run over the tensors (ignored until done).
//   done                  One cycle, with the write of the last output.
//   a_rd_*, b_rd_*        The input memories' reads (rd_data the cycle after rd_en, held).
//   param_wr_en, param_entry, param_factor   A write of the table (entries past 1 are
//                         ignored; the chip flags them). Between images.
//   wr_en, wr_addr, wr_data   The output memory's write.
module cim_chip_add #(
    parameter integer COUNT = 64,
    parameter integer A_BITS = 5,         // the inputs' two's complement codes
    parameter integer B_BITS = 5,
    parameter integer OUT_BITS = 5,
    parameter integer OUT_LO = -15,
    parameter integer OUT_HI = 15,
    parameter integer SHIFT = 16,
    parameter integer A_ADDR_BITS = 6,
    parameter integer B_ADDR_BITS = 6,
    parameter integer OUT_ADDR_BITS = 6,
    parameter integer INDEX_BITS = 7,     // 0..COUNT, >= every address width
    parameter integer ENTRY_BITS = 1
) (
    input  wire                     clock,
    input  wire                     reset,
    input  wire                     start,
    output reg                      done,
    output wire                     a_rd_en,
    output wire [A_ADDR_BITS-1:0]   a_rd_addr,
    input  wire [A_BITS-1:0]        a_rd_data,
    output wire                     b_rd_en,
    output wire [B_ADDR_BITS-1:0]   b_rd_addr,
    input  wire [B_BITS-1:0]        b_rd_data,
    input  wire                     param_wr_en,
    input  wire [ENTRY_BITS-1:0]    param_entry,
    input  wire [31:0]              param_factor,
    output reg                      wr_en,
    output reg  [OUT_ADDR_BITS-1:0] wr_addr,
    output reg  [OUT_BITS-1:0]      wr_data
);
    localparam integer FACTOR_BITS = 32;
    localparam integer SUM_BITS = (A_BITS > B_BITS ? A_BITS : B_BITS) + FACTOR_BITS + 2;
    localparam [INDEX_BITS-1:0] ONE = 1;
    localparam [INDEX_BITS-1:0] LAST = COUNT[INDEX_BITS-1:0] - ONE;
    localparam signed [SUM_BITS-1:0] UNIT = 1;
    localparam signed [SUM_BITS-1:0] HALF = UNIT <<< (SHIFT - 1);
    localparam signed [OUT_BITS-1:0] LO_CODE = $signed(OUT_LO[OUT_BITS-1:0]);
    localparam signed [OUT_BITS-1:0] HI_CODE = $signed(OUT_HI[OUT_BITS-1:0]);
    localparam [1:0] IDLE = 2'd0, READ_A = 2'd1, READ_B = 2'd2, SUM = 2'd3;

    reg [1:0]             state;
    reg [INDEX_BITS-1:0]  index;
    reg signed [SUM_BITS-1:0] scaled_a;
    reg [FACTOR_BITS-1:0] factor_a, factor_b;

    localparam [ENTRY_BITS-1:0] ENTRY_A = 0;
    localparam [ENTRY_BITS-1:0] ENTRY_B = 1;
    always @(posedge clock) begin
        if (param_wr_en && param_entry == ENTRY_A) factor_a <= param_factor;
        if (param_wr_en && param_entry == ENTRY_B) factor_b <= param_factor;
    end

    assign a_rd_en = state == READ_A;
    assign a_rd_addr = index[A_ADDR_BITS-1:0];
    assign b_rd_en = state == READ_B;
    assign b_rd_addr = index[B_ADDR_BITS-1:0];

    wire signed [SUM_BITS-1:0] a = $signed({{(SUM_BITS - A_BITS){a_rd_data[A_BITS-1]}}, a_rd_data});
    wire signed [SUM_BITS-1:0] b = $signed({{(SUM_BITS - B_BITS){b_rd_data[B_BITS-1]}}, b_rd_data});
    wire signed [SUM_BITS-1:0] ma = $signed({{(SUM_BITS - FACTOR_BITS){factor_a[FACTOR_BITS-1]}}, factor_a});
    wire signed [SUM_BITS-1:0] mb = $signed({{(SUM_BITS - FACTOR_BITS){factor_b[FACTOR_BITS-1]}}, factor_b});
    wire signed [SUM_BITS-1:0] total = scaled_a + b * mb + HALF;
    wire signed [SUM_BITS-1:0] shifted = total >>> SHIFT;
    // The clamp: a value whose bits above the code's are all its sign fits a code and compares
    // as one; any other saturates by its sign.
    wire [SUM_BITS-OUT_BITS:0] upper = shifted[SUM_BITS-1:OUT_BITS-1];
    wire fits = &upper || ~|upper;
    wire signed [OUT_BITS-1:0] narrow = $signed(shifted[OUT_BITS-1:0]);
    wire below = fits ? narrow < LO_CODE : shifted[SUM_BITS-1];
    wire above = fits ? narrow > HI_CODE : !shifted[SUM_BITS-1];

    always @(posedge clock) begin
        if (reset) begin
            state <= IDLE;
            done <= 1'b0;
            wr_en <= 1'b0;
        end else begin
            done <= 1'b0;
            wr_en <= 1'b0;
            case (state)
                IDLE: if (start) state <= READ_A;
                READ_A: state <= READ_B;
                READ_B: state <= SUM;
                default: begin
                    wr_en <= 1'b1;
                    done <= index == LAST;
                    state <= index == LAST ? IDLE : READ_A;
                end
            endcase
        end
    end

    always @(posedge clock) begin
        if (state == IDLE) index <= {INDEX_BITS{1'b0}};
        if (state == READ_B) scaled_a <= a * ma;
        if (state == SUM) begin
            index <= index + ONE;
            wr_addr <= index[OUT_ADDR_BITS-1:0];
            wr_data <= $unsigned(below ? LO_CODE : above ? HI_CODE : narrow);
        end
    end
endmodule
`default_nettype wire

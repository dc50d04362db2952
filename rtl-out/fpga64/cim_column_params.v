`timescale 1ns / 1ps
`default_nettype none
// cim_column_params: the per-column parameters mult (signed 16), shift (0..31) and bias
// (signed 32), one 53-bit word per logical column, in a memory with a synchronous read port (it
// maps to RAM). Columns never written since reset read the spec's defaults 1, 0, 0: one
// `written` flag per column is cleared by reset, the memory itself is not.
//
// Clock gating: the read register loads only on rd_en, behind a cim_clock_gate. With
// CIM_CLOCK_ENABLES (FPGA, formal) the parameters are a memory the tools map to RAM; otherwise
// (ASIC) each column's word is a register behind a gate of its own, clocked only when written.
//
// Ports:
//   wr_en, wr_col, wr_mult, wr_shift, wr_bias   Host write (ignored for wr_col >= COLS).
//   rd_en, rd_col               Read; rd_mult, rd_shift, rd_bias one cycle later, held while
//                               rd_en is low.
module cim_column_params #(
    parameter integer COLS = 4,
    parameter integer COL_BITS = 2,      // bits of a column index, >= 1
    parameter integer WR_COL_BITS = 8    // width of the host's column address
) (
    input  wire                   clock,
    input  wire                   reset,
    input  wire                   wr_en,
    input  wire [WR_COL_BITS-1:0] wr_col,
    input  wire [15:0]            wr_mult,
    input  wire [4:0]             wr_shift,
    input  wire [31:0]            wr_bias,
    input  wire                   rd_en,
    input  wire [COL_BITS-1:0]    rd_col,
    output wire [15:0]            rd_mult,
    output wire [4:0]             rd_shift,
    output wire [31:0]            rd_bias
);
    localparam [52:0] DEFAULTS = {32'd0, 5'd0, 16'd1};
    localparam [WR_COL_BITS:0] COL_COUNT = COLS[WR_COL_BITS:0];

    reg [COLS-1:0] written;
    reg [52:0] word;
    reg word_written;

    wire wr_ok = wr_en && ({1'b0, wr_col} < COL_COUNT);
    wire [COL_BITS-1:0] wr_index = wr_col[COL_BITS-1:0];

    wire read_clock, read_load;

`ifdef CIM_CLOCK_ENABLES
    reg [52:0] params [0:COLS-1];
    always @(posedge clock) begin
        if (wr_ok) params[wr_index] <= {wr_bias, wr_shift, wr_mult};
    end
`else
    wire [52:0] params [0:COLS-1];
    genvar c;
    generate
        for (c = 0; c < COLS; c = c + 1) begin : column
            localparam integer COL_INT = c;
            localparam [COL_BITS-1:0] COL = COL_INT[COL_BITS-1:0];
            wire gated_clock, load;
            reg [52:0] value;
            cim_clock_gate gate (
                .clock(clock),
                .enable(wr_ok && wr_index == COL),
                .test_enable(1'b0),
                .gated_clock(gated_clock),
                .load(load)
            );
            always @(posedge gated_clock) begin
                if (load) value <= {wr_bias, wr_shift, wr_mult};
            end
            assign params[c] = value;
        end
    endgenerate
`endif

    cim_clock_gate read_gate (
        .clock(clock),
        .enable(rd_en),
        .test_enable(1'b0),
        .gated_clock(read_clock),
        .load(read_load)
    );
    always @(posedge read_clock) begin
        if (read_load) word <= params[rd_col];
    end

    always @(posedge clock) begin
        if (reset) written <= {COLS{1'b0}};
        else if (wr_ok) written[wr_index] <= 1'b1;
        if (rd_en) word_written <= written[rd_col];  // one bit: a gate would cost more
    end

    assign {rd_bias, rd_shift, rd_mult} = word_written ? word : DEFAULTS;
endmodule
`default_nettype wire

// cim_column_params: the per-column periphery parameters mult (signed 16), shift (0..31) and
// bias (signed 32), one word per logical column. Written by the host's programming port, read
// combinationally by the activation unit. After reset every column reads 1, 0, 0 (the spec's
// defaults) until programmed: `programmed` has one bit per column and is cleared by reset.
module cim_column_params #(
    parameter integer COLS = 4
) (
    input wire clock,
    input wire reset,
    input wire wr_en,
    input wire [15:0] wr_col,
    input wire [15:0] wr_mult,
    input wire [4:0] wr_shift,
    input wire [31:0] wr_bias,
    input wire [15:0] rd_col,
    output wire [15:0] rd_mult,
    output wire [4:0] rd_shift,
    output wire [31:0] rd_bias
);
    localparam [31:0] COUNT = COLS;
    localparam integer AW = (COLS > 1) ? $clog2(COLS) : 1;
    reg [52:0] params [0:COLS-1];
    reg [COLS-1:0] programmed;
    wire wr_ok = wr_en && ({16'd0, wr_col} < COUNT);
    wire rd_ok = {16'd0, rd_col} < COUNT;
    wire [AW-1:0] wr_index = wr_col[AW-1:0];
    wire [AW-1:0] rd_index = rd_col[AW-1:0];
    // Columns at or past COLS are ignored (writes) or read the defaults, by wr_ok and rd_ok.
    wire unused_column_bits = ^{wr_col[15:AW], rd_col[15:AW]};

    always @(posedge clock) begin
        if (wr_ok) params[wr_index] <= {wr_bias, wr_shift, wr_mult};
    end
    always @(posedge clock) begin
        if (reset) programmed <= {COLS{1'b0}};
        else if (wr_ok) programmed[wr_index] <= 1'b1;
    end

    wire [52:0] word = (rd_ok && programmed[rd_index]) ? params[rd_index] : {32'd0, 5'd0, 16'd1};
    assign rd_mult = word[15:0];
    assign rd_shift = word[20:16];
    assign rd_bias = word[52:21];
endmodule

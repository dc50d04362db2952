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
    reg [52:0] params [0:COLS-1];
    reg [COLS-1:0] programmed;

    always @(posedge clock) begin
        if (wr_en && wr_col < COLS) params[wr_col] <= {wr_bias, wr_shift, wr_mult};
    end
    always @(posedge clock) begin
        if (reset) programmed <= {COLS{1'b0}};
        else if (wr_en && wr_col < COLS) programmed[wr_col] <= 1'b1;
    end

    wire in_range = rd_col < COLS;
    wire [52:0] word = (in_range && programmed[rd_col]) ? params[rd_col] : {32'd0, 5'd0, 16'd1};
    assign rd_mult = word[15:0];
    assign rd_shift = word[20:16];
    assign rd_bias = word[52:21];
endmodule

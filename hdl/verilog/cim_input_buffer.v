// cim_input_buffer: two banks of one input vector each (R elements), so that
// vector k+1 loads while vector k converts. The read side presents bit `rd_bit` of every row of
// group `rd_group` as wordline drive bits.
//
//   wr_en, wr_bank, wr_row, wr_data   On wr_en, element wr_row of bank wr_bank takes wr_data
//                                     (an Ib-bit two's complement or unsigned code in the low
//                                     bits; rd_bit < Ib reads only those).
//   rd_bank, rd_bit, rd_group         Combinational read: row_drive[i] is bit rd_bit of element
//                                     rd_group*ROWS_PER_READ + i of bank rd_bank (0 past R).
module cim_input_buffer #(
    parameter integer ROWS = 16,
    parameter integer ROWS_PER_READ = 4
) (
    input wire clock,
    input wire wr_en,
    input wire wr_bank,
    input wire [15:0] wr_row,
    input wire [15:0] wr_data,
    input wire rd_bank,
    input wire [4:0] rd_bit,
    input wire [15:0] rd_group,
    output reg [ROWS_PER_READ-1:0] row_drive
);
    localparam [31:0] BANK = ROWS;
    localparam integer AW = $clog2(2 * ROWS);
    reg [15:0] elements [0:2*ROWS-1];

    // Elements keep all 16 bits; only bits below Ib are ever read.
    wire [31:0] wr_full = {16'd0, wr_row} + (wr_bank ? BANK : 32'd0);
    always @(posedge clock) begin
        if (wr_en) elements[wr_full[AW-1:0]] <= wr_data;
    end

    reg [31:0] r, rd_full;
    reg [15:0] element;
    integer i;
    always @(*) begin
        r = 32'd0;
        rd_full = 32'd0;
        for (i = 0; i < ROWS_PER_READ; i = i + 1) begin
            r = {16'd0, rd_group} * ROWS_PER_READ + i;
            rd_full = r + (rd_bank ? BANK : 32'd0);
            element = (r < BANK) ? elements[rd_full[AW-1:0]] : 16'd0;
            row_drive[i] = element[rd_bit[3:0]];
        end
    end
    // Rows stay below 2*R and input bits below 16: the high bits are always 0.
    wire unused_index_bits = ^{wr_full[31:AW], rd_full[31:AW], rd_bit[4]};
endmodule

// cim_input_buffer: two banks of one input vector each (R elements of INPUT_BITS), so that
// vector k+1 loads while vector k converts. The read side presents bit `rd_bit` of every row of
// group `rd_group` as wordline drive bits.
//
//   wr_en, wr_bank, wr_row, wr_data   On wr_en, element wr_row of bank wr_bank takes
//                                     wr_data[INPUT_BITS-1:0] (two's complement or unsigned).
//   rd_bank, rd_bit, rd_group         Combinational read: row_drive[i] is bit rd_bit of element
//                                     rd_group*ROWS_PER_READ + i of bank rd_bank (0 past R).
module cim_input_buffer #(
    parameter integer ROWS = 16,
    parameter integer INPUT_BITS = 4,
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
    reg [INPUT_BITS-1:0] elements [0:2*ROWS-1];

    always @(posedge clock) begin
        if (wr_en) elements[{16'd0, wr_row} + (wr_bank ? ROWS : 0)] <= wr_data[INPUT_BITS-1:0];
    end

    integer i, r;
    always @(*) begin
        for (i = 0; i < ROWS_PER_READ; i = i + 1) begin
            r = rd_group * ROWS_PER_READ + i;
            row_drive[i] = (r < ROWS) ? elements[r + (rd_bank ? ROWS : 0)][rd_bit] : 1'b0;
        end
    end
endmodule

`timescale 1ns / 1ps
`default_nettype none
// cim_input_buffer: two banks of one input vector each, so vector k+1 loads while vector k
// converts. Row offset i of every group has a memory of its own (depth 2 x groups, one
// INPUT_BITS element per word), so a transfer of TRANSFER elements is written per cycle and one
// read returns the elements of a whole row group, from which the wordline drive of input bit b
// is taken.
// Reads are synchronous (the memories map to RAM): row_drive follows rd_* by one cycle.
//
// Ports:
//   wr_en, wr_bank, wr_group, wr_offset, wr_data   One transfer: element j (bits
//                               [j*INPUT_BITS +: INPUT_BITS], an Ib-bit code) is row
//                               wr_group*ROWS_PER_READ + wr_offset + j of bank wr_bank;
//                               wr_offset is a multiple of TRANSFER.
//   rd_bank, rd_group, rd_bit   Read address; next cycle, bit i of row_drive is bit rd_bit of
//                               the element at row offset i of group rd_group. Offsets past
//                               the last row of a short last group hold stale data: the macro
//                               has no such rows and ignores those bits.
module cim_input_buffer #(
    parameter integer ROWS_PER_READ = 4,
    parameter integer INPUT_BITS = 4,
    parameter integer TRANSFER = 1,     // elements a write: divides ROWS_PER_READ
    parameter integer GROUP_BITS = 2,   // bits of a row-group index, >= 1
    parameter integer OFFSET_BITS = 2,  // bits of a row offset, >= 1
    parameter integer BIT_BITS = 2      // bits of an input-bit index, >= 1
) (
    input  wire                     clock,
    input  wire                     wr_en,
    input  wire                     wr_bank,
    input  wire [GROUP_BITS-1:0]    wr_group,
    input  wire [OFFSET_BITS-1:0]   wr_offset,
    input  wire [TRANSFER*INPUT_BITS-1:0] wr_data,
    input  wire                     rd_bank,
    input  wire [GROUP_BITS-1:0]    rd_group,
    input  wire [BIT_BITS-1:0]      rd_bit,
    output wire [ROWS_PER_READ-1:0] row_drive
);
    localparam integer DEPTH = 2 << GROUP_BITS;

    wire [GROUP_BITS:0] wr_address = {wr_bank, wr_group};
    wire [GROUP_BITS:0] rd_address = {rd_bank, rd_group};
    reg [BIT_BITS-1:0] drive_bit;

    always @(posedge clock) drive_bit <= rd_bit;

    genvar i;
    generate
        for (i = 0; i < ROWS_PER_READ; i = i + 1) begin : row
            // The transfer that writes this row offset starts at FIRST; the row is its element J.
            localparam integer FIRST_INT = i / TRANSFER * TRANSFER;
            localparam integer J = i % TRANSFER;
            localparam [OFFSET_BITS-1:0] FIRST = FIRST_INT[OFFSET_BITS-1:0];
            reg [INPUT_BITS-1:0] elements [0:DEPTH-1];
            reg [INPUT_BITS-1:0] element;
            always @(posedge clock) begin
                if (wr_en && wr_offset == FIRST) elements[wr_address] <= wr_data[J*INPUT_BITS +: INPUT_BITS];
                element <= elements[rd_address];
            end
            assign row_drive[i] = element[drive_bit];
        end
    endgenerate
endmodule
`default_nettype wire

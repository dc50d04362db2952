`timescale 1ns / 1ps
`default_nettype none
// cim_input_buffer: two banks of one input vector each, so vector k+1 loads while vector k
// converts. Row offset i of every group has a memory of its own (depth 2 x groups, one
// INPUT_BITS element per word), so a transfer of TRANSFER elements is written per cycle and one
// read returns the elements of a whole row group, from which the wordline drive of input bit b
// is taken.
// Reads are synchronous (the memories map to RAM): row_drive follows rd_* by one cycle.
//
// Clock gating (ASIC): a row's read register `element` loads only when the read address
// changes or the word it holds was just written, and each word is a register behind a
// cim_clock_gate of its own, clocked only when its element is written. With CIM_CLOCK_ENABLES
// (FPGA, formal) each row's words are a memory the tools map to RAM, read every cycle.
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

`ifdef CIM_CLOCK_ENABLES
    // A flip-flop's clock costs an FPGA nothing extra: read every cycle, no compare.
    wire reload = 1'b1;
`else
    reg [GROUP_BITS:0] read_address;  // the address the `element` registers were read at
    reg read_written;                 // and that word was written in the cycle of that read
    wire reload = rd_address != read_address || read_written;

    always @(posedge clock) begin
        if (reload) read_address <= rd_address;
        read_written <= wr_en && wr_address == rd_address;
    end
`endif

    genvar i;
    generate
        for (i = 0; i < ROWS_PER_READ; i = i + 1) begin : row
            // The transfer that writes this row offset starts at FIRST; the row is its element J.
            localparam integer FIRST_INT = i / TRANSFER * TRANSFER;
            localparam integer J = i % TRANSFER;
            localparam [OFFSET_BITS-1:0] FIRST = FIRST_INT[OFFSET_BITS-1:0];
            wire write = wr_en && wr_offset == FIRST;
            wire [INPUT_BITS-1:0] written = wr_data[J*INPUT_BITS +: INPUT_BITS];
            wire read_clock, read_load;
            reg [INPUT_BITS-1:0] element;
`ifdef CIM_CLOCK_ENABLES
            reg [INPUT_BITS-1:0] elements [0:DEPTH-1];
            always @(posedge clock) begin
                if (write) elements[wr_address] <= written;
            end
`else
            wire [INPUT_BITS-1:0] elements [0:DEPTH-1];
            genvar w;
            for (w = 0; w < DEPTH; w = w + 1) begin : word
                localparam integer WORD_INT = w;
                localparam [GROUP_BITS:0] WORD = WORD_INT[GROUP_BITS:0];
                wire gated_clock, load;
                reg [INPUT_BITS-1:0] value;
                cim_clock_gate gate (
                    .clock(clock),
                    .enable(write && wr_address == WORD),
                    .test_enable(1'b0),
                    .gated_clock(gated_clock),
                    .load(load)
                );
                always @(posedge gated_clock) if (load) value <= written;
                assign elements[w] = value;
            end
`endif
            cim_clock_gate read_gate (
                .clock(clock),
                .enable(reload),
                .test_enable(1'b0),
                .gated_clock(read_clock),
                .load(read_load)
            );
            always @(posedge read_clock) begin
                if (read_load) element <= elements[rd_address];
            end
            assign row_drive[i] = element[drive_bit];
        end
    endgenerate
endmodule
`default_nettype wire

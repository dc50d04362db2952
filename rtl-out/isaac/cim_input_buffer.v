`timescale 1ns / 1ps
`default_nettype none
// cim_input_buffer: two banks of one input vector each, so vector k+1 loads while vector k
// converts. The codes are held as the crossbar consumes them: as bit planes, plane b of a row
// group being bit b of every element of the group, which is the wordline drive of that group's
// read of input bit b. A transfer of TRANSFER elements writes its slot of every plane in one
// cycle; a read returns one plane.
// Reads are synchronous: row_drive follows rd_* by one cycle.
//
// Storage, ASIC: the TRANSFER elements of each (bank, group, transfer slot) are one register
// behind a cim_clock_gate of its own, clocked only when that slot is written; the read register
// `drive` loads only when the read address (bank, group, bit) changes or the group it reads was
// just written. With CIM_CLOCK_ENABLES (FPGA, formal) each plane b is a memory the tools map to
// RAM (depth 2 x groups, ROWS_PER_READ bits, written TRANSFER bits at a time), all read every
// cycle and the plane selected after the read.
//
// Ports:
//   wr_en, wr_bank, wr_group, wr_offset, wr_data   One transfer: element j (bits
//                               [j*INPUT_BITS +: INPUT_BITS], an Ib-bit code) is row
//                               wr_group*ROWS_PER_READ + wr_offset + j of bank wr_bank;
//                               wr_offset is a multiple of TRANSFER.
//   rd_bank, rd_group, rd_bit   Read address; next cycle, bit i of row_drive is bit rd_bit of
//                               the element at row offset i of group rd_group. Offsets past
//                               the last row of a short last group hold stale data: the macro
//                               has no such rows and ignores those bits. A group written in
//                               the cycle of its read is returned as it was before the write.
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
    localparam integer DEPTH = 2 << GROUP_BITS;  // (bank, group) words of a plane

    wire [GROUP_BITS:0] wr_address = {wr_bank, wr_group};
    wire [GROUP_BITS:0] rd_address = {rd_bank, rd_group};
    genvar j;

`ifdef CIM_CLOCK_ENABLES
    genvar b;
    reg [BIT_BITS-1:0] drive_bit;
    wire [ROWS_PER_READ-1:0] read [0:INPUT_BITS-1];

    always @(posedge clock) drive_bit <= rd_bit;

    generate
        for (b = 0; b < INPUT_BITS; b = b + 1) begin : plane
            reg [ROWS_PER_READ-1:0] words [0:DEPTH-1];
            reg [ROWS_PER_READ-1:0] word;
            wire [TRANSFER-1:0] written;  // bit b of each element of the transfer
            for (j = 0; j < TRANSFER; j = j + 1) begin : element
                assign written[j] = wr_data[j*INPUT_BITS + b];
            end
            always @(posedge clock) begin
                if (wr_en) words[wr_address][wr_offset +: TRANSFER] <= written;
                word <= words[rd_address];
            end
            assign read[b] = word;
        end
    endgenerate

    assign row_drive = read[drive_bit];
`else
    localparam integer SLOTS = ROWS_PER_READ / TRANSFER;
    reg [GROUP_BITS:0] read_address;  // the (bank, group) `drive` was read at,
    reg [BIT_BITS-1:0] read_bit;      // its plane,
    reg read_written;                 // and that group was written in the cycle of that read
    wire reload = rd_address != read_address || rd_bit != read_bit || read_written;
    wire drive_clock, drive_load;
    reg [ROWS_PER_READ-1:0] drive;
    wire [ROWS_PER_READ-1:0] selected;

    always @(posedge clock) begin
        if (reload) begin
            read_address <= rd_address;
            read_bit <= rd_bit;
        end
        read_written <= wr_en && wr_address == rd_address;
    end

    genvar s, w;
    generate
        for (s = 0; s < SLOTS; s = s + 1) begin : slot
            localparam integer FIRST_INT = s * TRANSFER;
            localparam [OFFSET_BITS-1:0] FIRST = FIRST_INT[OFFSET_BITS-1:0];
            // The slot's TRANSFER elements at each (bank, group); element j in bits j*Ib.
            wire [TRANSFER*INPUT_BITS-1:0] words [0:DEPTH-1];
            for (w = 0; w < DEPTH; w = w + 1) begin : word
                localparam integer WORD_INT = w;
                localparam [GROUP_BITS:0] WORD = WORD_INT[GROUP_BITS:0];
                wire gated_clock, load;
                reg [TRANSFER*INPUT_BITS-1:0] value;
                cim_clock_gate gate (
                    .clock(clock),
                    .enable(wr_en && wr_offset == FIRST && wr_address == WORD),
                    .test_enable(1'b0),
                    .gated_clock(gated_clock),
                    .load(load)
                );
                always @(posedge gated_clock) if (load) value <= wr_data;
                assign words[w] = value;
            end
            wire [TRANSFER*INPUT_BITS-1:0] held = words[rd_address];
            for (j = 0; j < TRANSFER; j = j + 1) begin : row
                wire [INPUT_BITS-1:0] element = held[j*INPUT_BITS +: INPUT_BITS];
                assign selected[FIRST_INT + j] = element[rd_bit];
            end
        end
    endgenerate

    cim_clock_gate drive_gate (
        .clock(clock),
        .enable(reload),
        .test_enable(1'b0),
        .gated_clock(drive_clock),
        .load(drive_load)
    );
    always @(posedge drive_clock) if (drive_load) drive <= selected;

    assign row_drive = drive;
`endif
endmodule
`default_nettype wire

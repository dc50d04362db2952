// cim_input_buffer: two banks of one input vector each, so that vector k+1 loads while vector
// k converts. Stored as bit planes: one ROWS_PER_READ-bit word per (bank, input bit b, row
// group g), so a read is one word (the wordline drive of group g for bit b), not a mux per row.
//
//   wr_en, wr_bank, wr_group,   On wr_en, the element at row wr_group*ROWS_PER_READ + wr_offset
//   wr_offset, wr_data          of bank wr_bank takes wr_data (an INPUT_BITS-bit two's
//                               complement or unsigned code in the low bits): bit b of it goes
//                               to bit wr_offset of word (wr_bank, b, wr_group).
//   rd_bank, rd_bit, rd_group   Combinational read: row_drive = word (rd_bank, rd_bit, rd_group);
//                               rows past R in the last group read 0 once written as such (the
//                               controller never writes them, and reset-free words start 0 in
//                               simulation; the macro ignores rows past R).
module cim_input_buffer #(
    parameter integer INPUT_BITS = 4,
    parameter integer GROUPS = 4,
    parameter integer ROWS_PER_READ = 4
) (
    input wire clock,
    input wire wr_en,
    input wire wr_bank,
    input wire [15:0] wr_group,
    input wire [15:0] wr_offset,
    input wire [15:0] wr_data,
    input wire rd_bank,
    input wire [4:0] rd_bit,
    input wire [15:0] rd_group,
    output wire [ROWS_PER_READ-1:0] row_drive
);
    localparam [31:0] GROUP_COUNT = GROUPS;
    localparam integer GW = (2 * GROUPS > 1) ? $clog2(2 * GROUPS) : 1;
    localparam integer OW = (ROWS_PER_READ > 1) ? $clog2(ROWS_PER_READ) : 1;
    localparam integer BW = (INPUT_BITS > 1) ? $clog2(INPUT_BITS) : 1;

    wire [31:0] wr_word_full = {31'd0, wr_bank} * GROUP_COUNT + {16'd0, wr_group};
    wire [31:0] rd_word_full = {31'd0, rd_bank} * GROUP_COUNT + {16'd0, rd_group};
    wire [GW-1:0] wr_word = wr_word_full[GW-1:0];
    wire [GW-1:0] rd_word = rd_word_full[GW-1:0];
    wire [OW-1:0] wr_bit_index = wr_offset[OW-1:0];
    wire [BW-1:0] bit_select = rd_bit[BW-1:0];
    // Groups, offsets and bits stay in range, and only the low INPUT_BITS of wr_data carry
    // the element: the other bits are always 0 or unread.
    wire unused_index_bits = ^{wr_word_full, rd_word_full, wr_offset, rd_bit, wr_data};

    wire [ROWS_PER_READ-1:0] plane_word [0:INPUT_BITS-1];
    genvar b;
    generate
        for (b = 0; b < INPUT_BITS; b = b + 1) begin : bit_plane
            reg [ROWS_PER_READ-1:0] words [0:2*GROUPS-1];
            always @(posedge clock) begin
                if (wr_en) words[wr_word][wr_bit_index] <= wr_data[b];
            end
            assign plane_word[b] = words[rd_word];
        end
    endgenerate

    assign row_drive = plane_word[bit_select];
endmodule

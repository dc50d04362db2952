`timescale 1ns / 1ps
`default_nettype none
// cim_tile_controller: the host side of the tile. It loads input vectors into the two banks of
// the input buffer, tells the scheduler which banks hold a whole vector, and owns the
// handshake flags every host relies on.
//
// Handshake rules (all outputs are registers; nothing is combinational from an input):
//   1. busy is high from the cycle after the first element of a vector is accepted until the
//      cycle after the last result of every accepted vector is taken.
//   2. prog_ready = !busy (and low in reset), so programming never lands inside an MVM. A
//      programming word and the first element of a vector accepted in the same cycle are
//      ordered: the word applies to that vector.
//   3. in_ready is high while the bank being loaded is free; a vector waits in its bank until
//      its last conversion is issued.
//   4. done is high for one cycle after the transfer of an MVM's last result.
//   5. Results leave in column order, out_last with column COLS-1: out_col and out_last are
//      numbered here, at the port, not carried through the pipeline, so the order holds by
//      construction (and its proof needs no invariant over the pipeline's contents).
//
// Ports:
//   in_valid, in_ready, in_data   Host input stream: rows 0..ROWS-1 of each vector in order,
//                                 TRANSFER a transfer (row t*TRANSFER+j in bits
//                                 [j*INPUT_BITS +: INPUT_BITS] of transfer t; elements past
//                                 row ROWS-1 in a vector's last transfer are ignored).
//   prog_valid, prog_ready        Host programming handshake (the words go to the macro and
//                                 the column parameters; this block only grants it).
//   buf_wr_*                      One transfer per cycle into the input buffer, one cycle
//                                 after it is accepted (registered for timing); buf_wr_offset
//                                 is its first element's, a multiple of TRANSFER.
//   vector_loaded[bank]           The bank holds a whole vector not yet fully issued.
//   vector_issued, issued_bank    Scheduler: the bank's last read is issued; the bank is free.
//   result_taken                  out_valid & out_ready of the output stream.
//   out_col, out_last             The column of the result on offer, and whether it is the last.
module cim_tile_controller #(
    parameter integer ROWS = 16,
    parameter integer ROWS_PER_READ = 4,
    parameter integer INPUT_BITS = 4,
    parameter integer TRANSFER = 1,     // elements a transfer: divides ROWS_PER_READ
    parameter integer GROUP_BITS = 2,   // bits of a row-group index, >= 1
    parameter integer OFFSET_BITS = 2,  // bits of a row offset within a group, >= 1
    parameter integer FLIGHT_BITS = 5,  // bits of the count of vectors in flight
    parameter integer COLS = 4,
    parameter integer COL_BITS = 2      // bits of a column index, >= 1
) (
    input  wire                   clock,
    input  wire                   reset,
    input  wire                   in_valid,
    output reg                    in_ready,
    input  wire [TRANSFER*INPUT_BITS-1:0] in_data,
    input  wire                   prog_valid,
    output reg                    prog_ready,
    output wire                   prog_accept,
    output reg                    buf_wr_en,
    output reg                    buf_wr_bank,
    output reg  [GROUP_BITS-1:0]  buf_wr_group,
    output reg  [OFFSET_BITS-1:0] buf_wr_offset,
    output reg  [TRANSFER*INPUT_BITS-1:0] buf_wr_data,
    output reg  [1:0]             vector_loaded,
    input  wire                   vector_issued,
    input  wire                   issued_bank,
    input  wire                   result_taken,
    output reg  [COL_BITS-1:0]    out_col,
    output reg                    out_last,
    output reg                    busy,
    output reg                    done
);
    localparam integer GROUPS = (ROWS + ROWS_PER_READ - 1) / ROWS_PER_READ;
    localparam integer LAST_GROUP_INT = GROUPS - 1;
    // The first elements of the last transfers of the vector and of a group.
    localparam integer LAST_OFFSET_INT = (ROWS - 1 - (GROUPS - 1) * ROWS_PER_READ) / TRANSFER * TRANSFER;
    localparam integer GROUP_END_INT = ROWS_PER_READ - TRANSFER;
    localparam [GROUP_BITS-1:0] LAST_GROUP = LAST_GROUP_INT[GROUP_BITS-1:0];
    localparam [OFFSET_BITS-1:0] LAST_OFFSET = LAST_OFFSET_INT[OFFSET_BITS-1:0];
    localparam [OFFSET_BITS-1:0] GROUP_END = GROUP_END_INT[OFFSET_BITS-1:0];
    localparam [OFFSET_BITS-1:0] STEP = TRANSFER[OFFSET_BITS-1:0];
    localparam integer LAST_COL_INT = COLS - 1;
    localparam [COL_BITS-1:0] LAST_COL = LAST_COL_INT[COL_BITS-1:0];

    reg load_bank;
    reg [GROUP_BITS-1:0] load_group;
    reg [OFFSET_BITS-1:0] load_offset;
    reg buf_wr_last;
    reg [FLIGHT_BITS-1:0] in_flight;

    wire accept = in_valid && in_ready;
    wire result_last_taken = result_taken && out_last;
    wire [COL_BITS-1:0] out_col_next = result_last_taken ? {COL_BITS{1'b0}}
                                     : result_taken ? out_col + 1'b1 : out_col;
    wire first_element = (load_group == {GROUP_BITS{1'b0}}) && (load_offset == {OFFSET_BITS{1'b0}});
    wire last_element = (load_group == LAST_GROUP) && (load_offset == LAST_OFFSET);
    wire last_of_group = load_offset == GROUP_END;

    wire [1:0] bank_bit_written = buf_wr_bank ? 2'b10 : 2'b01;
    wire [1:0] bank_bit_issued = issued_bank ? 2'b10 : 2'b01;
    wire [1:0] loaded_next = (vector_loaded | ({2{buf_wr_en && buf_wr_last}} & bank_bit_written))
                           & ~({2{vector_issued}} & bank_bit_issued);
    wire load_bank_next = load_bank ^ (accept && last_element);
    wire [FLIGHT_BITS-1:0] in_flight_next = in_flight + {{(FLIGHT_BITS-1){1'b0}}, accept && first_element}
                                          - {{(FLIGHT_BITS-1){1'b0}}, result_last_taken};

    assign prog_accept = prog_valid && prog_ready;

    always @(posedge clock) begin
        if (reset) begin
            load_bank <= 1'b0;
            load_group <= {GROUP_BITS{1'b0}};
            load_offset <= {OFFSET_BITS{1'b0}};
            buf_wr_en <= 1'b0;
            vector_loaded <= 2'b00;
            in_flight <= {FLIGHT_BITS{1'b0}};
            in_ready <= 1'b0;
            prog_ready <= 1'b0;
            busy <= 1'b0;
            done <= 1'b0;
            out_col <= {COL_BITS{1'b0}};
            out_last <= COLS == 1;
        end else begin
            if (accept) begin
                if (last_element) begin
                    load_group <= {GROUP_BITS{1'b0}};
                    load_offset <= {OFFSET_BITS{1'b0}};
                end else if (last_of_group) begin
                    load_group <= load_group + 1'b1;
                    load_offset <= {OFFSET_BITS{1'b0}};
                end else begin
                    load_offset <= load_offset + STEP;
                end
            end
            load_bank <= load_bank_next;
            buf_wr_en <= accept;
            vector_loaded <= loaded_next;
            in_flight <= in_flight_next;
            in_ready <= !loaded_next[load_bank_next];
            busy <= in_flight_next != {FLIGHT_BITS{1'b0}};
            prog_ready <= in_flight_next == {FLIGHT_BITS{1'b0}};
            done <= result_last_taken;
            out_col <= out_col_next;
            out_last <= out_col_next == LAST_COL;
        end
    end

    // Data and position of the element being written: no reset needed, buf_wr_en qualifies them.
    always @(posedge clock) begin
        buf_wr_bank <= load_bank;
        buf_wr_group <= load_group;
        buf_wr_offset <= load_offset;
        buf_wr_data <= in_data;
        buf_wr_last <= last_element;
    end
endmodule
`default_nettype wire

`timescale 1ns / 1ps
`default_nettype none
// cim_stream_fifo: a small first-in first-out buffer with registered outputs, filled by a
// producer that reserves a slot before it commits to an item. The producer may start work only
// while slot_free is high and pushes exactly one item per reserved slot, some fixed number of
// cycles later; the FIFO therefore never overflows and the producer never stalls mid-item.
// out_ready reaches only this block's read side (a skid buffer for the consumer).
//
// Ports:
//   slot_free, slot_take        Credit: at most DEPTH items reserved, in flight or held.
//   push, push_data             An item for a reserved slot.
//   out_valid, out_ready, out_data   Stream out: transfer when both are high; out_valid and
//                               out_data are registers and hold until the transfer.
module cim_stream_fifo #(
    parameter integer WIDTH = 8,
    parameter integer DEPTH = 4,       // a power of two, >= 2
    parameter integer INDEX_BITS = 2   // log2(DEPTH)
) (
    input  wire             clock,
    input  wire             reset,
    output wire             slot_free,
    input  wire             slot_take,
    input  wire             push,
    input  wire [WIDTH-1:0] push_data,
    output reg              out_valid,
    input  wire             out_ready,
    output reg  [WIDTH-1:0] out_data
);
    localparam [INDEX_BITS:0] CAPACITY = DEPTH[INDEX_BITS:0];

    reg [WIDTH-1:0] slots [0:DEPTH-1];
    reg [INDEX_BITS-1:0] write_index, read_index;
    reg [INDEX_BITS:0] stored;    // items in slots (the output register not counted)
    reg [INDEX_BITS:0] reserved;  // slots reserved and not yet transferred out

    wire transfer = out_valid && out_ready;
    wire load = (stored != {(INDEX_BITS+1){1'b0}}) && (!out_valid || out_ready);

    assign slot_free = reserved != CAPACITY;

    always @(posedge clock) begin
        if (reset) begin
            write_index <= {INDEX_BITS{1'b0}};
            read_index <= {INDEX_BITS{1'b0}};
            stored <= {(INDEX_BITS+1){1'b0}};
            reserved <= {(INDEX_BITS+1){1'b0}};
            out_valid <= 1'b0;
        end else begin
            if (push) write_index <= write_index + 1'b1;
            if (load) read_index <= read_index + 1'b1;
            stored <= stored + {{INDEX_BITS{1'b0}}, push} - {{INDEX_BITS{1'b0}}, load};
            reserved <= reserved + {{INDEX_BITS{1'b0}}, slot_take} - {{INDEX_BITS{1'b0}}, transfer};
            if (load) out_valid <= 1'b1;
            else if (transfer) out_valid <= 1'b0;
        end
    end

    always @(posedge clock) begin
        if (push) slots[write_index] <= push_data;
        if (load) out_data <= slots[read_index];
    end
endmodule
`default_nettype wire

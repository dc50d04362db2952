`timescale 1ns / 1ps
`default_nettype none
// cim_tile_rules: the host-interface rules of cim_tile as assertions. The generator appends a
// bind that puts one instance into every cim_tile; Verilator co-simulation (--assert) stops at
// the first broken rule with its name, and the SymbiYosys job proves them.
//
// Rules the tile keeps (README.md, "Ports"); each assertion is named after its rule:
//   rule1_busy        busy is high from the cycle after the first transfer of a vector is
//                     accepted until the cycle after the last result of every accepted vector
//                     is taken, and low otherwise.
//   rule2_prog_ready  prog_ready is never high while busy is.
//   rule3_hold        out_valid, once high, holds with out_data, out_col, out_last until taken.
//   rule4_order       results come in column order, out_last exactly with column COLS-1.
//   rule5_done        done is high exactly in the cycle after the transfer of a result with
//                     out_last.
// The host's side, assumed by the proof only, is cim_tile_host (cim_tile_host.sv).
// The counters below follow the ports alone, so the rules do not trust the tile's own state.
module cim_tile_rules #(
    parameter integer TRANSFERS = 16,   // input transfers of a vector, ceil(rows / elements a transfer)
    parameter integer COLS = 4,
    parameter integer OUTPUT_BITS = 8,
    parameter integer ROW_BITS = 4,     // bits of a row index (so of a transfer's), >= 1
    parameter integer COL_BITS = 2,     // bits of a column index, >= 1
    parameter integer FLIGHT_BITS = 5   // bits of the count of vectors in flight
) (
    input wire                   clock,
    input wire                   reset,
    input wire                   prog_ready,
    input wire                   in_valid,
    input wire                   in_ready,
    input wire                   out_valid,
    input wire                   out_ready,
    input wire [OUTPUT_BITS-1:0] out_data,
    input wire [COL_BITS-1:0]    out_col,
    input wire                   out_last,
    input wire                   busy,
    input wire                   done
);
    localparam integer LAST_TRANSFER_INT = TRANSFERS - 1;
    localparam integer LAST_COL_INT = COLS - 1;
    localparam [ROW_BITS-1:0] LAST_TRANSFER = LAST_TRANSFER_INT[ROW_BITS-1:0];
    localparam [COL_BITS-1:0] LAST_COL = LAST_COL_INT[COL_BITS-1:0];

    wire transfer_taken = in_valid && in_ready;
    wire result_taken = out_valid && out_ready;

    reg [ROW_BITS-1:0] transfer;      // the next transfer accepted, within its vector
    reg [COL_BITS-1:0] column;        // column of the next result taken
    reg [FLIGHT_BITS-1:0] in_flight;  // vectors started and not yet finished
    reg last_taken;                   // a result with out_last was taken in the cycle before
    reg holding;                      // a result was offered and not taken in the cycle before
    reg [OUTPUT_BITS-1:0] held_data;
    reg [COL_BITS-1:0] held_col;
    reg held_last;

    always @(posedge clock) begin
        if (reset) begin
            transfer <= {ROW_BITS{1'b0}};
            column <= {COL_BITS{1'b0}};
            in_flight <= {FLIGHT_BITS{1'b0}};
            last_taken <= 1'b0;
            holding <= 1'b0;
        end else begin
            if (transfer_taken) transfer <= (transfer == LAST_TRANSFER) ? {ROW_BITS{1'b0}} : transfer + 1'b1;
            if (result_taken) column <= out_last ? {COL_BITS{1'b0}} : column + 1'b1;
            in_flight <= in_flight + {{(FLIGHT_BITS-1){1'b0}}, transfer_taken && transfer == {ROW_BITS{1'b0}}}
                       - {{(FLIGHT_BITS-1){1'b0}}, result_taken && out_last};
            last_taken <= result_taken && out_last;
            holding <= out_valid && !out_ready;
        end
    end

    // What was offered, compared only while holding: no reset needed.
    always @(posedge clock) begin
        held_data <= out_data;
        held_col <= out_col;
        held_last <= out_last;
    end

    always @(posedge clock) begin
        if (!reset) begin
            rule1_busy: assert (busy == (in_flight != {FLIGHT_BITS{1'b0}}))
                else $error("host rule 1 broken: busy is %0d with %0d vector(s) in flight", busy, in_flight);
            rule2_prog_ready: assert (!(prog_ready && busy))
                else $error("host rule 2 broken: prog_ready and busy are both high");
            rule3_hold: assert (!holding || (out_valid && out_data == held_data && out_col == held_col && out_last == held_last))
                else $error("host rule 3 broken: the result of column %0d changed before it was taken", held_col);
            rule4_order: assert (!out_valid || (out_col == column && out_last == (column == LAST_COL)))
                else $error("host rule 4 broken: column %0d (out_last %0d) where column %0d was due", out_col, out_last, column);
            rule5_done: assert (done == last_taken)
                else $error("host rule 5 broken: done is %0d, last result taken in the cycle before: %0d", done, last_taken);
        end
    end

endmodule


bind cim_tile cim_tile_rules #(.TRANSFERS(64), .COLS(16), .OUTPUT_BITS(16), .ROW_BITS(6), .COL_BITS(4), .FLIGHT_BITS(5)) rules (
    .clock(clock), .reset(reset), .prog_ready(prog_ready), .in_valid(in_valid), .in_ready(in_ready), .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .out_col(out_col), .out_last(out_last), .busy(busy), .done(done)
);
`default_nettype wire

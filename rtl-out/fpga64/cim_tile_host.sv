`timescale 1ns / 1ps
`default_nettype none
// cim_tile_host: what a host must do, assumed by the proof, and the invariants that let
// induction close (the .sby job reads this file; the generator appends its bind). Simulations
// leave it out: the co-simulation drivers drop valid before ready on purpose, which the tile
// tolerates.
//   host_reset_first  reset is high in the first cycle.
//   host_in_holds     in_valid, once high, holds with in_data until in_ready.
//   host_prog_holds   prog_valid, once high, holds until prog_ready.
// Invariants (asserted, so proved too), naming the controller's and the rules' registers:
//   inv_flight        the rules count the vectors in flight as the controller does;
//   inv_busy          busy says whether the controller's count is zero;
//   inv_row           the rules' transfer is the controller's load position;
//   inv_column        the rules' column is the one the controller numbers the next result
//                     with, and out_last is high exactly with the last column;
//   inv_range         the transfer, the offset in its group (a multiple of TRANSFER) and the
//                     column are in range (the counters' widths hold values the tile never
//                     reaches).
module cim_tile_host #(
    parameter integer TRANSFERS = 16,    // input transfers of a vector
    parameter integer TRANSFER = 1,      // elements a transfer
    parameter integer DATA_BITS = 4,     // width of in_data: TRANSFER x input bits
    parameter integer ROWS_PER_READ = 4,
    parameter integer COLS = 4
) (
    input wire                  clock,
    input wire                  reset,
    input wire                  prog_valid,
    input wire                  prog_ready,
    input wire                  in_valid,
    input wire                  in_ready,
    input wire [DATA_BITS-1:0] in_data,
    input wire                  busy
);
    reg first = 1'b1;
    reg in_waiting, prog_waiting;
    reg [DATA_BITS-1:0] waiting_data;
    always @(posedge clock) begin
        first <= 1'b0;
        in_waiting <= in_valid && !in_ready;
        prog_waiting <= prog_valid && !prog_ready;
        waiting_data <= in_data;
    end
    always @(*) begin
        if (!first && !reset) begin
            inv_flight: assert (controller.in_flight == rules.in_flight);
            inv_busy: assert (busy == (controller.in_flight != 0));
            inv_row: assert (controller.load_group * ROWS_PER_READ + controller.load_offset == rules.transfer * TRANSFER);
            inv_column: assert (controller.out_col == rules.column && controller.out_last == (rules.column == COLS - 1));
            inv_range: assert (rules.transfer < TRANSFERS && controller.load_offset < ROWS_PER_READ
                               && controller.load_offset % TRANSFER == 0 && rules.column < COLS);
        end
    end
    always @(*) begin
        if (first) host_reset_first: assume (reset);
        if (!first && !reset && in_waiting) host_in_holds: assume (in_valid && in_data == waiting_data);
        if (!first && !reset && prog_waiting) host_prog_holds: assume (prog_valid);
    end
endmodule


bind cim_tile cim_tile_host #(.TRANSFERS(64), .TRANSFER(1), .DATA_BITS(4), .ROWS_PER_READ(16), .COLS(16)) host (
    .clock(clock), .reset(reset), .prog_valid(prog_valid), .prog_ready(prog_ready), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data), .busy(busy)
);
`default_nettype wire

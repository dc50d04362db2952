`timescale 1ns / 1ps
`default_nettype none
// cim_column_combiner: turns the P partial sums of a finished MVM into the C accumulators
//   acc[c] = sum over s of (part[pc(c,s,+)] - part[pc(c,s,-)]) << (s * CELL_BITS),
// reading one physical column per cycle in order pc = 0..P-1 while the lanes fill the other
// bank. It starts a column only when the activation FIFO has a slot reserved for it, so it
// never stalls mid-column, and it releases the bank to the scheduler when its last sum is read.
//
// Ports:
//   landed, landed_bank         Lanes: every sum of the bank is written.
//   sums_released, released_bank  To the scheduler: the bank's last sum is read.
//   rd_bank, rd_phase, rd_lane  Lanes' read port (rd_value three cycles later).
//   slot_free, slot_take        Activation FIFO credit: a column may start when slot_free;
//                               slot_take reserves the slot.
//   acc_valid, acc_*            One column: accumulator and index (the index selects the
//                               column's parameters; the controller numbers the results).
module cim_column_combiner #(
    parameter integer ADCS = 4,
    parameter integer SLICES = 2,
    parameter integer COLS = 4,
    parameter integer CELL_BITS = 2,
    parameter integer PART_BITS = 11,
    parameter integer ACC_BITS = 14,
    parameter integer PHASE_BITS = 2,   // >= 1 each
    parameter integer LANE_BITS = 2,
    parameter integer SLICE_BITS = 1,
    parameter integer COL_BITS = 2
) (
    input  wire                        clock,
    input  wire                        reset,
    input  wire                        landed,
    input  wire                        landed_bank,
    output wire                        sums_released,
    output wire                        released_bank,
    output wire                        rd_bank,
    output wire [PHASE_BITS-1:0]       rd_phase,
    output wire [LANE_BITS-1:0]        rd_lane,
    input  wire [PART_BITS-1:0]        rd_value,
    input  wire                        slot_free,
    output wire                        slot_take,
    output reg                         acc_valid,
    output reg  [ACC_BITS-1:0]         acc_value,
    output reg  [COL_BITS-1:0]         acc_col
);
    localparam integer LAST_LANE_INT = ADCS - 1;
    localparam integer LAST_SLICE_INT = SLICES - 1;
    localparam integer LAST_COL_INT = COLS - 1;
    localparam [LANE_BITS-1:0] LAST_LANE = LAST_LANE_INT[LANE_BITS-1:0];
    localparam [SLICE_BITS-1:0] LAST_SLICE = LAST_SLICE_INT[SLICE_BITS-1:0];
    localparam [COL_BITS-1:0] LAST_COL = LAST_COL_INT[COL_BITS-1:0];
    localparam [SLICE_BITS+3:0] SHIFT_STEP = CELL_BITS[SLICE_BITS+3:0];

    reg [1:0] waiting;  // banks landed and not yet combined
    reg active;
    reg bank;
    reg [PHASE_BITS-1:0] phase;
    reg [LANE_BITS-1:0] lane;
    reg [SLICE_BITS-1:0] slice;
    reg negative;
    reg [COL_BITS-1:0] col;

    wire column_start = (slice == {SLICE_BITS{1'b0}}) && !negative;
    wire column_end = (slice == LAST_SLICE) && negative;
    wire last_read = column_end && (col == LAST_COL);
    wire going = active || waiting[bank];
    wire read = going && (!column_start || slot_free);
    wire [1:0] bank_bit = bank ? 2'b10 : 2'b01;
    wire [1:0] landed_bit = landed_bank ? 2'b10 : 2'b01;

    assign rd_bank = bank;
    assign rd_phase = phase;
    assign rd_lane = lane;
    assign slot_take = read && column_start;
    assign sums_released = read && last_read;
    assign released_bank = bank;

    always @(posedge clock) begin
        if (reset) begin
            waiting <= 2'b00;
            active <= 1'b0;
            bank <= 1'b0;
            phase <= {PHASE_BITS{1'b0}};
            lane <= {LANE_BITS{1'b0}};
            slice <= {SLICE_BITS{1'b0}};
            negative <= 1'b0;
            col <= {COL_BITS{1'b0}};
        end else begin
            waiting <= (waiting | ({2{landed}} & landed_bit)) & ~({2{going && !active}} & bank_bit);
            if (going && !active) active <= 1'b1;
            if (read) begin
                if (lane == LAST_LANE) begin
                    lane <= {LANE_BITS{1'b0}};
                    phase <= phase + 1'b1;
                end else begin
                    lane <= lane + 1'b1;
                end
                negative <= !negative;
                if (negative) slice <= (slice == LAST_SLICE) ? {SLICE_BITS{1'b0}} : slice + 1'b1;
                if (column_end) col <= col + 1'b1;
                if (last_read) begin
                    active <= 1'b0;
                    bank <= !bank;
                    phase <= {PHASE_BITS{1'b0}};
                    lane <= {LANE_BITS{1'b0}};
                    col <= {COL_BITS{1'b0}};
                end
            end
        end
    end

    // Three stages behind the read: lane value arrives (3), term shifted into place (4),
    // accumulated and handed on (5).
    reg [2:0] valid_pipe;
    reg valid_term;
    reg [SLICE_BITS-1:0] slice_1, slice_2, slice_3;
    reg negative_1, negative_2, negative_3, negative_4;
    reg start_1, start_2, start_3, start_4;
    reg end_1, end_2, end_3, end_4;
    reg [COL_BITS-1:0] col_1, col_2, col_3, col_4;
    reg [ACC_BITS-1:0] term, sum;

    // Two's complement throughout: the partial sum sign-extended, then shifted and added.
    wire [ACC_BITS-1:0] part = {{(ACC_BITS-PART_BITS){rd_value[PART_BITS-1]}}, rd_value};
    wire [ACC_BITS-1:0] sum_next = start_4 ? (negative_4 ? -term : term)
                                                  : (negative_4 ? sum - term : sum + term);

    always @(posedge clock) begin
        if (reset) begin
            valid_pipe <= 3'b000;
            valid_term <= 1'b0;
            acc_valid <= 1'b0;
        end else begin
            valid_pipe <= {valid_pipe[1:0], read};
            valid_term <= valid_pipe[2];
            acc_valid <= valid_term && end_4;
        end
    end

    always @(posedge clock) begin
        {slice_1, negative_1, start_1, end_1, col_1} <= {slice, negative, column_start, column_end, col};
        {slice_2, negative_2, start_2, end_2, col_2} <= {slice_1, negative_1, start_1, end_1, col_1};
        {slice_3, negative_3, start_3, end_3, col_3} <= {slice_2, negative_2, start_2, end_2, col_2};
        {negative_4, start_4, end_4, col_4} <= {negative_3, start_3, end_3, col_3};
        term <= part << ({4'd0, slice_3} * SHIFT_STEP);
        if (valid_term) sum <= sum_next;
        acc_value <= sum_next;
        acc_col <= col_4;
    end
endmodule
`default_nettype wire

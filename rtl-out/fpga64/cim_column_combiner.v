`timescale 1ns / 1ps
`default_nettype none
// cim_column_combiner: turns the P partial sums of a finished MVM into the C accumulators
//   acc[c] = sum over s of (part[pc(c,s,+)] - part[pc(c,s,-)]) << (s * CELL_BITS),
// reading physical columns in order pc = 0..P-1, WIDTH a cycle (the lanes w*WIDTH.. of one
// phase: WIDTH divides ADCS), while the lanes fill the other bank. A read may end one column and
// begin the next (WIDTH <= 2*SLICES, so it holds at most one end): its terms are summed into the
// column they belong to. It starts a column only when the activation FIFO has a slot reserved
// for it, so it never stalls mid-column, and it releases the bank to the scheduler when its last
// sum is read.
//
// Ports:
//   landed, landed_bank         Lanes: every sum of the bank is written.
//   sums_released, released_bank  To the scheduler: the bank's last sum is read.
//   rd_bank, rd_phase, rd_lane  Lanes' read port: lanes rd_lane*WIDTH.. (rd_value, WIDTH sums,
//                               the first in the low bits, three cycles later).
//   slot_free, slot_take        Activation FIFO credit: a read that begins a column may go
//                               when slot_free; slot_take reserves the slot.
//   acc_valid, acc_value        One column's accumulator, columns in order 0..COLS-1.
module cim_column_combiner #(
    parameter integer ADCS = 4,
    parameter integer SLICES = 2,
    parameter integer COLS = 4,
    parameter integer CELL_BITS = 2,
    parameter integer WIDTH = 1,        // sums read a cycle: divides ADCS, at most 2*SLICES
    parameter integer PART_BITS = 11,
    parameter integer ACC_BITS = 14,
    parameter integer PHASE_BITS = 2,   // >= 1 each
    parameter integer LANE_BITS = 2,    // bits of a lane index (here of a group of WIDTH lanes)
    parameter integer POS_BITS = 2,     // bits of a position within a column, 0..2*SLICES-1
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
    input  wire [WIDTH*PART_BITS-1:0]  rd_value,
    input  wire                        slot_free,
    output wire                        slot_take,
    output reg                         acc_valid,
    output reg  [ACC_BITS-1:0]         acc_value
);
    localparam integer LAST_LANE_INT = ADCS / WIDTH - 1;
    localparam integer COLUMN_INT = 2 * SLICES;  // physical columns of a logical one
    localparam integer LAST_COL_INT = COLS - 1;
    localparam [LANE_BITS-1:0] LAST_LANE = LAST_LANE_INT[LANE_BITS-1:0];
    localparam [POS_BITS:0] COLUMN = COLUMN_INT[POS_BITS:0];
    localparam [POS_BITS:0] STEP = WIDTH[POS_BITS:0];
    localparam [COL_BITS-1:0] LAST_COL = LAST_COL_INT[COL_BITS-1:0];
    localparam [POS_BITS+3:0] SHIFT_STEP = CELL_BITS[POS_BITS+3:0];

    reg [1:0] waiting;  // banks landed and not yet combined
    reg active;
    reg bank;
    reg [PHASE_BITS-1:0] phase;
    reg [LANE_BITS-1:0] lane;
    reg [POS_BITS-1:0] position;  // of the read's first sum within its column
    reg [COL_BITS-1:0] col;

    wire [POS_BITS:0] reach = {1'b0, position} + STEP;  // position after the read, unwrapped
    wire column_end = reach >= COLUMN;
    // A column begins at the read's first sum, or within it when the read runs past an end.
    wire column_start = (position == {POS_BITS{1'b0}}) || (reach > COLUMN && col != LAST_COL);
    wire last_read = column_end && (col == LAST_COL);
    wire going = active || waiting[bank];
    wire read = going && (!column_start || slot_free);
    wire [1:0] bank_bit = bank ? 2'b10 : 2'b01;
    wire [1:0] landed_bit = landed_bank ? 2'b10 : 2'b01;
    // Modulo 2^POS_BITS, since the wrapped position is below 2*SLICES <= 2^POS_BITS.
    wire [POS_BITS-1:0] position_next = reach[POS_BITS-1:0] - (column_end ? COLUMN[POS_BITS-1:0] : {POS_BITS{1'b0}});

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
            position <= {POS_BITS{1'b0}};
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
                position <= position_next;
                if (column_end) col <= col + 1'b1;
                if (last_read) begin
                    active <= 1'b0;
                    bank <= !bank;
                    phase <= {PHASE_BITS{1'b0}};
                    lane <= {LANE_BITS{1'b0}};
                    position <= {POS_BITS{1'b0}};
                    col <= {COL_BITS{1'b0}};
                end
            end
        end
    end

    // Three stages behind the read: lane values arrive (3), terms shifted into place and summed
    // by column (4), accumulated and handed on (5).
    reg [2:0] valid_pipe;
    reg valid_terms;
    reg [POS_BITS-1:0] position_1, position_2, position_3;
    reg start_1, start_2, start_3, start_4;
    reg end_1, end_2, end_3, end_4;
    reg last_1, last_2, last_3;
    reg [ACC_BITS-1:0] this_terms, next_terms, sum;

    // Each sum's place: its position in its column (the next one past an end), sign and slice.
    wire [WIDTH*ACC_BITS-1:0] this_terms_flat, next_terms_flat;  // term j in bits [j*ACC_BITS +: ACC_BITS]
    genvar j;
    generate
        for (j = 0; j < WIDTH; j = j + 1) begin : term
            localparam integer OFFSET_INT = j;
            localparam [POS_BITS:0] OFFSET = OFFSET_INT[POS_BITS:0];
            wire [POS_BITS:0] unwrapped = {1'b0, position_3} + OFFSET;
            wire in_next = unwrapped >= COLUMN;
            wire [POS_BITS:0] place = in_next ? unwrapped - COLUMN : unwrapped;
            // Two's complement throughout: the partial sum sign-extended, shifted, negated.
            wire [PART_BITS-1:0] part = rd_value[j*PART_BITS +: PART_BITS];
            wire [ACC_BITS-1:0] wide = {{(ACC_BITS-PART_BITS){part[PART_BITS-1]}}, part};
            wire [ACC_BITS-1:0] shifted = wide << ({4'd0, place[POS_BITS:1]} * SHIFT_STEP);
            wire [ACC_BITS-1:0] signed_term = place[0] ? -shifted : shifted;
            // Past the last column's end the lanes hold no sums of this MVM.
            wire counted = !(in_next && last_3);
            assign this_terms_flat[j*ACC_BITS +: ACC_BITS] = in_next ? {ACC_BITS{1'b0}} : signed_term;
            assign next_terms_flat[j*ACC_BITS +: ACC_BITS] = in_next && counted ? signed_term : {ACC_BITS{1'b0}};
        end
    endgenerate

    reg [ACC_BITS-1:0] this_read, next_read;  // the read's terms of each column
    integer k;
    always @* begin
        this_read = {ACC_BITS{1'b0}};
        next_read = {ACC_BITS{1'b0}};
        for (k = 0; k < WIDTH; k = k + 1) begin
            this_read = this_read + this_terms_flat[k*ACC_BITS +: ACC_BITS];
            next_read = next_read + next_terms_flat[k*ACC_BITS +: ACC_BITS];
        end
    end

    wire [ACC_BITS-1:0] sum_next = (start_4 ? {ACC_BITS{1'b0}} : sum) + this_terms;

    always @(posedge clock) begin
        if (reset) begin
            valid_pipe <= 3'b000;
            valid_terms <= 1'b0;
            acc_valid <= 1'b0;
        end else begin
            valid_pipe <= {valid_pipe[1:0], read};
            valid_terms <= valid_pipe[2];
            acc_valid <= valid_terms && end_4;
        end
    end

    always @(posedge clock) begin
        {position_1, start_1, end_1, last_1} <= {position, position == {POS_BITS{1'b0}}, column_end, col == LAST_COL};
        {position_2, start_2, end_2, last_2} <= {position_1, start_1, end_1, last_1};
        {position_3, start_3, end_3, last_3} <= {position_2, start_2, end_2, last_2};
        {start_4, end_4} <= {start_3, end_3};
        this_terms <= this_read;
        next_terms <= next_read;
        // After a column's end the sum carries the next column's first terms on.
        if (valid_terms) sum <= end_4 ? next_terms : sum_next;
        acc_value <= sum_next;
    end
endmodule
`default_nettype wire

`timescale 1ns / 1ps
`default_nettype none
// cim_shift_add_lanes: one shift-add lane per ADC. Lane a owns the physical columns
// pc = m*ADCS + a (m in 0..PHASES-1) and keeps one partial sum per owned column and bank:
//   part[bank][m] = sum over (b, g) of wb(b) * code(b, g, pc),  wb(b) = +-2^b.
// ADC a only ever feeds lane a, so no two codes of one cycle meet in one memory.
//
// Each lane's sums are two memories, one per bank, each with one synchronous read port (they
// map to RAM): the combiner reads one bank while codes land in the other, so each bank's port
// serves whichever of the two uses it, at half the read multiplexers of one memory with two
// ports. A code that lands in cycle L reads its sum then; the RAM's output is registered once more in L+1 (a block RAM's
// clock-to-output is most of a cycle on an FPGA), and the add happens in L+2, to the code's
// weighted, signed term registered in L+1. Sums written in L or L+1 (only when one address
// recurs within two cycles: PHASES * ADC_CYCLES <= 2) are forwarded instead of the stale read.
//
// Ports:
//   code_valid, codes           One code per ADC (bits [a*ADC_BITS +: ADC_BITS]) with the
//   tag_*                       scheduler's tag of their conversion (bank, phase, bit,
//                               negative, first: overwrite, last: of the MVM).
//   landed, landed_bank         One cycle after the MVM's last sum is written.
//   rd_bank, rd_phase, rd_lane  Combiner's read port: lanes rd_lane*READ_WIDTH.. of the
//                               phase; rd_value, their READ_WIDTH sums (the first in the low
//                               bits), three cycles later.
//
// The combiner's read: the RAM's output, its bank selected into a register per lane (so no
// multiplexer follows a block RAM's slow clock-to-output across the lanes), then the lane
// multiplexer into rd_value.
//
// Storage: with CIM_CLOCK_ENABLES (FPGA, formal) each bank is a memory the tools map to RAM.
// Otherwise (ASIC) each word is a register behind a cim_clock_gate of its own, clocked only in
// the cycle its sum is written (once per code of its phase), and a lane's word of the last
// phase is not built when that lane has no column there.
module cim_shift_add_lanes #(
    parameter integer ADCS = 4,
    parameter integer PHASES = 4,
    parameter integer PHYS_COLS = 16,
    parameter integer ADC_BITS = 4,
    parameter integer ADC_CYCLES = 1,
    parameter integer PART_BITS = 11,
    parameter integer PHASE_BITS = 2,  // bits of a phase index, >= 1
    parameter integer BIT_BITS = 2,    // bits of an input-bit index, >= 1
    parameter integer LANE_BITS = 2,   // bits of a lane index (and of a group of lanes), >= 1
    parameter integer READ_WIDTH = 1   // sums of one combiner read: divides ADCS
) (
    input  wire                        clock,
    input  wire                        reset,
    input  wire                        code_valid,
    input  wire [ADCS*ADC_BITS-1:0]    codes,
    input  wire                        tag_bank,
    input  wire [PHASE_BITS-1:0]       tag_phase,
    input  wire [BIT_BITS-1:0]         tag_bit,
    input  wire                        tag_negative,
    input  wire                        tag_first,
    input  wire                        tag_last,
    output reg                         landed,
    output reg                         landed_bank,
    input  wire                        rd_bank,
    input  wire [PHASE_BITS-1:0]       rd_phase,
    input  wire [LANE_BITS-1:0]        rd_lane,
    output reg  [READ_WIDTH*PART_BITS-1:0] rd_value
);
    localparam integer DEPTH = 1 << PHASE_BITS;  // per bank
    // Lanes that have a column in the last phase; the others idle there.
    localparam integer LAST_PHASE_LANES = PHYS_COLS - (PHASES - 1) * ADCS;
    localparam integer LAST_PHASE_INT = PHASES - 1;
    // An address recurs every PHASES * ADC_CYCLES cycles at the soonest.
    localparam NEAR = PHASES * ADC_CYCLES == 1;  // the code one cycle ahead can share the sum
    localparam FAR = PHASES * ADC_CYCLES <= 2;   // so can the code two cycles ahead

    // Stage 1 (L+1): the code's address and flags, its term, the RAM's read.
    reg valid_1, first_1, last_1;
    reg [PHASE_BITS:0] address_1;
    reg far_1;  // the sum read in L was written in L: take that value in L+2
    // Stage 2 (L+2): the add.
    reg valid_2, first_2, last_2;
    reg [PHASE_BITS:0] address_2;
    reg far_2, near_2;  // near: the sum was written in L+1
    reg [LANE_BITS-1:0] rd_lane_q, rd_lane_qq;
    reg rd_bank_q;

    wire [PHASE_BITS:0] sum_address = {tag_bank, tag_phase};
    // Each bank's read address: the landing code's while it lands there, else the combiner's.
    wire [PHASE_BITS-1:0] bank_address [0:1];
    assign bank_address[0] = (code_valid && !tag_bank) ? tag_phase : rd_phase;
    assign bank_address[1] = (code_valid && tag_bank) ? tag_phase : rd_phase;
    wire [PART_BITS-1:0] lane_value [0:ADCS-1];
    wire [READ_WIDTH*PART_BITS-1:0] selected;
`ifdef CIM_CLOCK_ENABLES
    // The phase of the sum being written: a lane idles in the last phase if it has no column.
    reg [PHASE_BITS-1:0] phase_1, phase_2;
    always @(posedge clock) begin
        phase_1 <= tag_phase;
        phase_2 <= phase_1;
    end
`else
    // Bit bank*PHASES + phase: that sum is written this cycle (in every lane that has it).
    wire [2*PHASES-1:0] write_word;
`endif

    genvar a;
`ifndef CIM_CLOCK_ENABLES
    genvar w;
    generate
        for (w = 0; w < 2 * PHASES; w = w + 1) begin : decode
            localparam integer BANK_INT = w / PHASES;
            localparam integer PHASE_INT = w % PHASES;
            localparam [PHASE_BITS:0] WORD = {BANK_INT[0], PHASE_INT[PHASE_BITS-1:0]};
            assign write_word[w] = valid_2 && address_2 == WORD;
        end
    endgenerate
`endif

    always @(posedge clock) begin
        if (reset) begin
            valid_1 <= 1'b0;
            valid_2 <= 1'b0;
            landed <= 1'b0;
        end else begin
            valid_1 <= code_valid;
            valid_2 <= valid_1;
            landed <= valid_2 && last_2;
        end
    end

    always @(posedge clock) begin
        address_1 <= sum_address;
        first_1 <= tag_first;
        last_1 <= tag_last;
        far_1 <= FAR && valid_2 && address_2 == sum_address;
        address_2 <= address_1;
        first_2 <= first_1;
        last_2 <= last_1;
        far_2 <= far_1;
        near_2 <= NEAR && valid_2 && address_2 == address_1;
        landed_bank <= address_2[PHASE_BITS];
        rd_lane_q <= rd_lane;
        rd_lane_qq <= rd_lane_q;
        rd_bank_q <= rd_bank;
    end

    generate
        for (a = 0; a < ADCS; a = a + 1) begin : lane
            reg [PART_BITS-1:0] out_0, out_1, read_2, term_2, written, written_before, rd_out;
            wire [PART_BITS-1:0] code = {{(PART_BITS-ADC_BITS){1'b0}}, codes[a*ADC_BITS +: ADC_BITS]};
            reg [PART_BITS-1:0] term_1;
            wire [PART_BITS-1:0] base = first_2 ? {PART_BITS{1'b0}}
                                      : near_2 ? written
                                      : far_2 ? written_before
                                      : read_2;
            // Two's complement sums: a negative bit adds the negated term, no sign handling.
            wire [PART_BITS-1:0] sum_next = base + term_2;
`ifdef CIM_CLOCK_ENABLES
            // Any memory the target has. On the ECP5 `cimtile fpga` asks for LUT RAM (a block
            // RAM's 5.6 ns clock-to-output leaves too little of the cycle for the bank select
            // behind it); no attribute here, since the iCE40 has no LUT RAM and Yosys refuses one.
            localparam [PHASE_BITS-1:0] LAST_PHASE = LAST_PHASE_INT[PHASE_BITS-1:0];
            reg [PART_BITS-1:0] sums_0 [0:DEPTH-1];
            reg [PART_BITS-1:0] sums_1 [0:DEPTH-1];
            wire active = (a < LAST_PHASE_LANES) || (phase_2 != LAST_PHASE);
            always @(posedge clock) begin
                if (valid_2 && active && !address_2[PHASE_BITS]) sums_0[address_2[PHASE_BITS-1:0]] <= sum_next;
                if (valid_2 && active && address_2[PHASE_BITS]) sums_1[address_2[PHASE_BITS-1:0]] <= sum_next;
            end
`else
            wire [PART_BITS-1:0] sums_0 [0:DEPTH-1];
            wire [PART_BITS-1:0] sums_1 [0:DEPTH-1];
            for (w = 0; w < 2 * DEPTH; w = w + 1) begin : word
                // Words past the last phase, and a lane's word of the last phase when it has
                // no column there, are never written nor read.
                if (w % DEPTH < PHASES && (a < LAST_PHASE_LANES || w % DEPTH != LAST_PHASE_INT))
                begin : kept
                    wire gated_clock, load;
                    reg [PART_BITS-1:0] sum;
                    cim_clock_gate gate (
                        .clock(clock),
                        .enable(write_word[(w / DEPTH) * PHASES + w % DEPTH]),
                        .test_enable(1'b0),
                        .gated_clock(gated_clock),
                        .load(load)
                    );
                    always @(posedge gated_clock) if (load) sum <= sum_next;
                    if (w < DEPTH) begin : bank_0
                        assign sums_0[w] = sum;
                    end else begin : bank_1
                        assign sums_1[w - DEPTH] = sum;
                    end
                end else if (w < DEPTH) begin : unused_0
                    assign sums_0[w] = {PART_BITS{1'b0}};
                end else begin : unused_1
                    assign sums_1[w - DEPTH] = {PART_BITS{1'b0}};
                end
            end
`endif
            always @(posedge clock) begin
                term_1 <= tag_negative ? -(code << tag_bit) : code << tag_bit;
                term_2 <= term_1;
                out_0 <= sums_0[bank_address[0]];
                out_1 <= sums_1[bank_address[1]];
                read_2 <= address_1[PHASE_BITS] ? out_1 : out_0;
                // The last two writes, for forwarding (a lane that idles in a phase writes
                // nothing, and no later code of that phase reads its sum).
                written <= sum_next;
                written_before <= written;
                rd_out <= rd_bank_q ? out_1 : out_0;
            end
            assign lane_value[a] = rd_out;
        end
        for (a = 0; a < READ_WIDTH; a = a + 1) begin : read
            localparam integer OFFSET_INT = a;
            localparam [LANE_BITS-1:0] OFFSET = OFFSET_INT[LANE_BITS-1:0];
            localparam [LANE_BITS-1:0] SCALE = READ_WIDTH[LANE_BITS-1:0];
            wire [LANE_BITS-1:0] index = rd_lane_qq * SCALE + OFFSET;
            assign selected[a*PART_BITS +: PART_BITS] = lane_value[index];
        end
    endgenerate

    always @(posedge clock) rd_value <= selected;
endmodule
`default_nettype wire

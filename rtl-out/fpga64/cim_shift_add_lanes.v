`timescale 1ns / 1ps
`default_nettype none
// cim_shift_add_lanes: one shift-add lane per ADC. Lane a owns the physical columns
// pc = m*ADCS + a (m in 0..PHASES-1) and keeps one partial sum per owned column and bank:
//   part[bank][m] = sum over (b, g) of wb(b) * code(b, g, pc),  wb(b) = +-2^b.
// ADC a only ever feeds lane a, so no two codes of one cycle meet in one memory.
//
// Each lane's sums are a memory with synchronous reads (it maps to RAM): a code is added one
// cycle after it lands, to the sum read in its landing cycle; a sum written in that same cycle
// (only with a single phase converted every cycle) is forwarded instead.
//
// Ports:
//   code_valid, codes           One code per ADC (bits [a*ADC_BITS +: ADC_BITS]) with the
//   tag_*                       scheduler's tag of their conversion (bank, phase, bit,
//                               negative, first: overwrite, last: of the MVM).
//   landed, landed_bank         One cycle after the MVM's last sum is written.
//   rd_bank, rd_phase, rd_lane  Combiner's read port; rd_value two cycles later.
module cim_shift_add_lanes #(
    parameter integer ADCS = 4,
    parameter integer PHASES = 4,
    parameter integer PHYS_COLS = 16,
    parameter integer ADC_BITS = 4,
    parameter integer ADC_CYCLES = 1,
    parameter integer PART_BITS = 11,
    parameter integer PHASE_BITS = 2,  // bits of a phase index, >= 1
    parameter integer BIT_BITS = 2,    // bits of an input-bit index, >= 1
    parameter integer LANE_BITS = 2    // bits of a lane index, >= 1
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
    output reg  [PART_BITS-1:0]        rd_value
);
    localparam integer DEPTH = 2 << PHASE_BITS;
    // Lanes that have a column in the last phase; the others idle there.
    localparam integer LAST_PHASE_LANES = PHYS_COLS - (PHASES - 1) * ADCS;
    localparam integer LAST_PHASE_INT = PHASES - 1;
    localparam [PHASE_BITS-1:0] LAST_PHASE = LAST_PHASE_INT[PHASE_BITS-1:0];
    // Only one phase converted every cycle revisits a sum in the next cycle.
    localparam FORWARDING = PHASES == 1 && ADC_CYCLES == 1;

    // The code being added: registered one cycle after it lands.
    reg add_valid, add_negative, add_first, add_last;
    reg [PHASE_BITS:0] add_address;
    reg [PHASE_BITS-1:0] add_phase;
    reg [BIT_BITS-1:0] add_bit;
    reg [ADCS*ADC_BITS-1:0] add_codes;
    reg forward;  // the sum read last cycle was being written then: take the written value
    reg [LANE_BITS-1:0] rd_lane_q;

    wire [PHASE_BITS:0] sum_address = {tag_bank, tag_phase};
    wire [PHASE_BITS:0] rd_address = {rd_bank, rd_phase};
    wire [PART_BITS-1:0] lane_value [0:ADCS-1];

    always @(posedge clock) begin
        if (reset) begin
            add_valid <= 1'b0;
            landed <= 1'b0;
        end else begin
            add_valid <= code_valid;
            landed <= add_valid && add_last;
        end
    end

    always @(posedge clock) begin
        add_address <= sum_address;
        add_phase <= tag_phase;
        add_bit <= tag_bit;
        add_negative <= tag_negative;
        add_first <= tag_first;
        add_last <= tag_last;
        add_codes <= codes;
        forward <= FORWARDING && add_valid && add_address == sum_address;
        landed_bank <= add_address[PHASE_BITS];
        rd_lane_q <= rd_lane;
        rd_value <= lane_value[rd_lane_q];
    end

    genvar a;
    generate
        for (a = 0; a < ADCS; a = a + 1) begin : lane
            reg [PART_BITS-1:0] sums [0:DEPTH-1];
            reg [PART_BITS-1:0] sum_q, written, read_q;
            wire active = (a < LAST_PHASE_LANES) || (add_phase != LAST_PHASE);
            wire [PART_BITS-1:0] code = {{(PART_BITS-ADC_BITS){1'b0}}, add_codes[a*ADC_BITS +: ADC_BITS]};
            // Two's complement sums: adding and subtracting need no sign handling.
            wire [PART_BITS-1:0] term = code << add_bit;
            wire [PART_BITS-1:0] base = add_first ? {PART_BITS{1'b0}} : forward ? written : sum_q;
            wire [PART_BITS-1:0] sum_next = add_negative ? base - term : base + term;
            always @(posedge clock) begin
                sum_q <= sums[sum_address];
                read_q <= sums[rd_address];
                if (add_valid && active) begin
                    sums[add_address] <= sum_next;
                    written <= sum_next;
                end
            end
            assign lane_value[a] = read_q;
        end
    endgenerate
endmodule
`default_nettype wire

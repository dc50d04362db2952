`timescale 1ns / 1ps
`default_nettype none
// cim_crossbar_macro: behavioral model of the analog ReRAM crossbar with its shared ADCs, for
// simulation. An ASIC flow replaces this module by the silicon macro, whose ports it has; for
// synthesis (Yosys defines SYNTHESIS) it is an empty black box.
//
// It computes tile-arithmetic.md (v2) for every conversion: conductances with seeded
// programming error, stuck cells and drift, fixed when a cell is programmed; the column
// current of the driven rows with bit-line IR drop; seeded read noise; the ADC rule.
//
// What the silicon macro must implement (all synchronous to the rising edge of clock):
//   reset                       Synchronous, active high: drops the conversions in flight.
//                               Cells are non-volatile: reset keeps them.
//   prog_en, prog_row, prog_col, prog_level
//                               Cell programming: on prog_en, cell (prog_row, prog_col) takes
//                               level prog_level (0..2^CELL_BITS-1) in one cycle. Addresses
//                               out of range are ignored. A cell never programmed holds level
//                               0 (with its programming error, fault and drift).
//   conv_start                  Start one conversion on every ADC; at most one start per
//                               ADC_CYCLES cycles (Ta, the conversion interval).
//   row_drive[i]                Wordline drive of row conv_group*ROWS_PER_READ + i, sampled with
//                               conv_start (bits of rows past ROWS are ignored).
//   conv_group, conv_phase      Row group g driven; mux phase m: ADC a converts physical column
//                               m*ADCS + a (none where that is >= PHYS_COLS).
//   code_valid, codes           ADC_LATENCY cycles after conv_start (L >= Ta, the conversion
//                               latency), for one cycle: ADC a's code in
//                               codes[a*ADC_BITS +: ADC_BITS]. A pipelined ADC (L > Ta) has up
//                               to ceil(L/Ta) conversions in flight; their codes land in the
//                               order of their starts, each L cycles after its own.
// Simulation only (silicon leaves them unconnected; real noise needs no index):
//   sim_mvm, sim_bit            Batch index k and input bit b of the conversion, which seed the
//                               read noise H(READ, seed, k, b, g, pc).
`ifdef SYNTHESIS
(* blackbox *)
`endif
module cim_crossbar_macro #(
    parameter [31:0] ROWS = 32'd16,
    parameter [31:0] PHYS_COLS = 32'd16,
    parameter integer ROWS_PER_READ = 4,
    parameter integer ADCS = 4,
    parameter integer ADC_BITS = 4,
    parameter [31:0] ADC_STEP = 32'd4,
    parameter [31:0] ADC_CYCLES = 32'd1,
    parameter [31:0] ADC_LATENCY = 32'd1,
    parameter integer CELL_BITS = 2,
    parameter [31:0] FINE_BITS = 32'd2,
    parameter [31:0] READ_NOISE = 32'd0,
    parameter [31:0] PROGRAM_ERROR = 32'd0,
    parameter [31:0] SEED = 32'd1,
    parameter [31:0] DRIFT = 32'd0,
    parameter [31:0] DRIFT_SPREAD = 32'd0,
    parameter [63:0] IR_DROP = 64'd0,
    parameter [31:0] STUCK_OFF_PPM = 32'd0,
    parameter [31:0] STUCK_ON_PPM = 32'd0,
    parameter integer ROW_BITS = 4,     // width of prog_row
    parameter integer COL_BITS = 4,     // width of prog_col
    parameter integer GROUP_BITS = 2,   // width of conv_group
    parameter integer PHASE_BITS = 2,   // width of conv_phase
    parameter integer BIT_BITS = 2      // width of sim_bit
) (
    input  wire                     clock,
    input  wire                     reset,
    input  wire                     prog_en,
    input  wire [ROW_BITS-1:0]      prog_row,
    input  wire [COL_BITS-1:0]      prog_col,
    input  wire [CELL_BITS-1:0]     prog_level,
    input  wire                     conv_start,
    input  wire [ROWS_PER_READ-1:0] row_drive,
    input  wire [GROUP_BITS-1:0]    conv_group,
    input  wire [PHASE_BITS-1:0]    conv_phase,
    input  wire [31:0]              sim_mvm,
    input  wire [BIT_BITS-1:0]      sim_bit,
    output wire                     code_valid,
    output reg  [ADCS*ADC_BITS-1:0] codes
);
`ifndef SYNTHESIS
    localparam [31:0] PROG = 32'h50524f47;
    localparam [31:0] READ = 32'h52454144;
    localparam [31:0] FAULT = 32'h46414c54;
    localparam [31:0] DRIFT_TAG = 32'h44524654;
    localparam [63:0] CODE_MAX = (64'd1 << ADC_BITS) - 64'd1;
    localparam [63:0] STEP = {32'd0, ADC_STEP};
    localparam [31:0] GROUP_ROWS = ROWS_PER_READ;
    localparam [31:0] ADC_COUNT = ADCS;
    localparam [31:0] CODE_BITS = ADC_BITS;
    localparam [63:0] TOP_LEVEL = ((64'd1 << CELL_BITS) - 64'd1) << FINE_BITS;

    function automatic [31:0] mix(input [31:0] x_in);
        reg [31:0] x;
        begin
            x = x_in;
            x = x ^ (x >> 16);
            x = x * 32'h7feb352d;
            x = x ^ (x >> 15);
            x = x * 32'h846ca68b;
            x = x ^ (x >> 16);
            mix = x;
        end
    endfunction

    function automatic [31:0] hash(input [31:0] tag, input [31:0] a, input [31:0] b,
                                   input [31:0] c, input [31:0] d);
        hash = mix(mix(mix(mix(mix(SEED ^ tag) ^ a) ^ b) ^ c) ^ d);
    endfunction

    // uni(h, amp) = (h mod (2*amp + 1)) - amp, h unsigned.
    function automatic signed [63:0] uni(input [31:0] h, input [31:0] amp);
        reg [63:0] modulus;
        begin
            modulus = {31'd0, amp, 1'b1};
            uni = (amp == 32'd0) ? 64'sd0 : $signed({32'd0, h} % modulus) - $signed({32'd0, amp});
        end
    endfunction

    // geff(r, pc) in fine units (spec sections 2 and 6).
    function automatic [31:0] conductance(input [31:0] r, input [31:0] pc, input [CELL_BITS-1:0] level);
        reg signed [63:0] g, d, kept;
        reg [31:0] unused_kept_high;
        integer u;
        begin
            u = $signed(hash(FAULT, r, pc, 32'd0, 32'd0) % 32'd1000000);
            g = $signed({{(64-CELL_BITS){1'b0}}, level} << FINE_BITS) + uni(hash(PROG, r, pc, 32'd0, 32'd0), PROGRAM_ERROR);
            if (g < 0) g = 64'sd0;
            d = $signed({32'd0, DRIFT}) + uni(hash(DRIFT_TAG, r, pc, 32'd0, 32'd0), DRIFT_SPREAD);
            if (d < 0) d = 64'sd0;
            if (d > 65536) d = 64'sd65536;
            if (u < $signed(STUCK_OFF_PPM)) conductance = 32'd0;
            else if (u < $signed(STUCK_OFF_PPM + STUCK_ON_PPM)) conductance = TOP_LEVEL[31:0];
            else begin
                kept = (g * (64'sd65536 - d) + 64'sd32768) >>> 16;
                {unused_kept_high, conductance} = $unsigned(kept);
            end
        end
    endfunction

    reg [31:0] cells [0:ROWS*PHYS_COLS-1];

    // A fresh array is erased: every cell at level 0, device effects included.
    reg [31:0] init_r, init_pc;
    initial begin
        for (init_r = 32'd0; init_r < ROWS; init_r = init_r + 32'd1)
            for (init_pc = 32'd0; init_pc < PHYS_COLS; init_pc = init_pc + 32'd1)
                cells[init_r*PHYS_COLS + init_pc] = conductance(init_r, init_pc, {CELL_BITS{1'b0}});
    end

    wire [31:0] prog_r = {{(32-ROW_BITS){1'b0}}, prog_row};
    wire [31:0] prog_pc = {{(32-COL_BITS){1'b0}}, prog_col};
    always @(posedge clock) begin
        if (prog_en && prog_r < ROWS && prog_pc < PHYS_COLS)
            cells[prog_r*PHYS_COLS + prog_pc] <= conductance(prog_r, prog_pc, prog_level);
    end

    // One conversion on every ADC: the column current I of the driven rows, IR drop
    // V = I - floor(I*I*Q / 2^40), read noise, then the ADC rule
    // code = V < 0 ? 0 : min(2^ADC_BITS - 1, (V + floor(step/2)) div step).
    // A function called at conv_start, not logic over the whole cell memory (which a simulator
    // would re-evaluate per cell).
    function automatic [ADCS*ADC_BITS-1:0] convert(input [31:0] phase, input [31:0] group,
                                                   input [ROWS_PER_READ-1:0] drive,
                                                   input [31:0] mvm, input [31:0] bit_index);
        reg [31:0] pc, first_row, count;
        reg [63:0] current;
        reg [63:0] drop, unused_drop_high;
        reg signed [63:0] v;
        reg [63:0] q;
        reg [31:0] a, i;
        begin
            convert = {ADCS*ADC_BITS{1'b0}};
            // Rows of the group that exist (the last group may be short).
            first_row = group * GROUP_ROWS;
            count = (first_row >= ROWS) ? 32'd0
                  : (ROWS - first_row < GROUP_ROWS) ? ROWS - first_row : GROUP_ROWS;
            for (a = 32'd0; a < ADC_COUNT; a = a + 32'd1) begin
                pc = phase * ADC_COUNT + a;
                v = 64'sd0;
                if (pc < PHYS_COLS) begin
                    current = 64'd0;
                    // Masked, not branched: drive bits are data, and a branch on them mispredicts.
                    for (i = 32'd0; i < count; i = i + 32'd1)
                        current = current + {32'd0, cells[(first_row + i)*PHYS_COLS + pc] & {32{drive[i]}}};
                    // I * I * Q needs up to 73 bits: exact in 128.
                    {unused_drop_high, drop} = ({64'd0, current} * {64'd0, current} * {64'd0, IR_DROP}) >> 40;
                    v = $signed(current - drop)
                      + uni(hash(READ, mvm, bit_index, group, pc), READ_NOISE);
                end
                q = (v < 0) ? 64'd0 : ($unsigned(v) + STEP / 64'd2) / STEP;
                convert[a*CODE_BITS +: ADC_BITS] = (q > CODE_MAX) ? CODE_MAX[ADC_BITS-1:0] : q[ADC_BITS-1:0];
            end
        end
    endfunction

    // The codes are computed at conv_start (from the cells as they are then) and travel a
    // delay line of ADC_LATENCY stages with their valid bit: conversions overlap when L > Ta.
    localparam integer LATENCY = ADC_LATENCY;
    // Ta is how often conversions may start, which the scheduler keeps; the model needs only L.
    wire unused_interval = ^ADC_CYCLES;
    reg [ADCS*ADC_BITS-1:0] in_flight [1:LATENCY];
    reg [LATENCY:1] started;
    wire [LATENCY+1:1] started_next = {started, conv_start};  // the oldest bit leaves
    wire unused_oldest = started_next[LATENCY+1];
    integer stage;
    always @(posedge clock) begin
        in_flight[1] <= conv_start
            ? convert({{(32-PHASE_BITS){1'b0}}, conv_phase}, {{(32-GROUP_BITS){1'b0}}, conv_group},
                      row_drive, sim_mvm, {{(32-BIT_BITS){1'b0}}, sim_bit})
            : {ADCS*ADC_BITS{1'b0}};
        for (stage = 2; stage <= LATENCY; stage = stage + 1) in_flight[stage] <= in_flight[stage-1];
        if (reset) started <= {LATENCY{1'b0}};
        else started <= started_next[LATENCY:1];
    end
    wire [ADCS*ADC_BITS-1:0] landing = in_flight[LATENCY];
    always @(*) codes = landing;
    assign code_valid = started[LATENCY];
`else
    // The black box's outputs, driven so that a lint of the synthesis view sees no floating net.
    wire unused_parameters = ^{ROWS, PHYS_COLS, ADC_STEP, ADC_CYCLES, ADC_LATENCY, FINE_BITS, READ_NOISE,
                               PROGRAM_ERROR, SEED, DRIFT, DRIFT_SPREAD, IR_DROP, STUCK_OFF_PPM,
                               STUCK_ON_PPM};
    wire unused_inputs = ^{clock, reset, prog_en, prog_row, prog_col, prog_level, conv_start,
                           row_drive, conv_group, conv_phase, sim_mvm, sim_bit};
    assign code_valid = 1'b0;
    always @(*) codes = {ADCS*ADC_BITS{1'b0}};
`endif
endmodule
`default_nettype wire

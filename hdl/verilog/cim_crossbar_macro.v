// cim_crossbar_macro: behavioral model of the analog ReRAM crossbar with its shared ADCs.
//
// An ASIC flow replaces this module by the real macro; its ports are the ones such a macro has.
// It computes tile-arithmetic.md sections 2-4 for every conversion: conductances with seeded
// programming error, the column value of the driven rows, seeded read noise, the ADC rule.
//
// Ports (all synchronous to `clock`, rising edge):
//   reset                                    Synchronous, active high: drops conversions in flight.
//   prog_en, prog_row, prog_col, prog_level  Cell programming: on prog_en, cell (prog_row,
//                                            prog_col) takes level prog_level (0..2^CELL_BITS-1).
//                                            Conductances are non-volatile: reset keeps them.
//   conv_start                               Start one conversion on every ADC. At most one
//                                            start per ADC_CYCLES cycles (one in flight per ADC).
//   row_drive[ROWS_PER_READ-1:0]             Wordline drive of the rows of `conv_group`
//                                            (bit i drives row conv_group*ROWS_PER_READ + i),
//                                            sampled with conv_start.
//   conv_group                               Row group g being driven.
//   col_sel                                  Mux phase m: ADC a converts physical column
//                                            m*ADCS + a (no conversion where that is >= PHYS_COLS).
//   noise_mvm, noise_bit                     Behavioral model only: batch index k and input bit b
//                                            that seed the read noise H(READ, seed, k, b, g, pc).
//                                            Silicon has real noise and leaves them unconnected.
//   code_valid, codes                        ADC_CYCLES cycles after conv_start, codes holds ADC a's
//                                            code in bits [a*ADC_BITS +: ADC_BITS] for one cycle
//                                            (code_valid high); codes then holds until the next
//                                            conversion starts.
// Synthesis (Yosys defines SYNTHESIS) sees a black box: the real macro replaces it.
`ifdef SYNTHESIS
(* blackbox *)
`endif
module cim_crossbar_macro #(
    parameter integer ROWS = 16,
    parameter integer PHYS_COLS = 16,
    parameter integer ROWS_PER_READ = 4,
    parameter integer ADCS = 4,
    parameter integer ADC_BITS = 4,
    parameter [63:0] ADC_STEP = 64'd4,
    parameter integer ADC_CYCLES = 1,
    parameter integer FINE_BITS = 2,
    parameter integer READ_NOISE = 0,
    parameter integer PROGRAM_ERROR = 0,
    parameter [31:0] SEED = 32'd1
) (
    input wire clock,
    input wire reset,
    input wire prog_en,
    input wire [15:0] prog_row,
    input wire [23:0] prog_col,
    input wire [7:0] prog_level,
    input wire conv_start,
    input wire [ROWS_PER_READ-1:0] row_drive,
    input wire [15:0] conv_group,
    input wire [23:0] col_sel,
    input wire [31:0] noise_mvm,
    input wire [4:0] noise_bit,
    output wire code_valid,
    output reg [ADCS*ADC_BITS-1:0] codes
);
`ifndef SYNTHESIS
    localparam [31:0] PROG = 32'h50524f47;
    localparam [31:0] READ = 32'h52454144;
    localparam [63:0] CODE_MAX = (64'd1 << ADC_BITS) - 64'd1;

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
            modulus = {32'd0, amp} * 64'd2 + 64'd1;
            uni = (amp == 32'd0) ? 64'sd0 : $signed({32'd0, h} % modulus) - $signed({32'd0, amp});
        end
    endfunction

    // g(r, pc) in fine units: max(0, level * 2^FINE_BITS + perr(r, pc)).
    function automatic [31:0] conductance(input [31:0] r, input [31:0] pc, input [7:0] level);
        reg signed [63:0] g;
        begin
            g = $signed({56'd0, level} << FINE_BITS)
                + uni(hash(PROG, r, pc, 32'd0, 32'd0), PROGRAM_ERROR);
            conductance = (g < 0) ? 32'd0 : g[31:0];
        end
    endfunction

    reg [31:0] cells [0:ROWS*PHYS_COLS-1];

    // A fresh array is erased: every cell at level 0, programming error included.
    integer init_r, init_pc;
    initial begin
        for (init_r = 0; init_r < ROWS; init_r = init_r + 1)
            for (init_pc = 0; init_pc < PHYS_COLS; init_pc = init_pc + 1)
                cells[init_r*PHYS_COLS + init_pc] = conductance(init_r, init_pc, 8'd0);
    end

    wire [31:0] prog_r = {16'd0, prog_row};
    wire [31:0] prog_pc = {8'd0, prog_col};
    always @(posedge clock) begin
        if (prog_en && prog_r < ROWS && prog_pc < PHYS_COLS)
            cells[prog_r*PHYS_COLS + prog_pc] <= conductance(prog_r, prog_pc, prog_level);
    end

    // One conversion on every ADC: column value V of the driven rows plus read noise, then
    // the ADC rule code = V < 0 ? 0 : min(2^ADC_BITS - 1, (V + floor(step/2)) div step).
    // A function called at conv_start (not combinational logic over the whole cell memory,
    // which simulators would re-evaluate, or elaborate, per cell).
    function automatic [ADCS*ADC_BITS-1:0] convert(input [23:0] sel, input [15:0] group,
                                                   input [ROWS_PER_READ-1:0] drive,
                                                   input [31:0] mvm, input [4:0] bit_index);
        reg [31:0] pc, first_row, count;
        reg signed [63:0] v;
        reg [63:0] q;
        integer a, i;
        begin
            convert = {ADCS*ADC_BITS{1'b0}};
            // Rows of the group that exist (the last group may be short).
            first_row = {16'd0, group} * ROWS_PER_READ;
            count = (first_row >= ROWS) ? 32'd0
                  : (ROWS - first_row < ROWS_PER_READ) ? ROWS - first_row : ROWS_PER_READ;
            for (a = 0; a < ADCS; a = a + 1) begin
                pc = {8'd0, sel} * ADCS + a;
                v = 64'sd0;
                if (pc < PHYS_COLS) begin
                    // Masked, not branched: drive bits are data, and a branch on them mispredicts.
                    for (i = 0; i < count; i = i + 1)
                        v = v + $signed({32'd0, cells[(first_row + i)*PHYS_COLS + pc] & {32{drive[i]}}});
                    v = v + uni(hash(READ, mvm, {27'd0, bit_index}, {16'd0, group}, pc), READ_NOISE);
                end
                q = (v < 0) ? 64'd0 : ($unsigned(v) + ADC_STEP / 64'd2) / ADC_STEP;
                convert[a*ADC_BITS +: ADC_BITS] = (q > CODE_MAX) ? CODE_MAX[ADC_BITS-1:0]
                                                                 : q[ADC_BITS-1:0];
            end
        end
    endfunction

    always @(posedge clock) begin
        if (conv_start) codes <= convert(col_sel, conv_group, row_drive, noise_mvm, noise_bit);
    end

    // Conversion latency: a start shows up as code_valid ADC_CYCLES cycles later; reset drops
    // conversions in flight.
    // One conversion is in flight at a time, so a countdown suffices.
    reg [6:0] countdown;
    always @(posedge clock) begin
        if (reset) countdown <= 7'd0;
        else if (conv_start) countdown <= ADC_CYCLES[6:0];
        else if (countdown != 7'd0) countdown <= countdown - 7'd1;
    end
    assign code_valid = countdown == 7'd1;
`endif
endmodule

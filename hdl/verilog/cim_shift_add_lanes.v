// cim_shift_add_lanes: one shift-add lane per ADC. Lane a owns the physical columns
// pc = m*ADCS + a (m in 0..PHASES-1) and keeps one partial sum per owned column and bank:
//   part[bank][m] = sum over (b, g) of wb(b) * code(b, g, pc),  wb(b) = +-2^b.
// Because ADC a only ever feeds lane a, no two codes of one cycle target one register.
//
//   code_valid, codes           One code per ADC (bits [a*ADC_BITS +: ADC_BITS]), with the tag
//                               of the conversion they came from:
//   tag_bank, tag_phase         which bank and phase m,
//   tag_bit, tag_negative       input bit b, and whether wb(b) is negative (signed MSB),
//   tag_first                   first conversion of its column in this MVM (b = 0, g = 0):
//                               overwrite instead of add.
//   rd_bank, rd_phase, rd_lane  Combinational read port for the combine stage: the partial sum
//                               of pc = rd_phase*ADCS + rd_lane, sign-extended to 64 bits.
module cim_shift_add_lanes #(
    parameter integer ADCS = 4,
    parameter integer PHASES = 4,
    parameter integer PHYS_COLS = 16,
    parameter integer ADC_BITS = 4,
    parameter integer PART_BITS = 16
) (
    input wire clock,
    input wire code_valid,
    input wire [ADCS*ADC_BITS-1:0] codes,
    input wire tag_bank,
    input wire [23:0] tag_phase,
    input wire [4:0] tag_bit,
    input wire tag_negative,
    input wire tag_first,
    input wire rd_bank,
    input wire [23:0] rd_phase,
    input wire [23:0] rd_lane,
    output wire [63:0] rd_value
);
    localparam [31:0] BANK = PHASES;
    localparam [31:0] COLS = PHYS_COLS;
    localparam integer AW = (2 * PHASES > 1) ? $clog2(2 * PHASES) : 1;
    localparam integer LW = (ADCS > 1) ? $clog2(ADCS) : 1;
    wire signed [PART_BITS-1:0] lane_value [0:ADCS-1];
    wire [31:0] wr_full = {8'd0, tag_phase} + (tag_bank ? BANK : 32'd0);
    wire [31:0] rd_full = {8'd0, rd_phase} + (rd_bank ? BANK : 32'd0);
    wire [AW-1:0] wr_addr = wr_full[AW-1:0];
    wire [AW-1:0] rd_addr = rd_full[AW-1:0];
    wire [LW-1:0] rd_select = rd_lane[LW-1:0];
    // Phases and lanes stay below PHASES and ADCS: the high address bits are always 0.
    wire unused_address_bits = ^{wr_full[31:AW], rd_full[31:AW], rd_lane[23:LW]};
    wire [31:0] phase_base = {8'd0, tag_phase} * ADCS;

    genvar a;
    generate
        for (a = 0; a < ADCS; a = a + 1) begin : lane
            reg signed [PART_BITS-1:0] part [0:2*PHASES-1];
            wire [PART_BITS-1:0] code = {{(PART_BITS-ADC_BITS){1'b0}}, codes[a*ADC_BITS +: ADC_BITS]};
            wire signed [PART_BITS-1:0] term = $signed(code << tag_bit);
            wire signed [PART_BITS-1:0] base = tag_first ? {PART_BITS{1'b0}} : part[wr_addr];
            always @(posedge clock) begin
                if (code_valid && phase_base + a < COLS)
                    part[wr_addr] <= tag_negative ? base - term : base + term;
            end
            assign lane_value[a] = part[rd_addr];
        end
    endgenerate

    wire signed [PART_BITS-1:0] selected = lane_value[rd_select];
    assign rd_value = {{(64-PART_BITS){selected[PART_BITS-1]}}, selected};
endmodule

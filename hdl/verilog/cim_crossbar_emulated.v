`timescale 1ns / 1ps
`default_nettype none
// cim_crossbar_emulated: a synthesizable stand-in for the analog crossbar and its ADCs, with the
// ports and timing of cim_crossbar_macro, so that a whole tile runs on an FPGA and computes
// tile-arithmetic.md (v2) bit for bit: programming error, stuck cells and drift fixed when a
// cell is programmed, the column current with bit-line IR drop, seeded read noise, the ADC rule.
//
// Every multiply by a constant (hash rounds, reciprocal divisions, addresses) is a sum of
// shifted copies in logic (cim_constant_multiplier), so only I * I * Q and the drift product
// g * (65536 - d) take DSP blocks.
//
// Programming (13-stage pipeline, one cell per cycle): the three cell hashes H(PROG|FAULT|DRIFT,
// seed, r, pc, 0, 0) are four mix rounds (cim_hash_round) after a constant first round, one
// 32-bit multiply per stage; the remainders of uni() and of 10^6 use a reciprocal multiply
// (cim_constant_modulo, exact for every 32-bit hash), then g, d, the stuck state and the
// rounded drift product; geff lands in the memories in stage 13. The host cannot start an MVM
// sooner than ROWS + 2 cycles after a cell write, so the first cell read of a conversion waits
// READ_START cycles: every write is in place by then.
//
// Cells: ADC a, lane j (0..CELLS_PER_READ-1) has a memory of depth G * M * T with synchronous
// reads, in block RAM (ram_style: in LUT RAM the write's address and value reach every 16-word
// slice of every memory, fpga64's longest wires at 60 MHz), holding geff of row g*Rg + t*W + j and
// physical column m*ADCS + a at address (g*M + m)*T + t. A conversion reads T = ceil(Rg/W) words
// per memory over T cycles; a pipelined adder tree sums the W driven cells of each word and an
// accumulator the T words.
//
// Conversion, pipelined to the rate: a conversion may start every cycle (every ADC_CYCLES
// cycles, whatever that is), and its codes land ADC_LATENCY cycles after its start, with the
// later conversions in flight behind it; the array's read bandwidth, T <= ADC_CYCLES, is what
// the generator checks. Every stage is a free-running register that holds a conversion's value
// in exactly one cycle of its pipeline, the valid bits travel beside the data. The read noise
// H(READ, seed, k, b, g, pc) is 8 hash stages plus 2 for uni(), ready in cycle 11 after the
// start; the current is ready READ_START + T + log2(W) + 2 cycles after it, IR drop takes 2
// more (1 without it), then the sum with the noise (the earlier of the two waits for the later),
// the reciprocal division by the ADC step and the clip take 3: the pipeline depth, which the
// generator computes the same way and passes as ADC_LATENCY (or more: the codes then wait).
//
// Cells power up undefined (an FPGA memory has no erased state): a host programs every cell
// before its first MVM. sim_mvm and sim_bit are real inputs here, the batch index and input bit
// that seed the read noise (the scheduler counts MVMs in synthesizable logic).
module cim_crossbar_emulated #(
    parameter [31:0] ROWS = 32'd16,
    parameter [31:0] PHYS_COLS = 32'd16,
    parameter integer ROWS_PER_READ = 4,
    parameter integer ADCS = 4,
    parameter integer ADC_BITS = 4,
    parameter [31:0] ADC_STEP = 32'd4,
    parameter [31:0] ADC_CYCLES = 32'd1,
    parameter [31:0] ADC_LATENCY = 32'd11,
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
    parameter integer BIT_BITS = 2,     // width of sim_bit
    parameter integer CELLS_PER_READ = 4,  // W: cells each ADC reads per cycle
    parameter integer READ_START = 1       // cycles from conv_start to the first cell read, >= 1
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
    output wire [ADCS*ADC_BITS-1:0] codes
);
    function automatic integer ceil_log2(input [63:0] value);
        integer i;
        begin
            ceil_log2 = 0;
            for (i = 0; i < 63; i = i + 1)
                if ((64'd1 << i) < value) ceil_log2 = i + 1;
        end
    endfunction

    function automatic [63:0] wide(input integer value);
        wide = {32'd0, value};
    endfunction

    // Bits of an unsigned value (at least 1).
    function automatic integer value_bits(input [63:0] value);
        value_bits = (value == 64'd0) ? 1 : ceil_log2(value + 64'd1);
    endfunction

    // mix() of the spec, for the hash's constant first round (evaluated in elaboration).
    function automatic [31:0] mix(input [31:0] x);
        reg [31:0] y;
        begin
            y = (x ^ (x >> 16)) * 32'h7feb352d;
            y = (y ^ (y >> 15)) * 32'h846ca68b;
            mix = y ^ (y >> 16);
        end
    endfunction

    localparam [31:0] PROG = 32'h50524f47;
    localparam [31:0] READ = 32'h52454144;
    localparam [31:0] FAULT = 32'h46414c54;
    localparam [31:0] DRIFT_TAG = 32'h44524654;

    localparam integer ROW_COUNT = ROWS;
    localparam integer COLUMN_COUNT = PHYS_COLS;
    localparam integer GROUPS = (ROW_COUNT + ROWS_PER_READ - 1) / ROWS_PER_READ;
    localparam integer PHASES = (COLUMN_COUNT + ADCS - 1) / ADCS;
    localparam integer W = CELLS_PER_READ;
    localparam integer READ_CYCLES = (ROWS_PER_READ + W - 1) / W;
    localparam integer TREE_LEVELS = ceil_log2(wide(W));
    localparam integer LEAVES = 1 << TREE_LEVELS;
    localparam integer DEPTH = GROUPS * PHASES * READ_CYCLES;
    localparam integer ADDR_BITS = value_bits(wide(DEPTH - 1));
    localparam integer LAST_ROWS = ROW_COUNT - (GROUPS - 1) * ROWS_PER_READ;
    localparam integer DRIVE_BITS = READ_CYCLES * W;

    localparam [63:0] TOP_LEVEL = ((64'd1 << CELL_BITS) - 64'd1) << FINE_BITS;
    localparam [63:0] COND_MAX = TOP_LEVEL + {32'd0, PROGRAM_ERROR};
    localparam integer COND_BITS = value_bits(COND_MAX);
    localparam [63:0] CURRENT_MAX = wide(ROWS_PER_READ) * COND_MAX;
    localparam integer CUR_BITS = value_bits(CURRENT_MAX);
    // The current plus the noise's remainder (0..2*Nr), and plus half a step: never negative.
    localparam integer X_BITS = value_bits(CURRENT_MAX + {31'd0, READ_NOISE, 1'b0} + {33'd0, ADC_STEP[31:1]});
    localparam [63:0] CODE_MAX = (64'd1 << ADC_BITS) - 64'd1;

    // Moduli of uni() and of the fault draw, with their reciprocals for 32-bit hashes.
    localparam [63:0] NOISE_MOD = {31'd0, READ_NOISE, 1'b1};
    localparam [63:0] PROG_MOD = {31'd0, PROGRAM_ERROR, 1'b1};
    localparam [63:0] FAULT_MOD = 64'd1000000;
    localparam [63:0] DRIFT_MOD = {31'd0, DRIFT_SPREAD, 1'b1};

    // ---------------------------------------------------------------- programming pipeline
    localparam integer WRITE_STAGES = 13;
    localparam [31:0] PHASES32 = PHASES;
    localparam [31:0] READS32 = READ_CYCLES;
    localparam integer OFFSET_BITS = value_bits(wide(ROWS_PER_READ - 1));

    wire [31:0] prog_r = {{(32-ROW_BITS){1'b0}}, prog_row};
    wire [31:0] prog_pc = {{(32-COL_BITS){1'b0}}, prog_col};

    reg [WRITE_STAGES:1] w_en;
    reg [CELL_BITS-1:0] w_level [1:10];
    reg [31:0] w_row1, w_col1, w_col2, w_row2;
    reg [31:0] w_group2, w_phase2, w_offset3, w_adc3, w_gm3, w_offset4, w_adc4, w_gm4, w_slot4;
    reg [31:0] w_adc [5:WRITE_STAGES];
    reg [31:0] w_lane [5:WRITE_STAGES];
    reg [31:0] w_addr [5:WRITE_STAGES];
    integer s;
    wire [ROW_BITS-1:0] group1;           // w_row1 / Rg
    wire [COL_BITS-1:0] phase1;           // w_col1 / A
    wire [OFFSET_BITS-1:0] slot3;         // w_offset3 / W
    wire [31:0] group_row2, phase_col2, group_phase2, slot_lane4, gm_addr4;
    cim_constant_divider #(.X_BITS(ROW_BITS), .D(wide(ROWS_PER_READ))) row_group (
        .x(w_row1[ROW_BITS-1:0]), .quotient(group1));
    cim_constant_divider #(.X_BITS(COL_BITS), .D(wide(ADCS))) column_phase (
        .x(w_col1[COL_BITS-1:0]), .quotient(phase1));
    cim_constant_divider #(.X_BITS(OFFSET_BITS), .D(wide(W))) offset_slot (
        .x(w_offset3[OFFSET_BITS-1:0]), .quotient(slot3));
    cim_constant_multiplier #(.K({64'd0, wide(ROWS_PER_READ)})) group_first_row (.x(w_group2), .product(group_row2));
    cim_constant_multiplier #(.K({64'd0, wide(ADCS)})) phase_first_col (.x(w_phase2), .product(phase_col2));
    cim_constant_multiplier #(.K({96'd0, PHASES32})) group_phases (.x(w_group2), .product(group_phase2));
    cim_constant_multiplier #(.K({64'd0, wide(W)})) slot_first_lane (.x(w_slot4), .product(slot_lane4));
    cim_constant_multiplier #(.K({96'd0, READS32})) gm_first_addr (.x(w_gm4), .product(gm_addr4));

    // Where a cell lives: g = r / Rg, i = r mod Rg, t = i / W, j = i mod W, m = pc / A,
    // a = pc mod A; address (g*M + m)*T + t of memory (a, j).
    always @(posedge clock) begin
        w_en <= {w_en[WRITE_STAGES-1:1], prog_en && prog_r < ROWS && prog_pc < PHYS_COLS};
        w_level[1] <= prog_level;
        for (s = 2; s <= 10; s = s + 1) w_level[s] <= w_level[s-1];
        w_row1 <= prog_r;
        w_col1 <= prog_pc;
        w_row2 <= w_row1;
        w_col2 <= w_col1;
        w_group2 <= {{(32-ROW_BITS){1'b0}}, group1};
        w_phase2 <= {{(32-COL_BITS){1'b0}}, phase1};
        w_offset3 <= w_row2 - group_row2;
        w_adc3 <= w_col2 - phase_col2;
        w_gm3 <= group_phase2 + w_phase2;
        w_offset4 <= w_offset3;
        w_adc4 <= w_adc3;
        w_gm4 <= w_gm3;
        w_slot4 <= {{(32-OFFSET_BITS){1'b0}}, slot3};
        w_lane[5] <= w_offset4 - slot_lane4;
        w_addr[5] <= gm_addr4 + w_slot4;
        w_adc[5] <= w_adc4;
        for (s = 6; s <= WRITE_STAGES; s = s + 1) begin
            w_lane[s] <= w_lane[s-1];
            w_addr[s] <= w_addr[s-1];
            w_adc[s] <= w_adc[s-1];
        end
    end

    // The three cell hashes: stages 1..8 mix, 9 the quotient, 10 the remainder.
    wire [3*32-1:0] cell_draws;  // {drift, fault, prog} remainders in stage 10
    genvar k;
    generate
        for (k = 0; k < 3; k = k + 1) begin : cell_hash
            localparam [31:0] TAG = (k == 0) ? PROG : (k == 1) ? FAULT : DRIFT_TAG;
            localparam [63:0] MODULUS = (k == 0) ? PROG_MOD : (k == 1) ? FAULT_MOD : DRIFT_MOD;
            localparam USED = (k == 0) ? PROGRAM_ERROR != 0
                            : (k == 1) ? STUCK_OFF_PPM + STUCK_ON_PPM != 0 : DRIFT_SPREAD != 0;
            if (USED) begin : on
                wire [31:0] row2, column4, zero6, hash8;
                cim_hash_round absorb_row (.clock(clock), .state_in(mix(SEED ^ TAG)), .word(prog_r), .state_out(row2));
                cim_hash_round absorb_column (.clock(clock), .state_in(row2), .word(w_col2), .state_out(column4));
                cim_hash_round absorb_zero (.clock(clock), .state_in(column4), .word(32'd0), .state_out(zero6));
                cim_hash_round absorb_last_zero (.clock(clock), .state_in(zero6), .word(32'd0), .state_out(hash8));
                cim_constant_modulo #(.D(MODULUS)) draw (.clock(clock), .x(hash8), .remainder(cell_draws[k*32 +: 32]));
            end else begin : off
                // uni(h, 0) = 0, and no cell is stuck: a remainder that selects exactly that.
                assign cell_draws[k*32 +: 32] = (k == 0) ? PROGRAM_ERROR : (k == 1) ? 32'd999999 : DRIFT_SPREAD;
            end
        end
    endgenerate

    // Stage 11: g = max(0, level*2^E + perr), d = clamp(D + uni(., Ds), 0, 65536), stuck state;
    // 12: g * (65536 - d); 13: geff.
    localparam [31:0] STUCK_ANY = STUCK_OFF_PPM + STUCK_ON_PPM;
    wire [31:0] level10 = {{(32-CELL_BITS){1'b0}}, w_level[10]};
    wire [31:0] fine10 = (level10 << FINE_BITS) + cell_draws[31:0];
    wire [31:0] drift10 = DRIFT + cell_draws[95:64];
    reg [31:0] g11, kept11;
    reg off11, on11, off12, on12;
    reg [63:0] product12;
    reg [COND_BITS-1:0] geff13;
    wire [63:0] rounded12 = product12 + 64'd32768;
    // Comparisons are written x + 1 > c (x >= c), so that c = 0 compares nothing constant.
    always @(posedge clock) begin
        g11 <= (fine10 + 32'd1 > PROGRAM_ERROR) ? fine10 - PROGRAM_ERROR : 32'd0;
        kept11 <= 32'd65536 - ((drift10 + 32'd1 > DRIFT_SPREAD)
                  ? ((drift10 - DRIFT_SPREAD > 32'd65536) ? 32'd65536 : drift10 - DRIFT_SPREAD) : 32'd0);
        off11 <= !(cell_draws[63:32] + 32'd1 > STUCK_OFF_PPM);
        on11 <= !(cell_draws[63:32] + 32'd1 > STUCK_ANY);
        off12 <= off11;
        on12 <= on11;
        geff13 <= off12 ? {COND_BITS{1'b0}} : on12 ? TOP_LEVEL[COND_BITS-1:0] : rounded12[16 +: COND_BITS];
    end
    // Without drift every cell keeps 65536/65536 of g: no multiplier.
    generate
        if (DRIFT != 0 || DRIFT_SPREAD != 0) begin : drifting
            always @(posedge clock) product12 <= {32'd0, g11} * {32'd0, kept11};
        end else begin : steady
            always @(posedge clock) product12 <= {16'd0, g11, 16'd0};
            wire unused_kept = ^kept11;
        end
    endgenerate

    // ---------------------------------------------------------------- conversion
    // A conversion's values sit in each stage for exactly the cycle its position says (cycle 0:
    // conv_start), and its valid bit travels beside them (started), so a conversion can start
    // every ADC_CYCLES cycles, every cycle included, with the earlier ones still in flight.
    localparam integer R0 = READ_START;
    localparam integer CURRENT_READY = R0 + READ_CYCLES + 2 + TREE_LEVELS;
    localparam integer DROP_READY = CURRENT_READY + ((IR_DROP != 0) ? 2 : 1);
    localparam integer NOISE_READY = 11;
    localparam integer SUM_READY = (READ_NOISE != 0 && NOISE_READY > DROP_READY) ? NOISE_READY : DROP_READY;
    localparam integer DEPTH_CYCLES = SUM_READY + 3;
    localparam integer LATENCY = ADC_LATENCY;
    wire unused_interval = ^ADC_CYCLES;  // the pipeline follows conv_start, whatever its interval
    localparam integer PAD = LATENCY - DEPTH_CYCLES;  // the generator plans LATENCY >= DEPTH_CYCLES
    localparam [31:0] LAST_GROUP = GROUPS - 1;
    localparam [31:0] LAST_PHASE = PHASES - 1;
    // ADCs with a column in the last phase (the others convert 0 there).
    localparam integer LAST_PHASE_ADCS = COLUMN_COUNT - (PHASES - 1) * ADCS;
    localparam integer SLOT_BITS = value_bits(wide(READ_CYCLES - 1));
    localparam [63:0] LAST_SLOT_WIDE = wide(READ_CYCLES - 1);
    localparam [SLOT_BITS-1:0] LAST_SLOT = LAST_SLOT_WIDE[SLOT_BITS-1:0];

    // started[k]: a conversion started k cycles ago; reset drops the conversions in flight.
    reg [LATENCY:1] started;
    wire [LATENCY+1:1] started_next = {started, conv_start};
    wire unused_oldest = started_next[LATENCY+1];
    always @(posedge clock) begin
        if (reset) started <= {LATENCY{1'b0}};
        else started <= started_next[LATENCY:1];
    end
    assign code_valid = started[LATENCY];

    // Cycle 0: where the conversion's words are, its drive bits, the ADCs with a column.
    wire [31:0] conv_g = {{(32-GROUP_BITS){1'b0}}, conv_group};
    wire [31:0] conv_m = {{(32-PHASE_BITS){1'b0}}, conv_phase};
    // Rows past the last one (a short last group) carry stale drive bits: masked here.
    wire [ROWS_PER_READ-1:0] rows_present = (conv_g == LAST_GROUP)
        ? {ROWS_PER_READ{1'b1}} >> (ROWS_PER_READ - LAST_ROWS) : {ROWS_PER_READ{1'b1}};
    wire [31:0] start_gm, start_first_gm, start_addr;
    cim_constant_multiplier #(.K({96'd0, PHASES32})) start_group_phases (.x(conv_g), .product(start_first_gm));
    assign start_gm = start_first_gm + conv_m;
    cim_constant_multiplier #(.K({96'd0, READS32})) start_first_addr (.x(start_gm), .product(start_addr));
    wire [ADCS-1:0] columns_present;
    genvar a, j;
    generate
        for (a = 0; a < ADCS; a = a + 1) begin : present
            assign columns_present[a] = conv_m != LAST_PHASE || a < LAST_PHASE_ADCS;
        end
    endgenerate

    // Reads: slot t in cycle R0 + t, from registers loaded in cycle R0 - 1 (the start's values
    // delayed by R0 - 1 cycles), so that no adder sits in front of the memories.
    wire read_launch = started_next[R0];
    wire [ADDR_BITS-1:0] launch_addr;
    wire [ROWS_PER_READ-1:0] launch_drive;
    cim_delay_line #(.WIDTH(ADDR_BITS + ROWS_PER_READ), .STAGES(R0 - 1)) to_first_read (
        .clock(clock), .in({start_addr[ADDR_BITS-1:0], row_drive & rows_present}), .out({launch_addr, launch_drive}));
    reg [ADDR_BITS-1:0] rd_addr;
    reg [DRIVE_BITS-1:0] rd_drive;  // drive bits of the slot read now and the later ones
    reg [SLOT_BITS-1:0] slots_left;
    reg reading, rd_first;
    wire [DRIVE_BITS-1:0] later_drive;  // the next slot's bits lowest
    generate
        if (READ_CYCLES > 1) begin : shift_drive
            assign later_drive = {{W{1'b0}}, rd_drive[DRIVE_BITS-1:W]};
        end else begin : one_slot
            assign later_drive = rd_drive;
        end
    endgenerate
    always @(posedge clock) begin
        rd_first <= read_launch;
        if (read_launch) begin
            rd_addr <= launch_addr;
            rd_drive <= {{(DRIVE_BITS-ROWS_PER_READ){1'b0}}, launch_drive};
            slots_left <= LAST_SLOT;
            reading <= 1'b1;
        end else begin
            rd_addr <= rd_addr + 1'b1;
            rd_drive <= later_drive;
            slots_left <= slots_left - 1'b1;
            reading <= reading && slots_left != {SLOT_BITS{1'b0}};
        end
        if (reset) reading <= 1'b0;
    end
    reg [W-1:0] slot_drive;  // drive bits of the cells the memories return this cycle
    always @(posedge clock) slot_drive <= rd_drive[W-1:0];
    wire unused_bits = ^{start_addr, rounded12[63:16+COND_BITS], rounded12[15:0]};
    // The accumulator adds slot t's tree root 2 + TREE_LEVELS cycles after its read.
    wire acc_active, acc_first;
    cim_delay_line #(.WIDTH(2), .STAGES(2 + TREE_LEVELS)) to_accumulator (
        .clock(clock), .in({reading, rd_first}), .out({acc_active, acc_first}));

    // Read noise, the part shared by all ADCs: H(READ, seed, k, b, g, .) up to the last round,
    // each word entering its round in the cycle the round starts (mvm 1, bit 3, group 5).
    wire [31:0] mvm, mvm2, bit4, group6;
    wire [BIT_BITS-1:0] bit3;
    wire [GROUP_BITS-1:0] group5;
    cim_delay_line #(.WIDTH(32), .STAGES(1)) to_mvm_round (.clock(clock), .in(sim_mvm), .out(mvm));
    cim_delay_line #(.WIDTH(BIT_BITS), .STAGES(3)) to_bit_round (.clock(clock), .in(sim_bit), .out(bit3));
    cim_delay_line #(.WIDTH(GROUP_BITS), .STAGES(5)) to_group_round (.clock(clock), .in(conv_group), .out(group5));
    cim_hash_round absorb_mvm (.clock(clock), .state_in(mix(SEED ^ READ)), .word(mvm), .state_out(mvm2));
    cim_hash_round absorb_bit (.clock(clock), .state_in(mvm2), .word({{(32-BIT_BITS){1'b0}}, bit3}), .state_out(bit4));
    cim_hash_round absorb_group (.clock(clock), .state_in(bit4), .word({{(32-GROUP_BITS){1'b0}}, group5}), .state_out(group6));
    // The column's round starts in cycle 7: physical column of ADC 0 from the phase of cycle 6.
    wire [PHASE_BITS-1:0] phase6;
    wire [31:0] first_col;
    cim_delay_line #(.WIDTH(PHASE_BITS), .STAGES(6)) to_column_round (.clock(clock), .in(conv_phase), .out(phase6));
    cim_constant_multiplier #(.X_BITS(PHASE_BITS), .K({64'd0, wide(ADCS)})) phase_first_column (.x(phase6), .product(first_col));
    // Which ADCs have a column, in the cycle the ADC rule starts.
    wire [ADCS-1:0] present_at_sum;
    cim_delay_line #(.WIDTH(ADCS), .STAGES(SUM_READY)) to_adc_rule (
        .clock(clock), .in(columns_present), .out(present_at_sum));

    localparam [39:0] Q = IR_DROP[39:0];  // Q * Imax < 2^40 (spec section 6)
    localparam [63:0] HALF_STEP = {32'd0, ADC_STEP / 32'd2};
    localparam [63:0] NOISE_OFFSET = {32'd0, READ_NOISE};

    wire [ADCS*ADC_BITS-1:0] codes_ready;  // in cycle DEPTH_CYCLES
    generate
        for (a = 0; a < ADCS; a = a + 1) begin : adc
            localparam [31:0] A_INDEX = a;
            wire [LEAVES*CUR_BITS-1:0] leaves;
            for (j = 0; j < LEAVES; j = j + 1) begin : lane
                if (j < W) begin : cells
                    localparam [31:0] LANE = j;
                    (* ram_style = "block" *) reg [COND_BITS-1:0] memory [0:DEPTH-1];
                    reg [COND_BITS-1:0] word;
                    always @(posedge clock) begin
                        if (w_en[WRITE_STAGES] && w_adc[WRITE_STAGES] == A_INDEX && w_lane[WRITE_STAGES] == LANE)
                            memory[w_addr[WRITE_STAGES][ADDR_BITS-1:0]] <= geff13;
                        word <= memory[rd_addr];
                    end
                    assign leaves[j*CUR_BITS +: CUR_BITS] =
                        slot_drive[j] ? {{(CUR_BITS-COND_BITS){1'b0}}, word} : {CUR_BITS{1'b0}};
                end else begin : padding
                    assign leaves[j*CUR_BITS +: CUR_BITS] = {CUR_BITS{1'b0}};
                end
            end

            // Adder tree, one level per stage: node i sums nodes 2i+1 and 2i+2; leaves last.
            reg [CUR_BITS-1:0] tree [0:2*LEAVES-2];
            reg [CUR_BITS-1:0] current;  // the conversion's current in cycle CURRENT_READY
            integer i;
            always @(posedge clock) begin
                for (i = 0; i < LEAVES - 1; i = i + 1) tree[i] <= tree[2*i+1] + tree[2*i+2];
                for (i = 0; i < LEAVES; i = i + 1) tree[LEAVES-1+i] <= leaves[i*CUR_BITS +: CUR_BITS];
                if (acc_active) current <= (acc_first ? {CUR_BITS{1'b0}} : current) + tree[0];
            end

            // IR drop: V = I - floor(I * I * Q / 2^40), with I * Q < 2^40, in two stages (the
            // current is held for the second: the next conversion's may replace it); V = I
            // without it, in one.
            reg [CUR_BITS-1:0] dropped;  // in cycle DROP_READY
            if (IR_DROP != 0) begin : ir_drop
                reg [39:0] iq;
                reg [CUR_BITS-1:0] current_held;
                wire [39:0] current_q;
                cim_constant_multiplier #(.X_BITS(CUR_BITS), .PRODUCT_BITS(40), .K({88'd0, Q})) times_q (
                    .x(current), .product(current_q));
                wire [40+CUR_BITS-1:0] iiq = {{CUR_BITS{1'b0}}, iq} * {40'd0, current_held};
                wire unused_iiq = ^iiq[39:0];
                always @(posedge clock) begin
                    iq <= current_q;
                    current_held <= current;
                    dropped <= current_held - iiq[40 +: CUR_BITS];
                end
            end else begin : no_ir_drop
                always @(posedge clock) dropped <= current;
            end
            wire [CUR_BITS-1:0] dropped_at_sum;
            cim_delay_line #(.WIDTH(CUR_BITS), .STAGES(SUM_READY - DROP_READY)) to_noise (
                .clock(clock), .in(dropped), .out(dropped_at_sum));

            // Read noise: the last round with pc (cycle 7), then uni() as a remainder 0..2*Nr
            // (cycle 11).
            wire [31:0] noise;  // uni(...) + Nr, in cycle SUM_READY
            if (READ_NOISE != 0) begin : noisy
                reg [31:0] pc;
                wire [31:0] hash9, noise11;
                always @(posedge clock) pc <= first_col + A_INDEX;
                cim_hash_round absorb_column (.clock(clock), .state_in(group6), .word(pc), .state_out(hash9));
                cim_constant_modulo #(.D(NOISE_MOD)) uni (.clock(clock), .x(hash9), .remainder(noise11));
                cim_delay_line #(.WIDTH(32), .STAGES(SUM_READY - NOISE_READY)) to_current (
                    .clock(clock), .in(noise11), .out(noise));
            end else begin : quiet
                assign noise = 32'd0;
                wire unused_hash = ^{group6, first_col};  // synthesis removes the rounds
            end

            // ADC: V = dropped + noise - Nr; code = V < 0 ? 0 : min(max, (V + step/2) div step).
            // A column past the last one converts to 0.
            wire [63-X_BITS:0] unused_noise_high;
            wire [X_BITS-1:0] noise_x;
            assign {unused_noise_high, noise_x} = {32'd0, noise};
            wire [X_BITS-1:0] sum = {{(X_BITS-CUR_BITS){1'b0}}, dropped_at_sum} + noise_x;
            reg [X_BITS-1:0] x;
            wire [X_BITS-1:0] steps;
            reg [X_BITS-1:0] steps_held;
            cim_constant_divider #(.X_BITS(X_BITS), .D({32'd0, ADC_STEP})) by_step (.x(x), .quotient(steps));
            wire [63:0] quotient = {{(64-X_BITS){1'b0}}, steps_held};
            localparam [X_BITS-1:0] ONE = 1;
            reg [ADC_BITS-1:0] code;
            always @(posedge clock) begin
                x <= (present_at_sum[a] && sum + ONE > NOISE_OFFSET[X_BITS-1:0])
                   ? sum - NOISE_OFFSET[X_BITS-1:0] + HALF_STEP[X_BITS-1:0] : {X_BITS{1'b0}};
                steps_held <= steps;
                code <= (quotient > CODE_MAX) ? CODE_MAX[ADC_BITS-1:0] : quotient[ADC_BITS-1:0];
            end
            assign codes_ready[a*ADC_BITS +: ADC_BITS] = code;
        end
    endgenerate
    // A latency longer than the pipeline (adc.latency above what the emulation needs): the codes
    // wait the difference.
    cim_delay_line #(.WIDTH(ADCS*ADC_BITS), .STAGES(PAD)) to_latency (.clock(clock), .in(codes_ready), .out(codes));
endmodule
`default_nettype wire

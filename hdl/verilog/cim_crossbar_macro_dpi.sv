`timescale 1ns / 1ps
`default_nettype none
// cim_crossbar_macro, DPI-C edition: the behavioral macro of cim_crossbar_macro.v with the same
// module name, parameters, ports and timing, whose conversions are computed in C++
// (cim_crossbar_dpi.cpp) for Verilator co-simulation. It is not shipped for synthesis or
// Icarus: cim_crossbar_macro.v stays the macro of the hand-off, and both are co-simulated
// against the golden model.
//
// Same contract (tile-arithmetic.md v2) and the same timing as cim_crossbar_macro.v:
//   - prog_en: cell (prog_row, prog_col) takes prog_level in one cycle (out of range ignored);
//     the C++ keeps each cell's effective conductance (programming error, stuck cells, drift),
//     computed when the cell is programmed; a fresh array holds level 0 everywhere.
//   - conv_start: one conversion of every ADC of phase conv_phase on group conv_group with
//     row_drive, from the cells as they are before this edge's programming; its codes land
//     ADC_LATENCY cycles later with code_valid, in the order of the starts.
//   - reset drops the conversions in flight (code_valid), keeps the cells.
// State lives in C++, one handle per instance (created at time 0, freed at the end of the
// simulation), so any number of tiles can sit side by side.
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
    // The C++ side (cim_crossbar_dpi.cpp). Unsigned 32-bit parameters travel as int (same
    // bits); packed vectors of any width as svBitVecVal words, least significant first.
    import "DPI-C" function chandle cimtile_xbar_new(
        input int rows, input int phys_cols, input int rows_per_read, input int adcs,
        input int adc_bits, input int adc_step, input int cell_bits, input int fine_bits,
        input int read_noise, input int program_error, input int seed, input int drift,
        input int drift_spread, input longint ir_drop, input int stuck_off_ppm,
        input int stuck_on_ppm);
    import "DPI-C" function void cimtile_xbar_free(input chandle xbar);
    import "DPI-C" function void cimtile_xbar_program(input chandle xbar, input int row,
                                                      input int col, input int level);
    import "DPI-C" function void cimtile_xbar_convert(
        input chandle xbar, input int phase, input int group,
        input bit [ROWS_PER_READ-1:0] drive, input int mvm, input int bit_index,
        output bit [ADCS*ADC_BITS-1:0] converted);

    chandle xbar;
    initial xbar = cimtile_xbar_new(ROWS, PHYS_COLS, ROWS_PER_READ, ADCS, ADC_BITS, ADC_STEP,
                                    CELL_BITS, FINE_BITS, READ_NOISE, PROGRAM_ERROR, SEED,
                                    DRIFT, DRIFT_SPREAD, IR_DROP, STUCK_OFF_PPM, STUCK_ON_PPM);
    final cimtile_xbar_free(xbar);

    localparam integer LATENCY = ADC_LATENCY;
    // Ta is how often conversions may start, which the scheduler keeps; the model needs only L.
    wire unused_interval = ^ADC_CYCLES;
    bit [ADCS*ADC_BITS-1:0] converted;
    reg [ADCS*ADC_BITS-1:0] in_flight [1:LATENCY];
    reg [LATENCY:1] started;
    wire [LATENCY+1:1] started_next = {started, conv_start};  // the oldest bit leaves
    wire unused_oldest = started_next[LATENCY+1];
    integer stage;
    always @(posedge clock) begin
        // The conversion reads the cells before this edge's programming, as the nonblocking
        // write of cim_crossbar_macro.v does.
        if (conv_start)
            cimtile_xbar_convert(xbar, {{(32-PHASE_BITS){1'b0}}, conv_phase},
                                 {{(32-GROUP_BITS){1'b0}}, conv_group}, row_drive, sim_mvm,
                                 {{(32-BIT_BITS){1'b0}}, sim_bit}, converted);
        else
            converted = {ADCS*ADC_BITS{1'b0}};
        if (prog_en)
            cimtile_xbar_program(xbar, {{(32-ROW_BITS){1'b0}}, prog_row},
                                 {{(32-COL_BITS){1'b0}}, prog_col},
                                 {{(32-CELL_BITS){1'b0}}, prog_level});
        in_flight[1] <= converted;
        for (stage = 2; stage <= LATENCY; stage = stage + 1) in_flight[stage] <= in_flight[stage-1];
        if (reset) started <= {LATENCY{1'b0}};
        else started <= started_next[LATENCY:1];
    end
    wire [ADCS*ADC_BITS-1:0] landing = in_flight[LATENCY];
    always @(*) codes = landing;
    assign code_valid = started[LATENCY];
endmodule
`default_nettype wire

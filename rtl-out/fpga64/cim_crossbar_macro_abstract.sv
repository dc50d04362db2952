`timescale 1ns / 1ps
`default_nettype none
// cim_crossbar_macro for the proof (cim_tile.sby): the behavioral macro's parameters, ports
// and timing (code_valid ADC_LATENCY cycles after each conv_start), with any codes.
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
localparam integer LATENCY = ADC_LATENCY;
// Bit i: a conversion started i + 1 cycles ago (one per start, however many overlap).
reg [LATENCY-1:0] in_flight;
wire [LATENCY:0] shifted = {in_flight, conv_start};
always @(posedge clock) begin
if (reset) in_flight <= {LATENCY{1'b0}};
else in_flight <= shifted[LATENCY-1:0];
end
assign code_valid = in_flight[LATENCY-1];
(* anyseq *) reg [ADCS*ADC_BITS-1:0] any_codes;
always @(*) codes = any_codes;
endmodule
`default_nettype wire

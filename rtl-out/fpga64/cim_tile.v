`timescale 1ns / 1ps
`default_nettype none
// cim_tile: an analog compute-in-memory tile, 64 x 16 (64 physical columns), generated
// by cimtile from its configuration (manifest.json). Host interface and timing: README.md.
module cim_tile (
    input  wire clock,
    input  wire reset,
    input  wire prog_valid,
    output wire prog_ready,
    input  wire prog_column,
    input  wire [5:0] prog_row,
    input  wire [5:0] prog_col,
    input  wire [1:0] prog_level,
    input  wire [15:0] prog_mult,
    input  wire [4:0] prog_shift,
    input  wire [31:0] prog_bias,
    input  wire in_valid,
    output wire in_ready,
    input  wire [3:0] in_data,
    output wire out_valid,
    input  wire out_ready,
    output wire [15:0] out_data,
    output wire [3:0] out_col,
    output wire out_last,
    output wire busy,
    output wire done
);
    wire prog_accept;
    wire buf_wr_en;
    wire buf_wr_bank;
    wire [1:0] buf_wr_group;
    wire [3:0] buf_wr_offset;
    wire [3:0] buf_wr_data;
    wire [1:0] vector_loaded;
    wire vector_issued;
    wire issued_bank;
    wire sums_released;
    wire released_bank;
    wire rd_bank;
    wire [1:0] rd_group;
    wire [1:0] rd_bit;
    wire [15:0] row_drive;
    wire conv_start;
    wire [1:0] conv_group;
    wire [2:0] conv_phase;
    wire [31:0] conv_mvm;
    wire [1:0] conv_bit;
    wire tag_bank;
    wire [2:0] tag_phase;
    wire [1:0] tag_bit;
    wire tag_negative;
    wire tag_first;
    wire tag_last;
    wire code_valid;
    wire [47:0] codes;
    wire landed;
    wire landed_bank;
    wire sum_rd_bank;
    wire [2:0] sum_rd_phase;
    wire [2:0] sum_rd_lane;
    wire [12:0] sum_rd_value;
    wire [15:0] acc_value;
    wire out_slot_free;
    wire out_slot_take;
    wire result_push;
    wire [15:0] result_data;
    wire result_taken;
    wire param_read;
    wire [3:0] param_col;
    wire [15:0] param_mult;
    wire [4:0] param_shift;
    wire [31:0] param_bias;
    wire acc_slot_free;
    wire acc_slot_take;
    wire acc_push;
    wire acc_valid;
    wire acc_ready;
    wire [15:0] acc_word;

    assign result_taken = out_valid && out_ready;

    cim_tile_controller #(
        .ROWS(64),
        .ROWS_PER_READ(16),
        .INPUT_BITS(4),
        .TRANSFER(1),
        .GROUP_BITS(2),
        .OFFSET_BITS(4),
        .FLIGHT_BITS(5),
        .COLS(16),
        .COL_BITS(4)
    ) controller (
        .clock(clock),
        .reset(reset),
        .in_valid(in_valid),
        .in_ready(in_ready),
        .in_data(in_data),
        .prog_valid(prog_valid),
        .prog_ready(prog_ready),
        .prog_accept(prog_accept),
        .buf_wr_en(buf_wr_en),
        .buf_wr_bank(buf_wr_bank),
        .buf_wr_group(buf_wr_group),
        .buf_wr_offset(buf_wr_offset),
        .buf_wr_data(buf_wr_data),
        .vector_loaded(vector_loaded),
        .vector_issued(vector_issued),
        .issued_bank(issued_bank),
        .result_taken(result_taken),
        .out_col(out_col),
        .out_last(out_last),
        .busy(busy),
        .done(done)
    );
    cim_input_buffer #(
        .ROWS_PER_READ(16),
        .INPUT_BITS(4),
        .TRANSFER(1),
        .GROUP_BITS(2),
        .OFFSET_BITS(4),
        .BIT_BITS(2)
    ) input_buffer (
        .clock(clock),
        .wr_en(buf_wr_en),
        .wr_bank(buf_wr_bank),
        .wr_group(buf_wr_group),
        .wr_offset(buf_wr_offset),
        .wr_data(buf_wr_data),
        .rd_bank(rd_bank),
        .rd_group(rd_group),
        .rd_bit(rd_bit),
        .row_drive(row_drive)
    );
    cim_adc_scheduler #(
        .INPUT_BITS(4),
        .INPUTS_SIGNED(1),
        .GROUPS(4),
        .PHASES(8),
        .ADC_CYCLES(16),
        .ADC_LATENCY(16),
        .BIT_BITS(2),
        .GROUP_BITS(2),
        .PHASE_BITS(3),
        .WAIT_BITS(4)
    ) scheduler (
        .clock(clock),
        .reset(reset),
        .vector_loaded(vector_loaded),
        .vector_issued(vector_issued),
        .issued_bank(issued_bank),
        .sums_released(sums_released),
        .released_bank(released_bank),
        .rd_bank(rd_bank),
        .rd_group(rd_group),
        .rd_bit(rd_bit),
        .conv_start(conv_start),
        .conv_group(conv_group),
        .conv_phase(conv_phase),
        .conv_mvm(conv_mvm),
        .conv_bit(conv_bit),
        .tag_bank(tag_bank),
        .tag_phase(tag_phase),
        .tag_bit(tag_bit),
        .tag_negative(tag_negative),
        .tag_first(tag_first),
        .tag_last(tag_last)
    );
    // The analog array and its ADCs: the behavioral model in simulation, the silicon macro
    // (same ports; sim_* left open) in an ASIC flow.
    cim_crossbar_macro #(
        .ROWS(32'd64),
        .PHYS_COLS(32'd64),
        .ROWS_PER_READ(16),
        .ADCS(8),
        .ADC_BITS(6),
        .ADC_STEP(32'd4),
        .ADC_CYCLES(32'd16),
        .ADC_LATENCY(32'd16),
        .CELL_BITS(2),
        .FINE_BITS(32'd2),
        .READ_NOISE(32'd3),
        .PROGRAM_ERROR(32'd2),
        .SEED(32'd64),
        .DRIFT(32'd1311),
        .DRIFT_SPREAD(32'd655),
        .IR_DROP(64'd200000000),
        .STUCK_OFF_PPM(32'd500),
        .STUCK_ON_PPM(32'd200),
        .ROW_BITS(6),
        .COL_BITS(6),
        .GROUP_BITS(2),
        .PHASE_BITS(3),
        .BIT_BITS(2)
    ) crossbar (
        .clock(clock),
        .reset(reset),
        .prog_en(prog_accept && !prog_column),
        .prog_row(prog_row),
        .prog_col(prog_col),
        .prog_level(prog_level),
        .conv_start(conv_start),
        .row_drive(row_drive),
        .conv_group(conv_group),
        .conv_phase(conv_phase),
        .sim_mvm(conv_mvm),
        .sim_bit(conv_bit),
        .code_valid(code_valid),
        .codes(codes)
    );
    cim_shift_add_lanes #(
        .ADCS(8),
        .PHASES(8),
        .PHYS_COLS(64),
        .ADC_BITS(6),
        .ADC_CYCLES(16),
        .PART_BITS(13),
        .PHASE_BITS(3),
        .BIT_BITS(2),
        .LANE_BITS(3),
        .READ_WIDTH(1)
    ) lanes (
        .clock(clock),
        .reset(reset),
        .code_valid(code_valid),
        .codes(codes),
        .tag_bank(tag_bank),
        .tag_phase(tag_phase),
        .tag_bit(tag_bit),
        .tag_negative(tag_negative),
        .tag_first(tag_first),
        .tag_last(tag_last),
        .landed(landed),
        .landed_bank(landed_bank),
        .rd_bank(sum_rd_bank),
        .rd_phase(sum_rd_phase),
        .rd_lane(sum_rd_lane),
        .rd_value(sum_rd_value)
    );
    cim_column_params #(
        .COLS(16),
        .COL_BITS(4),
        .WR_COL_BITS(6)
    ) column_params (
        .clock(clock),
        .reset(reset),
        .wr_en(prog_accept && prog_column),
        .wr_col(prog_col),
        .wr_mult(prog_mult),
        .wr_shift(prog_shift),
        .wr_bias(prog_bias),
        .rd_en(param_read),
        .rd_col(param_col),
        .rd_mult(param_mult),
        .rd_shift(param_shift),
        .rd_bias(param_bias)
    );
    cim_column_combiner #(
        .ADCS(8),
        .SLICES(2),
        .COLS(16),
        .CELL_BITS(2),
        .WIDTH(1),
        .PART_BITS(13),
        .ACC_BITS(16),
        .PHASE_BITS(3),
        .LANE_BITS(3),
        .POS_BITS(2),
        .COL_BITS(4)
    ) combiner (
        .clock(clock),
        .reset(reset),
        .landed(landed),
        .landed_bank(landed_bank),
        .sums_released(sums_released),
        .released_bank(released_bank),
        .rd_bank(sum_rd_bank),
        .rd_phase(sum_rd_phase),
        .rd_lane(sum_rd_lane),
        .rd_value(sum_rd_value),
        .slot_free(acc_slot_free),
        .slot_take(acc_slot_take),
        .acc_valid(acc_push),
        .acc_value(acc_value)
    );
    cim_stream_fifo #(
        .WIDTH(16),
        .DEPTH(2),
        .INDEX_BITS(1)
    ) acc_fifo (
        .clock(clock),
        .reset(reset),
        .slot_free(acc_slot_free),
        .slot_take(acc_slot_take),
        .push(acc_push),
        .push_data(acc_value),
        .out_valid(acc_valid),
        .out_ready(acc_ready),
        .out_data(acc_word)
    );
    cim_activation_unit #(
        .ACC_BITS(16),
        .SUM_BITS(33),
        .OUT_BITS(16),
        .OUT_SIGNED(1),
        .RELU(0),
        .DIGIT_BITS(1),
        .STEP_BITS(4),
        .COLS(16),
        .COL_BITS(4)
    ) activation (
        .clock(clock),
        .reset(reset),
        .in_valid(acc_valid),
        .in_ready(acc_ready),
        .in_acc(acc_word),
        .param_read(param_read),
        .param_col(param_col),
        .param_mult(param_mult),
        .param_shift(param_shift),
        .param_bias(param_bias),
        .slot_free(out_slot_free),
        .slot_take(out_slot_take),
        .out_push(result_push),
        .out_data(result_data)
    );
    cim_stream_fifo #(
        .WIDTH(16),
        .DEPTH(2),
        .INDEX_BITS(1)
    ) output_buffer (
        .clock(clock),
        .reset(reset),
        .slot_free(out_slot_free),
        .slot_take(out_slot_take),
        .push(result_push),
        .push_data(result_data),
        .out_valid(out_valid),
        .out_ready(out_ready),
        .out_data(out_data)
    );
endmodule
`default_nettype wire

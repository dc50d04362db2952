`timescale 1ns / 1ps
`default_nettype none
// cim_adc_scheduler: issues every conversion of an MVM, in the order input bit b (outer), row
// group g, mux phase m (inner), one start of all ADCs every ADC_CYCLES cycles, so every ADC is
// busy in every phase. MVMs follow back to back when the next vector is loaded and its
// partial-sum bank is free. Vector k uses input bank and partial-sum bank k mod 2.
//
// Pipeline: in the issue cycle the input buffer is read at (bank, g, b); one cycle later
// conv_* start the conversion with that row drive; the tag_* registers describe the conversion
// whose codes land ADC_LATENCY cycles after its start. With ADC_LATENCY = ADC_CYCLES one
// conversion is in flight at a time and the tag is held from its start; a pipelined ADC
// (ADC_LATENCY > ADC_CYCLES) has several in flight, so the tag travels a delay line of
// ADC_LATENCY stages beside them. Starts keep their ADC_CYCLES spacing for any latency.
//
// Ports:
//   vector_loaded[bank]         Controller: the bank holds a whole vector.
//   vector_issued, issued_bank  The last read of the bank's vector is issued this cycle.
//   sums_released, released_bank  Combiner: it has read every partial sum of the bank.
//   rd_bank, rd_group, rd_bit   Input-buffer read address, valid in the issue cycle.
//   conv_start, conv_group, conv_phase  To the macro (conv_phase is its column select).
//   conv_mvm, conv_bit          Batch index k (counts MVMs since reset, wraps at 2^32) and
//                               input bit b of the conversion: the behavioral macro's noise
//                               index (simulation only).
//   tag_*                       The conversion in flight: bank, phase, bit, negative bit
//                               weight (MSB of signed inputs), first (b = g = 0: overwrite the
//                               partial sum) and last (of the MVM).
module cim_adc_scheduler #(
    parameter integer INPUT_BITS = 4,
    parameter integer INPUTS_SIGNED = 1,
    parameter integer GROUPS = 4,
    parameter integer PHASES = 4,
    parameter integer ADC_CYCLES = 1,
    parameter integer ADC_LATENCY = 1, // cycles from conv_start to the codes, >= ADC_CYCLES
    parameter integer BIT_BITS = 2,    // bits of an input-bit index, >= 1
    parameter integer GROUP_BITS = 2,  // bits of a row-group index, >= 1
    parameter integer PHASE_BITS = 2,  // bits of a phase index, >= 1
    parameter integer WAIT_BITS = 1    // bits of 0..ADC_CYCLES-1, >= 1
) (
    input  wire                  clock,
    input  wire                  reset,
    input  wire [1:0]            vector_loaded,
    output wire                  vector_issued,
    output wire                  issued_bank,
    input  wire                  sums_released,
    input  wire                  released_bank,
    output wire                  rd_bank,
    output wire [GROUP_BITS-1:0] rd_group,
    output wire [BIT_BITS-1:0]   rd_bit,
    output reg                   conv_start,
    output reg  [GROUP_BITS-1:0] conv_group,
    output reg  [PHASE_BITS-1:0] conv_phase,
    output reg  [31:0]           conv_mvm,
    output reg  [BIT_BITS-1:0]   conv_bit,
    output reg                   tag_bank,
    output reg  [PHASE_BITS-1:0] tag_phase,
    output reg  [BIT_BITS-1:0]   tag_bit,
    output reg                   tag_negative,
    output reg                   tag_first,
    output reg                   tag_last
);
    localparam integer LAST_BIT_INT = INPUT_BITS - 1;
    localparam integer LAST_GROUP_INT = GROUPS - 1;
    localparam integer LAST_PHASE_INT = PHASES - 1;
    localparam integer WAIT_INT = ADC_CYCLES - 1;
    localparam [BIT_BITS-1:0] LAST_BIT = LAST_BIT_INT[BIT_BITS-1:0];
    localparam [GROUP_BITS-1:0] LAST_GROUP = LAST_GROUP_INT[GROUP_BITS-1:0];
    localparam [PHASE_BITS-1:0] LAST_PHASE = LAST_PHASE_INT[PHASE_BITS-1:0];
    localparam [WAIT_BITS-1:0] WAIT = WAIT_INT[WAIT_BITS-1:0];

    reg running;                  // an MVM is part-way issued
    reg bank;                     // bank of the MVM being (or next to be) issued
    reg [BIT_BITS-1:0] b;
    reg [GROUP_BITS-1:0] g;
    reg [PHASE_BITS-1:0] m;
    reg [WAIT_BITS-1:0] wait_count;  // cycles until the ADCs take the next start
    reg [31:0] mvm_index;
    reg [1:0] sums_busy;          // partial-sum bank claimed by an MVM and not yet combined
    reg conv_bank, conv_negative, conv_first, conv_last;

    wire slot = wait_count == {WAIT_BITS{1'b0}};
    wire can_start = vector_loaded[bank] && !sums_busy[bank];
    wire issue = slot && (running || can_start);
    wire last_phase = (m == LAST_PHASE) && (g == LAST_GROUP) && (b == LAST_BIT);
    wire [1:0] bank_bit = bank ? 2'b10 : 2'b01;
    wire [1:0] released_bit = released_bank ? 2'b10 : 2'b01;

    assign vector_issued = issue && last_phase;
    assign issued_bank = bank;
    assign rd_bank = bank;
    assign rd_group = g;
    assign rd_bit = b;

    always @(posedge clock) begin
        if (reset) begin
            running <= 1'b0;
            bank <= 1'b0;
            b <= {BIT_BITS{1'b0}};
            g <= {GROUP_BITS{1'b0}};
            m <= {PHASE_BITS{1'b0}};
            wait_count <= {WAIT_BITS{1'b0}};
            mvm_index <= 32'd0;
            sums_busy <= 2'b00;
            conv_start <= 1'b0;
        end else begin
            conv_start <= issue;
            sums_busy <= (sums_busy | ({2{issue && !running}} & bank_bit))
                       & ~({2{sums_released}} & released_bit);
            if (issue) begin
                wait_count <= WAIT;
                running <= !last_phase;
                if (m != LAST_PHASE) begin
                    m <= m + 1'b1;
                end else begin
                    m <= {PHASE_BITS{1'b0}};
                    if (g != LAST_GROUP) begin
                        g <= g + 1'b1;
                    end else begin
                        g <= {GROUP_BITS{1'b0}};
                        b <= (b == LAST_BIT) ? {BIT_BITS{1'b0}} : b + 1'b1;
                    end
                end
                if (last_phase) begin
                    bank <= !bank;
                    mvm_index <= mvm_index + 32'd1;
                end
            end else if (!slot) begin
                wait_count <= wait_count - 1'b1;
            end
        end
    end

    // The conversion being started.
    always @(posedge clock) begin
        conv_group <= g;
        conv_phase <= m;
        conv_mvm <= mvm_index;
        conv_bit <= b;
        conv_bank <= bank;
        conv_negative <= (INPUTS_SIGNED != 0) && (b == LAST_BIT);
        conv_first <= (b == {BIT_BITS{1'b0}}) && (g == {GROUP_BITS{1'b0}});
        conv_last <= last_phase;
    end

    // Its tag when its codes land.
    localparam integer TAG_BITS = PHASE_BITS + BIT_BITS + 4;
    wire [TAG_BITS-1:0] conv_tag = {conv_bank, conv_phase, conv_bit, conv_negative, conv_first, conv_last};
    generate
        if (ADC_LATENCY == ADC_CYCLES) begin : held
            always @(posedge clock)
                if (conv_start) {tag_bank, tag_phase, tag_bit, tag_negative, tag_first, tag_last} <= conv_tag;
        end else begin : delayed
            // ADC_LATENCY - 1 stages, then the tag registers themselves: ADC_LATENCY in all.
            reg [TAG_BITS-1:0] in_flight [1:ADC_LATENCY-1];
            integer stage;
            always @(posedge clock) begin
                in_flight[1] <= conv_tag;
                for (stage = 2; stage < ADC_LATENCY; stage = stage + 1) in_flight[stage] <= in_flight[stage-1];
                {tag_bank, tag_phase, tag_bit, tag_negative, tag_first, tag_last} <= in_flight[ADC_LATENCY-1];
            end
        end
    endgenerate
endmodule
`default_nettype wire

`timescale 1ns / 1ps
`default_nettype none
// cim_chip_sequencer: the chip's image loop. It takes an image's IN_COUNT input codes from
// the host's stream into the input memory, runs the layer table's steps one after the other
// (each step an engine of the chip: a weight layer, a pooling, a sum; step s starts with
// step_start[s] and ends with step_done[s]), then streams the output memory's OUT_COUNT codes
// (the logits) to the host, and waits for the next image.
//
// Ports:
//   s_axis_*         Input codes, one a transfer in the low IN_BITS bits of tdata (two's
//                    complement if IN_SIGNED, the bits above them its extension); tlast marks
//                    an image's last code.
//   m_axis_*         Output codes, one a transfer, sign-extended to tdata; tlast with the last.
//   in_wr_*          The input memory's write: IN_BITS + 1 bits, two's complement.
//   out_rd_*         The output memory's read (rd_data the cycle after rd_en, held).
//   step_start, step_done   The steps' handshake: one cycle each.
//   busy             An image is in the chip (from its first code to its last output).
//   image_error      Sticky until reset: an input's tlast did not mark an image's last code,
//                    or its tdata's upper bits were not the code's extension (the code is
//                    taken as its low IN_BITS bits say).
module cim_chip_sequencer #(
    parameter integer STEPS = 1,
    parameter integer STEP_BITS = 1,      // 0..STEPS-1, >= 1
    parameter integer IN_COUNT = 64,
    parameter integer IN_BITS = 4,
    parameter integer IN_BYTES = 1,
    parameter integer IN_SIGNED = 1,
    parameter integer IN_ADDR_BITS = 6,
    parameter integer OUT_COUNT = 10,
    parameter integer OUT_WIDTH = 16,     // the output memory's codes, <= 8 * OUT_BYTES
    parameter integer OUT_BYTES = 2,
    parameter integer OUT_ADDR_BITS = 4,
    parameter integer COUNT_BITS = 7      // 0..max(IN_COUNT, OUT_COUNT), >= both address widths
) (
    input  wire                     clock,
    input  wire                     reset,
    input  wire                     s_axis_tvalid,
    output wire                     s_axis_tready,
    input  wire [8*IN_BYTES-1:0]    s_axis_tdata,
    input  wire                     s_axis_tlast,
    output reg                      m_axis_tvalid,
    input  wire                     m_axis_tready,
    output wire [8*OUT_BYTES-1:0]   m_axis_tdata,
    output reg                      m_axis_tlast,
    output wire                     in_wr_en,
    output wire [IN_ADDR_BITS-1:0]  in_wr_addr,
    output wire [IN_BITS:0]         in_wr_data,
    output wire                     out_rd_en,
    output wire [OUT_ADDR_BITS-1:0] out_rd_addr,
    input  wire [OUT_WIDTH-1:0]     out_rd_data,
    output reg  [STEPS-1:0]         step_start,
    input  wire [STEPS-1:0]         step_done,
    output wire                     busy,
    output reg                      image_error
);
    localparam [1:0] LOAD = 2'd0, RUN = 2'd1, SEND = 2'd2;
    localparam [COUNT_BITS-1:0] ONE = 1;
    localparam [COUNT_BITS-1:0] LAST_IN = IN_COUNT[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_OUT = OUT_COUNT[COUNT_BITS-1:0] - ONE;
    localparam integer LAST_STEP_INT = STEPS - 1;
    localparam [STEP_BITS-1:0] LAST_STEP = LAST_STEP_INT[STEP_BITS-1:0];
    localparam [STEP_BITS-1:0] STEP_ONE = 1;
    localparam [STEPS-1:0] FIRST_STEP = 1;

    reg [1:0]            state;
    reg [COUNT_BITS-1:0] index;      // LOAD: codes taken; SEND: codes read
    reg [STEP_BITS-1:0]  step;
    reg                  sent_last;  // SEND: the last code has been read

    wire code_in = s_axis_tvalid && s_axis_tready;
    wire last_in = index == LAST_IN;
    wire code_out = m_axis_tvalid && m_axis_tready;
    assign s_axis_tready = state == LOAD;
    assign in_wr_en = code_in;
    assign in_wr_addr = index[IN_ADDR_BITS-1:0];
    assign in_wr_data = {IN_SIGNED != 0 && s_axis_tdata[IN_BITS-1], s_axis_tdata[IN_BITS-1:0]};
    assign out_rd_en = state == SEND && !sent_last && (!m_axis_tvalid || code_out);
    assign out_rd_addr = index[OUT_ADDR_BITS-1:0];
    wire extended;  // tdata's bits above the input code extend it
    generate
        if (8 * IN_BYTES > IN_BITS) begin : in_upper
            assign extended = s_axis_tdata[8*IN_BYTES-1:IN_BITS]
                              == {(8 * IN_BYTES - IN_BITS){in_wr_data[IN_BITS]}};
        end else begin : in_exact
            assign extended = 1'b1;
        end
        if (8 * OUT_BYTES > OUT_WIDTH) begin : out_upper
            assign m_axis_tdata = {{(8 * OUT_BYTES - OUT_WIDTH){out_rd_data[OUT_WIDTH-1]}},
                                   out_rd_data};
        end else begin : out_exact
            assign m_axis_tdata = out_rd_data;
        end
    endgenerate
    assign busy = state != LOAD || index != {COUNT_BITS{1'b0}};

    always @(posedge clock) begin
        if (reset) begin
            state <= LOAD;
            index <= {COUNT_BITS{1'b0}};
            step <= {STEP_BITS{1'b0}};
            step_start <= {STEPS{1'b0}};
            sent_last <= 1'b0;
            m_axis_tvalid <= 1'b0;
            m_axis_tlast <= 1'b0;
            image_error <= 1'b0;
        end else begin
            step_start <= {STEPS{1'b0}};
            case (state)
                LOAD: if (code_in) begin
                    if (s_axis_tlast != last_in || !extended) image_error <= 1'b1;
                    if (last_in) begin
                        index <= {COUNT_BITS{1'b0}};
                        step <= {STEP_BITS{1'b0}};
                        step_start <= FIRST_STEP;
                        state <= RUN;
                    end else begin
                        index <= index + ONE;
                    end
                end
                RUN: if (step_done[step]) begin
                    if (step == LAST_STEP) begin
                        state <= SEND;
                        sent_last <= 1'b0;
                    end else begin
                        step <= step + STEP_ONE;
                        step_start <= FIRST_STEP << (step + STEP_ONE);
                    end
                end
                default: begin
                    if (out_rd_en) begin
                        index <= index + ONE;
                        sent_last <= index == LAST_OUT;
                        m_axis_tlast <= index == LAST_OUT;
                    end
                    if (out_rd_en) m_axis_tvalid <= 1'b1;
                    else if (code_out) m_axis_tvalid <= 1'b0;
                    if (code_out && m_axis_tlast) begin
                        state <= LOAD;
                        index <= {COUNT_BITS{1'b0}};
                    end
                end
            endcase
        end
    end
endmodule
`default_nettype wire

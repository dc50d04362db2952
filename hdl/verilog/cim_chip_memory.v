`timescale 1ns / 1ps
`default_nettype none
// cim_chip_memory: the codes of one activation tensor of the chip, DEPTH two's complement codes
// of WIDTH bits, one writer and one reader (a block RAM on an FPGA).
//
// Ports:
//   wr_en, wr_addr, wr_data   The code lands at the clock edge.
//   rd_en, rd_addr, rd_data   rd_data is the code at rd_addr the cycle after rd_en, held until
//                             the next rd_en (the block RAM's output register).
module cim_chip_memory #(
    parameter integer DEPTH = 64,
    parameter integer WIDTH = 8,
    parameter integer ADDR_BITS = 6
) (
    input  wire                 clock,
    input  wire                 wr_en,
    input  wire [ADDR_BITS-1:0] wr_addr,
    input  wire [WIDTH-1:0]     wr_data,
    input  wire                 rd_en,
    input  wire [ADDR_BITS-1:0] rd_addr,
    output reg  [WIDTH-1:0]     rd_data
);
    reg [WIDTH-1:0] codes [0:DEPTH-1];

    always @(posedge clock) begin
        if (wr_en) codes[wr_addr] <= wr_data;
        if (rd_en) rd_data <= codes[rd_addr];
    end
endmodule
`default_nettype wire

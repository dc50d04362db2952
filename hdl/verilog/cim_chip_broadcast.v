`timescale 1ns / 1ps
`default_nettype none
// cim_chip_broadcast: one stream to every tile of a row tile. A layer's tiles of row tile i
// (tiles i*COL_TILES .. i*COL_TILES+COL_TILES-1) take the same input codes; each takes a
// transfer when it is ready, and the stream's transfer completes when all of them have it.
// A tile's in_valid holds with the data until that tile has taken it (the tile's host rule).
//
// Ports:
//   valid, ready, row_tile   The stream: a transfer for the tiles of row tile row_tile;
//                            ready is high in the cycle its last tile takes it.
//   tile_valid, tile_ready   The tiles' input handshakes, tile t = row_tile*COL_TILES + j.
module cim_chip_broadcast #(
    parameter integer ROW_TILES = 1,
    parameter integer COL_TILES = 1,
    parameter integer ROW_TILE_BITS = 1  // 0..ROW_TILES-1, >= 1
) (
    input  wire                             clock,
    input  wire                             reset,
    input  wire                             valid,
    output wire                             ready,
    input  wire [ROW_TILE_BITS-1:0]         row_tile,
    output wire [ROW_TILES*COL_TILES-1:0]   tile_valid,
    input  wire [ROW_TILES*COL_TILES-1:0]   tile_ready
);
    // The row's tiles that have taken the current transfer.
    reg [COL_TILES-1:0] taken;

    wire [COL_TILES-1:0] offered = valid ? ~taken : {COL_TILES{1'b0}};
    // Each row's ready bits where it is the row being fed, so their OR is that row's.
    wire [ROW_TILES*COL_TILES-1:0] selected_ready;
    wire [COL_TILES-1:0] row_ready;
    wire [COL_TILES-1:0] accepted = taken | (offered & row_ready);
    assign ready = valid && &accepted;

    genvar r, j;
    generate
        for (r = 0; r < ROW_TILES; r = r + 1) begin : rows
            localparam [ROW_TILE_BITS-1:0] ROW = r[ROW_TILE_BITS-1:0];
            wire fed = row_tile == ROW;
            for (j = 0; j < COL_TILES; j = j + 1) begin : tiles
                assign tile_valid[r * COL_TILES + j] = fed && offered[j];
                assign selected_ready[r * COL_TILES + j] = fed && tile_ready[r * COL_TILES + j];
            end
        end
        for (j = 0; j < COL_TILES; j = j + 1) begin : columns
            wire [ROW_TILES-1:0] column_ready;
            for (r = 0; r < ROW_TILES; r = r + 1) begin : rows
                assign column_ready[r] = selected_ready[r * COL_TILES + j];
            end
            assign row_ready[j] = |column_ready;
        end
    endgenerate

    always @(posedge clock) begin
        if (reset || ready) taken <= {COL_TILES{1'b0}};
        else taken <= accepted;
    end
endmodule
`default_nettype wire

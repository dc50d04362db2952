`timescale 1ns / 1ps
`default_nettype none
// cim_chip_feeder: one weight layer's MVM input vectors, read from the activation memory of its
// input tensor and streamed to the layer's tiles as the chip's numeric contract forms them
// (docs/chip-arithmetic.md): for each output position in row-major order, the convolution's
// im2col vector (channel, kernel row, kernel column order; a position in the padding reads 0),
// cut into ROW_TILES slices of ROWS codes (0 past the K-th), every code clamped to the tiles'
// input range INPUT_LO..INPUT_HI. A dense layer is a 1x1 kernel over a CIN x 1 x 1 input.
//
// Pipeline: the counters address the memory; the code comes back a cycle later into the
// element register, and TRANSFER elements make a transfer. The counters advance only when the
// element register will be free, so the memory's read data is consumed before the next read.
//
// Ports:
//   start                 One cycle: begin the layer's vectors (ignored until the last
//                         transfer of the previous ones is taken).
//   rd_en, rd_addr        The input memory's read; rd_data the cycle after rd_en, then held.
//   out_valid, out_ready, out_data, out_row_tile
//                         One transfer of TRANSFER codes (code j in bits
//                         [j*INPUT_BITS +: INPUT_BITS]) for the tiles of row tile out_row_tile;
//                         out_valid holds with the rest until the transfer.
module cim_chip_feeder #(
    parameter integer ROWS = 16,
    parameter integer ROW_TILES = 1,
    parameter integer K = 9,             // codes of a vector: CIN * KH * KW
    parameter integer CIN = 1,
    parameter integer H = 8,
    parameter integer W = 8,
    parameter integer KH = 3,
    parameter integer KW = 3,
    parameter integer STRIDE_Y = 1,
    parameter integer STRIDE_X = 1,
    parameter integer PAD_TOP = 1,
    parameter integer PAD_LEFT = 1,
    parameter integer DILATION_Y = 1,
    parameter integer DILATION_X = 1,
    parameter integer HOUT = 8,
    parameter integer WOUT = 8,
    parameter integer CODE_BITS = 8,     // the memory's two's complement codes, < 32
    parameter integer INPUT_BITS = 4,    // the tiles' input codes
    parameter integer INPUT_LO = -8,
    parameter integer INPUT_HI = 7,
    parameter integer TRANSFER = 1,      // codes a transfer; divides ROWS
    parameter integer ADDR_BITS = 6,     // the input memory's address
    parameter integer COORD_BITS = 8,    // signed: rows, columns and offsets of the input plane;
                                         // > ADDR_BITS
    parameter integer COUNT_BITS = 8,    // 0..max(ROWS, CIN, KH, KW, HOUT, WOUT, K, TRANSFER)
    parameter integer ROW_TILE_BITS = 1  // 0..ROW_TILES-1, >= 1
) (
    input  wire                           clock,
    input  wire                           reset,
    input  wire                           start,
    output wire                           rd_en,
    output wire [ADDR_BITS-1:0]           rd_addr,
    input  wire [CODE_BITS-1:0]           rd_data,
    output wire                           out_valid,
    input  wire                           out_ready,
    output reg  [TRANSFER*INPUT_BITS-1:0] out_data,
    output reg  [ROW_TILE_BITS-1:0]       out_row_tile
);
    localparam [COUNT_BITS-1:0] ONE = 1;
    localparam [COUNT_BITS-1:0] LAST_ROW = ROWS[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_CIN = CIN[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_KY = KH[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_KX = KW[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_OY = HOUT[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] LAST_OX = WOUT[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] CODES = K[COUNT_BITS-1:0];
    localparam integer LAST_ROW_TILE_INT = ROW_TILES - 1;
    localparam [ROW_TILE_BITS-1:0] LAST_ROW_TILE = LAST_ROW_TILE_INT[ROW_TILE_BITS-1:0];
    localparam [ROW_TILE_BITS-1:0] ROW_TILE_ONE = 1;
    localparam integer Y_FIRST_INT = -PAD_TOP;
    localparam integer X_FIRST_INT = -PAD_LEFT;
    localparam signed [COORD_BITS-1:0] Y_FIRST = $signed(Y_FIRST_INT[COORD_BITS-1:0]);
    localparam signed [COORD_BITS-1:0] X_FIRST = $signed(X_FIRST_INT[COORD_BITS-1:0]);
    localparam signed [COORD_BITS-1:0] Y_STEP = STRIDE_Y[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] X_STEP = STRIDE_X[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] KY_STEP = DILATION_Y[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] KX_STEP = DILATION_X[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] HEIGHT = H[COORD_BITS-1:0];
    localparam signed [COORD_BITS-1:0] WIDTH = W[COORD_BITS-1:0];
    localparam integer PLANE_INT = H * W;
    localparam [ADDR_BITS-1:0] PLANE = PLANE_INT[ADDR_BITS-1:0];
    localparam [ADDR_BITS-1:0] ROW_STRIDE = W[ADDR_BITS-1:0];
    localparam signed [INPUT_BITS-1:0] LO_CODE = $signed(INPUT_LO[INPUT_BITS-1:0]);
    localparam signed [INPUT_BITS-1:0] HI_CODE = $signed(INPUT_HI[INPUT_BITS-1:0]);
    localparam [COUNT_BITS-1:0] FULL = TRANSFER[COUNT_BITS-1:0];

    // The vector being issued: row r of row tile row_tile, code index k of the im2col vector
    // (channel c, kernel row ky, column kx) at output position (oy, ox).
    reg                         issuing;
    reg                         busy;  // from start until the last transfer is taken
    reg [COUNT_BITS-1:0]        r, k, c, ky, kx, oy, ox;
    reg [ROW_TILE_BITS-1:0]     row_tile;
    reg signed [COORD_BITS-1:0] y_origin, x_origin, y_offset, x_offset;
    reg [ADDR_BITS-1:0]         plane_base;

    // The element register: a code read (or a zero) on its way into the transfer.
    reg                     elem_valid;
    reg                     elem_zero;
    reg [ROW_TILE_BITS-1:0] elem_row_tile;
    reg [COUNT_BITS-1:0]    fill;   // codes in out_data; a transfer when FULL

    wire signed [COORD_BITS-1:0] y = y_origin + y_offset;
    wire signed [COORD_BITS-1:0] x = x_origin + x_offset;
    wire in_plane = y >= 0 && y < HEIGHT && x >= 0 && x < WIDTH;
    wire real_code = k < CODES;
    wire transfer = out_valid && out_ready;
    assign out_valid = fill == FULL;
    wire elem_take = elem_valid && (!out_valid || transfer);
    wire issue = issuing && (!elem_valid || elem_take);
    wire last_row = r == LAST_ROW;
    wire last_row_tile = row_tile == LAST_ROW_TILE;
    wire last_position = oy == LAST_OY && ox == LAST_OX;

    assign rd_en = issue && real_code && in_plane;
    // The address of (c, y, x): only meaningful in the plane, where y and x are positive.
    assign rd_addr = plane_base + y[ADDR_BITS-1:0] * ROW_STRIDE + x[ADDR_BITS-1:0];

    wire signed [31:0] code = $signed({{(32 - CODE_BITS){rd_data[CODE_BITS-1]}}, rd_data});
    wire signed [INPUT_BITS-1:0] clamped = code < INPUT_LO ? LO_CODE
                                         : code > INPUT_HI ? HI_CODE
                                         : $signed(code[INPUT_BITS-1:0]);
    wire [INPUT_BITS-1:0] element = elem_zero ? {INPUT_BITS{1'b0}} : $unsigned(clamped);

    always @(posedge clock) begin
        if (reset) begin
            issuing <= 1'b0;
            busy <= 1'b0;
            elem_valid <= 1'b0;
            fill <= {COUNT_BITS{1'b0}};
        end else begin
            if (start && !busy) begin
                issuing <= 1'b1;
                busy <= 1'b1;
            end else if (issue && last_row && last_row_tile && last_position) begin
                issuing <= 1'b0;
            end else if (!issuing && !elem_valid && fill == {COUNT_BITS{1'b0}}) begin
                busy <= 1'b0;
            end
            if (issue) elem_valid <= 1'b1;
            else if (elem_take) elem_valid <= 1'b0;
            if (elem_take) fill <= (transfer ? {COUNT_BITS{1'b0}} : fill) + ONE;
            else if (transfer) fill <= {COUNT_BITS{1'b0}};
        end
    end

    // The counters: rows within a row tile, row tiles, the kernel index (which stops at the
    // K-th code) and the output position.
    always @(posedge clock) begin
        if (start && !busy) begin
            r <= {COUNT_BITS{1'b0}};
            k <= {COUNT_BITS{1'b0}};
            row_tile <= {ROW_TILE_BITS{1'b0}};
            c <= {COUNT_BITS{1'b0}};
            ky <= {COUNT_BITS{1'b0}};
            kx <= {COUNT_BITS{1'b0}};
            oy <= {COUNT_BITS{1'b0}};
            ox <= {COUNT_BITS{1'b0}};
            y_origin <= Y_FIRST;
            x_origin <= X_FIRST;
            y_offset <= {COORD_BITS{1'b0}};
            x_offset <= {COORD_BITS{1'b0}};
            plane_base <= {ADDR_BITS{1'b0}};
        end else if (issue) begin
            r <= last_row ? {COUNT_BITS{1'b0}} : r + ONE;
            if (last_row) row_tile <= last_row_tile ? {ROW_TILE_BITS{1'b0}} : row_tile + ROW_TILE_ONE;
            if (last_row && last_row_tile) begin
                k <= {COUNT_BITS{1'b0}};
                c <= {COUNT_BITS{1'b0}};
                ky <= {COUNT_BITS{1'b0}};
                kx <= {COUNT_BITS{1'b0}};
                y_offset <= {COORD_BITS{1'b0}};
                x_offset <= {COORD_BITS{1'b0}};
                plane_base <= {ADDR_BITS{1'b0}};
                if (ox == LAST_OX) begin
                    ox <= {COUNT_BITS{1'b0}};
                    x_origin <= X_FIRST;
                    oy <= oy + ONE;
                    y_origin <= y_origin + Y_STEP;
                end else begin
                    ox <= ox + ONE;
                    x_origin <= x_origin + X_STEP;
                end
            end else if (real_code) begin
                k <= k + ONE;
                if (kx != LAST_KX) begin
                    kx <= kx + ONE;
                    x_offset <= x_offset + KX_STEP;
                end else begin
                    kx <= {COUNT_BITS{1'b0}};
                    x_offset <= {COORD_BITS{1'b0}};
                    if (ky != LAST_KY) begin
                        ky <= ky + ONE;
                        y_offset <= y_offset + KY_STEP;
                    end else if (c != LAST_CIN) begin
                        ky <= {COUNT_BITS{1'b0}};
                        y_offset <= {COORD_BITS{1'b0}};
                        c <= c + ONE;
                        plane_base <= plane_base + PLANE;
                    end
                end
            end
        end
    end

    always @(posedge clock) begin
        if (issue) begin
            elem_zero <= !(real_code && in_plane);
            elem_row_tile <= row_tile;
        end
        if (elem_take) out_row_tile <= elem_row_tile;
    end

    // A transfer's codes shift in from the top: after TRANSFER of them the first is in lane 0.
    generate
        if (TRANSFER > 1) begin : lanes
            always @(posedge clock) begin
                if (elem_take) out_data <= {element, out_data[TRANSFER*INPUT_BITS-1:INPUT_BITS]};
            end
        end else begin : lane
            always @(posedge clock) begin
                if (elem_take) out_data <= element;
            end
        end
    endgenerate
endmodule
`default_nettype wire

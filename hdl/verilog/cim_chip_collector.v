`timescale 1ns / 1ps
`default_nettype none
// cim_chip_collector: one weight layer's results, taken from its tiles and written to the
// activation memory of its output tensor as the chip's numeric contract has them
// (docs/chip.md). Per output position, row tile by row tile, it takes column 0 of each of the
// row tile's column tiles, then column 1 of each, and so on: the tiles of a row tile take their
// inputs together and give their results together, a column at a time, so taking across them
// keeps pace with them (each tile's results still come in column order). Column n of
// the layer (column tile j, column c: n = j*COLS + c) sums its row tiles' results; after the
// last row tile the sum s becomes the output code
//   HOST = 0 (the tiles requantized):  y = s
//   HOST = 1 (the chip requantizes):   t = (s + bias[n]) * mult[n];  (the table, programmed)
//                                       y = shift[n] == 0 ? t : floor((t + 2^(shift-1)) / 2^shift)
// then y = RELU ? max(y, 0) : y, clamped to OUT_LO..OUT_HI, written at n*POSITIONS + p (the
// tensor's [N, Hout, Wout] order); columns past N (the last column tile's padding) are dropped.
//
// Pipeline: take (the partial sums, one column a cycle); look up the column's parameters;
// multiply; round, rectify and clamp into the write register. No path holds more than one
// adder after a multiply.
//
// Ports:
//   start                 One cycle: take the layer's results (ignored until done).
//   done                  One cycle, with the write of the layer's last code.
//   tile_out_*            The tiles' result streams, tile t = row_tile*COL_TILES + col_tile;
//                         tile_out_ready is high for the tile being taken. A result whose
//                         out_last is not where its column says is not taken: a tile that
//                         broke its order would stop the chip, not enter the wrong sum.
//   param_wr_en, param_entry, param_mult, param_shift, param_bias
//                         A write of column param_entry's requantization (entries past the
//                         layer's columns are ignored; the chip flags them). Between images.
//   wr_en, wr_addr, wr_data   The output memory's write.
//   mon_valid, mon_tile, mon_col, mon_data   Every result taken, as taken (observation for
//                         co-simulation and bring-up; the chip's numbering adds the layer's
//                         first tile).
module cim_chip_collector #(
    parameter integer COLS = 4,
    parameter integer ROW_TILES = 1,
    parameter integer COL_TILES = 1,
    parameter integer N = 4,               // the layer's columns
    parameter integer POSITIONS = 1,
    parameter integer TILE_BITS = 16,      // a tile's results
    parameter integer TILE_SIGNED = 1,
    parameter integer SUM_BITS = 18,       // holds the sum of ROW_TILES results, > TILE_BITS
    parameter integer CODE_BITS = 8,       // the output memory's two's complement codes
    parameter integer OUT_LO = -8,
    parameter integer OUT_HI = 7,
    parameter integer RELU = 0,
    parameter integer HOST = 0,
    parameter integer ADDR_BITS = 6,       // the output memory's address
    parameter integer COUNT_BITS = 8,      // 0..max(COLS*COL_TILES, POSITIONS, ROW_TILES);
                                           // >= ADDR_BITS
    parameter integer TILE_INDEX_BITS = 1, // 0..ROW_TILES*COL_TILES-1, >= 1
    parameter integer COL_BITS = 2,        // a tile's out_col
    parameter integer SLOT_BITS = 2,       // 0..COL_TILES*COLS-1, <= COUNT_BITS
    parameter integer ENTRY_BITS = 2       // param_entry, >= SLOT_BITS
) (
    input  wire                                       clock,
    input  wire                                       reset,
    input  wire                                       start,
    output wire                                       done,
    input  wire [ROW_TILES*COL_TILES-1:0]             tile_out_valid,
    output wire [ROW_TILES*COL_TILES-1:0]             tile_out_ready,
    input  wire [ROW_TILES*COL_TILES*TILE_BITS-1:0]   tile_out_data,
    input  wire [ROW_TILES*COL_TILES*COL_BITS-1:0]    tile_out_col,
    input  wire [ROW_TILES*COL_TILES-1:0]             tile_out_last,
    input  wire                                       param_wr_en,
    input  wire [ENTRY_BITS-1:0]                      param_entry,
    input  wire [15:0]                                param_mult,
    input  wire [4:0]                                 param_shift,
    input  wire [31:0]                                param_bias,
    output reg                                        wr_en,
    output reg  [ADDR_BITS-1:0]                       wr_addr,
    output reg  [CODE_BITS-1:0]                       wr_data,
    output wire                                       mon_valid,
    output wire [TILE_INDEX_BITS-1:0]                 mon_tile,
    output wire [COL_BITS-1:0]                        mon_col,
    output wire [TILE_BITS-1:0]                       mon_data
);
    localparam integer TILES = ROW_TILES * COL_TILES;
    localparam integer BIASED_BITS = (SUM_BITS > 32 ? SUM_BITS : 32) + 1;
    localparam integer PRODUCT_BITS = BIASED_BITS + 16;
    localparam [COUNT_BITS-1:0] ONE = 1;
    localparam integer LAST_COL_TILE_INT = COL_TILES - 1;
    localparam [COUNT_BITS-1:0] LAST_J = LAST_COL_TILE_INT[COUNT_BITS-1:0];
    localparam [COUNT_BITS-1:0] LAST_C = COLS[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] COLS_STEP = COLS[COUNT_BITS-1:0];
    localparam [TILE_INDEX_BITS-1:0] ROW_SPAN = LAST_COL_TILE_INT[TILE_INDEX_BITS-1:0];
    localparam integer LAST_ROW_TILE_INT = ROW_TILES - 1;
    localparam [COUNT_BITS-1:0] LAST_I = LAST_ROW_TILE_INT[COUNT_BITS-1:0];
    localparam [COUNT_BITS-1:0] LAST_P = POSITIONS[COUNT_BITS-1:0] - ONE;
    localparam [COUNT_BITS-1:0] COLUMNS = N[COUNT_BITS-1:0];
    localparam [TILE_INDEX_BITS-1:0] TILE_ONE = 1;
    localparam [TILES-1:0] FIRST_TILE = 1;
    localparam [ADDR_BITS-1:0] STRIDE = POSITIONS[ADDR_BITS-1:0];
    localparam integer LO = RELU != 0 && OUT_LO < 0 ? 0 : OUT_LO;
    localparam signed [CODE_BITS-1:0] LO_CODE = $signed(LO[CODE_BITS-1:0]);
    localparam signed [CODE_BITS-1:0] HI_CODE = $signed(OUT_HI[CODE_BITS-1:0]);
    localparam integer SLOTS = COL_TILES * COLS;

    // Where the take is: position p, row tile i, column c of column tile j; tile the tile's
    // index and n = j*COLS + c the layer's column.
    reg                       active;
    reg                       busy;  // from start until done
    reg [COUNT_BITS-1:0]      p, i, j, c, n;
    reg [TILE_INDEX_BITS-1:0] tile;
    reg signed [SUM_BITS-1:0] partial [0:COL_TILES*COLS-1];

    // The tiles' results and columns as arrays; the requantization's table, a column tile's
    // whole columns of it (those past N never read).
    wire [TILE_BITS-1:0] results [0:TILES-1];
    wire [COL_BITS-1:0]  columns [0:TILES-1];
    reg  [15:0]          mults [0:SLOTS-1];
    reg  [4:0]           shifts [0:SLOTS-1];
    reg  [31:0]          biases [0:SLOTS-1];
    genvar g;
    generate
        for (g = 0; g < TILES; g = g + 1) begin : tiles
            assign results[g] = tile_out_data[g*TILE_BITS +: TILE_BITS];
            assign columns[g] = tile_out_col[g*COL_BITS +: COL_BITS];
        end
    endgenerate
    localparam [ENTRY_BITS:0] ENTRIES = N[ENTRY_BITS:0];
    wire [SLOT_BITS-1:0] param_slot = param_entry[SLOT_BITS-1:0];
    always @(posedge clock) begin
        if (param_wr_en && {1'b0, param_entry} < ENTRIES) begin
            mults[param_slot] <= param_mult;
            shifts[param_slot] <= param_shift;
            biases[param_slot] <= param_bias;
        end
    end

    wire last_column = c == LAST_C;
    wire take = active && tile_out_valid[tile] && tile_out_last[tile] == last_column;
    assign tile_out_ready = active ? FIRST_TILE << tile : {TILES{1'b0}};
    wire [TILE_BITS-1:0] result = results[tile];
    wire signed [SUM_BITS-1:0] value =
        $signed({{(SUM_BITS - TILE_BITS){TILE_SIGNED != 0 && result[TILE_BITS-1]}}, result});
    wire first_row = i == {COUNT_BITS{1'b0}};
    wire last_row = i == LAST_I;
    wire [SLOT_BITS-1:0] slot = n[SLOT_BITS-1:0];
    wire signed [SUM_BITS-1:0] sum = first_row ? value : partial[slot] + value;
    wire last_col_tile = j == LAST_J;
    wire last_tile_of_row = last_col_tile && last_column;
    wire last_of_position = last_tile_of_row && last_row;
    wire last_take = last_of_position && p == LAST_P;

    assign mon_valid = take;
    assign mon_tile = tile;
    assign mon_col = columns[tile];
    assign mon_data = result;

    // Stage a: the column's finished sum and its parameters; stage b: the product.
    reg                          a_valid, a_write, a_last;
    reg signed [SUM_BITS-1:0]    a_sum;
    reg [15:0]                   a_mult;
    reg [4:0]                    a_shift;
    reg [31:0]                   a_bias;
    reg [ADDR_BITS-1:0]          a_addr;
    reg                          b_valid, b_write, b_last;
    reg signed [PRODUCT_BITS-1:0] b_value;
    reg [4:0]                    b_shift;
    reg [ADDR_BITS-1:0]          b_addr;
    reg                          c_last;

    wire signed [BIASED_BITS-1:0] biased =
        $signed({{(BIASED_BITS - SUM_BITS){a_sum[SUM_BITS-1]}}, a_sum})
        + $signed({{(BIASED_BITS - 32){a_bias[31]}}, a_bias});
    wire signed [PRODUCT_BITS-1:0] product =
        $signed({{(PRODUCT_BITS - BIASED_BITS){biased[BIASED_BITS-1]}}, biased})
        * $signed({{(PRODUCT_BITS - 16){a_mult[15]}}, a_mult});
    wire signed [PRODUCT_BITS-1:0] passed =
        $signed({{(PRODUCT_BITS - SUM_BITS){a_sum[SUM_BITS-1]}}, a_sum});
    wire signed [PRODUCT_BITS:0] doubled = $signed({b_value, 1'b0});
    wire signed [PRODUCT_BITS:0] twice = doubled >>> b_shift;
    // floor((t + 2^(s-1)) / 2^s) = (t >>> s) + bit s-1 of t: one shift of {t, 0} gives both.
    wire signed [PRODUCT_BITS:0] rounded =
        $signed({twice[PRODUCT_BITS], twice[PRODUCT_BITS:1]} + {{PRODUCT_BITS{1'b0}}, twice[0]});
    // The clamp: a value whose bits above the code's are all its sign fits a code and compares
    // as one; any other saturates by its sign.
    wire [PRODUCT_BITS-CODE_BITS+1:0] upper = rounded[PRODUCT_BITS:CODE_BITS-1];
    wire fits = &upper || ~|upper;
    wire signed [CODE_BITS-1:0] narrow = $signed(rounded[CODE_BITS-1:0]);
    wire below = fits ? narrow < LO_CODE : rounded[PRODUCT_BITS];
    wire above = fits ? narrow > HI_CODE : !rounded[PRODUCT_BITS];

    assign done = c_last;

    always @(posedge clock) begin
        if (reset) begin
            active <= 1'b0;
            busy <= 1'b0;
            a_valid <= 1'b0;
            b_valid <= 1'b0;
            wr_en <= 1'b0;
            c_last <= 1'b0;
        end else begin
            if (start && !busy) begin
                active <= 1'b1;
                busy <= 1'b1;
            end else begin
                if (take && last_take) active <= 1'b0;
                if (c_last) busy <= 1'b0;
            end
            a_valid <= take && last_row;
            b_valid <= a_valid;
            wr_en <= b_valid && b_write;
            c_last <= b_valid && b_last;
        end
    end

    always @(posedge clock) begin
        if (start && !busy) begin
            p <= {COUNT_BITS{1'b0}};
            i <= {COUNT_BITS{1'b0}};
            j <= {COUNT_BITS{1'b0}};
            c <= {COUNT_BITS{1'b0}};
            n <= {COUNT_BITS{1'b0}};
            tile <= {TILE_INDEX_BITS{1'b0}};
        end else if (take) begin
            if (!last_col_tile) begin
                // The same column of the next column tile.
                j <= j + ONE;
                n <= n + COLS_STEP;
                tile <= tile + TILE_ONE;
            end else if (!last_column) begin
                // The next column, from the row tile's first column tile.
                j <= {COUNT_BITS{1'b0}};
                c <= c + ONE;
                n <= c + ONE;
                tile <= tile - ROW_SPAN;
            end else begin
                // The next row tile, or the next position.
                j <= {COUNT_BITS{1'b0}};
                c <= {COUNT_BITS{1'b0}};
                n <= {COUNT_BITS{1'b0}};
                tile <= last_row ? {TILE_INDEX_BITS{1'b0}} : tile + TILE_ONE;
            end
            if (last_tile_of_row) i <= last_row ? {COUNT_BITS{1'b0}} : i + ONE;
            if (last_of_position) p <= p + ONE;
        end
    end

    always @(posedge clock) begin
        if (take && !last_row) partial[slot] <= sum;
        if (take && last_row) begin
            a_sum <= sum;
            a_write <= n < COLUMNS;
            a_last <= last_take;
            a_addr <= n[ADDR_BITS-1:0] * STRIDE + p[ADDR_BITS-1:0];
            a_mult <= mults[slot];
            a_shift <= shifts[slot];
            a_bias <= biases[slot];
        end
        if (a_valid) begin
            b_value <= HOST != 0 ? product : passed;
            b_shift <= HOST != 0 ? a_shift : 5'd0;
            b_write <= a_write;
            b_last <= a_last;
            b_addr <= a_addr;
        end
        if (b_valid) begin
            wr_addr <= b_addr;
            wr_data <= $unsigned(below ? LO_CODE : above ? HI_CODE : narrow);
        end
    end
endmodule
`default_nettype wire

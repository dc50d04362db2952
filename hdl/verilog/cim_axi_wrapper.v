`timescale 1ns / 1ps
`default_nettype none
// cim_axi_wrapper: the tile's host interface as AXI, for an SoC interconnect. AXI4-Lite programs
// cells and column parameters and reads status and counters; an AXI4-Stream slave takes input
// elements and an AXI4-Stream master gives results. Every output is a register or a wire from
// one (no input reaches an output combinationally); aresetn is active low, sampled on aclk.
//
// Streams (TKEEP, TSTRB, TID, TDEST left out, as AXI4-Stream allows):
//   s_axis   TRANSFER elements per beat, rows 0..ROWS-1 of a vector in order: element j of a
//            beat (row t*TRANSFER+j) is the Ib-bit code in the low bits of byte lane group j,
//            tdata[j*S_LANE_BITS +: INPUT_BITS] (bits above the code ignored; elements past row
//            ROWS-1 in a vector's last beat ignored), tlast with the beat holding row ROWS-1.
//            The tile frames vectors by count: a misplaced tlast is passed on as it is and
//            reported, never silent -- STATUS.tlast_early (tlast before the last beat) or
//            STATUS.tlast_missing (no tlast on the last beat), sticky, and TLAST_ERRORS counts
//            them. IN_ROW tells where the count is.
//   m_axis   One result per beat: out[c] in tdata, sign- or zero-extended to the beat width,
//            tuser = column c, tlast with column COLS-1. tvalid holds with its payload until taken.
//
// AXI4-Lite register map (32-bit registers, byte addresses; AWPROT/ARPROT left out). A write
// needs all four wstrb bits. BRESP and RRESP are SLVERR for an unmapped address, a write to a
// read-only register, a partial write, an index or level out of range, or programming the tile
// refuses because it is busy (vectors in flight); such a write changes nothing. Reads of
// write-only registers return 0.
//   0x00 ID           RO  0x43494d54 ("CIMT")
//   0x04 GEOMETRY     RO  [15:0] rows, [31:16] columns
//   0x08 FORMAT       RO  [4:0] input bits, [7] inputs signed, [13:8] output bits,
//                         [15] output signed, [19:16] cell bits, [25:20] input elements per
//                         beat minus 1
//   0x0c PHYS_COLS    RO  physical columns (2 * slices * columns)
//   0x10 CONTROL      WO  [0] 1: clear the counters 0x20..0x38
//   0x14 STATUS       RW  [0] busy (RO), [1] idle: programming is accepted (RO),
//                         [8] tlast_early, [9] tlast_missing, [10] prog_refused: sticky, write 1
//                         to clear
//   0x18 IN_ROW       RO  row of the next beat's first input element (0 between vectors)
//   0x20 CYCLES       RO  cycles since reset or clear
//   0x24 BUSY_CYCLES  RO  cycles with vectors in flight
//   0x28 VECTORS      RO  vectors taken in whole (by count)
//   0x2c MVMS         RO  MVMs completed (last result taken)
//   0x30 IN_STALLS    RO  cycles with s_axis_tvalid high and s_axis_tready low
//   0x34 OUT_STALLS   RO  cycles with m_axis_tvalid high and m_axis_tready low (backpressure)
//   0x38 TLAST_ERRORS RO  misplaced input tlasts
//   0x40 PROG_ROW     RW  row of the next PROG_CELL write (< rows)
//   0x44 PROG_CELL    WO  [23:0] physical column (c*S+s)*2+p, [31:24] level: programs that cell
//                         of row PROG_ROW
//   0x48 PROG_MULT    RW  [15:0] mult (two's complement), [20:16] shift
//   0x4c PROG_BIAS    RW  bias (two's complement)
//   0x50 PROG_COLUMN  WO  [23:0] column: gives it PROG_MULT and PROG_BIAS
// Counters are 32 bits and wrap. One write response is outstanding at a time; a programming
// write reaches the tile in the cycle before BVALID rises (a vector whose first element is
// taken in that same cycle sees it). A read answers the cycle after its address.
module cim_axi_wrapper #(
    parameter integer ROWS = 16,
    parameter integer COLS = 4,
    parameter integer PHYS_COLS = 16,
    parameter integer ROW_BITS = 4,        // bits of a row index, >= 1
    parameter integer PROG_COL_BITS = 4,   // width of the tile's prog_col
    parameter integer COL_BITS = 2,        // bits of a column index, >= 1
    parameter integer CELL_BITS = 2,
    parameter integer INPUT_BITS = 4,
    parameter integer INPUTS_SIGNED = 0,
    parameter integer OUTPUT_BITS = 8,
    parameter integer OUTPUT_SIGNED = 1,
    parameter integer TRANSFER = 1,        // input elements a beat, 1..64
    parameter integer S_LANE_BITS = 8,     // INPUT_BITS rounded up to whole bytes
    parameter integer S_DATA_BITS = 8,     // TRANSFER * S_LANE_BITS
    parameter integer M_DATA_BITS = 8      // OUTPUT_BITS rounded up to whole bytes
) (
    input  wire                     aclk,
    input  wire                     aresetn,
    input  wire [7:0]               s_axil_awaddr,
    input  wire                     s_axil_awvalid,
    output reg                      s_axil_awready,
    input  wire [31:0]              s_axil_wdata,
    input  wire [3:0]               s_axil_wstrb,
    input  wire                     s_axil_wvalid,
    output reg                      s_axil_wready,
    output reg  [1:0]               s_axil_bresp,
    output reg                      s_axil_bvalid,
    input  wire                     s_axil_bready,
    input  wire [7:0]               s_axil_araddr,
    input  wire                     s_axil_arvalid,
    output reg                      s_axil_arready,
    output reg  [31:0]              s_axil_rdata,
    output reg  [1:0]               s_axil_rresp,
    output reg                      s_axil_rvalid,
    input  wire                     s_axil_rready,
    input  wire [S_DATA_BITS-1:0]   s_axis_tdata,
    input  wire                     s_axis_tlast,
    input  wire                     s_axis_tvalid,
    output wire                     s_axis_tready,
    output wire [M_DATA_BITS-1:0]   m_axis_tdata,
    output wire [COL_BITS-1:0]      m_axis_tuser,
    output wire                     m_axis_tlast,
    output wire                     m_axis_tvalid,
    input  wire                     m_axis_tready,
    output wire                     tile_reset,
    output reg                      tile_prog_valid,
    input  wire                     tile_prog_ready,
    output reg                      tile_prog_column,
    output reg  [ROW_BITS-1:0]      tile_prog_row,
    output reg  [PROG_COL_BITS-1:0] tile_prog_col,
    output reg  [CELL_BITS-1:0]     tile_prog_level,
    output reg  [15:0]              tile_prog_mult,
    output reg  [4:0]               tile_prog_shift,
    output reg  [31:0]              tile_prog_bias,
    output wire                     tile_in_valid,
    input  wire                     tile_in_ready,
    output wire [TRANSFER*INPUT_BITS-1:0] tile_in_data,
    input  wire                     tile_out_valid,
    output wire                     tile_out_ready,
    input  wire [OUTPUT_BITS-1:0]   tile_out_data,
    input  wire [COL_BITS-1:0]      tile_out_col,
    input  wire                     tile_out_last,
    input  wire                     tile_busy,
    input  wire                     tile_done
);
    localparam [1:0] OKAY = 2'b00;
    localparam [1:0] SLVERR = 2'b10;
    localparam [5:0] REG_ID = 6'h00, REG_GEOMETRY = 6'h01, REG_FORMAT = 6'h02, REG_PHYS_COLS = 6'h03,
                     REG_CONTROL = 6'h04, REG_STATUS = 6'h05, REG_IN_ROW = 6'h06,
                     REG_CYCLES = 6'h08, REG_BUSY_CYCLES = 6'h09, REG_VECTORS = 6'h0a, REG_MVMS = 6'h0b,
                     REG_IN_STALLS = 6'h0c, REG_OUT_STALLS = 6'h0d, REG_TLAST_ERRORS = 6'h0e,
                     REG_PROG_ROW = 6'h10, REG_PROG_CELL = 6'h11, REG_PROG_MULT = 6'h12,
                     REG_PROG_BIAS = 6'h13, REG_PROG_COLUMN = 6'h14;
    localparam integer GEOMETRY_INT = COLS * 65536 + ROWS;
    localparam integer FORMAT_INT = (TRANSFER - 1) * 1048576 + CELL_BITS * 65536
                                  + OUTPUT_SIGNED * 32768 + OUTPUT_BITS * 256
                                  + INPUTS_SIGNED * 128 + INPUT_BITS;
    localparam integer LEVELS_INT = 1 << CELL_BITS;
    localparam integer LAST_ROW_INT = (ROWS - 1) / TRANSFER * TRANSFER;  // the last beat's first
    localparam [31:0] GEOMETRY = GEOMETRY_INT[31:0];
    localparam [31:0] FORMAT = FORMAT_INT[31:0];
    localparam [31:0] ROW_COUNT = ROWS[31:0];
    localparam [31:0] COL_COUNT = COLS[31:0];
    localparam [31:0] PHYS_COL_COUNT = PHYS_COLS[31:0];
    localparam [8:0] LEVELS = LEVELS_INT[8:0];
    localparam [ROW_BITS-1:0] LAST_ROW = LAST_ROW_INT[ROW_BITS-1:0];
    localparam [ROW_BITS-1:0] ROW_STEP = TRANSFER[ROW_BITS-1:0];

    // The streams pass straight through: the tile's in_ready, out_valid and payload are
    // registers that already keep the AXI4-Stream rules.
    assign tile_reset = !aresetn;
    assign tile_in_valid = s_axis_tvalid;
    genvar element;
    generate
        for (element = 0; element < TRANSFER; element = element + 1) begin : in_element
            assign tile_in_data[element*INPUT_BITS +: INPUT_BITS] = s_axis_tdata[element*S_LANE_BITS +: INPUT_BITS];
        end
    endgenerate
    assign s_axis_tready = tile_in_ready;
    assign m_axis_tvalid = tile_out_valid;
    assign tile_out_ready = m_axis_tready;
    assign m_axis_tuser = tile_out_col;
    assign m_axis_tlast = tile_out_last;
    generate
        if (M_DATA_BITS > OUTPUT_BITS) begin : extend
            wire fill = OUTPUT_SIGNED != 0 && tile_out_data[OUTPUT_BITS-1];
            assign m_axis_tdata = {{(M_DATA_BITS-OUTPUT_BITS){fill}}, tile_out_data};
        end else begin : exact
            assign m_axis_tdata = tile_out_data;
        end
    endgenerate

    // Input framing: the row count of the vector being received, checked against tlast.
    reg [ROW_BITS-1:0] in_row;
    wire in_take = s_axis_tvalid && s_axis_tready;
    wire in_last_row = in_row == LAST_ROW;
    wire tlast_early = in_take && s_axis_tlast && !in_last_row;
    wire tlast_missing = in_take && !s_axis_tlast && in_last_row;

    // AXI4-Lite write: address and data are taken independently into one slot each; once both
    // are held the write is decoded (start), a programming word is offered to the tile for one
    // cycle, and the response says whether the tile took it.
    reg aw_full, w_full;
    reg [5:0] aw_word;
    reg [31:0] w_data;
    reg [3:0] w_strb;
    wire aw_take = s_axil_awvalid && s_axil_awready;
    wire w_take = s_axil_wvalid && s_axil_wready;
    wire write_start = aw_full && w_full && !s_axil_bvalid && !tile_prog_valid;
    wire aw_full_next = (aw_full && !write_start) || aw_take;
    wire w_full_next = (w_full && !write_start) || w_take;

    wire is_control = aw_word == REG_CONTROL;
    wire is_status = aw_word == REG_STATUS;
    wire is_prog_row = aw_word == REG_PROG_ROW;
    wire is_prog_cell = aw_word == REG_PROG_CELL;
    wire is_prog_mult = aw_word == REG_PROG_MULT;
    wire is_prog_bias = aw_word == REG_PROG_BIAS;
    wire is_prog_column = aw_word == REG_PROG_COLUMN;
    wire writable = is_control || is_status || is_prog_row || is_prog_cell || is_prog_mult
                 || is_prog_bias || is_prog_column;
    wire in_range = (!is_prog_row || w_data < ROW_COUNT)
                 && (!is_prog_cell || ({8'd0, w_data[23:0]} < PHYS_COL_COUNT && {1'b0, w_data[31:24]} < LEVELS))
                 && (!is_prog_column || {8'd0, w_data[23:0]} < COL_COUNT);
    wire write_ok = writable && w_strb == 4'hf && in_range;
    wire write_program = write_start && write_ok && (is_prog_cell || is_prog_column);
    wire write_register = write_start && write_ok && !(is_prog_cell || is_prog_column);
    wire clear_counters = write_register && is_control && w_data[0];

    // AXI4-Lite read: one address at a time, answered from registers in the next cycle.
    wire ar_take = s_axil_arvalid && s_axil_arready;
    wire rvalid_next = ar_take || (s_axil_rvalid && !s_axil_rready);

    reg [ROW_BITS-1:0] prog_row;
    reg [15:0] prog_mult;
    reg [4:0] prog_shift;
    reg [31:0] prog_bias;
    reg sticky_early, sticky_missing, sticky_refused;
    reg [31:0] cycles, busy_cycles, vectors, mvms, in_stalls, out_stalls, tlast_errors;
    wire [31:0] status = {21'd0, sticky_refused, sticky_missing, sticky_early, 6'd0, tile_prog_ready, tile_busy};
    wire [31:0] in_row_word = {{(32-ROW_BITS){1'b0}}, in_row};
    wire refused = tile_prog_valid && !tile_prog_ready;

    always @(posedge aclk) begin
        if (!aresetn) begin
            s_axil_awready <= 1'b0;
            s_axil_wready <= 1'b0;
            s_axil_bvalid <= 1'b0;
            s_axil_arready <= 1'b0;
            s_axil_rvalid <= 1'b0;
            aw_full <= 1'b0;
            w_full <= 1'b0;
            tile_prog_valid <= 1'b0;
            in_row <= {ROW_BITS{1'b0}};
            prog_row <= {ROW_BITS{1'b0}};
            prog_mult <= 16'd1;
            prog_shift <= 5'd0;
            prog_bias <= 32'd0;
            sticky_early <= 1'b0;
            sticky_missing <= 1'b0;
            sticky_refused <= 1'b0;
        end else begin
            aw_full <= aw_full_next;
            w_full <= w_full_next;
            s_axil_awready <= !aw_full_next;
            s_axil_wready <= !w_full_next;
            tile_prog_valid <= write_program;
            if ((write_start && !write_program) || tile_prog_valid) s_axil_bvalid <= 1'b1;
            else if (s_axil_bready) s_axil_bvalid <= 1'b0;
            s_axil_rvalid <= rvalid_next;
            s_axil_arready <= !rvalid_next;
            if (in_take) in_row <= in_last_row ? {ROW_BITS{1'b0}} : in_row + ROW_STEP;
            if (write_register && is_prog_row) prog_row <= w_data[ROW_BITS-1:0];
            if (write_register && is_prog_mult) {prog_shift, prog_mult} <= w_data[20:0];
            if (write_register && is_prog_bias) prog_bias <= w_data;
            sticky_early <= tlast_early || (sticky_early && !(write_register && is_status && w_data[8]));
            sticky_missing <= tlast_missing || (sticky_missing && !(write_register && is_status && w_data[9]));
            sticky_refused <= refused || (sticky_refused && !(write_register && is_status && w_data[10]));
        end
    end

    // Response codes, held addresses, data and the word offered to the tile: qualified by the
    // valid flags, so no reset.
    always @(posedge aclk) begin
        if (aw_take) aw_word <= s_axil_awaddr[7:2];
        if (w_take) begin
            w_data <= s_axil_wdata;
            w_strb <= s_axil_wstrb;
        end
        if (write_start) s_axil_bresp <= write_ok ? OKAY : SLVERR;
        if (tile_prog_valid) s_axil_bresp <= tile_prog_ready ? OKAY : SLVERR;
        if (write_program) begin
            tile_prog_column <= is_prog_column;
            tile_prog_row <= prog_row;
            tile_prog_col <= w_data[PROG_COL_BITS-1:0];
            tile_prog_level <= w_data[24 +: CELL_BITS];
            tile_prog_mult <= prog_mult;
            tile_prog_shift <= prog_shift;
            tile_prog_bias <= prog_bias;
        end
        if (ar_take) begin
            s_axil_rresp <= OKAY;
            case (s_axil_araddr[7:2])
                REG_ID: s_axil_rdata <= 32'h43494d54;
                REG_GEOMETRY: s_axil_rdata <= GEOMETRY;
                REG_FORMAT: s_axil_rdata <= FORMAT;
                REG_PHYS_COLS: s_axil_rdata <= PHYS_COL_COUNT;
                REG_CONTROL, REG_PROG_CELL, REG_PROG_COLUMN: s_axil_rdata <= 32'd0;
                REG_STATUS: s_axil_rdata <= status;
                REG_IN_ROW: s_axil_rdata <= in_row_word;
                REG_CYCLES: s_axil_rdata <= cycles;
                REG_BUSY_CYCLES: s_axil_rdata <= busy_cycles;
                REG_VECTORS: s_axil_rdata <= vectors;
                REG_MVMS: s_axil_rdata <= mvms;
                REG_IN_STALLS: s_axil_rdata <= in_stalls;
                REG_OUT_STALLS: s_axil_rdata <= out_stalls;
                REG_TLAST_ERRORS: s_axil_rdata <= tlast_errors;
                REG_PROG_ROW: s_axil_rdata <= {{(32-ROW_BITS){1'b0}}, prog_row};
                REG_PROG_MULT: s_axil_rdata <= {11'd0, prog_shift, prog_mult};
                REG_PROG_BIAS: s_axil_rdata <= prog_bias;
                default: begin
                    s_axil_rdata <= 32'd0;
                    s_axil_rresp <= SLVERR;
                end
            endcase
        end
    end

    // Counters.
    always @(posedge aclk) begin
        if (!aresetn || clear_counters) begin
            cycles <= 32'd0;
            busy_cycles <= 32'd0;
            vectors <= 32'd0;
            mvms <= 32'd0;
            in_stalls <= 32'd0;
            out_stalls <= 32'd0;
            tlast_errors <= 32'd0;
        end else begin
            cycles <= cycles + 32'd1;
            busy_cycles <= busy_cycles + {31'd0, tile_busy};
            vectors <= vectors + {31'd0, in_take && in_last_row};
            mvms <= mvms + {31'd0, tile_done};
            in_stalls <= in_stalls + {31'd0, s_axis_tvalid && !s_axis_tready};
            out_stalls <= out_stalls + {31'd0, m_axis_tvalid && !m_axis_tready};
            tlast_errors <= tlast_errors + {31'd0, tlast_early || tlast_missing};
        end
    end

    wire unused_inputs = ^{s_axil_awaddr[1:0], s_axil_araddr[1:0], s_axis_tdata};
endmodule
`default_nettype wire

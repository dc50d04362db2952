

module cim_tile(clock,reset,prog_valid,prog_ready,prog_column,prog_row,prog_col,prog_level,prog_mult,prog_shift,prog_bias,in_valid,in_ready,in_data,out_valid,out_ready,out_data,out_col,out_last,busy,done);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  prog_valid;
    output reg  prog_ready;
    input wire  prog_column;
    input wire  [15:0] prog_row;
    input wire  [23:0] prog_col;
    input wire  [7:0] prog_level;
    input wire  [15:0] prog_mult;
    input wire  [4:0] prog_shift;
    input wire  [31:0] prog_bias;
    input wire  in_valid;
    output reg  in_ready;
    input wire  [15:0] in_data;
    output reg  out_valid;
    input wire  out_ready;
    output reg  [31:0] out_data;
    output reg  [15:0] out_col;
    output reg  out_last;
    output reg  busy;
    output reg  done;
    
    // Stub signals
    reg  controller$clock;
    reg  controller$reset;
    reg  controller$in_valid;
    wire  controller$in_ready;
    wire  controller$buf_wr_en;
    wire  controller$buf_wr_bank;
    wire  [15:0] controller$buf_wr_group;
    wire  [15:0] controller$buf_wr_offset;
    reg  controller$issued;
    reg  controller$landed;
    reg  controller$combined;
    reg  controller$periphery_busy;
    wire  controller$vector_ready;
    wire  controller$bank_free;
    wire  controller$sums_ready;
    wire  controller$busy;
    reg  scheduler$clock;
    reg  scheduler$reset;
    reg  scheduler$vector_ready;
    reg  scheduler$bank_free;
    wire  scheduler$conv_start;
    wire  scheduler$conv_bank;
    wire  [4:0] scheduler$conv_bit;
    wire  [15:0] scheduler$conv_group;
    wire  [23:0] scheduler$col_sel;
    wire  [31:0] scheduler$conv_mvm;
    wire  scheduler$issued;
    wire  scheduler$tag_bank;
    wire  [23:0] scheduler$tag_phase;
    wire  [4:0] scheduler$tag_bit;
    wire  scheduler$tag_negative;
    wire  scheduler$tag_first;
    wire  scheduler$tag_last;
    reg  buffer$clock;
    reg  buffer$wr_en;
    reg  buffer$wr_bank;
    reg  [15:0] buffer$wr_group;
    reg  [15:0] buffer$wr_offset;
    reg  [15:0] buffer$wr_data;
    reg  buffer$rd_bank;
    reg  [4:0] buffer$rd_bit;
    reg  [15:0] buffer$rd_group;
    wire  [63:0] buffer$row_drive$0;
    wire  [63:0] buffer$row_drive$1;
    reg  crossbar$clock;
    reg  crossbar$reset;
    reg  crossbar$prog_en;
    reg  [15:0] crossbar$prog_row;
    reg  [23:0] crossbar$prog_col;
    reg  [7:0] crossbar$prog_level;
    reg  crossbar$conv_start;
    reg  [63:0] crossbar$row_drive$0;
    reg  [63:0] crossbar$row_drive$1;
    reg  [15:0] crossbar$conv_group;
    reg  [23:0] crossbar$col_sel;
    reg  [31:0] crossbar$noise_mvm;
    reg  [4:0] crossbar$noise_bit;
    wire  crossbar$code_valid;
    wire  [15:0] crossbar$codes$0;
    reg  lanes$clock;
    reg  lanes$code_valid;
    reg  [15:0] lanes$codes$0;
    reg  lanes$tag_bank;
    reg  [23:0] lanes$tag_phase;
    reg  [4:0] lanes$tag_bit;
    reg  lanes$tag_negative;
    reg  lanes$tag_first;
    reg  lanes$rd_bank;
    reg  [23:0] lanes$rd_phase;
    reg  [23:0] lanes$rd_lane;
    wire  [63:0] lanes$rd_value;
    reg  combiner$clock;
    reg  combiner$reset;
    reg  combiner$sums_ready;
    reg  combiner$advance;
    wire  combiner$rd_bank;
    wire  [23:0] combiner$rd_phase;
    wire  [23:0] combiner$rd_lane;
    reg  [63:0] combiner$part;
    wire  combiner$acc_valid;
    wire  [63:0] combiner$acc;
    wire  [15:0] combiner$acc_col;
    wire  combiner$acc_last;
    wire  combiner$combined;
    reg  params$clock;
    reg  params$reset;
    reg  params$wr_en;
    reg  [15:0] params$wr_col;
    reg  [15:0] params$wr_mult;
    reg  [4:0] params$wr_shift;
    reg  [31:0] params$wr_bias;
    reg  [15:0] params$rd_col;
    wire  [15:0] params$rd_mult;
    wire  [4:0] params$rd_shift;
    wire  [31:0] params$rd_bias;
    reg  activation$clock;
    reg  activation$reset;
    reg  activation$in_valid;
    reg  [63:0] activation$in_acc;
    reg  [15:0] activation$in_col;
    reg  activation$in_last;
    reg  [15:0] activation$mult;
    reg  [4:0] activation$shift;
    reg  [31:0] activation$bias;
    wire  activation$out_valid;
    reg  activation$out_ready;
    wire  [31:0] activation$out_data;
    wire  [15:0] activation$out_col;
    wire  activation$out_last;
    wire  activation$advance;
    wire  activation$busy;
    
    // Sub module instances
    cim_tile$controller controller(
        .clock(controller$clock),
        .reset(controller$reset),
        .in_valid(controller$in_valid),
        .in_ready(controller$in_ready),
        .buf_wr_en(controller$buf_wr_en),
        .buf_wr_bank(controller$buf_wr_bank),
        .buf_wr_group(controller$buf_wr_group),
        .buf_wr_offset(controller$buf_wr_offset),
        .issued(controller$issued),
        .landed(controller$landed),
        .combined(controller$combined),
        .periphery_busy(controller$periphery_busy),
        .vector_ready(controller$vector_ready),
        .bank_free(controller$bank_free),
        .sums_ready(controller$sums_ready),
        .busy(controller$busy)
    );
    cim_tile$scheduler scheduler(
        .clock(scheduler$clock),
        .reset(scheduler$reset),
        .vector_ready(scheduler$vector_ready),
        .bank_free(scheduler$bank_free),
        .conv_start(scheduler$conv_start),
        .conv_bank(scheduler$conv_bank),
        .conv_bit(scheduler$conv_bit),
        .conv_group(scheduler$conv_group),
        .col_sel(scheduler$col_sel),
        .conv_mvm(scheduler$conv_mvm),
        .issued(scheduler$issued),
        .tag_bank(scheduler$tag_bank),
        .tag_phase(scheduler$tag_phase),
        .tag_bit(scheduler$tag_bit),
        .tag_negative(scheduler$tag_negative),
        .tag_first(scheduler$tag_first),
        .tag_last(scheduler$tag_last)
    );
    cim_tile$buffer buffer(
        .clock(buffer$clock),
        .wr_en(buffer$wr_en),
        .wr_bank(buffer$wr_bank),
        .wr_group(buffer$wr_group),
        .wr_offset(buffer$wr_offset),
        .wr_data(buffer$wr_data),
        .rd_bank(buffer$rd_bank),
        .rd_bit(buffer$rd_bit),
        .rd_group(buffer$rd_group),
        .row_drive$0(buffer$row_drive$0),
        .row_drive$1(buffer$row_drive$1)
    );
    cim_tile$crossbar crossbar(
        .clock(crossbar$clock),
        .reset(crossbar$reset),
        .prog_en(crossbar$prog_en),
        .prog_row(crossbar$prog_row),
        .prog_col(crossbar$prog_col),
        .prog_level(crossbar$prog_level),
        .conv_start(crossbar$conv_start),
        .row_drive$0(crossbar$row_drive$0),
        .row_drive$1(crossbar$row_drive$1),
        .conv_group(crossbar$conv_group),
        .col_sel(crossbar$col_sel),
        .noise_mvm(crossbar$noise_mvm),
        .noise_bit(crossbar$noise_bit),
        .code_valid(crossbar$code_valid),
        .codes$0(crossbar$codes$0)
    );
    cim_tile$lanes lanes(
        .clock(lanes$clock),
        .code_valid(lanes$code_valid),
        .codes$0(lanes$codes$0),
        .tag_bank(lanes$tag_bank),
        .tag_phase(lanes$tag_phase),
        .tag_bit(lanes$tag_bit),
        .tag_negative(lanes$tag_negative),
        .tag_first(lanes$tag_first),
        .rd_bank(lanes$rd_bank),
        .rd_phase(lanes$rd_phase),
        .rd_lane(lanes$rd_lane),
        .rd_value(lanes$rd_value)
    );
    cim_tile$combiner combiner(
        .clock(combiner$clock),
        .reset(combiner$reset),
        .sums_ready(combiner$sums_ready),
        .advance(combiner$advance),
        .rd_bank(combiner$rd_bank),
        .rd_phase(combiner$rd_phase),
        .rd_lane(combiner$rd_lane),
        .part(combiner$part),
        .acc_valid(combiner$acc_valid),
        .acc(combiner$acc),
        .acc_col(combiner$acc_col),
        .acc_last(combiner$acc_last),
        .combined(combiner$combined)
    );
    cim_tile$params params(
        .clock(params$clock),
        .reset(params$reset),
        .wr_en(params$wr_en),
        .wr_col(params$wr_col),
        .wr_mult(params$wr_mult),
        .wr_shift(params$wr_shift),
        .wr_bias(params$wr_bias),
        .rd_col(params$rd_col),
        .rd_mult(params$rd_mult),
        .rd_shift(params$rd_shift),
        .rd_bias(params$rd_bias)
    );
    cim_tile$activation activation(
        .clock(activation$clock),
        .reset(activation$reset),
        .in_valid(activation$in_valid),
        .in_acc(activation$in_acc),
        .in_col(activation$in_col),
        .in_last(activation$in_last),
        .mult(activation$mult),
        .shift(activation$shift),
        .bias(activation$bias),
        .out_valid(activation$out_valid),
        .out_ready(activation$out_ready),
        .out_data(activation$out_data),
        .out_col(activation$out_col),
        .out_last(activation$out_last),
        .advance(activation$advance),
        .busy(activation$busy)
    );
    
    // Update code
    always @(*) begin
        controller$clock = clock;
        scheduler$clock = clock;
        buffer$clock = clock;
        crossbar$clock = clock;
        lanes$clock = clock;
        combiner$clock = clock;
        params$clock = clock;
        activation$clock = clock;
        controller$reset = reset;
        scheduler$reset = reset;
        crossbar$reset = reset;
        combiner$reset = reset;
        params$reset = reset;
        activation$reset = reset;
        prog_ready = ~controller$busy & ~reset;
        crossbar$prog_en = prog_valid & prog_ready & ~prog_column;
        crossbar$prog_row = prog_row;
        crossbar$prog_col = prog_col;
        crossbar$prog_level = prog_level;
        params$wr_en = prog_valid & prog_ready & prog_column;
        params$wr_col = prog_col[(32'h0)+:(16)];
        params$wr_mult = prog_mult;
        params$wr_shift = prog_shift;
        params$wr_bias = prog_bias;
        controller$in_valid = in_valid;
        in_ready = controller$in_ready;
        buffer$wr_en = controller$buf_wr_en;
        buffer$wr_bank = controller$buf_wr_bank;
        buffer$wr_group = controller$buf_wr_group;
        buffer$wr_offset = controller$buf_wr_offset;
        buffer$wr_data = in_data;
        scheduler$vector_ready = controller$vector_ready;
        scheduler$bank_free = controller$bank_free;
        buffer$rd_bank = scheduler$conv_bank;
        buffer$rd_bit = scheduler$conv_bit;
        buffer$rd_group = scheduler$conv_group;
        crossbar$conv_start = scheduler$conv_start;
        crossbar$row_drive$0 = buffer$row_drive$0;
        crossbar$row_drive$1 = buffer$row_drive$1;
        crossbar$conv_group = scheduler$conv_group;
        crossbar$col_sel = scheduler$col_sel;
        crossbar$noise_mvm = scheduler$conv_mvm;
        crossbar$noise_bit = scheduler$conv_bit;
        controller$issued = scheduler$issued;
        lanes$code_valid = crossbar$code_valid;
        lanes$codes$0 = crossbar$codes$0;
        lanes$tag_bank = scheduler$tag_bank;
        lanes$tag_phase = scheduler$tag_phase;
        lanes$tag_bit = scheduler$tag_bit;
        lanes$tag_negative = scheduler$tag_negative;
        lanes$tag_first = scheduler$tag_first;
        controller$landed = crossbar$code_valid & scheduler$tag_last;
        combiner$sums_ready = controller$sums_ready;
        combiner$advance = activation$advance;
        lanes$rd_bank = combiner$rd_bank;
        lanes$rd_phase = combiner$rd_phase;
        lanes$rd_lane = combiner$rd_lane;
        combiner$part = lanes$rd_value;
        controller$combined = combiner$combined;
        activation$in_valid = combiner$acc_valid;
        activation$in_acc = combiner$acc;
        activation$in_col = combiner$acc_col;
        activation$in_last = combiner$acc_last;
        params$rd_col = combiner$acc_col;
        activation$mult = params$rd_mult;
        activation$shift = params$rd_shift;
        activation$bias = params$rd_bias;
        activation$out_ready = out_ready;
        out_valid = activation$out_valid;
        out_data = activation$out_data;
        out_col = activation$out_col;
        out_last = activation$out_last;
        controller$periphery_busy = activation$busy | combiner$acc_valid;
        busy = controller$busy;
        done = activation$out_valid & out_ready & activation$out_last;
    end
    
endmodule // top


module cim_tile$activation(clock,reset,in_valid,in_acc,in_col,in_last,mult,shift,bias,out_valid,out_ready,out_data,out_col,out_last,advance,busy);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  in_valid;
    input wire  [63:0] in_acc;
    input wire  [15:0] in_col;
    input wire  in_last;
    input wire  [15:0] mult;
    input wire  [4:0] shift;
    input wire  [31:0] bias;
    output reg  out_valid;
    input wire  out_ready;
    output reg  [31:0] out_data;
    output reg  [15:0] out_col;
    output reg  out_last;
    output reg  advance;
    output reg  busy;
    
    // Constant declarations
    localparam  relu = 1'b0;
    localparam  out_min_flipped = 80'h7fffffffffffffff8000;
    localparam  out_max_flipped = 80'h80000000000000007fff;
    localparam  sign_bit = 80'h80000000000000000000;
    localparam  out_min_low = 32'hffff8000;
    localparam  out_max_low = 32'h7fff;
    
    // Stub signals
    reg  s1_valid$d;
    wire  s1_valid$q;
    reg  s1_valid$clock;
    reg  [63:0] s1_value$d;
    wire  [63:0] s1_value$q;
    reg  s1_value$clock;
    reg  [15:0] s1_mult$d;
    wire  [15:0] s1_mult$q;
    reg  s1_mult$clock;
    reg  [4:0] s1_shift$d;
    wire  [4:0] s1_shift$q;
    reg  s1_shift$clock;
    reg  [15:0] s1_col$d;
    wire  [15:0] s1_col$q;
    reg  s1_col$clock;
    reg  s1_last$d;
    wire  s1_last$q;
    reg  s1_last$clock;
    reg  s2_valid$d;
    wire  s2_valid$q;
    reg  s2_valid$clock;
    reg  [79:0] s2_product$d;
    wire  [79:0] s2_product$q;
    reg  s2_product$clock;
    reg  [4:0] s2_shift$d;
    wire  [4:0] s2_shift$q;
    reg  s2_shift$clock;
    reg  [15:0] s2_col$d;
    wire  [15:0] s2_col$q;
    reg  s2_col$clock;
    reg  s2_last$d;
    wire  s2_last$q;
    reg  s2_last$clock;
    reg  s3_valid$d;
    wire  s3_valid$q;
    reg  s3_valid$clock;
    reg  [31:0] s3_data$d;
    wire  [31:0] s3_data$q;
    reg  s3_data$clock;
    reg  [15:0] s3_col$d;
    wire  [15:0] s3_col$q;
    reg  s3_col$clock;
    reg  s3_last$d;
    wire  s3_last$q;
    reg  s3_last$clock;
    
    // Local signals
    reg  [63:0] bias_wide;
    reg  [63:0] u_abs;
    reg  [15:0] m_abs;
    reg  [31:0] pp0;
    reg  [31:0] pp1;
    reg  [31:0] pp2;
    reg  [31:0] pp3;
    reg  [79:0] magnitude;
    reg  [79:0] product;
    reg  [79:0] rounded;
    reg  [79:0] shifted;
    reg  [79:0] activated;
    reg  [79:0] flipped;
    reg  [31:0] clamped;
    
    // Sub module instances
    cim_tile$activation$s1_valid s1_valid(
        .d(s1_valid$d),
        .q(s1_valid$q),
        .clock(s1_valid$clock)
    );
    cim_tile$activation$s1_value s1_value(
        .d(s1_value$d),
        .q(s1_value$q),
        .clock(s1_value$clock)
    );
    cim_tile$activation$s1_mult s1_mult(
        .d(s1_mult$d),
        .q(s1_mult$q),
        .clock(s1_mult$clock)
    );
    cim_tile$activation$s1_shift s1_shift(
        .d(s1_shift$d),
        .q(s1_shift$q),
        .clock(s1_shift$clock)
    );
    cim_tile$activation$s1_col s1_col(
        .d(s1_col$d),
        .q(s1_col$q),
        .clock(s1_col$clock)
    );
    cim_tile$activation$s1_last s1_last(
        .d(s1_last$d),
        .q(s1_last$q),
        .clock(s1_last$clock)
    );
    cim_tile$activation$s2_valid s2_valid(
        .d(s2_valid$d),
        .q(s2_valid$q),
        .clock(s2_valid$clock)
    );
    cim_tile$activation$s2_product s2_product(
        .d(s2_product$d),
        .q(s2_product$q),
        .clock(s2_product$clock)
    );
    cim_tile$activation$s2_shift s2_shift(
        .d(s2_shift$d),
        .q(s2_shift$q),
        .clock(s2_shift$clock)
    );
    cim_tile$activation$s2_col s2_col(
        .d(s2_col$d),
        .q(s2_col$q),
        .clock(s2_col$clock)
    );
    cim_tile$activation$s2_last s2_last(
        .d(s2_last$d),
        .q(s2_last$q),
        .clock(s2_last$clock)
    );
    cim_tile$activation$s3_valid s3_valid(
        .d(s3_valid$d),
        .q(s3_valid$q),
        .clock(s3_valid$clock)
    );
    cim_tile$activation$s3_data s3_data(
        .d(s3_data$d),
        .q(s3_data$q),
        .clock(s3_data$clock)
    );
    cim_tile$activation$s3_col s3_col(
        .d(s3_col$d),
        .q(s3_col$q),
        .clock(s3_col$clock)
    );
    cim_tile$activation$s3_last s3_last(
        .d(s3_last$d),
        .q(s3_last$q),
        .clock(s3_last$clock)
    );
    
    // Update code
    always @(*) begin
        s1_valid$clock = clock;
        s1_value$clock = clock;
        s1_mult$clock = clock;
        s1_shift$clock = clock;
        s1_col$clock = clock;
        s1_last$clock = clock;
        s2_valid$clock = clock;
        s2_product$clock = clock;
        s2_shift$clock = clock;
        s2_col$clock = clock;
        s2_last$clock = clock;
        s3_valid$clock = clock;
        s3_data$clock = clock;
        s3_col$clock = clock;
        s3_last$clock = clock;
        s1_valid$d = s1_valid$q;
        s1_value$d = s1_value$q;
        s1_mult$d = s1_mult$q;
        s1_shift$d = s1_shift$q;
        s1_col$d = s1_col$q;
        s1_last$d = s1_last$q;
        s2_valid$d = s2_valid$q;
        s2_product$d = s2_product$q;
        s2_shift$d = s2_shift$q;
        s2_col$d = s2_col$q;
        s2_last$d = s2_last$q;
        s3_valid$d = s3_valid$q;
        s3_data$d = s3_data$q;
        s3_col$d = s3_col$q;
        s3_last$d = s3_last$q;
        advance = ~s3_valid$q | out_ready;
        busy = s1_valid$q | s2_valid$q | s3_valid$q;
        out_valid = s3_valid$q;
        out_data = s3_data$q;
        out_col = s3_col$q;
        out_last = s3_last$q;
        bias_wide = ((bias) & 64'hffffffffffffffff);
        if (bias[32'h1f]) begin
            bias_wide = ((bias) & 64'hffffffffffffffff) | 64'hffffffff00000000;
        end
        u_abs = s1_value$q;
        if (s1_value$q[32'h3f]) begin
            u_abs = ~s1_value$q + 32'h1;
        end
        m_abs = s1_mult$q;
        if (s1_mult$q[32'hf]) begin
            m_abs = ~s1_mult$q + 32'h1;
        end
        pp0 = u_abs[(32'h0)+:(16)] * m_abs;
        pp1 = u_abs[(32'h10)+:(16)] * m_abs;
        pp2 = u_abs[(32'h20)+:(16)] * m_abs;
        pp3 = u_abs[(32'h30)+:(16)] * m_abs;
        magnitude = ((pp0) & 80'hffffffffffffffffffff) + (((pp1) & 80'hffffffffffffffffffff) << 32'h10) + (((pp2) & 80'hffffffffffffffffffff) << 32'h20) + (((pp3) & 80'hffffffffffffffffffff) << 32'h30);
        product = magnitude;
        if (s1_value$q[32'h3f] ^ s1_mult$q[32'hf]) begin
            product = ~magnitude + 32'h1;
        end
        rounded = s2_product$q;
        shifted = s2_product$q;
        if (|s2_shift$q) begin
            rounded = s2_product$q + (((32'h1) & 80'hffffffffffffffffffff) << (s2_shift$q - 32'h1));
            shifted = rounded >> s2_shift$q;
            if (rounded[32'h4f]) begin
                shifted = ~((~rounded) >> s2_shift$q);
            end
        end
        activated = shifted;
        if (relu & shifted[32'h4f]) begin
            activated = 32'h0;
        end
        flipped = activated ^ sign_bit;
        clamped = activated[(32'h0)+:(32)];
        if (flipped < out_min_flipped) begin
            clamped = out_min_low;
        end
        if (flipped > out_max_flipped) begin
            clamped = out_max_low;
        end
        if (advance) begin
            s1_valid$d = in_valid;
            s1_value$d = in_acc + bias_wide;
            s1_mult$d = mult;
            s1_shift$d = shift;
            s1_col$d = in_col;
            s1_last$d = in_last;
            s2_valid$d = s1_valid$q;
            s2_product$d = product;
            s2_shift$d = s1_shift$q;
            s2_col$d = s1_col$q;
            s2_last$d = s1_last$q;
            s3_valid$d = s2_valid$q;
            s3_data$d = clamped;
            s3_col$d = s2_col$q;
            s3_last$d = s2_last$q;
        end
        if (reset) begin
            s1_valid$d = 1'b0;
            s2_valid$d = 1'b0;
            s3_valid$d = 1'b0;
        end
    end
    
endmodule // cim_tile$activation


module cim_tile$activation$s1_col(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s1_col


module cim_tile$activation$s1_last(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s1_last


module cim_tile$activation$s1_mult(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s1_mult


module cim_tile$activation$s1_shift(d,q,clock);
    
    // Module arguments
    input wire  [4:0] d;
    output reg  [4:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 5'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s1_shift


module cim_tile$activation$s1_valid(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s1_valid


module cim_tile$activation$s1_value(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s1_value


module cim_tile$activation$s2_col(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s2_col


module cim_tile$activation$s2_last(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s2_last


module cim_tile$activation$s2_product(d,q,clock);
    
    // Module arguments
    input wire  [79:0] d;
    output reg  [79:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 80'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s2_product


module cim_tile$activation$s2_shift(d,q,clock);
    
    // Module arguments
    input wire  [4:0] d;
    output reg  [4:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 5'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s2_shift


module cim_tile$activation$s2_valid(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s2_valid


module cim_tile$activation$s3_col(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s3_col


module cim_tile$activation$s3_data(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s3_data


module cim_tile$activation$s3_last(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s3_last


module cim_tile$activation$s3_valid(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$activation$s3_valid

// v-- Setting output parameters to net type for wrapped code.


module cim_tile$buffer(clock,wr_en,wr_bank,wr_group,wr_offset,wr_data,rd_bank,rd_bit,rd_group,row_drive$0,row_drive$1);
    
    // Module arguments
    input wire  clock;
    input wire  wr_en;
    input wire  wr_bank;
    input wire  [15:0] wr_group;
    input wire  [15:0] wr_offset;
    input wire  [15:0] wr_data;
    input wire  rd_bank;
    input wire  [4:0] rd_bit;
    input wire  [15:0] rd_group;
    output wire  [63:0] row_drive$0;
    output wire  [63:0] row_drive$1;
    
    // Update code (wrapper)
    wire [127:0] drive;
    cim_input_buffer #(
        .INPUT_BITS(16),
        .GROUPS(1),
        .ROWS_PER_READ(128)
    ) bank_memory (
        .clock(clock),
        .wr_en(wr_en),
        .wr_bank(wr_bank),
        .wr_group(wr_group),
        .wr_offset(wr_offset),
        .wr_data(wr_data),
        .rd_bank(rd_bank),
        .rd_bit(rd_bit),
        .rd_group(rd_group),
        .row_drive(drive)
    );
    wire [127:0] drive_bus = drive;
    assign row_drive$0 = drive_bus[63:0];
    assign row_drive$1 = drive_bus[127:64];
endmodule // cim_tile$buffer


module cim_tile$combiner(clock,reset,sums_ready,advance,rd_bank,rd_phase,rd_lane,part,acc_valid,acc,acc_col,acc_last,combined);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  sums_ready;
    input wire  advance;
    output reg  rd_bank;
    output reg  [23:0] rd_phase;
    output reg  [23:0] rd_lane;
    input wire  [63:0] part;
    output reg  acc_valid;
    output reg  [63:0] acc;
    output reg  [15:0] acc_col;
    output reg  acc_last;
    output reg  combined;
    
    // Constant declarations
    localparam  last_lane = 24'h0;
    localparam  last_slice = 5'b111;
    localparam  last_col = 16'h7;
    localparam  cell_bits = 8'h2;
    
    // Stub signals
    reg  active$d;
    wire  active$q;
    reg  active$clock;
    reg  bank$d;
    wire  bank$q;
    reg  bank$clock;
    reg  [23:0] lane$d;
    wire  [23:0] lane$q;
    reg  lane$clock;
    reg  [23:0] phase$d;
    wire  [23:0] phase$q;
    reg  phase$clock;
    reg  [4:0] slice$d;
    wire  [4:0] slice$q;
    reg  slice$clock;
    reg  negative$d;
    wire  negative$q;
    reg  negative$clock;
    reg  [7:0] shift$d;
    wire  [7:0] shift$q;
    reg  shift$clock;
    reg  [15:0] col$d;
    wire  [15:0] col$q;
    reg  col$clock;
    reg  [63:0] sum$d;
    wire  [63:0] sum$q;
    reg  sum$clock;
    reg  out_valid$d;
    wire  out_valid$q;
    reg  out_valid$clock;
    reg  [63:0] out_acc$d;
    wire  [63:0] out_acc$q;
    reg  out_acc$clock;
    reg  [15:0] out_col$d;
    wire  [15:0] out_col$q;
    reg  out_col$clock;
    reg  out_last$d;
    wire  out_last$q;
    reg  out_last$clock;
    
    // Local signals
    reg  [63:0] term;
    reg  [63:0] base;
    reg  [63:0] next_sum;
    
    // Sub module instances
    cim_tile$combiner$active active(
        .d(active$d),
        .q(active$q),
        .clock(active$clock)
    );
    cim_tile$combiner$bank bank(
        .d(bank$d),
        .q(bank$q),
        .clock(bank$clock)
    );
    cim_tile$combiner$lane lane(
        .d(lane$d),
        .q(lane$q),
        .clock(lane$clock)
    );
    cim_tile$combiner$phase phase(
        .d(phase$d),
        .q(phase$q),
        .clock(phase$clock)
    );
    cim_tile$combiner$slice slice(
        .d(slice$d),
        .q(slice$q),
        .clock(slice$clock)
    );
    cim_tile$combiner$negative negative(
        .d(negative$d),
        .q(negative$q),
        .clock(negative$clock)
    );
    cim_tile$combiner$shift shift(
        .d(shift$d),
        .q(shift$q),
        .clock(shift$clock)
    );
    cim_tile$combiner$col col(
        .d(col$d),
        .q(col$q),
        .clock(col$clock)
    );
    cim_tile$combiner$sum sum(
        .d(sum$d),
        .q(sum$q),
        .clock(sum$clock)
    );
    cim_tile$combiner$out_valid out_valid(
        .d(out_valid$d),
        .q(out_valid$q),
        .clock(out_valid$clock)
    );
    cim_tile$combiner$out_acc out_acc(
        .d(out_acc$d),
        .q(out_acc$q),
        .clock(out_acc$clock)
    );
    cim_tile$combiner$out_col out_col(
        .d(out_col$d),
        .q(out_col$q),
        .clock(out_col$clock)
    );
    cim_tile$combiner$out_last out_last(
        .d(out_last$d),
        .q(out_last$q),
        .clock(out_last$clock)
    );
    
    // Update code
    always @(*) begin
        active$clock = clock;
        bank$clock = clock;
        lane$clock = clock;
        phase$clock = clock;
        slice$clock = clock;
        negative$clock = clock;
        shift$clock = clock;
        col$clock = clock;
        sum$clock = clock;
        out_valid$clock = clock;
        out_acc$clock = clock;
        out_col$clock = clock;
        out_last$clock = clock;
        active$d = active$q;
        bank$d = bank$q;
        lane$d = lane$q;
        phase$d = phase$q;
        slice$d = slice$q;
        negative$d = negative$q;
        shift$d = shift$q;
        col$d = col$q;
        sum$d = sum$q;
        out_valid$d = out_valid$q;
        out_acc$d = out_acc$q;
        out_col$d = out_col$q;
        out_last$d = out_last$q;
        rd_bank = bank$q;
        rd_phase = phase$q;
        rd_lane = lane$q;
        acc_valid = out_valid$q;
        acc = out_acc$q;
        acc_col = out_col$q;
        acc_last = out_last$q;
        combined = 1'b0;
        term = part << shift$q;
        base = sum$q;
        if (~|slice$q & ~negative$q) begin
            base = 32'h0;
        end
        next_sum = base + term;
        if (negative$q) begin
            next_sum = base - term;
        end
        if (advance) begin
            out_valid$d = 1'b0;
            if (active$q) begin
                if (lane$q == last_lane) begin
                    lane$d = 32'h0;
                    phase$d = phase$q + 32'h1;
                end
                else begin
                    lane$d = lane$q + 32'h1;
                end
                sum$d = next_sum;
                negative$d = ~negative$q;
                if (negative$q) begin
                    if (slice$q == last_slice) begin
                        out_valid$d = 1'b1;
                        out_acc$d = next_sum;
                        out_col$d = col$q;
                        out_last$d = col$q == last_col;
                        slice$d = 32'h0;
                        shift$d = 32'h0;
                        if (col$q == last_col) begin
                            col$d = 32'h0;
                            lane$d = 32'h0;
                            phase$d = 32'h0;
                            active$d = 1'b0;
                            bank$d = ~bank$q;
                            combined = 1'b1;
                        end
                        else begin
                            col$d = col$q + 32'h1;
                        end
                    end
                    else begin
                        slice$d = slice$q + 32'h1;
                        shift$d = shift$q + cell_bits;
                    end
                end
            end
            else if (sums_ready) begin
                active$d = 1'b1;
            end
        end
        if (reset) begin
            active$d = 1'b0;
            bank$d = 1'b0;
            lane$d = 32'h0;
            phase$d = 32'h0;
            slice$d = 32'h0;
            negative$d = 1'b0;
            shift$d = 32'h0;
            col$d = 32'h0;
            sum$d = 32'h0;
            out_valid$d = 1'b0;
            out_acc$d = 32'h0;
            out_col$d = 32'h0;
            out_last$d = 1'b0;
        end
    end
    
endmodule // cim_tile$combiner


module cim_tile$combiner$active(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$active


module cim_tile$combiner$bank(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$bank


module cim_tile$combiner$col(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$col


module cim_tile$combiner$lane(d,q,clock);
    
    // Module arguments
    input wire  [23:0] d;
    output reg  [23:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 24'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$lane


module cim_tile$combiner$negative(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$negative


module cim_tile$combiner$out_acc(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$out_acc


module cim_tile$combiner$out_col(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$out_col


module cim_tile$combiner$out_last(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$out_last


module cim_tile$combiner$out_valid(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$out_valid


module cim_tile$combiner$phase(d,q,clock);
    
    // Module arguments
    input wire  [23:0] d;
    output reg  [23:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 24'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$phase


module cim_tile$combiner$shift(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$shift


module cim_tile$combiner$slice(d,q,clock);
    
    // Module arguments
    input wire  [4:0] d;
    output reg  [4:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 5'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$slice


module cim_tile$combiner$sum(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$combiner$sum


module cim_tile$controller(clock,reset,in_valid,in_ready,buf_wr_en,buf_wr_bank,buf_wr_group,buf_wr_offset,issued,landed,combined,periphery_busy,vector_ready,bank_free,sums_ready,busy);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  in_valid;
    output reg  in_ready;
    output reg  buf_wr_en;
    output reg  buf_wr_bank;
    output reg  [15:0] buf_wr_group;
    output reg  [15:0] buf_wr_offset;
    input wire  issued;
    input wire  landed;
    input wire  combined;
    input wire  periphery_busy;
    output reg  vector_ready;
    output reg  bank_free;
    output reg  sums_ready;
    output reg  busy;
    
    // Constant declarations
    localparam  last_row = 16'h7f;
    localparam  last_offset = 16'h7f;
    
    // Stub signals
    reg  [15:0] row$d;
    wire  [15:0] row$q;
    reg  row$clock;
    reg  [15:0] group$d;
    wire  [15:0] group$q;
    reg  group$clock;
    reg  [15:0] offset$d;
    wire  [15:0] offset$q;
    reg  offset$clock;
    reg  [1:0] loaded$d;
    wire  [1:0] loaded$q;
    reg  loaded$clock;
    reg  [1:0] issued_count$d;
    wire  [1:0] issued_count$q;
    reg  issued_count$clock;
    reg  [1:0] landed_count$d;
    wire  [1:0] landed_count$q;
    reg  landed_count$clock;
    reg  [1:0] combined_count$d;
    wire  [1:0] combined_count$q;
    reg  combined_count$clock;
    
    // Local signals
    reg  [1:0] waiting;
    reg  [1:0] in_banks;
    
    // Sub module instances
    cim_tile$controller$row row(
        .d(row$d),
        .q(row$q),
        .clock(row$clock)
    );
    cim_tile$controller$group group(
        .d(group$d),
        .q(group$q),
        .clock(group$clock)
    );
    cim_tile$controller$offset offset(
        .d(offset$d),
        .q(offset$q),
        .clock(offset$clock)
    );
    cim_tile$controller$loaded loaded(
        .d(loaded$d),
        .q(loaded$q),
        .clock(loaded$clock)
    );
    cim_tile$controller$issued_count issued_count(
        .d(issued_count$d),
        .q(issued_count$q),
        .clock(issued_count$clock)
    );
    cim_tile$controller$landed_count landed_count(
        .d(landed_count$d),
        .q(landed_count$q),
        .clock(landed_count$clock)
    );
    cim_tile$controller$combined_count combined_count(
        .d(combined_count$d),
        .q(combined_count$q),
        .clock(combined_count$clock)
    );
    
    // Update code
    always @(*) begin
        row$clock = clock;
        group$clock = clock;
        offset$clock = clock;
        loaded$clock = clock;
        issued_count$clock = clock;
        landed_count$clock = clock;
        combined_count$clock = clock;
        row$d = row$q;
        group$d = group$q;
        offset$d = offset$q;
        loaded$d = loaded$q;
        issued_count$d = issued_count$q;
        landed_count$d = landed_count$q;
        combined_count$d = combined_count$q;
        waiting = loaded$q - issued_count$q;
        in_banks = issued_count$q - combined_count$q;
        in_ready = ~reset & (waiting != 32'h2);
        buf_wr_en = in_valid & in_ready;
        buf_wr_bank = loaded$q[32'h0];
        buf_wr_group = group$q;
        buf_wr_offset = offset$q;
        vector_ready = waiting != 32'h0;
        bank_free = in_banks != 32'h2;
        sums_ready = landed_count$q != combined_count$q;
        busy = (row$q != 32'h0) | (loaded$q != combined_count$q) | periphery_busy;
        if (buf_wr_en) begin
            if (row$q == last_row) begin
                row$d = 32'h0;
                group$d = 32'h0;
                offset$d = 32'h0;
                loaded$d = loaded$q + 32'h1;
            end
            else begin
                row$d = row$q + 32'h1;
                if (offset$q == last_offset) begin
                    offset$d = 32'h0;
                    group$d = group$q + 32'h1;
                end
                else begin
                    offset$d = offset$q + 32'h1;
                end
            end
        end
        if (issued) begin
            issued_count$d = issued_count$q + 32'h1;
        end
        if (landed) begin
            landed_count$d = landed_count$q + 32'h1;
        end
        if (combined) begin
            combined_count$d = combined_count$q + 32'h1;
        end
        if (reset) begin
            row$d = 32'h0;
            group$d = 32'h0;
            offset$d = 32'h0;
            loaded$d = 32'h0;
            issued_count$d = 32'h0;
            landed_count$d = 32'h0;
            combined_count$d = 32'h0;
        end
    end
    
endmodule // cim_tile$controller


module cim_tile$controller$combined_count(d,q,clock);
    
    // Module arguments
    input wire  [1:0] d;
    output reg  [1:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 2'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$combined_count


module cim_tile$controller$group(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$group


module cim_tile$controller$issued_count(d,q,clock);
    
    // Module arguments
    input wire  [1:0] d;
    output reg  [1:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 2'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$issued_count


module cim_tile$controller$landed_count(d,q,clock);
    
    // Module arguments
    input wire  [1:0] d;
    output reg  [1:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 2'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$landed_count


module cim_tile$controller$loaded(d,q,clock);
    
    // Module arguments
    input wire  [1:0] d;
    output reg  [1:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 2'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$loaded


module cim_tile$controller$offset(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$offset


module cim_tile$controller$row(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$controller$row

// v-- Setting output parameters to net type for wrapped code.


module cim_tile$crossbar(clock,reset,prog_en,prog_row,prog_col,prog_level,conv_start,row_drive$0,row_drive$1,conv_group,col_sel,noise_mvm,noise_bit,code_valid,codes$0);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  prog_en;
    input wire  [15:0] prog_row;
    input wire  [23:0] prog_col;
    input wire  [7:0] prog_level;
    input wire  conv_start;
    input wire  [63:0] row_drive$0;
    input wire  [63:0] row_drive$1;
    input wire  [15:0] conv_group;
    input wire  [23:0] col_sel;
    input wire  [31:0] noise_mvm;
    input wire  [4:0] noise_bit;
    output wire  code_valid;
    output wire  [15:0] codes$0;
    
    // Update code (wrapper)
    wire [127:0] row_bus = {row_drive$1, row_drive$0};
    wire [7:0] code_bus;
    cim_crossbar_macro #(
        .ROWS(128),
        .PHYS_COLS(128),
        .ROWS_PER_READ(128),
        .ADCS(1),
        .ADC_BITS(8),
        .ADC_STEP(1),
        .ADC_CYCLES(1),
        .FINE_BITS(0),
        .READ_NOISE(0),
        .PROGRAM_ERROR(0),
        .SEED(32'd1)
    ) analog (
        .clock(clock),
        .reset(reset),
        .prog_en(prog_en),
        .prog_row(prog_row),
        .prog_col(prog_col),
        .prog_level(prog_level),
        .conv_start(conv_start),
        .row_drive(row_bus[127:0]),
        .conv_group(conv_group),
        .col_sel(col_sel),
        .noise_mvm(noise_mvm),
        .noise_bit(noise_bit),
        .code_valid(code_valid),
        .codes(code_bus)
    );
    assign codes$0 = {8'd0, code_bus[7:0]};
endmodule // cim_tile$crossbar

// v-- Setting output parameters to net type for wrapped code.


module cim_tile$lanes(clock,code_valid,codes$0,tag_bank,tag_phase,tag_bit,tag_negative,tag_first,rd_bank,rd_phase,rd_lane,rd_value);
    
    // Module arguments
    input wire  clock;
    input wire  code_valid;
    input wire  [15:0] codes$0;
    input wire  tag_bank;
    input wire  [23:0] tag_phase;
    input wire  [4:0] tag_bit;
    input wire  tag_negative;
    input wire  tag_first;
    input wire  rd_bank;
    input wire  [23:0] rd_phase;
    input wire  [23:0] rd_lane;
    output wire  [63:0] rd_value;
    
    // Update code (wrapper)
    wire [7:0] code_bus = {codes$0[7:0]};
    wire unused_code_bits = |{codes$0[15:8]};
    cim_shift_add_lanes #(
        .ADCS(1),
        .PHASES(128),
        .PHYS_COLS(128),
        .ADC_BITS(8),
        .PART_BITS(25)
    ) lane_bank (
        .clock(clock),
        .code_valid(code_valid),
        .codes(code_bus),
        .tag_bank(tag_bank),
        .tag_phase(tag_phase),
        .tag_bit(tag_bit),
        .tag_negative(tag_negative),
        .tag_first(tag_first),
        .rd_bank(rd_bank),
        .rd_phase(rd_phase),
        .rd_lane(rd_lane),
        .rd_value(rd_value)
    );
endmodule // cim_tile$lanes

// v-- Setting output parameters to net type for wrapped code.


module cim_tile$params(clock,reset,wr_en,wr_col,wr_mult,wr_shift,wr_bias,rd_col,rd_mult,rd_shift,rd_bias);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  wr_en;
    input wire  [15:0] wr_col;
    input wire  [15:0] wr_mult;
    input wire  [4:0] wr_shift;
    input wire  [31:0] wr_bias;
    input wire  [15:0] rd_col;
    output wire  [15:0] rd_mult;
    output wire  [4:0] rd_shift;
    output wire  [31:0] rd_bias;
    
    // Update code (wrapper)
    cim_column_params #(
        .COLS(8)
    ) memory (
        .clock(clock),
        .reset(reset),
        .wr_en(wr_en),
        .wr_col(wr_col),
        .wr_mult(wr_mult),
        .wr_shift(wr_shift),
        .wr_bias(wr_bias),
        .rd_col(rd_col),
        .rd_mult(rd_mult),
        .rd_shift(rd_shift),
        .rd_bias(rd_bias)
    );
endmodule // cim_tile$params


module cim_tile$scheduler(clock,reset,vector_ready,bank_free,conv_start,conv_bank,conv_bit,conv_group,col_sel,conv_mvm,issued,tag_bank,tag_phase,tag_bit,tag_negative,tag_first,tag_last);
    
    // Module arguments
    input wire  clock;
    input wire  reset;
    input wire  vector_ready;
    input wire  bank_free;
    output reg  conv_start;
    output reg  conv_bank;
    output reg  [4:0] conv_bit;
    output reg  [15:0] conv_group;
    output reg  [23:0] col_sel;
    output reg  [31:0] conv_mvm;
    output reg  issued;
    output reg  tag_bank;
    output reg  [23:0] tag_phase;
    output reg  [4:0] tag_bit;
    output reg  tag_negative;
    output reg  tag_first;
    output reg  tag_last;
    
    // Constant declarations
    localparam  last_bit = 5'b1111;
    localparam  last_group = 16'h0;
    localparam  last_phase = 24'h7f;
    localparam  slot_wait = 7'b0;
    localparam  signed_inputs = 1'b1;
    
    // Stub signals
    reg  [4:0] input_bit$d;
    wire  [4:0] input_bit$q;
    reg  input_bit$clock;
    reg  [15:0] group$d;
    wire  [15:0] group$q;
    reg  group$clock;
    reg  [23:0] phase$d;
    wire  [23:0] phase$q;
    reg  phase$clock;
    reg  bank$d;
    wire  bank$q;
    reg  bank$clock;
    reg  [31:0] mvm$d;
    wire  [31:0] mvm$q;
    reg  mvm$clock;
    reg  [6:0] slot_timer$d;
    wire  [6:0] slot_timer$q;
    reg  slot_timer$clock;
    reg  tag_bank_r$d;
    wire  tag_bank_r$q;
    reg  tag_bank_r$clock;
    reg  [23:0] tag_phase_r$d;
    wire  [23:0] tag_phase_r$q;
    reg  tag_phase_r$clock;
    reg  [4:0] tag_bit_r$d;
    wire  [4:0] tag_bit_r$q;
    reg  tag_bit_r$clock;
    reg  tag_negative_r$d;
    wire  tag_negative_r$q;
    reg  tag_negative_r$clock;
    reg  tag_first_r$d;
    wire  tag_first_r$q;
    reg  tag_first_r$clock;
    reg  tag_last_r$d;
    wire  tag_last_r$q;
    reg  tag_last_r$clock;
    
    // Local signals
    reg  mid_mvm;
    reg  at_last_phase;
    reg  at_last_group;
    reg  at_last_bit;
    
    // Sub module instances
    cim_tile$scheduler$input_bit input_bit(
        .d(input_bit$d),
        .q(input_bit$q),
        .clock(input_bit$clock)
    );
    cim_tile$scheduler$group group(
        .d(group$d),
        .q(group$q),
        .clock(group$clock)
    );
    cim_tile$scheduler$phase phase(
        .d(phase$d),
        .q(phase$q),
        .clock(phase$clock)
    );
    cim_tile$scheduler$bank bank(
        .d(bank$d),
        .q(bank$q),
        .clock(bank$clock)
    );
    cim_tile$scheduler$mvm mvm(
        .d(mvm$d),
        .q(mvm$q),
        .clock(mvm$clock)
    );
    cim_tile$scheduler$slot_timer slot_timer(
        .d(slot_timer$d),
        .q(slot_timer$q),
        .clock(slot_timer$clock)
    );
    cim_tile$scheduler$tag_bank_r tag_bank_r(
        .d(tag_bank_r$d),
        .q(tag_bank_r$q),
        .clock(tag_bank_r$clock)
    );
    cim_tile$scheduler$tag_phase_r tag_phase_r(
        .d(tag_phase_r$d),
        .q(tag_phase_r$q),
        .clock(tag_phase_r$clock)
    );
    cim_tile$scheduler$tag_bit_r tag_bit_r(
        .d(tag_bit_r$d),
        .q(tag_bit_r$q),
        .clock(tag_bit_r$clock)
    );
    cim_tile$scheduler$tag_negative_r tag_negative_r(
        .d(tag_negative_r$d),
        .q(tag_negative_r$q),
        .clock(tag_negative_r$clock)
    );
    cim_tile$scheduler$tag_first_r tag_first_r(
        .d(tag_first_r$d),
        .q(tag_first_r$q),
        .clock(tag_first_r$clock)
    );
    cim_tile$scheduler$tag_last_r tag_last_r(
        .d(tag_last_r$d),
        .q(tag_last_r$q),
        .clock(tag_last_r$clock)
    );
    
    // Update code
    always @(*) begin
        input_bit$clock = clock;
        group$clock = clock;
        phase$clock = clock;
        bank$clock = clock;
        mvm$clock = clock;
        slot_timer$clock = clock;
        tag_bank_r$clock = clock;
        tag_phase_r$clock = clock;
        tag_bit_r$clock = clock;
        tag_negative_r$clock = clock;
        tag_first_r$clock = clock;
        tag_last_r$clock = clock;
        input_bit$d = input_bit$q;
        group$d = group$q;
        phase$d = phase$q;
        bank$d = bank$q;
        mvm$d = mvm$q;
        slot_timer$d = slot_timer$q;
        tag_bank_r$d = tag_bank_r$q;
        tag_phase_r$d = tag_phase_r$q;
        tag_bit_r$d = tag_bit_r$q;
        tag_negative_r$d = tag_negative_r$q;
        tag_first_r$d = tag_first_r$q;
        tag_last_r$d = tag_last_r$q;
        at_last_phase = phase$q == last_phase;
        at_last_group = group$q == last_group;
        at_last_bit = input_bit$q == last_bit;
        mid_mvm = |input_bit$q | |group$q | |phase$q;
        conv_start = ~reset & ~|slot_timer$q & (mid_mvm | (vector_ready & bank_free));
        conv_bank = bank$q;
        conv_bit = input_bit$q;
        conv_group = group$q;
        col_sel = phase$q;
        conv_mvm = mvm$q;
        issued = conv_start & at_last_phase & at_last_group & at_last_bit;
        tag_bank = tag_bank_r$q;
        tag_phase = tag_phase_r$q;
        tag_bit = tag_bit_r$q;
        tag_negative = tag_negative_r$q;
        tag_first = tag_first_r$q;
        tag_last = tag_last_r$q;
        if (conv_start) begin
            slot_timer$d = slot_wait;
            tag_bank_r$d = bank$q;
            tag_phase_r$d = phase$q;
            tag_bit_r$d = input_bit$q;
            tag_negative_r$d = signed_inputs & at_last_bit;
            tag_first_r$d = ~|input_bit$q & ~|group$q;
            tag_last_r$d = issued;
            if (at_last_phase) begin
                phase$d = 32'h0;
                if (at_last_group) begin
                    group$d = 32'h0;
                    if (at_last_bit) begin
                        input_bit$d = 32'h0;
                        bank$d = ~bank$q;
                        mvm$d = mvm$q + 32'h1;
                    end
                    else begin
                        input_bit$d = input_bit$q + 32'h1;
                    end
                end
                else begin
                    group$d = group$q + 32'h1;
                end
            end
            else begin
                phase$d = phase$q + 32'h1;
            end
        end
        else if (|slot_timer$q) begin
            slot_timer$d = slot_timer$q - 32'h1;
        end
        if (reset) begin
            input_bit$d = 32'h0;
            group$d = 32'h0;
            phase$d = 32'h0;
            bank$d = 1'b0;
            mvm$d = 32'h0;
            slot_timer$d = 32'h0;
            tag_bank_r$d = 1'b0;
            tag_phase_r$d = 32'h0;
            tag_bit_r$d = 32'h0;
            tag_negative_r$d = 1'b0;
            tag_first_r$d = 1'b0;
            tag_last_r$d = 1'b0;
        end
    end
    
endmodule // cim_tile$scheduler


module cim_tile$scheduler$bank(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$bank


module cim_tile$scheduler$group(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$group


module cim_tile$scheduler$input_bit(d,q,clock);
    
    // Module arguments
    input wire  [4:0] d;
    output reg  [4:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 5'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$input_bit


module cim_tile$scheduler$mvm(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$mvm


module cim_tile$scheduler$phase(d,q,clock);
    
    // Module arguments
    input wire  [23:0] d;
    output reg  [23:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 24'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$phase


module cim_tile$scheduler$slot_timer(d,q,clock);
    
    // Module arguments
    input wire  [6:0] d;
    output reg  [6:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 7'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$slot_timer


module cim_tile$scheduler$tag_bank_r(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$tag_bank_r


module cim_tile$scheduler$tag_bit_r(d,q,clock);
    
    // Module arguments
    input wire  [4:0] d;
    output reg  [4:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 5'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$tag_bit_r


module cim_tile$scheduler$tag_first_r(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$tag_first_r


module cim_tile$scheduler$tag_last_r(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$tag_last_r


module cim_tile$scheduler$tag_negative_r(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$tag_negative_r


module cim_tile$scheduler$tag_phase_r(d,q,clock);
    
    // Module arguments
    input wire  [23:0] d;
    output reg  [23:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 24'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // cim_tile$scheduler$tag_phase_r
// cim_input_buffer: two banks of one input vector each, so that vector k+1 loads while vector
// k converts. Stored as bit planes: one ROWS_PER_READ-bit word per (bank, input bit b, row
// group g), so a read is one word (the wordline drive of group g for bit b), not a mux per row.
//
//   wr_en, wr_bank, wr_group,   On wr_en, the element at row wr_group*ROWS_PER_READ + wr_offset
//   wr_offset, wr_data          of bank wr_bank takes wr_data (an INPUT_BITS-bit two's
//                               complement or unsigned code in the low bits): bit b of it goes
//                               to bit wr_offset of word (wr_bank, b, wr_group).
//   rd_bank, rd_bit, rd_group   Combinational read: row_drive = word (rd_bank, rd_bit, rd_group);
//                               rows past R in the last group read 0 once written as such (the
//                               controller never writes them, and reset-free words start 0 in
//                               simulation; the macro ignores rows past R).
module cim_input_buffer #(
    parameter integer INPUT_BITS = 4,
    parameter integer GROUPS = 4,
    parameter integer ROWS_PER_READ = 4
) (
    input wire clock,
    input wire wr_en,
    input wire wr_bank,
    input wire [15:0] wr_group,
    input wire [15:0] wr_offset,
    input wire [15:0] wr_data,
    input wire rd_bank,
    input wire [4:0] rd_bit,
    input wire [15:0] rd_group,
    output wire [ROWS_PER_READ-1:0] row_drive
);
    localparam [31:0] GROUP_COUNT = GROUPS;
    localparam integer GW = (2 * GROUPS > 1) ? $clog2(2 * GROUPS) : 1;
    localparam integer OW = (ROWS_PER_READ > 1) ? $clog2(ROWS_PER_READ) : 1;
    localparam integer BW = (INPUT_BITS > 1) ? $clog2(INPUT_BITS) : 1;

    wire [31:0] wr_word_full = {31'd0, wr_bank} * GROUP_COUNT + {16'd0, wr_group};
    wire [31:0] rd_word_full = {31'd0, rd_bank} * GROUP_COUNT + {16'd0, rd_group};
    wire [GW-1:0] wr_word = wr_word_full[GW-1:0];
    wire [GW-1:0] rd_word = rd_word_full[GW-1:0];
    wire [OW-1:0] wr_bit_index = wr_offset[OW-1:0];
    wire [BW-1:0] bit_select = rd_bit[BW-1:0];
    // Groups, offsets and bits stay in range, and only the low INPUT_BITS of wr_data carry
    // the element: the other bits are always 0 or unread.
    wire unused_index_bits = ^{wr_word_full, rd_word_full, wr_offset, rd_bit, wr_data};

    wire [ROWS_PER_READ-1:0] plane_word [0:INPUT_BITS-1];
    genvar b;
    generate
        for (b = 0; b < INPUT_BITS; b = b + 1) begin : bit_plane
            reg [ROWS_PER_READ-1:0] words [0:2*GROUPS-1];
            always @(posedge clock) begin
                if (wr_en) words[wr_word][wr_bit_index] <= wr_data[b];
            end
            assign plane_word[b] = words[rd_word];
        end
    endgenerate

    assign row_drive = plane_word[bit_select];
endmodule
// cim_crossbar_macro: behavioral model of the analog ReRAM crossbar with its shared ADCs.
//
// An ASIC flow replaces this module by the real macro; its ports are the ones such a macro has.
// It computes tile-arithmetic.md sections 2-4 for every conversion: conductances with seeded
// programming error, the column value of the driven rows, seeded read noise, the ADC rule.
//
// Ports (all synchronous to `clock`, rising edge):
//   reset                                    Synchronous, active high: drops conversions in flight.
//   prog_en, prog_row, prog_col, prog_level  Cell programming: on prog_en, cell (prog_row,
//                                            prog_col) takes level prog_level (0..2^CELL_BITS-1).
//                                            Conductances are non-volatile: reset keeps them.
//   conv_start                               Start one conversion on every ADC. At most one
//                                            start per ADC_CYCLES cycles (one in flight per ADC).
//   row_drive[ROWS_PER_READ-1:0]             Wordline drive of the rows of `conv_group`
//                                            (bit i drives row conv_group*ROWS_PER_READ + i),
//                                            sampled with conv_start.
//   conv_group                               Row group g being driven.
//   col_sel                                  Mux phase m: ADC a converts physical column
//                                            m*ADCS + a (no conversion where that is >= PHYS_COLS).
//   noise_mvm, noise_bit                     Behavioral model only: batch index k and input bit b
//                                            that seed the read noise H(READ, seed, k, b, g, pc).
//                                            Silicon has real noise and leaves them unconnected.
//   code_valid, codes                        ADC_CYCLES cycles after conv_start, codes holds ADC a's
//                                            code in bits [a*ADC_BITS +: ADC_BITS] for one cycle
//                                            (code_valid high); codes then holds until the next
//                                            conversion starts.
// Synthesis (Yosys defines SYNTHESIS) sees a black box: the real macro replaces it.
`ifdef SYNTHESIS
(* blackbox *)
`endif
module cim_crossbar_macro #(
    parameter integer ROWS = 16,
    parameter integer PHYS_COLS = 16,
    parameter integer ROWS_PER_READ = 4,
    parameter integer ADCS = 4,
    parameter integer ADC_BITS = 4,
    parameter [63:0] ADC_STEP = 64'd4,
    parameter integer ADC_CYCLES = 1,
    parameter integer FINE_BITS = 2,
    parameter integer READ_NOISE = 0,
    parameter integer PROGRAM_ERROR = 0,
    parameter [31:0] SEED = 32'd1
) (
    input wire clock,
    input wire reset,
    input wire prog_en,
    input wire [15:0] prog_row,
    input wire [23:0] prog_col,
    input wire [7:0] prog_level,
    input wire conv_start,
    input wire [ROWS_PER_READ-1:0] row_drive,
    input wire [15:0] conv_group,
    input wire [23:0] col_sel,
    input wire [31:0] noise_mvm,
    input wire [4:0] noise_bit,
    output wire code_valid,
    output reg [ADCS*ADC_BITS-1:0] codes
);
`ifndef SYNTHESIS
    localparam [31:0] PROG = 32'h50524f47;
    localparam [31:0] READ = 32'h52454144;
    localparam [63:0] CODE_MAX = (64'd1 << ADC_BITS) - 64'd1;

    function automatic [31:0] mix(input [31:0] x_in);
        reg [31:0] x;
        begin
            x = x_in;
            x = x ^ (x >> 16);
            x = x * 32'h7feb352d;
            x = x ^ (x >> 15);
            x = x * 32'h846ca68b;
            x = x ^ (x >> 16);
            mix = x;
        end
    endfunction

    function automatic [31:0] hash(input [31:0] tag, input [31:0] a, input [31:0] b,
                                   input [31:0] c, input [31:0] d);
        hash = mix(mix(mix(mix(mix(SEED ^ tag) ^ a) ^ b) ^ c) ^ d);
    endfunction

    // uni(h, amp) = (h mod (2*amp + 1)) - amp, h unsigned.
    function automatic signed [63:0] uni(input [31:0] h, input [31:0] amp);
        reg [63:0] modulus;
        begin
            modulus = {32'd0, amp} * 64'd2 + 64'd1;
            uni = (amp == 32'd0) ? 64'sd0 : $signed({32'd0, h} % modulus) - $signed({32'd0, amp});
        end
    endfunction

    // g(r, pc) in fine units: max(0, level * 2^FINE_BITS + perr(r, pc)).
    function automatic [31:0] conductance(input [31:0] r, input [31:0] pc, input [7:0] level);
        reg signed [63:0] g;
        begin
            g = $signed({56'd0, level} << FINE_BITS)
                + uni(hash(PROG, r, pc, 32'd0, 32'd0), PROGRAM_ERROR);
            conductance = (g < 0) ? 32'd0 : g[31:0];
        end
    endfunction

    reg [31:0] cells [0:ROWS*PHYS_COLS-1];

    // A fresh array is erased: every cell at level 0, programming error included.
    integer init_r, init_pc;
    initial begin
        for (init_r = 0; init_r < ROWS; init_r = init_r + 1)
            for (init_pc = 0; init_pc < PHYS_COLS; init_pc = init_pc + 1)
                cells[init_r*PHYS_COLS + init_pc] = conductance(init_r, init_pc, 8'd0);
    end

    wire [31:0] prog_r = {16'd0, prog_row};
    wire [31:0] prog_pc = {8'd0, prog_col};
    always @(posedge clock) begin
        if (prog_en && prog_r < ROWS && prog_pc < PHYS_COLS)
            cells[prog_r*PHYS_COLS + prog_pc] <= conductance(prog_r, prog_pc, prog_level);
    end

    // One conversion on every ADC: column value V of the driven rows plus read noise, then
    // the ADC rule code = V < 0 ? 0 : min(2^ADC_BITS - 1, (V + floor(step/2)) div step).
    // A function called at conv_start (not combinational logic over the whole cell memory,
    // which simulators would re-evaluate, or elaborate, per cell).
    function automatic [ADCS*ADC_BITS-1:0] convert(input [23:0] sel, input [15:0] group,
                                                   input [ROWS_PER_READ-1:0] drive,
                                                   input [31:0] mvm, input [4:0] bit_index);
        reg [31:0] pc, first_row, count;
        reg signed [63:0] v;
        reg [63:0] q;
        integer a, i;
        begin
            convert = {ADCS*ADC_BITS{1'b0}};
            // Rows of the group that exist (the last group may be short).
            first_row = {16'd0, group} * ROWS_PER_READ;
            count = (first_row >= ROWS) ? 32'd0
                  : (ROWS - first_row < ROWS_PER_READ) ? ROWS - first_row : ROWS_PER_READ;
            for (a = 0; a < ADCS; a = a + 1) begin
                pc = {8'd0, sel} * ADCS + a;
                v = 64'sd0;
                if (pc < PHYS_COLS) begin
                    // Masked, not branched: drive bits are data, and a branch on them mispredicts.
                    for (i = 0; i < count; i = i + 1)
                        v = v + $signed({32'd0, cells[(first_row + i)*PHYS_COLS + pc] & {32{drive[i]}}});
                    v = v + uni(hash(READ, mvm, {27'd0, bit_index}, {16'd0, group}, pc), READ_NOISE);
                end
                q = (v < 0) ? 64'd0 : ($unsigned(v) + ADC_STEP / 64'd2) / ADC_STEP;
                convert[a*ADC_BITS +: ADC_BITS] = (q > CODE_MAX) ? CODE_MAX[ADC_BITS-1:0]
                                                                 : q[ADC_BITS-1:0];
            end
        end
    endfunction

    always @(posedge clock) begin
        if (conv_start) codes <= convert(col_sel, conv_group, row_drive, noise_mvm, noise_bit);
    end

    // Conversion latency: a start shows up as code_valid ADC_CYCLES cycles later; reset drops
    // conversions in flight.
    // One conversion is in flight at a time, so a countdown suffices.
    reg [6:0] countdown;
    always @(posedge clock) begin
        if (reset) countdown <= 7'd0;
        else if (conv_start) countdown <= ADC_CYCLES[6:0];
        else if (countdown != 7'd0) countdown <= countdown - 7'd1;
    end
    assign code_valid = countdown == 7'd1;
`endif
endmodule
// cim_shift_add_lanes: one shift-add lane per ADC. Lane a owns the physical columns
// pc = m*ADCS + a (m in 0..PHASES-1) and keeps one partial sum per owned column and bank:
//   part[bank][m] = sum over (b, g) of wb(b) * code(b, g, pc),  wb(b) = +-2^b.
// Because ADC a only ever feeds lane a, no two codes of one cycle target one register.
//
//   code_valid, codes           One code per ADC (bits [a*ADC_BITS +: ADC_BITS]), with the tag
//                               of the conversion they came from:
//   tag_bank, tag_phase         which bank and phase m,
//   tag_bit, tag_negative       input bit b, and whether wb(b) is negative (signed MSB),
//   tag_first                   first conversion of its column in this MVM (b = 0, g = 0):
//                               overwrite instead of add.
//   rd_bank, rd_phase, rd_lane  Combinational read port for the combine stage: the partial sum
//                               of pc = rd_phase*ADCS + rd_lane, sign-extended to 64 bits.
module cim_shift_add_lanes #(
    parameter integer ADCS = 4,
    parameter integer PHASES = 4,
    parameter integer PHYS_COLS = 16,
    parameter integer ADC_BITS = 4,
    parameter integer PART_BITS = 16
) (
    input wire clock,
    input wire code_valid,
    input wire [ADCS*ADC_BITS-1:0] codes,
    input wire tag_bank,
    input wire [23:0] tag_phase,
    input wire [4:0] tag_bit,
    input wire tag_negative,
    input wire tag_first,
    input wire rd_bank,
    input wire [23:0] rd_phase,
    input wire [23:0] rd_lane,
    output wire [63:0] rd_value
);
    localparam [31:0] BANK = PHASES;
    localparam [31:0] COLS = PHYS_COLS;
    localparam integer AW = (2 * PHASES > 1) ? $clog2(2 * PHASES) : 1;
    localparam integer LW = (ADCS > 1) ? $clog2(ADCS) : 1;
    wire signed [PART_BITS-1:0] lane_value [0:ADCS-1];
    wire [31:0] wr_full = {8'd0, tag_phase} + (tag_bank ? BANK : 32'd0);
    wire [31:0] rd_full = {8'd0, rd_phase} + (rd_bank ? BANK : 32'd0);
    wire [AW-1:0] wr_addr = wr_full[AW-1:0];
    wire [AW-1:0] rd_addr = rd_full[AW-1:0];
    wire [LW-1:0] rd_select = rd_lane[LW-1:0];
    // Phases and lanes stay below PHASES and ADCS: the high address bits are always 0.
    wire unused_address_bits = ^{wr_full[31:AW], rd_full[31:AW], rd_lane[23:LW]};
    wire [31:0] phase_base = {8'd0, tag_phase} * ADCS;

    genvar a;
    generate
        for (a = 0; a < ADCS; a = a + 1) begin : lane
            reg signed [PART_BITS-1:0] part [0:2*PHASES-1];
            wire [PART_BITS-1:0] code = {{(PART_BITS-ADC_BITS){1'b0}}, codes[a*ADC_BITS +: ADC_BITS]};
            wire signed [PART_BITS-1:0] term = $signed(code << tag_bit);
            wire signed [PART_BITS-1:0] base = tag_first ? {PART_BITS{1'b0}} : part[wr_addr];
            always @(posedge clock) begin
                if (code_valid && phase_base + a < COLS)
                    part[wr_addr] <= tag_negative ? base - term : base + term;
            end
            assign lane_value[a] = part[rd_addr];
        end
    endgenerate

    wire signed [PART_BITS-1:0] selected = lane_value[rd_select];
    assign rd_value = {{(64-PART_BITS){selected[PART_BITS-1]}}, selected};
endmodule
// cim_column_params: the per-column periphery parameters mult (signed 16), shift (0..31) and
// bias (signed 32), one word per logical column. Written by the host's programming port, read
// combinationally by the activation unit. After reset every column reads 1, 0, 0 (the spec's
// defaults) until programmed: `programmed` has one bit per column and is cleared by reset.
module cim_column_params #(
    parameter integer COLS = 4
) (
    input wire clock,
    input wire reset,
    input wire wr_en,
    input wire [15:0] wr_col,
    input wire [15:0] wr_mult,
    input wire [4:0] wr_shift,
    input wire [31:0] wr_bias,
    input wire [15:0] rd_col,
    output wire [15:0] rd_mult,
    output wire [4:0] rd_shift,
    output wire [31:0] rd_bias
);
    localparam [31:0] COUNT = COLS;
    localparam integer AW = (COLS > 1) ? $clog2(COLS) : 1;
    reg [52:0] params [0:COLS-1];
    reg [COLS-1:0] programmed;
    wire wr_ok = wr_en && ({16'd0, wr_col} < COUNT);
    wire rd_ok = {16'd0, rd_col} < COUNT;
    wire [AW-1:0] wr_index = wr_col[AW-1:0];
    wire [AW-1:0] rd_index = rd_col[AW-1:0];
    // Columns at or past COLS are ignored (writes) or read the defaults, by wr_ok and rd_ok.
    wire unused_column_bits = ^{wr_col[15:AW], rd_col[15:AW]};

    always @(posedge clock) begin
        if (wr_ok) params[wr_index] <= {wr_bias, wr_shift, wr_mult};
    end
    always @(posedge clock) begin
        if (reset) programmed <= {COLS{1'b0}};
        else if (wr_ok) programmed[wr_index] <= 1'b1;
    end

    wire [52:0] word = (rd_ok && programmed[rd_index]) ? params[rd_index] : {32'd0, 5'd0, 16'd1};
    assign rd_mult = word[15:0];
    assign rd_shift = word[20:16];
    assign rd_bias = word[52:21];
endmodule

// A small but real design for checking cimtile-power against OpenSTA's report_power:
// a 16-bit accumulator with enable and clear, a 4-state FSM sequencing it, and a 4 x 8-bit
// register file with one write and two read ports.
module acc_fsm (
    input  wire        clock,
    input  wire        reset,
    input  wire        start,
    input  wire [15:0] din,
    input  wire        we,
    input  wire [1:0]  waddr,
    input  wire [1:0]  raddr_a,
    input  wire [1:0]  raddr_b,
    input  wire [7:0]  wdata,
    output reg  [15:0] acc,
    output wire [7:0]  rdata_a,
    output wire [7:0]  rdata_b,
    output wire        busy,
    output reg         done
);
  localparam IDLE = 2'd0, LOAD = 2'd1, RUN = 2'd2, FLUSH = 2'd3;
  reg [1:0] state;
  reg [3:0] count;
  reg [7:0] regs [0:3];

  always @(posedge clock) begin
    if (reset) begin
      state <= IDLE;
      count <= 4'd0;
      acc   <= 16'd0;
      done  <= 1'b0;
    end else begin
      done <= 1'b0;
      case (state)
        IDLE: if (start) state <= LOAD;
        LOAD: begin
          acc   <= 16'd0;
          count <= 4'd0;
          state <= RUN;
        end
        RUN: begin
          acc   <= acc + din + {8'd0, regs[count[1:0]]};
          count <= count + 4'd1;
          if (count == 4'd15) state <= FLUSH;
        end
        FLUSH: begin
          done  <= 1'b1;
          state <= IDLE;
        end
      endcase
    end
  end

  always @(posedge clock) if (we) regs[waddr] <= wdata ^ acc[7:0];

  assign rdata_a = regs[raddr_a];
  assign rdata_b = regs[raddr_b];
  assign busy = state != IDLE;
endmodule

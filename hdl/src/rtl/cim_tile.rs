//! `cim_tile`: the whole tile, the periphery blocks around the crossbar macro.
//!
//! ```text
//!  in_* ──> TileController ──> InputBuffer (2 banks) ──row_drive──> CrossbarMacro (A ADCs)
//!              │  ▲                   ▲ (bank, b, g)                   │ codes after Ta
//!              │  │ issued/landed/    │                                v
//!              │  │ combined          AdcMuxScheduler ──tag─────> ShiftAddLanes (A lanes x M x 2)
//!              v  │                                                    │ partial sums
//!          bank flags ───────────────────────────────────────> ColumnCombiner (one pc per cycle)
//!                                                                      │ acc[c]
//!  prog_* ──> CrossbarMacro cells / ColumnParams ──mult,shift,bias──> ActivationUnit ──> out_*
//! ```
//!
//! The host interface is documented in the README (ports, protocols, a timing diagram).

use super::activation_unit::ActivationUnit;
use super::adc_mux_scheduler::AdcMuxScheduler;
use super::column_combiner::ColumnCombiner;
use super::column_params::ColumnParams;
use super::crossbar_macro::CrossbarMacro;
use super::input_buffer::InputBuffer;
use super::shift_add_lanes::ShiftAddLanes;
use super::tile_controller::TileController;
use crate::config::{Activation, TileParams};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct CimTile {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: every state register to idle; programmed cells stay.
    pub reset: Signal<In, Bit>,
    /// Programming port: on prog_valid & prog_ready, either cell (prog_row, prog_col) takes
    /// level prog_level (prog_column low), or column prog_col takes prog_mult, prog_shift,
    /// prog_bias (prog_column high). Ready while the tile is idle.
    pub prog_valid: Signal<In, Bit>,
    pub prog_ready: Signal<Out, Bit>,
    pub prog_column: Signal<In, Bit>,
    pub prog_row: Signal<In, Bits<16>>,
    pub prog_col: Signal<In, Bits<24>>,
    pub prog_level: Signal<In, Bits<8>>,
    pub prog_mult: Signal<In, Bits<16>>,
    pub prog_shift: Signal<In, Bits<5>>,
    pub prog_bias: Signal<In, Bits<32>>,
    /// Input stream: one element per transfer, rows in order, R per vector (low Ib bits).
    pub in_valid: Signal<In, Bit>,
    pub in_ready: Signal<Out, Bit>,
    pub in_data: Signal<In, Bits<16>>,
    /// Result stream: one column per transfer, columns in order, C per vector.
    pub out_valid: Signal<Out, Bit>,
    pub out_ready: Signal<In, Bit>,
    pub out_data: Signal<Out, Bits<32>>,
    pub out_col: Signal<Out, Bits<16>>,
    pub out_last: Signal<Out, Bit>,
    /// A vector is loading or an MVM is in flight.
    pub busy: Signal<Out, Bit>,
    /// Pulse with the transfer of an MVM's last result.
    pub done: Signal<Out, Bit>,
    controller: TileController,
    scheduler: AdcMuxScheduler,
    buffer: InputBuffer,
    crossbar: CrossbarMacro,
    lanes: ShiftAddLanes,
    combiner: ColumnCombiner,
    params: ColumnParams,
    activation: ActivationUnit,
    _row_words: usize,
    _adcs: usize,
}

impl CimTile {
    pub fn new(p: &TileParams) -> Self {
        let (out_min, out_max) = p.output_range();
        let buffer = InputBuffer::new(p);
        CimTile {
            clock: Default::default(),
            reset: Default::default(),
            prog_valid: Default::default(),
            prog_ready: Default::default(),
            prog_column: Default::default(),
            prog_row: Default::default(),
            prog_col: Default::default(),
            prog_level: Default::default(),
            prog_mult: Default::default(),
            prog_shift: Default::default(),
            prog_bias: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_data: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_data: Default::default(),
            out_col: Default::default(),
            out_last: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            controller: TileController::new(p.rows, p.rows_per_read),
            scheduler: AdcMuxScheduler::new(p.input_bits, p.inputs_signed, p.groups, p.phases, p.adc_cycles),
            _row_words: buffer.row_drive.len(),
            buffer,
            crossbar: CrossbarMacro::new(p),
            lanes: ShiftAddLanes::new(p),
            combiner: ColumnCombiner::new(p.adc_count, p.slices, p.cols, p.cell_bits),
            params: ColumnParams::new(p.cols),
            activation: ActivationUnit::new(p.activation == Activation::Relu, out_min, out_max),
            _adcs: p.adc_count,
        }
    }
}

impl Logic for CimTile {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks and resets.
        self.controller.clock.next = self.clock.val();
        self.scheduler.clock.next = self.clock.val();
        self.buffer.clock.next = self.clock.val();
        self.crossbar.clock.next = self.clock.val();
        self.lanes.clock.next = self.clock.val();
        self.combiner.clock.next = self.clock.val();
        self.params.clock.next = self.clock.val();
        self.activation.clock.next = self.clock.val();
        self.controller.reset.next = self.reset.val();
        self.scheduler.reset.next = self.reset.val();
        self.crossbar.reset.next = self.reset.val();
        self.combiner.reset.next = self.reset.val();
        self.params.reset.next = self.reset.val();
        self.activation.reset.next = self.reset.val();
        // Programming: cells go to the macro, column parameters to their memory.
        self.prog_ready.next = !self.controller.busy.val() & !self.reset.val();
        self.crossbar.prog_en.next = self.prog_valid.val() & self.prog_ready.val() & !self.prog_column.val();
        self.crossbar.prog_row.next = self.prog_row.val();
        self.crossbar.prog_col.next = self.prog_col.val();
        self.crossbar.prog_level.next = self.prog_level.val();
        self.params.wr_en.next = self.prog_valid.val() & self.prog_ready.val() & self.prog_column.val();
        self.params.wr_col.next = self.prog_col.val().get_bits::<16>(0);
        self.params.wr_mult.next = self.prog_mult.val();
        self.params.wr_shift.next = self.prog_shift.val();
        self.params.wr_bias.next = self.prog_bias.val();
        // Input stream into the input buffer.
        self.controller.in_valid.next = self.in_valid.val();
        self.in_ready.next = self.controller.in_ready.val();
        self.buffer.wr_en.next = self.controller.buf_wr_en.val();
        self.buffer.wr_bank.next = self.controller.buf_wr_bank.val();
        self.buffer.wr_group.next = self.controller.buf_wr_group.val();
        self.buffer.wr_offset.next = self.controller.buf_wr_offset.val();
        self.buffer.wr_data.next = self.in_data.val();
        // Conversions: scheduler drives buffer and macro.
        self.scheduler.vector_ready.next = self.controller.vector_ready.val();
        self.scheduler.bank_free.next = self.controller.bank_free.val();
        self.buffer.rd_bank.next = self.scheduler.conv_bank.val();
        self.buffer.rd_bit.next = self.scheduler.conv_bit.val();
        self.buffer.rd_group.next = self.scheduler.conv_group.val();
        self.crossbar.conv_start.next = self.scheduler.conv_start.val();
        for i in 0..self._row_words {
            self.crossbar.row_drive[i].next = self.buffer.row_drive[i].val();
        }
        self.crossbar.conv_group.next = self.scheduler.conv_group.val();
        self.crossbar.col_sel.next = self.scheduler.col_sel.val();
        self.crossbar.noise_mvm.next = self.scheduler.conv_mvm.val();
        self.crossbar.noise_bit.next = self.scheduler.conv_bit.val();
        self.controller.issued.next = self.scheduler.issued.val();
        // Codes into the lanes, tagged by the scheduler.
        self.lanes.code_valid.next = self.crossbar.code_valid.val();
        for a in 0..self._adcs {
            self.lanes.codes[a].next = self.crossbar.codes[a].val();
        }
        self.lanes.tag_bank.next = self.scheduler.tag_bank.val();
        self.lanes.tag_phase.next = self.scheduler.tag_phase.val();
        self.lanes.tag_bit.next = self.scheduler.tag_bit.val();
        self.lanes.tag_negative.next = self.scheduler.tag_negative.val();
        self.lanes.tag_first.next = self.scheduler.tag_first.val();
        self.controller.landed.next = self.crossbar.code_valid.val() & self.scheduler.tag_last.val();
        // Combine, activation, output.
        self.combiner.sums_ready.next = self.controller.sums_ready.val();
        self.combiner.advance.next = self.activation.advance.val();
        self.lanes.rd_bank.next = self.combiner.rd_bank.val();
        self.lanes.rd_phase.next = self.combiner.rd_phase.val();
        self.lanes.rd_lane.next = self.combiner.rd_lane.val();
        self.combiner.part.next = self.lanes.rd_value.val();
        self.controller.combined.next = self.combiner.combined.val();
        self.activation.in_valid.next = self.combiner.acc_valid.val();
        self.activation.in_acc.next = self.combiner.acc.val();
        self.activation.in_col.next = self.combiner.acc_col.val();
        self.activation.in_last.next = self.combiner.acc_last.val();
        self.params.rd_col.next = self.combiner.acc_col.val();
        self.activation.mult.next = self.params.rd_mult.val();
        self.activation.shift.next = self.params.rd_shift.val();
        self.activation.bias.next = self.params.rd_bias.val();
        self.activation.out_ready.next = self.out_ready.val();
        self.out_valid.next = self.activation.out_valid.val();
        self.out_data.next = self.activation.out_data.val();
        self.out_col.next = self.activation.out_col.val();
        self.out_last.next = self.activation.out_last.val();
        self.controller.periphery_busy.next = self.activation.busy.val() | self.combiner.acc_valid.val();
        self.busy.next = self.controller.busy.val();
        self.done.next = self.activation.out_valid.val() & self.out_ready.val() & self.activation.out_last.val();
    }
}

//! The per-column parameter memory (`hdl/verilog/cim_column_params.v`) as a rust-hdl block:
//! mult, shift and bias of every logical column, written through the host's programming port,
//! read combinationally by the activation unit. Reset restores the spec's defaults (1, 0, 0).

use super::instance;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct ColumnParams {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub wr_en: Signal<In, Bit>,
    pub wr_col: Signal<In, Bits<16>>,
    pub wr_mult: Signal<In, Bits<16>>,
    pub wr_shift: Signal<In, Bits<5>>,
    pub wr_bias: Signal<In, Bits<32>>,
    pub rd_col: Signal<In, Bits<16>>,
    pub rd_mult: Signal<Out, Bits<16>>,
    pub rd_shift: Signal<Out, Bits<5>>,
    pub rd_bias: Signal<Out, Bits<32>>,
    _cols: usize,
}

impl ColumnParams {
    pub fn new(cols: usize) -> Self {
        ColumnParams {
            clock: Default::default(),
            reset: Default::default(),
            wr_en: Default::default(),
            wr_col: Default::default(),
            wr_mult: Default::default(),
            wr_shift: Default::default(),
            wr_bias: Default::default(),
            rd_col: Default::default(),
            rd_mult: Default::default(),
            rd_shift: Default::default(),
            rd_bias: Default::default(),
            _cols: cols,
        }
    }
}

impl Logic for ColumnParams {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.rd_mult.connect();
        self.rd_shift.connect();
        self.rd_bias.connect();
    }

    fn hdl(&self) -> Verilog {
        let ports = ["clock", "reset", "wr_en", "wr_col", "wr_mult", "wr_shift", "wr_bias", "rd_col", "rd_mult", "rd_shift", "rd_bias"];
        let code = instance(
            "cim_column_params",
            "memory",
            &[("COLS", self._cols.to_string())],
            &ports.map(|p| (p, p.to_string())),
        );
        Verilog::Wrapper(Wrapper { code, cores: include_str!("../../verilog/cim_column_params.v").into() })
    }
}

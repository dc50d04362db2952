//! The shift-add lanes (`hdl/verilog/cim_shift_add_lanes.v`) as a rust-hdl block: one lane per
//! ADC, each an `M`-deep, two-bank register file of partial sums `sum_b,g wb(b) * code`, sized
//! from the configuration (`Widths::partial_bits`) so nothing overflows. A register file behind
//! `A` adders instead of `P` accumulator instances keeps the Verilog small and fast to simulate.

use super::{instance, ADC_LANE_BITS};
use crate::config::TileParams;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct ShiftAddLanes {
    pub clock: Signal<In, Clock>,
    pub code_valid: Signal<In, Bit>,
    pub codes: Vec<Signal<In, Bits<16>>>,
    pub tag_bank: Signal<In, Bit>,
    pub tag_phase: Signal<In, Bits<24>>,
    pub tag_bit: Signal<In, Bits<5>>,
    pub tag_negative: Signal<In, Bit>,
    pub tag_first: Signal<In, Bit>,
    pub rd_bank: Signal<In, Bit>,
    pub rd_phase: Signal<In, Bits<24>>,
    pub rd_lane: Signal<In, Bits<24>>,
    /// Partial sum at the read address, two's complement, sign-extended.
    pub rd_value: Signal<Out, Bits<64>>,
    _params: TileParams,
}

impl ShiftAddLanes {
    pub fn new(p: &TileParams) -> Self {
        ShiftAddLanes {
            clock: Default::default(),
            code_valid: Default::default(),
            codes: (0..p.adc_count).map(|_| Default::default()).collect(),
            tag_bank: Default::default(),
            tag_phase: Default::default(),
            tag_bit: Default::default(),
            tag_negative: Default::default(),
            tag_first: Default::default(),
            rd_bank: Default::default(),
            rd_phase: Default::default(),
            rd_lane: Default::default(),
            rd_value: Default::default(),
            _params: p.clone(),
        }
    }
}

impl Logic for ShiftAddLanes {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.rd_value.connect();
    }

    fn hdl(&self) -> Verilog {
        let p = &self._params;
        let ab = p.adc_bits as usize;
        let codes = (0..p.adc_count).rev().map(|a| format!("codes${a}[{}:0]", ab - 1)).collect::<Vec<_>>().join(", ");
        let mut code = format!("wire [{}:0] code_bus = {{{codes}}};\n", p.adc_count * ab - 1);
        if ab < ADC_LANE_BITS {
            // The macro zero-extends its codes to the 16-bit lanes; only Ab bits carry data.
            let upper = (0..p.adc_count).map(|a| format!("codes${a}[{}:{ab}]", ADC_LANE_BITS - 1)).collect::<Vec<_>>().join(", ");
            code += &format!("wire unused_code_bits = |{{{upper}}};\n");
        }
        code += &instance(
            "cim_shift_add_lanes",
            "lane_bank",
            &[
                ("ADCS", p.adc_count.to_string()),
                ("PHASES", p.phases.to_string()),
                ("PHYS_COLS", p.phys_cols.to_string()),
                ("ADC_BITS", p.adc_bits.to_string()),
                ("PART_BITS", p.widths().partial_bits.to_string()),
            ],
            &[
                ("clock", "clock".into()),
                ("code_valid", "code_valid".into()),
                ("codes", "code_bus".into()),
                ("tag_bank", "tag_bank".into()),
                ("tag_phase", "tag_phase".into()),
                ("tag_bit", "tag_bit".into()),
                ("tag_negative", "tag_negative".into()),
                ("tag_first", "tag_first".into()),
                ("rd_bank", "rd_bank".into()),
                ("rd_phase", "rd_phase".into()),
                ("rd_lane", "rd_lane".into()),
                ("rd_value", "rd_value".into()),
            ],
        );
        Verilog::Wrapper(Wrapper { code, cores: include_str!("../../verilog/cim_shift_add_lanes.v").into() })
    }
}

//! The behavioral crossbar macro (`hdl/verilog/cim_crossbar_macro.v`, which documents its
//! ports) as a rust-hdl block. Its conductances, noise and ADC are behavioral Verilog; in an ASIC
//! flow the real macro takes its place, so this block only wires the model in. Simulated by
//! Verilator or Icarus, not by rust-hdl's simulator.

use super::{instance, ADC_LANE_BITS, ROW_WORD_BITS};
use crate::config::TileParams;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct CrossbarMacro {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub prog_en: Signal<In, Bit>,
    pub prog_row: Signal<In, Bits<16>>,
    pub prog_col: Signal<In, Bits<24>>,
    pub prog_level: Signal<In, Bits<8>>,
    pub conv_start: Signal<In, Bit>,
    /// Row drive of the selected group, 64 rows per word (`ceil(Rg/64)` words).
    pub row_drive: Vec<Signal<In, Bits<64>>>,
    pub conv_group: Signal<In, Bits<16>>,
    pub col_sel: Signal<In, Bits<24>>,
    pub noise_mvm: Signal<In, Bits<32>>,
    pub noise_bit: Signal<In, Bits<5>>,
    pub code_valid: Signal<Out, Bit>,
    /// One code per ADC, zero-extended to 16 bits.
    pub codes: Vec<Signal<Out, Bits<16>>>,
    _params: TileParams,
}

impl CrossbarMacro {
    pub fn new(p: &TileParams) -> Self {
        CrossbarMacro {
            clock: Default::default(),
            reset: Default::default(),
            prog_en: Default::default(),
            prog_row: Default::default(),
            prog_col: Default::default(),
            prog_level: Default::default(),
            conv_start: Default::default(),
            row_drive: (0..p.rows_per_read.div_ceil(ROW_WORD_BITS)).map(|_| Default::default()).collect(),
            conv_group: Default::default(),
            col_sel: Default::default(),
            noise_mvm: Default::default(),
            noise_bit: Default::default(),
            code_valid: Default::default(),
            codes: (0..p.adc_count).map(|_| Default::default()).collect(),
            _params: p.clone(),
        }
    }
}

impl Logic for CrossbarMacro {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.code_valid.connect();
        self.codes.iter_mut().for_each(|c| c.connect());
    }

    fn hdl(&self) -> Verilog {
        let p = &self._params;
        let words = self.row_drive.len();
        let ab = p.adc_bits as usize;
        let mut code = format!(
            "wire [{}:0] row_bus = {{{}}};\nwire [{}:0] code_bus;\n",
            words * ROW_WORD_BITS - 1,
            (0..words).rev().map(|i| format!("row_drive${i}")).collect::<Vec<_>>().join(", "),
            p.adc_count * ab - 1
        );
        if words * ROW_WORD_BITS > p.rows_per_read {
            // Rows past Rg in the last word are driven 0 by the input buffer; nothing reads them.
            code += &format!("wire unused_row_bits = |row_bus[{}:{}];\n", words * ROW_WORD_BITS - 1, p.rows_per_read);
        }
        code += &instance(
            "cim_crossbar_macro",
            "analog",
            &[
                ("ROWS", p.rows.to_string()),
                ("PHYS_COLS", p.phys_cols.to_string()),
                ("ROWS_PER_READ", p.rows_per_read.to_string()),
                ("ADCS", p.adc_count.to_string()),
                ("ADC_BITS", p.adc_bits.to_string()),
                ("ADC_STEP", p.adc_step.to_string()),
                ("ADC_CYCLES", p.adc_cycles.to_string()),
                ("FINE_BITS", p.fine_bits.to_string()),
                ("READ_NOISE", p.read_noise.to_string()),
                ("PROGRAM_ERROR", p.program_error.to_string()),
                ("SEED", format!("32'd{}", p.seed)),
            ],
            &[
                ("clock", "clock".into()),
                ("reset", "reset".into()),
                ("prog_en", "prog_en".into()),
                ("prog_row", "prog_row".into()),
                ("prog_col", "prog_col".into()),
                ("prog_level", "prog_level".into()),
                ("conv_start", "conv_start".into()),
                ("row_drive", format!("row_bus[{}:0]", p.rows_per_read - 1)),
                ("conv_group", "conv_group".into()),
                ("col_sel", "col_sel".into()),
                ("noise_mvm", "noise_mvm".into()),
                ("noise_bit", "noise_bit".into()),
                ("code_valid", "code_valid".into()),
                ("codes", "code_bus".into()),
            ],
        );
        for a in 0..p.adc_count {
            let pad = if ab < ADC_LANE_BITS { format!("{}'d0, ", ADC_LANE_BITS - ab) } else { String::new() };
            code += &format!("assign codes${a} = {{{pad}code_bus[{}:{}]}};\n", a * ab + ab - 1, a * ab);
        }
        Verilog::Wrapper(Wrapper { code, cores: include_str!("../../verilog/cim_crossbar_macro.v").into() })
    }
}

//! The double-buffered input buffer (`hdl/verilog/cim_input_buffer.v`) as a rust-hdl block:
//! two banks of R elements stored as bit planes, so the read side gives the wordline drive bits
//! of one row group for one input bit as one word. A memory, so its Verilog is parameterized
//! rather than per-element DFFs.

use super::{instance, ROW_WORD_BITS};
use crate::config::TileParams;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct InputBuffer {
    pub clock: Signal<In, Clock>,
    pub wr_en: Signal<In, Bit>,
    pub wr_bank: Signal<In, Bit>,
    /// Row group and offset in it of the element written.
    pub wr_group: Signal<In, Bits<16>>,
    pub wr_offset: Signal<In, Bits<16>>,
    pub wr_data: Signal<In, Bits<16>>,
    pub rd_bank: Signal<In, Bit>,
    pub rd_bit: Signal<In, Bits<5>>,
    pub rd_group: Signal<In, Bits<16>>,
    /// Row drive bits, 64 per word; bits past Rg are 0.
    pub row_drive: Vec<Signal<Out, Bits<64>>>,
    _params: TileParams,
}

impl InputBuffer {
    pub fn new(p: &TileParams) -> Self {
        InputBuffer {
            clock: Default::default(),
            wr_en: Default::default(),
            wr_bank: Default::default(),
            wr_group: Default::default(),
            wr_offset: Default::default(),
            wr_data: Default::default(),
            rd_bank: Default::default(),
            rd_bit: Default::default(),
            rd_group: Default::default(),
            row_drive: (0..p.rows_per_read.div_ceil(ROW_WORD_BITS)).map(|_| Default::default()).collect(),
            _params: p.clone(),
        }
    }
}

impl Logic for InputBuffer {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.row_drive.iter_mut().for_each(|w| w.connect());
    }

    fn hdl(&self) -> Verilog {
        let p = &self._params;
        let words = self.row_drive.len();
        let width = words * ROW_WORD_BITS;
        let mut code = format!("wire [{}:0] drive;\n", p.rows_per_read - 1);
        code += &instance(
            "cim_input_buffer",
            "bank_memory",
            &[
                ("INPUT_BITS", p.input_bits.to_string()),
                ("GROUPS", p.groups.to_string()),
                ("ROWS_PER_READ", p.rows_per_read.to_string()),
            ],
            &[
                ("clock", "clock".into()),
                ("wr_en", "wr_en".into()),
                ("wr_bank", "wr_bank".into()),
                ("wr_group", "wr_group".into()),
                ("wr_offset", "wr_offset".into()),
                ("wr_data", "wr_data".into()),
                ("rd_bank", "rd_bank".into()),
                ("rd_bit", "rd_bit".into()),
                ("rd_group", "rd_group".into()),
                ("row_drive", "drive".into()),
            ],
        );
        let padded = if width > p.rows_per_read {
            format!("{{{}'d0, drive}}", width - p.rows_per_read)
        } else {
            "drive".into()
        };
        code += &format!("wire [{}:0] drive_bus = {padded};\n", width - 1);
        for w in 0..words {
            code += &format!("assign row_drive${w} = drive_bus[{}:{}];\n", w * ROW_WORD_BITS + ROW_WORD_BITS - 1, w * ROW_WORD_BITS);
        }
        Verilog::Wrapper(Wrapper { code, cores: include_str!("../../verilog/cim_input_buffer.v").into() })
    }
}

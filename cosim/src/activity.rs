//! Switching activity of the periphery, measured: a stream of MVMs through the RTL with every
//! signal traced, and its VCD's bit toggles counted per block of `cimtile ppa`
//! ([`cimtile_tile::ppa::block_of_module`]). A block's rate is its toggles over its signal bits
//! times the cycles: the registers and named nets of the RTL, not the gates synthesis makes of
//! them. The crossbar macro is analog and left out.

use crate::tile_driver::{Stimulus, TileRtl};
use crate::verilator_build::build_with_flags;
use crate::waveform::count_toggles;
use crate::CosimError;
use cimtile_tile::data::{ColumnParams, Weights};
use cimtile_tile::{ppa, TileParams};
use std::collections::BTreeMap;
use std::path::Path;

/// Verilator flags of the traced build: memories of any depth and vectors of any width are
/// traced (by default Verilator leaves out arrays of more than 32 words, the register files
/// that hold most of the cells), parameters are not (constants that would dilute every rate).
const TRACE_FLAGS: &[&str] = &[
    "--no-trace-params",
    "--trace-max-array",
    "1048576",
    "--trace-max-width",
    "1048576",
];

/// The clock toggles twice a cycle by construction; the clock tree is no part of the cells x
/// activity energy. Neither are the clock gates' outputs (`gated_clock`, which Verilator
/// simulates as the clock itself): the power engine rates them from their enables' duties.
const CLOCKS: &[&str] = &["clock", "gated_clock"];

/// The traced signals of one block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockToggles {
    /// Signal bits: the widths of the block's variables summed.
    pub bits: u64,
    /// Bit toggles of those variables over the stream.
    pub toggles: u64,
}

/// What a traced stream measured.
#[derive(Debug, Clone)]
pub struct Activity {
    /// Clock cycles traced: the whole stream, first input to last result.
    pub cycles: u64,
    /// Signals and toggles per block (block names of `cimtile ppa`).
    pub blocks: BTreeMap<String, BlockToggles>,
    /// Width and toggles of every traced signal, by its path below the tile (`lanes.acc_q`,
    /// `out_data`): the names a flattened netlist keeps for the registers and named nets.
    pub signals: BTreeMap<String, BlockToggles>,
    /// The fraction of the time each one-bit signal was 1, by its path below the tile: the
    /// duty of a clock gate's enable (`lanes.lane[0].word[3].kept.gate.enable`).
    pub duty: BTreeMap<String, f64>,
    /// Size of the VCD counted, bytes.
    pub vcd_bytes: u64,
}

impl Activity {
    /// Toggles per signal bit and cycle of every block that has signals (none is left out
    /// for being quiet: its rate is 0).
    pub fn rates(&self) -> BTreeMap<String, f64> {
        self.blocks
            .iter()
            .filter(|(_, b)| b.bits > 0 && self.cycles > 0)
            .map(|(block, b)| {
                (
                    block.clone(),
                    b.toggles as f64 / (b.bits * self.cycles) as f64,
                )
            })
            .collect()
    }
}

/// A tile built with every signal traced, ready for one measured stream.
pub struct TracedTile {
    rtl: TileRtl,
    /// The top module's instance scope in the VCD.
    tile_scope: String,
    /// The block of each instance of the top; the crossbar is not among them.
    blocks: BTreeMap<String, &'static str>,
}

impl TracedTile {
    /// Generates the RTL of `p` with the behavioral crossbar and builds it with
    /// `TRACE_FLAGS` and the macro untraced (a build of its own, cached like the others).
    pub fn build(p: &TileParams) -> Result<Self, CosimError> {
        let generated = cimtile_hdl::generate(p);
        // The macro's cell array (R x P words) would dominate the trace code and the VCD, and
        // the analog array is priced separately.
        let verilog: String = generated
            .verilog_files()
            .map(|f| match f.role {
                cimtile_hdl::FileRole::Macro => format!(
                    "/*verilator tracing_off*/\n{}/*verilator tracing_on*/\n",
                    f.text
                ),
                _ => f.text.clone(),
            })
            .collect();
        let top_file = format!("{}.v", generated.tile_top);
        let top_text = generated
            .files
            .iter()
            .find(|f| f.name == top_file)
            .map(|f| f.text.as_str())
            .unwrap_or_default();
        let blocks = cimtile_hdl::instances(top_text)
            .into_iter()
            .filter(|(module, _)| !module.ends_with(ppa::CROSSBAR_MODULE))
            .map(|(module, name)| {
                (
                    name,
                    ppa::block_of_module(&module).unwrap_or(ppa::OTHER_BLOCK),
                )
            })
            .collect();
        let model = build_with_flags(&verilog, &generated.top, TRACE_FLAGS)?;
        Ok(TracedTile {
            rtl: TileRtl::load(p.clone(), &model)?,
            tile_scope: generated.tile_top,
            blocks,
        })
    }

    /// Reports each completed result of the stream to `report`, as [`TileRtl::on_result`].
    pub fn on_result(&mut self, report: impl FnMut(usize) + Send + 'static) {
        self.rtl.on_result(report);
    }

    /// Programs `weights` and `columns`, then streams `inputs` back to back with every cycle
    /// written to the VCD `vcd`: the cycles traced. A tile traces one stream only.
    pub fn trace_stream(
        &mut self,
        weights: &Weights,
        columns: &[ColumnParams],
        inputs: &[Vec<i32>],
        vcd: &Path,
    ) -> Result<u64, CosimError> {
        self.rtl.program_weights(weights)?;
        self.rtl.program_columns(columns)?;
        self.rtl.trace(vcd)?;
        let start = self.rtl.simulator().cycles();
        // The stream flushes the trace when it ends.
        self.rtl.stream(inputs, &Stimulus::default())?;
        Ok(self.rtl.simulator().cycles() - start)
    }

    /// The toggles of each block's signals in `vcd`, a trace of `cycles` cycles of this tile.
    /// The top's own nets are block `other`; the clock is left out.
    pub fn count(&self, vcd: &Path, cycles: u64) -> Result<Activity, CosimError> {
        let vcd_bytes = std::fs::metadata(vcd)
            .map_err(crate::io_error(format!("cannot read '{}'", vcd.display())))?
            .len();
        let mut blocks: BTreeMap<String, BlockToggles> = BTreeMap::new();
        let mut signals: BTreeMap<String, BlockToggles> = BTreeMap::new();
        let mut duty = BTreeMap::new();
        for counted in count_toggles(vcd).map_err(CosimError::Waveform)? {
            if let Some(block) = self.block_of(&counted.signal.name) {
                let (bits, toggles) = (counted.signal.width as u64, counted.toggles);
                let entry = blocks.entry(block.to_string()).or_default();
                entry.bits += bits;
                entry.toggles += toggles;
                // Below the wrapper and the tile's scope: the path a flattened netlist keeps.
                let path = counted
                    .signal
                    .name
                    .splitn(3, '.')
                    .nth(2)
                    .unwrap_or_default();
                if bits == 1 {
                    duty.insert(path.to_string(), counted.duty);
                }
                let signal = signals.entry(path.to_string()).or_default();
                signal.bits += bits;
                signal.toggles += toggles;
            }
        }
        Ok(Activity {
            cycles,
            blocks,
            signals,
            duty,
            vcd_bytes,
        })
    }

    /// The block of the VCD variable `name` (`TOP.cim_tile.lanes.sum`), or `None` for the
    /// clock, the crossbar and the simulator's wrapper scope (a copy of the top's ports).
    fn block_of(&self, name: &str) -> Option<&'static str> {
        let mut path = name.split('.');
        let (_wrapper, tile) = (path.next()?, path.next()?);
        let rest: Vec<&str> = path.collect();
        if tile != self.tile_scope || rest.last().is_some_and(|leaf| CLOCKS.contains(leaf)) {
            return None;
        }
        match rest.as_slice() {
            [_signal] => Some(ppa::OTHER_BLOCK),
            [instance, ..] => self.blocks.get(*instance).copied(),
            [] => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_toggles_per_bit_and_cycle_and_quiet_blocks_are_zero() {
        let blocks = BTreeMap::from([
            (
                "lanes".to_string(),
                BlockToggles {
                    bits: 8,
                    toggles: 40,
                },
            ),
            (
                "params".to_string(),
                BlockToggles {
                    bits: 53,
                    toggles: 0,
                },
            ),
            (
                "empty".to_string(),
                BlockToggles {
                    bits: 0,
                    toggles: 0,
                },
            ),
        ]);
        let activity = Activity {
            cycles: 10,
            blocks,
            signals: BTreeMap::new(),
            duty: BTreeMap::new(),
            vcd_bytes: 0,
        };
        // A block without signals has no rate (its caller keeps the constant), not NaN.
        assert_eq!(
            activity.rates(),
            BTreeMap::from([("lanes".to_string(), 0.5), ("params".to_string(), 0.0)])
        );
        assert!(Activity {
            cycles: 0,
            ..activity
        }
        .rates()
        .is_empty());
    }
}

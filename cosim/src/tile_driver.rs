//! Driving a generated `cim_tile` through its host interface, as a host would: reset, program
//! cell levels and column parameters, stream input vectors in and results out with optional
//! random input gaps and output backpressure, count cycles.
//!
//! The host side slices weights into cell levels itself (spec section 2), independently of the
//! golden model, so a slicing bug on either side shows up as a mismatch.

use crate::protocol_checker::{CycleSample, ProtocolChecker};
use crate::sim_macro::{build_generated, Macro};
use crate::simulator::{PortId, Simulator};
use crate::verilator_build::{build, BuiltModel};
use crate::CosimError;
use cimtile_hdl::{Bus, Crossbar, Manifest};
use cimtile_tile::config::TileParams;
use cimtile_tile::data::{ColumnParams, ColumnWrite, Weights};
use cimtile_tile::engine::raw_tile_columns;
use std::path::Path;

/// Random disturbances of the streams, in percent of cycles.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stimulus {
    /// Cycles on which `in_valid` stays low although an element is waiting.
    pub input_gap_percent: u32,
    /// Cycles on which `out_ready` is low.
    pub backpressure_percent: u32,
    /// Cycles on which the host offers a column-parameter write (mult of a random column
    /// toggled between 1 and -1) at any moment of the stream: the tile must accept it only
    /// while idle; [`StreamResult::column_writes`] says where each accepted write landed.
    pub program_attempt_percent: u32,
    /// Seed of the disturbances: the same seed gives the same gaps, stalls and attempts.
    pub seed: u64,
}

/// What a stream of MVMs produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamResult {
    /// One row of C outputs per input vector.
    pub outputs: Vec<Vec<i64>>,
    /// Cycles from the first input element to the last result.
    pub cycles: u64,
    /// Cycle (from the stream's start) at which each MVM's last result transferred.
    pub done_at: Vec<u64>,
    /// Column-parameter writes the tile accepted during the stream, in order.
    pub column_writes: Vec<ColumnWrite>,
}

impl StreamResult {
    /// Cycles per MVM in steady state: the mean spacing of MVM completions after the first
    /// (which also carries the pipeline's fill latency), over an even number of spacings when
    /// there are two or more: some tiles alternate a long and a short spacing
    /// ([`TileParams::stream_cycles`]). None for fewer than 3 MVMs.
    pub fn steady_cycles_per_mvm(&self) -> Option<f64> {
        let spacings = self.done_at.len().checked_sub(2).filter(|&s| s > 0)?;
        let spacings = if spacings >= 2 {
            spacings - spacings % 2
        } else {
            spacings
        };
        Some((self.done_at[1 + spacings] - self.done_at[1]) as f64 / spacings as f64)
    }
}

struct Ports {
    reset: PortId,
    prog_valid: PortId,
    prog_ready: PortId,
    prog_row: PortId,
    prog_col: PortId,
    prog_level: PortId,
    /// The column parameters' ports, which a raw tile (`output.raw`) has not.
    columns: Option<ColumnPorts>,
    in_valid: PortId,
    in_ready: PortId,
    in_data: PortId,
    out_valid: PortId,
    out_ready: PortId,
    out_data: PortId,
    out_col: PortId,
    out_last: PortId,
    busy: PortId,
    done: PortId,
}

/// A `cim_tile` in Verilator with its host.
pub struct TileRtl {
    sim: Simulator,
    p: TileParams,
    ports: Ports,
    /// Column parameters as last programmed (reset restores the RTL's defaults; the host
    /// programs them again).
    columns: Vec<ColumnParams>,
    checker: ProtocolChecker,
    progress: Option<Progress>,
}

/// Called with the number of results of the current stream each time one completes.
pub(crate) type Progress = Box<dyn FnMut(usize) + Send>;

/// Generates the tile's Verilog with the behavioral crossbar and builds it (or takes it from
/// the cache) with the default macro model ([`Macro::Dpi`]).
pub fn build_tile(p: &TileParams) -> Result<BuiltModel, CosimError> {
    build_tile_with(p, Crossbar::Behavioral)
}

/// Generates the tile's Verilog with the chosen crossbar and builds it (or takes it from the
/// cache), a behavioral crossbar with the default macro model ([`Macro::Dpi`]). The driver is
/// the same for all: they share ports and timing.
pub fn build_tile_with(p: &TileParams, crossbar: Crossbar) -> Result<BuiltModel, CosimError> {
    build_tile_macro(p, crossbar, Macro::default())
}

/// [`build_tile_with`] with the macro model `sim_macro` behind a behavioral crossbar (the
/// emulated crossbar has none and ignores it).
pub fn build_tile_macro(
    p: &TileParams,
    crossbar: Crossbar,
    sim_macro: Macro,
) -> Result<BuiltModel, CosimError> {
    let options = cimtile_hdl::GenerateOptions {
        crossbar,
        ..Default::default()
    };
    let rtl =
        cimtile_hdl::generate_with(p, &options).map_err(|e| CosimError::Generate(e.to_string()))?;
    build_generated(&rtl, sim_macro)
}

/// Cell levels of every (row, physical column), as the host slices the weights.
pub fn cell_levels(p: &TileParams, w: &Weights) -> Vec<u8> {
    let mask = (1u32 << p.cell_bits()) - 1;
    let mut levels = vec![0u8; p.rows() * p.phys_cols()];
    for pc in 0..p.phys_cols() {
        // pc = (c*S + s)*2 + polarity
        let (c, s, negative) = (pc / 2 / p.slices(), (pc / 2) % p.slices(), pc % 2);
        for r in 0..p.rows() {
            let weight = w.w[r * w.cols + c];
            let holds = if negative == 1 {
                weight < 0
            } else {
                weight > 0
            };
            if holds {
                levels[r * p.phys_cols() + pc] =
                    ((weight.unsigned_abs() >> (s as u32 * p.cell_bits())) & mask) as u8;
            }
        }
    }
    levels
}

/// A small xorshift generator for the stream disturbances (reproducible from the seed).
pub struct Disturbance {
    state: u64,
}

impl Disturbance {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Disturbance {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    /// True `percent` times in 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        percent > 0 && (self.next() % 100) < percent as u64
    }
}

/// The ports of the column parameters.
struct ColumnPorts {
    prog_column: PortId,
    prog_mult: PortId,
    prog_shift: PortId,
    prog_bias: PortId,
}

/// Sets the programming port to column `c`'s parameter word `col` (the tile has the ports).
fn set_column_word(sim: &mut Simulator, ports: &Ports, c: usize, col: ColumnParams) {
    let columns = ports
        .columns
        .as_ref()
        .expect("only a tile with column parameters is offered their words");
    sim.set(columns.prog_column, 1);
    sim.set(ports.prog_col, c as u64);
    sim.set(columns.prog_mult, col.mult as u16 as u64);
    sim.set(columns.prog_shift, col.shift as u64);
    sim.set(columns.prog_bias, col.bias as u32 as u64);
}

/// The elements of transfer `t` of `vector`: rows `t*W..`, the last transfer's padded with
/// zeros past row R-1 (the tile ignores them).
pub(crate) fn transfer(p: &TileParams, vector: &[i32], t: usize) -> Vec<i64> {
    let w = p.input_transfer();
    (t * w..(t + 1) * w)
        .map(|r| vector.get(r).map_or(0, |&x| x as i64))
        .collect()
}

/// Cycle budget for a stream: generous against stalls, small enough to catch a hang.
pub(crate) fn stream_budget(p: &TileParams, vectors: usize, stim: &Stimulus) -> u64 {
    let per_mvm = p.min_cycles_per_mvm() + (p.rows() + p.phys_cols() + p.cols()) as u64 + 64;
    let slowdown = 100
        / (100
            - stim
                .input_gap_percent
                .max(stim.backpressure_percent)
                .min(95)) as u64;
    (vectors as u64 + 2) * per_mvm * 4 * (slowdown + 1)
}

/// A directory written by `cimtile generate`, read and checked.
pub(crate) struct Generated {
    /// The configuration its manifest records.
    pub(crate) p: TileParams,
    /// Every file of its file list, concatenated.
    pub(crate) verilog: String,
    /// The design's top: the bus wrapper's if there is one.
    pub(crate) top_module: String,
    /// With a bus wrapper, the tile's own top.
    pub(crate) tile_module: Option<String>,
    /// The bus wrapper, if any.
    pub(crate) bus: Option<Bus>,
}

/// `error: cause: cause ...`, for an error message that is a string.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text += &format!(": {c}");
        cause = c.source();
    }
    text
}

impl Generated {
    /// Reads `dir`: its Verilog must be what its manifest's fingerprint says (a hand-edited or
    /// mixed-up directory is refused); the tile is the configuration the manifest records.
    pub(crate) fn read(dir: &Path) -> Result<Self, CosimError> {
        let problem = |problem: String| CosimError::Generated {
            dir: dir.to_path_buf(),
            problem,
        };
        let manifest = Manifest::read(dir).map_err(|e| problem(error_chain(&e)))?;
        let p = manifest
            .config
            .validate()
            .map_err(|e| problem(format!("manifest.json's configuration is invalid: {e}")))?;
        let mut verilog = String::new();
        for name in &manifest.files {
            verilog += &std::fs::read_to_string(dir.join(name))
                .map_err(|e| problem(format!("cannot read {name}: {e}")))?;
        }
        let recorded = &manifest.verilog_fnv1a64;
        let actual = format!("{:016x}", cimtile_hdl::fnv1a64(verilog.bytes()));
        if *recorded != actual {
            return Err(problem(format!(
                "the Verilog does not match manifest.json (fingerprint {actual}, manifest {recorded}): regenerate it with cimtile generate"
            )));
        }
        Ok(Generated {
            p,
            verilog,
            top_module: manifest.top_module,
            tile_module: manifest.tile_module,
            bus: manifest.bus,
        })
    }
}

impl TileRtl {
    /// Loads a built model of the tile `p`. The model's port widths must be the ones the
    /// configuration gives the top module, so a model built from another tile is refused.
    pub fn load(p: TileParams, model: &BuiltModel) -> Result<Self, CosimError> {
        let sizing = cimtile_hdl::RtlSizing::new(&p);
        for (port, width) in [
            ("in_data", p.in_data_bits()),
            ("out_data", p.output_bits()),
            ("prog_row", sizing.row_bits),
            ("prog_col", sizing.prog_col_bits),
            ("prog_level", p.cell_bits()),
            ("out_col", sizing.col_bits),
        ] {
            let found = model.ports.iter().find(|q| q.name == port).map(|q| q.width);
            if found != Some(width as usize) {
                return Err(CosimError::Generate(format!(
                    "the built model does not belong to this tile: port {port} is {found:?} bits wide, the configuration makes it {width}"
                )));
            }
        }
        let sim = Simulator::load(model)?;
        let id = |name: &str| sim.port(name);
        let ports = Ports {
            reset: id("reset")?,
            prog_valid: id("prog_valid")?,
            prog_ready: id("prog_ready")?,

            prog_row: id("prog_row")?,
            prog_col: id("prog_col")?,
            prog_level: id("prog_level")?,
            columns: if p.raw_output() {
                None
            } else {
                Some(ColumnPorts {
                    prog_column: id("prog_column")?,
                    prog_mult: id("prog_mult")?,
                    prog_shift: id("prog_shift")?,
                    prog_bias: id("prog_bias")?,
                })
            },
            in_valid: id("in_valid")?,
            in_ready: id("in_ready")?,
            in_data: id("in_data")?,
            out_valid: id("out_valid")?,
            out_ready: id("out_ready")?,
            out_data: id("out_data")?,
            out_col: id("out_col")?,
            out_last: id("out_last")?,
            busy: id("busy")?,
            done: id("done")?,
        };
        let checker = ProtocolChecker::new(p.input_transfers(), p.cols());
        let columns = vec![ColumnParams::default(); p.cols()];
        let mut tile = TileRtl {
            sim,
            p,
            ports,
            columns,
            checker,
            progress: None,
        };
        tile.reset()?;
        Ok(tile)
    }

    /// Opens a directory written by `cimtile generate`: its Verilog must be what its manifest's
    /// fingerprint says (a hand-edited or mixed-up directory is refused), and the tile is driven
    /// with the configuration the manifest records; behind a bus wrapper (`generate --bus`), the
    /// tile itself.
    pub fn open(dir: &Path) -> Result<Self, CosimError> {
        let generated = Generated::read(dir)?;
        let top = generated
            .tile_module
            .as_deref()
            .unwrap_or(&generated.top_module);
        TileRtl::load(generated.p, &build(&generated.verilog, top)?)
    }

    /// Reports each completed result of a stream to `report` (its count so far), for a
    /// progress bar over a long stream.
    pub fn on_result(&mut self, report: impl FnMut(usize) + Send + 'static) {
        self.progress = Some(Box::new(report));
    }

    /// The tile this RTL was generated from.
    pub fn params(&self) -> &TileParams {
        &self.p
    }

    /// Builds and loads the tile `p` with the behavioral crossbar (the DPI macro model).
    pub fn build(p: &TileParams) -> Result<Self, CosimError> {
        TileRtl::build_with(p, Crossbar::Behavioral)
    }

    /// Builds and loads the tile `p` with the chosen crossbar (a behavioral one with the DPI
    /// macro model).
    pub fn build_with(p: &TileParams, crossbar: Crossbar) -> Result<Self, CosimError> {
        TileRtl::build_macro(p, crossbar, Macro::default())
    }

    /// Builds and loads the tile `p` with the chosen crossbar and macro model.
    pub fn build_macro(
        p: &TileParams,
        crossbar: Crossbar,
        sim_macro: Macro,
    ) -> Result<Self, CosimError> {
        TileRtl::load(p.clone(), &build_tile_macro(p, crossbar, sim_macro)?)
    }

    /// The underlying simulator, for direct port access.
    pub fn simulator(&mut self) -> &mut Simulator {
        &mut self.sim
    }

    /// Writes a VCD of every cycle from now on to `path` (see [`Simulator::trace`]).
    pub fn trace(&mut self, path: &Path) -> Result<(), CosimError> {
        self.sim.trace(path)
    }

    fn idle_inputs(&mut self) {
        let ports = [self.ports.prog_valid, self.ports.in_valid];
        for port in ports {
            self.sim.set(port, 0);
        }
        self.sim.set(self.ports.out_ready, 1);
    }

    /// The ports that the host-interface rules speak of, now.
    fn sample(&self) -> CycleSample {
        let bit = |port| self.sim.get(port) == 1;
        let ports = &self.ports;
        CycleSample {
            in_valid: bit(ports.in_valid),
            in_ready: bit(ports.in_ready),
            prog_valid: bit(ports.prog_valid),
            prog_ready: bit(ports.prog_ready),
            out_valid: bit(ports.out_valid),
            out_ready: bit(ports.out_ready),
            out_data: self.sim.get(ports.out_data),
            out_col: self.sim.get(ports.out_col),
            out_last: bit(ports.out_last),
            busy: bit(ports.busy),
            done: bit(ports.done),
        }
    }

    /// Checks this cycle's ports against the host-interface rules, then clocks the tile.
    fn checked_cycle(&mut self) -> Result<(), CosimError> {
        let sample = self.sample();
        self.checker.check(sample).map_err(CosimError::Protocol)?;
        self.sim.cycle();
        if self.sim.assertion_failed() {
            return Err(CosimError::Assertion(self.sim.cycles()));
        }
        Ok(())
    }

    /// Two cycles of reset, then the column parameters again (reset restores defaults).
    /// Cell conductances are non-volatile and stay.
    pub fn reset(&mut self) -> Result<(), CosimError> {
        self.idle_inputs();
        self.sim.set(self.ports.reset, 1);
        self.sim.cycle();
        self.sim.cycle();
        self.sim.set(self.ports.reset, 0);
        self.sim.eval();
        self.checker.reset();
        if self.columns.iter().any(|c| *c != ColumnParams::default()) {
            let columns = self.columns.clone();
            self.program_columns(&columns)?;
        }
        Ok(())
    }

    /// One programming transfer; waits for `prog_ready`.
    fn program_word(&mut self, set: impl Fn(&mut Simulator, &Ports)) -> Result<(), CosimError> {
        set(&mut self.sim, &self.ports);
        self.sim.set(self.ports.prog_valid, 1);
        loop {
            self.sim.eval();
            let ready = self.sim.get(self.ports.prog_ready) == 1;
            self.checked_cycle()?;
            if ready {
                break;
            }
        }
        self.sim.set(self.ports.prog_valid, 0);
        Ok(())
    }

    /// Drives the programming port with one column-parameter word (no cycle).
    fn offer_column(&mut self, c: usize, col: ColumnParams) {
        set_column_word(&mut self.sim, &self.ports, c, col);
        self.sim.set(self.ports.prog_valid, 1);
    }

    /// Selects cell writes on the programming port (a raw tile has nothing else).
    fn select_cells(&mut self) {
        if let Some(columns) = &self.ports.columns {
            self.sim.set(columns.prog_column, 0);
        }
    }

    /// Programs every cell's level from `weights`.
    pub fn program_weights(&mut self, weights: &Weights) -> Result<(), CosimError> {
        let levels = cell_levels(&self.p, weights);
        let phys = self.p.phys_cols();
        self.select_cells();
        for (i, &level) in levels.iter().enumerate() {
            let (r, pc) = (i / phys, i % phys);
            self.program_word(|sim, ports| {
                sim.set(ports.prog_row, r as u64);
                sim.set(ports.prog_col, pc as u64);
                sim.set(ports.prog_level, level as u64);
            })?;
        }
        Ok(())
    }

    /// Programs every column's `mult`, `shift` and `bias` through the programming port (one
    /// `ColumnParams` per logical column). A raw tile takes only the defaults, which it has.
    pub fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), CosimError> {
        assert_eq!(columns.len(), self.p.cols(), "one ColumnParams per column");
        if self.ports.columns.is_none() {
            return raw_tile_columns(&self.p, columns).map_err(CosimError::Generate);
        }
        for (c, &col) in columns.iter().enumerate() {
            self.program_word(|sim, ports| set_column_word(sim, ports, c, col))?;
        }
        self.select_cells();
        self.columns = columns.to_vec();
        Ok(())
    }

    /// Streams `inputs` through the tile and collects every result.
    pub fn stream(
        &mut self,
        inputs: &[Vec<i32>],
        stim: &Stimulus,
    ) -> Result<StreamResult, CosimError> {
        self.stream_for(inputs, stim, None)
    }

    /// Like [`Self::stream`], but stops after `max_cycles` if given (results so far are kept).
    pub fn stream_for(
        &mut self,
        inputs: &[Vec<i32>],
        stim: &Stimulus,
        max_cycles: Option<u64>,
    ) -> Result<StreamResult, CosimError> {
        let cols = self.p.cols();
        // The stream moves transfers of W elements, T of them a vector.
        let transfers = self.p.input_transfers();
        let total = inputs.len() * transfers;
        let budget = max_cycles.unwrap_or_else(|| stream_budget(&self.p, inputs.len(), stim));
        let mut rng = Disturbance::new(stim.seed);
        let mut next = 0usize;
        let mut outputs: Vec<Vec<i64>> = Vec::with_capacity(inputs.len());
        let mut row: Vec<i64> = Vec::with_capacity(cols);
        let mut done_at = Vec::with_capacity(inputs.len());
        let mut column_writes = Vec::new();
        let mut cycle = 0u64;
        let out_bits = self.p.output_bits();
        let signed_out = self.p.output_signed();
        while outputs.len() < inputs.len() {
            if cycle >= budget {
                if max_cycles.is_some() {
                    break;
                }
                return Err(CosimError::Stalled {
                    got: outputs.len(),
                    expected: inputs.len(),
                    cycles: cycle,
                });
            }
            // in_ready and out_valid come from registers (and reset), never combinationally
            // from in_valid or out_ready, so they are settled since the last edge: no eval.
            let ready = self.sim.get(self.ports.in_ready) == 1;
            let offer = next < total && !rng.chance(stim.input_gap_percent);
            self.sim.set(self.ports.in_valid, offer as u64);
            if offer {
                let elements = transfer(&self.p, &inputs[next / transfers], next % transfers);
                self.sim
                    .set_lanes(self.ports.in_data, &elements, self.p.input_bits());
                if ready {
                    next += 1;
                }
            }
            let take = !rng.chance(stim.backpressure_percent);
            self.sim.set(self.ports.out_ready, take as u64);
            if take && self.sim.get(self.ports.out_valid) == 1 {
                let raw = self.sim.get(self.ports.out_data);
                // out_data is Ob bits: two's complement for signed outputs.
                let shift = 64 - out_bits;
                row.push(if signed_out {
                    ((raw << shift) as i64) >> shift
                } else {
                    raw as i64
                });
                if self.sim.get(self.ports.out_last) == 1 {
                    outputs.push(std::mem::replace(&mut row, Vec::with_capacity(cols)));
                    if let Some(report) = &mut self.progress {
                        report(outputs.len());
                    }
                    done_at.push(cycle);
                }
            }
            // A raw tile has no column parameters to write.
            let offered = rng.chance(stim.program_attempt_percent) && self.ports.columns.is_some();
            let write = offered.then(|| {
                let c = (rng.next() % cols as u64) as usize;
                let old = self.columns[c];
                (
                    c,
                    ColumnParams {
                        mult: if old.mult == 1 { -1 } else { 1 },
                        ..old
                    },
                )
            });
            match write {
                Some((c, col)) => self.offer_column(c, col),
                None => self.sim.set(self.ports.prog_valid, 0),
            }
            if let Some((c, col)) = write.filter(|_| self.sim.get(self.ports.prog_ready) == 1) {
                // Accepted: it applies to every vector not started before this cycle (a first
                // element accepted in this same cycle comes after the write, rule 2).
                let taken_before = next - usize::from(offer && ready);
                column_writes.push(ColumnWrite {
                    vector: taken_before.div_ceil(transfers),
                    column: c,
                    params: col,
                });
                self.columns[c] = col;
            }
            self.checked_cycle()?;
            cycle += 1;
        }
        self.idle_inputs();
        self.sim.eval();
        self.sim.flush_trace();
        Ok(StreamResult {
            outputs,
            cycles: cycle,
            done_at,
            column_writes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cimtile_tile::config::TileConfig;

    #[test]
    fn host_slicing_follows_the_spec() {
        let p = TileConfig::layered(None, "[array]\nrows = 1\ncols = 2\nrows_per_read = 1")
            .unwrap()
            .validate()
            .unwrap();
        // Wb = 4, Bc = 2: S = 2; w = 6 = 0b110 -> slices (2, 1) positive; w = -5 -> (1, 1) negative.
        let levels = cell_levels(
            &p,
            &Weights {
                rows: 1,
                cols: 2,
                w: vec![6, -5],
            },
        );
        assert_eq!(levels, vec![2, 0, 1, 0, 0, 1, 0, 1]);
    }
}

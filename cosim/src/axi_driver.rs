//! Driving `cim_axi_tile` (`generate --bus axi`) as an SoC would: cells and column parameters
//! programmed through AXI4-Lite, input vectors streamed in through AXI4-Stream with random
//! gaps, results taken from AXI4-Stream under random backpressure, and programming attempted
//! through AXI4-Lite while vectors stream. The AXI rules are checked on every cycle
//! ([`AxiProtocolChecker`]).
//!
//! The host's AXI4-Lite side gives each write's address and data random delays of their own
//! (either may come first) and raises BREADY, RREADY only some cycles after it sees the VALID.

use crate::axi_protocol_checker::{AxiProtocolChecker, AxiSample, Channel};
use crate::sim_macro::{build_generated, Macro};
use crate::simulator::{PortId, Simulator};
use crate::tile_driver::{
    cell_levels, stream_budget, transfer, Disturbance, Generated, Progress, Stimulus, StreamResult,
};
use crate::verilator_build::{build, BuiltModel};
use crate::CosimError;
use cimtile_hdl::{
    axi::{byte_width, s_axis_bits},
    Bus, Crossbar, GenerateOptions,
};
use cimtile_tile::config::TileParams;
use cimtile_tile::data::{ColumnParams, ColumnWrite, Weights};
use std::path::Path;

/// Register byte addresses of the wrapper (its header has the map).
pub mod reg {
    /// RO: `0x43494d54` ("CIMT"), the wrapper's identity.
    pub const ID: u32 = 0x00;
    /// RO: `[15:0]` rows, `[31:16]` columns.
    pub const GEOMETRY: u32 = 0x04;
    /// RO: `[4:0]` input bits, `[7]` inputs signed, `[13:8]` output bits, `[15]` output signed, `[19:16]` cell bits.
    pub const FORMAT: u32 = 0x08;
    /// RO: physical columns (`2 * slices * columns`).
    pub const PHYS_COLS: u32 = 0x0c;
    /// WO: `[0]` = 1 clears the counters `CYCLES..=TLAST_ERRORS`.
    pub const CONTROL: u32 = 0x10;
    /// RW: busy, idle and the sticky error flags (`STATUS_*`); write 1 to clear a sticky flag.
    pub const STATUS: u32 = 0x14;
    /// RO: row of the next input element (0 between vectors).
    pub const IN_ROW: u32 = 0x18;
    /// RO: cycles since reset or clear.
    pub const CYCLES: u32 = 0x20;
    /// RO: cycles with vectors in flight.
    pub const BUSY_CYCLES: u32 = 0x24;
    /// RO: input vectors taken in whole.
    pub const VECTORS: u32 = 0x28;
    /// RO: MVMs completed (last result taken).
    pub const MVMS: u32 = 0x2c;
    /// RO: cycles with `s_axis_tvalid` high and `s_axis_tready` low.
    pub const IN_STALLS: u32 = 0x30;
    /// RO: cycles with `m_axis_tvalid` high and `m_axis_tready` low (backpressure).
    pub const OUT_STALLS: u32 = 0x34;
    /// RO: misplaced input TLASTs.
    pub const TLAST_ERRORS: u32 = 0x38;
    /// RW: row (< rows) of the next `PROG_CELL` write.
    pub const PROG_ROW: u32 = 0x40;
    /// WO: `[23:0]` physical column `(c*S+s)*2+p`, `[31:24]` level: programs that cell of row `PROG_ROW`.
    pub const PROG_CELL: u32 = 0x44;
    /// RW: `[15:0]` mult (two's complement), `[20:16]` shift, for the next `PROG_COLUMN`.
    pub const PROG_MULT: u32 = 0x48;
    /// RW: bias (two's complement), for the next `PROG_COLUMN`.
    pub const PROG_BIAS: u32 = 0x4c;
    /// WO: `[23:0]` column: gives it `PROG_MULT` and `PROG_BIAS`.
    pub const PROG_COLUMN: u32 = 0x50;
    /// `STATUS[0]`: busy, vectors in flight.
    pub const STATUS_BUSY: u32 = 1 << 0;
    /// `STATUS[1]`: idle, programming is accepted.
    pub const STATUS_IDLE: u32 = 1 << 1;
    /// `STATUS[8]`, sticky: an input TLAST came before the vector's last element.
    pub const STATUS_TLAST_EARLY: u32 = 1 << 8;
    /// `STATUS[9]`, sticky: a vector's last element came without TLAST.
    pub const STATUS_TLAST_MISSING: u32 = 1 << 9;
    /// `STATUS[10]`, sticky: a programming write was refused (SLVERR) while busy.
    pub const STATUS_PROG_REFUSED: u32 = 1 << 10;
}

/// An AXI4-Lite response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resp {
    /// OKAY: the access was done.
    Okay,
    /// SLVERR: the wrapper refused the access (a programming write while busy).
    SlvErr,
}

/// Cycles an AXI4-Lite transaction may take before the run counts as stalled.
const LITE_TIMEOUT: u64 = 1000;

macro_rules! axi_ports {
    ($($name:ident),* $(,)?) => {
        struct AxiPorts {
            $($name: PortId,)*
        }

        impl AxiPorts {
            fn find(sim: &Simulator) -> Result<Self, CosimError> {
                Ok(AxiPorts { $($name: sim.port(stringify!($name))?,)* })
            }
        }
    };
}

axi_ports!(
    aresetn,
    s_axil_awaddr,
    s_axil_awvalid,
    s_axil_awready,
    s_axil_wdata,
    s_axil_wstrb,
    s_axil_wvalid,
    s_axil_wready,
    s_axil_bresp,
    s_axil_bvalid,
    s_axil_bready,
    s_axil_araddr,
    s_axil_arvalid,
    s_axil_arready,
    s_axil_rdata,
    s_axil_rresp,
    s_axil_rvalid,
    s_axil_rready,
    s_axis_tdata,
    s_axis_tlast,
    s_axis_tvalid,
    s_axis_tready,
    m_axis_tdata,
    m_axis_tuser,
    m_axis_tlast,
    m_axis_tvalid,
    m_axis_tready,
);

/// A column write in progress: its remaining register writes, the one on the bus, the write
/// itself, and the vector it applies to once its BVALID is seen.
type ColumnAttempt = (Vec<(u32, u32)>, LiteWrite, ColumnWrite, Option<usize>);

/// One AXI4-Lite write in progress.
struct LiteWrite {
    addr: u32,
    data: u32,
    strb: u32,
    /// Cycles before AWVALID, WVALID rise, and before BREADY once BVALID is seen.
    aw_delay: u64,
    w_delay: u64,
    b_delay: u64,
    aw_done: bool,
    w_done: bool,
}

/// Generates the AXI top's Verilog (`--bus axi`) with the behavioral crossbar and builds it (or
/// takes it from the cache) with the default macro model ([`Macro::Dpi`]).
pub fn build_axi_tile(p: &TileParams) -> Result<BuiltModel, CosimError> {
    build_axi_tile_with(p, Crossbar::Behavioral)
}

/// Generates the AXI top's Verilog with the chosen crossbar and builds it (or takes it from the
/// cache), a behavioral crossbar with the default macro model ([`Macro::Dpi`]).
pub fn build_axi_tile_with(p: &TileParams, crossbar: Crossbar) -> Result<BuiltModel, CosimError> {
    build_axi_tile_macro(p, crossbar, Macro::default())
}

/// [`build_axi_tile_with`] with the macro model `sim_macro` behind a behavioral crossbar.
pub fn build_axi_tile_macro(
    p: &TileParams,
    crossbar: Crossbar,
    sim_macro: Macro,
) -> Result<BuiltModel, CosimError> {
    let options = GenerateOptions {
        bus: Some(Bus::Axi),
        crossbar,
        ..Default::default()
    };
    let rtl =
        cimtile_hdl::generate_with(p, &options).map_err(|e| CosimError::Generate(e.to_string()))?;
    build_generated(&rtl, sim_macro)
}

/// A `cim_axi_tile` in Verilator with its SoC host.
pub struct AxiTileRtl {
    sim: Simulator,
    p: TileParams,
    ports: AxiPorts,
    columns: Vec<ColumnParams>,
    checker: AxiProtocolChecker,
    rng: Disturbance,
    progress: Option<Progress>,
}

impl AxiTileRtl {
    /// Loads a built model of the AXI top of `p` (a model of another tile is refused).
    pub fn load(p: TileParams, model: &BuiltModel) -> Result<Self, CosimError> {
        let col_bits = cimtile_hdl::RtlSizing::new(&p).col_bits;
        for (port, width) in [
            ("s_axis_tdata", s_axis_bits(&p)),
            ("m_axis_tdata", byte_width(p.output_bits())),
            ("m_axis_tuser", col_bits),
        ] {
            let found = model.ports.iter().find(|q| q.name == port).map(|q| q.width);
            if found != Some(width as usize) {
                return Err(CosimError::Generate(format!(
                    "the built model is not this tile's AXI top: port {port} is {found:?} bits wide, the configuration makes it {width}"
                )));
            }
        }
        let sim = Simulator::load(model)?;
        let ports = AxiPorts::find(&sim)?;
        let checker = AxiProtocolChecker::new(p.input_transfers(), p.cols());
        let columns = vec![ColumnParams::default(); p.cols()];
        let mut tile = AxiTileRtl {
            sim,
            p,
            ports,
            columns,
            checker,
            rng: Disturbance::new(1),
            progress: None,
        };
        tile.reset()?;
        Ok(tile)
    }

    /// Builds and loads the AXI top of `p` with the behavioral crossbar.
    pub fn build(p: &TileParams) -> Result<Self, CosimError> {
        AxiTileRtl::build_with(p, Crossbar::Behavioral)
    }

    /// Builds and loads the AXI top of `p` with the chosen crossbar (a behavioral one with the
    /// DPI macro model).
    pub fn build_with(p: &TileParams, crossbar: Crossbar) -> Result<Self, CosimError> {
        AxiTileRtl::build_macro(p, crossbar, Macro::default())
    }

    /// Builds and loads the AXI top of `p` with the chosen crossbar and macro model.
    pub fn build_macro(
        p: &TileParams,
        crossbar: Crossbar,
        sim_macro: Macro,
    ) -> Result<Self, CosimError> {
        AxiTileRtl::load(p.clone(), &build_axi_tile_macro(p, crossbar, sim_macro)?)
    }

    /// Opens a directory written by `cimtile generate --bus axi` (checked as
    /// [`crate::tile_driver::TileRtl::open`] checks it) and drives its AXI top.
    pub fn open(dir: &Path) -> Result<Self, CosimError> {
        let generated = Generated::read(dir)?;
        if generated.bus != Some(cimtile_hdl::Bus::Axi) {
            let problem = "it has no AXI top (generate it with --bus axi)".to_string();
            return Err(CosimError::Generated {
                dir: dir.to_path_buf(),
                problem,
            });
        }
        AxiTileRtl::load(
            generated.p,
            &build(&generated.verilog, &generated.top_module)?,
        )
    }

    /// The tile this RTL was generated from.
    pub fn params(&self) -> &TileParams {
        &self.p
    }

    /// Reports each completed result of a stream to `report` (its count so far), for a
    /// progress bar over a long stream.
    pub fn on_result(&mut self, report: impl FnMut(usize) + Send + 'static) {
        self.progress = Some(Box::new(report));
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
        let q = &self.ports;
        for port in [
            q.s_axil_awvalid,
            q.s_axil_wvalid,
            q.s_axil_bready,
            q.s_axil_arvalid,
            q.s_axil_rready,
            q.s_axis_tvalid,
            q.m_axis_tready,
        ] {
            self.sim.set(port, 0);
        }
    }

    fn sample(&self) -> AxiSample {
        let q = &self.ports;
        let get = |port| self.sim.get(port);
        let bit = |port| self.sim.get(port) == 1;
        let channel = |valid, ready, payload| Channel {
            valid: bit(valid),
            ready: bit(ready),
            payload,
        };
        AxiSample {
            aresetn: bit(q.aresetn),
            aw: channel(
                q.s_axil_awvalid,
                q.s_axil_awready,
                [get(q.s_axil_awaddr), 0, 0],
            ),
            w: channel(
                q.s_axil_wvalid,
                q.s_axil_wready,
                [get(q.s_axil_wdata), get(q.s_axil_wstrb), 0],
            ),
            b: channel(
                q.s_axil_bvalid,
                q.s_axil_bready,
                [get(q.s_axil_bresp), 0, 0],
            ),
            ar: channel(
                q.s_axil_arvalid,
                q.s_axil_arready,
                [get(q.s_axil_araddr), 0, 0],
            ),
            r: channel(
                q.s_axil_rvalid,
                q.s_axil_rready,
                [get(q.s_axil_rdata), get(q.s_axil_rresp), 0],
            ),
            s_axis: channel(
                q.s_axis_tvalid,
                q.s_axis_tready,
                [get(q.s_axis_tdata), get(q.s_axis_tlast), 0],
            ),
            m_axis: channel(
                q.m_axis_tvalid,
                q.m_axis_tready,
                [
                    get(q.m_axis_tdata),
                    get(q.m_axis_tuser),
                    get(q.m_axis_tlast),
                ],
            ),
        }
    }

    /// Checks this cycle's ports against the AXI rules, then clocks the design.
    fn checked_cycle(&mut self) -> Result<(), CosimError> {
        let sample = self.sample();
        self.checker.check(sample).map_err(CosimError::Axi)?;
        self.sim.cycle();
        if self.sim.assertion_failed() {
            return Err(CosimError::Assertion(self.sim.cycles()));
        }
        Ok(())
    }

    /// Two cycles with `aresetn` low, then the column parameters again (reset restores the
    /// defaults; cells are non-volatile).
    pub fn reset(&mut self) -> Result<(), CosimError> {
        self.idle_inputs();
        self.sim.set(self.ports.aresetn, 0);
        self.checked_cycle()?;
        self.checked_cycle()?;
        self.sim.set(self.ports.aresetn, 1);
        self.sim.eval();
        if self.columns.iter().any(|c| *c != ColumnParams::default()) {
            let columns = self.columns.clone();
            self.program_columns(&columns)?;
        }
        Ok(())
    }

    fn delay(&mut self) -> u64 {
        self.rng.next() % 3
    }

    fn start_write(&mut self, addr: u32, data: u32, strb: u32) -> LiteWrite {
        let (aw_delay, w_delay, b_delay) = (self.delay(), self.delay(), self.delay());
        LiteWrite {
            addr,
            data,
            strb,
            aw_delay,
            w_delay,
            b_delay,
            aw_done: false,
            w_done: false,
        }
    }

    /// Drives the write channels for this cycle; the response if B transfers in it.
    fn drive_write(&mut self, w: &mut LiteWrite) -> Option<Resp> {
        let q = &self.ports;
        let sim = &mut self.sim;
        let aw_valid = !w.aw_done && w.aw_delay == 0;
        let w_valid = !w.w_done && w.w_delay == 0;
        w.aw_delay = w.aw_delay.saturating_sub(1);
        w.w_delay = w.w_delay.saturating_sub(1);
        sim.set(q.s_axil_awaddr, w.addr as u64);
        sim.set(q.s_axil_awvalid, aw_valid as u64);
        sim.set(q.s_axil_wdata, w.data as u64);
        sim.set(q.s_axil_wstrb, w.strb as u64);
        sim.set(q.s_axil_wvalid, w_valid as u64);
        w.aw_done |= aw_valid && sim.get(q.s_axil_awready) == 1;
        w.w_done |= w_valid && sim.get(q.s_axil_wready) == 1;
        let b_valid = sim.get(q.s_axil_bvalid) == 1;
        let b_ready = b_valid && w.b_delay == 0;
        if b_valid {
            w.b_delay = w.b_delay.saturating_sub(1);
        }
        sim.set(q.s_axil_bready, b_ready as u64);
        b_ready.then(|| {
            if sim.get(q.s_axil_bresp) == 0 {
                Resp::Okay
            } else {
                Resp::SlvErr
            }
        })
    }

    /// One AXI4-Lite write with the given byte strobes; its response.
    pub fn write_strobed(&mut self, addr: u32, data: u32, strb: u32) -> Result<Resp, CosimError> {
        let mut w = self.start_write(addr, data, strb);
        for _ in 0..LITE_TIMEOUT {
            let resp = self.drive_write(&mut w);
            self.checked_cycle()?;
            if let Some(resp) = resp {
                self.idle_inputs();
                return Ok(resp);
            }
        }
        Err(CosimError::AxiStalled(format!(
            "the AXI4-Lite write to 0x{addr:02x} got no response within {LITE_TIMEOUT} cycles"
        )))
    }

    /// One AXI4-Lite write of a whole word; its response.
    pub fn write(&mut self, addr: u32, data: u32) -> Result<Resp, CosimError> {
        self.write_strobed(addr, data, 0xf)
    }

    /// A write that must be answered OKAY.
    fn program(&mut self, addr: u32, data: u32) -> Result<(), CosimError> {
        match self.write(addr, data)? {
            Resp::Okay => Ok(()),
            Resp::SlvErr => Err(CosimError::AxiRefused { addr, data }),
        }
    }

    /// One AXI4-Lite read: the data and the response.
    pub fn read(&mut self, addr: u32) -> Result<(u32, Resp), CosimError> {
        let (mut ar_delay, mut r_delay) = (self.delay(), self.delay());
        let mut ar_done = false;
        let q = &self.ports;
        let (araddr, arvalid, arready, rvalid, rready, rdata, rresp) = (
            q.s_axil_araddr,
            q.s_axil_arvalid,
            q.s_axil_arready,
            q.s_axil_rvalid,
            q.s_axil_rready,
            q.s_axil_rdata,
            q.s_axil_rresp,
        );
        for _ in 0..LITE_TIMEOUT {
            let valid = !ar_done && ar_delay == 0;
            ar_delay = ar_delay.saturating_sub(1);
            self.sim.set(araddr, addr as u64);
            self.sim.set(arvalid, valid as u64);
            ar_done |= valid && self.sim.get(arready) == 1;
            let r_valid = self.sim.get(rvalid) == 1;
            let ready = r_valid && r_delay == 0;
            if r_valid {
                r_delay = r_delay.saturating_sub(1);
            }
            self.sim.set(rready, ready as u64);
            let answer = (
                self.sim.get(rdata) as u32,
                if self.sim.get(rresp) == 0 {
                    Resp::Okay
                } else {
                    Resp::SlvErr
                },
            );
            self.checked_cycle()?;
            if ready {
                self.idle_inputs();
                return Ok(answer);
            }
        }
        Err(CosimError::AxiStalled(format!(
            "the AXI4-Lite read of 0x{addr:02x} got no response within {LITE_TIMEOUT} cycles"
        )))
    }

    /// Programs every cell's level from `weights`, row by row through PROG_ROW and PROG_CELL.
    pub fn program_weights(&mut self, weights: &Weights) -> Result<(), CosimError> {
        let levels = cell_levels(&self.p, weights);
        for (r, row) in levels.chunks(self.p.phys_cols()).enumerate() {
            self.program(reg::PROG_ROW, r as u32)?;
            for (pc, &level) in row.iter().enumerate() {
                self.program(reg::PROG_CELL, pc as u32 | (level as u32) << 24)?;
            }
        }
        Ok(())
    }

    /// The writes that give column `c` its parameters: staging registers, then the column.
    fn column_writes(c: usize, col: ColumnParams) -> [(u32, u32); 3] {
        [
            (
                reg::PROG_MULT,
                col.mult as u16 as u32 | (col.shift as u32) << 16,
            ),
            (reg::PROG_BIAS, col.bias as u32),
            (reg::PROG_COLUMN, c as u32),
        ]
    }

    /// Programs every column's `mult`, `shift` and `bias` through AXI4-Lite (one
    /// `ColumnParams` per logical column).
    pub fn program_columns(&mut self, columns: &[ColumnParams]) -> Result<(), CosimError> {
        assert_eq!(columns.len(), self.p.cols(), "one ColumnParams per column");
        for (c, &col) in columns.iter().enumerate() {
            for (addr, data) in Self::column_writes(c, col) {
                self.program(addr, data)?;
            }
        }
        self.columns = columns.to_vec();
        Ok(())
    }

    /// Streams `inputs` through the AXI4-Stream ports, `tlast` on each vector's last element,
    /// and collects every result.
    pub fn stream(
        &mut self,
        inputs: &[Vec<i32>],
        stim: &Stimulus,
    ) -> Result<StreamResult, CosimError> {
        let transfers = self.p.input_transfers();
        self.stream_with_tlast(inputs, stim, |beat| beat % transfers == transfers - 1)
    }

    /// Like [`Self::stream`], with `tlast(i)` on the i-th beat of the whole stream. With
    /// `stim.program_attempt_percent`, column-parameter writes (mult of a random column toggled
    /// between 1 and -1) go through AXI4-Lite at random moments: the wrapper answers SLVERR to
    /// those the busy tile refuses, and [`StreamResult::column_writes`] says where the others
    /// landed.
    pub fn stream_with_tlast(
        &mut self,
        inputs: &[Vec<i32>],
        stim: &Stimulus,
        tlast: impl Fn(usize) -> bool,
    ) -> Result<StreamResult, CosimError> {
        let cols = self.p.cols();
        // Beats of W elements, T of them a vector.
        let transfers = self.p.input_transfers();
        let total = inputs.len() * transfers;
        let budget = stream_budget(&self.p, inputs.len(), stim);
        self.rng = Disturbance::new(stim.seed);
        let shift = 64 - byte_width(self.p.output_bits());
        let signed_out = self.p.output_signed();
        let (mut next, mut offering) = (0usize, false);
        let mut outputs: Vec<Vec<i64>> = Vec::with_capacity(inputs.len());
        let mut row: Vec<i64> = Vec::with_capacity(cols);
        let mut done_at = Vec::with_capacity(inputs.len());
        let mut column_writes = Vec::new();
        let mut attempt: Option<ColumnAttempt> = None;
        let mut taken_at_previous_start = 0usize;
        let mut cycle = 0u64;
        while outputs.len() < inputs.len() || attempt.is_some() {
            if cycle >= budget {
                return Err(CosimError::Stalled {
                    got: outputs.len(),
                    expected: inputs.len(),
                    cycles: cycle,
                });
            }
            let q = &self.ports;
            let taken_at_start = next;
            // AXI4-Stream in: once offered, an element stays until taken.
            offering |= next < total && !self.rng.chance(stim.input_gap_percent);
            self.sim.set(q.s_axis_tvalid, offering as u64);
            if offering {
                let elements = transfer(&self.p, &inputs[next / transfers], next % transfers);
                self.sim
                    .set_lanes(q.s_axis_tdata, &elements, byte_width(self.p.input_bits()));
                self.sim.set(q.s_axis_tlast, tlast(next) as u64);
                if self.sim.get(q.s_axis_tready) == 1 {
                    next += 1;
                    offering = false;
                }
            }
            let take = !self.rng.chance(stim.backpressure_percent);
            self.sim.set(q.m_axis_tready, take as u64);
            if take && self.sim.get(q.m_axis_tvalid) == 1 {
                let raw = self.sim.get(q.m_axis_tdata);
                row.push(if signed_out {
                    ((raw << shift) as i64) >> shift
                } else {
                    raw as i64
                });
                if self.sim.get(q.m_axis_tlast) == 1 {
                    outputs.push(std::mem::replace(&mut row, Vec::with_capacity(cols)));
                    if let Some(report) = &mut self.progress {
                        report(outputs.len());
                    }
                    done_at.push(cycle);
                }
            }
            if attempt.is_none()
                && outputs.len() < inputs.len()
                && self.rng.chance(stim.program_attempt_percent)
            {
                let c = (self.rng.next() % cols as u64) as usize;
                let old = self.columns[c];
                let params = ColumnParams {
                    mult: if old.mult == 1 { -1 } else { 1 },
                    ..old
                };
                let mut writes = Self::column_writes(c, params).to_vec();
                writes.reverse();
                let (addr, data) = writes.pop().expect("three writes");
                let first = self.start_write(addr, data, 0xf);
                attempt = Some((
                    writes,
                    first,
                    ColumnWrite {
                        vector: 0,
                        column: c,
                        params,
                    },
                    None,
                ));
            }
            if let Some((mut writes, mut write, mut landed, mut applies_to)) = attempt.take() {
                // The tile takes a programming word in the cycle before BVALID rises; elements
                // taken before that cycle belong to earlier vectors (wrapper header).
                if writes.is_empty()
                    && applies_to.is_none()
                    && self.sim.get(self.ports.s_axil_bvalid) == 1
                {
                    applies_to = Some(taken_at_previous_start.div_ceil(transfers));
                }
                attempt = match self.drive_write(&mut write) {
                    None => Some((writes, write, landed, applies_to)),
                    Some(resp) => match writes.pop() {
                        Some((addr, data)) => {
                            let next_write = self.start_write(addr, data, 0xf);
                            Some((writes, next_write, landed, applies_to))
                        }
                        None => {
                            if resp == Resp::Okay {
                                landed.vector =
                                    applies_to.expect("BVALID was seen before its transfer");
                                self.columns[landed.column] = landed.params;
                                column_writes.push(landed);
                            }
                            None
                        }
                    },
                };
            } else {
                for port in [
                    self.ports.s_axil_awvalid,
                    self.ports.s_axil_wvalid,
                    self.ports.s_axil_bready,
                ] {
                    self.sim.set(port, 0);
                }
            }
            self.checked_cycle()?;
            taken_at_previous_start = taken_at_start;
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

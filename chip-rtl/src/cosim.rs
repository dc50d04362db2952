//! The chip in Verilator against the network on the golden model: every tile programmed through
//! the chip's programming port, images streamed in, logits streamed out, and every tile result
//! the collectors take (the observation port) compared with the golden model's, so that a
//! mismatch names its image, layer, tile, MVM and column.

use crate::plan::{LayerStep, Plan, Step};
use crate::{ChipRtl, TOP};
use anyhow::{bail, Context, Result};
use cimtile_cosim::sim_macro::{ClockGates, Macro};
use cimtile_cosim::simulator::{PortId, Simulator};
use cimtile_cosim::tile_driver::{cell_levels, Disturbance};
use cimtile_cosim::verilator_build::{build_with_sources, BuiltModel, CppSource};
use cimtile_hdl::dpi;
use cimtile_net::quant::QuantNet;
use cimtile_net::tiled::TiledNet;
use cimtile_tile::data::ColumnParams;
use cimtile_tile::TileParams;
use std::path::Path;

/// Verilator's flags for a chip. Verilator 5 writes each tile instance's evaluation out in
/// full; inlining every tile into the top as well (its default) made the digits MLP's 38 tiles
/// 15 MB of C++ and a 400 s build. Inlining only small modules and leaving the tracing code
/// out unless a waveform is wanted builds it in about 30 s (docs/speed.md).
fn chip_flags(trace: bool) -> Vec<&'static str> {
    let mut flags = ClockGates::Enables.flags().to_vec();
    flags.extend(["--inline-mult", "100"]);
    if !trace {
        flags.push("--no-trace");
    }
    flags
}

/// Builds (or finds in the cache) the Verilator model of `chip`, its crossbars `sim_macro`
/// where the tiles have the behavioral macro; with `trace`, one that can write a waveform.
pub fn build(chip: &ChipRtl, sim_macro: Macro, trace: bool) -> Result<BuiltModel> {
    let dpi_macro = sim_macro == Macro::Dpi && chip.tile.dpi_simulation_verilog().is_some();
    let cpp = [CppSource {
        name: dpi::CPP_FILE,
        text: dpi::MACRO_CPP,
    }];
    let model = build_with_sources(
        &chip.simulation_verilog(dpi_macro),
        TOP,
        &chip_flags(trace),
        if dpi_macro { &cpp } else { &[] },
    )?;
    Ok(model)
}

/// The chip's ports the driver uses.
struct Ports {
    reset: PortId,
    prog_valid: PortId,
    prog_ready: PortId,
    prog_tile: PortId,
    prog_column: Option<PortId>,
    prog_row: PortId,
    prog_col: PortId,
    prog_level: PortId,
    prog_mult: Option<PortId>,
    prog_shift: Option<PortId>,
    prog_bias: Option<PortId>,
    prog_entry: Option<PortId>,
    in_valid: PortId,
    in_ready: PortId,
    in_data: PortId,
    in_last: PortId,
    out_valid: PortId,
    out_ready: PortId,
    out_data: PortId,
    out_last: PortId,
    image_error: PortId,
    prog_error: PortId,
    mon_valid: PortId,
    mon_tile: PortId,
    mon_col: PortId,
    mon_data: PortId,
    mvms: PortId,
}

/// One tile result as the chip's observation port showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// The chip's tile number.
    pub tile: usize,
    /// The column.
    pub col: usize,
    /// The result.
    pub value: i64,
}

/// One image through the chip.
#[derive(Debug, Clone)]
pub struct ImageRun {
    /// The output codes (the logits).
    pub outputs: Vec<i64>,
    /// Every tile result, in the order the collectors took them.
    pub observed: Vec<Observed>,
    /// Cycles from the image's first input transfer to its last output transfer.
    pub cycles: u64,
    /// The chip's count of tile MVMs since reset, after the image.
    pub mvms: u64,
}

/// A simulated chip.
pub struct ChipSim {
    sim: Simulator,
    ports: Ports,
    p: TileParams,
    in_bits: u32,
    out_bits: u32,
    mon_bits: u32,
    outputs: usize,
    /// Cycles an image may take before the chip counts as stuck.
    max_cycles: u64,
    /// The host's hesitations: percent of cycles it holds back an input it could offer, and
    /// of cycles it refuses an output.
    gaps: u32,
    backpressure: u32,
    disturbance: Disturbance,
}

/// `value`'s low `bits` bits as two's complement.
fn signed(value: u64, bits: u32) -> i64 {
    ((value << (64 - bits)) as i64) >> (64 - bits)
}

impl ChipSim {
    /// Loads the built `model` of `chip` and resets it.
    pub fn load(model: &BuiltModel, chip: &ChipRtl, p: &TileParams) -> Result<Self> {
        let sim = Simulator::load(model)?;
        let port = |name: &str| sim.port(name);
        let optional = |name: &str| sim.port(name).ok();
        let ports = Ports {
            reset: port("reset")?,
            prog_valid: port("prog_valid")?,
            prog_ready: port("prog_ready")?,
            prog_tile: port("prog_tile")?,
            prog_column: optional("prog_column"),
            prog_row: port("prog_row")?,
            prog_col: port("prog_col")?,
            prog_level: port("prog_level")?,
            prog_mult: optional("prog_mult"),
            prog_shift: optional("prog_shift"),
            prog_bias: optional("prog_bias"),
            prog_entry: optional("prog_entry"),
            in_valid: port("s_axis_tvalid")?,
            in_ready: port("s_axis_tready")?,
            in_data: port("s_axis_tdata")?,
            in_last: port("s_axis_tlast")?,
            out_valid: port("m_axis_tvalid")?,
            out_ready: port("m_axis_tready")?,
            out_data: port("m_axis_tdata")?,
            out_last: port("m_axis_tlast")?,
            image_error: port("image_error")?,
            prog_error: port("prog_error")?,
            mon_valid: port("mon_valid")?,
            mon_tile: port("mon_tile")?,
            mon_col: port("mon_col")?,
            mon_data: port("mon_data")?,
            mvms: port("mvms")?,
        };
        let width = |name: &str| {
            sim.ports()
                .iter()
                .find(|q| q.name == name)
                .map(|q| q.width as u32)
                .expect("the chip has the port")
        };
        let plan = &chip.plan;
        let in_bits = width("s_axis_tdata");
        let out_bits = width("m_axis_tdata");
        let mon_bits = width("mon_data");
        let outputs = plan.memories[plan.output].depth;
        // Every layer's tiles run its positions; the collectors take a result a cycle. A
        // generous bound on an image's cycles, for the error of a chip that stops.
        let max_cycles = 1000
            + plan
                .layers()
                .map(|l| {
                    l.positions() as u64
                        * (l.tiles() as u64 * (p.cols() as u64 + 4)
                            + 4 * p.min_cycles_per_mvm()
                            + 64)
                })
                .sum::<u64>()
                * 4;
        let mut chip_sim = ChipSim {
            sim,
            ports,
            p: p.clone(),
            in_bits,
            out_bits,
            mon_bits,
            outputs,
            max_cycles,
            gaps: 0,
            backpressure: 0,
            disturbance: Disturbance::new(1),
        };
        chip_sim.reset();
        Ok(chip_sim)
    }

    /// Makes the host hesitate as a real one may: on `gaps` percent of the cycles it could offer
    /// an input code it does not (a code offered stays offered until taken, as AXI4-Stream
    /// requires), and on `backpressure` percent it refuses an output; reproducible from `seed`.
    pub fn disturb(&mut self, gaps: u32, backpressure: u32, seed: u64) {
        self.gaps = gaps;
        self.backpressure = backpressure;
        self.disturbance = Disturbance::new(seed);
    }

    /// Writes a VCD of everything from now on to `path`.
    pub fn trace(&mut self, path: &Path) -> Result<()> {
        self.sim
            .trace(path)
            .with_context(|| format!("writing the waveform {}", path.display()))
    }

    /// Two cycles of reset.
    fn reset(&mut self) {
        self.sim.set(self.ports.reset, 1);
        self.sim.set(self.ports.prog_valid, 0);
        self.sim.set(self.ports.in_valid, 0);
        self.sim.set(self.ports.out_ready, 0);
        self.sim.cycle();
        self.sim.cycle();
        self.sim.set(self.ports.reset, 0);
        self.sim.eval();
    }

    fn checked_cycle(&mut self) -> Result<()> {
        self.sim.cycle();
        if self.sim.assertion_failed() {
            bail!("a tile's host rule failed in the chip (its assertion is printed above)");
        }
        Ok(())
    }

    /// One programming word; waits for `prog_ready`.
    fn program_word(&mut self, set: impl Fn(&mut Simulator, &Ports)) -> Result<()> {
        set(&mut self.sim, &self.ports);
        self.sim.set(self.ports.prog_valid, 1);
        for _ in 0..10_000 {
            self.sim.eval();
            let ready = self.sim.get(self.ports.prog_ready) == 1;
            self.checked_cycle()?;
            if ready {
                self.sim.set(self.ports.prog_valid, 0);
                return Ok(());
            }
        }
        bail!("the chip did not take a programming word in 10,000 cycles (prog_ready stayed low)")
    }

    /// Programs every tile of `tiled` (its weights and, where it has them, its column
    /// parameters), then the chip's tables from `quant` (the requantization of the layers the
    /// chip requantizes, the residual sums' factors), through the chip's programming port.
    pub fn program(&mut self, plan: &Plan, tiled: &TiledNet, quant: &QuantNet) -> Result<()> {
        let phys = self.p.phys_cols();
        let tiles = tiled.layers.iter().flat_map(|l| &l.tiles);
        for (index, tile) in tiles.enumerate() {
            if let Some(column) = self.ports.prog_column {
                self.sim.set(column, 0);
            }
            for (i, &level) in cell_levels(&self.p, &tile.weights).iter().enumerate() {
                self.program_word(|sim, ports| {
                    sim.set(ports.prog_tile, index as u64);
                    sim.set(ports.prog_row, (i / phys) as u64);
                    sim.set(ports.prog_col, (i % phys) as u64);
                    sim.set(ports.prog_level, u64::from(level));
                })?;
            }
            if tile.columns.iter().all(|c| *c == ColumnParams::default()) {
                continue;
            }
            let (Some(column), Some(mult), Some(shift), Some(bias)) = (
                self.ports.prog_column,
                self.ports.prog_mult,
                self.ports.prog_shift,
                self.ports.prog_bias,
            ) else {
                bail!("tile {index} has column parameters, but the chip's tiles are raw (output.raw): they have none");
            };
            for (c, col) in tile.columns.iter().enumerate() {
                self.program_word(|sim, ports| {
                    sim.set(ports.prog_tile, index as u64);
                    sim.set(column, 1);
                    sim.set(ports.prog_col, c as u64);
                    sim.set(mult, col.mult as u16 as u64);
                    sim.set(shift, u64::from(col.shift));
                    sim.set(bias, col.bias as u32 as u64);
                })?;
            }
            self.sim.set(column, 0);
        }
        for step in &plan.steps {
            let (table, words): (usize, Vec<(u64, u64, u64)>) = match step {
                Step::Layer(LayerStep {
                    layer,
                    table: Some(t),
                    ..
                }) => (
                    *t,
                    quant.layers[*layer]
                        .columns
                        .iter()
                        .map(|c| {
                            (
                                c.mult as u16 as u64,
                                u64::from(c.shift),
                                c.bias as u32 as u64,
                            )
                        })
                        .collect(),
                ),
                Step::Add(a) => {
                    let (ma, mb) = quant.add_factors(a.node);
                    let word = |m: i64| {
                        i32::try_from(m).map(|m| (0, 0, m as u32 as u64)).map_err(|_| {
                            anyhow::anyhow!(
                                "node {}: a residual factor of {m} / 2^{} does not fit the chip's 32-bit factor",
                                a.node,
                                a.shift
                            )
                        })
                    };
                    (a.table, vec![word(ma)?, word(mb)?])
                }
                _ => continue,
            };
            let (Some(entry), Some(mult), Some(shift), Some(bias)) = (
                self.ports.prog_entry,
                self.ports.prog_mult,
                self.ports.prog_shift,
                self.ports.prog_bias,
            ) else {
                bail!("the chip has tables but no prog_entry, prog_mult, prog_shift or prog_bias port");
            };
            for (e, (m, sh, b)) in words.into_iter().enumerate() {
                self.program_word(|sim, ports| {
                    sim.set(ports.prog_tile, (plan.tiles + table) as u64);
                    sim.set(entry, e as u64);
                    sim.set(mult, m);
                    sim.set(shift, sh);
                    sim.set(bias, b);
                })?;
            }
        }
        if self.sim.get(self.ports.prog_error) == 1 {
            bail!(
                "the chip flagged prog_error: a programming word addressed a tile it does not have"
            );
        }
        Ok(())
    }

    /// Streams one image's input codes through the chip and collects its outputs and every
    /// tile result.
    pub fn infer(&mut self, codes: &[i64]) -> Result<ImageRun> {
        let mask = if self.in_bits >= 64 {
            u64::MAX
        } else {
            (1u64 << self.in_bits) - 1
        };
        let mut next = 0;
        let mut outputs = Vec::with_capacity(self.outputs);
        let mut observed = Vec::new();
        let mut first: Option<u64> = None;
        let mut offered = false;
        loop {
            // A code once offered stays until taken; a new one may wait a cycle.
            offered = next < codes.len() && (offered || !self.disturbance.chance(self.gaps));
            if offered {
                self.sim.set(self.ports.in_valid, 1);
                self.sim.set(self.ports.in_data, codes[next] as u64 & mask);
                self.sim
                    .set(self.ports.in_last, u64::from(next + 1 == codes.len()));
            } else {
                self.sim.set(self.ports.in_valid, 0);
                self.sim.set(self.ports.in_last, 0);
            }
            let ready = !self.disturbance.chance(self.backpressure);
            self.sim.set(self.ports.out_ready, u64::from(ready));
            self.sim.eval();
            if offered && self.sim.get(self.ports.in_ready) == 1 {
                first.get_or_insert(self.sim.cycles());
                next += 1;
                offered = false;
            }
            if self.sim.get(self.ports.mon_valid) == 1 {
                observed.push(Observed {
                    tile: self.sim.get(self.ports.mon_tile) as usize,
                    col: self.sim.get(self.ports.mon_col) as usize,
                    value: signed(self.sim.get(self.ports.mon_data), self.mon_bits),
                });
            }
            let mut done = false;
            if ready && self.sim.get(self.ports.out_valid) == 1 {
                outputs.push(signed(self.sim.get(self.ports.out_data), self.out_bits));
                done = self.sim.get(self.ports.out_last) == 1;
            }
            self.checked_cycle()?;
            if done {
                break;
            }
            if let Some(start) = first {
                if self.sim.cycles() - start > self.max_cycles {
                    bail!(
                        "the chip gave {} of {} outputs in {} cycles and seems stuck",
                        outputs.len(),
                        self.outputs,
                        self.max_cycles
                    );
                }
            }
        }
        self.sim.set(self.ports.out_ready, 0);
        self.sim.set(self.ports.in_valid, 0);
        if self.sim.get(self.ports.image_error) == 1 {
            bail!("the chip flagged image_error: an input's tlast or upper bits were wrong");
        }
        if outputs.len() != self.outputs {
            bail!(
                "the chip gave {} outputs with tlast; the network has {}",
                outputs.len(),
                self.outputs
            );
        }
        let cycles = self.sim.cycles() - first.expect("the image's codes went in");
        Ok(ImageRun {
            outputs,
            observed,
            cycles,
            mvms: self.sim.get(self.ports.mvms),
        })
    }
}

/// Where the chip and the golden model first differ on an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The image's index.
    pub image: usize,
    /// What differs, naming the layer, tile, MVM and column, or the output.
    pub what: String,
}

/// The golden model's run of image `image` (input codes `codes`): its outputs and, per chip
/// tile, each MVM's results.
pub fn expected(
    tiled: &TiledNet,
    output: usize,
    image: usize,
    codes: &[i64],
) -> (Vec<i64>, Vec<Vec<Vec<i64>>>) {
    let first: Vec<usize> = tiled
        .layers
        .iter()
        .scan(0, |next, l| {
            let at = *next;
            *next += l.tiles.len();
            Some(at)
        })
        .collect();
    let mut per_tile: Vec<Vec<Vec<i64>>> = vec![Vec::new(); tiled.tiles()];
    let outputs = tiled
        .forward(image as u32, codes.to_vec(), |mvm| {
            let layer = &tiled.layers[mvm.layer];
            let index = first[mvm.layer] + mvm.tile.row_tile * layer.col_tiles + mvm.tile.col_tile;
            per_tile[index].push(mvm.out.to_vec());
        })
        .swap_remove(output);
    (outputs, per_tile)
}

/// Compares the chip's run of image `image` with the golden model's `expected` one.
pub fn compare(
    chip: &ChipRtl,
    image: usize,
    run: &ImageRun,
    expected_outputs: &[i64],
    expected_tiles: &[Vec<Vec<i64>>],
) -> Option<Mismatch> {
    let mismatch = |what: String| Some(Mismatch { image, what });
    let cols = expected_tiles
        .iter()
        .flatten()
        .map(Vec::len)
        .next()
        .unwrap_or(1);
    let mut seen = vec![0usize; expected_tiles.len()];
    let mut layer_of = Vec::new();
    for l in chip.plan.layers() {
        layer_of.extend(std::iter::repeat_n(l, l.tiles()));
    }
    for o in &run.observed {
        let Some(mvms) = expected_tiles.get(o.tile) else {
            return mismatch(format!(
                "the observation port showed tile {}, which the chip does not have",
                o.tile
            ));
        };
        let (mvm, col) = (seen[o.tile] / cols, seen[o.tile] % cols);
        seen[o.tile] += 1;
        let layer = layer_of[o.tile];
        let local = o.tile - layer.first_tile;
        let name = format!(
            "layer {} ({}), tile {} (row tile {}, column tile {}), MVM {mvm}",
            layer.layer,
            layer.name,
            o.tile,
            local / layer.col_tiles,
            local % layer.col_tiles
        );
        match mvms.get(mvm).map(|m| m[col]) {
            None => {
                return mismatch(format!(
                    "{name}: the chip ran more MVMs than the model ({})",
                    mvms.len()
                ))
            }
            Some(_) if o.col != col => {
                return mismatch(format!("{name}: result {col} came as column {}", o.col))
            }
            Some(want) if want != o.value => {
                return mismatch(format!(
                    "{name}, column {col}: the RTL gave {}, the model {want}",
                    o.value
                ))
            }
            Some(_) => {}
        }
    }
    if let Some((tile, mvms)) = expected_tiles
        .iter()
        .enumerate()
        .find(|(t, mvms)| seen[*t] != mvms.len() * cols)
    {
        return mismatch(format!(
            "tile {tile}: the chip took {} results, the model's {} MVMs make {}",
            seen[tile],
            mvms.len(),
            mvms.len() * cols
        ));
    }
    // Images run in order from reset, every tile its layer's positions each.
    let per_image: usize = expected_tiles.iter().map(Vec::len).sum();
    if run.mvms != ((image + 1) * per_image) as u64 {
        return mismatch(format!(
            "the chip counted {} tile MVMs since reset (mvms); {} images of {per_image} make {}",
            run.mvms,
            image + 1,
            (image + 1) * per_image
        ));
    }
    if let Some(i) =
        (0..expected_outputs.len()).find(|&i| run.outputs.get(i) != Some(&expected_outputs[i]))
    {
        return mismatch(format!(
            "output {i}: the RTL gave {:?}, the model {}",
            run.outputs.get(i),
            expected_outputs[i]
        ));
    }
    None
}

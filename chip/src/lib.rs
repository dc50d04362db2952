#![deny(missing_docs)]

//! A chip of cimtile tiles running a network: every weight layer mapped weight-stationary onto
//! tiles, its latency, throughput, energy and area with what a chip adds to its tiles.
//!
//! The model, in one place (docs/chip.md states it with every source):
//! - **Mapping**: a layer's `K x N` matrix takes `ceil(K/R) * ceil(N/C)` tiles of `R` rows and
//!   `C` logical columns; [`Replication`] gives layers that limit throughput copies. Each of the
//!   layer's MVMs (one per output position of a convolution) is one MVM of every tile of a copy.
//! - **Tiles**: priced by the tile's own PPA report (`cimtile ppa`): energy per MVM, cycles per
//!   MVM at its clock, area. Its synthesized digital periphery is re-scaled from 180 nm to
//!   `tech.node_nm` by Stillmaker and Baas (2017); its array, drivers and ADCs keep the PPA
//!   model's figures at the node. A layer split over row tiles uses the tile's raw variant
//!   (`output.raw`: no column parameters, no activation unit), priced as generated so: the chip
//!   adds and requantizes its partial sums, which are the accumulators' width.
//! - **Buffers**: one SRAM per layer boundary holding the activation the layer reads, twice
//!   (ping-pong: the pipeline writes the next image's while the layer reads this one's); every
//!   MVM reads its `K` input elements, every output element is written once.
//! - **Interconnect**: a 2-D mesh of the tiles, each layer in a square region of its own;
//!   activations to a layer's column tiles and partial sums from its row tiles cross the mean
//!   distance of that region; energy per bit per hop is the wire's `a C V^2` over one tile pitch
//!   plus a router register bit.
//! - **Accumulation**: a layer split over `r > 1` row tiles adds `r - 1` partial sums per output.
//! - **Digital stage**: one comparison per output element (activation, pooling).
//! - **Requantization**: after an accumulation across row tiles, one multiply per output element
//!   brings the sum back to the next layer's input precision (a single row tile does it in the
//!   tile's own column parameters, priced in the tile).
//! - **Time**: a layer takes `ceil(MVMs / copies)` MVM times plus its mesh hops and additions;
//!   one inference is the sum over layers, and with the layers pipelined a new inference starts
//!   every slowest-layer time.
//!
//! ```
//! use cimtile_chip::{estimate, Layer, Replication, TileFigures};
//! let layers = vec![Layer::dense("fc", 64, 10)];
//! let tile = TileFigures {
//!     rows: 16, cols: 4, input_bits: 4, output_bits: 16, node_nm: 180.0, vdd_v: 1.8, toggle_fj: 90.0,
//!     clock_mhz: 100.0, cycles_per_mvm: 20.0, area_mm2: 0.1, energy_pj_per_mvm: 50.0, digital_pj_per_mvm: 10.0,
//!     digital_by_toggle_model: false, raw: None,
//! };
//! let chip = estimate(&layers, &tile, Replication::Max(1)).unwrap();
//! assert_eq!(chip.tiles, 4 * 3);
//! ```

pub mod components;
pub mod constants;
pub mod mapping;
pub mod published;

use cimtile_tile::ppa::constants::Constant;
use cimtile_tile::ppa::PpaReport;
use cimtile_tile::TileParams;
use components::{Mesh, Node};
use mapping::Placement;
pub use mapping::Replication;
use serde::Serialize;
use std::collections::BTreeMap;

/// What is wrong with a network or a chip request.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ChipError {
    /// The network has no weight layer.
    #[error("the network has no weight layers: nothing to map onto tiles")]
    NoLayers,
    /// A layer with no inputs, no outputs or no MVMs.
    #[error("layer '{layer}': {what} is 0; a weight layer needs K >= 1 inputs, N >= 1 outputs and at least one MVM per inference")]
    EmptyLayer {
        /// The layer's name.
        layer: String,
        /// What is 0: `K`, `N` or `MVMs per inference`.
        what: &'static str,
    },
    /// A `--replicate` value that is neither `auto` nor a count >= 1 (the value given).
    #[error("--replicate {0}: expected auto or a whole number of copies >= 1")]
    Replication(String),
    /// The tile's energy per MVM (pJ, given) is not positive, so nothing can be priced.
    #[error("the tile's PPA report has no energy per MVM ({0} pJ): cannot price the chip")]
    TileEnergy(f64),
}

/// One weight layer as the chip sees it: a `K x N` matrix applied `mvms` times per inference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// The layer's name in the network file.
    pub name: String,
    /// What the layer is (`dense`, `conv`): for the table.
    pub op: String,
    /// Inputs of one MVM (`Cin * kh * kw` for a convolution).
    pub k: usize,
    /// Outputs of one MVM (`Cout` for a convolution).
    pub n: usize,
    /// MVMs per inference: 1 for a dense layer, the output positions of a convolution.
    pub mvms: u64,
    /// Elements of the activation the layer reads, per inference.
    pub input_elements: u64,
    /// Elements of the activation the layer writes, per inference.
    pub output_elements: u64,
}

impl From<&cimtile_net::WeightLayer> for Layer {
    /// The chip's view of a network's weight layer.
    fn from(l: &cimtile_net::WeightLayer) -> Layer {
        Layer {
            name: l.name.clone(),
            op: format!("{:?}", l.kind).to_lowercase(),
            k: l.k,
            n: l.n,
            mvms: l.mvms_per_inference as u64,
            input_elements: l.input_elements as u64,
            output_elements: l.output_elements as u64,
        }
    }
}

impl Layer {
    /// A dense `k x n` layer: one MVM, `k` inputs, `n` outputs.
    pub fn dense(name: &str, k: usize, n: usize) -> Layer {
        Layer {
            name: name.to_string(),
            op: "dense".to_string(),
            k,
            n,
            mvms: 1,
            input_elements: k as u64,
            output_elements: n as u64,
        }
    }
    fn check(&self) -> Result<(), ChipError> {
        let what = if self.k == 0 {
            "K"
        } else if self.n == 0 {
            "N"
        } else if self.mvms == 0 {
            "MVMs per inference"
        } else {
            return Ok(());
        };
        Err(ChipError::EmptyLayer {
            layer: self.name.clone(),
            what,
        })
    }
}

/// The tile the chip is built from: its shape, technology and PPA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileFigures {
    /// R: rows (inputs of one MVM).
    pub rows: usize,
    /// C: logical columns (outputs of one MVM).
    pub cols: usize,
    /// Bits of an input element (the activations the buffers hold).
    pub input_bits: u32,
    /// Bits of an output element (partial sums and results).
    pub output_bits: u32,
    /// `tech.node_nm`.
    pub node_nm: f64,
    /// `tech.vdd_v`.
    pub vdd_v: f64,
    /// `tech.toggle_fj`: energy of a cell toggling at 180 nm, fJ.
    pub toggle_fj: f64,
    /// The tile's clock, MHz.
    pub clock_mhz: f64,
    /// Clock cycles of one MVM (a mean where the spacing of MVMs alternates).
    pub cycles_per_mvm: f64,
    /// Tile area, mm^2.
    pub area_mm2: f64,
    /// Energy of one MVM as the PPA report gives it, pJ.
    pub energy_pj_per_mvm: f64,
    /// The part of it spent in the synthesized digital periphery (logic and buffers), pJ.
    pub digital_pj_per_mvm: f64,
    /// Whether that part is the PPA model's toggle estimate, scaled from 180 nm by its `C V^2`
    /// rule, which the chip re-scales by Stillmaker-Baas; false where the report priced the
    /// netlist's power, already scaled by Stillmaker-Baas from its library's node.
    pub digital_by_toggle_model: bool,
    /// The same tile returning its accumulators (`output.raw`: no column parameters, no
    /// activation unit), which the layers split over row tiles use: the chip adds their partial
    /// sums and requantizes them itself. None where the tile is raw already or cannot be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<Box<TileFigures>>,
}

impl TileFigures {
    /// The figures of the tile `p` from its PPA report.
    pub fn new(p: &TileParams, ppa: &PpaReport) -> TileFigures {
        let tech = &p.config().tech;
        let digital = ["digital_logic", "buffers"]
            .iter()
            .filter_map(|k| ppa.energy_pj.get(*k))
            .sum();
        TileFigures {
            rows: p.rows(),
            cols: p.cols(),
            input_bits: p.input_bits(),
            output_bits: p.output_bits(),
            node_nm: tech.node_nm,
            vdd_v: tech.vdd_v,
            toggle_fj: tech.toggle_fj,
            clock_mhz: ppa.clock_mhz,
            cycles_per_mvm: ppa.cycles_per_mvm,
            area_mm2: ppa.area_mm2,
            energy_pj_per_mvm: ppa.energy_pj_per_mvm,
            digital_pj_per_mvm: digital,
            digital_by_toggle_model: ppa.library.is_none(),
            raw: None,
        }
    }

    /// The figures of the tile `p` and of its raw variant
    /// ([`TileParams::raw_variant`]), each from its PPA report as `price` makes it.
    pub fn priced<E>(
        p: &TileParams,
        price: impl Fn(&TileParams) -> Result<PpaReport, E>,
    ) -> Result<TileFigures, E> {
        let mut figures = TileFigures::new(p, &price(p)?);
        if let Some(raw) = p.raw_variant().filter(|_| !p.raw_output()) {
            figures.raw = Some(Box::new(TileFigures::new(&raw, &price(&raw)?)));
        }
        Ok(figures)
    }

    /// The tile a layer placed as `p` uses: the raw one where the chip adds its row tiles.
    fn for_layer(&self, p: &Placement) -> &TileFigures {
        match &self.raw {
            Some(raw) if p.row_tiles > 1 => raw,
            _ => self,
        }
    }

    /// Energy of one MVM as the chip prices it, pJ: the PPA report's, with a toggle-model
    /// periphery re-scaled from the PPA model's `C V^2` rule to Stillmaker-Baas (equal at
    /// 180 nm, where it was measured).
    pub fn chip_energy_pj_per_mvm(&self) -> f64 {
        if !self.digital_by_toggle_model {
            return self.energy_pj_per_mvm;
        }
        let cv2 = (self.node_nm / 180.0) * (self.vdd_v / 1.8).powi(2);
        let at_180 = self.digital_pj_per_mvm / cv2;
        self.energy_pj_per_mvm - self.digital_pj_per_mvm
            + at_180 * constants::energy_scale(180.0, self.node_nm)
    }
}

/// One layer on the chip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerReport {
    /// The layer's name.
    pub name: String,
    /// What the layer is (`dense`, `conv`).
    pub op: String,
    /// K: inputs of one MVM.
    pub k: usize,
    /// N: outputs of one MVM.
    pub n: usize,
    /// The layer's MVMs per inference (vectors through its matrix).
    pub vectors: u64,
    /// Tiles the K inputs are split over: `ceil(K / R)`, each adding a partial sum.
    pub row_tiles: u64,
    /// Tiles the N outputs are split over: `ceil(N / C)`.
    pub col_tiles: u64,
    /// Copies of the layer's weights, each taking its share of the MVMs.
    pub copies: u64,
    /// Tiles of the layer: `row_tiles * col_tiles * copies`.
    pub tiles: u64,
    /// Tile MVMs per inference: `vectors * row_tiles * col_tiles`.
    pub mvms: u64,
    /// Mean mesh hops of its activations and partial sums ([`Mesh::hops`]).
    pub hops: f64,
    /// `K * N * vectors`.
    pub macs: u64,
    /// Cycles of one inference in this layer.
    pub cycles: u64,
    /// Those cycles at the tile's clock, us.
    pub latency_us: f64,
    /// Energy of one inference in this layer, every chip component included, uJ.
    pub energy_uj: f64,
}

/// The chip's figures: every field of `cimtile chip --json`. Its efficiency fields look like
/// [`PpaReport`]'s but are not shared with it: those are one tile's, per MVM in pJ and by tile
/// block; these are the whole chip's, per inference in uJ and by chip component (tiles, buffers,
/// interconnect, ...), under the names issue 22 gives the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ChipReport {
    /// Tiles on the chip, every copy included.
    pub tiles: u64,
    /// Tiles of one copy of every weight: `sum ceil(K/R) * ceil(N/C)`.
    pub tiles_single_copy: u64,
    /// The replication asked for and the `Max(n)` it resolved to.
    pub replication: String,
    /// Tile MVMs per inference.
    pub mvms_per_inference: u64,
    /// Multiply-accumulates of one inference: `sum K * N * vectors`.
    pub macs_per_inference: u64,
    /// One inference through every layer in turn, us.
    pub latency_us: f64,
    /// With the layers pipelined: one inference per slowest-layer time.
    pub inferences_per_s: f64,
    /// Energy of one inference, uJ.
    pub energy_uj_per_inference: f64,
    /// That energy by chip component (`tiles`, `buffers`, `interconnect`, `accumulation`,
    /// `digital_stage`, `requantization`), uJ.
    pub energy_uj_by_component: BTreeMap<String, f64>,
    /// Chip area, mm^2.
    pub area_mm2: f64,
    /// That area by chip component, mm^2.
    pub area_mm2_by_component: BTreeMap<String, f64>,
    /// `2 * MACs / energy`.
    pub tops_per_w: f64,
    /// `2 * MACs * inferences_per_s`, TOPS.
    pub tops: f64,
    /// The tile as the chip uses it.
    pub tile: TileFigures,
    /// The tile's energy per MVM as the chip prices it (see [`TileFigures::chip_energy_pj_per_mvm`]).
    pub tile_energy_pj_per_mvm: f64,
    /// The mesh between the tiles.
    pub mesh: Mesh,
    /// Bits of SRAM in the activation buffers.
    pub buffer_bits: u64,
    /// Every weight layer, in network order.
    pub layers: Vec<LayerReport>,
    /// What is measured and what is scaled.
    pub provenance: Vec<String>,
    /// Every constant the chip added, with its source.
    pub constants: BTreeMap<String, Constant>,
}

fn ceil_log2(x: u64) -> u32 {
    64 - (x.max(1) - 1).leading_zeros()
}

/// Adds `v` to `map[key]`.
fn add(map: &mut BTreeMap<String, f64>, key: &str, v: f64) {
    *map.entry(key.to_string()).or_default() += v
}

/// The chip's figures summed over the layers priced so far.
#[derive(Default)]
struct Totals {
    /// Energy of one inference by chip component, uJ.
    energy_uj: BTreeMap<String, f64>,
    /// Area by chip component, mm^2.
    area_mm2: BTreeMap<String, f64>,
    layers: Vec<LayerReport>,
    /// The slowest layer's compute cycles: with the layers pipelined, one inference per this.
    slowest_cycles: u64,
}

/// What every layer is priced with: the tile, the node, the mesh and the activation buffers.
struct Pricing<'a> {
    tile: &'a TileFigures,
    node: Node,
    mesh: Mesh,
    /// Bits of each activation buffer: layer `i` reads buffer `i` and writes buffer `i + 1`.
    buffers: Vec<u64>,
}

impl Pricing<'_> {
    /// Energy of one inference in layer `l` (the `i`th) placed as `p`, its bits crossing `hops`
    /// mesh hops: pJ by chip component.
    fn layer_energy_pj(
        &self,
        i: usize,
        l: &Layer,
        p: &Placement,
        hops: f64,
    ) -> BTreeMap<String, f64> {
        let (node, in_bits, out_bits) = (
            &self.node,
            self.tile.input_bits as u64,
            self.tile.output_bits,
        );
        let tile = self.tile.for_layer(p);
        let mvms = l.mvms * p.tiles_per_copy();
        let psum_bits = tile.output_bits + ceil_log2(p.row_tiles);
        let mut e = BTreeMap::new();
        add(&mut e, "tiles", mvms as f64 * tile.chip_energy_pj_per_mvm());
        let read_bits = l.mvms * l.k as u64 * in_bits;
        let write_bits = l.output_elements * out_bits as u64;
        add(
            &mut e,
            "buffers",
            read_bits as f64 * node.sram_pj_per_bit(self.buffers[i])
                + write_bits as f64 * node.sram_pj_per_bit(self.buffers[i + 1]),
        );
        let moved =
            read_bits * p.col_tiles + l.mvms * l.n as u64 * tile.output_bits as u64 * p.row_tiles;
        add(
            &mut e,
            "interconnect",
            moved as f64 * hops * self.mesh.pj_per_bit_hop,
        );
        let accumulations = l.mvms * l.n as u64 * (p.row_tiles - 1);
        add(
            &mut e,
            "accumulation",
            accumulations as f64 * node.add_pj(psum_bits),
        );
        add(
            &mut e,
            "digital_stage",
            l.output_elements as f64 * node.add_pj(out_bits),
        );
        let requantized = if p.row_tiles > 1 {
            l.mvms * l.n as u64
        } else {
            0
        };
        add(
            &mut e,
            "requantization",
            requantized as f64 * node.mult_pj(out_bits),
        );
        e
    }

    /// Adds the area of the adders and multipliers a layer placed as `p` needs to `area`, mm^2.
    fn add_layer_area(&self, area: &mut BTreeMap<String, f64>, p: &Placement) {
        let (node, out_bits) = (&self.node, self.tile.output_bits);
        let tile = self.tile.for_layer(p);
        add(area, "tiles", p.tiles() as f64 * tile.area_mm2);
        let lanes = p.col_tiles * p.copies * self.tile.cols as u64;
        if p.row_tiles > 1 {
            let psum_bits = tile.output_bits + ceil_log2(p.row_tiles);
            add(area, "accumulation", node.adders_mm2(lanes, psum_bits));
            add(
                area,
                "requantization",
                node.multipliers_mm2(p.col_tiles * p.copies, out_bits),
            );
        }
        add(
            area,
            "digital_stage",
            node.adders_mm2(p.col_tiles * p.copies, out_bits),
        );
    }

    /// Prices layer `l` (the `i`th) placed as `p` and adds it to `totals`.
    fn add_layer(&self, totals: &mut Totals, i: usize, l: &Layer, p: &Placement) {
        let hops = Mesh::hops(p.tiles());
        let e = self.layer_energy_pj(i, l, p, hops);
        self.add_layer_area(&mut totals.area_mm2, p);
        // A stream whose spacing alternates runs at its mean; the last MVM's partial cycle counts whole.
        let compute = (l.mvms.div_ceil(p.copies) as f64 * self.tile.cycles_per_mvm).ceil() as u64;
        totals.slowest_cycles = totals.slowest_cycles.max(compute);
        let cycles = compute + hops.ceil() as u64 + (p.row_tiles - 1);
        let layer_uj: f64 = e.values().sum::<f64>() * 1e-6;
        for (key, pj) in e {
            add(&mut totals.energy_uj, &key, pj * 1e-6);
        }
        totals.layers.push(LayerReport {
            name: l.name.clone(),
            op: l.op.clone(),
            k: l.k,
            n: l.n,
            vectors: l.mvms,
            row_tiles: p.row_tiles,
            col_tiles: p.col_tiles,
            copies: p.copies,
            tiles: p.tiles(),
            mvms: l.mvms * p.tiles_per_copy(),
            hops,
            macs: l.mvms * (l.k * l.n) as u64,
            cycles,
            latency_us: cycles as f64 / self.tile.clock_mhz,
            energy_uj: layer_uj,
        });
    }
}

/// The chip's activation buffers, bits: one per layer input, the last one for the network's
/// output; each double-buffered.
fn buffer_bits(layers: &[Layer], tile: &TileFigures) -> Vec<u64> {
    let mut buffers: Vec<u64> = layers
        .iter()
        .map(|l| 2 * l.input_elements * tile.input_bits as u64)
        .collect();
    if let Some(last) = layers.last() {
        buffers.push(2 * last.output_elements * tile.output_bits as u64);
    }
    buffers
}

/// Refuses a network with no layers or an empty one, and a tile with no energy per MVM.
fn check(layers: &[Layer], tile: &TileFigures) -> Result<(), ChipError> {
    if layers.is_empty() {
        return Err(ChipError::NoLayers);
    }
    layers.iter().try_for_each(Layer::check)?;
    if tile.energy_pj_per_mvm.is_nan() || tile.energy_pj_per_mvm <= 0.0 {
        return Err(ChipError::TileEnergy(tile.energy_pj_per_mvm));
    }
    Ok(())
}

/// The chip of tiles `tile` running `layers` under `replication`.
///
/// Errors: [`ChipError::NoLayers`], [`ChipError::EmptyLayer`] and [`ChipError::TileEnergy`].
pub fn estimate(
    layers: &[Layer],
    tile: &TileFigures,
    replication: Replication,
) -> Result<ChipReport, ChipError> {
    check(layers, tile)?;
    let node = Node {
        nm: tile.node_nm,
        vdd_v: tile.vdd_v,
        toggle_fj_180: tile.toggle_fj,
    };
    let (rows, cols) = (tile.rows as u64, tile.cols as u64);
    let (placements, resolved) = mapping::place(layers, rows, cols, replication);
    let single: u64 = mapping::place(layers, rows, cols, Replication::Max(1))
        .0
        .iter()
        .map(|p| p.tiles())
        .sum();
    let tiles: u64 = placements.iter().map(|p| p.tiles()).sum();
    let pricing = Pricing {
        tile,
        node,
        mesh: Mesh::new(tiles, tile.area_mm2, &node),
        buffers: buffer_bits(layers, tile),
    };

    let mut totals = Totals::default();
    for (i, (l, p)) in layers.iter().zip(&placements).enumerate() {
        pricing.add_layer(&mut totals, i, l, p);
    }
    let Totals {
        energy_uj: energy,
        area_mm2: mut area,
        layers: reports,
        slowest_cycles,
    } = totals;
    let buffer_bits: u64 = pricing.buffers.iter().sum();
    add(&mut area, "buffers", node.sram_mm2(buffer_bits));
    add(&mut area, "interconnect", tiles as f64 * node.router_mm2());

    let macs: u64 = reports.iter().map(|r| r.macs).sum();
    let energy_uj: f64 = energy.values().sum();
    let inferences_per_s = tile.clock_mhz * 1e6 / slowest_cycles as f64;
    Ok(ChipReport {
        tiles,
        tiles_single_copy: single,
        replication: match replication {
            Replication::Auto => format!("auto (resolved to {resolved})"),
            Replication::Max(n) => n.to_string(),
        },
        mvms_per_inference: reports.iter().map(|r| r.mvms).sum(),
        macs_per_inference: macs,
        latency_us: reports.iter().map(|r| r.latency_us).sum(),
        inferences_per_s,
        energy_uj_per_inference: energy_uj,
        energy_uj_by_component: energy,
        area_mm2: area.values().sum(),
        area_mm2_by_component: area,
        tops_per_w: 2.0 * macs as f64 / (energy_uj * 1e6),
        tops: 2.0 * macs as f64 * inferences_per_s / 1e12,
        tile: tile.clone(),
        tile_energy_pj_per_mvm: tile.chip_energy_pj_per_mvm(),
        mesh: pricing.mesh,
        buffer_bits,
        layers: reports,
        provenance: provenance(tile),
        constants: constants::all(),
    })
}

fn provenance(tile: &TileFigures) -> Vec<String> {
    let periphery = if tile.digital_by_toggle_model {
        let scaled = if tile.node_nm == 180.0 {
            "not scaled (180 nm)".to_string()
        } else {
            format!("scaled from 180 nm to {} nm", tile.node_nm)
        };
        format!("its digital periphery's toggle estimate {scaled} by Stillmaker-Baas energy")
    } else {
        "its digital periphery's netlist priced by its cell library's power tables, scaled from \
         the library's node by Stillmaker-Baas energy and node^2 area"
            .to_string()
    };
    vec![
        format!("tile: cimtile ppa's report ({periphery}; array, drivers and ADCs at the PPA model's own figures for the node)"),
        "buffers, accumulation, digital stage, requantization: Horowitz's 45 nm energies scaled to the node by Stillmaker-Baas; areas from OSU 0.18 um cells (and NeuroSim's SRAM cell) scaled by node^2".to_string(),
        "interconnect: wire capacitance per length (constant across nodes, Ho et al.) over the tile pitch at tech.vdd_v, plus a router register bit; router area from OSU 0.18 um flip-flops scaled by node^2".to_string(),
    ]
}

#[cfg(test)]
mod tests;

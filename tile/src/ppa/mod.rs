//! Power, performance and area of a tile: area by block, MVMs per second, energy per MVM by
//! component, TOPS/W and TOPS/mm^2.
//!
//! What is measured and what is modelled:
//! - **Digital periphery area**: a real synthesis of the generated RTL against a 180 nm
//!   standard-cell library, per block ([`DigitalArea`], made by the caller, which runs Yosys),
//!   scaled to the configured node by `(node / 180)^2` (ideal scaling of a layout; real
//!   periphery scales somewhat worse below ~28 nm).
//! - **Time**: the RTL's proven schedule, [`TileParams::expected_cycles_per_mvm`], at
//!   `tech.clock_mhz`.
//! - **ADC conversions**: the exact count `Ib * G * P` per MVM; energy per conversion and area
//!   of one ADC by `adc.kind` ([`adc`]): a survey-median SAR ([`adc_energy_pj`],
//!   [`adc_area_mm2`]), NeuroSim's multilevel sense amp or NeuRRAM's integrating neuron.
//! - **Crossbar read energy**: `V^2 * G * t` over the cells of every driven row, with `G` from
//!   the programmed conductances of the golden model for the given weights, averaged over the
//!   given input vectors (a workload), `t = tech.read_ns` per read: the column values are
//!   sampled and held while the `M` mux phases convert them.
//! - **Digital energy**: cells x activity x cycles per MVM x energy per toggle
//!   (`tech.toggle_fj` at 180 nm and 1.8 V, scaled by `(node / 180) * (vdd / 1.8)^2`, the C V^2
//!   rule). The activity is `tech.activity`, or per block the toggle rate of the RTL's signals
//!   measured on the workload ([`MeasuredActivity`]). Leakage is left out (small at 180 nm; say
//!   so when comparing at small nodes).

pub mod adc;
pub mod constants;
pub mod power;

pub use adc::{adc_area_mm2, adc_energy_pj};
pub use power::{DigitalPower, LibraryFigures, PowerSplit};

use crate::config::{AdcKind, TechConfig, TileParams};
use crate::data::{ColumnParams, Weights};
use crate::golden::{ModelError, TileModel};
use constants::Constant;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The blocks of the digital periphery, by the module names of the RTL (any prefix before
/// `cim_` stripped): `cim_tile_controller` is `controller`, and so on. [`block_of_module`] maps
/// names; `other` holds the top's glue and modules no block claims.
pub const BLOCKS: &[(&str, &[&str])] = &[
    ("controller", &["cim_tile_controller", "controller"]),
    ("adc_scheduler", &["cim_adc_scheduler", "scheduler"]),
    ("input_buffer", &["cim_input_buffer", "buffer"]),
    ("shift_add_lanes", &["cim_shift_add_lanes", "lanes"]),
    ("column_combiner", &["cim_column_combiner", "combiner"]),
    ("column_params", &["cim_column_params", "params"]),
    ("activation_unit", &["cim_activation_unit", "activation"]),
    ("output_buffer", &["cim_output_buffer"]),
    // The rewritten RTL buffers the combiner's sums and the results in two of these.
    ("stream_fifos", &["cim_stream_fifo"]),
];
/// The block of the top's own logic and of unclaimed modules.
pub const OTHER_BLOCK: &str = "other";
/// Blocks whose energy is reported as `buffers` rather than `digital_logic`.
const BUFFER_BLOCKS: &[&str] = &["input_buffer", "output_buffer", "stream_fifos"];
/// The analog macro: a blackbox in synthesis, modelled here.
pub const CROSSBAR_MODULE: &str = "cim_crossbar_macro";

/// The block a module belongs to, by its name, or `None` when no block claims it (it then
/// belongs to the block of the module that instantiates it). Today's rust-hdl RTL names its
/// submodules `cim_tile$activation`, `cim_tile$activation$s1_col`, ...: the last `$` part is
/// the name; the rewritten RTL names them `cim_activation_unit`, with an optional user prefix
/// before `cim_`.
pub fn block_of_module(module: &str) -> Option<&'static str> {
    let last = module.rsplit('$').next().unwrap_or(module);
    let matches = |name: &&str| {
        if name.starts_with("cim_") {
            last.ends_with(name)
        } else {
            last == *name
        }
    };
    BLOCKS
        .iter()
        .find(|(_, names)| names.iter().any(matches))
        .map(|(block, _)| *block)
}

/// Synthesized area of one block at the library's node.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BlockCells {
    /// Cell area, um^2 at the library's node.
    pub area_um2: f64,
    /// Standard cells in the block, for the toggle energy.
    pub cells: u64,
}

/// The digital periphery as synthesized: area and cell count per block at the library's node,
/// and, when its netlist was priced, its power.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigitalArea {
    /// How it was obtained (tool, library, fingerprint of the Verilog).
    pub source: String,
    /// The node of the library it was mapped onto, nm: areas scale from here to `tech.node_nm`.
    pub node_nm: f64,
    /// Area and cells per block, keyed by the block names of `cimtile ppa` (see [`block_of_module`]).
    pub blocks: BTreeMap<String, BlockCells>,
    /// The netlist's power from its library's tables (replacing the toggle-energy model), when
    /// it was priced.
    pub power: Option<DigitalPower>,
}

/// The data an MVM sees: the crossbar read energy depends on the programmed conductances and
/// on how many input bits are 1.
pub struct Workload<'a> {
    /// The programmed weights: they set the cells' conductances.
    pub weights: &'a Weights,
    /// The input vectors, each of length R: their 1 bits set the driven rows.
    pub inputs: &'a [Vec<i32>],
    /// What the data is, for the report (`uniform random, seed 1, 64 vectors`, file names).
    pub description: String,
    /// The digital activity measured on this data; `None` prices every block at `tech.activity`.
    pub activity: Option<&'a MeasuredActivity>,
}

/// The workload every report prices unless given another (`cimtile ppa`'s defaults, the chip's
/// tile, the manifest's figures): this many uniform random MVMs ...
pub const RANDOM_MVMS: u64 = 64;
/// ... from this seed.
pub const RANDOM_SEED: u64 = 1;

/// Uniform random weights and `mvms` input vectors from `seed`, the random case's column
/// parameters (for a measured activity), and their description.
pub fn random_workload(
    p: &TileParams,
    mvms: u64,
    seed: u64,
) -> (Weights, Vec<Vec<i32>>, Vec<ColumnParams>, String) {
    let case = crate::random_case::random_case(p, mvms as usize, seed);
    let description = format!("uniform random weights and {mvms} input vectors, seed {seed}");
    (case.weights, case.inputs, case.columns, description)
}

/// Switching activity per block of the digital periphery, measured on a workload: bit toggles
/// per signal bit and cycle of the RTL's registers and named nets, applied to the block's cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredActivity {
    /// Toggles per bit and cycle, by block; a block not listed is priced at `tech.activity`.
    pub by_block: BTreeMap<String, f64>,
    /// How it was measured (simulator, cycles, signals).
    pub source: String,
}

/// The estimate: every figure of `cimtile ppa --json` (read back from a manifest, too).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PpaReport {
    /// CMOS node the figures are for, nm (`tech.node_nm`).
    pub node_nm: f64,
    /// Clock frequency, MHz (`tech.clock_mhz`).
    pub clock_mhz: f64,
    /// Clock cycles per MVM in a back-to-back stream
    /// ([`TileParams::expected_cycles_per_mvm`](crate::config::TileParams::expected_cycles_per_mvm)).
    #[serde(serialize_with = "crate::schedule::serialize_cycles")]
    pub cycles_per_mvm: f64,
    /// ADC conversions per MVM.
    pub conversions_per_mvm: u64,
    /// `2 * R * C`: a multiply and an add per weight.
    pub ops_per_mvm: u64,
    /// MVMs per second at the clock: `clock / cycles_per_mvm`.
    pub mvm_per_s: f64,
    /// Throughput, tera-operations per second: `ops_per_mvm * mvm_per_s / 1e12`.
    pub tops: f64,
    /// Total area; without the digital periphery when it was not synthesized.
    pub area_mm2: f64,
    /// Area per block (`crossbar`, `adcs`, `input_drivers` and the synthesized blocks), mm^2.
    pub area_mm2_by_block: BTreeMap<String, f64>,
    /// Energy of one MVM, pJ: the sum of [`energy_pj`](Self::energy_pj).
    pub energy_pj_per_mvm: f64,
    /// Energy per MVM by component: `adc`, `crossbar`, `input_drivers`, `digital_logic`, `buffers`
    /// (input buffer, output buffer, stream FIFOs).
    pub energy_pj: BTreeMap<String, f64>,
    /// Power at full throughput, mW.
    pub power_mw: f64,
    /// Energy efficiency, tera-operations per second per watt (operations per pJ).
    pub tops_per_w: f64,
    /// Area efficiency, TOPS per mm^2.
    pub tops_per_mm2: f64,
    /// How a conversion is priced (`adc.kind`); reports written before the key are `sar`.
    #[serde(default)]
    pub adc_kind: AdcKind,
    /// Where the kind's energy and area come from.
    #[serde(default)]
    pub adc_source: String,
    /// Energy of one conversion at `adc.bits` by `adc.kind`, pJ.
    pub adc_energy_pj_per_conversion: f64,
    /// Area of one ADC at `adc.bits` and the node by `adc.kind`, mm^2.
    pub adc_area_mm2_each: f64,
    /// Mean conductance driven per MVM (summed over every read), and mean driven rows per read.
    pub crossbar_driven_us_per_mvm: f64,
    /// Mean rows driven per analog read.
    pub driven_rows_per_read: f64,
    /// The workload's description ([`Workload::description`]).
    pub workload: String,
    /// The synthesis behind the digital figures, or why there is none.
    pub digital_source: String,
    /// Standard cells of the digital periphery, when it was synthesized.
    pub digital_cells: Option<u64>,
    /// With a measured activity: the activity each synthesized block was priced at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_by_block: Option<BTreeMap<String, f64>>,
    /// With a measured activity: where [`activity_by_block`](Self::activity_by_block) comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_source: Option<String>,
    /// With the netlist priced: the periphery's power at `tech.clock_mhz` and `tech.node_nm`
    /// (internal + switching + leakage), mW.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digital_power_mw: Option<f64>,
    /// With the netlist priced: the periphery's energy per MVM split into internal, switching
    /// and leakage, pJ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digital_energy_split_pj: Option<BTreeMap<String, f64>>,
    /// With the netlist priced: [`digital_power_mw`](Self::digital_power_mw) by block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digital_power_mw_by_block: Option<BTreeMap<String, f64>>,
    /// With the netlist priced: the cell library it was priced with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<LibraryFigures>,
    /// With the netlist priced: how its figures reach `tech.node_nm` from the library's node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_scaling: Option<String>,
    /// Every constant the estimate used, by name, with its unit and source.
    pub constants: BTreeMap<String, Constant>,
}

/// Area of the crossbar's cell array, mm^2: `rows x physical columns` cells of `tech.cell_area_f2`.
pub fn crossbar_area_mm2(p: &TileParams) -> f64 {
    let tech = &p.config().tech;
    let f_mm = tech.node_nm * 1e-6;
    (p.rows * p.phys_cols) as f64 * tech.cell_area_f2 * f_mm * f_mm
}

/// Area of the crossbar macro, mm^2: the cell array and its ADCs (what the macro's LEF is sized
/// from; the row drivers are counted apart).
pub fn macro_area_mm2(p: &TileParams) -> f64 {
    crossbar_area_mm2(p) + adc::area_mm2(p) * p.adc_count as f64
}

/// Conductance of every cell summed per row, uS: level `l` (fractional with programming error)
/// conducts `g_off + l / (2^Bc - 1) * (g_on - g_off)`.
fn row_conductance_us(
    p: &TileParams,
    tech: &TechConfig,
    weights: &Weights,
) -> Result<Vec<f64>, ModelError> {
    let model = TileModel::new(p, weights, &vec![ColumnParams::default(); p.cols])?;
    let per_level = (tech.g_on_us - tech.g_off_us) / p.level_max() as f64;
    let fine = (1u64 << p.fine_bits) as f64;
    let rows = (0..p.rows)
        .map(|r| {
            (0..p.phys_cols)
                .map(|pc| tech.g_off_us + model.conductance(r, pc) as f64 / fine * per_level)
                .sum()
        })
        .collect();
    Ok(rows)
}

/// Mean over the workload's vectors of (conductance driven per MVM in uS, rows driven per MVM).
/// Row r is driven in the read of input bit b when bit b of its Ib-bit code is 1.
fn driven_per_mvm(p: &TileParams, row_us: &[f64], inputs: &[Vec<i32>]) -> (f64, f64) {
    let (mut conductance, mut rows) = (0.0, 0.0);
    for x in inputs {
        for b in 0..p.input_bits {
            for (r, &xr) in x.iter().enumerate() {
                if (xr as u32 >> b) & 1 == 1 {
                    conductance += row_us[r];
                    rows += 1.0;
                }
            }
        }
    }
    let n = inputs.len().max(1) as f64;
    (conductance / n, rows / n)
}

/// Read energy of the cell array per MVM, pJ, for `driven_us` of conductance and `driven_rows`
/// rows driven (row-reads with input bit 1):
/// - behind a sense amplifier (`adc.kind = "sense_amp"`), DNN+NeuroSim's array term: the driven
///   word lines' charge, `phys_cols` cells of `widthInFeatureSize1T1R` F at 0.2 fF/um, at
///   `tech.vdd_v` (SubArray.cpp, parallel RRAM read). NeuroSim prices the bit lines' read current
///   in the sense amplifier ("already considered in multilevelsenseamp"): its `GetColumnPower`
///   fits of the column and mirror over the sensing time, which [`adc::sense_amp_energy_pj`]
///   charges per conversion; a `V^2 G t` here too would count that current twice;
/// - otherwise the cells' current over the read pulse, `V^2 G t`.
fn crossbar_read_pj(p: &TileParams, tech: &TechConfig, driven_us: f64, driven_rows: f64) -> f64 {
    match p.config().adc.kind {
        AdcKind::SenseAmp => {
            let word_line_f = p.phys_cols as f64
                * constants::SENSE_AMP_CELL_WIDTH_F.value
                * tech.node_nm
                * 1e-9
                * constants::SENSE_AMP_WIRE_F_PER_M.value;
            driven_rows * word_line_f * tech.vdd_v * tech.vdd_v * 1e12
        }
        _ => tech.read_v * tech.read_v * driven_us * 1e-6 * tech.read_ns * 1e-9 * 1e12,
    }
}

/// The estimate of the tile `p` running `workload`, with the digital periphery from `digital`
/// (left out of area and energy when `None`). Refuses a workload the tile cannot hold.
pub fn estimate(
    p: &TileParams,
    digital: Option<&DigitalArea>,
    workload: &Workload,
) -> Result<PpaReport, ModelError> {
    let tech = &p.config().tech;
    let clock_hz = tech.clock_mhz * 1e6;
    let cycles_per_mvm = p.expected_cycles_per_mvm();
    let mvm_per_s = clock_hz / cycles_per_mvm;
    let ops_per_mvm = 2 * p.rows as u64 * p.cols as u64;
    let toggle_pj = tech.toggle_fj
        * 1e-3
        * (tech.node_nm / constants::LIBRARY_NODE_NM.value)
        * (tech.vdd_v / constants::LIBRARY_VDD_V.value).powi(2);

    let mut area = BTreeMap::new();
    let mut energy = BTreeMap::new();
    area.insert("crossbar".to_string(), crossbar_area_mm2(p));
    let adc_each = adc::area_mm2(p);
    area.insert("adcs".to_string(), adc_each * p.adc_count as f64);
    let driver_scale = (tech.node_nm / constants::DRIVER_NODE_NM.value).powi(2);
    area.insert(
        "input_drivers".to_string(),
        p.rows as f64 * constants::DRIVER_AREA_UM2.value * driver_scale * 1e-6,
    );

    let row_us = row_conductance_us(p, tech, workload.weights)?;
    let (driven_us, driven_rows) = driven_per_mvm(p, &row_us, workload.inputs);
    // Every conversion reads one column of one read: the mean conductance it sees.
    let conversion_pj = adc::conversion_energy_pj(p, driven_us / p.conversions_per_mvm() as f64);
    energy.insert(
        "adc".to_string(),
        p.conversions_per_mvm() as f64 * conversion_pj,
    );
    energy.insert(
        "crossbar".to_string(),
        crossbar_read_pj(p, tech, driven_us, driven_rows),
    );
    energy.insert(
        "input_drivers".to_string(),
        driven_rows * tech.driver_fj * 1e-3,
    );

    let mut activity_by_block = BTreeMap::new();
    let mut unmeasured = Vec::new();
    let priced = digital.and_then(|d| d.power.as_ref().map(|power| (d, power)));
    let netlist = priced.map(|(_, power)| NetlistEnergy::new(p, power));
    let (digital_source, digital_cells) = match digital {
        Some(d) => {
            let area_scale = (tech.node_nm / d.node_nm).powi(2);
            let (mut logic_pj, mut buffers_pj) = (0.0, 0.0);
            for (block, cells) in &d.blocks {
                area.insert(block.clone(), cells.area_um2 * area_scale * 1e-6);
                if let Some(netlist) = &netlist {
                    let pj = netlist.block_pj(block);
                    match BUFFER_BLOCKS.contains(&block.as_str()) {
                        true => buffers_pj += pj,
                        false => logic_pj += pj,
                    }
                    continue;
                }
                let measured = workload.activity.and_then(|m| m.by_block.get(block));
                if measured.is_none() {
                    unmeasured.push(block.as_str());
                }
                let activity = measured.copied().unwrap_or(tech.activity);
                activity_by_block.insert(block.clone(), activity);
                let pj = cells.cells as f64 * activity * cycles_per_mvm * toggle_pj;
                if BUFFER_BLOCKS.contains(&block.as_str()) {
                    buffers_pj += pj;
                } else {
                    logic_pj += pj;
                }
            }
            if let Some(netlist) = &netlist {
                // Cells the power engine placed in no block of the synthesis (the top's own).
                logic_pj += netlist.unlisted_pj(d.blocks.keys());
            }
            energy.insert("digital_logic".to_string(), logic_pj);
            energy.insert("buffers".to_string(), buffers_pj);
            (
                d.source.clone(),
                Some(d.blocks.values().map(|b| b.cells).sum()),
            )
        }
        None => (
            "not synthesized: digital periphery left out of area and energy".to_string(),
            None,
        ),
    };

    let area_mm2: f64 = area.values().sum();
    let energy_pj_per_mvm: f64 = energy.values().sum();
    let tops = ops_per_mvm as f64 * mvm_per_s / 1e12;
    // ops per pJ = 1e12 ops per J = TOPS/W.
    let tops_per_w = ops_per_mvm as f64 / energy_pj_per_mvm;
    Ok(PpaReport {
        node_nm: tech.node_nm,
        clock_mhz: tech.clock_mhz,
        cycles_per_mvm,
        conversions_per_mvm: p.conversions_per_mvm(),
        ops_per_mvm,
        mvm_per_s,
        tops,
        area_mm2,
        area_mm2_by_block: area,
        energy_pj_per_mvm,
        energy_pj: energy,
        power_mw: energy_pj_per_mvm * 1e-12 * mvm_per_s * 1e3,
        tops_per_w,
        tops_per_mm2: tops / area_mm2,
        adc_kind: p.config().adc.kind,
        adc_source: adc::source(p.config().adc.kind).to_string(),
        adc_energy_pj_per_conversion: conversion_pj,
        adc_area_mm2_each: adc_each,
        crossbar_driven_us_per_mvm: driven_us,
        driven_rows_per_read: driven_rows / (p.input_bits as u64 * p.groups as u64) as f64,
        workload: workload.description.clone(),
        digital_source,
        digital_cells,
        activity_by_block: workload
            .activity
            .filter(|_| netlist.is_none())
            .map(|_| activity_by_block),
        activity_source: match &priced {
            Some((_, power)) => Some(power.activity.clone()),
            None => workload.activity.map(|m| match unmeasured.is_empty() {
                true => m.source.clone(),
                false => format!(
                    "{}; not measured, at tech.activity: {}",
                    m.source,
                    unmeasured.join(", ")
                ),
            }),
        },
        digital_power_mw: netlist.as_ref().map(|n| n.power_mw),
        digital_energy_split_pj: netlist.as_ref().map(|n| n.split_pj.clone()),
        digital_power_mw_by_block: netlist.as_ref().map(NetlistEnergy::power_mw_by_block),
        library: priced.map(|(_, power)| power.library.clone()),
        node_scaling: netlist.as_ref().map(|n| n.node_scaling.clone()),
        constants: constants::all(tech)
            .into_iter()
            .chain(constants::of_adc_kind(p.config().adc.kind))
            .collect(),
    })
}

/// The priced netlist's power as energy per MVM at the tile's node.
struct NetlistEnergy<'a> {
    power: &'a DigitalPower,
    /// pJ per MVM of 1 mW at the library's node: the MVM's time, scaled to `tech.node_nm`.
    pj_per_mw: f64,
    /// Stillmaker-Baas energy factor from the library's node to `tech.node_nm`.
    scale: f64,
    power_mw: f64,
    split_pj: BTreeMap<String, f64>,
    node_scaling: String,
}

impl<'a> NetlistEnergy<'a> {
    fn new(p: &TileParams, power: &'a DigitalPower) -> Self {
        let tech = &p.config().tech;
        let scale = constants::energy_scale(power.library.node_nm, tech.node_nm);
        let mvm_s = p.expected_cycles_per_mvm() / (power.clock_mhz * 1e6);
        let pj_per_mw = 1e-3 * mvm_s * 1e12 * scale;
        let t = &power.total;
        let split_pj = [
            ("internal", t.internal_mw),
            ("switching", t.switching_mw),
            ("leakage", t.leakage_mw),
        ]
        .into_iter()
        .map(|(k, mw)| (k.to_string(), mw * pj_per_mw))
        .collect();
        let node_scaling = if scale == 1.0 {
            format!(
                "none: the library's node is the tile's, {} nm",
                tech.node_nm
            )
        } else {
            format!(
                "energy x {scale:.4} from {} nm ({}) to {} nm, Stillmaker-Baas at nominal supplies",
                power.library.node_nm, power.library.name, tech.node_nm
            )
        };
        NetlistEnergy {
            power,
            pj_per_mw,
            scale,
            power_mw: t.total_mw() * scale,
            split_pj,
            node_scaling,
        }
    }

    /// Power by block at the tile's node, mW.
    fn power_mw_by_block(&self) -> BTreeMap<String, f64> {
        self.power
            .by_block
            .iter()
            .map(|(b, s)| (b.clone(), s.total_mw() * self.scale))
            .collect()
    }

    /// Energy per MVM of `block`, pJ.
    fn block_pj(&self, block: &str) -> f64 {
        self.power
            .by_block
            .get(block)
            .map_or(0.0, |b| b.total_mw() * self.pj_per_mw)
    }

    /// Energy per MVM of the blocks of the power report not among `listed`, pJ.
    fn unlisted_pj<'b>(&self, listed: impl Iterator<Item = &'b String> + Clone) -> f64 {
        self.power
            .by_block
            .iter()
            .filter(|(b, _)| !listed.clone().any(|l| l == *b))
            .map(|(_, s)| s.total_mw() * self.pj_per_mw)
            .sum()
    }
}

/// A published figure of a preset's source and the tool's figure for the same quantity, in a
/// report `R`: a tile's [`PpaReport`] here, a chip's report in `cimtile-chip`.
pub struct Published<R = PpaReport> {
    /// The quantity, as the report labels it.
    pub what: &'static str,
    /// The figure, or `None` where the paper gives the claim but no number we could verify.
    pub value: Option<f64>,
    /// The unit of `value` and of `ours`.
    pub unit: &'static str,
    /// Paper, table or figure the number is from, and the configuration behind it.
    pub source: &'static str,
    /// The tool's figure for the same quantity.
    pub ours: fn(&R) -> f64,
}

impl<R> Published<R> {
    /// The published figure with its unit, or that it was not transcribed.
    pub fn value_text(&self) -> String {
        self.value.map_or_else(
            || "not transcribed".to_string(),
            |v| format!("{v} {}", self.unit),
        )
    }
}

fn share(parts: &BTreeMap<String, f64>, key: &str) -> f64 {
    100.0 * parts.get(key).copied().unwrap_or(0.0) / parts.values().sum::<f64>()
}

/// The published tile figures of the preset `name` (`isaac`, `neurram`; none for the others).
pub fn published(name: &str) -> &'static [Published] {
    match name {
        "isaac" => &[
            Published {
                what: "ADC share of power",
                value: Some(58.0),
                unit: "%",
                source: "ISAAC (Shafiee et al., ISCA 2016), Table 6: 8 ADCs x 12 IMAs = 192 mW of a 330 mW tile",
                ours: |r| share(&r.energy_pj, "adc"),
            },
            Published {
                what: "ADC share of area",
                value: Some(31.0),
                unit: "%",
                source: "ISAAC, Table 6: 0.0096 mm^2 x 12 IMAs of a 0.372 mm^2 tile",
                ours: |r| share(&r.area_mm2_by_block, "adcs"),
            },
        ],
        "neurram" => &[Published {
            what: "energy efficiency at 4-bit inputs, 6-bit outputs",
            value: Some(16.0),
            unit: "TOPS/W",
            source: "NeuRRAM (Wan et al., Nature 608, 2022), Extended Data Fig. 12e, as digitized in cimloop's wan_nature_2022/_tests.py (test_tops: 15.95 at 6-bit outputs, 4-bit inputs)",
            ours: |r| r.tops_per_w,
        }],
        _ => &[],
    }
}

#[cfg(test)]
mod tests;

//! What one ADC costs, by `adc.kind`: energy per conversion and area at the tile's node. The
//! kind prices a conversion; the arithmetic and the RTL are the same for every kind.
//!
//! - `sar`: a Nyquist ADC at the Murmann survey's median figures of merit ([`adc_energy_pj`],
//!   [`adc_area_mm2`]).
//! - `sense_amp`: DNN+NeuroSim V1.4's current-mode multilevel sense amplifier and its encoder
//!   ([`sense_amp_energy_pj`], [`sense_amp_area_mm2`]).
//! - `integrating`: NeuRRAM's voltage-mode neuron ([`integrating_energy_pj`],
//!   [`integrating_area_mm2`]).

use super::constants::{self as c, Constant};
use crate::config::{AdcKind, TechConfig, TileParams};

/// Energy of one conversion of `p`'s ADCs, pJ, when the converted column conducts `column_us`
/// in its read (the sense amp's current mirrors draw with it; the other kinds ignore it).
pub fn conversion_energy_pj(p: &TileParams, column_us: f64) -> f64 {
    let tech = &p.config().tech;
    match p.config().adc.kind {
        AdcKind::Sar => adc_energy_pj(p.adc_bits, tech),
        AdcKind::SenseAmp => {
            sense_amp_energy_pj(p.adc_bits, tech, p.rows, p.rows_per_read, column_us)
        }
        AdcKind::Integrating => integrating_energy_pj(p.adc_bits, tech.node_nm),
    }
}

/// Area of one of `p`'s ADCs at its node, mm^2.
pub fn area_mm2(p: &TileParams) -> f64 {
    let tech = &p.config().tech;
    match p.config().adc.kind {
        AdcKind::Sar => adc_area_mm2(p.adc_bits, tech.node_nm),
        AdcKind::SenseAmp => sense_amp_area_mm2(p.adc_bits, tech, p.rows),
        AdcKind::Integrating => integrating_area_mm2(tech.node_nm),
    }
}

/// Where the price of a `kind` conversion comes from, one line for the report.
pub fn source(kind: AdcKind) -> &'static str {
    match kind {
        AdcKind::Sar => "Murmann ADC survey (rev. 2025-06-09): median Walden and Schreier figures of merit (tech.adc_fom_*), area by the survey fit",
        AdcKind::SenseAmp => "DNN+NeuroSim V1.4 multilevel current sense amp and encoder (MultilevelSenseAmp.cpp, MultilevelSAEncoder.cpp) at its 22 nm fits, scaled to the node",
        AdcKind::Integrating => "NeuRRAM (Wan et al., Nature 608, 2022) neuron: energy per charge-decrement step and area from Extended Data Figs. 12b and 11f as digitized in cimloop, scaled from 130 nm",
    }
}

/// Energy of one conversion at `bits` of resolution, pJ: the larger of the two asymptotes of
/// the survey's energy plot (Murmann, "ADC Performance Survey", energy vs SNDR): Walden
/// `FOMW * 2^bits` where comparators and logic dominate, Schreier
/// `P/fsnyq = 10^((SNDR - FOMS)/10) / 2` with the ideal `SNDR = 6.02 bits + 1.76 dB` where thermal
/// noise does (above ~12 bits). The ADC is taken at its nominal resolution (ENOB = bits).
pub fn adc_energy_pj(bits: u32, tech: &TechConfig) -> f64 {
    let walden_fj = tech.adc_fom_walden_fj * 2f64.powi(bits as i32);
    let sndr_db = 6.02 * bits as f64 + 1.76;
    let schreier_j = 10f64.powf((sndr_db - tech.adc_fom_schreier_db) / 10.0) / 2.0;
    (walden_fj * 1e-3).max(schreier_j * 1e12)
}

/// Area of one ADC of `bits` at `node_nm`, mm^2, by the survey fit of [`constants`](c).
pub fn adc_area_mm2(bits: u32, node_nm: f64) -> f64 {
    2f64.powf(
        c::ADC_AREA_LOG2_C0.value
            + c::ADC_AREA_LOG2_PER_BIT.value * bits as f64
            + c::ADC_AREA_LOG2_PER_LOG2_NODE.value * node_nm.log2(),
    )
}

/// `a * x + b`.
fn linear((a, b): &(Constant, Constant), x: f64) -> f64 {
    a.value * x + b.value
}

/// NeuroSim's mirror power of one level of a column of resistance `r` ohm at 0.5 V, W
/// (MultilevelSenseAmp.cpp, GetColumnPower, 22 nm LP: three fitted segments, split at the
/// resistances the source splits them).
fn mirror_w(r: f64) -> f64 {
    if r < 4832.0 {
        linear(&c::SENSE_AMP_POWER_LOW, r)
    } else if r < 379_269.0 {
        linear(&c::SENSE_AMP_POWER_MID, r.ln())
    } else {
        linear(&c::SENSE_AMP_POWER_HIGH, r.ln())
    }
}

/// Energy of one conversion of DNN+NeuroSim V1.4's current-mode multilevel sense amplifier
/// (`MultilevelSenseAmp::CalculatePower`, parallel read, RRAM) at `bits` (L = 2^bits levels,
/// L - 1 comparators), pJ, for a column conducting `column_us` in a read of `rows_per_read`
/// rows of an array of `rows` rows:
///
/// `E = (L-1) E_switch + max(P_column + P_references, 0) t_sense`, where
/// - `P_column = (L-1) p(R)`, `p` NeuroSim's fitted mirror power per level (`GetColumnPower`)
///   at the column's resistance `R = 1/G` seen at 0.5 V (`R x 0.5 / tech.read_v`);
/// - `P_references` the `L-3` inner reference columns, `R_i = 1/(Rg g_on (1 - i/L))`, each
///   `(L-1) p(R_i)` shared by `L` converters (`dumcolshared = levelOutput`);
/// - `t_sense` the slower of the outer references' sensing times (`ColumnLatency_Table`); with
///   it, energy grows faster than L at high resolution;
/// - `E_switch` the bit line, input and latch capacitances charged per level
///   (`Column_SwitchingE`) at `tech.read_v` and `tech.vdd_v`.
///
/// Simplified: NeuroSim's 22 nm tables at every node, the static part scaled by Stillmaker-Baas
/// and the capacitances by `node/22`; `p(R)` at the workload's mean column conductance rather
/// than per column; 300 K; no reference-column activation energy (NeuroSim sets none for RRAM);
/// the encoder's dynamic energy is zero in NeuroSim too.
pub fn sense_amp_energy_pj(
    bits: u32,
    tech: &TechConfig,
    rows: usize,
    rows_per_read: usize,
    column_us: f64,
) -> f64 {
    let levels = 2f64.powi(bits as i32);
    let comparators = levels - 1.0;
    // A column with no current: NeuroSim's `1/columnRes == 0` case, a flat 1 uW.
    let column_w = |r_ohm: f64| match r_ohm.is_finite() {
        true => comparators * mirror_w(r_ohm * 0.5 / tech.read_v),
        false => 1e-6,
    };
    let g_start = rows_per_read as f64 * tech.g_on_us * 1e-6;
    let reference_ohm = |i: u64| 1.0 / (g_start * (1.0 - i as f64 / levels));
    let inner = (levels as u64).saturating_sub(2);
    let references_w = (1..inner).map(|i| column_w(reference_ohm(i))).sum::<f64>() / levels;
    let power_w = column_w(1e6 / column_us) + references_w;

    let node_22 = c::SENSE_AMP_NODE_NM.value * 1e-9;
    let column_f =
        rows as f64 * c::SENSE_AMP_CELL_HEIGHT_F.value * node_22 * c::SENSE_AMP_WIRE_F_PER_M.value;
    let (gate_n, gate_p) = (c::SENSE_AMP_GATE_N_F.value, c::SENSE_AMP_GATE_P_F.value);
    let (junction_n, junction_p) = (
        c::SENSE_AMP_JUNCTION_N_F.value,
        c::SENSE_AMP_JUNCTION_P_F.value,
    );
    let loaded_f = column_f + gate_n * (levels - 3.0).max(0.0);
    let refcap = c::SENSE_AMP_LATENCY_REFCAP_F.value;
    let threshold = c::SENSE_AMP_LATENCY_THRESHOLD_OHM.value;
    // ColumnLatency_Table's two segments, split at the source's 4832 ohm.
    let sense_s = |r: f64| {
        let base = match r < 4832.0 {
            true => linear(&c::SENSE_AMP_LATENCY_LOW, r.ln()),
            false => linear(&c::SENSE_AMP_LATENCY_HIGH, r),
        };
        let slope =
            c::SENSE_AMP_LATENCY_DC_S.value / (c::SENSE_AMP_LATENCY_R2_OHM.value - threshold);
        // Above the threshold the bit line and the comparators' inputs slow the sensing.
        match r > threshold {
            true => base + slope * (r - threshold) * (loaded_f - refcap) / refcap,
            false => base,
        }
    };
    let last = (levels as u64).saturating_sub(2);
    let sense = sense_s(reference_ohm(last)).max(sense_s(reference_ohm(last.min(1))));

    // NeuroSim's `1/(levelOutput-1)` is an integer division: 0 above 2 levels. Kept.
    let integer_share = if levels == 2.0 { 1.0 } else { 0.0 };
    let column_share = integer_share + 1.0 / levels;
    let (read_v2, vdd2) = (tech.read_v * tech.read_v, tech.vdd_v * tech.vdd_v);
    let switch_j = column_f * column_share * read_v2
        + (2.0 * gate_n + (junction_n + gate_n) / comparators + (junction_n + gate_n) / levels)
            * read_v2
        + (6.0 * gate_p + 5.0 * gate_n + 4.0 * junction_p + 3.0 * junction_n) * vdd2;

    let node = tech.node_nm / c::SENSE_AMP_NODE_NM.value;
    let static_j =
        (power_w * sense).max(0.0) * c::energy_scale(c::SENSE_AMP_NODE_NM.value, tech.node_nm);
    (comparators * switch_j * node + static_j) * 1e12
}

/// Area of one sense-amp ADC at `bits` for an array of `rows` rows, mm^2: NeuroSim's layout in
/// F^2 at the tile's node (`MultilevelSenseAmp::CalculateArea`: 9 minimum NMOS per comparator,
/// and per converter `(L-1)/L` of a reference column of `rows` cells;
/// `MultilevelSAEncoder::CalculateArea`: an inverter and a NAND2 per comparator and `bits`
/// NANDs of `L/2` inputs). The gates' own area, without fitting them to the array's width.
pub fn sense_amp_area_mm2(bits: u32, tech: &TechConfig, rows: usize) -> f64 {
    let levels = 2f64.powi(bits as i32);
    let comparators = levels - 1.0;
    let (height, pitch) = (
        c::SENSE_AMP_GATE_HEIGHT_F.value,
        c::SENSE_AMP_POLY_PITCH_F.value,
    );
    let nand = |inputs: f64| (inputs + 1.0) * pitch * height;
    let inverter = nand(1.0);
    let amp = 9.0 * inverter * comparators;
    let reference = rows as f64 * tech.cell_area_f2 * comparators / levels;
    let encoder = (inverter + nand(2.0)) * comparators + nand(levels / 2.0) * bits as f64;
    let f_mm = tech.node_nm * 1e-6;
    (amp + reference + encoder) * f_mm * f_mm
}

/// Energy of one NeuRRAM neuron's conversion at `bits`, pJ, at `node_nm`: the neuron's sampling
/// and integration of one read plus one charge-decrement step per output bit,
/// `E = E_fixed + bits x E_step`. Both from two points of Extended Data Fig. 12b that differ
/// only by one output bit (3 and 4 bits, both one magnitude bit of input): `E_step` their
/// difference, `E_fixed` the 3-bit point less 3 steps, per neuron of a 256 x 256 core.
///
/// Linear in bits, not `2^bits`: NeuRRAM's measured throughput (Extended Data Fig. 12c) falls
/// about 8x from 3- to 10-bit outputs, which cimloop reproduces with one 0.3 us step per output
/// bit; `2^bits` counting steps, fitted to the 3- and 4-bit points, would give 34x. The neuron's
/// 1.8 V supply is its own: `tech.vdd_v` does not enter; the node scales by Stillmaker-Baas.
pub fn integrating_energy_pj(bits: u32, node_nm: f64) -> f64 {
    let per_neuron_pj = |fj_per_op: &Constant| {
        fj_per_op.value * 1e-3 * c::NEURON_OPS_PER_CORE.value / c::NEURONS_PER_CORE.value
    };
    let three = per_neuron_pj(&c::NEURON_FJ_PER_OP_3B);
    let step = per_neuron_pj(&c::NEURON_FJ_PER_OP_4B) - three;
    let fixed = three - 3.0 * step;
    (fixed + bits as f64 * step) * c::energy_scale(c::NEURON_NODE_NM.value, node_nm)
}

/// Area of one NeuRRAM neuron at `node_nm`, mm^2: the same at every resolution (more bits take
/// more steps, not more circuit), scaled from 130 nm as the survey's ADCs scale with the node.
pub fn integrating_area_mm2(node_nm: f64) -> f64 {
    let scale = (node_nm / c::NEURON_NODE_NM.value).powf(c::ADC_AREA_LOG2_PER_LOG2_NODE.value);
    c::NEURON_AREA_UM2.value * scale * 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TileConfig;

    fn neurosim_tech() -> TechConfig {
        TileConfig::from_preset("neurosim").unwrap().tech
    }

    #[test]
    fn every_kind_costs_more_energy_at_more_bits() {
        let tech = neurosim_tech();
        for bits in 1..16 {
            let more = bits + 1;
            assert!(adc_energy_pj(more, &tech) > adc_energy_pj(bits, &tech));
            let amp = |b| sense_amp_energy_pj(b, &tech, 128, 128, 340.0);
            assert!(amp(more) > amp(bits), "{bits}: {} {}", amp(bits), amp(more));
            assert!(integrating_energy_pj(more, 130.0) > integrating_energy_pj(bits, 130.0));
        }
    }

    #[test]
    fn sense_amp_energy_grows_at_least_with_the_levels() {
        let tech = neurosim_tech();
        let amp = |b| sense_amp_energy_pj(b, &tech, 128, 128, 340.0);
        // Every level is a comparator with its mirror: 16x the levels cost more than 16x.
        assert!(amp(8) > 16.0 * amp(4), "{} {}", amp(4), amp(8));
        // A comparator-array converter is far below a survey SAR at a few bits.
        assert!(amp(4) < adc_energy_pj(4, &tech));
    }

    #[test]
    fn sense_amp_static_power_follows_the_column_current() {
        let tech = neurosim_tech();
        let amp = |us| sense_amp_energy_pj(4, &tech, 128, 128, us);
        // Lower resistance, more mirror current (NeuroSim's fits fall with R).
        assert!(amp(1000.0) > amp(10.0));
        // No current at all: NeuroSim's flat 1 uW, still a finite positive energy.
        assert!(amp(0.0).is_finite() && amp(0.0) > 0.0);
    }

    #[test]
    fn sense_amp_area_grows_with_levels_and_scales_with_the_node() {
        let tech = neurosim_tech();
        assert!(sense_amp_area_mm2(8, &tech, 128) > 10.0 * sense_amp_area_mm2(4, &tech, 128));
        let mut big = tech.clone();
        big.node_nm = 44.0;
        let ratio = sense_amp_area_mm2(4, &big, 128) / sense_amp_area_mm2(4, &tech, 128);
        assert!((ratio - 4.0).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn integrating_energy_is_linear_in_bits_and_area_is_not_in_bits() {
        let e: Vec<f64> = (1..=10).map(|b| integrating_energy_pj(b, 130.0)).collect();
        let steps: Vec<f64> = e.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            steps.windows(2).all(|s| (s[0] - s[1]).abs() < 1e-12),
            "{steps:?}"
        );
        // The 3-bit point is the figure it was read from: 10.62 fJ/op x 65536 ops / 256 neurons.
        assert!((e[2] - 10.6186848e-3 * 256.0).abs() < 1e-9, "{}", e[2]);
        assert!(integrating_energy_pj(4, 22.0) < integrating_energy_pj(4, 130.0));
        assert!((integrating_area_mm2(130.0) - 1270e-6).abs() < 1e-12);
    }
}

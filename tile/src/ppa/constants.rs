//! Every physical constant of the estimate with its unit and source: the `[tech]` keys (whose
//! defaults the presets carry) and the fixed figures below. The table of constants in docs/ppa.md is
//! this file in prose; `cimtile ppa --json` lists them as used.

use crate::config::{AdcKind, TechConfig};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A number, its unit and where it comes from (text owned when read back from a report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constant {
    /// The number, in `unit`.
    pub value: f64,
    /// Its unit, such as `nm` or `fJ`.
    pub unit: Cow<'static, str>,
    /// Where it comes from: the paper, datasheet or fit, precisely enough to check it.
    pub source: Cow<'static, str>,
}

/// A [`Constant`] in a `const` item.
pub const fn constant(value: f64, unit: &'static str, source: &'static str) -> Constant {
    Constant {
        value,
        unit: Cow::Borrowed(unit),
        source: Cow::Borrowed(source),
    }
}

/// The synthesis library's node: synthesized areas are in um^2 at this node.
pub const LIBRARY_NODE_NM: Constant = constant(
    180.0,
    "nm",
    "OSU 0.18 um standard cells (osu018_stdcells.lib, Debian package qflow-tech-osu018)",
);

/// The synthesis library's supply: `toggle_fj` is an energy at this voltage.
pub const LIBRARY_VDD_V: Constant = constant(1.8, "V", "osu018_stdcells.lib: nom_voltage : 1.8");

/// Stillmaker and Baas's energy factor at 130 nm and its nominal 1.3 V.
pub const STILLMAKER_ENERGY_130: Constant = constant(
    2.604,
    "1 (relative)",
    "A. Stillmaker, B. Baas, \"Scaling equations for the accurate prediction of CMOS device performance from 180 nm to 7 nm\", Integration 58, 2017, Table 5 as applied in the authors' corrigendum: 3.755 V^2 - 4.398 V + 1.975 at 1.3 V",
);

/// Stillmaker and Baas's energy factor at 32 nm and its nominal 0.9 V.
pub const STILLMAKER_ENERGY_32: Constant = constant(
    0.4571,
    "1 (relative)",
    "Stillmaker and Baas 2017, Table 5 as applied in the corrigendum: 0.8367 V^2 - 0.4341 V + 0.1701 at 0.9 V",
);

/// The exponent `a` of energy per operation `~ node^a` at nominal supplies, through the two
/// Stillmaker-Baas points (1.24); beyond 32..130 nm it is extrapolated.
pub fn energy_exponent() -> f64 {
    (STILLMAKER_ENERGY_130.value / STILLMAKER_ENERGY_32.value).ln() / (130.0f64 / 32.0).ln()
}

/// Energy of the same digital operation at `to_nm` relative to `from_nm`, each at its nominal
/// supply.
pub fn energy_scale(from_nm: f64, to_nm: f64) -> f64 {
    (to_nm / from_nm).powf(energy_exponent())
}

/// ADC area fit `log2(area / mm^2) = c0 + c1 * bits + c2 * log2(node / nm)`.
pub const ADC_AREA_LOG2_C0: Constant = constant(
    -14.21,
    "log2(mm^2)",
    "least-squares fit over the Murmann ADC survey (rev. 2025-06-09, ISSCC + VLSI sheets): Nyquist \
     ADCs since 2015 with area, CMOS node, ENOB 4..12 and fsnyq 10 MS/s..2 GS/s, n = 64; RMS \
     residual 2.1 (a factor of 4)",
);
/// ADC area fit: the slope `c1` per bit of resolution.
pub const ADC_AREA_LOG2_PER_BIT: Constant = constant(
    0.550,
    "log2(mm^2) per bit",
    "same fit: area x1.46 per bit of ENOB",
);
/// ADC area fit: the slope `c2` per doubling of the node.
pub const ADC_AREA_LOG2_PER_LOG2_NODE: Constant = constant(
    0.782,
    "log2(mm^2) per log2(nm)",
    "same fit: area ~ node^0.78 (analog scales slower than node^2)",
);

/// Area of one 1-bit row driver (DAC) at [`DRIVER_NODE_NM`].
pub const DRIVER_AREA_UM2: Constant = constant(
    0.166,
    "um^2",
    "ISAAC (Shafiee et al., ISCA 2016), Table 6: 1-bit DACs, 8 x 128 per IMA, 0.00017 mm^2",
);
/// The node of [`DRIVER_AREA_UM2`]: the driver area scales from it by `(node / this)^2`.
pub const DRIVER_NODE_NM: Constant = constant(
    32.0,
    "nm",
    "ISAAC's technology node (Shafiee et al., ISCA 2016)",
);

// `adc.kind = "sense_amp"`: DNN+NeuroSim V1.4 (github.com/neurosim/DNN_NeuroSim_V1.4, directory
// Inference_pytorch/NeuroSIM), the RRAM case of its Param.cpp: 22 nm LP, current mode.

/// The node of NeuroSim's sense-amp figures below; other nodes scale from it.
pub const SENSE_AMP_NODE_NM: Constant = constant(
    22.0,
    "nm",
    "DNN+NeuroSim V1.4, Param.cpp: technode = 22 (the node of its fits used here)",
);

/// Mirror power per level of a column, `a * R + b` below 4832 ohm: (a, b).
pub const SENSE_AMP_POWER_LOW: (Constant, Constant) = (
    constant(-2.85373e-11, "W/ohm", SENSE_AMP_POWER_SOURCE),
    constant(9.16744e-07, "W", SENSE_AMP_POWER_SOURCE),
);
/// Mirror power per level, `a * ln(R) + b` from 4832 to 379269 ohm: (a, b).
pub const SENSE_AMP_POWER_MID: (Constant, Constant) = (
    constant(-1.63133e-07, "W/ln(ohm)", SENSE_AMP_POWER_SOURCE),
    constant(2.1687e-06, "W", SENSE_AMP_POWER_SOURCE),
);
/// Mirror power per level, `a * ln(R) + b` above 379269 ohm: (a, b).
pub const SENSE_AMP_POWER_HIGH: (Constant, Constant) = (
    constant(-5.8712e-08, "W/ln(ohm)", SENSE_AMP_POWER_SOURCE),
    constant(8.64648e-07, "W", SENSE_AMP_POWER_SOURCE),
);
const SENSE_AMP_POWER_SOURCE: &str = "DNN+NeuroSim V1.4, MultilevelSenseAmp.cpp, GetColumnPower: current mode, LP roadmap (Param.cpp deviceroadmap = 2), technode 22";

/// Sensing time of a reference column, `a * ln(R) + b` below 4832 ohm: (a, b).
pub const SENSE_AMP_LATENCY_LOW: (Constant, Constant) = (
    constant(-1.32118e-10, "s/ln(ohm)", SENSE_AMP_LATENCY_SOURCE),
    constant(1.7552e-09, "s", SENSE_AMP_LATENCY_SOURCE),
);
/// Sensing time, `a * R + b` from 4832 ohm: (a, b).
pub const SENSE_AMP_LATENCY_HIGH: (Constant, Constant) = (
    constant(8.02517e-15, "s/ohm", SENSE_AMP_LATENCY_SOURCE),
    constant(8.51803e-10, "s", SENSE_AMP_LATENCY_SOURCE),
);
/// Above this resistance the sensing time grows with the column's capacitance ...
pub const SENSE_AMP_LATENCY_THRESHOLD_OHM: Constant =
    constant(12.7e3, "ohm", SENSE_AMP_LATENCY_SOURCE);
/// ... by `dC / (R2 - threshold) * (R - threshold) * (C - refcap) / refcap`: dC, ...
pub const SENSE_AMP_LATENCY_DC_S: Constant = constant(0.31e-9, "s", SENSE_AMP_LATENCY_SOURCE);
/// ... R2 ...
pub const SENSE_AMP_LATENCY_R2_OHM: Constant = constant(0.1e6, "ohm", SENSE_AMP_LATENCY_SOURCE);
/// ... and refcap.
pub const SENSE_AMP_LATENCY_REFCAP_F: Constant = constant(4.5e-15, "F", SENSE_AMP_LATENCY_SOURCE);
const SENSE_AMP_LATENCY_SOURCE: &str =
    "DNN+NeuroSim V1.4, MultilevelSenseAmp.cpp, ColumnLatency_Table: current mode, tech 22";

/// Gate capacitance of the sense amp's minimum NMOS (width 2 F) at 22 nm.
pub const SENSE_AMP_GATE_N_F: Constant = constant(
    6.291e-17,
    "F",
    "formula.cpp CalculateGateCap: (capIdealGate + capOverlap + capFringe) x width, with Technology.cpp 22 nm LP capIdealGate = 5.245e-10 F/m, capOverlap = 0.2 capIdealGate, capFringe = 8.004e-10 F/m, width = MIN_NMOS_SIZE (2) x 22 nm (constant.h)",
);
/// Gate capacitance of its PMOS, `pnSizeRatio` = 791.9 / 600.2 times wider.
pub const SENSE_AMP_GATE_P_F: Constant = constant(
    8.300e-17,
    "F",
    "same formula, width = pnSizeRatio x 2 x 22 nm, pnSizeRatio = currentOnNmos[0] / currentOnPmos[0] = 791.9 / 600.2 (Technology.cpp, 22 nm LP)",
);
/// Drain junction capacitance of the minimum NMOS inverter at 22 nm.
pub const SENSE_AMP_JUNCTION_N_F: Constant = constant(
    3.727e-17,
    "F",
    "formula.cpp CalculateGateCapacitance, INV, unfolded: bottom 2.8 F x width x capJunction + sidewall (2 x 2.8 F + width) x capSidewall + width x capDrainToChannel, with Technology.cpp cjd = 1e-3 F/m^2, cjswd = 2.5e-10 F/m, cjswgd = 0.5e-10 F/m graded by (1 + vdd/0.9)^0.5 or ^0.33 at vdd = 0.85 (22 nm LP)",
);
/// Drain junction capacitance of its PMOS inverter.
pub const SENSE_AMP_JUNCTION_P_F: Constant =
    constant(4.128e-17, "F", "same formula at the PMOS width");
/// Bit-line wire capacitance per length.
pub const SENSE_AMP_WIRE_F_PER_M: Constant = constant(
    0.2e-9,
    "F/m",
    "SubArray.cpp, Initialize: capCol = lengthCol x 0.2e-15/1e-6",
);
/// Height of a 1T1R cell along the bit line, in F: the column's length is `R` of them.
pub const SENSE_AMP_CELL_HEIGHT_F: Constant =
    constant(4.0, "F", "Param.cpp: heightInFeatureSize1T1R = 4");
/// Width of a 1T1R cell along the word line, in F: a row's word line is `phys_cols` of them.
pub const SENSE_AMP_CELL_WIDTH_F: Constant =
    constant(12.0, "F", "Param.cpp: widthInFeatureSize1T1R = 12");
/// Height of a standard-cell row, in F: every gate of the sense amp and encoder is this tall.
pub const SENSE_AMP_GATE_HEIGHT_F: Constant = constant(
    28.0,
    "F",
    "constant.h: MAX_TRANSISTOR_HEIGHT = 28 (bulk nodes)",
);
/// Contacted poly pitch, in F: an unfolded inverter is 2 of them wide, an n-input NAND n + 1.
pub const SENSE_AMP_POLY_PITCH_F: Constant = constant(
    3.8,
    "F",
    "constant.h: POLY_WIDTH 1 + MIN_GAP_BET_GATE_POLY 2.8 (formula.cpp CalculateGateArea, bulk)",
);

// `adc.kind = "integrating"`: NeuRRAM (Wan et al., Nature 608, 2022), its figures as digitized
// in cimloop (github.com/mit-emze/cimloop, workspace/models/arch/1_macro/wan_nature_2022/_tests.py).

/// The node of NeuRRAM's neuron figures.
pub const NEURON_NODE_NM: Constant = constant(
    130.0,
    "nm",
    "NeuRRAM's CMOS technology (Wan et al., Nature 608, 2022)",
);
/// Neuron energy per operation at 3-bit outputs and 1-bit inputs ...
pub const NEURON_FJ_PER_OP_3B: Constant = constant(
    10.6186848,
    "fJ/op",
    "NeuRRAM Extended Data Fig. 12b, \"Neuron ops. and control (1.8V)\" at 3-bit outputs, 1-bit inputs, as digitized in cimloop's _tests.py (test_energy_bits_scaling)",
);
/// ... and at 4-bit outputs and 2-bit (signed: one magnitude bit, the same integration) inputs.
pub const NEURON_FJ_PER_OP_4B: Constant = constant(
    12.38674172,
    "fJ/op",
    "same figure and test at 4-bit outputs, 2-bit signed inputs (one magnitude bit, as the 1-bit point: cimloop's ENCODED_INPUT_BITS)",
);
/// Operations per MVM of a NeuRRAM core: 256 x 128 signed weights, 2 operations each.
pub const NEURON_OPS_PER_CORE: Constant = constant(
    65536.0,
    "ops",
    "cimloop _tests.py: OPS_PER_ARRAY = 256 * 128 * 2 (differential pairs on a 256 x 256 core)",
);
/// Neurons per NeuRRAM core: one per column of the 256 x 256 array.
pub const NEURONS_PER_CORE: Constant = constant(
    256.0,
    "neurons",
    "cimloop _tests.py, test_area_breakdown: neurons = 1270 um^2 x 256",
);
/// Area of one neuron (integrator, sampling, comparator, charge decrement, counter) at 130 nm.
pub const NEURON_AREA_UM2: Constant = constant(
    1270.0,
    "um^2",
    "NeuRRAM Extended Data Fig. 11f: neurons 28% of a core's area, 1270 um^2 x 256 neurons, as read in cimloop's _tests.py (test_area_breakdown)",
);

/// Unit and source of each `[tech]` key's default, in the order of the struct.
const TECH_SOURCES: &[(&str, &str, &str)] = &[
    ("node_nm", "nm", "preset: default = the library's 180 nm (no scaling); isaac = 32 nm (ISAAC, Shafiee et al., ISCA 2016); neurram = 130 nm (NeuRRAM, Wan et al., Nature 608, 2022)"),
    ("clock_mhz", "MHz", "preset: isaac = 1280, ISAAC's ADC rate 1.28 GS/s (Table 6), one conversion per cycle in this tile; default = 100, an assumption; neurram = 3.333, one cycle per 0.3 us neuron step (cimloop wan_nature_2022 LATENCY_ADC_STEP)"),
    ("vdd_v", "V", "preset: default = 1.8 (osu018_stdcells.lib nom_voltage); isaac = 1.0, an assumed nominal 32 nm core supply; neurram = 1.8, NeuRRAM Extended Data Fig. 12b \"Neuron ops. and control (1.8V)\""),
    ("read_v", "V", "DNN+NeuroSim V1.3, Param.cpp: readVoltage = 0.5 (neurram: the same 0.5 V, NeuRRAM Extended Data Fig. 12b \"Input pulses (Vread=0.5V)\")"),
    ("read_ns", "ns", "DNN+NeuroSim V1.3, Param.cpp: readPulseWidth = 10e-9 (neurram: the same 10 ns, cimloop wan_nature_2022 READ_PULSE_WIDTH)"),
    ("g_on_us", "uS", "DNN+NeuroSim V1.3, Param.cpp: resistanceOn = 6 kOhm (neurram: 40 uS, aihwkit ReRamWan2022NoiseModel g_max)"),
    ("g_off_us", "uS", "DNN+NeuroSim V1.3, Param.cpp: resistanceOff = 150 x resistanceOn (neurram: 1 uS, cimloop rram_wan_nature_2022.cell.yaml ResistanceOff 1 MOhm)"),
    ("cell_area_f2", "F^2", "DNN+NeuroSim V1.3, Param.cpp: 1T1R cell 4 F x 12 F (neurram: 125.74, cimloop rram_wan_nature_2022.cell.yaml CellArea)"),
    ("adc_fom_walden_fj", "fJ/conv-step", "Murmann ADC survey (rev. 2025-06-09): median FOMW_hf of Nyquist ADCs since 2015, fsnyq 10 MS/s..2 GS/s, ENOB 4..10 (n = 36, quartiles 16..45)"),
    ("adc_fom_schreier_db", "dB", "Murmann ADC survey (rev. 2025-06-09): median FOMS_hf of Nyquist ADCs since 2015 with ENOB >= 10 (n = 55, quartiles 169..178)"),
    ("toggle_fj", "fJ", "osu018_stdcells.lib: internal energy per transition at mid-table (index 3, 3; mean of rise and fall) AND2X1 54 fJ, NAND2X1 96 fJ, ~50 fJ taken; plus two fan-out pins 2 x 0.013 pF x (1.8 V)^2 / 2 = 42 fJ"),
    ("activity", "transitions per net and cycle", "DNN+NeuroSim V1.3, Param.cpp: switching activity of adders delta = 0.15 (the uniform fallback where the activity is not measured)"),
    ("driver_fj", "fJ per driven row and read", "ISAAC, Table 6: 1-bit DACs, 8 x 128 per IMA, 4 mW at one read per 100 ns"),
];

/// Every constant the estimate of `tech` uses, by name: the `[tech]` keys as `tech.KEY` with
/// the configured value, and the fixed figures.
pub fn all(tech: &TechConfig) -> BTreeMap<String, Constant> {
    let mut out: BTreeMap<String, Constant> = TECH_SOURCES
        .iter()
        .zip(tech.values())
        .map(|(&(key, unit, source), value)| (format!("tech.{key}"), constant(value, unit, source)))
        .collect();
    for (name, c) in [
        ("library_node_nm", LIBRARY_NODE_NM),
        ("library_vdd_v", LIBRARY_VDD_V),
        ("stillmaker_energy_130", STILLMAKER_ENERGY_130),
        ("stillmaker_energy_32", STILLMAKER_ENERGY_32),
        ("adc_area_log2_c0", ADC_AREA_LOG2_C0),
        ("adc_area_log2_per_bit", ADC_AREA_LOG2_PER_BIT),
        ("adc_area_log2_per_log2_node", ADC_AREA_LOG2_PER_LOG2_NODE),
        ("driver_area_um2", DRIVER_AREA_UM2),
        ("driver_node_nm", DRIVER_NODE_NM),
    ] {
        out.insert(name.to_string(), c);
    }
    out
}

/// The constants of the ADC model of `kind`, by name, as [`all`] lists the others.
pub fn of_adc_kind(kind: AdcKind) -> Vec<(String, Constant)> {
    let pair = |name: &str, (a, b): (Constant, Constant)| {
        [(format!("{name}_a"), a), (format!("{name}_b"), b)]
    };
    let named = |list: &[(&str, Constant)]| -> Vec<(String, Constant)> {
        list.iter()
            .map(|(n, c)| (n.to_string(), c.clone()))
            .collect()
    };
    match kind {
        // The survey's fit and figures of merit are in `all`, listed for every tile as before.
        AdcKind::Sar => Vec::new(),
        AdcKind::SenseAmp => {
            let mut out = named(&[
                ("sense_amp_node_nm", SENSE_AMP_NODE_NM),
                (
                    "sense_amp_latency_threshold_ohm",
                    SENSE_AMP_LATENCY_THRESHOLD_OHM,
                ),
                ("sense_amp_latency_dc_s", SENSE_AMP_LATENCY_DC_S),
                ("sense_amp_latency_r2_ohm", SENSE_AMP_LATENCY_R2_OHM),
                ("sense_amp_latency_refcap_f", SENSE_AMP_LATENCY_REFCAP_F),
                ("sense_amp_gate_n_f", SENSE_AMP_GATE_N_F),
                ("sense_amp_gate_p_f", SENSE_AMP_GATE_P_F),
                ("sense_amp_junction_n_f", SENSE_AMP_JUNCTION_N_F),
                ("sense_amp_junction_p_f", SENSE_AMP_JUNCTION_P_F),
                ("sense_amp_wire_f_per_m", SENSE_AMP_WIRE_F_PER_M),
                ("sense_amp_cell_height_f", SENSE_AMP_CELL_HEIGHT_F),
                ("sense_amp_cell_width_f", SENSE_AMP_CELL_WIDTH_F),
                ("sense_amp_gate_height_f", SENSE_AMP_GATE_HEIGHT_F),
                ("sense_amp_poly_pitch_f", SENSE_AMP_POLY_PITCH_F),
            ]);
            out.extend(pair("sense_amp_power_low", SENSE_AMP_POWER_LOW));
            out.extend(pair("sense_amp_power_mid", SENSE_AMP_POWER_MID));
            out.extend(pair("sense_amp_power_high", SENSE_AMP_POWER_HIGH));
            out.extend(pair("sense_amp_latency_low", SENSE_AMP_LATENCY_LOW));
            out.extend(pair("sense_amp_latency_high", SENSE_AMP_LATENCY_HIGH));
            out
        }
        AdcKind::Integrating => named(&[
            ("neuron_node_nm", NEURON_NODE_NM),
            ("neuron_fj_per_op_3b", NEURON_FJ_PER_OP_3B),
            ("neuron_fj_per_op_4b", NEURON_FJ_PER_OP_4B),
            ("neuron_ops_per_core", NEURON_OPS_PER_CORE),
            ("neurons_per_core", NEURONS_PER_CORE),
            ("neuron_area_um2", NEURON_AREA_UM2),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TECH_RANGES;

    #[test]
    fn every_tech_key_has_a_source() {
        let sourced: Vec<&str> = TECH_SOURCES.iter().map(|s| s.0).collect();
        let ranged: Vec<&str> = TECH_RANGES.iter().map(|r| r.0).collect();
        assert_eq!(sourced, ranged);
    }

    #[test]
    fn stillmaker_points_are_reproduced() {
        let e = |v: f64, a: f64, b: f64, c: f64| a * v * v + b * v + c;
        assert!((e(1.3, 3.755, -4.398, 1.975) - STILLMAKER_ENERGY_130.value).abs() < 1e-3);
        assert!((e(0.9, 0.8367, -0.4341, 0.1701) - STILLMAKER_ENERGY_32.value).abs() < 1e-3);
        assert!(
            (energy_scale(130.0, 32.0) - STILLMAKER_ENERGY_32.value / STILLMAKER_ENERGY_130.value)
                .abs()
                < 1e-9
        );
        assert!((energy_exponent() - 1.241).abs() < 1e-3);
    }
}

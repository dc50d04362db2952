//! Every physical constant of the estimate with its unit and source: the `[tech]` keys (whose
//! defaults the presets carry) and the fixed figures below. The table of constants in docs/ppa.md is
//! this file in prose; `cimtile ppa --json` lists them as used.

use crate::config::TechConfig;
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

/// Unit and source of each `[tech]` key's default, in the order of the struct.
const TECH_SOURCES: &[(&str, &str, &str)] = &[
    ("node_nm", "nm", "preset: default = the library's 180 nm (no scaling); isaac = 32 nm (ISAAC, Shafiee et al., ISCA 2016); neurram = 130 nm (NeuRRAM, Wan et al., Nature 608, 2022)"),
    ("clock_mhz", "MHz", "preset: isaac = 1280, ISAAC's ADC rate 1.28 GS/s (Table 6), one conversion per cycle in this tile; default and neurram = 100, an assumption (NeuRRAM states no single clock for this schedule)"),
    ("vdd_v", "V", "preset: default = 1.8 (osu018_stdcells.lib nom_voltage); isaac = 1.0, neurram = 1.2: assumed nominal core supplies of 32 nm and 130 nm CMOS"),
    ("read_v", "V", "DNN+NeuroSim V1.3, Param.cpp: readVoltage = 0.5"),
    ("read_ns", "ns", "DNN+NeuroSim V1.3, Param.cpp: readPulseWidth = 10e-9"),
    ("g_on_us", "uS", "DNN+NeuroSim V1.3, Param.cpp: resistanceOn = 6 kOhm"),
    ("g_off_us", "uS", "DNN+NeuroSim V1.3, Param.cpp: resistanceOff = 150 x resistanceOn"),
    ("cell_area_f2", "F^2", "DNN+NeuroSim V1.3, Param.cpp: 1T1R cell 4 F x 12 F"),
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

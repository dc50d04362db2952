//! The figures of a placed design: fmax, resources and the critical path from nextpnr's
//! `--report` JSON, with cell counts from Yosys's `stat -json`.

use super::{Family, Target};
use anyhow::{anyhow, Result};
use serde_json::Value;

/// A resource: used and available on the device.
#[derive(Debug, Clone)]
pub struct Use {
    /// `LUTs`, `flip-flops`, `block RAMs` or `multipliers`.
    pub label: &'static str,
    /// The family's cell type counted.
    pub cell: &'static str,
    /// Cells of that type the design uses.
    pub used: u64,
    /// Cells of that type the device has (0 where nextpnr's report does not say).
    pub available: u64,
}

/// The timing-critical path of the clock, from nextpnr's report.
#[derive(Debug, Clone)]
pub struct CriticalPath {
    /// The path's delay, ns: the sum of its logic and routing steps.
    pub delay_ns: f64,
    /// Logic cells the path passes through (its routing steps not counted).
    pub logic_levels: usize,
    /// Registers and nets along the path, synthesis suffixes cut off, each name once (a carry
    /// chain's nets take the name of one of its sinks, so names recur along a path).
    pub through: Vec<String>,
}

/// What nextpnr measured of one placement.
#[derive(Debug, Clone)]
pub struct Figures {
    /// LUTs, flip-flops, block RAMs and multipliers, in that order.
    pub resources: Vec<Use>,
    /// The clock's achieved fmax.
    pub fmax_mhz: f64,
    /// The slowest register-to-register path of the clock, where the report lists one.
    pub critical: Option<CriticalPath>,
}

/// A netlist name with the cell suffixes synthesis and packing added cut off:
/// `activation.product_SB_DFFE_Q_DFFLC` -> `activation.product`.
pub(crate) fn readable(name: &str) -> String {
    const CUTS: &[&str] = &[
        "_TRELLIS",
        "_SB_",
        "_LUT4",
        "_CCU2C",
        "_MULT18X18D",
        "_PFUMX",
        "_L6MUX",
        "_DP16KD",
        "_DPR16X4",
        "$",
        "[",
    ];
    let end = CUTS
        .iter()
        .filter_map(|cut| name.find(cut))
        .min()
        .unwrap_or(name.len());
    name[..end].to_string()
}

/// Cells of the types matching `pattern` (a trailing `*` matches any suffix) in a Yosys
/// `num_cells_by_type` object.
pub(crate) fn count_cells(cells: &Value, pattern: &str) -> u64 {
    cells.as_object().map_or(0, |m| {
        m.iter()
            .filter(|(k, _)| {
                pattern
                    .strip_suffix('*')
                    .map_or(k.as_str() == pattern, |p| k.starts_with(p))
            })
            .filter_map(|(_, v)| v.as_u64())
            .sum()
    })
}

/// The clock's fmax, the resources and the critical path from nextpnr's `--report` JSON,
/// with iCE40 LUT and flip-flop counts from Yosys's `stat -json` (nextpnr counts packed logic
/// cells there, a LUT and a flip-flop each).
pub(crate) fn figures(target: &Target, report: &Value, stat: &Value) -> Result<Figures> {
    // The clock net is `clock`, or on iCE40 its global buffer `clock$SB_IO_IN_$glb_clk`.
    let fmax_mhz = report["fmax"]
        .as_object()
        .and_then(|clocks| {
            clocks
                .iter()
                .filter(|(name, _)| name.split('$').next() == Some("clock"))
                .filter_map(|(_, v)| v["achieved"].as_f64())
                .reduce(f64::min)
        })
        .ok_or_else(|| anyhow!("nextpnr's report has no fmax for the clock 'clock'"))?;
    let utilization = &report["utilization"];
    let cells = &stat["design"]["num_cells_by_type"];
    let count = |pattern: &str| count_cells(cells, pattern);
    let resources = target
        .resources()
        .into_iter()
        .map(|(label, cell)| {
            let (used, available) = match (target.family, cell) {
                (Family::Ice40, "SB_LUT4" | "SB_DFF*") => (
                    count(cell),
                    utilization["ICESTORM_LC"]["available"]
                        .as_u64()
                        .unwrap_or(0),
                ),
                (Family::Ice40, "SB_RAM40_4K") => (
                    count(cell),
                    utilization["ICESTORM_RAM"]["available"]
                        .as_u64()
                        .unwrap_or(0),
                ),
                (Family::Ice40, _) => (
                    count(cell),
                    utilization["ICESTORM_DSP"]["available"]
                        .as_u64()
                        .unwrap_or(0),
                ),
                (Family::Ecp5, _) => (
                    utilization[cell]["used"].as_u64().unwrap_or(0),
                    utilization[cell]["available"].as_u64().unwrap_or(0),
                ),
            };
            Use {
                label,
                cell,
                used,
                available,
            }
        })
        .collect();
    let critical = report["critical_paths"].as_array().and_then(|paths| {
        // The register-to-register path that sets fmax, not an I/O path of the iCE40's pins.
        let on_clock = |p: &&Value| {
            ["from", "to"]
                .iter()
                .all(|end| p[*end].as_str().is_some_and(|e| e.contains("clock")))
        };
        let steps = paths.iter().filter(on_clock).max_by(|a, b| {
            let total = |p: &Value| {
                p["path"].as_array().map_or(0.0, |s| {
                    s.iter().filter_map(|x| x["delay"].as_f64()).sum::<f64>()
                })
            };
            total(a).total_cmp(&total(b))
        })?["path"]
            .as_array()?;
        let mut through: Vec<String> = Vec::new();
        let names = steps
            .first()
            .and_then(|s| s["from"]["cell"].as_str())
            .into_iter()
            .chain(steps.iter().filter_map(|s| s["net"].as_str()))
            .chain(steps.last().and_then(|s| s["to"]["cell"].as_str()));
        for name in names {
            let name = readable(name);
            if !name.is_empty() && !through.contains(&name) {
                through.push(name);
            }
        }
        Some(CriticalPath {
            delay_ns: steps.iter().filter_map(|s| s["delay"].as_f64()).sum(),
            logic_levels: steps.iter().filter(|s| s["type"] == "logic").count(),
            through,
        })
    });
    Ok(Figures {
        resources,
        fmax_mhz,
        critical,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_names() {
        assert_eq!(
            readable("activation.product_SB_DFFE_Q_DFFLC"),
            "activation.product"
        );
        assert_eq!(readable("activation.step[0]"), "activation.step");
        assert_eq!(readable("clock"), "clock");
    }
}

//! Running OpenSTA's `report_power` on a netlist, and reading its totals: the reference this
//! crate is checked against.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::error::{PowerError, Result};

/// What to run OpenSTA on.
#[derive(Debug, Clone)]
pub struct StaRun {
    /// The `sta` executable.
    pub sta: PathBuf,
    /// Liberty files, the standard cells first (OpenSTA takes its default wire load from it).
    pub liberty: Vec<PathBuf>,
    /// Structural Verilog (instance parameter lists removed, see [`strip_instance_parameters`]).
    pub verilog: PathBuf,
    /// Top module.
    pub top: String,
    /// Clock port.
    pub clock_port: String,
    /// Clock period (ns).
    pub period_ns: f64,
    /// Global activity (transitions per cycle).
    pub activity: f64,
}

/// OpenSTA's totals (W) and its raw report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaPower {
    /// Internal power (W).
    pub internal_w: f64,
    /// Switching power (W).
    pub switching_w: f64,
    /// Leakage power (W).
    pub leakage_w: f64,
    /// Total (W).
    pub total_w: f64,
    /// The whole output of the run.
    pub output: String,
}

fn tcl_path(p: &Path) -> String {
    format!("{{{}}}", p.display())
}

/// Runs `report_power` and parses the `Total` row.
pub fn report_power(run: &StaRun, scratch: &Path) -> Result<StaPower> {
    let mut tcl = String::new();
    for l in &run.liberty {
        tcl += &format!("read_liberty {}\n", tcl_path(l));
    }
    tcl += &format!(
        "read_verilog {}\nlink_design {}\n",
        tcl_path(&run.verilog),
        run.top
    );
    tcl += &format!(
        "create_clock -name clk -period {} [get_ports {}]\n",
        run.period_ns, run.clock_port
    );
    tcl += &format!(
        "set_power_activity -global -activity {}\nreport_power -digits 6\n",
        run.activity
    );
    let script = scratch.join("report_power.tcl");
    std::fs::write(&script, tcl).map_err(|source| PowerError::Io {
        path: script.clone(),
        source,
    })?;
    let out = Command::new(&run.sta)
        .args(["-no_init", "-no_splash", "-exit"])
        .arg(&script)
        .output()
        .map_err(|e| PowerError::OpenSta(format!("cannot run {}: {e}", run.sta.display())))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    parse_report(&text)
}

/// Reads the `Total` row of a `report_power` output.
pub fn parse_report(text: &str) -> Result<StaPower> {
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("Total") && l.split_whitespace().count() >= 5)
        .ok_or_else(|| PowerError::OpenSta(format!("no Total row in the report:\n{text}")))?;
    let v: Vec<f64> = row
        .split_whitespace()
        .skip(1)
        .take(4)
        .filter_map(|s| s.parse().ok())
        .collect();
    if v.len() != 4 {
        return Err(PowerError::OpenSta(format!(
            "cannot read the Total row '{row}'"
        )));
    }
    Ok(StaPower {
        internal_w: v[0],
        switching_w: v[1],
        leakage_w: v[2],
        total_w: v[3],
        output: text.to_string(),
    })
}

/// Removes `#( ... )` parameter lists of module instances from structural Verilog: OpenSTA's
/// Verilog reader stops at a parameterized (macro) instance.
pub fn strip_instance_parameters(verilog: &str) -> String {
    let mut out = String::with_capacity(verilog.len());
    let b = verilog.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && b[j] == b'(' {
                let mut depth = 0usize;
                while j < b.len() {
                    match b[j] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
        }
        let ch = verilog[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_parameters_and_parses_totals() {
        let v = "m #(.A(32'sd16), .B(2)) u (.x(y));";
        assert_eq!(strip_instance_parameters(v), "m  u (.x(y));");
        let r = "Total                  1.0e-03   2.0e-03   3.0e-06   3.003e-03\n";
        let p = parse_report(r).unwrap();
        assert_eq!(p.switching_w, 2.0e-3);
    }
}

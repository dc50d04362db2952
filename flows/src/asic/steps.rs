//! The flow's tools as it runs them: a qflow step, OpenSTA on the written files, and qflow's
//! `rc2dly` for the routed wire delays.

use super::logs::{worst_slacks, Slack};
use super::{Files, TECH_DIR};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `qflow <step> -T osu018 <top>` in `dir`; a failure quotes the step's log.
pub(super) fn qflow_step(dir: &Path, step: &str, top: &str) -> Result<()> {
    let out = Command::new("qflow")
        .args([step, "-T", "osu018", top])
        .current_dir(dir)
        .output()
        .context("cannot run qflow")?;
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let failed = !out.status.success()
        || text.contains("Premature exit")
        || text.contains("error condition");
    if failed {
        let tail: Vec<&str> = text
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!(
            "qflow {step} failed in '{}':\n{}",
            dir.display(),
            tail.join("\n")
        );
    }
    Ok(())
}

/// The OpenSTA script that times `out`'s netlist (with `sdf`'s wire delays if given); the
/// same script is written beside the reports so anyone can rerun it.
pub fn sta_script(
    top: &str,
    netlist: &str,
    sdc: &str,
    macro_lib: &str,
    sdf: Option<&str>,
) -> String {
    let annotate = sdf.map_or_else(String::new, |f| format!("read_sdf {f}\n"));
    format!(
        "read_liberty {TECH_DIR}/osu018_stdcells.lib\nread_liberty {macro_lib}\nread_verilog {netlist}\nlink_design {top}\n\
         read_sdc {sdc}\n{annotate}report_checks -path_delay max -digits 3\nreport_checks -path_delay min -digits 3\n\
         puts \"worst setup slack [format %.4f [sta::worst_slack -max]]\"\nputs \"worst hold slack [format %.4f [sta::worst_slack -min]]\"\n"
    )
}

/// Runs OpenSTA in `out` on the files written there (`netlist` among them); the report goes to
/// `report`.
pub(super) fn opensta(
    out: &Path,
    files: &Files,
    netlist: &str,
    sdf: Option<&Path>,
    report: &Path,
) -> Result<Slack> {
    let sdf_name = sdf
        .and_then(|f| f.file_name())
        .map(|f| f.to_string_lossy().to_string());
    let script = sta_script(
        &files.top,
        netlist,
        &files.sdc(),
        &format!("{}.lib", files.macro_module),
        sdf_name.as_deref(),
    );
    let script_name = if sdf.is_some() {
        "sta_routed.tcl"
    } else {
        "sta_synthesis.tcl"
    };
    std::fs::write(out.join(script_name), &script)?;
    let result = Command::new("sta")
        .args(["-no_splash", "-exit", script_name])
        .current_dir(out)
        .output()
        .context("cannot run OpenSTA (sta)")?;
    let text = String::from_utf8_lossy(&result.stdout).to_string()
        + &String::from_utf8_lossy(&result.stderr);
    std::fs::write(report, &text)?;
    if let Some(error) = text.lines().find(|l| l.starts_with("Error")) {
        bail!(
            "OpenSTA failed on {netlist}: {error} (see {})",
            report.display()
        );
    }
    worst_slacks(&text)
        .with_context(|| format!("OpenSTA reported no worst slack (see {})", report.display()))
}

/// The routed parasitics as SDF wire delays, by qflow's `rc2dly` (bus brackets as in Verilog).
pub(super) fn rc_to_sdf(rc: &Path, sdf: &Path) -> Result<()> {
    let rc2dly = PathBuf::from("/usr/lib/qflow/bin/rc2dly");
    let lib = format!("{TECH_DIR}/osu018_stdcells.lib");
    let out = Command::new(&rc2dly)
        .arg("-r")
        .arg(rc)
        .args(["-l", &lib, "-d"])
        .arg(sdf)
        .output()
        .with_context(|| format!("cannot run {}", rc2dly.display()))?;
    let text = std::fs::read_to_string(sdf).map_err(|_| {
        anyhow!(
            "rc2dly wrote no SDF from '{}': {}",
            rc.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    std::fs::write(sdf, text.replace('<', "[").replace('>', "]"))?;
    Ok(())
}

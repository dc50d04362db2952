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

/// The OpenSTA script's last part: the worst setup and hold slacks, and the worst setup slack of
/// the paths that have the full clock period apart from that of the paths that have half of it
/// ([`sta_script`]).
const SLACKS_TCL: &str = r#"# The worst slacks first: after a query restricted to some pins (find_timing_paths -to) this
# OpenSTA's worst_slack -min no longer sees every path (it printed the gates' +0.103 ns
# clock-gating hold slack for the macro's +0.067 ns).
puts "worst setup slack [format %.4f [sta::worst_slack -max]]"
puts "worst hold slack [format %.4f [sta::worst_slack -min]]"
# The worst setup slack (ns) of the paths find_timing_paths finds for any of the argument
# lists, none where it finds none (find_timing_paths refuses an empty list of pins).
proc worst_setup_slack {queries} {
  set worst none
  foreach query $queries {
    if {[llength [lindex $query 1]] == 0} continue
    foreach end [eval find_timing_paths $query -path_delay max] {
      set slack [sta::format_time [$end slack] 4]
      if {$worst == "none" || $slack < $worst} { set worst $slack }
    }
  }
  return $worst
}
# A full period: into the flip-flops and the macro (its inputs are edge-triggered registers
# here too), and to the outputs.
set full_cycle [list [list -to [concat [all_registers -edge_triggered -data_pins] [all_outputs]]]]
# Half a period: into a clock gate's latch, open while the clock is low, by its opening at the
# clock's fall; out of it to the AND's clock-gating check at the next rise.
set into_latches [list -to [all_registers -level_sensitive -data_pins]]
set half_cycle [list $into_latches [list -from [all_registers -level_sensitive]]]
puts "worst setup slack full cycle [worst_setup_slack $full_cycle]"
puts "worst setup slack half cycle [worst_setup_slack $half_cycle]"
"#;

/// The OpenSTA script that times `out`'s netlist (with `sdf`'s wire delays if given); the
/// same script is written beside the reports so anyone can rerun it. Besides the worst slacks it
/// prints the worst setup slack of the paths with a full clock period apart from that of the
/// paths through a clock gate's latch, which have half of one: fmax takes each at its share of
/// the period (`Slack::fmax_mhz`).
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
         read_sdc {sdc}\n{annotate}report_checks -path_delay max -digits 3\nreport_checks -path_delay min -digits 3\n{SLACKS_TCL}"
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

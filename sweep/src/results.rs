//! A sweep directory: `sweep.json` (what the sweep is) and `results.csv` (one row per finished
//! point: its index, its swept values, its figures), appended as points finish and rewritten in
//! point order at the end, so an interrupted sweep keeps what it did.

use crate::spec::{Axis, Shard};
use anyhow::{bail, Context, Result};
use cimtile_tile::TileConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Everything that decides a sweep's rows. Two runs with equal specs compute equal rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// Where the base tile came from, and the base tile itself.
    pub tile: String,
    pub config: TileConfig,
    pub axes: Vec<Axis>,
    pub job: String,
    pub job_args: serde_json::Value,
    pub figures: Vec<String>,
    pub main_figure: String,
    pub points: usize,
    pub shard: Shard,
}

impl SweepSpec {
    /// The CSV header: `point`, the swept keys, the figures.
    pub fn header(&self) -> Vec<String> {
        std::iter::once("point".to_string())
            .chain(self.axes.iter().map(|a| a.key.clone()))
            .chain(self.figures.iter().cloned())
            .collect()
    }

    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("sweep.json");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "'{}' is not a sweep directory: cannot read '{}'",
                dir.display(),
                path.display()
            )
        })?;
        serde_json::from_str(&text)
            .with_context(|| format!("'{}' is not a sweep description", path.display()))
    }

    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join("sweep.json");
        std::fs::write(&path, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("cannot write '{}'", path.display()))
    }
}

/// Finished rows by point index.
pub type Rows = BTreeMap<usize, Vec<String>>;

pub fn results_path(dir: &Path) -> PathBuf {
    dir.join("results.csv")
}

/// The rows of `dir/results.csv` (none if it does not exist), checked against the header.
pub fn read_rows(dir: &Path, header: &[String]) -> Result<Rows> {
    let path = results_path(dir);
    if !path.exists() {
        return Ok(Rows::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read '{}'", path.display()))?;
    // Rows are appended whole, newline last: a last line without one was cut off mid-write by an
    // interruption, and its point runs again.
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    let mut lines = complete.lines();
    let file = path.display();
    match lines.next() {
        None => return Ok(Rows::new()),
        Some(first) if first.split(',').eq(header.iter().map(String::as_str)) => {}
        Some(first) => bail!(
            "{file}: its columns ({first}) are not this sweep's ({})",
            header.join(",")
        ),
    }
    let mut rows = Rows::new();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.is_empty()) {
        let fields: Vec<String> = line.split(',').map(str::to_string).collect();
        let index = fields[0]
            .parse::<usize>()
            .ok()
            .filter(|_| fields.len() == header.len());
        let Some(index) = index else {
            bail!(
                "{file}, line {}: not a row of {} values starting with a point index",
                i + 2,
                header.len()
            );
        };
        rows.insert(index, fields);
    }
    Ok(rows)
}

/// Appends rows to `dir/results.csv` as points finish (the header first, into a new file).
pub struct Appender {
    file: std::fs::File,
}

impl Appender {
    pub fn open(dir: &Path, header: &[String]) -> Result<Self> {
        let path = results_path(dir);
        let fresh = std::fs::metadata(&path).map_or(true, |m| m.len() == 0);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot write '{}'", path.display()))?;
        if fresh {
            writeln!(file, "{}", header.join(","))?;
        }
        Ok(Appender { file })
    }

    pub fn append(&mut self, row: &[String]) -> Result<()> {
        writeln!(self.file, "{}", row.join(",")).context("cannot append to results.csv")?;
        self.file.flush()?;
        Ok(())
    }
}

/// Writes `rows` in point order as `dir/results.csv`, replacing it whole.
pub fn write_rows(dir: &Path, header: &[String], rows: &Rows) -> Result<()> {
    let mut text = header.join(",") + "\n";
    for row in rows.values() {
        text += &(row.join(",") + "\n");
    }
    let temporary = dir.join("results.csv.tmp");
    std::fs::write(&temporary, text)
        .with_context(|| format!("cannot write '{}'", temporary.display()))?;
    std::fs::rename(&temporary, results_path(dir)).context("cannot replace results.csv")
}

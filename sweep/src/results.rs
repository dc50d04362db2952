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
    /// Where the base tile came from (`preset 'default'`, `'tile.toml'`).
    pub tile: String,
    /// The base tile itself, which every point changes at its swept keys.
    pub config: TileConfig,
    /// The swept keys and their values, in the order given.
    pub axes: Vec<Axis>,
    /// The job's name (`net`, `cosim`, `ppa`, `chip`).
    pub job: String,
    /// The job's own arguments (model, test set, MVMs, seed...), as the job records them.
    pub job_args: serde_json::Value,
    /// The job's figures: the CSV columns after the swept keys.
    pub figures: Vec<String>,
    /// The figure the plots show.
    pub main_figure: String,
    /// Points of the whole cross product (all shards).
    pub points: usize,
    /// The points this directory runs.
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

    /// The spec in `dir/sweep.json`; an error says `dir` is not a sweep directory.
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

    /// Writes the spec as `dir/sweep.json` (pretty JSON).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join("sweep.json");
        std::fs::write(&path, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("cannot write '{}'", path.display()))
    }
}

/// Finished rows by point index.
pub type Rows = BTreeMap<usize, Vec<String>>;

/// Where the results of sweep directory `dir` are: `dir/results.csv`.
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
    let file = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(complete.as_bytes());
    let mut record = csv::StringRecord::new();
    let not_csv = || format!("{file}: not a CSV file");
    if !reader.read_record(&mut record).with_context(not_csv)? {
        return Ok(Rows::new());
    }
    if !record.iter().eq(header.iter().map(String::as_str)) {
        bail!(
            "{file}: its columns ({}) are not this sweep's ({})",
            record.iter().collect::<Vec<_>>().join(","),
            header.join(",")
        );
    }
    let mut rows = Rows::new();
    loop {
        let line = next_line(complete, reader.position());
        if !reader.read_record(&mut record).with_context(not_csv)? {
            return Ok(rows);
        }
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        let index = fields[0]
            .parse::<usize>()
            .ok()
            .filter(|_| fields.len() == header.len());
        let Some(index) = index else {
            bail!(
                "{file}, line {line}: not a row of {} values starting with a point index",
                header.len()
            );
        };
        rows.insert(index, fields);
    }
}

/// The line the next record of `text` starts on, the reader being at `at`: csv skips blank lines
/// before a record without counting them into the record's position.
fn next_line(text: &str, at: &csv::Position) -> u64 {
    let rest = text
        .as_bytes()
        .get(at.byte() as usize..)
        .unwrap_or_default();
    let blank = rest
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|&&b| b == b'\n')
        .count();
    at.line() + blank as u64
}

/// A CSV writer of results rows: fields as given, one `\n`-terminated line per row.
fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Appends rows to `dir/results.csv` as points finish (the header first, into a new file).
pub struct Appender {
    file: csv::Writer<std::fs::File>,
}

impl Appender {
    /// Opens `dir/results.csv` for appending, writing `header` first if the file is new or empty.
    pub fn open(dir: &Path, header: &[String]) -> Result<Self> {
        let path = results_path(dir);
        let fresh = std::fs::metadata(&path).map_or(true, |m| m.len() == 0);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot write '{}'", path.display()))?;
        let mut file = writer(file);
        if fresh {
            file.write_record(header)?;
            file.flush()?;
        }
        Ok(Appender { file })
    }

    /// Appends `row` and flushes it, so that an interruption loses at most the row being written.
    pub fn append(&mut self, row: &[String]) -> Result<()> {
        self.file
            .write_record(row)
            .context("cannot append to results.csv")?;
        self.file.flush()?;
        Ok(())
    }
}

/// Writes `rows` in point order as `dir/results.csv`, replacing it whole.
pub fn write_rows(dir: &Path, header: &[String], rows: &Rows) -> Result<()> {
    let temporary = dir.join("results.csv.tmp");
    let cannot = || format!("cannot write '{}'", temporary.display());
    let file = std::fs::File::create(&temporary).with_context(cannot)?;
    let mut out = writer(file);
    for row in std::iter::once(header).chain(rows.values().map(Vec::as_slice)) {
        out.write_record(row).with_context(cannot)?;
    }
    out.flush().with_context(cannot)?;
    std::fs::rename(&temporary, results_path(dir)).context("cannot replace results.csv")
}

//! Reading a VCD back as a table of chosen signals over time (for `cimtile wave` and for
//! tests that check waveforms), with the `vcd` crate.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;
use vcd::{Command, ScopeItem};

/// One chosen signal of a VCD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaveSignal {
    /// Hierarchical name, scopes joined by '.'.
    pub name: String,
    /// Width in bits.
    pub width: u32,
}

/// Values of the chosen signals at every time one of them changed.
#[derive(Debug, Clone)]
pub struct Waveform {
    /// The chosen signals, in the order of each row's values.
    pub signals: Vec<WaveSignal>,
    /// (time, one value per signal): hex for known vectors, bits where x or z appear.
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Why a VCD could not be read as a table.
#[derive(Debug, thiserror::Error)]
pub enum WaveError {
    /// The file could not be read.
    // The cause is in the message, not a `source`: printed with its chain, it would show twice.
    #[error("cannot read '{path}': {error}")]
    Io {
        /// The VCD file.
        path: String,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// The file is not a VCD the `vcd` crate can parse.
    #[error("'{path}' is not a valid VCD: {message}")]
    Parse {
        /// The VCD file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// A pattern chose no signal.
    #[error("no signal in '{path}' matches '{pattern}' (signals there include: {examples})")]
    NoMatch {
        /// The VCD file.
        path: String,
        /// The pattern that matched nothing.
        pattern: String,
        /// A few of the file's signal names, comma-separated, as a hint.
        examples: String,
    },
}

/// `pattern`: a glob over hierarchical names (`*` any text); None picks the top scope's
/// signals (the module's ports).
fn matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return name == pattern || name.ends_with(&format!(".{pattern}"));
    }
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !rest.starts_with(part) {
                return false;
            }
            rest = &rest[part.len()..];
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(at) = rest.find(part) {
            rest = &rest[at + part.len()..];
        } else {
            return false;
        }
    }
    true
}

fn collect(items: &[ScopeItem], prefix: &str, depth: usize, out: &mut Vec<(WaveSignal, vcd::IdCode, usize)>) {
    for item in items {
        match item {
            ScopeItem::Scope(scope) => {
                let name = if prefix.is_empty() { scope.identifier.clone() } else { format!("{prefix}.{}", scope.identifier) };
                collect(&scope.items, &name, depth + 1, out);
            }
            ScopeItem::Var(var) => {
                let signal = WaveSignal { name: format!("{prefix}.{}", var.reference), width: var.size };
                out.push((signal, var.code, depth));
            }
            _ => {}
        }
    }
}

fn render(value: &str) -> String {
    if value.len() < 2 || !value.chars().all(|c| c == '0' || c == '1') {
        return value.to_string();
    }
    let hex: String = value
        .as_bytes()
        .rchunks(4)
        .rev()
        .map(|nibble| {
            let v = nibble.iter().fold(0u32, |acc, b| acc * 2 + (b - b'0') as u32);
            char::from_digit(v, 16).expect("a nibble is a hex digit")
        })
        .collect();
    match hex.trim_start_matches('0') {
        "" => "0".into(),
        digits => digits.into(),
    }
}

/// Reads `path` and tabulates the signals matching `pattern` between `from` and `to`.
pub fn read_waveform(path: &Path, pattern: Option<&str>, from: Option<u64>, to: Option<u64>) -> Result<Waveform, WaveError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|error| WaveError::Io { path: shown.clone(), error })?;
    let mut parser = vcd::Parser::new(BufReader::new(file));
    let header = parser.parse_header().map_err(|e| WaveError::Parse { path: shown.clone(), message: e.to_string() })?;
    let mut all = Vec::new();
    collect(&header.items, "", 0, &mut all);
    let top_depth = all.iter().map(|(_, _, d)| *d).min().unwrap_or(0);
    let chosen: Vec<(WaveSignal, vcd::IdCode)> = all
        .iter()
        .filter(|(s, _, depth)| match pattern {
            Some(p) => matches(p, &s.name),
            None => *depth == top_depth,
        })
        .map(|(s, code, _)| (s.clone(), *code))
        .collect();
    if chosen.is_empty() {
        let examples = all.iter().take(6).map(|(s, _, _)| s.name.clone()).collect::<Vec<_>>().join(", ");
        return Err(WaveError::NoMatch { path: shown, pattern: pattern.unwrap_or("(top scope)").into(), examples });
    }
    let mut columns: HashMap<vcd::IdCode, Vec<usize>> = HashMap::new();
    for (i, (_, code)) in chosen.iter().enumerate() {
        columns.entry(*code).or_default().push(i);
    }
    let mut current: Vec<String> = vec!["x".into(); chosen.len()];
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut time = 0u64;
    let mut changed = false;
    let in_window = |t: u64| from.is_none_or(|f| t >= f) && to.is_none_or(|e| t <= e);
    for command in parser {
        let command = command.map_err(|e| WaveError::Parse { path: shown.clone(), message: e.to_string() })?;
        let (code, value) = match command {
            Command::Timestamp(t) => {
                if changed && in_window(time) {
                    rows.push((time, current.clone()));
                }
                changed = false;
                time = t;
                continue;
            }
            Command::ChangeScalar(code, v) => (code, v.to_string()),
            Command::ChangeVector(code, v) => (code, v.to_string()),
            _ => continue,
        };
        if let Some(indices) = columns.get(&code) {
            for &i in indices {
                current[i] = render(&value);
            }
            changed = true;
        }
    }
    if changed && in_window(time) {
        rows.push((time, current));
    }
    Ok(Waveform { signals: chosen.into_iter().map(|(s, _)| s).collect(), rows })
}

impl Waveform {
    /// A fixed-width text table: a time column, then one column per signal.
    pub fn table(&self) -> String {
        // Names below the outermost scope (Verilator's TOP), which every signal shares.
        let short: Vec<String> = self
            .signals
            .iter()
            .map(|s| s.name.split_once('.').map_or(s.name.as_str(), |(_, rest)| rest).to_string())
            .collect();
        let widths: Vec<usize> = short
            .iter()
            .enumerate()
            .map(|(i, n)| self.rows.iter().map(|(_, v)| v[i].len()).max().unwrap_or(1).max(n.len()))
            .collect();
        let time_width = self.rows.iter().map(|(t, _)| t.to_string().len()).max().unwrap_or(4).max(4);
        let mut out = format!("{:>time_width$}", "time");
        for (n, w) in short.iter().zip(&widths) {
            out += &format!("  {n:>w$}");
        }
        out.push('\n');
        for (t, values) in &self.rows {
            out += &format!("{t:>time_width$}");
            for (v, w) in values.iter().zip(&widths) {
                out += &format!("  {v:>w$}");
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_hierarchical_names() {
        assert!(!matches("out_*", "TOP.out_data"));
        assert!(matches("*out_*", "TOP.out_data"));
        assert!(matches("out_data", "TOP.out_data"));
        assert!(matches("TOP.cim_tile.*valid", "TOP.cim_tile.in_valid"));
        assert!(!matches("*ready", "TOP.in_valid"));
    }

    #[test]
    fn renders_vectors_as_hex() {
        assert_eq!(render("1"), "1");
        assert_eq!(render("00101111"), "2f");
        assert_eq!(render("0000"), "0");
        assert_eq!(render("10x1"), "10x1");
    }
}

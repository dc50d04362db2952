//! Reading a VCD back with the `vcd` crate: as a table of chosen signals over time (for
//! `cimtile wave` and for tests that check waveforms), or as bit toggles per signal (for the
//! switching activity `cimtile ppa --measure-activity` prices).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use vcd::{Command, ScopeItem, Value};

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

fn collect(
    items: &[ScopeItem],
    prefix: &str,
    depth: usize,
    out: &mut Vec<(WaveSignal, vcd::IdCode, usize)>,
) {
    for item in items {
        match item {
            ScopeItem::Scope(scope) => {
                let name = if prefix.is_empty() {
                    scope.identifier.clone()
                } else {
                    format!("{prefix}.{}", scope.identifier)
                };
                collect(&scope.items, &name, depth + 1, out);
            }
            ScopeItem::Var(var) => {
                let signal = WaveSignal {
                    name: format!("{prefix}.{}", var.reference),
                    width: var.size,
                };
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
            let v = nibble
                .iter()
                .fold(0u32, |acc, b| acc * 2 + (b - b'0') as u32);
            char::from_digit(v, 16).expect("a nibble is a hex digit")
        })
        .collect();
    match hex.trim_start_matches('0') {
        "" => "0".into(),
        digits => digits.into(),
    }
}

/// A VCD whose header was read: its parser, at the first value change, and every variable
/// with its code and scope depth.
struct OpenVcd {
    parser: vcd::Parser<BufReader<File>>,
    signals: Vec<(WaveSignal, vcd::IdCode, usize)>,
    shown: String,
}

impl OpenVcd {
    fn open(path: &Path) -> Result<Self, WaveError> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|error| WaveError::Io {
            path: shown.clone(),
            error,
        })?;
        let mut parser = vcd::Parser::new(BufReader::with_capacity(1 << 20, file));
        let header = parser.parse_header().map_err(|e| WaveError::Parse {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let mut signals = Vec::new();
        collect(&header.items, "", 0, &mut signals);
        Ok(OpenVcd {
            parser,
            signals,
            shown,
        })
    }

    /// The value changes, each a parse error naming the file if it is malformed.
    fn commands(self) -> impl Iterator<Item = Result<Command, WaveError>> {
        let shown = self.shown;
        self.parser.map(move |c| {
            c.map_err(|e| WaveError::Parse {
                path: shown.clone(),
                message: e.to_string(),
            })
        })
    }
}

/// Reads `path` and tabulates the signals matching `pattern` between `from` and `to`.
pub fn read_waveform(
    path: &Path,
    pattern: Option<&str>,
    from: Option<u64>,
    to: Option<u64>,
) -> Result<Waveform, WaveError> {
    let vcd = OpenVcd::open(path)?;
    let shown = vcd.shown.clone();
    let all = &vcd.signals;
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
        let examples = all
            .iter()
            .take(6)
            .map(|(s, _, _)| s.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(WaveError::NoMatch {
            path: shown,
            pattern: pattern.unwrap_or("(top scope)").into(),
            examples,
        });
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
    for command in vcd.commands() {
        let (code, value) = match command? {
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
    Ok(Waveform {
        signals: chosen.into_iter().map(|(s, _)| s).collect(),
        rows,
    })
}

/// Bit toggles of one variable of a VCD.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalToggles {
    /// The variable: hierarchical name and width.
    pub signal: WaveSignal,
    /// Changes of its bits from 0 to 1 or 1 to 0 over the whole file.
    pub toggles: u64,
    /// The fraction of the file's time its bits were 1, over all its bits (a static
    /// probability: what a clock gate's enable is worth).
    pub duty: f64,
}

/// The bits of one VCD code as last dumped, and their toggles so far.
struct CodeBits {
    bits: Vec<Value>,
    toggles: u64,
    /// Time units times bits at 1, up to `since`.
    high: u64,
    since: u64,
}

impl CodeBits {
    fn ones(&self) -> u64 {
        self.bits.iter().filter(|b| **b == Value::V1).count() as u64
    }

    /// Accounts the bits at 1 until `now`.
    fn advance(&mut self, now: u64) {
        self.high += self.ones() * now.saturating_sub(self.since);
        self.since = now;
    }

    /// Takes the new value `new` (most significant bit first) at time `now`, counting the bits
    /// that went 0 to 1 or 1 to 0: from or to x and z (the first dump's initial values) is no
    /// toggle.
    fn change(&mut self, new: &[Value], now: u64) {
        self.advance(now);
        // A VCD may leave out a vector's leading bits: they repeat its leftmost bit if that
        // is x or z, else they are 0.
        let pad = match new.first() {
            Some(Value::X) => Value::X,
            Some(Value::Z) => Value::Z,
            _ => Value::V0,
        };
        let offset = self.bits.len() as isize - new.len() as isize;
        for (i, bit) in self.bits.iter_mut().enumerate() {
            let value = usize::try_from(i as isize - offset).map_or(pad, |j| new[j]);
            if matches!(
                (*bit, value),
                (Value::V0, Value::V1) | (Value::V1, Value::V0)
            ) {
                self.toggles += 1;
            }
            *bit = value;
        }
    }
}

/// Counts the bit toggles of every variable of the VCD `path` while reading it, so that a
/// file of any length is counted in constant memory. Variables that share a code (one net
/// seen from several scopes) each get the net's toggles.
pub fn count_toggles(path: &Path) -> Result<Vec<SignalToggles>, WaveError> {
    let vcd = OpenVcd::open(path)?;
    let mut index: HashMap<vcd::IdCode, usize> = HashMap::new();
    let mut codes: Vec<CodeBits> = Vec::new();
    let signals: Vec<(WaveSignal, usize)> = vcd
        .signals
        .iter()
        .map(|(signal, code, _)| {
            let at = *index.entry(*code).or_insert_with(|| {
                codes.push(CodeBits {
                    bits: vec![Value::X; signal.width as usize],
                    toggles: 0,
                    high: 0,
                    since: 0,
                });
                codes.len() - 1
            });
            (signal.clone(), at)
        })
        .collect();
    let (mut start, mut now) = (None, 0);
    for command in vcd.commands() {
        let (code, value) = match command? {
            Command::ChangeScalar(code, v) => (code, vec![v]),
            Command::ChangeVector(code, v) => (code, v.into()),
            Command::Timestamp(t) => {
                start.get_or_insert(t);
                now = t;
                continue;
            }
            _ => continue,
        };
        if let Some(&at) = index.get(&code) {
            codes[at].change(&value, now);
        }
    }
    let span = now.saturating_sub(start.unwrap_or(0));
    for code in &mut codes {
        code.advance(now);
    }
    Ok(signals
        .into_iter()
        .map(|(signal, at)| {
            let bit_time = span * signal.width as u64;
            SignalToggles {
                toggles: codes[at].toggles,
                duty: match bit_time {
                    0 => 0.0,
                    t => codes[at].high as f64 / t as f64,
                },
                signal,
            }
        })
        .collect())
}

impl Waveform {
    /// A fixed-width text table: a time column, then one column per signal.
    pub fn table(&self) -> String {
        // Names below the outermost scope (Verilator's TOP), which every signal shares.
        let short: Vec<String> = self
            .signals
            .iter()
            .map(|s| {
                s.name
                    .split_once('.')
                    .map_or(s.name.as_str(), |(_, rest)| rest)
                    .to_string()
            })
            .collect();
        let widths: Vec<usize> = short
            .iter()
            .enumerate()
            .map(|(i, n)| {
                self.rows
                    .iter()
                    .map(|(_, v)| v[i].len())
                    .max()
                    .unwrap_or(1)
                    .max(n.len())
            })
            .collect();
        let time_width = self
            .rows
            .iter()
            .map(|(t, _)| t.to_string().len())
            .max()
            .unwrap_or(4)
            .max(4);
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
    fn toggles_are_counted_per_bit_from_a_streamed_vcd() {
        let vcd = "$timescale 1ns $end\n$scope module TOP $end\n$var wire 1 ! clock $end\n\
                   $scope module tile $end\n$var wire 4 \" count [3:0] $end\n$var wire 1 ! clock $end\n\
                   $var wire 3 # idle [2:0] $end\n$upscope $end\n$upscope $end\n$enddefinitions $end\n\
                   #0\n0!\nb0000 \"\nbxxx #\n#5\n1!\nb0011 \"\n#10\n0!\n#15\n1!\nb1 \"\n#20\n0!\nb1x1 #\n";
        let dir = std::env::temp_dir().join(format!("cimtile-toggles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.vcd");
        std::fs::write(&path, vcd).unwrap();
        let counted = count_toggles(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let toggles = |name: &str| {
            counted
                .iter()
                .find(|s| s.signal.name == name)
                .map(|s| (s.signal.width, s.toggles))
        };
        // 0 -> 1 -> 0 -> 1 -> 0: four toggles, in both scopes that share the code.
        assert_eq!(toggles("TOP.clock"), Some((1, 4)));
        assert_eq!(toggles("TOP.tile.clock"), Some((1, 4)));
        // 0000 -> 0011 (2) -> 0001, written short as `b1` (1).
        assert_eq!(toggles("TOP.tile.count"), Some((4, 3)));
        // From and to x is no toggle.
        assert_eq!(toggles("TOP.tile.idle"), Some((3, 0)));
    }

    #[test]
    fn renders_vectors_as_hex() {
        assert_eq!(render("1"), "1");
        assert_eq!(render("00101111"), "2f");
        assert_eq!(render("0000"), "0");
        assert_eq!(render("10x1"), "10x1");
    }
}

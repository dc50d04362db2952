//! The figures tables of the manual state, read back so that a test re-derives them from the
//! command that produced them and a stale figure fails instead of rotting.

use std::path::Path;

/// A Markdown table of the manual: its column headers and its rows, each a label and its cells.
pub struct Table {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

/// The first table of `page` (a path under the repository) after the line that starts with
/// `heading`.
pub fn doc_table(page: &str, heading: &str) -> Table {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(page))
        .unwrap_or_else(|e| panic!("cannot read {page}: {e}"));
    let cells = |line: &str| -> Vec<String> {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_string()).collect()
    };
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with(heading))
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let header = lines
        .next()
        .unwrap_or_else(|| panic!("{page}: no table after '{heading}'"));
    let columns = cells(header).split_off(1);
    let rows = lines
        .skip(1) // the |---| line
        .map(|l| {
            let mut row = cells(l);
            let rest = row.split_off(1);
            (row.remove(0), rest)
        })
        .collect();
    Table { columns, rows }
}

impl Table {
    /// The cell of the row labelled `row` in the column headed `column`.
    pub fn cell(&self, row: &str, column: &str) -> &str {
        let c = self
            .columns
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column '{column}' in {:?}", self.columns));
        let (_, cells) = self
            .rows
            .iter()
            .find(|(label, _)| label == row)
            .unwrap_or_else(|| panic!("no row '{row}'"));
        &cells[c]
    }
}

/// Checks that `stated`, a figure as the manual prints it ("1.56 M", "625 k", "5,810", "61%",
/// "0.0002", "180 nm"), is `actual` rounded to the digits it shows (a percentage states a
/// fraction: "61%" is 0.61).
pub fn assert_figure(what: &str, stated: &str, actual: f64) {
    let number = stated.split_whitespace().next().unwrap_or("");
    let (number, mut scale) = match number.strip_suffix('%') {
        Some(n) => (n, 0.01),
        None => (number, 1.0),
    };
    scale *= match stated.split_whitespace().nth(1) {
        Some("M") => 1e6,
        Some("k") => 1e3,
        _ => 1.0,
    };
    let number = number.replace(',', "");
    let value: f64 = number
        .parse()
        .unwrap_or_else(|_| panic!("{what}: '{stated}' is no figure"));
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let half = 0.5 * 10f64.powi(-decimals) * scale;
    assert!(
        (value * scale - actual).abs() <= half * (1.0 + 1e-9),
        "{what}: the manual states {stated}, the command gives {actual}"
    );
}

//! The tile's run-time data: the weight matrix, the input vectors and the per-column
//! parameters, with their CSV forms. Every value is checked against the configuration when it is
//! read; an error names the file, the line and the column.

use crate::config::TileParams;
use rayon::prelude::*;
use std::fmt;

/// Per-column periphery parameters (spec section 1): `(acc + bias) * mult`, round-shifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ColumnParams {
    /// `mult[c]`, signed 16-bit: scale applied to `acc + bias` (default 1).
    pub mult: i16,
    /// `shift[c]`, 0..=31: right shift, rounding half up, after the multiply (default 0).
    pub shift: u8,
    /// `bias[c]`, signed 32-bit: added to the accumulator before scaling (default 0).
    pub bias: i32,
}

impl Default for ColumnParams {
    fn default() -> Self {
        ColumnParams {
            mult: 1,
            shift: 0,
            bias: 0,
        }
    }
}

/// Weights, row-major: `w[r * cols + c]` is the weight on wordline r of logical column c.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    /// R: wordlines, the input vector's length.
    pub rows: usize,
    /// C: logical columns, the output vector's length.
    pub cols: usize,
    /// The `rows * cols` weights, row-major, each within `±(2^(Wb-1)-1)`.
    pub w: Vec<i32>,
}

impl Weights {
    /// The weight on wordline `r` of logical column `c`.
    pub fn get(&self, r: usize, c: usize) -> i32 {
        self.w[r * self.cols + c]
    }
}

/// A problem in a data file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// The file name as given by the caller, for the message.
    pub file: String,
    /// 1-based line, if the problem is on one line.
    pub line: Option<usize>,
    /// 1-based value position on the line, if the problem is one value.
    pub column: Option<usize>,
    /// What is wrong, with the value and its allowed range where there is one.
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DataError {}

/// One CSV file being read: yields its lines as integer rows of a fixed length.
struct CsvReader<'a> {
    file: &'a str,
}

impl CsvReader<'_> {
    fn error(&self, line: Option<usize>, column: Option<usize>, message: String) -> DataError {
        DataError {
            file: self.file.to_string(),
            line,
            column,
            message,
        }
    }

    /// Lines of `text` as integers, each line exactly `width` values (`what` names them).
    /// Windows line endings, a UTF-8 byte-order mark and blank lines at the end are accepted;
    /// an empty line between data lines is an error.
    fn rows(&self, text: &str, width: usize, what: &str) -> Result<Vec<Vec<i64>>, DataError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let body = text.trim_end_matches(['\n', '\r', ' ', '\t']);
        if body.trim().is_empty() {
            return Err(self.error(None, None, "the file is empty".into()));
        }
        // Lines end at `\n` only, as the files were always read: a `\r` before it is trimmed
        // with the last value, and a line holding only `\r` is a blank line, not a skipped one.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(body.as_bytes());
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            // Where the reader stands is the start of the next line; csv skips an empty line
            // silently, so an empty line is seen here, before the record is read.
            let start = reader.position().clone();
            let line = start.line() as usize;
            if body.as_bytes().get(start.byte() as usize) == Some(&b'\n') {
                return Err(self.error(Some(line), None, "empty line".into()));
            }
            let more = reader.read_record(&mut record).map_err(|e| {
                let line = e.position().map_or(line, |p| p.line() as usize);
                self.error(Some(line), None, format!("not CSV: {e}"))
            })?;
            if !more {
                return Ok(rows);
            }
            if record.len() == 1 && record[0].trim().is_empty() {
                return Err(self.error(Some(line), None, "empty line".into()));
            }
            if record.len() != width {
                return Err(self.error(
                    Some(line),
                    None,
                    format!("expected {width} values ({what}), found {}", record.len()),
                ));
            }
            let row = record
                .iter()
                .enumerate()
                .map(|(j, f)| {
                    let f = f.trim();
                    f.parse::<i64>().map_err(|_| {
                        self.error(Some(line), Some(j + 1), format!("'{f}' is not an integer"))
                    })
                })
                .collect::<Result<_, _>>()?;
            rows.push(row);
        }
    }

    /// An error unless there are `lines` lines (the count and the key that sets it), if given.
    fn line_count(&self, found: usize, lines: Option<(usize, &str)>) -> Result<(), DataError> {
        match lines {
            Some((n, key)) if n != found => Err(self.error(
                None,
                None,
                format!("expected {n} lines ({key}), found {found}"),
            )),
            _ => Ok(()),
        }
    }

    /// The rows of [`Self::rows`], `lines` of them if given, with `check` applied to every value:
    /// read by the fast reader [`plain_rows`] when the file is the common case it reads, else by
    /// [`Self::rows`], which yields the same rows or the error the file has always been refused
    /// with (the first bad line, else the line count, else the first bad value).
    fn checked_rows<T: Send>(
        &self,
        text: &str,
        (width, what): (usize, &str),
        lines: Option<(usize, &str)>,
        check: impl Fn(i64) -> Result<T, String> + Sync,
    ) -> Result<Vec<Vec<T>>, DataError> {
        if let Some(rows) = plain_rows(text, width, &check) {
            self.line_count(rows.len(), lines)?;
            return Ok(rows);
        }
        let rows = self.rows(text, width, what)?;
        self.line_count(rows.len(), lines)?;
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, &v)| self.checked(check(v), i + 1, j + 1))
                    .collect()
            })
            .collect()
    }

    /// `check` applied to the value at 1-based `line`, `column`.
    fn checked<T>(
        &self,
        check: Result<T, String>,
        line: usize,
        column: usize,
    ) -> Result<T, DataError> {
        check.map_err(|message| self.error(Some(line), Some(column), message))
    }
}

/// Lines of `width` plain integers (an optional sign, at most 18 ASCII digits, spaces, tabs or
/// `\r` around them; a byte-order mark and blank lines at the end), every value passing `check`;
/// None for anything else. [`CsvReader::rows`] reads such a file to the same values;
/// this reads it 8 times faster (no CSV records, no strings, both cores): 20 MB in 0.09 s.
fn plain_rows<T: Send>(
    text: &str,
    width: usize,
    check: &(impl Fn(i64) -> Result<T, String> + Sync),
) -> Option<Vec<Vec<T>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = text.trim_end_matches(['\n', '\r', ' ', '\t']).as_bytes();
    if body.is_empty() || width == 0 {
        return None;
    }
    // Pieces of about 1 MB, each ending after a line's `\n` (or at the end).
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let mut end = (start + (1 << 20)).min(body.len());
        while end < body.len() && body[end - 1] != b'\n' {
            end += 1;
        }
        pieces.push(&body[start..end]);
        start = end;
    }
    let rows: Option<Vec<Vec<Vec<T>>>> = pieces
        .par_iter()
        .map(|piece| plain_lines(piece, width, check))
        .collect();
    Some(rows?.into_iter().flatten().collect())
}

/// The lines of `piece` (whole lines, the last one's `\n` optional) for [`plain_rows`].
fn plain_lines<T>(
    piece: &[u8],
    width: usize,
    check: &impl Fn(i64) -> Result<T, String>,
) -> Option<Vec<Vec<T>>> {
    let blank = |b: u8| b == b' ' || b == b'\t' || b == b'\r';
    let mut rows = Vec::new();
    let mut i = 0;
    while i < piece.len() {
        let mut row = Vec::with_capacity(width);
        for j in 0..width {
            while i < piece.len() && blank(piece[i]) {
                i += 1;
            }
            let negative = piece.get(i) == Some(&b'-');
            if negative || piece.get(i) == Some(&b'+') {
                i += 1;
            }
            let digits = i;
            let mut v: i64 = 0;
            while i < piece.len() && piece[i].is_ascii_digit() {
                v = v * 10 + (piece[i] - b'0') as i64;
                i += 1;
            }
            if i == digits || i - digits > 18 {
                return None;
            }
            while i < piece.len() && blank(piece[i]) {
                i += 1;
            }
            let end = if j + 1 == width { b'\n' } else { b',' };
            match piece.get(i) {
                Some(&b) if b == end => i += 1,
                None if j + 1 == width => {}
                _ => return None,
            }
            row.push(check(if negative { -v } else { v }).ok()?);
        }
        rows.push(row);
    }
    Some(rows)
}

/// `v` if it is within `lo..=hi`, else what is wrong with it (`what` names it).
fn in_range(v: i64, lo: i64, hi: i64, what: impl fmt::Display) -> Result<i64, String> {
    if v < lo || v > hi {
        Err(format!("{what} {v} is out of range {lo}..={hi}"))
    } else {
        Ok(v)
    }
}

/// A weight the tile holds (`±(2^(Wb-1)-1)`), or what is wrong with it.
pub fn check_weight(p: &TileParams, v: i64) -> Result<i32, String> {
    let max = p.weight_max();
    in_range(
        v,
        -max,
        max,
        // Formatted only for a bad value: every value of a file is checked.
        format_args!("weight (weights.bits = {})", p.weight_bits),
    )
    .map(|v| v as i32)
}

/// An input in the tile's input range, or what is wrong with it.
pub fn check_input(p: &TileParams, v: i64) -> Result<i32, String> {
    let (lo, hi) = p.input_range();
    let signed = if p.inputs_signed {
        "signed"
    } else {
        "unsigned"
    };
    let what = format_args!("input ({signed} inputs.bits = {})", p.input_bits);
    in_range(v, lo, hi, what).map(|v| v as i32)
}

/// Column parameters from `mult`, `shift`, `bias`, or what is wrong with the first bad one and
/// its 0-based position among the three.
pub fn check_columns(mult: i64, shift: i64, bias: i64) -> Result<ColumnParams, (usize, String)> {
    let mult = in_range(mult, i16::MIN as i64, i16::MAX as i64, "mult").map_err(|e| (0, e))?;
    let shift = in_range(shift, 0, 31, "shift").map_err(|e| (1, e))?;
    let bias = in_range(bias, i32::MIN as i64, i32::MAX as i64, "bias").map_err(|e| (2, e))?;
    Ok(ColumnParams {
        mult: mult as i16,
        shift: shift as u8,
        bias: bias as i32,
    })
}

/// Reads `W.csv`: R lines of C weights.
pub fn parse_weights(p: &TileParams, text: &str, file: &str) -> Result<Weights, DataError> {
    let rows = CsvReader { file }.checked_rows(
        text,
        (p.cols, "one per column, array.cols"),
        Some((p.rows, "array.rows")),
        |v| check_weight(p, v),
    )?;
    Ok(Weights {
        rows: p.rows,
        cols: p.cols,
        w: rows.concat(),
    })
}

/// Reads `X.csv`: N lines of R inputs; line k is batch index k.
pub fn parse_inputs(p: &TileParams, text: &str, file: &str) -> Result<Vec<Vec<i32>>, DataError> {
    CsvReader { file }.checked_rows(text, (p.rows, "one per row, array.rows"), None, |v| {
        check_input(p, v)
    })
}

/// Reads `C.csv`: C lines `mult,shift,bias`.
pub fn parse_columns(
    p: &TileParams,
    text: &str,
    file: &str,
) -> Result<Vec<ColumnParams>, DataError> {
    let reader = CsvReader { file };
    let rows = reader.rows(text, 3, "mult,shift,bias")?;
    reader.line_count(rows.len(), Some((p.cols, "array.cols")))?;
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            check_columns(row[0], row[1], row[2])
                .map_err(|(j, message)| reader.error(Some(i + 1), Some(j + 1), message))
        })
        .collect()
}

/// A value of a CSV file this crate writes: an integer, or a reference to one.
pub trait CsvValue {
    /// Appends the value in decimal to `text`.
    fn push_to(&self, text: &mut String);
}

macro_rules! csv_value {
    ($($t:ty),*) => {$(
        impl CsvValue for $t {
            fn push_to(&self, text: &mut String) {
                // itoa, not Display: formatting was most of the time of writing the outputs.
                text.push_str(itoa::Buffer::new().format(*self));
            }
        }
    )*};
}
csv_value!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl<T: CsvValue> CsvValue for &T {
    fn push_to(&self, text: &mut String) {
        (**self).push_to(text)
    }
}

/// Integer rows as CSV, one line each: the values joined by commas (integers need no quoting).
pub fn to_csv<T: CsvValue>(rows: impl IntoIterator<Item = impl IntoIterator<Item = T>>) -> String {
    let mut text = String::new();
    for row in rows {
        let start = text.len();
        for (j, v) in row.into_iter().enumerate() {
            if j > 0 {
                text.push(',');
            }
            v.push_to(&mut text);
        }
        if text.len() == start {
            // An empty row as the csv crate wrote it: one empty field, quoted.
            text.push_str("\"\"");
        }
        text.push('\n');
    }
    text
}

/// The CSV form of `w`: one line per wordline, one value per logical column.
pub fn weights_csv(w: &Weights) -> String {
    to_csv(w.w.chunks(w.cols))
}

/// The CSV form of column parameters: one `mult,shift,bias` line per logical column.
pub fn columns_csv(cols: &[ColumnParams]) -> String {
    to_csv(
        cols.iter()
            .map(|c| [c.mult as i64, c.shift as i64, c.bias as i64]),
    )
}

/// A column-parameter write accepted during a stream: it applies to vectors `vector..`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnWrite {
    /// Index of the first input vector the new parameters apply to.
    pub vector: usize,
    /// The logical column written.
    pub column: usize,
    /// Its new `mult`, `shift`, `bias`.
    pub params: ColumnParams,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TileConfig;

    fn params() -> TileParams {
        TileConfig::layered(None, "[array]\nrows = 2\ncols = 3\nrows_per_read = 2")
            .unwrap()
            .validate()
            .unwrap()
    }

    #[test]
    fn weights_accept_crlf_and_trailing_newline() {
        let w = parse_weights(&params(), "1,2,3\r\n-7,0,7\r\n", "W.csv").unwrap();
        assert_eq!(w.w, vec![1, 2, 3, -7, 0, 7]);
        assert_eq!(w.get(1, 2), 7);
    }

    #[test]
    fn byte_order_mark_and_trailing_blank_lines_are_accepted() {
        let w = parse_weights(&params(), "\u{feff}1,2,3\r\n-7,0,7\r\n\r\n\n", "W.csv").unwrap();
        assert_eq!(w.w, vec![1, 2, 3, -7, 0, 7]);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let p = params();
        let e = parse_weights(&p, "1,2,3\n1,x,3\n", "W.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "W.csv, line 2, column 2: 'x' is not an integer"
        );
        let e = parse_weights(&p, "1,2,3\n1,2\n", "W.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "W.csv, line 2: expected 3 values (one per column, array.cols), found 2"
        );
        let e = parse_weights(&p, "1,2,3\n1,-8,3\n", "W.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "W.csv, line 2, column 2: weight (weights.bits = 4) -8 is out of range -7..=7"
        );
        let e = parse_weights(&p, "1,2,3\n", "W.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "W.csv: expected 2 lines (array.rows), found 1"
        );
        let e = parse_weights(&p, "", "W.csv").unwrap_err();
        assert_eq!(e.to_string(), "W.csv: the file is empty");
        let e = parse_weights(&p, "1,2,3\n\n1,2,3\n", "W.csv").unwrap_err();
        assert_eq!(e.to_string(), "W.csv, line 2: empty line");
    }

    #[test]
    fn an_empty_line_is_named_wherever_it_is_but_the_end() {
        let p = params();
        for (text, line) in [
            ("\n1,2,3\n1,2,3\n", 1),
            ("1,2,3\r\n\r\n1,2,3\r\n", 2),
            ("1,2,3\n \t\n1,2,3\n", 2),
            ("1,2,3\n1,2,3\n\n\n1,2,3\n", 3),
        ] {
            let e = parse_weights(&p, text, "W.csv").unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("W.csv, line {line}: empty line"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_fast_reader_reads_what_the_csv_reader_reads() {
        let p = params();
        let check = |v| check_weight(&p, v);
        let slow = |text| {
            let rows = CsvReader { file: "W.csv" }.rows(text, 3, "").unwrap();
            rows.iter()
                .map(|row| row.iter().map(|&v| check(v).unwrap()).collect())
                .collect::<Vec<Vec<i32>>>()
        };
        // Pieces of 1 MB are read in parallel: this file is 1.6 MB.
        let long = "1,-2,3\r\n-7,+0,7\n".repeat(100_000);
        for text in [
            "1,2,3\n-7,0,7\n",
            "1,2,3\n-7,0,7",
            "\u{feff} 1 ,+2,\t3\r\n-7,-0,007\r\n\r\n \n",
            "1,2,3\r\n\r4,5,6\n",
            &long,
        ] {
            let fast = plain_rows(text, 3, &check).expect("the common case");
            assert_eq!(fast, slow(text), "{text:?}");
        }
        // Quoted fields, empty lines, wrong widths, values that are not plain integers or not
        // weights, 19 digits: the CSV reader's, for its values or its error.
        for text in [
            "\"1\",2,3\n",
            "1,2,3\n\n-7,0,7\n",
            "\n1,2,3\n",
            "1,2\n",
            "1,2,3,\n",
            "1,2,3,4\n",
            "1,x,3\n",
            "1,- 2,3\n",
            "1,2 3,3\n",
            "1,2,8\n",
            "0000000000000000001,2,3\n",
            "1,\u{a0}2,3\n",
            " \n",
            "",
        ] {
            assert!(plain_rows(text, 3, &check).is_none(), "{text:?}");
        }
        assert_eq!(slow("0000000000000000001,2,3\n"), vec![vec![1, 2, 3]]);
    }

    #[test]
    fn empty_rows_are_written_as_the_csv_crate_wrote_them() {
        assert_eq!(to_csv([vec![1i64, -2], vec![]]), "1,-2\n\"\"\n");
    }

    #[test]
    fn inputs_are_checked_against_their_signedness() {
        let p = params();
        assert_eq!(
            parse_inputs(&p, "-8,7\n0,1", "X.csv").unwrap(),
            vec![vec![-8, 7], vec![0, 1]]
        );
        let e = parse_inputs(&p, "8,0", "X.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "X.csv, line 1, column 1: input (signed inputs.bits = 4) 8 is out of range -8..=7"
        );
    }

    #[test]
    fn columns_are_checked_per_field() {
        let p = params();
        let c = parse_columns(&p, "1,0,0\n-3,31,-5\n2,1,7\n", "C.csv").unwrap();
        assert_eq!(
            c[1],
            ColumnParams {
                mult: -3,
                shift: 31,
                bias: -5
            }
        );
        let e = parse_columns(&p, "1,0,0\n1,32,0\n1,0,0", "C.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "C.csv, line 2, column 2: shift 32 is out of range 0..=31"
        );
        let e = parse_columns(&p, "40000,0,0\n1,0,0\n1,0,0", "C.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "C.csv, line 1, column 1: mult 40000 is out of range -32768..=32767"
        );
    }

    #[test]
    fn csv_round_trips() {
        let p = params();
        let w = parse_weights(&p, "1,2,3\n-7,0,7\n", "W.csv").unwrap();
        assert_eq!(parse_weights(&p, &weights_csv(&w), "W.csv").unwrap(), w);
    }
}

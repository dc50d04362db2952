//! Mismatches between the golden model and the RTL, and the replayable case a mismatch leaves:
//! a directory that `cimtile run` (and `tests/traces/`) can replay as it is.

use crate::{io_error, CosimError};
use cimtile_tile::config::TileParams;
use cimtile_tile::data::{columns_csv, to_csv, weights_csv};
use cimtile_tile::random_case::Case;
use std::path::Path;

/// Where the RTL first differs from the golden model, and how much else differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Index of the input vector (MVM) of the first difference.
    pub mvm: usize,
    /// Its logical column.
    pub column: usize,
    /// The golden model's output there.
    pub expected: i64,
    /// The RTL's output there.
    pub got: i64,
    /// Differing outputs besides the first, missing results included.
    pub others: usize,
}

/// The first output where `got` differs from `expected` (row by row, column by column).
pub fn first_mismatch(expected: &[Vec<i64>], got: &[Vec<i64>]) -> Option<Mismatch> {
    let mut differing = expected.iter().enumerate().flat_map(|(k, row)| {
        row.iter().enumerate().filter_map(move |(c, &e)| {
            let g = got.get(k).and_then(|r| r.get(c)).copied();
            (g != Some(e)).then_some((k, c, e, g.unwrap_or(i64::MIN)))
        })
    });
    let (mvm, column, expected, got) = differing.next()?;
    Some(Mismatch {
        mvm,
        column,
        expected,
        got,
        others: differing.count(),
    })
}

/// Writes `tile.toml`, `W.csv`, `X.csv`, `C.csv`, `expected.csv` (golden model) and `got.csv`
/// (RTL) into `dir`. With `got` equal to `expected`, it is a trace for `tests/traces/`.
pub fn write_case(
    dir: &Path,
    p: &TileParams,
    case: &Case,
    expected: &[Vec<i64>],
    got: &[Vec<i64>],
) -> Result<(), CosimError> {
    std::fs::create_dir_all(dir).map_err(io_error(format!("cannot create '{}'", dir.display())))?;
    let files = [
        ("tile.toml", p.config().to_toml()),
        ("W.csv", weights_csv(&case.weights)),
        ("X.csv", to_csv(&case.inputs)),
        ("C.csv", columns_csv(&case.columns)),
        ("expected.csv", to_csv(expected)),
        ("got.csv", to_csv(got)),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(io_error(format!("cannot write '{}'", path.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cimtile_tile::config::TileConfig;
    use cimtile_tile::data::{parse_columns, parse_inputs, parse_weights};
    use cimtile_tile::random_case::random_case;

    #[test]
    fn finds_the_first_difference_and_counts_the_rest() {
        let expected = vec![vec![1, 2, 3], vec![4, 5, 6]];
        assert_eq!(first_mismatch(&expected, &expected), None);
        let got = vec![vec![1, 2, 3], vec![4, 0, 7]];
        assert_eq!(
            first_mismatch(&expected, &got),
            Some(Mismatch {
                mvm: 1,
                column: 1,
                expected: 5,
                got: 0,
                others: 1
            })
        );
        // A missing result is a mismatch too.
        let short = vec![vec![1, 2, 3]];
        assert_eq!(
            first_mismatch(&expected, &short).map(|m| (m.mvm, m.column, m.others)),
            Some((1, 0, 2))
        );
    }

    #[test]
    fn a_written_case_reads_back() {
        let config = TileConfig::default();
        let p = config.validate().unwrap();
        let case = random_case(&p, 3, 7);
        let dir = std::env::temp_dir().join(format!("cimtile-replay-case-{}", std::process::id()));
        let rows = vec![vec![0i64; p.cols()]; 3];
        write_case(&dir, &p, &case, &rows, &rows).unwrap();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        assert_eq!(
            TileConfig::layered(None, &read("tile.toml")).unwrap(),
            config
        );
        assert_eq!(
            parse_weights(&p, &read("W.csv"), "W.csv").unwrap(),
            case.weights
        );
        assert_eq!(
            parse_inputs(&p, &read("X.csv"), "X.csv").unwrap(),
            case.inputs
        );
        assert_eq!(
            parse_columns(&p, &read("C.csv"), "C.csv").unwrap(),
            case.columns
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

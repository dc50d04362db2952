//! Level-1 regression traces: every `tests/traces/<name>/` holds a tile (`tile.toml`, laid
//! over the default preset), weights (`W.csv`), inputs (`X.csv`), optional column parameters
//! (`C.csv`) and the expected outputs (`expected.csv`, checked against the independent Python
//! model when the trace was made). Both engines must reproduce them exactly; a case that
//! `cimtile cosim` or the property tests keep after a mismatch becomes a trace by copying it
//! here.

use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_tile::config::TileConfig;
use cimtile_tile::data::{parse_columns, parse_inputs, parse_weights, to_csv, ColumnParams};
use cimtile_tile::TileModel;
use std::path::{Path, PathBuf};

fn traces() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/traces");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no traces found");
    dirs
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
}

#[test]
fn every_trace_replays_on_the_model_and_the_rtl() {
    for dir in traces() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let config = TileConfig::layered(None, &read(&dir, "tile.toml")).unwrap();
        let p = config.validate().unwrap();
        let weights = parse_weights(&p, &read(&dir, "W.csv"), "W.csv").unwrap();
        let inputs = parse_inputs(&p, &read(&dir, "X.csv"), "X.csv").unwrap();
        let columns = match dir.join("C.csv").exists() {
            true => parse_columns(&p, &read(&dir, "C.csv"), "C.csv").unwrap(),
            false => vec![ColumnParams::default(); p.cols()],
        };
        let expected = read(&dir, "expected.csv");
        let model = TileModel::new(&p, &weights, &columns).unwrap();
        let from_model = to_csv(
            inputs
                .iter()
                .enumerate()
                .map(|(k, x)| model.mvm(k as u32, x).out),
        );
        assert_eq!(from_model, expected, "trace {name}: golden model");
        let mut rtl = TileRtl::build(&p).unwrap();
        rtl.program_weights(&weights).unwrap();
        rtl.program_columns(&columns).unwrap();
        let from_rtl = to_csv(&rtl.stream(&inputs, &Stimulus::default()).unwrap().outputs);
        assert_eq!(from_rtl, expected, "trace {name}: RTL");
    }
}

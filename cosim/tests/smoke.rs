use cimtile_cosim::tile_driver::{Stimulus, TileRtl};
use cimtile_hdl::config::TileConfig;
use cimtile_hdl::{ColumnParams, TileModel, Weights};

#[test]
fn default_tile_smoke() {
    let preset = std::env::var("PRESET").unwrap_or("default".into());
    let cfg = TileConfig::from_preset(&preset).unwrap();
    let p = cfg.validate().unwrap();
    let t0 = std::time::Instant::now();
    let mut tile = TileRtl::build(&cfg).unwrap();
    eprintln!("build {:?}", t0.elapsed());
    let mut s = 12345u64;
    let mut rnd = |lo: i64, hi: i64| { s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); lo + ((s >> 33) as i64 % (hi - lo + 1)) };
    let wmax = p.weight_max();
    let w = Weights { rows: p.rows, cols: p.cols, w: (0..p.rows * p.cols).map(|_| rnd(-wmax, wmax) as i32).collect() };
    let (lo, hi) = p.input_range();
    let xs: Vec<Vec<i32>> = (0..20).map(|_| (0..p.rows).map(|_| rnd(lo, hi) as i32).collect()).collect();
    let cols = vec![ColumnParams::default(); p.cols];
    let t0 = std::time::Instant::now();
    tile.program_weights(&w);
    tile.program_columns(&cols);
    eprintln!("program {:?}", t0.elapsed());
    let t0 = std::time::Instant::now();
    let r = tile.stream(&xs, &Stimulus::default()).unwrap();
    eprintln!("stream {:?} cycles {} steady {:?} min {}", t0.elapsed(), r.cycles, r.steady_cycles_per_mvm(), p.min_cycles_per_mvm());
    let m = TileModel::new(&p, &w, &cols);
    for (k, x) in xs.iter().enumerate() {
        assert_eq!(r.outputs[k], m.mvm(k as u32, x).out, "mvm {k}");
    }
}

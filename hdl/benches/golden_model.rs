//! Golden-model speed on the reference tile: 256x256, 8-bit inputs and weights, 2-bit
//! cells, 64 rows per read, 32 ADCs, read noise and programming error on. Criterion reports
//! conversions per second (`Ib*G*P` per MVM) for the tile, and MVMs per second for the tile and
//! for a plain i32 `W^T x` of the same size.

use cimtile_hdl::config::TileConfig;
use cimtile_hdl::{ColumnParams, TileModel, Weights};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const REFERENCE_TILE: &str = "[array]\nrows = 256\ncols = 256\nrows_per_read = 64\n\
    [weights]\nbits = 8\ncell_bits = 2\n[inputs]\nbits = 8\nsigned = true\n\
    [adc]\nbits = 8\ncount = 32\nstep = 4\ncycles = 1\n\
    [analog]\nfine_bits = 2\nread_noise = 3\nprogram_error = 2\nseed = 99";

/// Deterministic pseudo-random values in `lo..=hi`.
fn values(n: usize, lo: i32, hi: i32, mut s: u64) -> Vec<i32> {
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            lo + ((s >> 33) % (hi - lo + 1) as u64) as i32
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let p = TileConfig::layered(None, REFERENCE_TILE).unwrap().validate().unwrap();
    let w = Weights { rows: p.rows, cols: p.cols, w: values(p.rows * p.cols, -127, 127, 1) };
    let model = TileModel::new(&p, &w, &vec![ColumnParams::default(); p.cols]);
    let x = values(p.rows, -128, 127, 2);

    let mut group = c.benchmark_group("golden_model_256x256");
    group.throughput(Throughput::Elements(p.conversions_per_mvm()));
    group.bench_function("conversions", |b| {
        let mut k = 0u32;
        b.iter(|| {
            k = k.wrapping_add(1);
            model.mvm(k, black_box(&x))
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("tile_mvms", |b| b.iter(|| model.mvm(7, black_box(&x))));
    group.bench_function("plain_i32_wtx_mvms", |b| {
        b.iter(|| {
            let mut y = vec![0i32; p.cols];
            for (r, &xr) in black_box(&x).iter().enumerate() {
                for (yc, &wv) in y.iter_mut().zip(&w.w[r * p.cols..(r + 1) * p.cols]) {
                    *yc += wv * xr;
                }
            }
            y
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

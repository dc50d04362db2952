//! The fast kernel (every build: integer widths, AVX2 and portable) against a plain 128-bit
//! transcription of the spec on random and extreme tiles, and the data a tile cannot hold.

use super::*;

/// The spec transcribed as plainly as possible, sharing no code with the model: `mix`, `H` and
/// `uni` with `%`, every cell's effects, every conversion's sum, IR drop and ADC in 128-bit
/// integers, then the periphery. Returns `(acc, out)`.
#[allow(clippy::needless_range_loop)]
fn spec_reference(
    p: &TileParams,
    w: &Weights,
    cols: &[ColumnParams],
    k: u32,
    x: &[i32],
) -> (Vec<i64>, Vec<i64>) {
    fn mix(mut x: u32) -> u32 {
        x ^= x >> 16;
        x = x.wrapping_mul(0x7feb352d);
        x ^= x >> 15;
        x = x.wrapping_mul(0x846ca68b);
        x ^= x >> 16;
        x
    }
    let h = |tag: u32, a: u32, b: u32, c: u32, d: u32| {
        mix(mix(mix(mix(mix(p.seed ^ tag) ^ a) ^ b) ^ c) ^ d)
    };
    let uni = |h: u32, amp: u32| -> i128 {
        if amp == 0 {
            0
        } else {
            (h as i128 % (2 * amp as i128 + 1)) - amp as i128
        }
    };
    let (prog, read, fault, drift) = (0x50524f47, 0x52454144, 0x46414c54, 0x44524654);
    let (s_count, bc, e) = (
        (p.weight_bits - 1).div_ceil(p.cell_bits),
        p.cell_bits,
        p.fine_bits,
    );
    let phys = 2 * s_count as usize * p.cols;
    let top = ((1i128 << bc) - 1) << e;
    let geff = |r: usize, pc: usize| -> i128 {
        let (c, s, pol) = (pc / 2 / s_count as usize, pc / 2 % s_count as usize, pc % 2);
        let wv = w.w[r * p.cols + c];
        let level = ((wv.unsigned_abs() >> (s as u32 * bc)) & ((1 << bc) - 1)) as i128;
        let level = if (pol == 0 && wv > 0) || (pol == 1 && wv < 0) {
            level
        } else {
            0
        };
        let g =
            (level * (1 << e) + uni(h(prog, r as u32, pc as u32, 0, 0), p.program_error)).max(0);
        let u = h(fault, r as u32, pc as u32, 0, 0) % 1_000_000;
        let d = (p.drift as i128 + uni(h(drift, r as u32, pc as u32, 0, 0), p.drift_spread))
            .clamp(0, 65536);
        if u < p.stuck_off_ppm {
            0
        } else if u < p.stuck_off_ppm + p.stuck_on_ppm {
            top
        } else {
            (g * (65536 - d) + 32768).div_euclid(65536)
        }
    };
    let cells: Vec<Vec<i128>> = (0..p.rows)
        .map(|r| (0..phys).map(|pc| geff(r, pc)).collect())
        .collect();
    let rg = p.rows_per_read;
    let groups = p.rows.div_ceil(rg);
    let mut acc = vec![0i128; p.cols];
    for b in 0..p.input_bits {
        let wb: i128 = if p.inputs_signed && b == p.input_bits - 1 {
            -(1 << b)
        } else {
            1 << b
        };
        for g in 0..groups {
            for pc in 0..phys {
                let i: i128 = (g * rg..((g + 1) * rg).min(p.rows))
                    .map(|r| ((x[r] as u32 >> b) & 1) as i128 * cells[r][pc])
                    .sum();
                let v = i - (i * i * p.ir_drop as i128).div_euclid(1 << 40)
                    + uni(h(read, k, b, g as u32, pc as u32), p.read_noise);
                let code = if v < 0 {
                    0
                } else {
                    ((v + (p.adc_step / 2) as i128) / p.adc_step as i128).min((1 << p.adc_bits) - 1)
                };
                let (c, s, pol) = (pc / 2 / s_count as usize, pc / 2 % s_count as usize, pc % 2);
                acc[c] += if pol == 0 { code } else { -code } * (1 << (s as u32 * bc)) * wb;
            }
        }
    }
    let (lo, hi) = if p.output_signed {
        (
            -(1i128 << (p.output_bits - 1)),
            (1i128 << (p.output_bits - 1)) - 1,
        )
    } else {
        (0, (1i128 << p.output_bits) - 1)
    };
    let out = acc
        .iter()
        .zip(cols)
        .map(|(&a, col)| {
            let t = (a + col.bias as i128) * col.mult as i128;
            let mut y = if col.shift == 0 {
                t
            } else {
                (t + (1i128 << (col.shift - 1))).div_euclid(1i128 << col.shift)
            };
            if p.activation == Activation::Relu {
                y = y.max(0);
            }
            y.clamp(lo, hi) as i64
        })
        .collect();
    (acc.into_iter().map(|a| a as i64).collect(), out)
}

/// Every build of the kernel: the types the configuration needs, every wider one, and the
/// portable build beside the AVX2 one.
fn kernel_choices() -> Vec<KernelChoice> {
    let mut choices = Vec::new();
    for current_bits in [0, 16, 32, 64] {
        for wide_values in [false, true] {
            for portable_only in [false, true] {
                choices.push(KernelChoice {
                    current_bits,
                    wide_values,
                    portable_only,
                });
            }
        }
    }
    choices
}

/// Checks every kernel build against the spec transcription on inputs `xs`.
fn check_against_spec(
    p: &TileParams,
    w: &Weights,
    cols: &[ColumnParams],
    xs: &[Vec<i32>],
    first_k: u32,
) {
    let expected: Vec<(Vec<i64>, Vec<i64>)> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| spec_reference(p, w, cols, first_k.wrapping_add(i as u32), x))
        .collect();
    for choice in kernel_choices() {
        let m = TileModel::with_kernel(p, w, cols, choice).unwrap();
        for (i, (x, (acc, out))) in xs.iter().zip(&expected).enumerate() {
            let r = m.mvm(first_k.wrapping_add(i as u32), x);
            assert_eq!((&r.acc, &r.out), (acc, out), "{choice:?}, MVM {i}");
            let exact: Vec<i64> = (0..p.cols)
                .map(|c| {
                    (0..p.rows)
                        .map(|r| w.w[r * p.cols + c] as i64 * x[r] as i64)
                        .sum()
                })
                .collect();
            assert_eq!(r.ideal, exact, "{choice:?}");
        }
    }
}

/// The extremes of the types' bounds: currents past u16 and u32 (Rg up to 4000 with Np = 2^20),
/// values past i32, 16-bit inputs and ADC, a step that is no power of two, IR drop at Qmax, more
/// than one block of physical columns, inputs and weights at their extremes.
#[test]
fn fast_path_equals_the_spec_at_the_extremes() {
    let shapes = [
        // Imax = 300 * (65280 + 2^20) fits i32; u32 currents.
        "[array]\nrows = 300\ncols = 1\nrows_per_read = 300\n[weights]\nbits = 9\ncell_bits = 8\n[analog]\nfine_bits = 8\nprogram_error = 1048576\nread_noise = 1048576\n[adc]\ncount = 1\nbits = 16\nstep = 16777216",
        // Imax = 2000 * (65280 + 2^20) > 2^31: u32 currents, i64 values.
        "[array]\nrows = 2000\ncols = 1\nrows_per_read = 2000\n[weights]\nbits = 9\ncell_bits = 8\n[analog]\nfine_bits = 8\nprogram_error = 1048576\nread_noise = 1048576\ndrift = 30000\ndrift_spread = 40000\n[adc]\ncount = 1\nbits = 16\nstep = 9999999",
        // Imax = 4000 * (65280 + 2^20) > 2^32: u64 currents.
        "[array]\nrows = 4000\ncols = 1\nrows_per_read = 4000\n[weights]\nbits = 9\ncell_bits = 8\n[analog]\nfine_bits = 8\nprogram_error = 1048576\nread_noise = 1000\n[adc]\ncount = 1\nbits = 16\nstep = 16777215\n[faults]\nstuck_on_ppm = 300000",
        // 2 * 15 * 9 = 270 physical columns (three blocks), 1-bit cells, groups of 3 rows.
        "[array]\nrows = 7\ncols = 9\nrows_per_read = 3\n[weights]\nbits = 16\ncell_bits = 1\n[analog]\nfine_bits = 3\nread_noise = 5\nprogram_error = 3\nseed = 4242\n[adc]\nbits = 2\nstep = 5\ncount = 7",
    ];
    for (n, shape) in shapes.iter().enumerate() {
        for ir in [false, true] {
            let base = format!("{shape}\n[inputs]\nbits = 16\nsigned = {}", n % 2 == 0);
            let mut p = params(&base);
            if ir {
                p = params(&base.replace(
                    "[analog]\n",
                    &format!("[analog]\nir_drop = {}\n", p.ir_drop_max()),
                ));
                assert!(p.ir_drop > 0);
            }
            let wmax = p.weight_max() as i32;
            let w = weights(
                &p,
                (0..p.rows * p.cols)
                    .map(|i| [wmax, -wmax, 0, 1, -1, wmax / 3][i % 6])
                    .collect(),
            );
            let (lo, hi) = p.input_range();
            let xs: Vec<Vec<i32>> = vec![
                vec![hi as i32; p.rows],
                vec![lo as i32; p.rows],
                (0..p.rows)
                    .map(|r| if r % 3 == 0 { lo as i32 } else { hi as i32 })
                    .collect(),
                (0..p.rows)
                    .map(|r| (r as i64 * 7919 % (hi - lo + 1) + lo) as i32)
                    .collect(),
            ];
            let cols = [
                ColumnParams {
                    mult: i16::MIN,
                    shift: 31,
                    bias: i32::MIN,
                },
                ColumnParams {
                    mult: i16::MAX,
                    shift: 0,
                    bias: i32::MAX,
                },
            ];
            let cols: Vec<ColumnParams> = (0..p.cols)
                .map(|c| {
                    if c == 0 {
                        ColumnParams::default()
                    } else {
                        cols[c % 2]
                    }
                })
                .collect();
            check_against_spec(&p, &w, &cols, &xs, u32::MAX - 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random configurations (v2 effects, clipping ADCs, steps of every kind), random weights and
    /// inputs, random column parameters: every kernel build equals the spec transcription.
    #[test]
    fn fast_path_equals_the_spec(
        (p, w, xs) in small_config(false).prop_flat_map(data),
        first_k in any::<u32>(),
        mult in any::<i16>(), shift in 0u8..=31, bias in any::<i32>(),
    ) {
        let cols: Vec<ColumnParams> = (0..p.cols).map(|c| if c % 2 == 0 { ColumnParams { mult, shift, bias } } else { ColumnParams::default() }).collect();
        check_against_spec(&p, &w, &cols, &xs, first_k);
    }
}

#[test]
fn data_the_tile_cannot_hold_is_refused_not_masked() {
    let p = TileConfig::default().validate().unwrap();
    let max = p.weight_max() as i32;
    let columns = vec![ColumnParams::default(); p.cols()];
    let mut w = Weights {
        rows: p.rows(),
        cols: p.cols(),
        w: vec![0; p.rows() * p.cols()],
    };
    w.w[p.cols() + 2] = max + 1;
    assert_eq!(
        TileModel::new(&p, &w, &columns).err(),
        Some(ModelError::Weight {
            row: 1,
            col: 2,
            value: max + 1,
            max: max as i64
        })
    );
    w.w[p.cols() + 2] = -max;
    assert!(TileModel::new(&p, &w, &columns).is_ok(), "-max is a weight");
    let short = Weights {
        rows: p.rows() - 1,
        cols: p.cols(),
        w: vec![0; (p.rows() - 1) * p.cols()],
    };
    assert!(matches!(
        TileModel::new(&p, &short, &columns),
        Err(ModelError::WeightShape { .. })
    ));
    assert!(matches!(
        TileModel::new(&p, &w, &columns[1..]),
        Err(ModelError::Columns { .. })
    ));
    let mut shifted = columns.clone();
    shifted[3].shift = 32;
    assert_eq!(
        TileModel::new(&p, &w, &shifted).err(),
        Some(ModelError::Shift { col: 3, shift: 32 })
    );
}

#[test]
#[should_panic(expected = "never masked into range")]
fn an_input_out_of_range_is_refused() {
    let p = TileConfig::default().validate().unwrap();
    let w = Weights {
        rows: p.rows(),
        cols: p.cols(),
        w: vec![0; p.rows() * p.cols()],
    };
    let model = TileModel::new(&p, &w, &vec![ColumnParams::default(); p.cols()]).unwrap();
    let (_, hi) = p.input_range();
    model.mvm(0, &vec![hi as i32 + 1; p.rows()]);
}

/// `W^T x` on tiles wider than the kernels' column blocks (64 and 32 columns, then the rest)
/// for every build: `i32` sums by `vpmaddwd` (an odd R with 8-bit inputs; two rows at the
/// extremes, whose products sum to 2 * 32767 * -32768, which fits), `i32` sums of inputs past `i16`
/// (16 unsigned bits) and `i64` sums, at the extreme values.
#[test]
fn ideal_equals_the_exact_product_on_wide_tiles() {
    for (rows, wb, ib, signed) in [
        (33, 8, 8, true),
        (2, 16, 16, true),
        (3, 8, 16, false),
        (33, 16, 16, true),
    ] {
        let p = params(&format!(
            "[array]\nrows = {rows}\ncols = 131\nrows_per_read = 1\n[weights]\nbits = {wb}\ncell_bits = 8\n\
             [inputs]\nbits = {ib}\nsigned = {signed}\n[adc]\ncount = 1"
        ));
        let wmax = p.weight_max() as i32;
        // Both rows of a pair alike: the extremes meet in one vpmaddwd.
        let (r, c) = (|i: usize| i / p.cols, |i: usize| i % p.cols);
        let w = weights(
            &p,
            (0..rows * p.cols)
                .map(|i| [wmax, -wmax, 0, 1, -1, wmax / 3, -wmax / 7][(c(i) + r(i) / 2) % 7])
                .collect(),
        );
        let (lo, hi) = p.input_range();
        for x in [
            vec![hi as i32; rows],
            vec![lo as i32; rows],
            (0..rows)
                .map(|r| (r as i64 * 7919 % (hi - lo + 1) + lo) as i32)
                .collect(),
        ] {
            let exact: Vec<i64> = (0..p.cols)
                .map(|c| {
                    (0..rows)
                        .map(|r| w.w[r * p.cols + c] as i64 * x[r] as i64)
                        .sum()
                })
                .collect();
            for portable_only in [false, true] {
                let m = TileModel::with_kernel(
                    &p,
                    &w,
                    &defaults(&p),
                    KernelChoice {
                        portable_only,
                        ..Default::default()
                    },
                )
                .unwrap();
                assert_eq!(
                    m.ideal(&x),
                    exact,
                    "rows {rows}, {wb}-bit weights, {ib}-bit inputs, portable {portable_only}"
                );
            }
        }
    }
}

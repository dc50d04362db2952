use super::*;
use crate::config::TileConfig;
use crate::data::ColumnParams;
use proptest::prelude::*;

fn params(toml: &str) -> TileParams {
    TileConfig::layered(None, toml).unwrap().validate().unwrap()
}

fn weights(p: &TileParams, w: Vec<i32>) -> Weights {
    Weights {
        rows: p.rows,
        cols: p.cols,
        w,
    }
}

const TWO_ROWS: &str = "[array]\nrows = 2\ncols = 1\nrows_per_read = 2\n[weights]\nbits = 4\ncell_bits = 2\n\
                        [inputs]\nbits = 2\nsigned = false\n[adc]\nbits = 4\ncount = 1\nstep = 1\n[analog]\nfine_bits = 0";

/// w = (5, -6): slice 0 levels (1, 2), slice 1 levels (1, 1), on opposite polarities.
#[test]
fn hand_worked_ideal_example() {
    let p = params(TWO_ROWS);
    let m = TileModel::new(&p, &weights(&p, vec![5, -6]), &[ColumnParams::default()]).unwrap();
    // Conductances: pc0 = (c0,s0,+) = [1,0]; pc1 = (s0,-) = [0,2]; pc2 = (s1,+) = [1,0]; pc3 = [0,1].
    assert_eq!(
        (0..2).map(|r| m.conductance(r, 1)).collect::<Vec<_>>(),
        vec![0, 2]
    );
    // x = (3, 1): b0 reads V = (1,2,1,1), b1 reads (1,0,1,0):
    // acc = [(1-2) + (1-1)*4] + 2*[(1-0) + (1-0)*4] = -1 + 10 = 9 = 5*3 - 6*1.
    let r = m.mvm(0, &[3, 1]);
    assert_eq!((r.acc[0], r.out[0], r.ideal[0]), (9, 9, 9));
}

#[test]
fn hand_worked_signed_inputs() {
    let p = params(
        &format!("{TWO_ROWS}\n[inputs]\nsigned = true")
            .replace("[inputs]\nbits = 2\nsigned = false\n", ""),
    );
    let m = TileModel::new(&p, &weights(&p, vec![5, -6]), &[ColumnParams::default()]).unwrap();
    // x = (-1, 1) = codes (0b11, 0b01): b0 as above gives -1; b1 reads (1,0,1,0) = 5 with wb = -2.
    assert_eq!(m.mvm(0, &[-1, 1]).acc[0], -1 - 2 * 5);
}

/// E = 1, step = 3, 2-bit ADC: rounding, then bias -3, mult -2, shift 2, and a 2-bit output.
#[test]
fn hand_worked_rounding_and_periphery() {
    let toml = TWO_ROWS
        .replace(
            "bits = 4\ncount = 1\nstep = 1",
            "bits = 2\ncount = 1\nstep = 3",
        )
        .replace("fine_bits = 0", "fine_bits = 1");
    let p = params(&format!("{toml}\n[output]\nbits = 2"));
    let col = ColumnParams {
        mult: -2,
        shift: 2,
        bias: -3,
    };
    let m = TileModel::new(&p, &weights(&p, vec![5, -6]), &[col]).unwrap();
    // g = 2*level. b0: V = (2,4,2,2) -> codes (V+1) div 3 = (1,1,1,1); b1: V = (2,0,2,0) -> (1,0,1,0).
    // acc = 0 + 2*(1 + 4) = 10; t = (10-3)*-2 = -14; y = floor((-14+2)/4) = -3; clamp to -2..=1.
    let r = m.mvm(0, &[3, 1]);
    assert_eq!((r.acc[0], r.out[0]), (10, -2));
    assert_eq!(m.periphery(0, 10 + 4), -2);
    let relu = params(&format!(
        "{toml}\n[output]\nbits = 2\nactivation = \"relu\""
    ));
    assert_eq!(
        TileModel::new(&relu, &weights(&p, vec![5, -6]), &[col])
            .unwrap()
            .mvm(0, &[3, 1])
            .out[0],
        0
    );
}

#[test]
fn adc_clips_at_full_scale_and_zero() {
    let toml = TWO_ROWS.replace("bits = 4\ncount = 1", "bits = 1\ncount = 1");
    let p = params(&toml);
    let m = TileModel::new(&p, &weights(&p, vec![7, 7]), &[ColumnParams::default()]).unwrap();
    // Slice 0 level 3 on both rows: V = 6 clips to code 1 per bit.
    assert_eq!(m.convert(0, &[1, 1], 0, 0, 0), 1);
    assert_eq!(m.convert(0, &[0, 0], 0, 0, 0), 0);
}

/// The TWO_ROWS tile with E = 2 and a 6-bit ADC: w = (5, -6) gives conductances
/// pc0 = [4,0], pc1 = [0,8], pc2 = [4,0], pc3 = [0,4] before any device effect.
fn two_rows_fine(extra: &str) -> TileModel {
    let toml = TWO_ROWS
        .replace("bits = 4\ncount = 1", "bits = 6\ncount = 1")
        .replace("fine_bits = 0", "fine_bits = 2");
    let p = params(&format!("{toml}\n{extra}"));
    TileModel::new(&p, &weights(&p, vec![5, -6]), &[ColumnParams::default()]).unwrap()
}

/// D = 16384 (a quarter): geff = floor((g * 49152 + 32768) / 65536), 4 -> 3, 8 -> 6.
#[test]
fn hand_worked_drift() {
    let m = two_rows_fine("drift = 16384");
    assert_eq!(
        (0..4)
            .map(|pc| m.conductance(0, pc) + m.conductance(1, pc))
            .collect::<Vec<_>>(),
        vec![3, 6, 3, 3]
    );
    // x = (3, 1): b0 reads (3,6,3,3), b1 reads (3,0,3,0): acc = (3-6) + 2*(3 + 3*4) = 27 = 3/4 of 36.
    assert_eq!(m.mvm(0, &[3, 1]).acc[0], 27);
    // Rounded to nearest: a tiny drift changes nothing (8 * (1 - 2^-16) rounds back to 8).
    assert_eq!(two_rows_fine("drift = 1").conductance(1, 1), 8);
}

/// Q = 2^34: the read loses floor(I*I/64). b0 of x = (3, 1) has currents (4,8,4,4) -> (4,7,4,4),
/// b1 (4,0,4,0) unchanged: acc = (4-7) + 2*(4 + 4*4) = 37 (36 without the drop).
#[test]
fn hand_worked_ir_drop() {
    let m = two_rows_fine("ir_drop = 17179869184");
    assert_eq!(m.mvm(0, &[3, 1]).acc[0], 37);
    assert_eq!(m.mvm(0, &[3, 3]).acc[0], -9);
    assert_eq!(m.convert(0, &[3, 3], 1, 0, 1), 7);
}

#[test]
fn every_cell_stuck() {
    // All off: no current anywhere. All on: both polarities at the top level, pairs cancel.
    for faults in ["stuck_off_ppm = 1000000", "stuck_on_ppm = 1000000"] {
        let m = two_rows_fine(&format!("[faults]\n{faults}"));
        assert_eq!(m.mvm(0, &[3, 3]).acc[0], 0, "{faults}");
    }
    let m = two_rows_fine("[faults]\nstuck_on_ppm = 1000000");
    assert!(
        (0..2).all(|r| (0..4).all(|pc| m.conductance(r, pc) == 12)),
        "top level (2^2-1)*2^2"
    );
    assert_eq!(
        device::fault_map(m.params()).len(),
        8,
        "R x P cells, zeros and the unused polarity included"
    );
}

/// Q = Qmax keeps the read non-decreasing in the current (spec section 6).
#[test]
fn ir_drop_at_qmax_is_monotonic() {
    let p = params("[analog]\nprogram_error = 5");
    let (q, imax) = (p.ir_drop_max(), p.current_max() as i64);
    let reads: Vec<i64> = (0..=imax).map(|i| device::ir_dropped(i, q)).collect();
    assert!(reads.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        reads[imax as usize] >= imax / 2,
        "the drop is at most about half the current"
    );
}

/// The fast path tabulates the IR drop for small Imax and multiplies for large: both equal the
/// plain conversions at Q = Qmax.
#[test]
fn ir_drop_table_and_arithmetic_match_convert() {
    for shape in ["[array]\nrows = 16\nrows_per_read = 16", "[array]\nrows = 40\nrows_per_read = 40\n[weights]\nbits = 9\ncell_bits = 8\n[adc]\nbits = 16\nstep = 300"] {
        let fine = "fine_bits = 5\nread_noise = 9\nprogram_error = 7";
        let p = params(&format!("{shape}\n[analog]\n{fine}"));
        let p = params(&format!("{shape}\n[analog]\n{fine}\nir_drop = {}", p.ir_drop_max()));
        let w: Vec<i32> = (0..p.rows * p.cols).map(|i| (i as i32 * 37 % (2 * p.weight_max() as i32 + 1)) - p.weight_max() as i32).collect();
        let m = TileModel::new(&p, &weights(&p, w), &defaults(&p)).unwrap();
        assert_eq!(m.ir_table.is_empty(), p.current_max() > IR_TABLE_MAX, "{shape}");
        let order: Vec<(u32, usize, usize)> = (0..p.input_bits)
            .flat_map(|b| (0..p.groups).flat_map(move |g| (0..p.phys_cols).map(move |pc| (b, g, pc))))
            .collect();
        let (lo, hi) = p.input_range();
        for k in 0..4 {
            let x: Vec<i32> = (0..p.rows).map(|r| if (r + k) % 3 == 0 { lo as i32 } else { hi as i32 }).collect();
            assert_eq!(m.mvm(k as u32, &x), m.mvm_in_order(k as u32, &x, &order), "{shape}");
        }
    }
}

const NOISY: &str = "[array]\nrows = 3\ncols = 2\nrows_per_read = 2\n[weights]\nbits = 5\ncell_bits = 3\n\
                     [inputs]\nbits = 3\nsigned = true\n[adc]\nbits = 5\ncount = 3\nstep = 3\n\
                     [analog]\nfine_bits = 2\nread_noise = 4\nprogram_error = 2\nseed = 7\n[output]\nbits = 12";

/// Values computed by an independent Python transcription of the spec.
#[test]
fn noisy_example_matches_independent_computation() {
    let p = params(NOISY);
    let w = weights(&p, vec![9, -15, 0, 4, -1, 12]);
    let cols = [
        ColumnParams {
            mult: 3,
            shift: 1,
            bias: -2,
        },
        ColumnParams {
            mult: -1,
            shift: 0,
            bias: 5,
        },
    ];
    let m = TileModel::new(&p, &w, &cols).unwrap();
    let r0 = m.mvm(0, &[3, -4, 1]);
    let r1 = m.mvm(1, &[-1, 2, 3]);
    assert_eq!(
        (r0.acc.clone(), r0.out.clone()),
        (PY_ACC0.to_vec(), PY_OUT0.to_vec())
    );
    assert_eq!(
        (r1.acc.clone(), r1.out.clone()),
        (PY_ACC1.to_vec(), PY_OUT1.to_vec())
    );
}
const PY_ACC0: [i64; 2] = [58, -64];
const PY_OUT0: [i64; 2] = [84, 59];
const PY_ACC1: [i64; 2] = [-23, 95];
const PY_OUT1: [i64; 2] = [-37, -100];

/// The same tile with every v2 effect (Q = Qmax = (2^40-1) div (2*Imax-1), Imax = 2*(7*4+2) = 60),
/// values from `tests/reference/spec_model.py`.
#[test]
fn noisy_v2_example_matches_independent_computation() {
    let keys = "drift = 9000\ndrift_spread = 3000\nir_drop = 9239593510\n[output]";
    let p = params(&format!(
        "{}\n[faults]\nstuck_off_ppm = 100000\nstuck_on_ppm = 80000",
        NOISY.replace("[output]", keys)
    ));
    assert_eq!(p.ir_drop, p.ir_drop_max());
    let w = weights(&p, vec![9, -15, 0, 4, -1, 12]);
    let cols = [
        ColumnParams {
            mult: 3,
            shift: 1,
            bias: -2,
        },
        ColumnParams {
            mult: -1,
            shift: 0,
            bias: 5,
        },
    ];
    let m = TileModel::new(&p, &w, &cols).unwrap();
    let (r0, r1) = (m.mvm(0, &[3, -4, 1]), m.mvm(1, &[-1, 2, 3]));
    assert_eq!((r0.acc, r0.out), (vec![38, -65], vec![54, 60]));
    assert_eq!((r1.acc, r1.out), (vec![-15, 75], vec![-25, -80]));
    // The fault map, by the same script: (row, pc, stuck).
    let map: Vec<(usize, usize, device::Stuck)> = device::fault_map(&p)
        .iter()
        .map(|c| (c.row, c.phys_col, c.stuck))
        .collect();
    use device::Stuck::{Off, On};
    assert_eq!(map, vec![(0, 1, On), (1, 2, Off), (1, 4, On), (2, 5, On)]);
    // pc 5 = (c*S + s)*2 + p with S = 2: column 1, slice 0, negative.
    let cell = device::fault_map(&p)[3];
    assert_eq!((cell.col, cell.slice, cell.polarity), (1, 0, 1));
    assert_eq!(m.conductance(2, 5), 7 << 2);
}

#[test]
fn drift_stats_cover_the_cells_that_are_not_stuck() {
    let p = params("[analog]\ndrift = 1000");
    let s = device::drift_stats(&p);
    assert_eq!(
        (s.cells, s.mean, s.max),
        ((p.rows * p.phys_cols) as u64, 1000.0, 1000)
    );
    let p =
        params("[analog]\ndrift = 65000\ndrift_spread = 5000\n[faults]\nstuck_off_ppm = 500000");
    let s = device::drift_stats(&p);
    assert_eq!(
        s.cells as usize,
        p.rows * p.phys_cols - device::fault_map(&p).len()
    );
    assert_eq!(s.max, 65536, "clamped at the whole conductance");
    assert!(s.mean > 62000.0 && s.mean < 65536.0, "{}", s.mean);
}

/// v2 keys for a random tile: often none, sometimes each effect alone, sometimes all. Returns the
/// `[analog]` keys and the `[faults]` section.
fn device_effects(
    rg: usize,
    bc: u32,
    e: u32,
    np: u32,
    pick: (u8, u32, u32, u64, u32, u32),
) -> (String, String) {
    let (mode, drift, spread, q_permille, off, on) = pick;
    let qmax = ((1u64 << 40) - 1) / (2 * (rg as u64 * ((((1u64 << bc) - 1) << e) + np as u64)) - 1);
    let q = qmax / 1000 * q_permille + if q_permille == 1000 { qmax % 1000 } else { 0 };
    let (on, drift_keys, fault_keys, ir_key) = (
        on.min(1_000_000 - off),
        mode == 4 || mode == 7,
        mode == 5 || mode == 7,
        mode == 6 || mode == 7,
    );
    let mut analog = String::new();
    if drift_keys {
        analog += &format!("drift = {drift}\ndrift_spread = {spread}\n");
    }
    if ir_key {
        analog += &format!("ir_drop = {q}\n");
    }
    let faults = if fault_keys {
        format!("[faults]\nstuck_off_ppm = {off}\nstuck_on_ppm = {on}\n")
    } else {
        String::new()
    };
    (analog, faults)
}

/// A random configuration from the whole space, kept small enough to run thousands of times.
fn small_config(ideal: bool) -> impl Strategy<Value = TileParams> {
    (
        (1usize..=80, 1usize..=6, 1usize..=80),
        (2u32..=12, 1u32..=8, 1u32..=10, any::<bool>()),
        (1u32..=12, 1usize..=64, 1u32..=300, 0u32..=5),
        (0u32..=40, 0u32..=40, any::<u32>()),
        (2u32..=32, any::<bool>(), any::<bool>()),
        (0u8..8, 0u32..=65536, 0u32..=65536, 0u64..=1000, 0u32..=300_000, 0u32..=300_000),
    )
        .prop_map(move |((rows, cols, rg), (wb, bc, ib, isg), (ab, a, step, e), (nr, np, seed), (ob, osg, relu), v2)| {
            let rg = rg.min(rows);
            let slices = (wb - 1).div_ceil(bc) as usize;
            let a = a.min(2 * slices * cols);
            let (analog, faults) = if ideal { Default::default() } else { device_effects(rg, bc, e, np, v2) };
            let (ab, step, nr, np, ob) = if ideal {
                // Enough ADC bits for the whole group, exact steps, an output that holds W^T x.
                let need = 64 - ((rg as u64) * ((1u64 << bc) - 1)).leading_zeros();
                (need.clamp(1, 16), 1 << e, 0, 0, 32)
            } else {
                (ab, step, nr, np, ob)
            };
            let toml = format!(
                "[array]\nrows = {rows}\ncols = {cols}\nrows_per_read = {rg}\n[weights]\nbits = {wb}\ncell_bits = {bc}\n\
                 [inputs]\nbits = {ib}\nsigned = {isg}\n[adc]\nbits = {ab}\ncount = {a}\nstep = {step}\n\
                 [analog]\nfine_bits = {e}\nread_noise = {nr}\nprogram_error = {np}\nseed = {seed}\n{analog}\
                 [output]\nbits = {ob}\nsigned = {}\nactivation = \"{}\"\n{faults}",
                osg || ideal,
                if relu && !ideal { "relu" } else { "none" }
            );
            params(&toml)
        })
}

/// Weights and a few input vectors in range for `p`.
fn data(p: TileParams) -> impl Strategy<Value = (TileParams, Weights, Vec<Vec<i32>>)> {
    let wmax = p.weight_max() as i32;
    let (lo, hi) = p.input_range();
    let (rows, cols) = (p.rows, p.cols);
    (
        prop::collection::vec(-wmax..=wmax, rows * cols),
        prop::collection::vec(prop::collection::vec(lo as i32..=hi as i32, rows), 1..4),
    )
        .prop_map(move |(w, xs)| (p.clone(), Weights { rows, cols, w }, xs))
}

fn defaults(p: &TileParams) -> Vec<ColumnParams> {
    vec![ColumnParams::default(); p.cols]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn ideal_tile_computes_the_exact_product((p, w, xs) in small_config(true).prop_flat_map(data)) {
        prop_assert!(p.is_ideal());
        let m = TileModel::new(&p, &w, &defaults(&p)).unwrap();
        for (k, x) in xs.iter().enumerate() {
            let r = m.mvm(k as u32, x);
            prop_assert_eq!(&r.out, &r.ideal);
        }
    }

    #[test]
    fn conversion_order_changes_nothing(
        (p, w, xs) in small_config(false).prop_flat_map(data),
        shuffle_seed in any::<u64>(),
    ) {
        let m = TileModel::new(&p, &w, &defaults(&p)).unwrap();
        let mut order: Vec<(u32, usize, usize)> = (0..p.input_bits)
            .flat_map(|b| (0..p.groups).flat_map(move |g| (0..p.phys_cols).map(move |pc| (b, g, pc))))
            .collect();
        // Fisher-Yates with a small LCG: the order is part of the shrinkable input.
        let mut s = shuffle_seed | 1;
        for i in (1..order.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        for (k, x) in xs.iter().enumerate() {
            prop_assert_eq!(m.mvm(k as u32, x), m.mvm_in_order(k as u32, x, &order));
        }
    }

    #[test]
    fn noise_repeats_with_a_seed_and_changes_with_another(
        seed in any::<u32>(),
        w in prop::collection::vec(-7i32..=7, 16 * 4),
        x in prop::collection::vec(-8i32..=7, 16),
    ) {
        // The default 16x4 tile made noisy: 16-bit ADC, step 1, read noise +-1000.
        let noisy = |seed: u32| {
            let toml = format!("[adc]\nbits = 16\nstep = 1\n[analog]\nfine_bits = 6\nread_noise = 1000\nprogram_error = 50\nseed = {seed}");
            let p = params(&toml);
            let w = weights(&p, w.clone());
            TileModel::new(&p, &w, &defaults(&p)).unwrap()
        };
        let (a, a2, b) = (noisy(seed), noisy(seed), noisy(seed.wrapping_add(1)));
        let codes = |m: &TileModel, k: u32| -> Vec<u32> {
            let p = m.params();
            (0..p.input_bits)
                .flat_map(|bit| (0..p.groups).flat_map(move |g| (0..p.phys_cols).map(move |pc| (bit, g, pc))))
                .map(|(bit, g, pc)| m.convert(k, &x, bit, g, pc))
                .collect()
        };
        prop_assert_eq!(a.mvm(3, &x), a2.mvm(3, &x));
        prop_assert_eq!(codes(&a, 3), codes(&a2, 3));
        // 512 conversions with +-1000 of noise each: two seeds (or two batch indices) agreeing on
        // all of them has negligible probability.
        prop_assert_ne!(codes(&a, 3), codes(&b, 3));
        prop_assert_ne!(codes(&a, 3), codes(&a, 4));
    }

    #[test]
    fn a_batch_is_its_mvms_in_order((p, w, xs) in small_config(false).prop_flat_map(data), first_k in any::<u32>()) {
        let m = TileModel::new(&p, &w, &defaults(&p)).unwrap();
        let one_by_one: Vec<MvmResult> = xs.iter().enumerate().map(|(i, x)| m.mvm(first_k.wrapping_add(i as u32), x)).collect();
        prop_assert_eq!(m.mvm_batch(first_k, &xs), one_by_one);
    }

    #[test]
    fn outputs_stay_in_range((p, w, xs) in small_config(false).prop_flat_map(data), mult in any::<i16>(), shift in 0u8..=31, bias in any::<i32>()) {
        let cols = vec![ColumnParams { mult, shift, bias }; p.cols];
        let m = TileModel::new(&p, &w, &cols).unwrap();
        let (lo, hi) = p.output_range();
        for (k, x) in xs.iter().enumerate() {
            let r = m.mvm(k as u32, x);
            prop_assert!(r.out.iter().all(|&o| lo <= o && o <= hi));
            prop_assert!(r.acc.iter().all(|&a| (a.unsigned_abs() as u128) <= p.widths().acc_max));
        }
    }
}

/// docs/arithmetic.md section 7: W = [3, -5], x = [1, 2], columns (3, 2, 1); fresh, and with D = 13107.
#[test]
fn docs_worked_example_fresh_and_drifted() {
    let tile = "[array]\nrows = 2\ncols = 1\nrows_per_read = 2\n[weights]\nbits = 4\ncell_bits = 2\n\
                [inputs]\nbits = 2\nsigned = false\n[adc]\nbits = 8\ncount = 1\nstep = 1\n[analog]\nfine_bits = 0\nseed = 1";
    let col = [ColumnParams {
        mult: 3,
        shift: 2,
        bias: 1,
    }];
    for (drift, acc, out) in [(0, -7, -4), (13107, -8, -5)] {
        let p = params(&format!("{tile}\ndrift = {drift}"));
        assert_eq!(p.ir_drop_max(), 99955602525);
        let r = TileModel::new(&p, &weights(&p, vec![3, -5]), &col)
            .unwrap()
            .mvm(0, &[1, 2]);
        assert_eq!((r.acc[0], r.out[0]), (acc, out), "D = {drift}");
    }
}

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

use super::*;
use crate::config::TileConfig;
use crate::data::ColumnParams;
use proptest::prelude::*;

/// The fast kernel against a plain transcription of the spec, and the data it refuses.
mod spec;

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
        prop_assert_eq!(m.outputs_batch(first_k, &xs), one_by_one.iter().map(|r| r.out.clone()).collect::<Vec<_>>());
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

use super::*;
use cimtile_tile::config::TileConfig;
use cimtile_tile::data::Weights;
use cimtile_tile::ppa::{self, Workload};

/// A tile of `preset` with `keys` set, priced by the PPA model without synthesis on a constant
/// workload.
fn tile(preset: &str, keys: &[(&str, &str)]) -> TileFigures {
    let mut config = TileConfig::from_preset(preset).unwrap();
    for (k, v) in keys {
        config = config.with_key(k, v).unwrap();
    }
    let p = config.validate().unwrap();
    let weights = Weights {
        rows: p.rows(),
        cols: p.cols(),
        w: vec![1; p.rows() * p.cols()],
    };
    let inputs = vec![vec![1; p.rows()]; 4];
    let workload = Workload {
        weights: &weights,
        inputs: &inputs,
        description: "ones".into(),
        activity: None,
    };
    TileFigures::new(&p, &ppa::estimate(&p, None, &workload).unwrap())
}

/// VGG-8 for CIFAR-10 (scripts/export-vgg8): six 3x3 convolutions, two dense layers.
fn vgg8() -> Vec<Layer> {
    let conv = |name: &str, cin: usize, cout: usize, side: u64| Layer {
        name: name.into(),
        op: "conv".into(),
        k: cin * 9,
        n: cout,
        mvms: side * side,
        input_elements: cin as u64 * side * side,
        output_elements: cout as u64 * side * side,
    };
    vec![
        conv("conv1", 3, 128, 32),
        conv("conv2", 128, 128, 32),
        conv("conv3", 128, 256, 16),
        conv("conv4", 256, 256, 16),
        conv("conv5", 256, 512, 8),
        conv("conv6", 512, 512, 8),
        Layer::dense("fc1", 8192, 1024),
        Layer::dense("fc2", 1024, 10),
    ]
}

/// Networks the model was not written against: `count` random layers from a seed.
fn random_network(seed: u64, count: usize) -> Vec<Layer> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1;
    let mut next = |m: u64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        1 + s % m
    };
    (0..count)
        .map(|i| {
            let (k, n, mvms) = (next(3000) as usize, next(700) as usize, next(1200));
            Layer {
                name: format!("l{i}"),
                op: "x".into(),
                k,
                n,
                mvms,
                input_elements: next(100_000),
                output_elements: next(100_000),
            }
        })
        .collect()
}

#[test]
fn counts_are_the_layer_shape_arithmetic_on_unseen_networks() {
    let t = tile("default", &[]);
    for seed in 0..50 {
        let layers = random_network(seed, 1 + seed as usize % 9);
        let r = estimate(&layers, &t, Replication::Max(1)).unwrap();
        let (rr, cc) = (t.rows as u64, t.cols as u64);
        let tiles: u64 = layers
            .iter()
            .map(|l| (l.k as u64).div_ceil(rr) * (l.n as u64).div_ceil(cc))
            .sum();
        let mvms: u64 = layers
            .iter()
            .map(|l| l.mvms * (l.k as u64).div_ceil(rr) * (l.n as u64).div_ceil(cc))
            .sum();
        let macs: u64 = layers
            .iter()
            .map(|l| l.mvms * l.k as u64 * l.n as u64)
            .sum();
        assert_eq!(
            (
                r.tiles,
                r.tiles_single_copy,
                r.mvms_per_inference,
                r.macs_per_inference
            ),
            (tiles, tiles, mvms, macs),
            "seed {seed}"
        );
        // Replication moves tiles, never the work.
        let replicated = estimate(&layers, &t, Replication::Max(8)).unwrap();
        assert_eq!(
            (replicated.mvms_per_inference, replicated.macs_per_inference),
            (mvms, macs)
        );
        assert!(replicated.tiles >= tiles);
    }
}

#[test]
fn vgg8_has_616_million_macs_as_neurosim_counts() {
    let r = estimate(&vgg8(), &tile("neurosim", &[]), Replication::Max(1)).unwrap();
    // NeuroSim's run prints 1.23184e9 operations (2 x MACs) to six digits.
    assert_eq!(2 * r.macs_per_inference, 1_231_835_136);
    assert_eq!(
        format!("{:.5e}", 2.0 * r.macs_per_inference as f64),
        "1.23184e9"
    );
    // 128 x 8 tiles: conv1 ceil(27/128) * ceil(128/8) = 16, ..., fc2 8 * 2.
    assert_eq!(r.layers[0].tiles, 16);
    assert_eq!(r.layers[7].tiles, 8 * 2);
    assert_eq!(
        r.tiles,
        16 + 9 * 16 + 9 * 32 + 18 * 32 + 18 * 64 + 36 * 64 + 64 * 128 + 8 * 2
    );
}

#[test]
fn energy_and_tops_per_w_agree_with_each_other_and_with_the_tile() {
    for (preset, layers) in [
        ("default", random_network(7, 5)),
        ("neurosim", vgg8()),
        ("neurram", vgg8()),
    ] {
        let t = tile(preset, &[]);
        let r = estimate(&layers, &t, Replication::Max(1)).unwrap();
        let parts: f64 = r.energy_uj_by_component.values().sum();
        assert!((parts - r.energy_uj_per_inference).abs() <= 1e-9 * parts);
        let areas: f64 = r.area_mm2_by_component.values().sum();
        assert!((areas - r.area_mm2).abs() <= 1e-9 * areas);
        let tops_per_w = 2.0 * r.macs_per_inference as f64 / (r.energy_uj_per_inference * 1e6);
        assert!((tops_per_w - r.tops_per_w).abs() <= 1e-9 * tops_per_w);
        // No energy dropped: at least every tile MVM at the tile's energy per MVM.
        let floor = r.mvms_per_inference as f64 * r.tile_energy_pj_per_mvm * 1e-6;
        assert!((r.energy_uj_by_component["tiles"] - floor).abs() <= 1e-9 * floor);
        assert!(r.energy_uj_per_inference >= floor);
        let by_layer: f64 = r.layers.iter().map(|l| l.energy_uj).sum();
        assert!((by_layer - r.energy_uj_per_inference).abs() <= 1e-9 * by_layer);
        assert!(r.area_mm2 >= r.tiles as f64 * t.area_mm2);
    }
    // At 180 nm, where the periphery was synthesized, the chip prices the tile as `cimtile ppa`.
    let t = tile("default", &[]);
    assert_eq!(t.chip_energy_pj_per_mvm(), t.energy_pj_per_mvm);
}

#[test]
fn more_adc_bits_cost_more_energy() {
    let layers = vgg8();
    let energy = |bits: &str| {
        let t = tile("neurosim", &[("adc.bits", bits)]);
        estimate(&layers, &t, Replication::Max(1))
            .unwrap()
            .energy_uj_per_inference
    };
    let (e4, e6, e8) = (energy("4"), energy("6"), energy("8"));
    assert!(e4 < e6 && e6 < e8, "{e4} {e6} {e8}");
}

#[test]
fn replication_raises_throughput_and_area() {
    let t = tile("neurosim", &[]);
    let one = estimate(&vgg8(), &t, Replication::Max(1)).unwrap();
    let four = estimate(&vgg8(), &t, Replication::Max(4)).unwrap();
    let auto = estimate(&vgg8(), &t, Replication::Auto).unwrap();
    assert!(
        four.inferences_per_s > 3.9 * one.inferences_per_s,
        "{} {}",
        four.inferences_per_s,
        one.inferences_per_s
    );
    assert!(four.area_mm2 > one.area_mm2 && four.tiles > one.tiles);
    assert!(auto.inferences_per_s > one.inferences_per_s && auto.tiles <= 2 * one.tiles);
    // The slowest layer (conv1, 1024 MVMs) gets the copies; the dense layers keep one.
    assert_eq!(four.layers[0].copies, 4);
    assert_eq!(four.layers[7].copies, 1);
}

#[test]
fn bad_networks_and_requests_are_errors() {
    let t = tile("default", &[]);
    assert_eq!(
        estimate(&[], &t, Replication::Max(1)).unwrap_err(),
        ChipError::NoLayers
    );
    let mut empty = Layer::dense("fc", 4, 4);
    empty.n = 0;
    let e = estimate(&[empty], &t, Replication::Max(1)).unwrap_err();
    assert!(e.to_string().contains("layer 'fc': N is 0"), "{e}");
    for bad in ["0", "-1", "x", "", "1.5"] {
        assert_eq!(
            bad.parse::<Replication>().unwrap_err(),
            ChipError::Replication(bad.to_string())
        );
    }
    assert_eq!("auto".parse::<Replication>().unwrap(), Replication::Auto);
    assert_eq!("3".parse::<Replication>().unwrap(), Replication::Max(3));
}

#[test]
fn node_scaling_moves_the_chip_not_the_array() {
    let at = |nm: &str| {
        estimate(
            &vgg8(),
            &tile("neurosim", &[("tech.node_nm", nm)]),
            Replication::Max(1),
        )
        .unwrap()
    };
    let (big, small) = (at("180"), at("22"));
    for part in ["buffers", "accumulation", "digital_stage"] {
        let ratio = small.energy_uj_by_component[part] / big.energy_uj_by_component[part];
        assert!(
            (ratio - constants::energy_scale(180.0, 22.0)).abs() < 1e-6,
            "{part}: {ratio}"
        );
    }
}

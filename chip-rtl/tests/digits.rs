//! The digits networks' chips, co-simulated against the golden model.

use cimtile_chip_rtl::cosim::{build, compare, expected, ChipSim};
use cimtile_chip_rtl::generate;
use cimtile_cosim::sim_macro::Macro;
use cimtile_hdl::Crossbar;
use cimtile_net::tiled::TiledNet;
use cimtile_net::{Network, TestSet};
use cimtile_tile::TileConfig;
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/digits")
        .join(name)
}

fn run(model: &str, data: &str, config: TileConfig, images: usize) {
    let p = config.validate().unwrap();
    let net = Network::load(&example(model)).unwrap();
    let data = TestSet::load(&example(data), &net).unwrap();
    let quant = net.quantize(&p, &data).unwrap();
    let tiled = TiledNet::new(net.graph(), &quant, &p);
    let chip = generate(net.graph(), &quant, &tiled, &p, Crossbar::Behavioral).unwrap();
    if let Ok(dir) = std::env::var("CIMTILE_CHIP_DUMP") {
        chip.write(dir.as_ref()).unwrap();
    }
    let model = build(&chip, Macro::Dpi, false).unwrap();
    let mut sim = ChipSim::load(&model, &chip, &p).unwrap();
    sim.program(&tiled).unwrap();
    for i in 0..images {
        let codes = quant.quantize_input(&data.images()[i]);
        let run = sim.infer(&codes).unwrap();
        let (outputs, tiles) = expected(&tiled, net.graph().output, i, &codes);
        if let Some(m) = compare(&chip, i, &run, &outputs, &tiles) {
            panic!("image {}: {}", m.image, m.what);
        }
        eprintln!("image {i}: {} cycles", run.cycles);
    }
}

#[test]
fn mlp_on_the_default_tile_is_bit_exact() {
    run("mlp-plain.onnx", "test.npz", TileConfig::default(), 3);
}

/// fpga64's 16 columns give the MLP's last layer (32 x 10) a single tile, whose handshakes the
/// top indexes per tile all the same.
#[test]
fn a_layer_of_one_tile_is_bit_exact() {
    let config = TileConfig::from_preset("fpga64").unwrap();
    run("mlp-plain.onnx", "test.npz", config, 2);
}

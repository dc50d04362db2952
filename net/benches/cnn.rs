//! Images per second of the PyTorch digits CNN (examples/digits/cnn-plain.onnx) on the `default`
//! and `neurram` presets, model engine: `cargo bench -p cimtile-net --bench cnn`. Prints the best
//! of several runs on every core, and on one thread the share of the time the tile model takes
//! (the rest is the glue: im2col, requantization, pooling).

use cimtile_net::{Network, Options, TestSet};
use cimtile_tile::config::TileConfig;
use std::path::Path;

const RUNS: usize = 3;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/digits");
    let net = Network::load(&root.join("cnn-plain.onnx")).expect("the example model");
    let data = TestSet::load(&root.join("test-cnn.npz"), &net).expect("the example test set");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mvms: usize = net
        .weight_layers()
        .iter()
        .map(|l| l.mvms_per_inference)
        .sum();
    println!(
        "digits CNN (cnn-plain.onnx), {} test images, model engine, best of {RUNS} runs",
        data.len()
    );
    for preset in ["default", "neurram"] {
        let p = TileConfig::from_preset(preset)
            .and_then(|c| c.validate())
            .expect("a preset");
        let run = || {
            net.evaluate(&p, &data, &Options::default())
                .expect("the network runs")
        };
        let best = (0..RUNS)
            .map(|_| run().images_per_second())
            .fold(0.0, f64::max);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool")
            .install(run);
        println!(
            "{preset:>8}: {best:>8.0} images/s on {cores} threads ({} tile MVMs per image, {} layer MVMs); one thread: {:.0} images/s, {:.1}% of the time in the tile model",
            one.mvms_per_image,
            mvms,
            one.images_per_second(),
            100.0 * one.tile_model_seconds / one.seconds
        );
    }
}

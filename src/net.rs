//! `cimtile net`: a network's accuracy on tiles (the work is in the `cimtile-net` crate).

use crate::cli::{Engine, NetArgs};
use crate::{progress, tile_source};
use anyhow::Result;
use cimtile_cosim::engine::RtlEngines;
use cimtile_net::{EngineCheck, Network, Options, TestSet};
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;

pub fn net(args: &NetArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?.aged(args.age.age.as_ref())?;
    let p = &tile.params;
    let net = Network::load(&args.model)?;
    let data = TestSet::load(&args.data, &net)?;
    let options = Options {
        images: args.images.map(|n| n as usize),
        calibrate: args.calibrate,
        rtl: match args.engine {
            Engine::Rtl => Some(EngineCheck {
                images: args.rtl_images,
                engines: Arc::new(progress::build_with_spinner(|| RtlEngines::build(p))?),
            }),
            Engine::Model => None,
        },
    };
    let figures = net.evaluate(p, &data, &options)?;
    println!(
        "tile: {} ({} x {}, {}-bit weights, {}-bit {} inputs, {}-bit ADC)",
        tile.origin,
        p.rows(),
        p.cols(),
        p.weight_bits(),
        p.input_bits(),
        if p.inputs_signed() {
            "signed"
        } else {
            "unsigned"
        },
        p.adc_bits()
    );
    if let Some(aging) = &tile.aging {
        println!("{aging}");
    }
    println!("model: {} ({})", args.model.display(), net.summary());
    let layers: Vec<String> = figures
        .layers
        .iter()
        .enumerate()
        .map(|(l, t)| {
            let stage = if t.requantized_on_tile {
                "requantized on the tile"
            } else {
                "requantized on the host"
            };
            format!("layer {l}: {} x {}, {stage}", t.row_tiles, t.col_tiles)
        })
        .collect();
    println!("tiles: {} ({})", figures.tiles, layers.join("; "));
    if let Some(calibration) = &figures.calibration {
        println!("calibrated on the model's calibration images (mean absolute output error against the exact W^T x, before -> after):");
        for t in calibration {
            println!(
                "  layer {} tile (row {}, column {}): {:.3} -> {:.3}",
                t.layer, t.row_tile, t.col_tile, t.before_mean_abs_error, t.after_mean_abs_error
            );
        }
    }
    let line = |what: &str, right: usize, accuracy: f64| {
        println!("{what}: {accuracy:.4} ({right}/{})", figures.images)
    };
    line("accuracy", figures.correct, figures.accuracy());
    line(
        "integer accuracy (quantized network, exact integers)",
        figures.integer_correct,
        figures.integer_accuracy(),
    );
    line(
        "float accuracy (the model as trained)",
        figures.float_correct,
        figures.float_accuracy(),
    );
    println!(
        "images whose logits differ from the integer network's: {}",
        figures.integer_mismatches
    );
    println!(
        "MVMs: {} ({} per image), ADC conversions: {}",
        figures.mvms, figures.mvms_per_image, figures.adc_conversions
    );
    println!(
        "energy: {:.1} pJ per image (PPA model without synthesis: ADCs, crossbar, row drivers)",
        figures.energy_pj_per_image
    );
    println!(
        "speed: {:.0} images/s on the tile model ({} threads, {:.3} s)",
        figures.images_per_second(),
        rayon::current_num_threads(),
        figures.seconds
    );
    let mut rtl_checked = None;
    if let Some((images, check)) = &figures.rtl {
        match check {
            Ok(checked) => {
                println!("RTL: {checked} tile MVMs of the first {images} image(s) bit-exact against the model");
                rtl_checked = Some(checked);
            }
            Err(m) => {
                println!(
                    "MISMATCH: layer {}, tile (row {}, column {}), MVM {}, tile column {} (layer output {}): model {}, RTL {}",
                    m.layer, m.row_tile, m.col_tile, m.mvm, m.column, m.layer_output, m.model, m.rtl
                );
                return Ok(ExitCode::from(1));
            }
        }
    }
    if let Some(path) = &args.report {
        let mut report = json!({
            "tile": tile.origin,
            "config": tile.params.config(),
            "model": args.model,
            "data": args.data,
            "engine": match args.engine { Engine::Model => "model", Engine::Rtl => "rtl" },
            "aging": tile.aging,
            "analog_drift": p.drift(),
            "calibrated": args.calibrate,
            "weight_layers": net.weight_layers(),
            "rtl_checked_mvms": rtl_checked,
        });
        report
            .as_object_mut()
            .expect("json! of braces is an object")
            .extend(figures.report());
        tile_source::write_text(path, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

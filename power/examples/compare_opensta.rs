//! Prices a Yosys netlist with cimtile-power and with OpenSTA's report_power, and prints both.
//!
//! `cargo run -p cimtile-power --example compare_opensta -- LIB NETLIST.json NETLIST.v TOP CLOCK
//! PERIOD_NS ACTIVITY [MODEL.lib ...] [--no-slews] [--unclocked-at-clock-rate] [--no-wire-load]`
//!
//! The flags change only our side, to measure what each modelling choice is worth.

use std::path::PathBuf;

use cimtile_power::opensta::{report_power, strip_instance_parameters, StaRun};
use cimtile_power::{estimate, Activity, Conditions, Liberty, Netlist, Unclocked, WireLoadModel};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| all.iter().any(|a| a == f);
    let a: Vec<String> = all
        .iter()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .collect();
    if a.len() < 7 {
        return Err("usage: LIB JSON VERILOG TOP CLOCK PERIOD_NS ACTIVITY [MODEL.lib ...]".into());
    }
    let (period, activity): (f64, f64) = (a[5].parse()?, a[6].parse()?);
    let lib = Liberty::read(&a[0])?;
    let models: Vec<Liberty> = a[7..].iter().map(Liberty::read).collect::<Result<_, _>>()?;
    let model_refs: Vec<&Liberty> = models.iter().collect();
    let nl = Netlist::from_yosys_json(&a[1], Some(&a[3]))?;
    let t = std::time::Instant::now();
    let mut cond = Conditions::new(period, &a[4]);
    cond.propagate_slews = !flag("--no-slews");
    if flag("--unclocked-at-clock-rate") {
        cond.unclocked = Unclocked::AtClockRate;
    }
    if flag("--no-wire-load") {
        cond.wire_load = WireLoadModel::None;
    }
    let r = estimate(&lib, &model_refs, &nl, &Activity::global(activity), &cond)?;
    let ours_s = t.elapsed().as_secs_f64();
    let dir = std::env::temp_dir().join(format!("cimtile-power-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let v = dir.join("netlist.v");
    std::fs::write(
        &v,
        strip_instance_parameters(&std::fs::read_to_string(&a[2])?),
    )?;
    let mut liberty = vec![PathBuf::from(&a[0])];
    liberty.extend(a[7..].iter().map(PathBuf::from));
    let run = StaRun {
        sta: "sta".into(),
        liberty,
        verilog: v,
        top: a[3].clone(),
        clock_port: a[4].clone(),
        period_ns: period,
        activity,
    };
    let s = report_power(&run, &dir)?;
    let _ = std::fs::remove_dir_all(&dir);
    let pct = |o: f64, s: f64| if s == 0.0 { 0.0 } else { 100.0 * (o - s) / s };
    let t = &r.total;
    println!("                 ours (mW)   OpenSTA (mW)   diff");
    for (name, o, s) in [
        ("internal", t.internal_mw, s.internal_w * 1e3),
        ("switching", t.switching_mw, s.switching_w * 1e3),
        ("leakage", t.leakage_mw, s.leakage_w * 1e3),
        ("total", t.total_mw, s.total_w * 1e3),
    ] {
        println!("{name:<12} {o:>12.6} {s:>14.6} {:>+7.2}%", pct(o, s));
    }
    println!(
        "cells {}, unpriced {}, unclocked {}, wire load: {}, engine {:.3} s",
        t.cells,
        r.unpriced_cells.len(),
        r.unclocked_instances,
        r.wire_load,
        ours_s
    );
    for (b, s) in &r.by_block {
        println!("  {b:<28} {:>10.6} mW  ({} cells)", s.total_mw, s.cells);
    }
    Ok(())
}

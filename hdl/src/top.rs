//! The top module `cim_tile`: the host interface and the blocks wired together, with every
//! block parameter taken from the configuration (`RtlSizing`).
//!
//! ```text
//!  in_* ──> tile_controller ──> input_buffer (2 banks) ──row_drive──> crossbar_macro (A ADCs)
//!              │  ▲                  ▲ (bank, g, b)                       │ codes after Ta
//!              │  │ loaded/issued    │                                    v
//!              │  └───────────── adc_scheduler ──tag (bank, m, b, ±)──> shift_add_lanes
//!              │                      ▲ sums released                      │ 2 banks of P sums
//!              │                      └──────────────────────────── column_combiner
//!              │                                                           │ acc[c]
//!              v                                           accumulator FIFO (credits)
//!          busy, done, prog_ready                                          v
//!                                     column_params ──> activation_unit ──> output FIFO ──> out_*
//! ```

use super::macro_abstract;
use super::sizing::{index_bits, RtlSizing};
use super::Emulation;
use cimtile_tile::config::{Activation, TileParams};

/// A module instance with parameter overrides and named port connections: `"port"` connects
/// the signal of the same name, `"port=expression"` anything else.
pub fn instance(
    module: &str,
    name: &str,
    params: &[(&str, String)],
    ports: &[impl AsRef<str>],
) -> String {
    let params = params
        .iter()
        .map(|(k, v)| format!("        .{k}({v})"))
        .collect::<Vec<_>>()
        .join(",\n");
    let ports = ports
        .iter()
        .map(|p| {
            let p = p.as_ref();
            let (port, signal) = p.split_once('=').unwrap_or((p, p));
            format!("        .{port}({signal})")
        })
        .collect::<Vec<_>>()
        .join(",\n");
    let params = if params.is_empty() {
        String::new()
    } else {
        format!("#(\n{params}\n    ) ")
    };
    format!("    {module} {params}{name} (\n{ports}\n    );\n")
}

/// `(module, instance name)` of every instance that `instance` wrote into `verilog`. A
/// simulator's waveform names a scope by its instance only; this gives the module behind it.
pub fn instances(verilog: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut with_params: Option<&str> = None;
    for line in verilog.lines() {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            [module, "#("] => with_params = Some(module),
            [")", name, "("] => {
                if let Some(module) = with_params.take() {
                    found.push((module.to_string(), name.to_string()));
                }
            }
            [module, name, "("] if *module != "module" => {
                found.push((module.to_string(), name.to_string()))
            }
            _ => {}
        }
    }
    found
}

/// `[b-1:0] ` for a bus of `bits`, nothing for one bit: a declaration's range.
pub fn bus(bits: u32) -> String {
    if bits == 1 {
        String::new()
    } else {
        format!("[{}:0] ", bits - 1)
    }
}

/// A port of a generated top module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Port {
    pub name: &'static str,
    pub input: bool,
    pub width: u32,
}

/// The tile top's ports, in the order of its header (the clock first): the host interface of
/// README.md, which the AXI top wires to its wrapper and the SDC constrains.
pub(super) fn ports(p: &TileParams, s: &RtlSizing) -> Vec<Port> {
    let port = |name, input, width| Port { name, input, width };
    let all = vec![
        port("clock", true, 1),
        port("reset", true, 1),
        port("prog_valid", true, 1),
        port("prog_ready", false, 1),
        port("prog_column", true, 1),
        port("prog_row", true, s.row_bits),
        port("prog_col", true, s.prog_col_bits),
        port("prog_level", true, p.cell_bits()),
        port("prog_mult", true, 16),
        port("prog_shift", true, 5),
        port("prog_bias", true, 32),
        port("in_valid", true, 1),
        port("in_ready", false, 1),
        port("in_data", true, p.in_data_bits()),
        port("out_valid", false, 1),
        port("out_ready", true, 1),
        port("out_data", false, p.output_bits()),
        port("out_col", false, s.col_bits),
        port("out_last", false, 1),
        port("busy", false, 1),
        port("done", false, 1),
    ];
    all.into_iter()
        .filter(|q| !p.raw_output() || !COLUMN_PARAM_PORTS.contains(&q.name))
        .collect()
}

/// The host ports of the column parameters, which a raw tile (`output.raw`) has not.
pub(super) const COLUMN_PARAM_PORTS: [&str; 4] =
    ["prog_column", "prog_mult", "prog_shift", "prog_bias"];

/// A module header's port declarations, one a line: `    input  wire [3:0] name`.
pub(super) fn declarations<'a>(ports: impl IntoIterator<Item = &'a Port>) -> String {
    ports
        .into_iter()
        .map(|q| {
            let direction = if q.input { "input " } else { "output" };
            format!("    {direction} wire {}{}", bus(q.width), q.name)
        })
        .collect::<Vec<_>>()
        .join(",\n")
}

/// One block instance of the top: a comment above it (may be empty), its module (before the
/// prefix), its name, parameter overrides and port connections (as [`instance`] takes them).
struct Block {
    comment: &'static str,
    module: &'static str,
    name: &'static str,
    params: Vec<(&'static str, String)>,
    ports: Vec<String>,
}

impl Block {
    fn new(
        module: &'static str,
        name: &'static str,
        params: Vec<(&'static str, String)>,
        ports: &[&str],
    ) -> Block {
        Block {
            comment: "",
            module,
            name,
            params,
            ports: ports.iter().map(|q| q.to_string()).collect(),
        }
    }

    /// A raw tile's combiner hands its accumulators straight to the output FIFO: its credit and
    /// push nets are the output FIFO's.
    fn with_raw_output(mut self, p: &TileParams) -> Block {
        if p.raw_output() {
            for port in &mut self.ports {
                *port = port
                    .replace("acc_slot_", "out_slot_")
                    .replace("=acc_push", "=result_push");
            }
        }
        self
    }
}

/// A parameter of plain integer value.
fn int(name: &'static str, value: impl Into<u64>) -> (&'static str, String) {
    (name, value.into().to_string())
}

/// A parameter that the crossbar modules declare as a 32-bit word.
fn word(name: &'static str, value: impl Into<u64>) -> (&'static str, String) {
    (name, format!("32'd{}", value.into()))
}

/// The nets between the blocks: name and width.
fn nets(p: &TileParams, s: &RtlSizing) -> Vec<(&'static str, u32)> {
    let mut nets = vec![
        ("prog_accept", 1),
        ("buf_wr_en", 1),
        ("buf_wr_bank", 1),
        ("buf_wr_group", s.group_bits),
        ("buf_wr_offset", s.offset_bits),
        ("buf_wr_data", p.in_data_bits()),
        ("vector_loaded", 2),
        ("vector_issued", 1),
        ("issued_bank", 1),
        ("sums_released", 1),
        ("released_bank", 1),
        ("rd_bank", 1),
        ("rd_group", s.group_bits),
        ("rd_bit", s.bit_bits),
        ("row_drive", p.rows_per_read() as u32),
        ("conv_start", 1),
        ("conv_group", s.group_bits),
        ("conv_phase", s.phase_bits),
        ("conv_mvm", 32),
        ("conv_bit", s.bit_bits),
        ("tag_bank", 1),
        ("tag_phase", s.phase_bits),
        ("tag_bit", s.bit_bits),
        ("tag_negative", 1),
        ("tag_first", 1),
        ("tag_last", 1),
        ("code_valid", 1),
        ("codes", p.adc_count() as u32 * p.adc_bits()),
        ("landed", 1),
        ("landed_bank", 1),
        ("sum_rd_bank", 1),
        ("sum_rd_phase", s.phase_bits),
        ("sum_rd_lane", s.lane_bits),
        ("sum_rd_value", s.combine_width as u32 * s.part_bits),
        ("acc_value", s.acc_bits),
        ("out_slot_free", 1),
        ("out_slot_take", 1),
        ("result_push", 1),
        ("result_data", p.output_bits()),
        ("result_taken", 1),
    ];
    if !p.raw_output() {
        nets.extend([
            ("param_read", 1),
            ("param_col", s.col_bits),
            ("param_mult", 16),
            ("param_shift", 5),
            ("param_bias", 32),
            ("acc_slot_free", 1),
            ("acc_slot_take", 1),
            ("acc_push", 1),
            ("acc_valid", 1),
            ("acc_ready", 1),
            ("acc_word", s.acc_bits),
        ]);
    }
    nets
}

/// The top's own logic: the result handshake, and a raw tile's accumulator as its result.
fn glue(p: &TileParams, s: &RtlSizing) -> String {
    let mut v = "\n    assign result_taken = out_valid && out_ready;\n".to_string();
    if p.raw_output() {
        let extension = p.output_bits() - s.acc_bits;
        v += &if extension == 0 {
            "    assign result_data = acc_value;\n".to_string()
        } else {
            format!(
                "    // The accumulator itself, sign-extended to the output.\n    \
                 assign result_data = {{{{{extension}{{acc_value[{}]}}}}, acc_value}};\n",
                s.acc_bits - 1
            )
        };
    }
    v + "\n"
}

/// The crossbar macro's instance: every port of its header (one list, the macro's), connected
/// by name but for the programming enable and the noise seeds.
fn crossbar(p: &TileParams, s: &RtlSizing, emulation: Option<&Emulation>) -> Block {
    let mut params = vec![
        word("ROWS", p.rows() as u64),
        word("PHYS_COLS", p.phys_cols() as u64),
        int("ROWS_PER_READ", p.rows_per_read() as u64),
        int("ADCS", p.adc_count() as u64),
        int("ADC_BITS", p.adc_bits()),
        word("ADC_STEP", p.adc_step()),
        word("ADC_CYCLES", p.adc_cycles()),
        word("ADC_LATENCY", p.adc_latency()),
        int("CELL_BITS", p.cell_bits()),
        word("FINE_BITS", p.fine_bits()),
        word("READ_NOISE", p.read_noise()),
        word("PROGRAM_ERROR", p.program_error()),
        word("SEED", p.seed()),
        word("DRIFT", p.drift()),
        word("DRIFT_SPREAD", p.drift_spread()),
        ("IR_DROP", format!("64'd{}", p.ir_drop())),
        word("STUCK_OFF_PPM", p.stuck_off_ppm()),
        word("STUCK_ON_PPM", p.stuck_on_ppm()),
        int("ROW_BITS", s.row_bits),
        int("COL_BITS", s.prog_col_bits),
        int("GROUP_BITS", s.group_bits),
        int("PHASE_BITS", s.phase_bits),
        int("BIT_BITS", s.bit_bits),
    ];
    let ports = macro_abstract::all_ports(p, s)
        .into_iter()
        .map(|q| match q.name {
            "prog_en" if p.raw_output() => "prog_en=prog_accept".to_string(),
            "prog_en" => "prog_en=prog_accept && !prog_column".to_string(),
            "sim_mvm" => "sim_mvm=conv_mvm".to_string(),
            "sim_bit" => "sim_bit=conv_bit".to_string(),
            name => name.to_string(),
        })
        .collect();
    let (comment, module) = match emulation {
        None => (
            "    // The analog array and its ADCs: the behavioral model in simulation, the silicon macro\n    // (same ports; sim_* left open) in an ASIC flow.\n",
            "cim_crossbar_macro",
        ),
        Some(e) => {
            params.extend([
                int("CELLS_PER_READ", e.cells_per_read as u64),
                int("READ_START", e.read_start),
            ]);
            (
                "    // The analog array and its ADCs, emulated bit for bit in synthesizable logic (sim_* seed\n    // its read noise).\n",
                "cim_crossbar_emulated",
            )
        }
    };
    Block {
        comment,
        module,
        name: "crossbar",
        params,
        ports,
    }
}

/// A stream FIFO of `width`-bit words.
fn fifo(s: &RtlSizing, name: &'static str, width: u32, ports: &[&str]) -> Block {
    let params = vec![
        int("WIDTH", width),
        int("DEPTH", s.fifo_depth as u64),
        int("INDEX_BITS", s.fifo_depth.trailing_zeros()),
    ];
    Block::new("cim_stream_fifo", name, params, ports)
}

/// The block instances of the top, in the order of the datapath.
fn blocks(p: &TileParams, s: &RtlSizing, emulation: Option<&Emulation>) -> Vec<Block> {
    let (out_min, _) = p.output_range();
    vec![
        Block::new(
            "cim_tile_controller",
            "controller",
            vec![
                int("ROWS", p.rows() as u64),
                int("ROWS_PER_READ", p.rows_per_read() as u64),
                int("INPUT_BITS", p.input_bits()),
                int("TRANSFER", s.input_transfer as u64),
                int("GROUP_BITS", s.group_bits),
                int("OFFSET_BITS", s.offset_bits),
                int("FLIGHT_BITS", s.flight_bits),
                int("COLS", p.cols() as u64),
                int("COL_BITS", s.col_bits),
            ],
            CONTROLLER_PORTS,
        ),
        Block::new(
            "cim_input_buffer",
            "input_buffer",
            vec![
                int("ROWS_PER_READ", p.rows_per_read() as u64),
                int("INPUT_BITS", p.input_bits()),
                int("TRANSFER", s.input_transfer as u64),
                int("GROUP_BITS", s.group_bits),
                int("OFFSET_BITS", s.offset_bits),
                int("BIT_BITS", s.bit_bits),
            ],
            INPUT_BUFFER_PORTS,
        ),
        Block::new(
            "cim_adc_scheduler",
            "scheduler",
            vec![
                int("INPUT_BITS", p.input_bits()),
                int("INPUTS_SIGNED", p.inputs_signed()),
                int("GROUPS", p.groups() as u64),
                int("PHASES", p.phases() as u64),
                int("ADC_CYCLES", p.adc_cycles()),
                int("ADC_LATENCY", p.adc_latency()),
                int("BIT_BITS", s.bit_bits),
                int("GROUP_BITS", s.group_bits),
                int("PHASE_BITS", s.phase_bits),
                int("WAIT_BITS", s.wait_bits),
            ],
            SCHEDULER_PORTS,
        ),
        crossbar(p, s, emulation),
        Block::new(
            "cim_shift_add_lanes",
            "lanes",
            vec![
                int("ADCS", p.adc_count() as u64),
                int("PHASES", p.phases() as u64),
                int("PHYS_COLS", p.phys_cols() as u64),
                int("ADC_BITS", p.adc_bits()),
                int("ADC_CYCLES", p.adc_cycles()),
                int("PART_BITS", s.part_bits),
                int("PHASE_BITS", s.phase_bits),
                int("BIT_BITS", s.bit_bits),
                int("LANE_BITS", s.lane_bits),
                int("READ_WIDTH", s.combine_width as u64),
            ],
            LANES_PORTS,
        ),
        Block::new(
            "cim_column_params",
            "column_params",
            vec![
                int("COLS", p.cols() as u64),
                int("COL_BITS", s.col_bits),
                int("WR_COL_BITS", s.prog_col_bits),
            ],
            COLUMN_PARAMS_PORTS,
        ),
        Block::new(
            "cim_column_combiner",
            "combiner",
            vec![
                int("ADCS", p.adc_count() as u64),
                int("SLICES", p.slices() as u64),
                int("COLS", p.cols() as u64),
                int("CELL_BITS", p.cell_bits()),
                int("WIDTH", s.combine_width as u64),
                int("PART_BITS", s.part_bits),
                int("ACC_BITS", s.acc_bits),
                int("PHASE_BITS", s.phase_bits),
                int("LANE_BITS", s.lane_bits),
                int("POS_BITS", s.position_bits),
                int("COL_BITS", s.col_bits),
            ],
            COMBINER_PORTS,
        )
        .with_raw_output(p),
        fifo(s, "acc_fifo", s.acc_bits, ACC_FIFO_PORTS),
        Block::new(
            "cim_activation_unit",
            "activation",
            vec![
                int("ACC_BITS", s.acc_bits),
                int("SUM_BITS", s.sum_bits),
                int("OUT_BITS", p.output_bits()),
                int("OUT_SIGNED", out_min < 0),
                int("RELU", p.activation() == Activation::Relu),
                int("DIGIT_BITS", s.digit_bits),
                int("STEP_BITS", index_bits(16 / s.digit_bits as usize)),
                int("COLS", p.cols() as u64),
                int("COL_BITS", s.col_bits),
            ],
            ACTIVATION_PORTS,
        ),
        fifo(s, "output_buffer", p.output_bits(), OUTPUT_BUFFER_PORTS),
    ]
    .into_iter()
    .filter(|b| !p.raw_output() || !COLUMN_STAGE.contains(&b.name))
    .collect()
}

/// The blocks of the column stage, which a raw tile (`output.raw`) leaves to its chip.
const COLUMN_STAGE: [&str; 3] = ["column_params", "acc_fifo", "activation"];

/// Verilog of the top module `{prefix}cim_tile`: its ports, the nets between the blocks, its
/// own logic ([`glue`]) and the block instances of [`blocks`].
/// With `emulation`, the crossbar is the synthesizable `cim_crossbar_emulated` with that layout.
pub fn top_module(
    p: &TileParams,
    s: &RtlSizing,
    prefix: &str,
    emulation: Option<&Emulation>,
) -> String {
    let mut v = format!(
        "`timescale 1ns / 1ps\n`default_nettype none\n\
         // {prefix}cim_tile: an analog compute-in-memory tile, {rows} x {cols} ({phys} physical columns), generated\n\
         // by cimtile from its configuration (manifest.json). Host interface and timing: README.md.\n\
         module {prefix}cim_tile (\n{ports}\n);\n",
        rows = p.rows(),
        cols = p.cols(),
        phys = p.phys_cols(),
        ports = declarations(&ports(p, s)),
    );
    for (name, bits) in nets(p, s) {
        v += &format!("    wire {}{name};\n", bus(bits));
    }
    v += &glue(p, s);
    for b in blocks(p, s, emulation) {
        v += b.comment;
        v += &instance(
            &format!("{prefix}{}", b.module),
            b.name,
            &b.params,
            &b.ports,
        );
    }
    v += "endmodule\n`default_nettype wire\n";
    v
}

// Port connections of the blocks: `port` joins the net of the same name, `port=net` another.

const CONTROLLER_PORTS: &[&str] = &[
    "clock",
    "reset",
    "in_valid",
    "in_ready",
    "in_data",
    "prog_valid",
    "prog_ready",
    "prog_accept",
    "buf_wr_en",
    "buf_wr_bank",
    "buf_wr_group",
    "buf_wr_offset",
    "buf_wr_data",
    "vector_loaded",
    "vector_issued",
    "issued_bank",
    "result_taken",
    "out_col",
    "out_last",
    "busy",
    "done",
];

const INPUT_BUFFER_PORTS: &[&str] = &[
    "clock",
    "wr_en=buf_wr_en",
    "wr_bank=buf_wr_bank",
    "wr_group=buf_wr_group",
    "wr_offset=buf_wr_offset",
    "wr_data=buf_wr_data",
    "rd_bank",
    "rd_group",
    "rd_bit",
    "row_drive",
];

const SCHEDULER_PORTS: &[&str] = &[
    "clock",
    "reset",
    "vector_loaded",
    "vector_issued",
    "issued_bank",
    "sums_released",
    "released_bank",
    "rd_bank",
    "rd_group",
    "rd_bit",
    "conv_start",
    "conv_group",
    "conv_phase",
    "conv_mvm",
    "conv_bit",
    "tag_bank",
    "tag_phase",
    "tag_bit",
    "tag_negative",
    "tag_first",
    "tag_last",
];

const LANES_PORTS: &[&str] = &[
    "clock",
    "reset",
    "code_valid",
    "codes",
    "tag_bank",
    "tag_phase",
    "tag_bit",
    "tag_negative",
    "tag_first",
    "tag_last",
    "landed",
    "landed_bank",
    "rd_bank=sum_rd_bank",
    "rd_phase=sum_rd_phase",
    "rd_lane=sum_rd_lane",
    "rd_value=sum_rd_value",
];

const COLUMN_PARAMS_PORTS: &[&str] = &[
    "clock",
    "reset",
    "wr_en=prog_accept && prog_column",
    "wr_col=prog_col",
    "wr_mult=prog_mult",
    "wr_shift=prog_shift",
    "wr_bias=prog_bias",
    "rd_en=param_read",
    "rd_col=param_col",
    "rd_mult=param_mult",
    "rd_shift=param_shift",
    "rd_bias=param_bias",
];

const COMBINER_PORTS: &[&str] = &[
    "clock",
    "reset",
    "landed",
    "landed_bank",
    "sums_released",
    "released_bank",
    "rd_bank=sum_rd_bank",
    "rd_phase=sum_rd_phase",
    "rd_lane=sum_rd_lane",
    "rd_value=sum_rd_value",
    "slot_free=acc_slot_free",
    "slot_take=acc_slot_take",
    "acc_valid=acc_push",
    "acc_value",
];

const ACC_FIFO_PORTS: &[&str] = &[
    "clock",
    "reset",
    "slot_free=acc_slot_free",
    "slot_take=acc_slot_take",
    "push=acc_push",
    "push_data=acc_value",
    "out_valid=acc_valid",
    "out_ready=acc_ready",
    "out_data=acc_word",
];

const ACTIVATION_PORTS: &[&str] = &[
    "clock",
    "reset",
    "in_valid=acc_valid",
    "in_ready=acc_ready",
    "in_acc=acc_word",
    "param_read",
    "param_col",
    "param_mult",
    "param_shift",
    "param_bias",
    "slot_free=out_slot_free",
    "slot_take=out_slot_take",
    "out_push=result_push",
    "out_data=result_data",
];

const OUTPUT_BUFFER_PORTS: &[&str] = &[
    "clock",
    "reset",
    "slot_free=out_slot_free",
    "slot_take=out_slot_take",
    "push=result_push",
    "push_data=result_data",
    "out_valid",
    "out_ready",
    "out_data",
];

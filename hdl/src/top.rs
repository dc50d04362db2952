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

use super::sizing::RtlSizing;
use super::Emulation;
use cimtile_tile::config::{Activation, TileParams};

/// A module instance with parameter overrides and named port connections: `"port"` connects
/// the signal of the same name, `"port=expression"` anything else.
pub(super) fn instance(
    module: &str,
    name: &str,
    params: &[(&str, String)],
    ports: &[&str],
) -> String {
    let params = params
        .iter()
        .map(|(k, v)| format!("        .{k}({v})"))
        .collect::<Vec<_>>()
        .join(",\n");
    let ports = ports
        .iter()
        .map(|p| {
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

pub(super) fn bus(bits: u32) -> String {
    if bits == 1 {
        String::new()
    } else {
        format!("[{}:0] ", bits - 1)
    }
}

/// Verilog of the top module `{prefix}cim_tile`.
/// With `emulation`, the crossbar is the synthesizable `cim_crossbar_emulated` with that layout.
pub fn top_module(
    p: &TileParams,
    s: &RtlSizing,
    prefix: &str,
    emulation: Option<&Emulation>,
) -> String {
    let int = |v: u64| v.to_string();
    let flag = |v: bool| int(v as u64);
    // The macro's numeric parameters are 32-bit words.
    let word = |v: u64| format!("32'd{v}");
    let ab = p.adc_bits();
    let acc_word = s.acc_bits + s.col_bits;
    let index_bits = s.fifo_depth.trailing_zeros();
    let mut v = String::new();
    v += &format!(
        r#"`timescale 1ns / 1ps
`default_nettype none
// {prefix}cim_tile: an analog compute-in-memory tile, {rows} x {cols} ({phys} physical columns), generated
// by cimtile from its configuration (manifest.json). Host interface and timing: README.md.
module {prefix}cim_tile (
    input  wire clock,
    input  wire reset,
    input  wire prog_valid,
    output wire prog_ready,
    input  wire prog_column,
    input  wire {row}prog_row,
    input  wire {pcol}prog_col,
    input  wire {level}prog_level,
    input  wire [15:0] prog_mult,
    input  wire [4:0] prog_shift,
    input  wire [31:0] prog_bias,
    input  wire in_valid,
    output wire in_ready,
    input  wire {inb}in_data,
    output wire out_valid,
    input  wire out_ready,
    output wire {outb}out_data,
    output wire {colb}out_col,
    output wire out_last,
    output wire busy,
    output wire done
);
"#,
        rows = p.rows(),
        cols = p.cols(),
        phys = p.phys_cols(),
        row = bus(s.row_bits),
        pcol = bus(s.prog_col_bits),
        level = bus(p.cell_bits()),
        inb = bus(p.input_bits()),
        outb = bus(p.output_bits()),
        colb = bus(s.col_bits),
    );
    let wires: &[(&str, u32)] = &[
        ("prog_accept", 1),
        ("buf_wr_en", 1),
        ("buf_wr_bank", 1),
        ("buf_wr_group", s.group_bits),
        ("buf_wr_offset", s.offset_bits),
        ("buf_wr_data", p.input_bits()),
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
        ("codes", p.adc_count() as u32 * ab),
        ("landed", 1),
        ("landed_bank", 1),
        ("sum_rd_bank", 1),
        ("sum_rd_phase", s.phase_bits),
        ("sum_rd_lane", s.lane_bits),
        ("sum_rd_value", s.part_bits),
        ("param_read", 1),
        ("param_col", s.col_bits),
        ("param_mult", 16),
        ("param_shift", 5),
        ("param_bias", 32),
        ("acc_slot_free", 1),
        ("acc_slot_take", 1),
        ("acc_push", 1),
        ("acc_value", s.acc_bits),
        ("acc_col", s.col_bits),
        ("acc_valid", 1),
        ("acc_ready", 1),
        ("acc_word", acc_word),
        ("out_slot_free", 1),
        ("out_slot_take", 1),
        ("result_push", 1),
        ("result_data", p.output_bits()),
        ("result_taken", 1),
    ];
    for (name, bits) in wires {
        v += &format!("    wire {}{name};\n", bus(*bits));
    }
    v += "\n    assign result_taken = out_valid && out_ready;\n";
    v += &format!(
        "    // Accumulator FIFO word: {{acc, column}}.\n    wire {}acc_push_word = {{acc_value, acc_col}};\n",
        bus(acc_word)
    );
    v += &format!(
        "    wire {}acc_head_value;\n    wire {}acc_head_col;\n",
        bus(s.acc_bits),
        bus(s.col_bits)
    );
    v += "    assign {acc_head_value, acc_head_col} = acc_word;\n\n";

    let pre = |m: &str| format!("{prefix}{m}");
    v += &instance(
        &pre("cim_tile_controller"),
        "controller",
        &[
            ("ROWS", int(p.rows() as u64)),
            ("ROWS_PER_READ", int(p.rows_per_read() as u64)),
            ("INPUT_BITS", int(p.input_bits() as u64)),
            ("GROUP_BITS", int(s.group_bits as u64)),
            ("OFFSET_BITS", int(s.offset_bits as u64)),
            ("FLIGHT_BITS", int(s.flight_bits as u64)),
            ("COLS", int(p.cols() as u64)),
            ("COL_BITS", int(s.col_bits as u64)),
        ],
        &[
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
        ],
    );
    v += &instance(
        &pre("cim_input_buffer"),
        "input_buffer",
        &[
            ("ROWS_PER_READ", int(p.rows_per_read() as u64)),
            ("INPUT_BITS", int(p.input_bits() as u64)),
            ("GROUP_BITS", int(s.group_bits as u64)),
            ("OFFSET_BITS", int(s.offset_bits as u64)),
            ("BIT_BITS", int(s.bit_bits as u64)),
        ],
        &[
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
        ],
    );
    v += &instance(
        &pre("cim_adc_scheduler"),
        "scheduler",
        &[
            ("INPUT_BITS", int(p.input_bits() as u64)),
            ("INPUTS_SIGNED", flag(p.inputs_signed())),
            ("GROUPS", int(p.groups() as u64)),
            ("PHASES", int(p.phases() as u64)),
            ("ADC_CYCLES", int(p.adc_cycles() as u64)),
            ("ADC_LATENCY", int(p.adc_latency() as u64)),
            ("BIT_BITS", int(s.bit_bits as u64)),
            ("GROUP_BITS", int(s.group_bits as u64)),
            ("PHASE_BITS", int(s.phase_bits as u64)),
            ("WAIT_BITS", int(s.wait_bits as u64)),
        ],
        &[
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
        ],
    );
    let (crossbar, layout) = match emulation {
        None => {
            v += "    // The analog array and its ADCs: the behavioral model in simulation, the silicon macro\n    // (same ports; sim_* left open) in an ASIC flow.\n";
            ("cim_crossbar_macro", vec![])
        }
        Some(e) => {
            v += "    // The analog array and its ADCs, emulated bit for bit in synthesizable logic (sim_* seed\n    // its read noise).\n";
            let layout = vec![
                ("CELLS_PER_READ", int(e.cells_per_read as u64)),
                ("READ_START", int(e.read_start)),
            ];
            ("cim_crossbar_emulated", layout)
        }
    };
    let mut macro_params = vec![
        ("ROWS", word(p.rows() as u64)),
        ("PHYS_COLS", word(p.phys_cols() as u64)),
        ("ROWS_PER_READ", int(p.rows_per_read() as u64)),
        ("ADCS", int(p.adc_count() as u64)),
        ("ADC_BITS", int(ab as u64)),
        ("ADC_STEP", word(p.adc_step() as u64)),
        ("ADC_CYCLES", word(p.adc_cycles() as u64)),
        ("ADC_LATENCY", word(p.adc_latency() as u64)),
        ("CELL_BITS", int(p.cell_bits() as u64)),
        ("FINE_BITS", word(p.fine_bits() as u64)),
        ("READ_NOISE", word(p.read_noise() as u64)),
        ("PROGRAM_ERROR", word(p.program_error() as u64)),
        ("SEED", word(p.seed() as u64)),
        ("DRIFT", word(p.drift() as u64)),
        ("DRIFT_SPREAD", word(p.drift_spread() as u64)),
        ("IR_DROP", format!("64'd{}", p.ir_drop())),
        ("STUCK_OFF_PPM", word(p.stuck_off_ppm() as u64)),
        ("STUCK_ON_PPM", word(p.stuck_on_ppm() as u64)),
        ("ROW_BITS", int(s.row_bits as u64)),
        ("COL_BITS", int(s.prog_col_bits as u64)),
        ("GROUP_BITS", int(s.group_bits as u64)),
        ("PHASE_BITS", int(s.phase_bits as u64)),
        ("BIT_BITS", int(s.bit_bits as u64)),
    ];
    macro_params.extend(layout);
    v += &instance(
        &pre(crossbar),
        "crossbar",
        &macro_params,
        &[
            "clock",
            "reset",
            "prog_en=prog_accept && !prog_column",
            "prog_row",
            "prog_col",
            "prog_level",
            "conv_start",
            "row_drive",
            "conv_group",
            "conv_phase",
            "sim_mvm=conv_mvm",
            "sim_bit=conv_bit",
            "code_valid",
            "codes",
        ],
    );
    v += &instance(
        &pre("cim_shift_add_lanes"),
        "lanes",
        &[
            ("ADCS", int(p.adc_count() as u64)),
            ("PHASES", int(p.phases() as u64)),
            ("PHYS_COLS", int(p.phys_cols() as u64)),
            ("ADC_BITS", int(ab as u64)),
            ("ADC_CYCLES", int(p.adc_cycles() as u64)),
            ("PART_BITS", int(s.part_bits as u64)),
            ("PHASE_BITS", int(s.phase_bits as u64)),
            ("BIT_BITS", int(s.bit_bits as u64)),
            ("LANE_BITS", int(s.lane_bits as u64)),
        ],
        &[
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
        ],
    );
    v += &instance(
        &pre("cim_column_params"),
        "column_params",
        &[
            ("COLS", int(p.cols() as u64)),
            ("COL_BITS", int(s.col_bits as u64)),
            ("WR_COL_BITS", int(s.prog_col_bits as u64)),
        ],
        &[
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
        ],
    );
    v += &instance(
        &pre("cim_column_combiner"),
        "combiner",
        &[
            ("ADCS", int(p.adc_count() as u64)),
            ("SLICES", int(p.slices() as u64)),
            ("COLS", int(p.cols() as u64)),
            ("CELL_BITS", int(p.cell_bits() as u64)),
            ("PART_BITS", int(s.part_bits as u64)),
            ("ACC_BITS", int(s.acc_bits as u64)),
            ("PHASE_BITS", int(s.phase_bits as u64)),
            ("LANE_BITS", int(s.lane_bits as u64)),
            ("SLICE_BITS", int(s.slice_bits as u64)),
            ("COL_BITS", int(s.col_bits as u64)),
        ],
        &[
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
            "acc_col",
        ],
    );
    let fifo = |name: &str, width: u32, ports: &[&str]| {
        instance(
            &pre("cim_stream_fifo"),
            name,
            &[
                ("WIDTH", int(width as u64)),
                ("DEPTH", int(s.fifo_depth as u64)),
                ("INDEX_BITS", int(index_bits as u64)),
            ],
            ports,
        )
    };
    v += &fifo(
        "acc_fifo",
        acc_word,
        &[
            "clock",
            "reset",
            "slot_free=acc_slot_free",
            "slot_take=acc_slot_take",
            "push=acc_push",
            "push_data=acc_push_word",
            "out_valid=acc_valid",
            "out_ready=acc_ready",
            "out_data=acc_word",
        ],
    );
    let (out_min, _) = p.output_range();
    v += &instance(
        &pre("cim_activation_unit"),
        "activation",
        &[
            ("ACC_BITS", int(s.acc_bits as u64)),
            ("SUM_BITS", int(s.sum_bits as u64)),
            ("OUT_BITS", int(p.output_bits() as u64)),
            ("OUT_SIGNED", flag(out_min < 0)),
            ("RELU", flag(p.activation() == Activation::Relu)),
            ("DIGIT_BITS", int(s.digit_bits as u64)),
            (
                "STEP_BITS",
                int(super::sizing::index_bits(16 / s.digit_bits as usize) as u64),
            ),
            ("COL_BITS", int(s.col_bits as u64)),
        ],
        &[
            "clock",
            "reset",
            "in_valid=acc_valid",
            "in_ready=acc_ready",
            "in_acc=acc_head_value",
            "in_col=acc_head_col",
            "param_read",
            "param_col",
            "param_mult",
            "param_shift",
            "param_bias",
            "slot_free=out_slot_free",
            "slot_take=out_slot_take",
            "out_push=result_push",
            "out_data=result_data",
        ],
    );
    v += &fifo(
        "output_buffer",
        p.output_bits(),
        &[
            "clock",
            "reset",
            "slot_free=out_slot_free",
            "slot_take=out_slot_take",
            "push=result_push",
            "push_data=result_data",
            "out_valid",
            "out_ready",
            "out_data",
        ],
    );
    v += "endmodule\n`default_nettype wire\n";
    v
}

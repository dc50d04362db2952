//! The project qflow works in (`DIR/qflow/`): the periphery's Verilog in `source/`, the macro's
//! abstracts in `source/<macro>/` (qflow's hard_macros), the Yosys script and its helpers in
//! `synthesis/`; the macro's LEF and Liberty and the SDC also beside the results.

use super::{Files, TECH_DIR};
use anyhow::{Context, Result};
use cimtile_hdl::{macro_abstract, FileRole, GeneratedRtl};
use cimtile_tile::config::CellLibrary;
use cimtile_tile::TileParams;
use std::path::{Path, PathBuf};

/// The cells abc assumes drive the inputs and load every output, for its timing (pF).
const DRIVING_CELL: &str = "INVX1";
const OUTPUT_LOAD_PF: f64 = 0.02;
/// The cell that delays the macro's data inputs past its hold time (about 0.1 ns).
const HOLD_BUFFER: &str = "BUFX2";
/// The cell that gives the macro's clock pin a net of its own.
const CLOCK_BUFFER: &str = "CLKBUF1";

/// The project as written: its directories and the macro's outline area (um^2, from its LEF).
pub(super) struct Project {
    pub qflow: PathBuf,
    pub synthesis: PathBuf,
    pub layout: PathBuf,
    pub macro_area_um2: f64,
}

/// Writes the project of the tile `p` (generated as `generated`) into `out/qflow/`, at a clock
/// of `period_ns`.
pub(super) fn write(
    p: &TileParams,
    generated: &GeneratedRtl,
    files: &Files,
    out: &Path,
    period_ns: f64,
) -> Result<Project> {
    let ports = macro_abstract::ports(p, &generated.sizing);
    let macro_area_mm2 = cimtile_tile::ppa::macro_area_mm2(p);
    let (w, h) = macro_abstract::outline_um(macro_area_mm2, &ports);
    let qflow = out.join("qflow");
    let (source, synthesis, layout) = (
        qflow.join("source"),
        qflow.join("synthesis"),
        qflow.join("layout"),
    );
    let macro_dir = source.join(&files.macro_module);
    for dir in [&macro_dir, &synthesis, &layout] {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create '{}'", dir.display()))?;
    }
    let lef = macro_abstract::lef(&files.macro_module, &ports, macro_area_mm2);
    let lib = macro_abstract::liberty(&files.macro_module, &ports, macro_area_mm2, period_ns);
    let sdc = cimtile_hdl::sdc(p, generated, period_ns);
    let mut verilog = Vec::new();
    for f in generated.verilog_files() {
        let dir = if f.role == FileRole::Macro {
            &synthesis
        } else {
            &source
        };
        // The clock gate as the library's latch and AND (qflow's Yosys maps no latch).
        let text = crate::synthesis::asic_file_text(f, CellLibrary::Osu018);
        std::fs::write(dir.join(&f.name), text)?;
        verilog.push(if f.role == FileRole::Macro {
            format!("../synthesis/{}", f.name)
        } else {
            f.name.clone()
        });
    }
    let macro_source = generated
        .verilog_files()
        .find(|f| f.role == FileRole::Macro)
        .context("the tile has no crossbar macro")?;
    let out = out.to_path_buf();
    for (dir, name, text) in [
        (&macro_dir, format!("{}.lef", files.macro_module), &lef),
        (&macro_dir, format!("{}.lib", files.macro_module), &lib),
        (&out, format!("{}.lef", files.macro_module), &lef),
        (&out, format!("{}.lib", files.macro_module), &lib),
        (&out, files.sdc(), &sdc),
        (
            &synthesis,
            "silicon_ports.v".to_string(),
            &silicon_ports_map(&macro_source.text, &files.macro_module, &ports)?,
        ),
        (
            &synthesis,
            "abc.constr".to_string(),
            &format!("set_driving_cell {DRIVING_CELL}\nset_load {OUTPUT_LOAD_PF}\n"),
        ),
        (
            &synthesis,
            format!("{}.ys", files.top),
            &yosys_script(files, &verilog, period_ns),
        ),
        (&qflow, "project_vars.sh".to_string(), &project_vars(files)),
        (
            &layout,
            format!("{}.par", files.top),
            &graywolf_parameters()?,
        ),
    ] {
        std::fs::write(dir.join(&name), text)
            .with_context(|| format!("cannot write '{}'", dir.join(&name).display()))?;
    }
    Ok(Project {
        qflow,
        synthesis,
        layout,
        macro_area_um2: w * h,
    })
}

/// A techmap that replaces the behavioral macro's instance by one of the silicon macro, with
/// the silicon ports only: the map module takes the behavioral module's header (every
/// parameter and port, so it matches whatever the tile instantiates) and drops `sim_*`.
///
/// Every input bit reaches the macro through a buffer of its own. The data inputs through a
/// `HOLD_BUFFER`: a flip-flop's fastest clock-to-output (0.09 ns) is under the macro's hold
/// time ([`macro_abstract::HOLD_NS`], 0.1 ns), and qflow inserts no hold buffers (the default
/// tile routed at -0.008 ns hold slack without them). The clock through a `CLOCK_BUFFER`:
/// qflow's fanout pass builds the clock tree, and GrayWolf refuses a hard block's pin among the
/// interchangeable sinks of a tree's leaf (a `pin_group`).
fn silicon_ports_map(
    macro_verilog: &str,
    module: &str,
    ports: &[macro_abstract::MacroPort],
) -> Result<String> {
    let start = macro_verilog
        .find(&format!("module {module} #("))
        .context("the behavioral macro has no parameterized module header")?;
    let end = macro_verilog[start..]
        .find(");")
        .map(|i| start + i + 2)
        .context("the behavioral macro's header has no end")?;
    let header =
        macro_verilog[start..end].replacen(&format!("module {module}"), "module silicon_ports", 1);
    let mut buffers = String::new();
    for q in ports.iter().filter(|q| q.input) {
        let cell = if q.name == "clock" {
            CLOCK_BUFFER
        } else {
            HOLD_BUFFER
        };
        if q.width == 1 {
            buffers += &format!(
                "    wire {0}_buffered;\n    {cell} buffer_{0} (.A({0}), .Y({0}_buffered));\n",
                q.name
            );
        } else {
            buffers += &format!("    wire [{}:0] {}_buffered;\n", q.width - 1, q.name);
            for bit in 0..q.width {
                buffers += &format!(
                    "    {cell} buffer_{0}_{bit} (.A({0}[{bit}]), .Y({0}_buffered[{bit}]));\n",
                    q.name
                );
            }
        }
    }
    let connections: Vec<String> = ports
        .iter()
        .map(|q| {
            if q.input {
                format!(".{0}({0}_buffered)", q.name)
            } else {
                format!(".{0}({0})", q.name)
            }
        })
        .collect();
    Ok(format!(
        "// Generated by cimtile: the {module} instance without its simulation-only ports, each\n\
         // input through a buffer of its own.\n(* techmap_celltype = \"{module}\" *)\n{header}\n{buffers}    {module} _TECHMAP_REPLACE_ ({});\nendmodule\n",
        connections.join(", ")
    ))
}

/// The Yosys script qflow runs in `source/` (paths relative to it). It writes the mapped BLIF
/// qflow places and the Verilog netlist OpenSTA times, with the same instance names.
fn yosys_script(files: &Files, verilog: &[String], period_ns: f64) -> String {
    let lib = format!("{TECH_DIR}/osu018_stdcells.lib");
    let (top, m) = (&files.top, &files.macro_module);
    format!(
        "# Generated by cimtile: the periphery onto the OSU 0.18 um cells, {m} a hard macro.\n\
         # The standard cells as black boxes: the clock gates and the buffers on the macro's\n\
         # inputs are instances of them.\n\
         read_liberty -lib {lib}\n\
         read_verilog -DSYNTHESIS {sources}\n\
         hierarchy -check -top {top}\n\
         # The behavioral macro's instance becomes the silicon macro's (no sim_* ports).\n\
         techmap -max_iter 1 -map ../synthesis/silicon_ports.v\n\
         delete {m}\n\
         read_liberty -lib {m}/{m}.lib\n\
         hierarchy -check -top {top}\n\
         synth -top {top} -flatten\n\
         dfflibmap -liberty {lib}\n\
         opt\n\
         # Timing-driven mapping: with a delay target and a driving cell and load abc buffers\n\
         # high-fanout nets and sizes gates.\n\
         abc -D {period_ps:.0} -constr ../synthesis/abc.constr -liberty {lib}\n\
         setundef -zero\n\
         opt_clean -purge\n\
         iopadmap -outpad BUFX2 A:Y -bits\n\
         opt\n\
         clean\n\
         # qflow's blif2Verilog ends the module at a net named like `combiner.end_1` (it reads\n\
         # `.end`): the flattened hierarchy's names become numbers like the rest.\n\
         rename -hide w:*.*\n\
         rename -enumerate\n\
         write_blif -buf BUFX2 A Y {top}_mapped.blif\n\
         write_verilog -noattr -noexpr -nohex -nodec ../synthesis/{netlist}\n\
         stat -liberty {lib}\n",
        sources = verilog.join(" "),
        period_ps = period_ns * 1000.0,
        netlist = files.netlist(),
    )
}

/// GrayWolf's parameters, which qflow takes from `layout/<top>.par` where it is newer than the
/// technology's: the technology's, with the spacer cells named as feedthroughs. Where the macro
/// splits the rows (the small tile of `tests/l2/asic.rs`), TimberWolfSC pads the rows beside it
/// with spacer cells (`add_extra_cells`) it names `GATE_ARRAY_SPACER`, a cell no LEF has:
/// `place2def` writes them all as components of that name, and `addspacers` stops on them
/// ("can't read GATE_ARRAY_SPACER(w)"), so `qflow place` failed. Named `twfeed<n>`
/// (`spacer_name_twfeed`), `place2def` makes each a fill cell.
fn graywolf_parameters() -> Result<String> {
    let path = format!("{TECH_DIR}/osu018.par");
    let tech = std::fs::read_to_string(&path).with_context(|| format!("cannot read '{path}'"))?;
    Ok(format!(
        "{tech}\n# Added by cimtile: spacer cells as feedthroughs, which place2def makes fill.\n\
         TWSC*spacer_name_twfeed : on\n"
    ))
}

/// The share of the placement area the logic cells take (qflow's `initial_density`): the rest
/// is fill spread among them, the routing room qrouter needs on four signal layers under the
/// macro's edges (at GrayWolf's own ~80% the default tile left nets unrouted).
const PLACEMENT_DENSITY: f64 = 0.6;

/// qflow's project settings: the macro as a hard macro, our Yosys script, a clock tree, the
/// placement density, the power stripes drawn over the placement.
///
/// The stripes: qflow's `addspacers` (after GrayWolf and `place2def`) by default stretches each
/// row to make room for the technology's power stripes (`addspacers_options` in
/// `osu018.sh`: 2 um every 50 um), moving every cell right by the stripes inserted to its left
/// in its row, while the hard macro, listed after all the rows, moves by what one row's
/// bookkeeping leaves over. GrayWolf ends the rows beside the macro at its outline, give or take
/// a few um that the keep-out ring absorbs (4.0 um into it on the default tile); the stretch
/// then pushed the rows' last cells up to 13 stripes of 1.6 um further, against the macro's one:
/// 59 cells up to 16.8 um into the ring, cutting off three of its output pins, or into its body.
/// With `-nostretch` (appended to the technology's options, which `project_vars.sh` follows) the
/// stripes are drawn over the cells as placed and no cell moves after GrayWolf.
fn project_vars(files: &Files) -> String {
    format!(
        "# Generated by cimtile.\nset hard_macros = \"{m}\"\nset yosys_options = \"-s ../synthesis/{top}.ys -l ../synthesis/yosys.log\"\n\
         # blifFanout adds buffers only (-f: abc has sized the gates and buffered the logic), which\n\
         # leaves the clock as a tree of CLKBUF1 (about 140 on the default tile, 12 flip-flops a\n\
         # leaf): as one net of some 1,600 pins it defeated qrouter's rip-up and reroute.\n\
         set fanout_options = \"-f -l 100 -c 20\"\n\
         # Fill among the cells for routing room.\nset initial_density = {PLACEMENT_DENSITY}\n\
         # Power stripes over the placement as it is: stretching the rows for them moved the cells\n\
         # left of the macro into its outline (the macro moves less than they do).\n\
         set addspacers_options = \"${{addspacers_options}} -nostretch\"\n",
        m = files.macro_module,
        top = files.top,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_map_keeps_the_silicon_ports_only() {
        let p = TileParams::default();
        let g = cimtile_hdl::generate(&p);
        let m = g
            .verilog_files()
            .find(|f| f.role == cimtile_hdl::FileRole::Macro)
            .unwrap();
        let map = silicon_ports_map(
            &m.text,
            "cim_crossbar_macro",
            &macro_abstract::ports(&p, &g.sizing),
        )
        .unwrap();
        assert!(map.contains("module silicon_ports #(") && map.contains(".codes(codes)"));
        assert!(!map
            .split("_TECHMAP_REPLACE_")
            .nth(1)
            .unwrap()
            .contains("sim_"));
        // Data inputs through hold buffers, the clock through a clock buffer, outputs straight.
        assert!(
            map.contains("BUFX2 buffer_conv_start (.A(conv_start), .Y(conv_start_buffered));"),
            "{map}"
        );
        assert!(
            map.contains("BUFX2 buffer_prog_row_0 (.A(prog_row[0]), .Y(prog_row_buffered[0]));"),
            "{map}"
        );
        assert!(
            map.contains("CLKBUF1 buffer_clock (.A(clock), .Y(clock_buffered));"),
            "{map}"
        );
        assert!(
            map.contains(".conv_start(conv_start_buffered)")
                && map.contains(".clock(clock_buffered)")
                && map.contains(".codes(codes)"),
            "{map}"
        );
    }
}

//! The crossbar macro's abstracts for an ASIC flow: a LEF (outline and pins, what a placer and
//! router see) and a Liberty timing model (what a timer sees), written from the configuration.
//! They are the budget the silicon macro must meet, and what an integrator replaces with the
//! vendor's files.
//!
//! - **Outline**: the PPA model's area of the cell array and ADCs
//!   ([`ppa::macro_area_mm2`](cimtile_tile::ppa::macro_area_mm2)), a square snapped to the OSU 0.18 um
//!   placement grid (0.8 um sites, 10 um rows), made taller if the pins need it, inside a
//!   [`HALO_UM`] keep-out ring: GrayWolf ends its cell rows beside a block within a few um of
//!   its edge, on either side, and the ring keeps them clear of the pins and of the body, where a
//!   cell under the block's obstructions has pins no router can reach.
//! - **Pins**: the silicon ports only (the behavioral model's `sim_*` ports are simulation
//!   only), inputs on the left edge and outputs on the right, on metal3 tracks two pitches
//!   apart; metal1 to metal4 are obstructed over the rest of the body, and metal2 under each
//!   pin (routes reach the pins on metal3).
//! - **Timing**: every port is synchronous to the rising clock edge. Inputs need
//!   [`SETUP_FRACTION`] of the period before the edge and [`HOLD_NS`] after it; outputs change
//!   [`CLOCK_TO_OUT_FRACTION`] of the period after it. When the codes land (cycles after
//!   `conv_start`) is the contract's business, not the timer's: each arc is one cycle.

use super::RtlSizing;
use cimtile_tile::config::TileParams;
use std::fmt::Write;

/// Share of the clock period an input must be stable before the rising edge.
pub const SETUP_FRACTION: f64 = 0.2;
/// How long an input must stay stable after the rising edge, ns.
pub const HOLD_NS: f64 = 0.1;
/// Share of the clock period after the rising edge at which an output changes.
pub const CLOCK_TO_OUT_FRACTION: f64 = 0.2;
/// Capacitance of each input pin, pF (a few standard-cell inputs).
const INPUT_PF: f64 = 0.01;
/// Output transition the macro guarantees, ns, and the load it drives at most, pF.
const OUTPUT_TRANSITION_NS: f64 = 0.2;
const OUTPUT_MAX_PF: f64 = 0.5;
/// The OSU 0.18 um placement site (um) and metal3 track pitch and offset (um).
const SITE_WIDTH: f64 = 0.8;
const ROW_HEIGHT: f64 = 10.0;
const TRACK_PITCH: f64 = 1.0;
const TRACK_OFFSET: f64 = 0.5;
/// Pins sit every `PIN_TRACKS` tracks, from `PIN_MARGIN` tracks above the bottom edge.
const PIN_TRACKS: usize = 2;
const PIN_MARGIN: usize = 2;
/// The keep-out ring around the macro's body in its LEF outline, um (two rows, 25 sites): room
/// for GrayWolf's rows to overrun the outline (4 um on the default tile) and still leave the
/// routes a channel to the pins along their metal3 tracks.
pub const HALO_UM: f64 = 20.0;
/// A pin is a metal3 stub this long (um) into the body, from the outline's edge, as wide as a wire.
const PIN_DEPTH: f64 = 0.6;
const WIRE_WIDTH: f64 = 0.3;

/// One port of the macro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroPort {
    /// The port's name in `cim_crossbar_macro.v`.
    pub name: &'static str,
    /// Input (else output).
    pub input: bool,
    /// Bits; a vector when more than one (even a 1-bit parameterized port is a scalar here).
    pub width: u32,
    /// A port of the silicon macro, else of the behavioral model only (`sim_*`, the noise seeds).
    pub silicon: bool,
}

/// Every port of the crossbar macro, in the order of its Verilog header (the clock first): the
/// behavioral and the emulated crossbar declare these, and the top connects them.
pub fn all_ports(p: &TileParams, s: &RtlSizing) -> Vec<MacroPort> {
    let port = |name, input, width| MacroPort {
        name,
        input,
        width,
        silicon: true,
    };
    let simulation = |name, width| MacroPort {
        silicon: false,
        ..port(name, true, width)
    };
    vec![
        port("clock", true, 1),
        port("reset", true, 1),
        port("prog_en", true, 1),
        port("prog_row", true, s.row_bits),
        port("prog_col", true, s.prog_col_bits),
        port("prog_level", true, p.cell_bits()),
        port("conv_start", true, 1),
        port("row_drive", true, p.rows_per_read() as u32),
        port("conv_group", true, s.group_bits),
        port("conv_phase", true, s.phase_bits),
        simulation("sim_mvm", 32),
        simulation("sim_bit", s.bit_bits),
        port("code_valid", false, 1),
        port("codes", false, p.adc_count() as u32 * p.adc_bits()),
    ]
}

/// The macro's silicon ports (what its LEF and Liberty files hold), in header order.
pub fn ports(p: &TileParams, s: &RtlSizing) -> Vec<MacroPort> {
    all_ports(p, s).into_iter().filter(|q| q.silicon).collect()
}

/// Every pin (one per bit: `codes[3]`) of `ports`, inputs then outputs as given.
fn pins(ports: &[MacroPort]) -> Vec<(String, bool)> {
    ports
        .iter()
        .flat_map(|q| {
            (0..q.width).map(move |bit| {
                (
                    if q.width == 1 {
                        q.name.to_string()
                    } else {
                        format!("{}[{bit}]", q.name)
                    },
                    q.input,
                )
            })
        })
        .collect()
}

/// Width and height of the macro's body, um: a square of `area_mm2` on the placement grid, at
/// least tall enough for the larger column of pins (the LEF outline adds [`HALO_UM`] around it).
pub fn outline_um(area_mm2: f64, ports: &[MacroPort]) -> (f64, f64) {
    let side = (area_mm2 * 1e6).sqrt();
    let pins = pins(ports);
    let inputs = pins.iter().filter(|p| p.1).count();
    let column = inputs.max(pins.len() - inputs);
    let pin_height = ((column - 1) * PIN_TRACKS + 2 * PIN_MARGIN + 1) as f64 * TRACK_PITCH;
    let snap = |x: f64, grid: f64| (x / grid).ceil() * grid;
    let height = snap(side.max(pin_height), ROW_HEIGHT);
    // The area is kept as the height grows.
    (
        snap((area_mm2 * 1e6 / height).max(4.0 * SITE_WIDTH), SITE_WIDTH),
        height,
    )
}

/// The LEF of macro `module` with `ports`, sized for `area_mm2`.
pub fn lef(module: &str, ports: &[MacroPort], area_mm2: f64) -> String {
    let (body_w, body_h) = outline_um(area_mm2, ports);
    let (w, h) = (body_w + 2.0 * HALO_UM, body_h + 2.0 * HALO_UM);
    let mut out = format!(
        "# Abstract of the analog crossbar macro {module} (generated by cimtile {version}): the body is\n\
         # the PPA model's area of its cell array and ADCs ({area:.0} um^2, {body_w:.1} x {body_h:.1} um) in a\n\
         # {HALO_UM} um keep-out ring; pins are its silicon ports.\n\
         # Replace it with the vendor's LEF of the real macro.\n\
         VERSION 5.4 ;\nNAMESCASESENSITIVE ON ;\nBUSBITCHARS \"[]\" ;\nDIVIDERCHAR \"/\" ;\n\
         UNITS\n  DATABASE MICRONS 1000 ;\nEND UNITS\n\n\
         MACRO {module}\n  CLASS BLOCK ;\n  FOREIGN {module} 0.000 0.000 ;\n  ORIGIN 0.000 0.000 ;\n  SIZE {w:.3} BY {h:.3} ;\n  SYMMETRY X Y ;\n",
        version = env!("CARGO_PKG_VERSION"),
        area = area_mm2 * 1e6,
    );
    let (mut left, mut right) = (0, 0);
    let mut stubs = Vec::new();
    for (name, input) in pins(ports) {
        let slot = if input { &mut left } else { &mut right };
        let y = HALO_UM + TRACK_OFFSET + ((PIN_MARGIN + *slot * PIN_TRACKS) as f64) * TRACK_PITCH;
        *slot += 1;
        let stub = HALO_UM + PIN_DEPTH;
        let (x0, x1) = if input { (0.0, stub) } else { (w - stub, w) };
        let use_ = if name == "clock" { "CLOCK" } else { "SIGNAL" };
        let _ = write!(
            out,
            "  PIN {name}\n    DIRECTION {dir} ;\n    USE {use_} ;\n    PORT\n      LAYER metal3 ;\n        RECT {x0:.3} {y0:.3} {x1:.3} {y1:.3} ;\n    END\n  END {name}\n",
            dir = if input { "INPUT" } else { "OUTPUT" },
            y0 = y - WIRE_WIDTH / 2.0,
            y1 = y + WIRE_WIDTH / 2.0,
        );
        stubs.push((x0, y - WIRE_WIDTH / 2.0, x1, y + WIRE_WIDTH / 2.0));
    }
    // Metal1 to metal4 of the body are the macro's own; metal3 keeps a pin-deep channel free
    // at each edge so the router reaches the pins along their tracks.
    out += "  OBS\n";
    let (x0, y0, x1, y1) = (HALO_UM, HALO_UM, HALO_UM + body_w, HALO_UM + body_h);
    for layer in ["metal1", "metal2", "metal4"] {
        let _ = writeln!(
            out,
            "    LAYER {layer} ;\n      RECT {x0:.3} {y0:.3} {x1:.3} {y1:.3} ;"
        );
    }
    let _ = writeln!(
        out,
        "    LAYER metal3 ;\n      RECT {:.3} {y0:.3} {:.3} {y1:.3} ;",
        x0 + 2.0 * PIN_DEPTH,
        x1 - 2.0 * PIN_DEPTH
    );
    // Metal2 under each pin's stub through the ring: qrouter (1.4.71) loses the start of a
    // route that climbs onto a metal3 pin by a via from below ("Failure to find route start
    // node") and never counts the net routed, so routes must reach the pins on metal3.
    for (sx0, sy0, sx1, sy1) in stubs {
        let _ = writeln!(
            out,
            "    LAYER metal2 ;\n      RECT {sx0:.3} {sy0:.3} {sx1:.3} {sy1:.3} ;"
        );
    }
    out += &format!("  END\nEND {module}\n\nEND LIBRARY\n");
    out
}

/// The Liberty timing model of macro `module` with `ports`, area `area_mm2`, for a clock of
/// `period_ns`.
pub fn liberty(module: &str, ports: &[MacroPort], area_mm2: f64, period_ns: f64) -> String {
    let setup = SETUP_FRACTION * period_ns;
    let clock_to_out = CLOCK_TO_OUT_FRACTION * period_ns;
    let (w, h) = outline_um(area_mm2, ports);
    let scalar =
        |group: &str, value: f64| format!("{group} (scalar) {{ values (\"{value:.4}\"); }}");
    let mut types = String::new();
    let mut pins = String::new();
    for q in ports {
        let arcs = if q.name == "clock" {
            "      clock : true;\n".to_string()
        } else if q.input {
            format!(
                "      timing () {{\n        related_pin : \"clock\";\n        timing_type : setup_rising;\n        {}\n        {}\n      }}\n\
                 \x20     timing () {{\n        related_pin : \"clock\";\n        timing_type : hold_rising;\n        {}\n        {}\n      }}\n",
                scalar("rise_constraint", setup),
                scalar("fall_constraint", setup),
                scalar("rise_constraint", HOLD_NS),
                scalar("fall_constraint", HOLD_NS),
            )
        } else {
            format!(
                "      max_capacitance : {OUTPUT_MAX_PF};\n      timing () {{\n        related_pin : \"clock\";\n        timing_type : rising_edge;\n        \
                 {}\n        {}\n        {}\n        {}\n      }}\n",
                scalar("cell_rise", clock_to_out),
                scalar("cell_fall", clock_to_out),
                scalar("rise_transition", OUTPUT_TRANSITION_NS),
                scalar("fall_transition", OUTPUT_TRANSITION_NS),
            )
        };
        let direction = if q.input { "input" } else { "output" };
        let capacitance = if q.input {
            format!("      capacitance : {INPUT_PF};\n")
        } else {
            String::new()
        };
        let body = format!("      direction : {direction};\n{capacitance}{arcs}");
        if q.width == 1 {
            let _ = writeln!(pins, "    pin ({}) {{\n{body}    }}", q.name);
        } else {
            let bus_type = format!("{}_bus", q.name);
            let _ = writeln!(
                types,
                "  type ({bus_type}) {{\n    base_type : array;\n    data_type : bit;\n    bit_width : {w};\n    bit_from : {msb};\n    bit_to : 0;\n    downto : true;\n  }}",
                w = q.width,
                msb = q.width - 1,
            );
            let _ = writeln!(
                pins,
                "    bus ({}) {{\n      bus_type : {bus_type};\n{body}    }}",
                q.name
            );
        }
    }
    format!(
        "/* Timing model of the analog crossbar macro {module} (generated by cimtile {version}): the budget the\n   \
         silicon macro must meet at a {period_ns:.3} ns clock. Inputs: setup {setup:.3} ns, hold {HOLD_NS:.3} ns to the rising\n   \
         clock edge; outputs: {clock_to_out:.3} ns after it. Area: the PPA model's cell array and ADCs, drawn {w:.1} x {h:.1} um.\n   \
         Replace it with the vendor's Liberty file of the real macro. */\n\
         library ({module}) {{\n  delay_model : table_lookup;\n  time_unit : \"1ns\";\n  voltage_unit : \"1V\";\n  current_unit : \"1uA\";\n  \
         pulling_resistance_unit : \"1kohm\";\n  leakage_power_unit : \"1nW\";\n  capacitive_load_unit (1,pf);\n  \
         slew_upper_threshold_pct_rise : 80;\n  slew_lower_threshold_pct_rise : 20;\n  slew_upper_threshold_pct_fall : 80;\n  slew_lower_threshold_pct_fall : 20;\n  \
         input_threshold_pct_rise : 50;\n  input_threshold_pct_fall : 50;\n  output_threshold_pct_rise : 50;\n  output_threshold_pct_fall : 50;\n  \
         nom_process : 1;\n  nom_voltage : 1.8;\n  nom_temperature : 25;\n{types}  cell ({module}) {{\n    area : {area:.1};\n    dont_touch : true;\n    dont_use : true;\n{pins}  }}\n}}\n",
        version = env!("CARGO_PKG_VERSION"),
        area = w * h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cimtile_tile::config::TileParams;

    fn default_ports() -> (TileParams, Vec<MacroPort>) {
        let p = TileParams::default();
        let ports = ports(&p, &RtlSizing::new(&p));
        (p, ports)
    }

    #[test]
    fn outline_is_on_the_grid_and_holds_the_area_and_pins() {
        let (_, ports) = default_ports();
        for area in [1e-6, 0.01, 0.4] {
            let (w, h) = outline_um(area, &ports);
            assert!(
                (w / SITE_WIDTH - (w / SITE_WIDTH).round()).abs() < 1e-9
                    && (h / ROW_HEIGHT).fract() == 0.0,
                "{w} x {h}"
            );
            assert!(w * h >= area * 1e6 * 0.999, "{w} x {h} < {area} mm^2");
            assert!(
                h >= (pins(&ports).len() as f64),
                "{h} um too short for the pins"
            );
        }
    }

    #[test]
    fn lef_and_liberty_name_every_silicon_pin_and_no_simulation_port() {
        let (p, ports) = default_ports();
        let lef = lef("cim_crossbar_macro", &ports, 0.04);
        let lib = liberty("cim_crossbar_macro", &ports, 0.04, 8.0);
        for (pin, _) in pins(&ports) {
            assert!(lef.contains(&format!("  PIN {pin}\n")), "LEF lacks {pin}");
        }
        for q in &ports {
            let group = if q.width == 1 { "pin" } else { "bus" };
            assert!(
                lib.contains(&format!("{group} ({})", q.name)),
                "Liberty lacks {}",
                q.name
            );
        }
        assert!(lib.contains(&format!(
            "bit_width : {};",
            p.adc_count() as u32 * p.adc_bits()
        )));
        let all = all_ports(&p, &RtlSizing::new(&p));
        for sim in all.iter().filter(|q| !q.silicon) {
            assert!(
                !lef.contains(sim.name) && !lib.contains(sim.name),
                "{} is simulation only",
                sim.name
            );
        }
        assert!(lib.contains("values (\"1.6000\")") && lib.contains("timing_type : rising_edge;"));
    }

    /// The behavioral and the emulated crossbar declare the ports of [`all_ports`], in order,
    /// so the one list is the one the top connects.
    #[test]
    fn both_crossbars_declare_every_port_in_order() {
        let (p, _) = default_ports();
        let expected: Vec<(bool, &str)> = all_ports(&p, &RtlSizing::new(&p))
            .iter()
            .map(|q| (q.input, q.name))
            .collect();
        for source in [
            include_str!("../verilog/cim_crossbar_macro.v"),
            include_str!("../verilog/cim_crossbar_emulated.v"),
        ] {
            let header = source
                .split(") (\n")
                .nth(1)
                .unwrap()
                .split(");")
                .next()
                .unwrap();
            let declared: Vec<(bool, &str)> = header
                .lines()
                .filter_map(|line| {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    let name = words.last()?.trim_end_matches(',');
                    Some((*words.first()? == "input", name))
                })
                .collect();
            assert_eq!(declared, expected);
        }
    }
}

//! What the flow reads back from the tools: OpenSTA's slacks, qrouter's failed routes, the
//! DEF's area and wire length, the placed netlist's cells, and that netlist made Verilog.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;

/// The worst slacks OpenSTA found, ns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Slack {
    /// The worst setup slack of all paths.
    pub setup: f64,
    /// The worst setup slack of the paths that have a full period (into flip-flops and the
    /// macro, to outputs), None where there are none.
    pub full_cycle: Option<f64>,
    /// The worst setup slack of the paths that have half a period (into and out of the clock
    /// gates' latches), None where there are none.
    pub half_cycle: Option<f64>,
    pub hold: f64,
}

/// The slack lines the OpenSTA script prints (`worst setup slack`, `worst setup slack full
/// cycle`, `worst setup slack half cycle`, `worst hold slack`); a class of paths the design
/// lacks is `none`.
pub(super) fn worst_slacks(text: &str) -> Option<Slack> {
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix(' '))
            .map(str::trim)
    };
    let number = |key: &str| value(key)?.parse::<f64>().ok();
    let class = |key: &str| match value(key)? {
        "none" => Some(None),
        v => v.parse::<f64>().ok().map(Some),
    };
    Some(Slack {
        setup: number("worst setup slack")?,
        full_cycle: class("worst setup slack full cycle")?,
        half_cycle: class("worst setup slack half cycle")?,
        hold: number("worst hold slack")?,
    })
}

impl Slack {
    /// The clock (MHz) at which the worst path just meets its setup, from the slacks at a period
    /// of `period_ns`, the path delays (and the I/O and macro budgets of the SDC and Liberty)
    /// held. A full-cycle path with slack s at period T arrives at T - s, so it meets at any
    /// period above T - s. A path through a clock gate's latch has half the period: into the
    /// latch it is required at the latch's opening, T / 2 (the report's `clock clock' (rise
    /// edge)`, no time borrowed), so with slack s it arrives at T / 2 - s and meets at periods
    /// above T - 2 s; out of the latch it starts at that opening and is required at the next rise,
    /// which is the same. Fails where the worst slack of all is at a path of neither class.
    pub fn fmax_mhz(&self, period_ns: f64) -> Result<f64> {
        let full = self.full_cycle.map(|s| period_ns - s);
        let half = self.half_cycle.map(|s| period_ns - 2.0 * s);
        let classes = [self.full_cycle, self.half_cycle];
        let covered = classes
            .iter()
            .flatten()
            .fold(f64::INFINITY, |a, &b| a.min(b));
        // The script prints 4 decimals.
        if self.setup < covered - 1e-3 {
            bail!(
                "OpenSTA's worst setup slack {} ns is at a path neither into a register or output nor through a clock gate's latch ({covered} ns): fmax cannot be read from it",
                self.setup
            );
        }
        let period = [full, half]
            .into_iter()
            .flatten()
            .fold(f64::NEG_INFINITY, f64::max);
        Ok(1000.0 / period)
    }
}

/// The count of qrouter's failed routes from its log: its `Final:` line (`write_def` in
/// qrouter's output.c), `Final: No failed routes!` or `Final: Failed net routes: N`. None where
/// the log has no such line (qrouter stopped before writing the layout), which is no count of 0.
pub(super) fn failed_routes(log: &str) -> Option<u64> {
    let last = log
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Final:"))?
        .trim();
    if last.starts_with("No failed routes") {
        return Some(0);
    }
    last.strip_prefix("Failed net routes:")?.trim().parse().ok()
}

/// The DEF's database units per micron (`UNITS DISTANCE MICRONS`), 100 where it names none.
fn def_units(def: &str) -> f64 {
    def.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("UNITS DISTANCE MICRONS")?
                .trim()
                .trim_end_matches(';')
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(100.0)
}

/// The DEF's die area, um^2.
pub(super) fn die_area_um2(def: &str) -> Result<f64> {
    let units = def_units(def);
    let line = def
        .lines()
        .find(|l| l.trim_start().starts_with("DIEAREA"))
        .context("the DEF has no DIEAREA")?;
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.'))
        .filter_map(|t| t.parse().ok())
        .collect();
    match numbers[..] {
        [x0, y0, x1, y1] => Ok((x1 - x0) * (y1 - y0) / (units * units)),
        _ => bail!("cannot read the DEF's DIEAREA '{}'", line.trim()),
    }
}

/// Total length of the routed wires of the DEF's NETS, um: each `( x y )` to the next point
/// of a segment (`*` repeats a coordinate).
pub(super) fn routed_length_um(def: &str) -> f64 {
    let units = def_units(def);
    let Some(nets) = def.find("\nNETS").map(|i| &def[i..]) else {
        return 0.0;
    };
    let nets = nets.find("END NETS").map_or(nets, |e| &nets[..e]);
    let mut total = 0.0;
    // A segment starts at a ROUTED/NEW keyword; its points are the parenthesized pairs.
    for segment in nets.split(['+', '\n']).flat_map(|l| l.split("NEW")) {
        let mut last: Option<(f64, f64)> = None;
        for point in segment.split('(').skip(1) {
            let inner = point.split(')').next().unwrap_or("");
            let mut it = inner.split_whitespace();
            let (Some(xs), Some(ys)) = (it.next(), it.next()) else {
                continue;
            };
            let x = if xs == "*" {
                last.map_or(0.0, |l| l.0)
            } else {
                xs.parse().unwrap_or(0.0)
            };
            let y = if ys == "*" {
                last.map_or(0.0, |l| l.1)
            } else {
                ys.parse().unwrap_or(0.0)
            };
            if let Some((lx, ly)) = last {
                total += (x - lx).abs() + (y - ly).abs();
            }
            last = Some((x, y));
        }
    }
    total / units
}

/// Standard cells of a placed netlist (`CELL NAME ( ... );` lines) and their area: every cell
/// of `areas` but the fill, which is free room, not logic.
pub(super) fn placed_cells(netlist: &str, areas: &BTreeMap<String, f64>) -> (u64, f64) {
    netlist
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|cell| !cell.starts_with("FILL"))
        .filter_map(|cell| areas.get(cell))
        .fold((0, 0.0), |(count, total), area| (count + 1, total + area))
}

/// `netlist` (qflow's `blif2Verilog` output) with the bit connections of each `module` instance
/// (`.codes[0](a), .codes[1](b)`, which is no Verilog) joined into vectors (`.codes({b, a})`).
pub(super) fn bus_pins_joined(netlist: &str, module: &str) -> String {
    let mut out = String::with_capacity(netlist.len());
    for line in netlist.lines() {
        let Some(open) = line
            .strip_prefix(module)
            .filter(|rest| rest.starts_with(' '))
            .and_then(|_| line.find('('))
        else {
            out += line;
            out.push('\n');
            continue;
        };
        // Each `.pin[bit](net)` or `.pin(net)`, in order; the bits of one pin gathered.
        let body = line[open + 1..].trim_end().trim_end_matches(';').trim_end();
        let body = body.strip_suffix(')').unwrap_or(body);
        let mut pins: Vec<(&str, BTreeMap<u32, &str>, Option<&str>)> = Vec::new();
        for connection in body.split("),") {
            let connection = connection.trim().trim_start_matches('.');
            let Some((pin, net)) = connection
                .strip_suffix(')')
                .unwrap_or(connection)
                .split_once('(')
            else {
                continue;
            };
            let (name, bit) = match pin.split_once('[') {
                Some((name, bit)) => (name, bit.trim_end_matches(']').parse::<u32>().ok()),
                None => (pin, None),
            };
            let index = pins.iter().position(|p| p.0 == name).unwrap_or_else(|| {
                pins.push((name, BTreeMap::new(), None));
                pins.len() - 1
            });
            match bit {
                Some(bit) => {
                    pins[index].1.insert(bit, net);
                }
                None => pins[index].2 = Some(net),
            }
        }
        let connections: Vec<String> = pins
            .iter()
            .map(|(name, bits, scalar)| match scalar {
                Some(net) => format!(".{name}({net})"),
                None => format!(
                    ".{name}({{{}}})",
                    bits.values().rev().copied().collect::<Vec<_>>().join(", ")
                ),
            })
            .collect();
        out += &format!(
            "{} ( {} );\n",
            line[..open].trim_end(),
            connections.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn die_area_and_wire_length_are_read_from_a_def() {
        let def = "UNITS DISTANCE MICRONS 100 ;\nDIEAREA ( 0 0 ) ( 20000 10000 ) ;\nNETS 2 ;\n- a\n  + ROUTED metal2 ( 100 100 ) ( * 600 )\n  NEW metal1 ( 100 600 ) ( 400 * ) ;\n- b ( u1 A ) ;\nEND NETS\n";
        assert_eq!(die_area_um2(def).unwrap(), 200.0 * 100.0);
        assert!(
            (routed_length_um(def) - 8.0).abs() < 1e-9,
            "{}",
            routed_length_um(def)
        );
    }

    /// The slack lines as OpenSTA prints them for the default tile (4e23d26, after synthesis).
    const SLACKS: &str = "x\nworst setup slack 2.0013\nworst setup slack full cycle 3.2659\n\
                          worst setup slack half cycle 2.0013\nworst hold slack 0.0673\n";

    #[test]
    fn slacks_are_read_from_opensta() {
        let s = worst_slacks(SLACKS).unwrap();
        assert_eq!(
            s,
            Slack {
                setup: 2.0013,
                full_cycle: Some(3.2659),
                half_cycle: Some(2.0013),
                hold: 0.0673
            }
        );
        // A tile without clock gates has no half-cycle path.
        let none = SLACKS.replace("half cycle 2.0013", "half cycle none");
        assert_eq!(worst_slacks(&none).unwrap().half_cycle, None);
        // A report without the class lines is no report.
        assert_eq!(
            worst_slacks("worst setup slack 3.6860\nworst hold slack 0.1200\n"),
            None
        );
    }

    /// fmax is the slower of the full-cycle bound (T - s) and the half-cycle one (T - 2 s).
    #[test]
    fn fmax_takes_a_latch_path_at_half_the_period() {
        let s = worst_slacks(SLACKS).unwrap();
        // 8 - 3.2659 = 4.7341 ns against 8 - 2 x 2.0013 = 3.9974 ns: the flip-flops bound it.
        let fmax = s.fmax_mhz(8.0).unwrap();
        assert!((fmax - 1000.0 / 4.7341).abs() < 1e-9, "{fmax}");
        // A latch path with 1 ns of slack at 8 ns needs 6 ns, more than the flip-flops' 4.73.
        let tight = Slack {
            setup: 1.0,
            half_cycle: Some(1.0),
            ..s
        };
        assert!((tight.fmax_mhz(8.0).unwrap() - 1000.0 / 6.0).abs() < 1e-9);
        // Without latches only the full-cycle paths count.
        let ungated = Slack {
            setup: 3.2659,
            half_cycle: None,
            ..s
        };
        assert!((ungated.fmax_mhz(8.0).unwrap() - fmax).abs() < 1e-9);
        // A worst slack below both classes is at a path fmax does not know how to read.
        let unknown = Slack { setup: 0.5, ..s };
        assert!(unknown.fmax_mhz(8.0).is_err());
    }

    /// qrouter's own words (`write_def`, output.c): its last lines as qflow logs them.
    #[test]
    fn failed_routes_are_read_from_qrouters_final_line() {
        let rule = "----------------------------------------------";
        let routed = format!("Progress: Stage 3 total routes completed: 3120\n{rule}\nFinal: No failed routes!\n{rule}\n");
        assert_eq!(failed_routes(&routed), Some(0));
        let failed = format!("{rule}\nFinal: Failed net routes: 3\nList of failed nets follows:\n _0412_\n _0413_\n clock\n\n{rule}\n");
        assert_eq!(failed_routes(&failed), Some(3));
        // The last count is the one that stands.
        assert_eq!(failed_routes(&(failed + &routed)), Some(0));
    }

    /// A log cut short (qrouter killed, or stopped before writing the layout) has no count: the
    /// flow reports an error, not 0 failed routes.
    #[test]
    fn a_log_without_its_final_line_has_no_count() {
        assert_eq!(failed_routes(""), None);
        assert_eq!(
            failed_routes(
                "Progress: Stage 2 total routes completed: 2001\nFailed to route net _0412_\n"
            ),
            None
        );
        assert_eq!(failed_routes("Final: \n"), None);
    }

    #[test]
    fn the_routed_netlist_joins_the_macros_bit_pins_into_vectors() {
        let netlist = "INVX1 INVX1_1 ( .A(a[0]), .Y(b) );\nm m_1 ( .clock(clock), .codes[0](c_0_), .codes[1](c_1_), .row[0](r[0]) );\n";
        let joined = bus_pins_joined(netlist, "m");
        assert_eq!(joined, "INVX1 INVX1_1 ( .A(a[0]), .Y(b) );\nm m_1 ( .clock(clock), .codes({c_1_, c_0_}), .row({r[0]}) );\n");
    }

    #[test]
    fn placed_cells_count_the_logic_not_the_fill() {
        let areas: BTreeMap<String, f64> = [("INVX1", 16.0), ("BUFX2", 24.0), ("FILL", 8.0)]
            .map(|(c, a)| (c.to_string(), a))
            .into();
        let netlist = "module t (a, y);\nINVX1 INVX1_1 ( .A(a), .Y(b) );\nBUFX2 BUFX2_1 ( .A(b), .Y(y) );\nFILL FILL_1 ( );\nm m_1 ( .clock(a) );\nendmodule\n";
        assert_eq!(placed_cells(netlist, &areas), (2, 40.0));
    }
}

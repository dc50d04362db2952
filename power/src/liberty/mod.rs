//! Liberty reader: the tokenizer and generic tree ([`tree`]), then the typed library the engine
//! uses ([`Liberty`], [`Cell`], [`Pin`]), every quantity converted to SI units.

pub mod tree;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{PowerError, Result};
use crate::expr::Expr;
use crate::table::{Table, Var};
use tree::Group;

/// Pin direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// `input`.
    Input,
    /// `output`.
    Output,
    /// `inout`.
    Inout,
    /// `internal` or anything else.
    Internal,
}

impl Direction {
    /// True for outputs and bidirects (OpenSTA's `isAnyOutput`).
    pub fn is_output(self) -> bool {
        matches!(self, Direction::Output | Direction::Inout)
    }
    /// True for inputs and bidirects (OpenSTA's `isAnyInput`).
    pub fn is_input(self) -> bool {
        matches!(self, Direction::Input | Direction::Inout)
    }
}

/// How an arc's output transition follows its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ArcKind {
    /// Output rises with input rise (`positive_unate`).
    Positive,
    /// Output rises with input fall (`negative_unate`).
    Negative,
    /// Either (`non_unate`).
    NonUnate,
    /// Launched by the related pin's rising edge (`rising_edge`).
    RisingEdge,
    /// Launched by the related pin's falling edge (`falling_edge`).
    FallingEdge,
}

/// A delay arc into an output pin, kept for its output transition tables.
#[derive(Debug, Clone, Serialize)]
pub struct Arc {
    /// The related (input) pins.
    pub related: Vec<String>,
    /// Unateness or edge.
    pub kind: ArcKind,
    /// `rise_transition` (seconds).
    pub rise_transition: Option<Table>,
    /// `fall_transition` (seconds).
    pub fall_transition: Option<Table>,
}

/// A library pin.
#[derive(Debug, Clone, Serialize)]
pub struct Pin {
    /// Pin name (bus bits as `name[i]`).
    pub name: String,
    /// Direction.
    pub direction: Direction,
    /// Capacitance for a rising transition (F).
    pub rise_cap: f64,
    /// Capacitance for a falling transition (F).
    pub fall_cap: f64,
    /// `clock : true`.
    pub is_clock: bool,
    /// `function`, if any.
    pub function: Option<Expr>,
    /// Delay arcs into this pin (outputs only).
    pub arcs: Vec<Arc>,
}

/// An `internal_power` group.
#[derive(Debug, Clone, Serialize)]
pub struct InternalPower {
    /// The pin the group belongs to.
    pub pin: String,
    /// `related_pin`, if any (one group per related pin).
    pub related: Option<String>,
    /// `when`, if any.
    pub when: Option<Expr>,
    /// `rise_power` (J per transition).
    pub rise: Option<Table>,
    /// `fall_power` (J per transition).
    pub fall: Option<Table>,
}

/// What kind of cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CellKind {
    /// No state.
    Combinational,
    /// Has an `ff` group.
    FlipFlop,
    /// Has a `latch` group.
    Latch,
    /// `clock_gating_integrated_cell`.
    ClockGate,
}

/// A library cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Cell name.
    pub name: String,
    /// Area (library area units).
    pub area: f64,
    /// `cell_leakage_power` (W), if given.
    pub cell_leakage: Option<f64>,
    /// `leakage_power` groups: (`when`, W).
    pub leakage_groups: Vec<(Option<Expr>, f64)>,
    /// Pins in library order.
    pub pins: Vec<Pin>,
    /// `internal_power` groups of all pins.
    pub internal: Vec<InternalPower>,
    /// Sequential kind.
    pub kind: CellKind,
    /// `is_macro_cell : true`.
    pub is_macro: bool,
}

impl Cell {
    /// The pin called `name`.
    pub fn pin(&self, name: &str) -> Option<&Pin> {
        self.pins.iter().find(|p| p.name == name)
    }
}

/// A wire-load model: wire capacitance as a function of fanout.
#[derive(Debug, Clone, Serialize)]
pub struct WireLoad {
    /// Model name.
    pub name: String,
    /// Capacitance per unit length (F).
    pub cap_per_length: f64,
    /// Length per fanout beyond the table.
    pub slope: f64,
    /// (fanout, length) points, ascending.
    pub fanout_length: Vec<(f64, f64)>,
}

impl WireLoad {
    /// Wire capacitance (F) of a net with `fanout` loads, as OpenSTA's `Wireload::findWireload`.
    pub fn cap(&self, fanout: f64) -> f64 {
        let fl = &self.fanout_length;
        let length = match (fl.first(), fl.last()) {
            (None, _) | (_, None) => 0.0,
            (Some(&(f0, l0)), Some(&(fmax, lmax))) => {
                if fanout < f0 {
                    (l0 - (f0 - fanout) * self.slope).max(0.0)
                } else if fanout >= fmax {
                    lmax + (fanout - fmax) * self.slope
                } else {
                    let i = fl.iter().rposition(|&(f, _)| fanout >= f).unwrap_or(0);
                    let ((f1, l1), (f2, l2)) = (fl[i], fl[i + 1]);
                    l1 + (l2 - l1) * (fanout - f1) / (f2 - f1)
                }
            }
        };
        length * self.cap_per_length
    }
}

/// A Liberty library, in SI units.
#[derive(Debug, Clone, Serialize)]
pub struct Liberty {
    /// Library name.
    pub name: String,
    /// Supply voltage (V): the default operating conditions' voltage, else `nom_voltage`.
    pub voltage: f64,
    /// The library's `default_wire_load`, which OpenSTA applies when none is set.
    pub default_wire_load: Option<WireLoad>,
    /// Cells by name.
    pub cells: HashMap<String, Cell>,
}

fn unit_scale(text: &str, base: &str) -> Option<f64> {
    let t = text.trim().trim_matches('"');
    let t = t
        .strip_suffix(base)
        .or_else(|| t.strip_suffix(&base.to_lowercase()))?;
    let split = t.find(|c: char| c.is_alphabetic()).unwrap_or(t.len());
    let (num, prefix) = t.split_at(split);
    let n: f64 = if num.trim().is_empty() {
        1.0
    } else {
        num.trim().parse().ok()?
    };
    let p = match prefix {
        "" => 1.0,
        "m" => 1e-3,
        "u" => 1e-6,
        "n" => 1e-9,
        "p" => 1e-12,
        "f" => 1e-15,
        "k" => 1e3,
        _ => return None,
    };
    Some(n * p)
}

/// Unit scales of one library, to SI.
#[derive(Debug, Clone, Copy)]
struct Units {
    time: f64,
    cap: f64,
    leakage: f64,
    energy: f64,
}

struct Ctx<'a> {
    file: &'a str,
    units: Units,
    templates: HashMap<String, Vec<(Var, Vec<f64>)>>,
    bus_types: HashMap<String, (i64, i64)>,
}

impl Ctx<'_> {
    fn err(&self, line: usize, what: impl Into<String>) -> PowerError {
        PowerError::Liberty {
            file: self.file.to_string(),
            line,
            what: what.into(),
        }
    }

    fn num(&self, g: &Group, name: &str) -> Result<Option<f64>> {
        match g.attr_full(name) {
            None => Ok(None),
            Some(a) => {
                let v = a.values.first().map(|s| s.trim()).unwrap_or("");
                v.parse::<f64>()
                    .map(Some)
                    .map_err(|_| self.err(a.line, format!("{name}: '{v}' is not a number")))
            }
        }
    }
}

fn numbers(list: &[String]) -> Option<Vec<f64>> {
    list.iter()
        .flat_map(|s| s.split([',', ' ', '\n', '\t']))
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<f64>().ok())
        .collect()
}

impl Liberty {
    /// Reads and parses a Liberty file.
    pub fn read(path: impl AsRef<Path>) -> Result<Liberty> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| PowerError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Liberty::parse(&text, &path.display().to_string())
    }

    /// Parses Liberty text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Liberty> {
        let lib = tree::parse(text, file)?;
        if lib.kind != "library" {
            return Err(PowerError::Liberty {
                file: file.into(),
                line: lib.line,
                what: format!("top-level group is '{}', not 'library'", lib.kind),
            });
        }
        let units = read_units(&lib, file)?;
        let mut ctx = Ctx {
            file,
            units,
            templates: HashMap::new(),
            bus_types: HashMap::new(),
        };
        read_templates(&lib, &mut ctx)?;
        let voltage = read_voltage(&lib, &ctx)?;
        let default_wire_load = match lib.attr("default_wire_load") {
            None => None,
            Some(name) => Some(read_wire_load(&lib, name, &ctx)?),
        };
        let mut cells = HashMap::new();
        for g in lib.groups_of("cell") {
            let cell = read_cell(g, &ctx)?;
            cells.insert(cell.name.clone(), cell);
        }
        let name = lib.args.first().cloned().unwrap_or_default();
        Ok(Liberty {
            name,
            voltage,
            default_wire_load,
            cells,
        })
    }
}

fn read_units(lib: &Group, file: &str) -> Result<Units> {
    let bad = |line: usize, what: String| PowerError::Liberty {
        file: file.into(),
        line,
        what,
    };
    let scale = |name: &str, base: &str, default: f64| -> Result<f64> {
        match lib.attr_full(name) {
            None => Ok(default),
            Some(a) => {
                let v = a.values.first().map(String::as_str).unwrap_or("");
                unit_scale(v, base).ok_or_else(|| bad(a.line, format!("{name}: cannot read '{v}'")))
            }
        }
    };
    let time = scale("time_unit", "s", 1e-9)?;
    let volt = scale("voltage_unit", "V", 1.0)?;
    let leakage = scale("leakage_power_unit", "W", 1.0)?;
    let cap = match lib.attr_full("capacitive_load_unit") {
        None => 1e-12,
        Some(a) => {
            let n: f64 = a
                .values
                .first()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(f64::NAN);
            let u = a
                .values
                .get(1)
                .map(|s| s.trim().to_lowercase())
                .unwrap_or_default();
            let p = match u.as_str() {
                "ff" => 1e-15,
                "pf" => 1e-12,
                "nf" => 1e-9,
                _ => f64::NAN,
            };
            if !(n * p).is_finite() {
                return Err(bad(
                    a.line,
                    format!("capacitive_load_unit: cannot read {:?}", a.values),
                ));
            }
            n * p
        }
    };
    // Internal power tables are energies in capacitance unit x voltage unit squared (OpenSTA's
    // LibertyReader::setEnergyScale).
    Ok(Units {
        time,
        cap,
        leakage,
        energy: cap * volt * volt,
    })
}

fn read_templates(lib: &Group, ctx: &mut Ctx) -> Result<()> {
    for g in lib.groups.iter() {
        if g.kind == "type" {
            let from = ctx.num(g, "bit_from")?.unwrap_or(0.0) as i64;
            let to = ctx.num(g, "bit_to")?.unwrap_or(0.0) as i64;
            if let Some(n) = g.args.first() {
                ctx.bus_types.insert(n.clone(), (from, to));
            }
        }
        if !g.kind.ends_with("_template") {
            continue;
        }
        let Some(name) = g.args.first() else { continue };
        let mut axes = Vec::new();
        for k in 1..=3 {
            if let Some(v) = g.attr(&format!("variable_{k}")) {
                let var = Var::from_liberty(v);
                let idx = match g.attr_full(&format!("index_{k}")) {
                    Some(a) => numbers(&a.values)
                        .ok_or_else(|| ctx.err(a.line, "index is not a list of numbers"))?,
                    None => Vec::new(),
                };
                axes.push((var, idx));
            }
        }
        ctx.templates.insert(name.clone(), axes);
    }
    Ok(())
}

fn read_voltage(lib: &Group, ctx: &Ctx) -> Result<f64> {
    if let Some(def) = lib.attr("default_operating_conditions") {
        if let Some(oc) = lib
            .groups_of("operating_conditions")
            .find(|g| g.args.first().map(String::as_str) == Some(def))
        {
            if let Some(v) = ctx.num(oc, "voltage")? {
                return Ok(v);
            }
        }
    }
    ctx.num(lib, "nom_voltage")?.ok_or_else(|| {
        ctx.err(
            lib.line,
            "no nom_voltage nor default operating conditions voltage",
        )
    })
}

fn read_wire_load(lib: &Group, name: &str, ctx: &Ctx) -> Result<WireLoad> {
    let g = lib
        .groups_of("wire_load")
        .find(|g| g.args.first().map(String::as_str) == Some(name))
        .ok_or_else(|| {
            ctx.err(
                lib.line,
                format!("default_wire_load '{name}' is not defined"),
            )
        })?;
    let mut fanout_length = Vec::new();
    for a in g.attrs.iter().filter(|a| a.name == "fanout_length") {
        let v = numbers(&a.values).filter(|v| v.len() >= 2);
        let v = v.ok_or_else(|| ctx.err(a.line, "fanout_length needs (fanout, length)"))?;
        fanout_length.push((v[0], v[1]));
    }
    fanout_length.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(WireLoad {
        name: name.into(),
        cap_per_length: ctx.num(g, "capacitance")?.unwrap_or(0.0) * ctx.units.cap,
        slope: ctx.num(g, "slope")?.unwrap_or(0.0),
        fanout_length,
    })
}

/// Reads a table group; `value_scale` converts its values to SI.
fn read_table(g: &Group, ctx: &Ctx, value_scale: f64) -> Result<Table> {
    let template = g.args.first().map(String::as_str).unwrap_or("scalar");
    let mut axes = if template == "scalar" {
        Vec::new()
    } else {
        ctx.templates
            .get(template)
            .cloned()
            .ok_or_else(|| ctx.err(g.line, format!("unknown table template '{template}'")))?
    };
    for (k, axis) in axes.iter_mut().enumerate() {
        if let Some(a) = g.attr_full(&format!("index_{}", k + 1)) {
            axis.1 = numbers(&a.values).ok_or_else(|| ctx.err(a.line, "bad index"))?;
        }
    }
    if axes.len() > 2 {
        return Err(ctx.err(g.line, "3-D tables are not supported"));
    }
    for (var, idx) in axes.iter_mut() {
        let s = match var {
            Var::InputSlew => ctx.units.time,
            Var::OutputCap => ctx.units.cap,
            Var::Other => 1.0,
        };
        idx.iter_mut().for_each(|x| *x *= s);
    }
    let a = g
        .attr_full("values")
        .ok_or_else(|| ctx.err(g.line, "table has no values"))?;
    let values: Vec<f64> = numbers(&a.values)
        .ok_or_else(|| ctx.err(a.line, "values are not numbers"))?
        .into_iter()
        .map(|v| v * value_scale)
        .collect();
    let want: usize = axes.iter().map(|(_, i)| i.len().max(1)).product();
    if values.len() != want {
        return Err(ctx.err(
            a.line,
            format!("{} values for a table of {want}", values.len()),
        ));
    }
    Ok(Table { axes, values })
}

fn opt_table(g: &Group, kind: &str, ctx: &Ctx, scale: f64) -> Result<Option<Table>> {
    g.group(kind).map(|t| read_table(t, ctx, scale)).transpose()
}

fn split_names(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn read_cell(g: &Group, ctx: &Ctx) -> Result<Cell> {
    let name = g
        .args
        .first()
        .cloned()
        .ok_or_else(|| ctx.err(g.line, "cell without a name"))?;
    let kind = if g.group("ff").is_some() || g.group("ff_bank").is_some() {
        CellKind::FlipFlop
    } else if g.group("latch").is_some() || g.group("latch_bank").is_some() {
        CellKind::Latch
    } else if g.attr("clock_gating_integrated_cell").is_some() {
        CellKind::ClockGate
    } else {
        CellKind::Combinational
    };
    let mut leakage_groups = Vec::new();
    for lg in g.groups_of("leakage_power") {
        let v = ctx.num(lg, "value")?.unwrap_or(0.0) * ctx.units.leakage;
        let when = lg.attr("when").and_then(Expr::parse);
        leakage_groups.push((when, v));
    }
    let mut cell = Cell {
        name,
        area: ctx.num(g, "area")?.unwrap_or(0.0),
        cell_leakage: ctx
            .num(g, "cell_leakage_power")?
            .map(|v| v * ctx.units.leakage),
        leakage_groups,
        pins: Vec::new(),
        internal: Vec::new(),
        kind,
        is_macro: g.attr("is_macro_cell") == Some("true"),
    };
    for sub in &g.groups {
        match sub.kind.as_str() {
            "pin" => {
                for n in &sub.args {
                    read_pin(sub, n.trim(), ctx, &mut cell)?;
                }
            }
            "bus" | "bundle" => read_bus(sub, ctx, &mut cell)?,
            _ => {}
        }
    }
    Ok(cell)
}

fn read_bus(g: &Group, ctx: &Ctx, cell: &mut Cell) -> Result<()> {
    let name = g.args.first().cloned().unwrap_or_default();
    let Some(&(from, to)) = g.attr("bus_type").and_then(|t| ctx.bus_types.get(t)) else {
        return Err(ctx.err(g.line, format!("bus {name}: unknown or missing bus_type")));
    };
    let (lo, hi) = (from.min(to), from.max(to));
    for i in lo..=hi {
        read_pin(g, &format!("{name}[{i}]"), ctx, cell)?;
    }
    // Per-bit pin groups inside the bus override the bus-wide attributes.
    for p in g.groups_of("pin") {
        for n in &p.args {
            cell.pins.retain(|q| q.name != n.trim());
            read_pin(p, n.trim(), ctx, cell)?;
        }
    }
    Ok(())
}

fn read_pin(g: &Group, name: &str, ctx: &Ctx, cell: &mut Cell) -> Result<()> {
    let direction = match g.attr("direction") {
        Some("input") => Direction::Input,
        Some("output") => Direction::Output,
        Some("inout") => Direction::Inout,
        _ => Direction::Internal,
    };
    let cap = ctx.num(g, "capacitance")?.unwrap_or(0.0);
    let rise_cap = ctx.num(g, "rise_capacitance")?.unwrap_or(cap) * ctx.units.cap;
    let fall_cap = ctx.num(g, "fall_capacitance")?.unwrap_or(cap) * ctx.units.cap;
    let function = match g.attr_full("function") {
        None => None,
        Some(a) => {
            let f = a.values.first().map(String::as_str).unwrap_or("");
            Some(
                Expr::parse(f)
                    .ok_or_else(|| ctx.err(a.line, format!("cannot parse function '{f}'")))?,
            )
        }
    };
    let mut arcs = Vec::new();
    for t in g.groups_of("timing") {
        let kind = match (
            t.attr("timing_type").unwrap_or("combinational"),
            t.attr("timing_sense"),
        ) {
            ("rising_edge", _) => ArcKind::RisingEdge,
            ("falling_edge", _) => ArcKind::FallingEdge,
            (ty, _)
                if ty.contains("setup")
                    || ty.contains("hold")
                    || ty.contains("recovery")
                    || ty.contains("removal")
                    || ty.contains("width")
                    || ty.contains("period")
                    || ty.contains("skew")
                    || ty.contains("nochange") =>
            {
                continue
            }
            (_, Some("positive_unate")) => ArcKind::Positive,
            (_, Some("negative_unate")) => ArcKind::Negative,
            _ => ArcKind::NonUnate,
        };
        let related = t.attr("related_pin").map(split_names).unwrap_or_default();
        arcs.push(Arc {
            related,
            kind,
            rise_transition: opt_table(t, "rise_transition", ctx, ctx.units.time)?,
            fall_transition: opt_table(t, "fall_transition", ctx, ctx.units.time)?,
        });
    }
    for ip in g.groups_of("internal_power") {
        let when = match ip.attr_full("when") {
            None => None,
            Some(a) => {
                let w = a.values.first().map(String::as_str).unwrap_or("");
                Some(
                    Expr::parse(w)
                        .ok_or_else(|| ctx.err(a.line, format!("cannot parse when '{w}'")))?,
                )
            }
        };
        let rise = opt_table(ip, "rise_power", ctx, ctx.units.energy)?;
        let fall = opt_table(ip, "fall_power", ctx, ctx.units.energy)?;
        // A `power` table (no rise/fall split) applies to both transitions.
        let both = opt_table(ip, "power", ctx, ctx.units.energy)?;
        let (rise, fall) = (rise.or_else(|| both.clone()), fall.or(both));
        let related = ip.attr("related_pin").map(split_names).unwrap_or_default();
        let relateds: Vec<Option<String>> = if related.is_empty() {
            vec![None]
        } else {
            related.into_iter().map(Some).collect()
        };
        for r in relateds {
            cell.internal.push(InternalPower {
                pin: name.to_string(),
                related: r,
                when: when.clone(),
                rise: rise.clone(),
                fall: fall.clone(),
            });
        }
    }
    let is_clock = g.attr("clock") == Some("true");
    cell.pins.push(Pin {
        name: name.to_string(),
        direction,
        rise_cap,
        fall_cap,
        is_clock,
        function,
        arcs,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_units() {
        assert_eq!(unit_scale("\"1ns\"", "s"), Some(1e-9));
        assert_eq!(unit_scale("1nW", "W"), Some(1e-9));
        assert_eq!(unit_scale("100ps", "s"), Some(1e-10));
        assert_eq!(unit_scale("1V", "V"), Some(1.0));
    }
}

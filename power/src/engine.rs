//! The power engine: internal, switching and leakage power of every instance, following
//! OpenSTA's `Power.cc` (the Debian 2.0.17 snapshot of 2019-11-11, commit c018cb2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::activity::Activity;
use crate::error::{PowerError, Result};
use crate::expr::{Act, Expr};
use crate::graph::{Graph, Inst, WireLoadModel};
use crate::liberty::{Cell, CellKind, Liberty};
use crate::netlist::Netlist;
use crate::report::{PowerReport, Split};

/// What to do with instances no clocked path reaches (every input fed by primary inputs only,
/// or by black-box outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unclocked {
    /// As OpenSTA 2.0.17: with no clock to divide by, the activity is taken as 0.1 transitions
    /// per *second*, so their dynamic power is practically zero.
    OpenSta,
    /// Toggle at the global (or overridden) rate per cycle of the design's clock.
    AtClockRate,
}

/// Operating conditions of an estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Conditions {
    /// Clock period (ns).
    pub clock_period_ns: f64,
    /// Name of the clock net (normally the clock port), e.g. `clock`.
    pub clock_net: String,
    /// Slew of primary inputs (ns). OpenSTA uses 0 when no `set_input_transition` is given.
    pub input_slew_ns: f64,
    /// Wire capacitance model.
    pub wire_load: WireLoadModel,
    /// Treatment of unclocked instances.
    pub unclocked: Unclocked,
    /// Propagate slews through the cells' transition tables (true, as OpenSTA); false holds
    /// every pin at `input_slew_ns`, to measure what slews are worth.
    pub propagate_slews: bool,
}

impl Conditions {
    /// OpenSTA's defaults for a design with one clock `clock_net` of the given period.
    pub fn new(clock_period_ns: f64, clock_net: &str) -> Conditions {
        Conditions {
            clock_period_ns,
            clock_net: clock_net.to_string(),
            input_slew_ns: 0.0,
            wire_load: WireLoadModel::LibraryDefault,
            unclocked: Unclocked::OpenSta,
            propagate_slews: true,
        }
    }
}

struct Ctx<'a> {
    g: &'a Graph<'a>,
    act: &'a Activity,
    overrides: Vec<Option<f64>>,
    duties: Vec<Option<f64>>,
    /// Transitions per cycle of each clock-network net (see [`clock_rates`]).
    clock_rates: Vec<f64>,
    period: f64,
    inst_clocked: bool,
    unclocked: Unclocked,
}

impl Ctx<'_> {
    /// OpenSTA's `findActivity`: activity per cycle and duty, not yet divided by the period.
    fn find(&self, inst: &Inst, pi: usize) -> Act {
        match inst.conns[pi] {
            Some(id) if self.g.net_is_clock[id] => Act {
                activity: self.clock_rates[id],
                duty: 0.5,
            },
            Some(id) => Act {
                activity: self.overrides[id].unwrap_or(self.act.global),
                duty: self.duties[id].unwrap_or(self.act.duty),
            },
            None => Act {
                activity: self.act.global,
                duty: self.act.duty,
            },
        }
    }

    /// OpenSTA's `findClkedActivity`: transitions per second.
    fn rate(&self, inst: &Inst, pi: usize) -> f64 {
        let clocked = inst.clocked[pi] || self.inst_clocked;
        if clocked || self.unclocked == Unclocked::AtClockRate {
            self.find(inst, pi).activity / self.period
        } else {
            0.1
        }
    }

    fn port_act(&self, inst: &Inst, cell: &Cell, name: &str) -> Option<Act> {
        let pi = cell.pins.iter().position(|p| p.name == name)?;
        Some(self.find(inst, pi))
    }
}

/// Estimates the power of `netlist` with the cells of `lib`. `models` are extra libraries
/// (e.g. a macro's timing model) whose cells load their nets but are not priced.
pub fn estimate(
    lib: &Liberty,
    models: &[&Liberty],
    netlist: &Netlist,
    activity: &Activity,
    cond: &Conditions,
) -> Result<PowerReport> {
    if !(cond.clock_period_ns > 0.0 && cond.clock_period_ns.is_finite()) {
        return Err(PowerError::Invalid(format!(
            "clock period {} ns",
            cond.clock_period_ns
        )));
    }
    let valid = activity.global.is_finite()
        && activity.global >= 0.0
        && (0.0..=1.0).contains(&activity.duty)
        && activity
            .per_net
            .values()
            .all(|v| v.is_finite() && *v >= 0.0);
    if !valid {
        return Err(PowerError::Invalid(format!(
            "activity {} / duty {}",
            activity.global, activity.duty
        )));
    }
    let clock_net = netlist.net_by_name.get(&cond.clock_net).copied();
    if clock_net.is_none() {
        return Err(PowerError::Invalid(format!(
            "no clock net '{}' in the netlist",
            cond.clock_net
        )));
    }
    let g = Graph::build(
        lib,
        models,
        netlist,
        clock_net,
        (cond.input_slew_ns * 1e-9, cond.propagate_slews),
        &cond.wire_load,
    );
    let mut overrides = vec![None; netlist.nets.len()];
    let mut unknown_override_nets = Vec::new();
    for (name, v) in &activity.per_net {
        match netlist.net_by_name.get(name) {
            Some(&id) => overrides[id] = Some(*v),
            None => unknown_override_nets.push(name.clone()),
        }
    }
    unknown_override_nets.sort();
    let mut duties = vec![None; netlist.nets.len()];
    for (name, v) in &activity.per_net_duty {
        if let Some(&id) = netlist.net_by_name.get(name) {
            duties[id] = Some(*v);
        }
    }
    let clock_rates = clock_rates(&g, &duties);
    let mut ctx = Ctx {
        g: &g,
        act: activity,
        overrides,
        duties,
        clock_rates,
        period: cond.clock_period_ns * 1e-9,
        inst_clocked: false,
        unclocked: cond.unclocked,
    };
    let mut total = Split::default();
    let mut by_block: BTreeMap<String, Split> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Split> = BTreeMap::new();
    let mut unpriced_cells = Vec::new();
    let mut unclocked_instances = 0;
    let blocks = crate::blocks::attribute(netlist);
    for ((inst, ni), block) in g.insts.iter().zip(&netlist.instances).zip(blocks) {
        let Some(cell) = inst.cell.filter(|_| lib.cells.contains_key(&ni.cell)) else {
            unpriced_cells.push(format!("{} ({})", ni.name, ni.cell));
            continue;
        };
        ctx.inst_clocked = inst.clocked.iter().any(|c| *c);
        if !ctx.inst_clocked {
            unclocked_instances += 1;
        }
        let (int_w, sw_w) = instance_dynamic(&ctx, inst, cell, lib.voltage);
        let leak_w = leakage(cell);
        for s in [
            &mut total,
            by_block.entry(block).or_default(),
            by_kind
                .entry(
                    if cell.kind == CellKind::Combinational {
                        "combinational"
                    } else {
                        "sequential"
                    }
                    .into(),
                )
                .or_default(),
        ] {
            s.add(int_w, sw_w, leak_w);
            s.cells += 1;
        }
    }
    Ok(PowerReport {
        clock_period_ns: cond.clock_period_ns,
        voltage: lib.voltage,
        activity: activity.global,
        total,
        energy_per_cycle_pj: total.total_mw * 1e-3 * cond.clock_period_ns * 1e-9 * 1e12,
        by_block,
        by_kind,
        unpriced_cells,
        wire_load: g.wire_load.clone(),
        unclocked_instances,
        loop_instances: g.loop_instances,
        unknown_override_nets,
    })
}

/// Transitions per cycle of every clock-network net (0 elsewhere): 2 at the clock; through a
/// cell, what its function passes of its clock inputs' transitions with its other inputs held
/// at their duties (an AND with an enable of duty d: 2d); through a cell without a function (an
/// integrated clock gate's state table), the clock's rate times the probability that any other
/// input is 1. An input without a measured duty counts as 1, so an unmeasured gate passes the
/// whole clock, as OpenSTA 2.0.17 prices every pin of the clock network.
fn clock_rates(g: &Graph, duties: &[Option<f64>]) -> Vec<f64> {
    let mut driver = vec![None; duties.len()];
    for (ii, inst) in g.insts.iter().enumerate() {
        let Some(cell) = inst.cell else { continue };
        for (pi, pin) in cell.pins.iter().enumerate() {
            if let (Some(id), true) = (inst.conns[pi], pin.direction.is_output()) {
                driver[id] = Some((ii, pi));
            }
        }
    }
    let mut rates = vec![None; duties.len()];
    for id in 0..duties.len() {
        clock_rate(g, duties, &driver, &mut rates, id);
    }
    rates.into_iter().map(|r| r.unwrap_or(0.0)).collect()
}

fn clock_rate(
    g: &Graph,
    duties: &[Option<f64>],
    driver: &[Option<(usize, usize)>],
    rates: &mut [Option<f64>],
    id: usize,
) -> f64 {
    if let Some(r) = rates[id] {
        return r;
    }
    let rate = match (g.net_is_clock[id], driver[id]) {
        (false, _) => 0.0,
        (true, None) => 2.0,
        (true, Some((ii, pi))) => {
            // Clock networks are trees of few levels: the recursion stays shallow.
            rates[id] = Some(2.0);
            let inst = &g.insts[ii];
            let cell = inst.cell.expect("a driver has a cell");
            let inputs: Vec<(&str, bool, Act)> = cell
                .pins
                .iter()
                .zip(&inst.conns)
                .filter(|(p, _)| !p.direction.is_output())
                .filter_map(|(p, c)| c.map(|n| (p.name.as_str(), n)))
                .map(|(name, n)| {
                    let on_clock = g.net_is_clock[n];
                    let act = match on_clock {
                        true => Act {
                            activity: clock_rate(g, duties, driver, rates, n),
                            duty: 0.5,
                        },
                        false => Act {
                            activity: 0.0,
                            duty: duties[n].unwrap_or(1.0),
                        },
                    };
                    (name, on_clock, act)
                })
                .collect();
            match &cell.pins[pi].function {
                Some(f) => {
                    f.eval_activity(&|n: &str| {
                        inputs.iter().find(|(p, ..)| *p == n).map(|(.., a)| *a)
                    })
                    .activity
                }
                None => {
                    let clock = inputs.iter().map(|(.., a)| a.activity).fold(0.0, f64::max);
                    let closed: f64 = inputs
                        .iter()
                        .filter(|(_, on_clock, _)| !on_clock)
                        .map(|(.., a)| 1.0 - a.duty)
                        .product();
                    clock * (1.0 - closed)
                }
            }
        }
    };
    rates[id] = Some(rate);
    rate
}

/// Internal and switching power (W) of one instance.
fn instance_dynamic(ctx: &Ctx, inst: &Inst, cell: &Cell, voltage: f64) -> (f64, f64) {
    let (mut internal, mut switching) = (0.0, 0.0);
    for (pi, pin) in cell.pins.iter().enumerate() {
        let rate = ctx.rate(inst, pi);
        let load = if pin.direction.is_output() {
            inst.conns[pi].map_or(pin.rise_cap.max(pin.fall_cap), |id| ctx.g.net_load[id])
        } else {
            0.0
        };
        if pin.direction.is_output() {
            switching += 0.5 * load * voltage * voltage * rate;
        }
        for pwr in cell.internal.iter().filter(|p| p.pin == pin.name) {
            let from = pwr.related.as_deref().unwrap_or(&pin.name);
            let Some(fi) = cell.pins.iter().position(|p| p.name == from) else {
                continue;
            };
            let port = |n: &str| ctx.port_act(inst, cell, n);
            let infered: Option<Expr> = match (&pwr.when, &pwr.related, &pin.function) {
                (None, Some(_), Some(f)) => f.infered_when(from),
                _ => None,
            };
            let duty = if let Some(w) = infered {
                let to_a = ctx.find(inst, pi).activity;
                if to_a == 0.0 {
                    0.0
                } else {
                    ctx.find(inst, fi).activity / to_a * w.eval_activity(&port).duty
                }
            } else if let Some(w) = &pwr.when {
                w.eval_activity(&port).duty
            } else if inst.conns[fi].is_some_and(|id| ctx.g.net_is_clock[id]) {
                1.0
            } else {
                0.5
            };
            let slew = inst.slews[fi];
            let mut energy = 0.0;
            for (k, t) in [&pwr.rise, &pwr.fall].into_iter().enumerate() {
                if let Some(t) = t {
                    energy += t.lookup(slew[k], load) * duty;
                }
            }
            internal += energy * rate;
        }
    }
    (internal, switching)
}

/// Leakage (W) as OpenSTA's `findLeakagePower`: `cell_leakage_power` when given, else the
/// `when`-weighted leakage groups, else the unconditional ones.
fn leakage(cell: &Cell) -> f64 {
    if let Some(l) = cell.cell_leakage {
        return l;
    }
    let (mut cond, mut found_cond, mut default) = (0.0, false, 0.0);
    for (when, v) in &cell.leakage_groups {
        match when {
            Some(w) => {
                let inputs = w
                    .ports()
                    .iter()
                    .filter(|p| cell.pin(p).is_some_and(|q| q.direction.is_input()))
                    .count();
                cond += v * 2.0 * 0.5f64.powi(inputs as i32);
                found_cond = true;
            }
            None => default += v,
        }
    }
    if found_cond {
        cond
    } else {
        default
    }
}

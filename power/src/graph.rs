//! The timing-graph facts the power engine needs: each net's load, the clock network, which pins
//! carry clocked paths, and slews propagated in topological order through the cells' output
//! transition tables.

use std::collections::{HashSet, VecDeque};

use crate::liberty::{ArcKind, Cell, Liberty};
use crate::netlist::{Conn, Netlist, PortDir};

/// How to model wire capacitance.
#[derive(Debug, Clone, PartialEq)]
pub enum WireLoadModel {
    /// The library's `default_wire_load` if it has one, else none: what OpenSTA does when no
    /// `set_wire_load_model` is given.
    LibraryDefault,
    /// No wire capacitance.
    None,
    /// A fixed capacitance per fanout (F).
    PerFanout(f64),
}

/// One instance with its cell resolved and its pins in library order.
pub(crate) struct Inst<'a> {
    pub cell: Option<&'a Cell>,
    /// Connection of each library pin (same order as `cell.pins`); `None` when unconnected.
    pub conns: Vec<Option<usize>>,
    /// Slew of each library pin as (rise, fall) seconds.
    pub slews: Vec<[f64; 2]>,
    /// Whether each pin carries a clocked path.
    pub clocked: Vec<bool>,
}

/// Graph facts of a netlist against a library.
pub(crate) struct Graph<'a> {
    pub insts: Vec<Inst<'a>>,
    /// Load capacitance of each net seen by its driver (F): the larger of the rise and fall sums
    /// of its pin capacitances, plus wire.
    pub net_load: Vec<f64>,
    pub net_slew: Vec<[f64; 2]>,
    pub net_clocked: Vec<bool>,
    pub net_is_clock: Vec<bool>,
    pub loop_instances: usize,
    pub wire_load: String,
    /// When false, output slews are not looked up: every pin keeps the input slew.
    pub propagate_slews: bool,
    pub input_slew: f64,
}

fn is_load_pin(dir: crate::liberty::Direction) -> bool {
    dir.is_input()
}

impl<'a> Graph<'a> {
    pub fn build(
        lib: &'a Liberty,
        models: &'a [&'a Liberty],
        nl: &Netlist,
        clock_net: Option<usize>,
        (input_slew, propagate_slews): (f64, bool),
        wl: &WireLoadModel,
    ) -> Graph<'a> {
        let n = nl.nets.len();
        let mut insts = Vec::with_capacity(nl.instances.len());
        for inst in &nl.instances {
            let cell = lib
                .cells
                .get(&inst.cell)
                .or_else(|| models.iter().find_map(|m| m.cells.get(&inst.cell)));
            let conns = match cell {
                None => Vec::new(),
                Some(c) => c
                    .pins
                    .iter()
                    .map(|p| {
                        inst.pins.iter().find(|(name, _)| *name == p.name).and_then(
                            |(_, c)| match c {
                                Conn::Net(id) => Some(*id),
                                _ => None,
                            },
                        )
                    })
                    .collect(),
            };
            let np = conns.len();
            insts.push(Inst {
                cell,
                conns,
                slews: vec![[0.0; 2]; np],
                clocked: vec![false; np],
            });
        }
        let (mut cap_r, mut cap_f, mut fanout) = (vec![0.0; n], vec![0.0; n], vec![0.0f64; n]);
        for inst in &insts {
            let Some(cell) = inst.cell else { continue };
            for (p, conn) in cell.pins.iter().zip(&inst.conns) {
                if let Some(id) = *conn {
                    cap_r[id] += p.rise_cap;
                    cap_f[id] += p.fall_cap;
                    if is_load_pin(p.direction) {
                        fanout[id] += 1.0;
                    }
                }
            }
        }
        for port in &nl.ports {
            if let (Conn::Net(id), PortDir::Output | PortDir::Inout) = (port.conn, port.dir) {
                fanout[id] += 1.0;
            }
        }
        let (wire, wire_load): (Box<dyn Fn(f64) -> f64>, String) = match wl {
            WireLoadModel::LibraryDefault => match &lib.default_wire_load {
                Some(w) => (
                    Box::new(move |f| w.cap(f)),
                    format!("library default wire load '{}'", w.name),
                ),
                None => (
                    Box::new(|_| 0.0),
                    "none (the library has no default_wire_load)".into(),
                ),
            },
            WireLoadModel::None => (Box::new(|_| 0.0), "none".into()),
            WireLoadModel::PerFanout(c) => {
                let c = *c;
                (
                    Box::new(move |f| c * f),
                    format!("{:.3} fF per fanout", c * 1e15),
                )
            }
        };
        let net_load = (0..n)
            .map(|i| cap_r[i].max(cap_f[i]) + wire(fanout[i]))
            .collect();
        let mut g = Graph {
            insts,
            net_load,
            net_slew: vec![[input_slew; 2]; n],
            net_clocked: vec![false; n],
            net_is_clock: vec![false; n],
            loop_instances: 0,
            wire_load,
            propagate_slews,
            input_slew,
        };
        if let Some(c) = clock_net {
            g.net_is_clock[c] = true;
            g.net_clocked[c] = true;
        }
        g.propagate();
        g
    }

    /// Levelizes the instances and propagates slews and clocked paths through them.
    fn propagate(&mut self) {
        let n = self.net_load.len();
        let mut drivers = vec![0usize; n];
        let mut loads: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut pending = vec![0usize; self.insts.len()];
        for inst in &self.insts {
            let Some(cell) = inst.cell else { continue };
            for (p, conn) in cell.pins.iter().zip(&inst.conns) {
                if let (Some(id), true) = (*conn, p.direction.is_output()) {
                    drivers[id] += 1;
                }
            }
        }
        for (ii, inst) in self.insts.iter().enumerate() {
            let Some(cell) = inst.cell else { continue };
            let deps = arc_inputs(cell);
            for (pi, conn) in inst.conns.iter().enumerate() {
                let Some(id) = *conn else { continue };
                if deps.contains(&pi) && drivers[id] > 0 {
                    loads[id].push(ii);
                    pending[ii] += 1;
                }
            }
        }
        let mut slew_set = vec![false; n];
        let mut queue: VecDeque<usize> =
            (0..self.insts.len()).filter(|&i| pending[i] == 0).collect();
        let mut done = vec![false; self.insts.len()];
        let mut remaining = drivers.clone();
        loop {
            while let Some(ii) = queue.pop_front() {
                if done[ii] {
                    continue;
                }
                done[ii] = true;
                for id in self.visit(ii) {
                    if !slew_set[id] {
                        slew_set[id] = true;
                        self.net_slew[id] = [0.0; 2];
                    }
                }
                self.publish(ii, &mut remaining, &loads, &mut pending, &mut queue);
            }
            // Combinational loops: visit an unvisited instance regardless, and count it.
            match (0..self.insts.len()).find(|&i| !done[i] && self.insts[i].cell.is_some()) {
                Some(i) => {
                    self.loop_instances += 1;
                    queue.push_back(i);
                }
                None => break,
            }
        }
    }

    /// Writes an instance's output slews and clocked flags to its nets and releases the
    /// instances waiting on them.
    fn publish(
        &mut self,
        ii: usize,
        remaining: &mut [usize],
        loads: &[Vec<usize>],
        pending: &mut [usize],
        queue: &mut VecDeque<usize>,
    ) {
        let inst = &self.insts[ii];
        let Some(cell) = inst.cell else { return };
        for (pi, p) in cell.pins.iter().enumerate() {
            let Some(id) = inst.conns[pi] else { continue };
            if !p.direction.is_output() {
                continue;
            }
            let s = inst.slews[pi];
            let cur = &mut self.net_slew[id];
            cur[0] = cur[0].max(s[0]);
            cur[1] = cur[1].max(s[1]);
            self.net_clocked[id] |= inst.clocked[pi];
            remaining[id] -= 1;
            if remaining[id] == 0 {
                for &l in &loads[id] {
                    pending[l] -= 1;
                    if pending[l] == 0 {
                        queue.push_back(l);
                    }
                }
            }
        }
    }

    /// Computes one instance's pin slews and clocked flags; returns the nets it drives.
    fn visit(&mut self, ii: usize) -> Vec<usize> {
        let Some(cell) = self.insts[ii].cell else {
            return Vec::new();
        };
        let conns = self.insts[ii].conns.clone();
        let mut slews = vec![[0.0; 2]; conns.len()];
        let mut clocked = vec![false; conns.len()];
        let mut is_clock_out = vec![false; conns.len()];
        for (pi, p) in cell.pins.iter().enumerate() {
            if !p.direction.is_output() {
                if let Some(id) = conns[pi] {
                    slews[pi] = self.net_slew[id];
                    clocked[pi] = self.net_clocked[id];
                }
            }
        }
        let mut driven = Vec::new();
        for (pi, p) in cell.pins.iter().enumerate() {
            if !p.direction.is_output() {
                continue;
            }
            let load = conns[pi].map_or(p.rise_cap.max(p.fall_cap), |id| self.net_load[id]);
            let mut out = [0.0f64; 2];
            for arc in &p.arcs {
                for r in &arc.related {
                    let Some(ri) = cell.pins.iter().position(|q| &q.name == r) else {
                        continue;
                    };
                    let in_s = slews[ri];
                    clocked[pi] |= clocked[ri];
                    let on_clock = conns[ri].is_some_and(|id| self.net_is_clock[id]);
                    if on_clock
                        && matches!(
                            arc.kind,
                            ArcKind::Positive | ArcKind::Negative | ArcKind::NonUnate
                        )
                    {
                        is_clock_out[pi] = true;
                    }
                    for (k, t) in [&arc.rise_transition, &arc.fall_transition]
                        .into_iter()
                        .enumerate()
                    {
                        let Some(t) = t else { continue };
                        let ins: &[usize] = match arc.kind {
                            ArcKind::Positive => &[k][..],
                            ArcKind::Negative => &[1 - k][..],
                            ArcKind::NonUnate => &[0, 1][..],
                            ArcKind::RisingEdge => &[0][..],
                            ArcKind::FallingEdge => &[1][..],
                        };
                        for &i in ins {
                            out[k] = out[k].max(t.lookup(in_s[i], load));
                        }
                    }
                }
            }
            slews[pi] = if self.propagate_slews {
                out
            } else {
                [self.input_slew; 2]
            };
            if let Some(id) = conns[pi] {
                driven.push(id);
                if is_clock_out[pi] {
                    self.net_is_clock[id] = true;
                }
            }
        }
        self.insts[ii].slews = slews;
        self.insts[ii].clocked = clocked;
        driven
    }
}

/// Library pin indices that are related pins of some delay arc of the cell.
fn arc_inputs(cell: &Cell) -> HashSet<usize> {
    let mut s = HashSet::new();
    for p in &cell.pins {
        for a in &p.arcs {
            for r in &a.related {
                if let Some(i) = cell.pins.iter().position(|q| &q.name == r) {
                    if !cell.pins[i].direction.is_output() {
                        s.insert(i);
                    }
                }
            }
        }
    }
    s
}

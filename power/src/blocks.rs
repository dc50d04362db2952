//! Attribution of instances to top-level blocks of a flattened Yosys netlist.
//!
//! Yosys's `flatten` keeps the hierarchical path in cell and wire names (`lanes.acc_q[3]`), but
//! the cells ABC and dfflibmap make get fresh names (`$abc$123$...`). So an instance belongs to
//! the first component of its own name if hierarchical, else of a named net on its pins, else of
//! a neighbour sharing a net of small fanout (repeated until nothing changes); `(top)` when none
//! of these says.

use crate::netlist::{Conn, Netlist};

/// The block of a hierarchical name (`lanes.acc[3]` -> `lanes`), `None` for a top-level or
/// tool-made (`$...`) name.
pub fn prefix(name: &str) -> Option<String> {
    let n = name.strip_prefix("$flatten\\").unwrap_or(name);
    if n.starts_with('$') {
        return None;
    }
    let n = n.trim_start_matches('\\');
    n.find('.').map(|i| n[..i].to_string())
}

/// Nets with more pins than this (clock, reset, wide selects) say nothing about where a cell is.
const NEIGHBOUR_FANOUT: usize = 16;

/// Block of every instance of `nl`, in instance order.
pub fn attribute(nl: &Netlist) -> Vec<String> {
    let mut net_pins: Vec<Vec<usize>> = vec![Vec::new(); nl.nets.len()];
    for (i, inst) in nl.instances.iter().enumerate() {
        for (_, c) in &inst.pins {
            if let Conn::Net(id) = c {
                net_pins[*id].push(i);
            }
        }
    }
    let mut block: Vec<Option<String>> = nl
        .instances
        .iter()
        .map(|inst| {
            prefix(&inst.name).or_else(|| {
                inst.pins.iter().find_map(|(_, c)| match c {
                    Conn::Net(id) => prefix(&nl.nets[*id].name),
                    _ => None,
                })
            })
        })
        .collect();
    loop {
        let mut changed = false;
        for i in 0..block.len() {
            if block[i].is_some() {
                continue;
            }
            let found = nl.instances[i].pins.iter().find_map(|(_, c)| match c {
                Conn::Net(id) if net_pins[*id].len() <= NEIGHBOUR_FANOUT => {
                    net_pins[*id].iter().find_map(|&j| block[j].clone())
                }
                _ => None,
            });
            if found.is_some() {
                block[i] = found;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    block
        .into_iter()
        .map(|b| b.unwrap_or_else(|| "(top)".to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_blocks() {
        assert_eq!(prefix("lanes.acc[3]"), Some("lanes".into()));
        assert_eq!(prefix("$abc$12$auto$blifparse.cc:1"), None);
        assert_eq!(prefix("$flatten\\lanes.$procdff$3"), Some("lanes".into()));
        assert_eq!(prefix("clock"), None);
    }
}

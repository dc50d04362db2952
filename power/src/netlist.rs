//! Gate-level netlist reader: the flat top module of a Yosys `write_json` file.
//!
//! Yosys JSON names every net by a bit number and lists each cell's connections as bit lists,
//! which is simpler and more robust to read than structural Verilog (escaped identifiers,
//! concatenations, assigns). The same Yosys run writes the Verilog that OpenSTA reads, so both
//! describe one netlist.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::error::{PowerError, Result};

/// What a pin or port bit connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conn {
    /// A net, by index into [`Netlist::nets`].
    Net(usize),
    /// Tied to 0.
    Zero,
    /// Tied to 1.
    One,
    /// `x` or `z`: floating.
    Float,
}

/// Direction of a top-level port or a black-box pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortDir {
    /// Input.
    Input,
    /// Output.
    Output,
    /// Bidirect.
    Inout,
}

/// A top-level port bit.
#[derive(Debug, Clone)]
pub struct Port {
    /// `name` for a 1-bit port, `name[i]` for a bus bit.
    pub name: String,
    /// Direction.
    pub dir: PortDir,
    /// Connection.
    pub conn: Conn,
}

/// A cell instance.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Instance name as Yosys wrote it (flattened hierarchy kept, e.g. `u_lanes.acc_reg`).
    pub name: String,
    /// Cell type (a Liberty cell, or a black-box module).
    pub cell: String,
    /// Pin connections: (`pin` or `pin[i]`, connection).
    pub pins: Vec<(String, Conn)>,
    /// Directions Yosys knows for this cell's ports (black boxes), by port name without index.
    pub port_dirs: HashMap<String, PortDir>,
}

/// A net.
#[derive(Debug, Clone)]
pub struct Net {
    /// Preferred (public, shortest) name, or `$<bit>` for an anonymous net.
    pub name: String,
}

/// A flat gate-level netlist.
#[derive(Debug, Clone)]
pub struct Netlist {
    /// Top module name.
    pub top: String,
    /// Top-level port bits.
    pub ports: Vec<Port>,
    /// Cell instances.
    pub instances: Vec<Instance>,
    /// Nets.
    pub nets: Vec<Net>,
    /// Every name of every net (aliases included) to its index.
    pub net_by_name: HashMap<String, usize>,
}

fn bit_name(name: &str, i: usize, width: usize, offset: i64, upto: bool) -> String {
    if width == 1 {
        name.to_string()
    } else {
        let idx = if upto {
            offset + (width - 1 - i) as i64
        } else {
            offset + i as i64
        };
        format!("{name}[{idx}]")
    }
}

fn parse_dir(s: &str) -> Option<PortDir> {
    match s {
        "input" => Some(PortDir::Input),
        "output" => Some(PortDir::Output),
        "inout" => Some(PortDir::Inout),
        _ => None,
    }
}

struct Reader<'a> {
    file: &'a str,
    bit_to_net: HashMap<u64, usize>,
    nets: Vec<Net>,
}

impl Reader<'_> {
    fn err(&self, what: impl Into<String>) -> PowerError {
        PowerError::Netlist {
            file: self.file.to_string(),
            what: what.into(),
        }
    }

    fn conn(&mut self, v: &Value, ctx: &str) -> Result<Conn> {
        match v {
            Value::Number(n) => {
                let b = n
                    .as_u64()
                    .ok_or_else(|| self.err(format!("{ctx}: bad bit {n}")))?;
                let next = self.nets.len();
                let id = *self.bit_to_net.entry(b).or_insert(next);
                if id == next {
                    self.nets.push(Net {
                        name: format!("${b}"),
                    });
                }
                Ok(Conn::Net(id))
            }
            Value::String(s) => match s.as_str() {
                "0" => Ok(Conn::Zero),
                "1" => Ok(Conn::One),
                "x" | "z" => Ok(Conn::Float),
                other => Err(self.err(format!("{ctx}: unknown constant bit '{other}'"))),
            },
            other => Err(self.err(format!("{ctx}: bit is {other}, not a number or constant"))),
        }
    }

    fn bits<'v>(&self, v: &'v Value, ctx: &str) -> Result<&'v Vec<Value>> {
        v.get("bits")
            .and_then(Value::as_array)
            .ok_or_else(|| self.err(format!("{ctx}: no 'bits' list")))
    }
}

fn find_top<'v>(
    modules: &'v serde_json::Map<String, Value>,
    top: Option<&str>,
) -> Option<(&'v String, &'v Value)> {
    if let Some(t) = top {
        return modules.get_key_value(t);
    }
    let attr_true = |m: &Value, a: &str| {
        m.get("attributes")
            .and_then(|x| x.get(a))
            .is_some_and(|v| match v {
                Value::String(s) => s.trim_start_matches('0') == "1",
                Value::Number(n) => n.as_u64() == Some(1),
                _ => false,
            })
    };
    modules
        .iter()
        .find(|(_, m)| attr_true(m, "top"))
        .or_else(|| {
            let mut real = modules.iter().filter(|(_, m)| !attr_true(m, "blackbox"));
            match (real.next(), real.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
}

impl Netlist {
    /// Reads a Yosys JSON file; `top` picks the module (default: the one marked top, or the only
    /// non-black-box module).
    pub fn from_yosys_json(path: impl AsRef<Path>, top: Option<&str>) -> Result<Netlist> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| PowerError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Netlist::from_yosys_json_str(&text, &path.display().to_string(), top)
    }

    /// Parses Yosys JSON text; `file` names it in errors.
    pub fn from_yosys_json_str(text: &str, file: &str, top: Option<&str>) -> Result<Netlist> {
        let mut r = Reader {
            file,
            bit_to_net: HashMap::new(),
            nets: Vec::new(),
        };
        let root: Value =
            serde_json::from_str(text).map_err(|e| r.err(format!("not JSON: {e}")))?;
        let modules = root
            .get("modules")
            .and_then(Value::as_object)
            .ok_or_else(|| r.err("no 'modules' object"))?;
        let (top_name, m) = find_top(modules, top).ok_or_else(|| {
            r.err(match top {
                Some(t) => format!("no module '{t}'"),
                None => "cannot tell the top module: none is marked top".to_string(),
            })
        })?;
        let empty = serde_json::Map::new();
        let obj = |k: &str| m.get(k).and_then(Value::as_object).unwrap_or(&empty);
        let mut ports = Vec::new();
        for (pname, p) in obj("ports") {
            let ctx = format!("port {pname}");
            let dir = p
                .get("direction")
                .and_then(Value::as_str)
                .and_then(parse_dir)
                .ok_or_else(|| r.err(format!("{ctx}: no direction")))?;
            let bits = r.bits(p, &ctx)?.clone();
            let offset = p.get("offset").and_then(Value::as_i64).unwrap_or(0);
            let upto = p.get("upto").and_then(Value::as_i64) == Some(1);
            for (i, b) in bits.iter().enumerate() {
                let conn = r.conn(b, &ctx)?;
                ports.push(Port {
                    name: bit_name(pname, i, bits.len(), offset, upto),
                    dir,
                    conn,
                });
            }
        }
        let mut instances = Vec::new();
        for (iname, c) in obj("cells") {
            let ctx = format!("cell {iname}");
            let cell = c
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| r.err(format!("{ctx}: no type")))?
                .to_string();
            let mut port_dirs = HashMap::new();
            if let Some(pd) = c.get("port_directions").and_then(Value::as_object) {
                for (k, v) in pd {
                    if let Some(d) = v.as_str().and_then(parse_dir) {
                        port_dirs.insert(k.clone(), d);
                    }
                }
            }
            if let Some(pd) = modules
                .get(&cell)
                .and_then(|bm| bm.get("ports"))
                .and_then(Value::as_object)
            {
                for (k, v) in pd {
                    if let Some(d) = v
                        .get("direction")
                        .and_then(Value::as_str)
                        .and_then(parse_dir)
                    {
                        port_dirs.entry(k.clone()).or_insert(d);
                    }
                }
            }
            let mut pins = Vec::new();
            let conns = c
                .get("connections")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            for (pin, bits) in conns {
                let bits = bits
                    .as_array()
                    .ok_or_else(|| r.err(format!("{ctx}: connection {pin} is not a list")))?;
                for (i, b) in bits.iter().enumerate() {
                    let conn = r.conn(b, &ctx)?;
                    pins.push((bit_name(pin, i, bits.len(), 0, false), conn));
                }
            }
            instances.push(Instance {
                name: iname.clone(),
                cell,
                pins,
                port_dirs,
            });
        }
        let mut net_by_name = HashMap::new();
        let mut best: HashMap<usize, (bool, String)> = HashMap::new();
        for (nname, n) in obj("netnames") {
            let ctx = format!("net {nname}");
            let bits = r.bits(n, &ctx)?.clone();
            let hidden = n.get("hide_name").and_then(Value::as_i64) == Some(1);
            let offset = n.get("offset").and_then(Value::as_i64).unwrap_or(0);
            let upto = n.get("upto").and_then(Value::as_i64) == Some(1);
            for (i, b) in bits.iter().enumerate() {
                if let Conn::Net(id) = r.conn(b, &ctx)? {
                    let name = bit_name(nname, i, bits.len(), offset, upto);
                    let better = match best.get(&id) {
                        None => true,
                        Some((h, old)) => {
                            (*h && !hidden) || (*h == hidden && name.len() < old.len())
                        }
                    };
                    if better {
                        best.insert(id, (hidden, name.clone()));
                    }
                    net_by_name.insert(name, id);
                }
            }
        }
        for (id, (_, name)) in best {
            r.nets[id].name = name;
        }
        Ok(Netlist {
            top: top_name.clone(),
            ports,
            instances,
            nets: r.nets,
            net_by_name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tiny_netlist() {
        let j = r#"{"modules":{"t":{"attributes":{"top":"00000000000000000000000000000001"},
          "ports":{"a":{"direction":"input","bits":[2]},"y":{"direction":"output","bits":[3]}},
          "cells":{"u.g":{"type":"INVX1","connections":{"A":[2],"Y":[3]}}},
          "netnames":{"a":{"hide_name":0,"bits":[2]},"y":{"hide_name":0,"bits":[3]}}}}}"#;
        let n = Netlist::from_yosys_json_str(j, "t.json", None).unwrap();
        assert_eq!(n.top, "t");
        assert_eq!(n.instances.len(), 1);
        assert_eq!(n.nets[n.net_by_name["y"]].name, "y");
        assert!(Netlist::from_yosys_json_str("{}", "x.json", None).is_err());
    }
}

//! The ports of a module in Verilog with an ANSI header, as cimtile writes its top module.

use crate::CosimError;

/// Which way a port carries values, seen from the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    /// Driven by the host (`input`).
    Input,
    /// Driven by the module (`output`).
    Output,
}

/// One port of a module's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The Verilog name.
    pub name: String,
    /// `input` or `output`.
    pub direction: Direction,
    /// Width in bits (1 for a scalar).
    pub width: usize,
}

impl Port {
    /// The member name Verilator gives the port in C++ (`$` becomes `__024`).
    pub fn cpp_name(&self) -> String {
        self.name.replace('$', "__024")
    }
}

/// The ports of module `top`, in header order, from an ANSI header (as cimtile writes it):
/// `module m (input wire clock, output wire [7:0] y);`.
pub fn module_ports(verilog: &str, top: &str) -> Result<Vec<Port>, CosimError> {
    let start = verilog
        .find(&format!("module {top} ("))
        .ok_or_else(|| CosimError::Ports(format!("no module '{top}'")))?;
    let body = &verilog[start..];
    let open = body.find('(').expect("found with the module name");
    let close = body
        .find(");")
        .ok_or_else(|| CosimError::Ports("unterminated module header".into()))?;
    body[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|decl| {
            let direction = if decl.starts_with("input") {
                Direction::Input
            } else if decl.starts_with("output") {
                Direction::Output
            } else {
                return Err(CosimError::Ports(format!(
                    "'{decl}' is not a port declaration"
                )));
            };
            let name = decl
                .split_whitespace()
                .last()
                .expect("a declaration has words")
                .to_string();
            let width = match (decl.find('['), decl.find(":0]")) {
                (Some(open), Some(close)) if open < close => decl[open + 1..close]
                    .trim()
                    .parse::<usize>()
                    .map(|msb| msb + 1)
                    .map_err(|_| CosimError::Ports(format!("cannot read the width of '{decl}'")))?,
                _ => 1,
            };
            Ok(Port {
                name,
                direction,
                width,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ansi_headers() {
        let v = "module other (input wire x);\nendmodule\nmodule t (\n    input  wire clock,\n    input  wire [15:0] a$b,\n    input wire [99:0] wide,\n    output reg  [31:0] y\n);\n  reg  [3:0] local;\nendmodule";
        let ports = module_ports(v, "t").unwrap();
        assert_eq!(
            ports
                .iter()
                .map(|p| (p.name.as_str(), p.width, p.direction == Direction::Input))
                .collect::<Vec<_>>(),
            vec![
                ("clock", 1, true),
                ("a$b", 16, true),
                ("wide", 100, true),
                ("y", 32, false)
            ]
        );
        assert_eq!(ports[1].cpp_name(), "a__024b");
        assert!(module_ports(v, "missing").is_err());
    }
}

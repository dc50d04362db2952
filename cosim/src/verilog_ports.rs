//! The ports of a module in Verilog with non-ANSI headers (as rust-hdl writes them):
//! `module m(a,b);` followed by `input wire [15:0] a;` declarations.

use crate::CosimError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    Input,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The Verilog name.
    pub name: String,
    pub direction: Direction,
    pub width: usize,
}

impl Port {
    /// The member name Verilator gives the port in C++ (`$` becomes `__024`).
    pub fn cpp_name(&self) -> String {
        self.name.replace('$', "__024")
    }
}

/// The ports of module `top`, in header order.
pub fn module_ports(verilog: &str, top: &str) -> Result<Vec<Port>, CosimError> {
    let start = verilog
        .find(&format!("module {top}("))
        .ok_or_else(|| CosimError::Ports(format!("no module '{top}'")))?;
    let body = &verilog[start..];
    let body = &body[..body.find("endmodule").ok_or_else(|| CosimError::Ports(format!("module '{top}' has no endmodule")))?];
    let header_end = body.find(");").ok_or_else(|| CosimError::Ports("unterminated module header".into()))?;
    let names: Vec<&str> = body[top.len() + 8..header_end].split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
    let mut ports = Vec::with_capacity(names.len());
    for name in names {
        let decl = body[header_end..]
            .lines()
            .map(str::trim)
            .find(|l| {
                (l.starts_with("input ") || l.starts_with("output ")) && l.trim_end_matches(';').split_whitespace().last() == Some(name)
            })
            .ok_or_else(|| CosimError::Ports(format!("port '{name}' has no declaration")))?;
        let direction = if decl.starts_with("input") { Direction::Input } else { Direction::Output };
        let width = match (decl.find('['), decl.find(":0]")) {
            (Some(open), Some(close)) if open < close => decl[open + 1..close]
                .trim()
                .parse::<usize>()
                .map(|msb| msb + 1)
                .map_err(|_| CosimError::Ports(format!("cannot read the width of '{decl}'")))?,
            _ => 1,
        };
        ports.push(Port { name: name.to_string(), direction, width });
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_non_ansi_headers() {
        let v = "module other(x);\n input wire x;\nendmodule\nmodule t(clock,a$b,wide,y);\n    input wire  clock;\n    input wire  [15:0] a$b;\n    input wire  [99:0] wide;\n    output reg  [31:0] y;\n  reg  [3:0] local;\nendmodule";
        let ports = module_ports(v, "t").unwrap();
        assert_eq!(
            ports.iter().map(|p| (p.name.as_str(), p.width, p.direction == Direction::Input)).collect::<Vec<_>>(),
            vec![("clock", 1, true), ("a$b", 16, true), ("wide", 100, true), ("y", 32, false)]
        );
        assert_eq!(ports[1].cpp_name(), "a__024b");
        assert!(module_ports(v, "missing").is_err());
    }
}

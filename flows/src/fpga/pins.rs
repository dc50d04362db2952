//! The ports of the generated top, and the serial wrapper that fits them onto a package with
//! fewer pins than the top has port bits.

/// A port of the top module, from its generated header.
pub(crate) struct Port {
    pub(crate) output: bool,
    pub(crate) name: String,
    pub(crate) bits: u32,
}

/// The header of the first module in `text`: from `module` to the end of its port list.
pub(crate) fn header(text: &str) -> &str {
    text.split_once("\nmodule ")
        .map_or("", |(_, rest)| rest.split(");").next().unwrap_or(""))
}

/// The ports of the module in `text` (the generator writes one port per line:
/// `input  wire [15:0] prog_mult,`); a width that is not a number counts 0 bits.
pub(crate) fn ports(text: &str) -> Vec<Port> {
    header(text)
        .lines()
        .filter_map(|line| {
            let mut words = line
                .trim()
                .trim_end_matches(',')
                .split_whitespace()
                .filter(|w| *w != "wire" && *w != "reg");
            let output = match words.next()? {
                "input" => false,
                "output" => true,
                _ => return None,
            };
            let (range, name) = match (words.next()?, words.next()) {
                (range, Some(name)) => (Some(range), name),
                (name, None) => (None, name),
            };
            let bits = match range {
                None => 1,
                Some(r) => r
                    .trim_start_matches('[')
                    .split(':')
                    .next()
                    .and_then(|hi| hi.parse::<u32>().ok())
                    .map_or(0, |hi| hi + 1),
            };
            Some(Port {
                output,
                name: name.to_string(),
                bits,
            })
        })
        .collect()
}

/// A wrapper for a package with fewer pins than the top has port bits: every tile input
/// (but the clock) comes from a shift register fed by one pin, and every output is captured
/// into a shift register read out on one pin. It adds flip-flops, and the figures say so.
pub(crate) fn pin_wrapper(top: &str, ports: &[Port]) -> (String, String) {
    let name = format!("{top}_fpga_pins");
    let inputs: Vec<&Port> = ports
        .iter()
        .filter(|p| !p.output && p.name != "clock")
        .collect();
    let outputs: Vec<&Port> = ports.iter().filter(|p| p.output).collect();
    let in_bits: u32 = inputs.iter().map(|p| p.bits).sum::<u32>().max(2);
    let out_bits: u32 = outputs.iter().map(|p| p.bits).sum::<u32>().max(2);
    let mut v = format!(
        "`default_nettype none\n// {name}: written by `cimtile fpga` because the package has fewer pins than {top} has port bits.\n\
         // Inputs arrive serially through a {in_bits}-bit shift register; outputs are captured on `load` and\n\
         // shifted out. Not part of the tile: it only lets the design place on the package.\n\
         module {name} (\n    input wire clock,\n    input wire ser_in,\n    input wire load,\n    output wire ser_out\n);\n\
         \x20   reg [{}:0] in_chain;\n    reg [{}:0] out_chain;\n",
        in_bits - 1,
        out_bits - 1
    );
    let mut at = 0;
    let mut connections = vec![".clock(clock)".to_string()];
    for p in &inputs {
        connections.push(format!(".{}(in_chain[{}:{}])", p.name, at + p.bits - 1, at));
        at += p.bits;
    }
    for p in &outputs {
        v += &format!("    wire [{}:0] tile_{};\n", p.bits - 1, p.name);
        connections.push(format!(".{}(tile_{})", p.name, p.name));
    }
    let captured: Vec<String> = outputs.iter().map(|p| format!("tile_{}", p.name)).collect();
    let pad = out_bits - outputs.iter().map(|p| p.bits).sum::<u32>();
    let captured = if pad > 0 {
        format!("{{{pad}'d0, {}}}", captured.join(", "))
    } else {
        format!("{{{}}}", captured.join(", "))
    };
    v += &format!(
        "    {top} tile (\n        {}\n    );\n",
        connections.join(",\n        ")
    );
    v += &format!(
        "    always @(posedge clock) begin\n        in_chain <= {{in_chain[{}:0], ser_in}};\n        \
         if (load) out_chain <= {captured};\n        else out_chain <= {{out_chain[{}:0], 1'b0}};\n    end\n\
         \x20   assign ser_out = out_chain[{}];\nendmodule\n`default_nettype wire\n",
        in_bits - 2,
        out_bits - 2,
        out_bits - 1
    );
    (name, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fpga::design::top_text;

    #[test]
    fn ports_of_the_generated_top() {
        let rtl = cimtile_hdl::generate(&Default::default());
        let top = rtl.files.iter().find(|f| f.name == "cim_tile.v").unwrap();
        let ports = ports(&top.text);
        assert_eq!(
            ports
                .iter()
                .find(|p| p.name == "prog_bias")
                .map(|p| (p.bits, p.output)),
            Some((32, false))
        );
        assert_eq!(
            ports
                .iter()
                .find(|p| p.name == "done")
                .map(|p| (p.bits, p.output)),
            Some((1, true))
        );
        assert_eq!(ports.iter().map(|p| p.bits).sum::<u32>(), 97);
    }

    #[test]
    fn pin_wrapper_feeds_every_port() {
        let rtl = cimtile_hdl::generate(&Default::default());
        let ports = ports(top_text(&rtl));
        let (name, text) = pin_wrapper(&rtl.top, &ports);
        assert_eq!(name, "cim_tile_fpga_pins");
        // 97 port bits: the clock, 72 input bits into the chain, 24 output bits out of it.
        assert!(
            text.contains("reg [71:0] in_chain;") && text.contains("reg [23:0] out_chain;"),
            "{text}"
        );
        for p in &ports {
            assert!(
                text.contains(&format!(".{}(", p.name)),
                "{} unconnected: {text}",
                p.name
            );
        }
        assert_eq!(super::ports(&text).iter().map(|p| p.bits).sum::<u32>(), 4);
    }
}

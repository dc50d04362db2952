//! The registered stand-in that takes the analog crossbar macro's place on an FPGA, where the
//! array has no form: the timing measured is the periphery's, not the stand-in's.

use anyhow::{bail, Result};

/// The registered stand-in for the crossbar macro. `MODULE` is replaced by the macro's name and
/// `PARAMETERS` by the parameters the top passes to the macro (`stand_in`), so the stand-in
/// follows the top without copying the behavioral macro's header. Its ports are the macro's;
/// a unit test keeps them equal.
const STAND_IN: &str = r#"`default_nettype none
// MODULE: REGISTERED STAND-IN for the analog crossbar macro, written by `cimtile fpga` for
// FPGA timing only. It is not the array: codes are an LFSR folded with the sampled drive, not
// conversions. Its inputs land in registers and its outputs leave registers, so the paths
// nextpnr times start and end in the periphery. The simulation-only ports are left unused,
// as silicon leaves them.
module MODULE #(
PARAMETERS
) (
    input  wire                     clock,
    input  wire                     reset,
    input  wire                     prog_en,
    input  wire [ROW_BITS-1:0]      prog_row,
    input  wire [COL_BITS-1:0]      prog_col,
    input  wire [CELL_BITS-1:0]     prog_level,
    input  wire                     conv_start,
    input  wire [ROWS_PER_READ-1:0] row_drive,
    input  wire [GROUP_BITS-1:0]    conv_group,
    input  wire [PHASE_BITS-1:0]    conv_phase,
    input  wire [31:0]              sim_mvm,
    input  wire [BIT_BITS-1:0]      sim_bit,
    output reg                      code_valid,
    output reg  [ADCS*ADC_BITS-1:0] codes
);
    localparam integer W = ADCS * ADC_BITS;
    // W = 1 has no rotation; a 2-bit state keeps the fold below well formed.
    localparam integer S = (W < 2) ? 2 : W;
    reg [ROWS_PER_READ+GROUP_BITS+PHASE_BITS-1:0] sampled;
    reg [ROW_BITS+COL_BITS+CELL_BITS:0] programmed;
    reg [S-1:0] state;
    // The macro's latency: code_valid ADC_LATENCY cycles after each conv_start, with the
    // conversions in flight in a shift register (a pipelined ADC has several).
    reg [ADC_LATENCY:1] started;
    wire [ADC_LATENCY+1:1] started_next = {started, conv_start};
    always @(posedge clock) begin
        if (conv_start) sampled <= {row_drive, conv_group, conv_phase};
        programmed <= {prog_en, prog_row, prog_col, prog_level};
        // Every input bit reaches the codes, so synthesis keeps all the periphery feeding them.
        if (reset) state <= {{(S-1){1'b0}}, 1'b1};
        else state <= {state[S-2:0], state[S-1] ^ (^sampled) ^ (^programmed)};
        if (reset) begin
            started <= {ADC_LATENCY{1'b0}};
            code_valid <= 1'b0;
        end else begin
            started <= started_next[ADC_LATENCY:1];
            code_valid <= started_next[ADC_LATENCY];
        end
        if (started_next[ADC_LATENCY]) codes <= state[W-1:0];
    end
    wire unused_simulation_ports = ^{sim_mvm, sim_bit};
endmodule
`default_nettype wire
"#;

/// The parameters the stand-in's logic uses: the top must pass each of them to the macro.
const STAND_IN_USES: &[&str] = &[
    "ROWS_PER_READ",
    "ADCS",
    "ADC_BITS",
    "ADC_LATENCY",
    "CELL_BITS",
    "ROW_BITS",
    "COL_BITS",
    "GROUP_BITS",
    "PHASE_BITS",
    "BIT_BITS",
];

/// The stand-in for `module`, declaring every parameter the top's instance of it overrides
/// (`.NAME(value)` lines of its `#(` list), with the top's value as the default.
pub(crate) fn stand_in(module: &str, top: &str) -> Result<String> {
    let overrides = top
        .split_once(&format!("{module} #("))
        .map_or("", |(_, rest)| rest.split(") ").next().unwrap_or(""));
    let params: Vec<(&str, &str)> = overrides
        .lines()
        .filter_map(|l| {
            l.trim()
                .trim_end_matches(',')
                .strip_prefix('.')?
                .strip_suffix(')')?
                .split_once('(')
        })
        .collect();
    if let Some(missing) = STAND_IN_USES
        .iter()
        .find(|p| !params.iter().any(|(name, _)| name == *p))
    {
        bail!("the top's instance of {module} passes no parameter {missing}, which the FPGA stand-in needs");
    }
    let declared: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("    parameter {name} = {value}"))
        .collect();
    Ok(STAND_IN
        .replace("MODULE", module)
        .replace("PARAMETERS", &declared.join(",\n")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fpga::design::top_text;
    use crate::fpga::pins::{header, ports};
    use cimtile_hdl::FileRole;

    /// `parameter ... NAME =` names of a module's header.
    fn parameters(text: &str) -> Vec<String> {
        header(text)
            .lines()
            .filter_map(|l| l.trim().strip_prefix("parameter "))
            .filter_map(|l| {
                l.split('=')
                    .next()?
                    .split_whitespace()
                    .last()
                    .map(String::from)
            })
            .collect()
    }

    #[test]
    fn stand_in_has_the_macro_interface() {
        let rtl = cimtile_hdl::generate(&Default::default());
        let behavioral = rtl
            .files
            .iter()
            .find(|f| f.role == FileRole::Macro)
            .unwrap();
        let stand_in = stand_in("cim_crossbar_macro", top_text(&rtl)).unwrap();
        let names = |text: &str| ports(text).into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert!(names(&behavioral.text).len() > 10);
        assert_eq!(names(&stand_in), names(&behavioral.text));
        let (declared, accepted) = (parameters(&stand_in), parameters(&behavioral.text));
        assert!(
            STAND_IN_USES
                .iter()
                .all(|p| declared.iter().any(|d| d == p)),
            "{declared:?}"
        );
        assert!(
            declared.iter().all(|p| accepted.contains(p)),
            "{declared:?} not all in {accepted:?}"
        );
    }
}

//! The Verilog handed to Yosys: the periphery, the stand-in for the macro where the array is not
//! emulated, and the pin wrapper where the package is short of pins.

use super::pins::{pin_wrapper, ports};
use super::stand_in::stand_in;
use super::{Family, Target};
use anyhow::{Context, Result};
use cimtile_hdl::{FileRole, GeneratedRtl};
use std::path::Path;

/// The text of the generated top module.
pub(crate) fn top_text(generated: &GeneratedRtl) -> &str {
    generated
        .files
        .iter()
        .find(|f| f.name == format!("{}.v", generated.top))
        .map_or("", |f| f.text.as_str())
}

/// The Verilog handed to Yosys.
pub(crate) struct Design {
    /// The module to synthesize: the tile's top, or the pin wrapper around it.
    pub(crate) top: String,
    /// The files, in compilation order.
    pub(crate) files: Vec<String>,
    /// The top's port bits and the package's pins, where the pin wrapper was needed.
    pub(crate) wrapped: Option<(u32, u32)>,
    /// Whether a stand-in replaces the behavioral macro (otherwise the whole tile is placed).
    pub(crate) stand_in: bool,
}

/// Writes the periphery, the stand-in and (where the package is short of pins) the pin wrapper
/// into `dir`.
pub(crate) fn write_design(
    generated: &GeneratedRtl,
    target: &Target,
    dir: &Path,
) -> Result<Design> {
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("cannot write '{}'", dir.join(name).display()))
    };
    let mut files = Vec::new();
    for f in generated
        .files
        .iter()
        .filter(|f| f.role == FileRole::Periphery)
    {
        write(&f.name, &f.text)?;
        files.push(f.name.clone());
    }
    // The behavioral macro is simulation only; the emulated one is periphery, written above.
    let stand_in_needed = generated.files.iter().any(|f| f.role == FileRole::Macro);
    if stand_in_needed {
        let manifest = &generated.manifest;
        write(
            &manifest.macro_file,
            &stand_in(manifest.macro_module(), top_text(generated))?,
        )?;
        files.push(manifest.macro_file.clone());
    }
    let top_ports = ports(top_text(generated));
    let pins: u32 = top_ports.iter().map(|p| p.bits).sum();
    match target.io_pins() {
        Some(available) if target.family == Family::Ice40 && pins > available => {
            let (name, text) = pin_wrapper(&generated.top, &top_ports);
            write(&format!("{name}.v"), &text)?;
            files.push(format!("{name}.v"));
            Ok(Design {
                top: name,
                files,
                wrapped: Some((pins, available)),
                stand_in: stand_in_needed,
            })
        }
        _ => Ok(Design {
            top: generated.top.clone(),
            files,
            wrapped: None,
            stand_in: stand_in_needed,
        }),
    }
}

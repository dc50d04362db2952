//! The Verilog handed to Yosys: the periphery, the stand-in for the macro where the array is not
//! emulated, and the pin wrapper where the package is short of pins.

use super::pins::{pin_wrapper, ports};
use super::stand_in::stand_in;
use super::{Chip, Family, Target};
use anyhow::{Context, Result};
use cimtile_hdl::{FileRole, GeneratedRtl, RtlFile};
use std::path::Path;

/// The text of the module `top` among `files` (the generator writes one module per file,
/// named after it).
pub(crate) fn module_text<'a>(files: impl IntoIterator<Item = &'a RtlFile>, top: &str) -> &'a str {
    files
        .into_iter()
        .find(|f| f.name == format!("{top}.v"))
        .map_or("", |f| f.text.as_str())
}

/// The text of the generated top module.
pub(crate) fn top_text(generated: &GeneratedRtl) -> &str {
    module_text(&generated.files, &generated.top)
}

/// The Verilog handed to Yosys.
pub(crate) struct Design {
    /// The module to synthesize: the tile's or the chip's top, or the pin wrapper around it.
    pub(crate) top: String,
    /// The files, in compilation order.
    pub(crate) files: Vec<String>,
    /// The top's port bits and the package's pins, where the pin wrapper was needed.
    pub(crate) wrapped: Option<(u32, u32)>,
    /// Whether a stand-in replaces the behavioral macro (otherwise the whole tile is placed).
    pub(crate) stand_in: bool,
}

/// Writes the periphery of `generated` (the tile), the stand-in, the files of the `chip` of such
/// tiles where one is placed, and (where the package is short of pins) the pin wrapper into `dir`.
pub(crate) fn write_design(
    generated: &GeneratedRtl,
    chip: Option<&Chip>,
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
    let (top, top_text) = match chip {
        Some(chip) => {
            for f in chip.files {
                write(&f.name, &f.text)?;
                files.push(f.name.clone());
            }
            (chip.top.to_string(), module_text(chip.files, chip.top))
        }
        None => (generated.top.clone(), top_text(generated)),
    };
    let top_ports = ports(top_text);
    let pins: u32 = top_ports.iter().map(|p| p.bits).sum();
    match target.io_pins() {
        Some(available) if target.family == Family::Ice40 && pins > available => {
            let (name, text) = pin_wrapper(&top, &top_ports);
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
            top,
            files,
            wrapped: None,
            stand_in: stand_in_needed,
        }),
    }
}

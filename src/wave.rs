//! `cimtile wave`: a waveform as a table, for reading a VCD without a viewer.

use crate::cli::WaveArgs;
use anyhow::{bail, Result};
use cimtile_cosim::waveform::read_waveform;
use std::process::ExitCode;

pub fn wave(args: &WaveArgs) -> Result<ExitCode> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            bail!("--from {from} is after --to {to}");
        }
    }
    let wave = read_waveform(&args.file, args.signals.as_deref(), args.from, args.to)?;
    print!("{}", wave.table());
    Ok(ExitCode::SUCCESS)
}

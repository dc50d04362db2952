//! `cimtile faults`: the tile's stuck cells (spec v2 section 6), one CSV line each, so that a
//! host can map weights around them.

use crate::cli::FaultsArgs;
use crate::tile_source;
use anyhow::Result;
use cimtile_tile::golden::device::{fault_map, Stuck};
use std::process::ExitCode;

pub fn faults(args: &FaultsArgs) -> Result<ExitCode> {
    let tile = tile_source::load(&args.tile)?;
    let mut csv = String::from("row,phys_col,col,slice,polarity,stuck\n");
    for cell in fault_map(&tile.params) {
        let polarity = if cell.polarity == 0 { '+' } else { '-' };
        let stuck = match cell.stuck {
            Stuck::Off => "off",
            Stuck::On => "on",
        };
        csv += &format!(
            "{},{},{},{},{polarity},{stuck}\n",
            cell.row, cell.phys_col, cell.col, cell.slice
        );
    }
    match &args.out {
        Some(path) => tile_source::write_text(path, &csv)?,
        None => print!("{csv}"),
    }
    Ok(ExitCode::SUCCESS)
}

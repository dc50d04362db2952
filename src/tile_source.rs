//! Loading a tile's configuration and data files named on the command line.

use crate::cli::{Age, TileArgs};
use anyhow::{anyhow, Context, Result};
use cimtile_tile::aging;
use cimtile_tile::config::{ConfigError, TileConfig, TileParams};
use cimtile_tile::data::{self, ColumnParams, Weights};
use std::path::Path;

/// A validated tile and where it came from.
#[derive(Clone)]
pub struct Tile {
    pub params: TileParams,
    /// `preset 'isaac'`, `'x.toml'` or `'x.toml' over preset 'isaac'`.
    pub origin: String,
    /// With `--age`: how the age became `analog.drift`, for the user to reproduce.
    pub aging: Option<String>,
}

impl Tile {
    /// The tile `age` after programming: `analog.drift` from the configuration's drift law
    /// `g(t) = g(t0) (t/t0)^-nu`, replacing the file's value.
    pub fn aged(mut self, age: Option<&Age>) -> Result<Tile> {
        let Some(age) = age else { return Ok(self) };
        let (config, how) =
            aging::aged(self.params.config(), age).map_err(|e| invalid(&self.origin, e))?;
        self.params = config.validate().map_err(|e| invalid(&self.origin, e))?;
        self.aging = Some(how);
        Ok(self)
    }
}

pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read '{}'", path.display()))
}

pub fn load(args: &TileArgs) -> Result<Tile> {
    let preset = args.preset.as_deref();
    let (config, origin) = match &args.config {
        None => {
            let name = preset.unwrap_or("default");
            (TileConfig::from_preset(name)?, format!("preset '{name}'"))
        }
        Some(path) => {
            let origin = match preset {
                Some(name) => format!("'{}' over preset '{name}'", path.display()),
                None => format!("'{}'", path.display()),
            };
            let text = read_text(path)?;
            let config = TileConfig::layered(preset, &text).map_err(|e| invalid(&origin, e))?;
            (config, origin)
        }
    };
    let params = config.validate().map_err(|e| invalid(&origin, e))?;
    Ok(Tile {
        params,
        origin,
        aging: None,
    })
}

/// Every problem of a configuration on one line, after where it came from.
fn invalid(origin: &str, e: ConfigError) -> anyhow::Error {
    anyhow!("invalid tile config {origin}: {}", e.problems.join("; "))
}

pub fn weights(p: &TileParams, path: &Path) -> Result<Weights> {
    Ok(data::parse_weights(
        p,
        &read_text(path)?,
        &path.display().to_string(),
    )?)
}

pub fn inputs(p: &TileParams, path: &Path) -> Result<Vec<Vec<i32>>> {
    Ok(data::parse_inputs(
        p,
        &read_text(path)?,
        &path.display().to_string(),
    )?)
}

pub fn columns(p: &TileParams, path: Option<&Path>) -> Result<Vec<ColumnParams>> {
    match path {
        None => Ok(vec![ColumnParams::default(); p.cols()]),
        Some(path) => Ok(data::parse_columns(
            p,
            &read_text(path)?,
            &path.display().to_string(),
        )?),
    }
}

pub fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write '{}'", path.display()))
}

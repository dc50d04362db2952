//! A sweep's points: `--set KEY=VALUES` parsed, their cross product enumerated, a shard chosen.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

/// One `--set`: a key and its values, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// A configuration key (`adc.bits`) or one of the job's own keys (`model`, `age`).
    pub key: String,
    /// Its values as written, ranges expanded, none repeated.
    pub values: Vec<String>,
}

/// Parses `KEY=VALUES`: VALUES a comma-separated list whose items are values or inclusive integer
/// ranges `a..b` (`3..8` is 3, 4, 5, 6, 7, 8).
pub fn parse_set(text: &str) -> Result<Axis> {
    let Some((key, values)) = text.split_once('=') else {
        bail!(
            "--set {text}: expected KEY=VALUES, such as adc.bits=3..8 or analog.read_noise=0,2,4"
        );
    };
    let key = key.trim();
    if key.is_empty() {
        bail!("--set {text}: the key is empty");
    }
    let mut out = Vec::new();
    for item in values.split(',').map(str::trim) {
        if item.is_empty() {
            bail!("--set {text}: empty value (VALUES is a list such as 3,4,6 or a range such as 3..8)");
        }
        if item.contains(['"', '\n', '\r']) {
            bail!("--set {text}: values cannot contain quotes or line breaks");
        }
        match item.split_once("..") {
            Some((a, b)) => {
                let (Ok(a), Ok(b)) = (a.trim().parse::<i64>(), b.trim().parse::<i64>()) else {
                    bail!(
                        "--set {text}: '{item}' is not a range of integers (a..b, both included)"
                    );
                };
                if a > b {
                    bail!("--set {text}: the range {item} is empty (a..b needs a <= b; both ends are included)");
                }
                out.extend((a..=b).map(|v| v.to_string()));
            }
            None => out.push(item.to_string()),
        }
    }
    if let Some(v) = out
        .iter()
        .enumerate()
        .find_map(|(i, v)| out[..i].contains(v).then_some(v))
    {
        bail!("--set {text}: the value {v} appears twice");
    }
    Ok(Axis {
        key: key.to_string(),
        values: out,
    })
}

/// Every `--set`, checked for repeated keys.
pub fn parse_sets(sets: &[String]) -> Result<Vec<Axis>> {
    let axes: Vec<Axis> = sets.iter().map(|s| parse_set(s)).collect::<Result<_>>()?;
    if let Some(a) = axes
        .iter()
        .enumerate()
        .find_map(|(i, a)| axes[..i].iter().any(|b| b.key == a.key).then_some(a))
    {
        bail!("--set {}: the key is set twice", a.key);
    }
    Ok(axes)
}

/// Point `index` of the cross product, the first axis varying slowest: one value per axis.
pub fn point(axes: &[Axis], mut index: usize) -> Vec<String> {
    let mut values = vec![String::new(); axes.len()];
    for (slot, axis) in values.iter_mut().zip(axes).rev() {
        *slot = axis.values[index % axis.values.len()].clone();
        index /= axis.values.len();
    }
    values
}

/// Points of the cross product of `axes`: the product of their value counts.
pub fn point_count(axes: &[Axis]) -> usize {
    axes.iter().map(|a| a.values.len()).product()
}

/// `--shard I/N`: this run takes the points whose index modulo N is I (0-based, as
/// `SLURM_ARRAY_TASK_ID` with `--array=0-(N-1)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// I: this run's shard, 0-based, below `count`.
    pub index: usize,
    /// N: shards the sweep is split into (at least 1).
    pub count: usize,
}

impl Shard {
    /// The whole sweep as one shard.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `--shard I/N`; an error names the text and the allowed range of I.
    pub fn parse(text: &str) -> Result<Shard> {
        let parsed = text.split_once('/').and_then(|(i, n)| {
            Some((
                i.trim().parse::<usize>().ok()?,
                n.trim().parse::<usize>().ok()?,
            ))
        });
        let Some((index, count)) = parsed else {
            bail!("--shard {text}: expected I/N, such as 0/4 (I is 0-based: 0..N-1)");
        };
        if count == 0 || index >= count {
            bail!("--shard {text}: I must be in 0..={} (0-based, as SLURM_ARRAY_TASK_ID with --array=0-{})", count.max(1) - 1, count.max(1) - 1);
        }
        Ok(Shard { index, count })
    }

    /// Whether point index `point` belongs to this shard.
    pub fn holds(&self, point: usize) -> bool {
        point % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_inclusive_ranges() {
        assert_eq!(
            parse_set("adc.bits=3..5,8").unwrap().values,
            ["3", "4", "5", "8"]
        );
        assert_eq!(
            parse_set("output.activation=none,relu").unwrap().values,
            ["none", "relu"]
        );
        assert!(parse_set("adc.bits=8..3")
            .unwrap_err()
            .to_string()
            .contains("the range 8..3 is empty"));
        assert!(parse_set("adc.bits")
            .unwrap_err()
            .to_string()
            .contains("expected KEY=VALUES"));
        assert!(parse_set("adc.bits=3,,4")
            .unwrap_err()
            .to_string()
            .contains("empty value"));
        assert!(parse_set("adc.bits=3,3")
            .unwrap_err()
            .to_string()
            .contains("appears twice"));
        assert!(parse_set("adc.bits=a..4")
            .unwrap_err()
            .to_string()
            .contains("not a range of integers"));
    }

    #[test]
    fn points_enumerate_the_cross_product_first_axis_slowest() {
        let axes = parse_sets(&["a.x=1,2".into(), "b.y=5..7".into()]).unwrap();
        assert_eq!(point_count(&axes), 6);
        assert_eq!(point(&axes, 0), ["1", "5"]);
        assert_eq!(point(&axes, 2), ["1", "7"]);
        assert_eq!(point(&axes, 3), ["2", "5"]);
        assert!(parse_sets(&["a.x=1".into(), "a.x=2".into()]).is_err());
    }

    #[test]
    fn shards_are_zero_based() {
        let s = Shard::parse("1/3").unwrap();
        assert!(s.holds(1) && s.holds(4) && !s.holds(3));
        assert!(Shard::parse("3/2")
            .unwrap_err()
            .to_string()
            .contains("I must be in 0..=1"));
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("x").is_err());
    }
}

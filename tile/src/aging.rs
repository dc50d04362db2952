//! A tile's age: a time since programming as a person writes it (`30d`, `1y`), and the aged
//! configuration, whose `analog.drift` follows from the configuration's drift law
//! `g(t) = g(t0) (t/t0)^-nu` (see [`DriftLaw`](crate::config::DriftLaw)).

use crate::config::{ConfigError, TileConfig};

/// A duration as written and in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Age {
    /// The text it was parsed from (`30d`), for messages.
    pub text: String,
    /// The duration in seconds.
    pub seconds: f64,
}

/// `90s`, `1h`, `30d`, `2w`, `1y`, `1.5y`: a non-negative number and one unit (s, m, h, d, w,
/// y = 365.25 d).
pub fn parse_age(text: &str) -> Result<Age, String> {
    const UNITS: [(char, f64); 6] = [
        ('s', 1.0),
        ('m', 60.0),
        ('h', 3600.0),
        ('d', 86400.0),
        ('w', 604800.0),
        ('y', 31_557_600.0),
    ];
    let bad = || {
        format!("'{text}' is not a duration: expected a number and a unit s, m, h, d, w or y (90s, 1h, 30d, 2w, 1y)")
    };
    let unit = text.chars().last().ok_or_else(bad)?;
    let (_, scale) = UNITS.iter().find(|(u, _)| *u == unit).ok_or_else(bad)?;
    let number: f64 = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| bad())?;
    if !number.is_finite() || number < 0.0 {
        return Err(bad());
    }
    Ok(Age {
        text: text.to_string(),
        seconds: number * scale,
    })
}

/// `config` aged by `age`: `analog.drift` from its drift law (replacing its value), and how the
/// drift was computed, for the user to reproduce.
pub fn aged(config: &TileConfig, age: &Age) -> Result<(TileConfig, String), ConfigError> {
    let law = config.drift_law()?;
    let drift = law.drift_at(age.seconds);
    let mut aged = config.clone();
    aged.analog.drift = drift as i64;
    let formula = if age.seconds > law.t0 {
        format!(
            "round(65536 * (1 - ({} / {})^-{}))",
            age.seconds, law.t0, law.nu
        )
    } else {
        format!("0 (t <= t0 = {} s)", law.t0)
    };
    let how = format!(
        "age {} = {} s: analog.drift = {formula} = {drift} (drift law g(t) = g(t0) (t/t0)^-nu, analog.drift_t0 = {} s, analog.drift_nu = {})",
        age.text, age.seconds, law.t0, law.nu
    );
    Ok((aged, how))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse_with_their_units() {
        assert_eq!(parse_age("90s").unwrap().seconds, 90.0);
        assert_eq!(parse_age("1.5y").unwrap().seconds, 1.5 * 31_557_600.0);
        for bad in ["", "5", "-1d", "1x", "d", "infd", "1µ"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_age_before_t0_leaves_the_drift_at_zero() {
        let config = TileConfig::default();
        let (aged, how) = aged(&config, &parse_age("0s").unwrap()).unwrap();
        assert_eq!(aged.analog.drift, 0);
        assert!(how.contains("t <= t0"), "{how}");
    }
}

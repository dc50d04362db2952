//! The drift law: a time since programming turned into the spec's drift D.

/// The host-side conversion of a time since programming into the spec's drift D, from the
/// power law `g(t) = g(t0) * (t/t0)^-nu`: `D = round(65536 * (1 - (t/t0)^-nu))` for t > t0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriftLaw {
    /// t0 in seconds.
    pub t0: f64,
    /// The exponent nu, 0..=1 (dimensionless).
    pub nu: f64,
}

impl DriftLaw {
    /// Checks `analog.drift_t0` (positive seconds) and `analog.drift_nu` (0..=1).
    pub fn new(t0: f64, nu: f64) -> Result<Self, String> {
        if !(t0.is_finite() && t0 > 0.0) {
            return Err(format!(
                "analog.drift_t0 must be a positive number of seconds, not {t0}"
            ));
        }
        if !(0.0..=1.0).contains(&nu) {
            return Err(format!("analog.drift_nu must be in 0..=1, not {nu}"));
        }
        Ok(DriftLaw { t0, nu })
    }

    /// D after `seconds` since programming.
    pub fn drift_at(&self, seconds: f64) -> u32 {
        if seconds <= self.t0 {
            return 0;
        }
        (65536.0 * (1.0 - (seconds / self.t0).powf(-self.nu))).round() as u32
    }
}

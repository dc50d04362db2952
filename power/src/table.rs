//! Liberty lookup tables (`rise_power`, `rise_transition`, ...) and their interpolation.
//!
//! Lookup is OpenSTA's: linear in each axis between the two bracketing index points, and linear
//! extrapolation from the end segment outside the table. Axes are stored in SI units (seconds,
//! farads); values in SI units too (joules for power tables, seconds for transitions).

use serde::Serialize;

/// What a table axis indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Var {
    /// `input_transition_time` / `input_net_transition`: the input slew.
    InputSlew,
    /// `total_output_net_capacitance`: the output load.
    OutputCap,
    /// Anything else (constraint axes and the like); looked up at 0.
    Other,
}

impl Var {
    /// Classifies a Liberty `variable_N` name.
    pub fn from_liberty(name: &str) -> Var {
        match name {
            "input_transition_time" | "input_net_transition" => Var::InputSlew,
            "total_output_net_capacitance" => Var::OutputCap,
            _ => Var::Other,
        }
    }
}

/// A 0-, 1- or 2-D table (3-D tables are rejected at read time).
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The axes, outer first (`index_1`), with their SI index points.
    pub axes: Vec<(Var, Vec<f64>)>,
    /// Values, row-major (`index_1` outer), in SI units.
    pub values: Vec<f64>,
}

fn segment(idx: &[f64], x: f64) -> (usize, f64) {
    if idx.len() < 2 {
        return (0, 0.0);
    }
    let mut i = 0;
    while i + 2 < idx.len() && x >= idx[i + 1] {
        i += 1;
    }
    let span = idx[i + 1] - idx[i];
    let t = if span == 0.0 {
        0.0
    } else {
        (x - idx[i]) / span
    };
    (i, t)
}

impl Table {
    /// The table's value at the given slew (s) and load (F).
    pub fn lookup(&self, slew: f64, cap: f64) -> f64 {
        let arg = |v: Var| match v {
            Var::InputSlew => slew,
            Var::OutputCap => cap,
            Var::Other => 0.0,
        };
        // Tables read from Liberty have the right number of values; a hand-made short one reads
        // its missing values as 0 rather than panicking.
        let val = |k: usize| self.values.get(k).copied().unwrap_or(0.0);
        match self.axes.as_slice() {
            [] => val(0),
            [(v, idx)] => {
                if idx.len() < 2 {
                    return val(0);
                }
                let (i, t) = segment(idx, arg(*v));
                val(i) + t * (val(i + 1) - val(i))
            }
            [(v1, i1), (v2, i2)] => {
                let n2 = i2.len();
                let (a, ta) = segment(i1, arg(*v1));
                let (b, tb) = segment(i2, arg(*v2));
                let a1 = if i1.len() < 2 { a } else { a + 1 };
                let b1 = if n2 < 2 { b } else { b + 1 };
                let at = |r: usize, c: usize| val(r * n2.max(1) + c);
                let lo = at(a, b) + tb * (at(a, b1) - at(a, b));
                let hi = at(a1, b) + tb * (at(a1, b1) - at(a1, b));
                lo + ta * (hi - lo)
            }
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_and_extrapolates() {
        let t = Table {
            axes: vec![(Var::InputSlew, vec![1.0, 2.0, 4.0])],
            values: vec![10.0, 20.0, 40.0],
        };
        assert_eq!(t.lookup(1.5, 0.0), 15.0);
        assert_eq!(t.lookup(0.0, 0.0), 0.0);
        assert_eq!(t.lookup(5.0, 0.0), 50.0);
        let t2 = Table {
            axes: vec![
                (Var::OutputCap, vec![0.0, 1.0]),
                (Var::InputSlew, vec![0.0, 1.0]),
            ],
            values: vec![0.0, 1.0, 10.0, 11.0],
        };
        assert_eq!(t2.lookup(0.5, 0.5), 5.5);
    }
}

//! Liberty boolean functions (`function`, `when`): parsing, and the probabilistic evaluation
//! OpenSTA uses to weight conditional internal power.
//!
//! Precedence follows OpenSTA's Liberty expression grammar: `|`/`+` loosest, then `&`/`*`/
//! juxtaposition, then `^`, then `!` and the postfix `'`.

use serde::Serialize;

/// A boolean function of a cell's pins (or of its internal state variables, e.g. `IQ`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expr {
    /// A pin or state variable.
    Port(String),
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction.
    And(Box<Expr>, Box<Expr>),
    /// Disjunction.
    Or(Box<Expr>, Box<Expr>),
    /// Exclusive or.
    Xor(Box<Expr>, Box<Expr>),
    /// Constant 1.
    One,
    /// Constant 0.
    Zero,
}

/// A signal's switching statistics: `activity` (transitions, in whatever time base the caller
/// uses) and `duty` (probability of being 1), as OpenSTA's `PwrActivity`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Act {
    /// Transitions per time base.
    pub activity: f64,
    /// Probability of the signal being 1.
    pub duty: f64,
}

impl Expr {
    /// Parses a Liberty function string; `None` if it is not a well-formed expression.
    pub fn parse(text: &str) -> Option<Expr> {
        let toks = lex(text)?;
        let mut pos = 0;
        let e = parse_or(&toks, &mut pos)?;
        (pos == toks.len()).then_some(e)
    }

    /// The distinct port names the expression references, in first-use order.
    pub fn ports(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Port(p) => {
                if !out.contains(&p.as_str()) {
                    out.push(p);
                }
            }
            Expr::Not(a) => a.collect(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Xor(a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Expr::One | Expr::Zero => {}
        }
    }

    /// OpenSTA's `Power::evalActivity`: propagates activity and duty through the function,
    /// treating inputs as independent. `port` gives a port's statistics, `None` for a name that
    /// is not a pin of the instance (state variables), which evaluates as constant 0.
    pub fn eval_activity(&self, port: &dyn Fn(&str) -> Option<Act>) -> Act {
        match self {
            Expr::Port(p) => port(p).unwrap_or(Act {
                activity: 0.0,
                duty: 0.0,
            }),
            Expr::Not(a) => {
                let a = a.eval_activity(port);
                Act {
                    activity: a.activity,
                    duty: 1.0 - a.duty,
                }
            }
            Expr::Or(a, b) => {
                let (a, b) = (a.eval_activity(port), b.eval_activity(port));
                let (p1, p2) = (1.0 - a.duty, 1.0 - b.duty);
                Act {
                    activity: a.activity * p2 + b.activity * p1,
                    duty: 1.0 - p1 * p2,
                }
            }
            Expr::And(a, b) => {
                let (a, b) = (a.eval_activity(port), b.eval_activity(port));
                Act {
                    activity: a.activity * b.duty + b.activity * a.duty,
                    duty: a.duty * b.duty,
                }
            }
            Expr::Xor(a, b) => {
                let (a, b) = (a.eval_activity(port), b.eval_activity(port));
                let p1 = a.duty * (1.0 - b.duty);
                let p2 = b.duty * (1.0 - a.duty);
                Act {
                    activity: a.activity * p1 + b.activity * p2,
                    duty: p1 + p2,
                }
            }
            Expr::One => Act {
                activity: 0.0,
                duty: 1.0,
            },
            Expr::Zero => Act {
                activity: 0.0,
                duty: 0.0,
            },
        }
    }

    /// OpenSTA's `Power::inferedWhen`: the condition under which a transition of `from` reaches
    /// the output of this function, for the simple shapes OpenSTA recognises; `None` otherwise.
    pub fn infered_when(&self, from: &str) -> Option<Expr> {
        let is_ref = |e: &Expr| match e {
            Expr::Port(p) => p == from,
            Expr::Not(a) => matches!(a.as_ref(), Expr::Port(p) if p == from),
            _ => false,
        };
        let negate = |e: &Expr| match e {
            Expr::Not(a) => (**a).clone(),
            other => Expr::Not(Box::new(other.clone())),
        };
        match self {
            Expr::Port(p) => (p == from).then_some(Expr::One),
            Expr::Not(a) => a.infered_when(from),
            Expr::Or(a, b) | Expr::Xor(a, b) => {
                if is_ref(a) {
                    Some(negate(b))
                } else if is_ref(b) {
                    Some(negate(a))
                } else {
                    None
                }
            }
            Expr::And(a, b) => {
                if is_ref(a) {
                    Some((**b).clone())
                } else if is_ref(b) {
                    Some((**a).clone())
                } else {
                    None
                }
            }
            Expr::One | Expr::Zero => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum T {
    Id(String),
    Op(char),
}

fn lex(text: &str) -> Option<Vec<T>> {
    let mut out = Vec::new();
    let cs: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if "!'&*|+^()".contains(c) {
            out.push(T::Op(c));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '[' || c == ']' || c == '.' {
            let s = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || "_[]".contains(cs[i]) || cs[i] == '.')
            {
                i += 1;
            }
            out.push(T::Id(cs[s..i].iter().collect()));
        } else {
            return None;
        }
    }
    Some(out)
}

fn parse_or(t: &[T], pos: &mut usize) -> Option<Expr> {
    let mut e = parse_and(t, pos)?;
    while matches!(t.get(*pos), Some(T::Op('|')) | Some(T::Op('+'))) {
        *pos += 1;
        e = Expr::Or(Box::new(e), Box::new(parse_and(t, pos)?));
    }
    Some(e)
}

fn parse_and(t: &[T], pos: &mut usize) -> Option<Expr> {
    let mut e = parse_xor(t, pos)?;
    loop {
        match t.get(*pos) {
            Some(T::Op('&')) | Some(T::Op('*')) => *pos += 1,
            // Juxtaposition is conjunction.
            Some(T::Id(_)) | Some(T::Op('(')) | Some(T::Op('!')) => {}
            _ => return Some(e),
        }
        e = Expr::And(Box::new(e), Box::new(parse_xor(t, pos)?));
    }
}

fn parse_xor(t: &[T], pos: &mut usize) -> Option<Expr> {
    let mut e = parse_unary(t, pos)?;
    while matches!(t.get(*pos), Some(T::Op('^'))) {
        *pos += 1;
        e = Expr::Xor(Box::new(e), Box::new(parse_unary(t, pos)?));
    }
    Some(e)
}

fn parse_unary(t: &[T], pos: &mut usize) -> Option<Expr> {
    let mut e = match t.get(*pos)? {
        T::Op('!') => {
            *pos += 1;
            Expr::Not(Box::new(parse_unary(t, pos)?))
        }
        T::Op('(') => {
            *pos += 1;
            let e = parse_or(t, pos)?;
            if t.get(*pos) != Some(&T::Op(')')) {
                return None;
            }
            *pos += 1;
            e
        }
        T::Id(s) => {
            *pos += 1;
            match s.as_str() {
                "1" => Expr::One,
                "0" => Expr::Zero,
                _ => Expr::Port(s.clone()),
            }
        }
        T::Op(_) => return None,
    };
    while t.get(*pos) == Some(&T::Op('\'')) {
        *pos += 1;
        e = Expr::Not(Box::new(e));
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_liberty_functions() {
        let e = Expr::parse("!(A1 & A2)").unwrap();
        assert_eq!(e.ports(), vec!["A1", "A2"]);
        let e = Expr::parse("(A B)' + C^D").unwrap();
        assert!(matches!(e, Expr::Or(_, _)));
        assert!(Expr::parse("A & ").is_none());
    }

    #[test]
    fn infers_when_as_opensta() {
        let e = Expr::parse("!(A & B)").unwrap();
        assert_eq!(e.infered_when("A"), Some(Expr::Port("B".into())));
        let half = |_: &str| {
            Some(Act {
                activity: 0.1,
                duty: 0.5,
            })
        };
        let w = Expr::parse("!CK & !Q & QN").unwrap();
        assert!((w.eval_activity(&half).duty - 0.125).abs() < 1e-12);
    }
}

//! The host-interface rules of the generated tile, checked on every simulated cycle.
//!
//! The rules (the README's host interface, numbered the same way):
//! 1. `busy` is high from the cycle after the first element of a vector is accepted until the
//!    cycle after the last result of every accepted vector is taken, and low otherwise.
//! 2. `prog_ready` is never high while `busy` is (so no programming lands inside an MVM).
//! 3. `out_valid`, once high, holds with the same `out_data`, `out_col`, `out_last` until the
//!    transfer.
//! 4. Results come in column order, `out_last` exactly with column C-1.
//! 5. `done` is high exactly in the cycle after the transfer of a result with `out_last`.
//!
//! The checker counts transfers itself, from the ports alone, so it does not trust the tile's
//! own notion of what is in flight.

/// The port values of one cycle, sampled before the rising edge that ends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CycleSample {
    /// The host offers an input element.
    pub in_valid: bool,
    /// The tile can take an input element.
    pub in_ready: bool,
    /// The host offers a programming write (cell or column parameters).
    pub prog_valid: bool,
    /// The tile can take a programming write (never while busy).
    pub prog_ready: bool,
    /// The tile offers a result.
    pub out_valid: bool,
    /// The host can take a result.
    pub out_ready: bool,
    /// The offered result, as the port's raw bits.
    pub out_data: u64,
    /// The logical column of the offered result.
    pub out_col: u64,
    /// The offered result is column C-1, the vector's last.
    pub out_last: bool,
    /// Vectors are in flight.
    pub busy: bool,
    /// One-cycle pulse after the transfer of a vector's last result.
    pub done: bool,
}

/// A broken rule: which, when, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule's number, 1..=5, as in this module's list.
    pub rule: u8,
    /// Cycles since the checker started (or was reset).
    pub cycle: u64,
    /// What was seen, with the values involved.
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "host-interface rule {} broken at cycle {}: {}",
            self.rule, self.cycle, self.detail
        )
    }
}

/// Follows the host interface cycle by cycle.
#[derive(Debug, Clone)]
pub struct ProtocolChecker {
    transfers: u64,
    cols: u64,
    cycle: u64,
    /// Elements accepted (all vectors), and vectors whose last result was taken.
    elements: u64,
    finished: u64,
    /// Columns taken of the vector being output.
    column: u64,
    previous: Option<CycleSample>,
}

impl ProtocolChecker {
    /// A checker at cycle 0 for a tile of `cols` outputs whose vectors take `transfers` input
    /// transfers.
    pub fn new(transfers: usize, cols: usize) -> Self {
        ProtocolChecker {
            transfers: transfers as u64,
            cols: cols as u64,
            cycle: 0,
            elements: 0,
            finished: 0,
            column: 0,
            previous: None,
        }
    }

    /// Forget everything: the tile was reset.
    pub fn reset(&mut self) {
        *self = ProtocolChecker::new(self.transfers as usize, self.cols as usize);
    }

    /// Checks one cycle; `Err` names the first rule it breaks.
    pub fn check(&mut self, now: CycleSample) -> Result<(), Violation> {
        let cycle = self.cycle;
        let fail = |rule: u8, detail: String| {
            Err(Violation {
                rule,
                cycle,
                detail,
            })
        };
        let started = self.elements.div_ceil(self.transfers);
        let in_flight = started - self.finished;
        if now.busy != (in_flight > 0) {
            return fail(
                1,
                format!(
                    "busy is {} with {in_flight} vector(s) in flight",
                    now.busy as u8
                ),
            );
        }
        if now.prog_ready && now.busy {
            return fail(2, "prog_ready and busy are both high".into());
        }
        if let Some(before) = self.previous {
            let held = (now.out_valid, now.out_data, now.out_col, now.out_last)
                == (true, before.out_data, before.out_col, before.out_last);
            if before.out_valid && !before.out_ready && !held {
                return fail(
                    3,
                    format!(
                        "out_valid/out_data changed before the transfer (column {})",
                        before.out_col
                    ),
                );
            }
            let last_taken = before.out_valid && before.out_ready && before.out_last;
            if now.done != last_taken {
                return fail(
                    5,
                    format!(
                        "done is {} but the last result was{} taken in the cycle before",
                        now.done as u8,
                        if last_taken { "" } else { " not" }
                    ),
                );
            }
        } else if now.done {
            return fail(5, "done is high with no result taken".into());
        }
        if now.out_valid {
            if now.out_col != self.column {
                return fail(
                    4,
                    format!(
                        "result of column {} where column {} was due",
                        now.out_col, self.column
                    ),
                );
            }
            if now.out_last != (self.column == self.cols - 1) {
                return fail(
                    4,
                    format!(
                        "out_last is {} with column {} of {}",
                        now.out_last as u8, now.out_col, self.cols
                    ),
                );
            }
        }
        if now.in_valid && now.in_ready {
            self.elements += 1;
        }
        if now.out_valid && now.out_ready {
            self.column += 1;
            if now.out_last {
                self.column = 0;
                self.finished += 1;
            }
        }
        self.previous = Some(now);
        self.cycle += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle() -> CycleSample {
        CycleSample {
            in_ready: true,
            prog_ready: true,
            out_ready: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_clean_vector_passes() {
        let mut c = ProtocolChecker::new(1, 2);
        c.check(CycleSample {
            in_valid: true,
            ..idle()
        })
        .unwrap();
        let busy = CycleSample {
            busy: true,
            prog_ready: false,
            ..idle()
        };
        c.check(busy).unwrap();
        c.check(CycleSample {
            out_valid: true,
            out_col: 0,
            ..busy
        })
        .unwrap();
        c.check(CycleSample {
            out_valid: true,
            out_col: 1,
            out_last: true,
            ..busy
        })
        .unwrap();
        c.check(CycleSample {
            done: true,
            ..idle()
        })
        .unwrap();
        c.check(idle()).unwrap();
    }

    #[test]
    fn busy_dropping_mid_mvm_is_caught() {
        let mut c = ProtocolChecker::new(1, 1);
        c.check(CycleSample {
            in_valid: true,
            ..idle()
        })
        .unwrap();
        let err = c.check(idle()).unwrap_err();
        assert_eq!((err.rule, err.cycle), (1, 1));
    }

    #[test]
    fn prog_ready_while_busy_is_caught() {
        let mut c = ProtocolChecker::new(1, 1);
        c.check(CycleSample {
            in_valid: true,
            ..idle()
        })
        .unwrap();
        assert_eq!(
            c.check(CycleSample {
                busy: true,
                ..idle()
            })
            .unwrap_err()
            .rule,
            2
        );
    }

    #[test]
    fn dropped_or_changed_results_are_caught() {
        let stalled = CycleSample {
            in_valid: true,
            out_valid: true,
            out_ready: false,
            out_data: 5,
            ..idle()
        };
        let mut c = ProtocolChecker::new(1, 2);
        c.check(stalled).unwrap();
        let changed = CycleSample {
            busy: true,
            prog_ready: false,
            out_valid: true,
            out_data: 6,
            ..idle()
        };
        assert_eq!(c.check(changed).unwrap_err().rule, 3);
    }

    #[test]
    fn a_missing_out_last_is_caught() {
        let mut c = ProtocolChecker::new(1, 1);
        c.check(CycleSample {
            in_valid: true,
            ..idle()
        })
        .unwrap();
        let busy = CycleSample {
            busy: true,
            prog_ready: false,
            ..idle()
        };
        assert_eq!(
            c.check(CycleSample {
                out_valid: true,
                ..busy
            })
            .unwrap_err()
            .rule,
            4
        );
    }

    #[test]
    fn done_without_a_last_result_is_caught() {
        let mut c = ProtocolChecker::new(1, 1);
        assert_eq!(
            c.check(CycleSample {
                done: true,
                ..idle()
            })
            .unwrap_err()
            .rule,
            5
        );
    }
}

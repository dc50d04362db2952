//! The AXI rules of `cim_axi_tile`'s interfaces, checked on every simulated cycle, on both
//! sides: the host's (the driver) and the wrapper's.
//!
//! 1. Stable: a channel whose VALID was high without READY keeps VALID high and its payload
//!    unchanged in the next cycle (AW, W, B, AR, R, both streams).
//! 2. Reset: from the cycle after `aresetn` is sampled low until it is high again, every VALID
//!    is low.
//! 3. Responses: BVALID only while a write has both its address and data taken and no
//!    response yet, RVALID only while a read address has no data yet; BRESP and RRESP are
//!    OKAY or SLVERR (AXI4-Lite has no EXOKAY; the wrapper never answers DECERR).
//! 4. Results: `m_axis` beats come in column order, `tuser` = the column, `tlast` exactly with
//!    column C-1.
//! 5. Causality: the result of vector k is not offered before all T transfers of vector k went in.
//!
//! That VALID never waits on READY is exercised, not sampled: the driver holds BREADY, RREADY
//! low until it sees the VALID, so a wrapper that waited would stall the run.
//!
//! The checker counts transfers from the ports alone, trusting neither side.

/// One channel in one cycle: VALID, READY and up to three payload fields (address, data,
/// strobes, response, last, user, as the channel has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Channel {
    /// The channel's VALID (TVALID on a stream).
    pub valid: bool,
    /// The channel's READY (TREADY on a stream).
    pub ready: bool,
    /// The payload fields in the order of [`AxiSample`]'s list; unused ones are 0.
    pub payload: [u64; 3],
}

impl Channel {
    fn transfer(&self) -> bool {
        self.valid && self.ready
    }
}

/// The AXI ports of one cycle, sampled before the rising edge that ends it. Payloads:
/// aw `[addr]`, w `[data, strb]`, b `[resp]`, ar `[addr]`, r `[data, resp]`,
/// s_axis `[tdata, tlast]`, m_axis `[tdata, tuser, tlast]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AxiSample {
    /// The active-low reset.
    pub aresetn: bool,
    /// AXI4-Lite write address.
    pub aw: Channel,
    /// AXI4-Lite write data.
    pub w: Channel,
    /// AXI4-Lite write response.
    pub b: Channel,
    /// AXI4-Lite read address.
    pub ar: Channel,
    /// AXI4-Lite read data.
    pub r: Channel,
    /// AXI4-Stream of input elements, into the wrapper.
    pub s_axis: Channel,
    /// AXI4-Stream of results, out of the wrapper.
    pub m_axis: Channel,
}

impl AxiSample {
    fn channels(&self) -> [(&'static str, Channel); 7] {
        [
            ("AW", self.aw),
            ("W", self.w),
            ("B", self.b),
            ("AR", self.ar),
            ("R", self.r),
            ("s_axis", self.s_axis),
            ("m_axis", self.m_axis),
        ]
    }
}

/// A broken AXI rule: which, when, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxiViolation {
    /// The rule's number, 1..=5, as in this module's list.
    pub rule: u8,
    /// Cycles since the checker started.
    pub cycle: u64,
    /// What was seen, with the values involved.
    pub detail: String,
}

impl std::fmt::Display for AxiViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AXI rule {} broken at cycle {}: {}",
            self.rule, self.cycle, self.detail
        )
    }
}

const OKAY: u64 = 0;
const SLVERR: u64 = 2;

/// Follows the AXI interfaces cycle by cycle.
#[derive(Debug, Clone)]
pub struct AxiProtocolChecker {
    transfers: u64,
    cols: u64,
    cycle: u64,
    /// Transfers since reset on each channel that the rules count.
    aw: u64,
    w: u64,
    b: u64,
    ar: u64,
    r: u64,
    elements: u64,
    /// Results taken since reset.
    results: u64,
    previous: Option<AxiSample>,
}

impl AxiProtocolChecker {
    /// A checker at cycle 0 for a tile of `cols` outputs whose vectors take `transfers` input
    /// transfers.
    pub fn new(transfers: usize, cols: usize) -> Self {
        AxiProtocolChecker {
            transfers: transfers as u64,
            cols: cols as u64,
            cycle: 0,
            aw: 0,
            w: 0,
            b: 0,
            ar: 0,
            r: 0,
            elements: 0,
            results: 0,
            previous: None,
        }
    }

    /// Checks one cycle; `Err` names the first rule it breaks.
    pub fn check(&mut self, now: AxiSample) -> Result<(), AxiViolation> {
        let cycle = self.cycle;
        let fail = |rule: u8, detail: String| {
            Err(AxiViolation {
                rule,
                cycle,
                detail,
            })
        };
        let previous = self.previous.replace(now);
        self.cycle += 1;
        if let Some(before) = previous {
            for ((name, was), (_, is)) in before.channels().into_iter().zip(now.channels()) {
                if before.aresetn
                    && now.aresetn
                    && was.valid
                    && !was.ready
                    && (!is.valid || is.payload != was.payload)
                {
                    return fail(
                        1,
                        format!("{name} changed before its transfer: {was:?} then {is:?}"),
                    );
                }
            }
            if !before.aresetn && !now.aresetn {
                if let Some((name, _)) = now.channels().into_iter().find(|(_, c)| c.valid) {
                    return fail(2, format!("{name}VALID is high in reset"));
                }
            }
        }
        if !now.aresetn {
            let (transfers, cols) = (self.transfers as usize, self.cols as usize);
            *self = AxiProtocolChecker {
                cycle: self.cycle,
                previous: self.previous,
                ..AxiProtocolChecker::new(transfers, cols)
            };
            return Ok(());
        }
        if now.b.valid && self.aw.min(self.w) <= self.b {
            return fail(
                3,
                format!(
                    "BVALID with {} addresses, {} data and {} responses",
                    self.aw, self.w, self.b
                ),
            );
        }
        if now.r.valid && self.ar <= self.r {
            return fail(
                3,
                format!(
                    "RVALID with {} read addresses and {} responses",
                    self.ar, self.r
                ),
            );
        }
        for (name, channel, resp) in [
            ("BRESP", now.b, now.b.payload[0]),
            ("RRESP", now.r, now.r.payload[1]),
        ] {
            if channel.valid && resp != OKAY && resp != SLVERR {
                return fail(3, format!("{name} is {resp}, neither OKAY nor SLVERR"));
            }
        }
        if now.m_axis.valid {
            let column = self.results % self.cols;
            let [_, user, last] = now.m_axis.payload;
            if user != column || (last == 1) != (column == self.cols - 1) {
                return fail(4, format!("result with tuser {user}, tlast {last} where column {column} of {} was due", self.cols));
            }
            let vector = self.results / self.cols;
            if self.elements < (vector + 1) * self.transfers {
                return fail(
                    5,
                    format!(
                        "result of vector {vector} offered after only {} input transfers",
                        self.elements
                    ),
                );
            }
        }
        for (count, channel) in [
            (&mut self.aw, now.aw),
            (&mut self.w, now.w),
            (&mut self.b, now.b),
            (&mut self.ar, now.ar),
            (&mut self.r, now.r),
        ] {
            *count += channel.transfer() as u64;
        }
        self.elements += now.s_axis.transfer() as u64;
        self.results += now.m_axis.transfer() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running() -> AxiSample {
        AxiSample {
            aresetn: true,
            ..Default::default()
        }
    }

    fn beat(valid: bool, ready: bool, payload: [u64; 3]) -> Channel {
        Channel {
            valid,
            ready,
            payload,
        }
    }

    #[test]
    fn a_write_and_a_vector_pass() {
        let mut c = AxiProtocolChecker::new(1, 2);
        c.check(AxiSample {
            aw: beat(true, true, [0x44, 0, 0]),
            s_axis: beat(true, false, [3, 1, 0]),
            ..running()
        })
        .unwrap();
        c.check(AxiSample {
            w: beat(true, true, [7, 15, 0]),
            s_axis: beat(true, true, [3, 1, 0]),
            ..running()
        })
        .unwrap();
        c.check(AxiSample {
            b: beat(true, true, [SLVERR, 0, 0]),
            m_axis: beat(true, true, [9, 0, 0]),
            ..running()
        })
        .unwrap();
        c.check(AxiSample {
            m_axis: beat(true, true, [9, 1, 1]),
            ..running()
        })
        .unwrap();
    }

    #[test]
    fn a_payload_changed_while_stalled_is_caught() {
        let mut c = AxiProtocolChecker::new(1, 1);
        c.check(AxiSample {
            s_axis: beat(true, false, [3, 0, 0]),
            ..running()
        })
        .unwrap();
        assert_eq!(
            c.check(AxiSample {
                s_axis: beat(true, false, [4, 0, 0]),
                ..running()
            })
            .unwrap_err()
            .rule,
            1
        );
        let mut c = AxiProtocolChecker::new(1, 1);
        c.check(AxiSample {
            ar: beat(true, false, [8, 0, 0]),
            ..running()
        })
        .unwrap();
        assert_eq!(c.check(running()).unwrap_err().rule, 1, "VALID withdrawn");
    }

    #[test]
    fn valid_in_reset_is_caught() {
        let mut c = AxiProtocolChecker::new(1, 1);
        c.check(AxiSample {
            aresetn: false,
            b: beat(true, false, [0; 3]),
            ..Default::default()
        })
        .unwrap();
        let err = c
            .check(AxiSample {
                aresetn: false,
                b: beat(true, false, [0; 3]),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!((err.rule, err.cycle), (2, 1));
    }

    #[test]
    fn responses_without_requests_are_caught() {
        let mut c = AxiProtocolChecker::new(1, 1);
        c.check(AxiSample {
            aw: beat(true, true, [0; 3]),
            ..running()
        })
        .unwrap();
        assert_eq!(
            c.check(AxiSample {
                b: beat(true, false, [0; 3]),
                ..running()
            })
            .unwrap_err()
            .rule,
            3,
            "no data yet"
        );
        let mut c = AxiProtocolChecker::new(1, 1);
        c.check(AxiSample {
            ar: beat(true, true, [0; 3]),
            ..running()
        })
        .unwrap();
        assert_eq!(
            c.check(AxiSample {
                r: beat(true, false, [0, 1, 0]),
                ..running()
            })
            .unwrap_err()
            .rule,
            3,
            "EXOKAY"
        );
    }

    #[test]
    fn misplaced_tlast_and_early_results_are_caught() {
        let mut c = AxiProtocolChecker::new(1, 2);
        c.check(AxiSample {
            s_axis: beat(true, true, [0; 3]),
            ..running()
        })
        .unwrap();
        assert_eq!(
            c.check(AxiSample {
                m_axis: beat(true, true, [0, 0, 1]),
                ..running()
            })
            .unwrap_err()
            .rule,
            4
        );
        let mut c = AxiProtocolChecker::new(2, 1);
        c.check(AxiSample {
            s_axis: beat(true, true, [0; 3]),
            ..running()
        })
        .unwrap();
        assert_eq!(
            c.check(AxiSample {
                m_axis: beat(true, false, [0, 0, 1]),
                ..running()
            })
            .unwrap_err()
            .rule,
            5
        );
    }
}

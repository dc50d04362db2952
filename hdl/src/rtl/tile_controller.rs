//! Tile controller: loads input vectors into the double-buffered input buffer and tracks every
//! MVM through the pipeline, so that each stage starts only when its data is there and its bank
//! is free.
//!
//! MVMs move through four stages in order: loaded (all R elements in an input bank), issued
//! (every conversion started), landed (every code in the lanes' partial-sum bank), combined
//! (the bank read out by the combiner). MVM j uses input bank and partial-sum bank `j % 2`, so
//! four 2-bit counters of those events (differences taken mod 4, never above 2) say everything:
//! - a vector may load while fewer than two loaded vectors wait to be issued;
//! - the scheduler may start the next MVM when a vector waits and that MVM's partial-sum bank
//!   has been combined two MVMs ago;
//! - the combiner may start when an MVM has landed that it has not combined.
//!
//! Input stream protocol: an element transfers on a cycle with `in_valid` and `in_ready` high;
//! elements arrive in row order, R per vector, and vectors back to back. `in_ready` is low
//! during reset.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct TileController {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: every counter returns to zero (idle, no vector held).
    pub reset: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub in_ready: Signal<Out, Bit>,
    /// Input buffer write: the element at offset `buf_wr_offset` of row group `buf_wr_group`
    /// in bank `buf_wr_bank`.
    pub buf_wr_en: Signal<Out, Bit>,
    pub buf_wr_bank: Signal<Out, Bit>,
    pub buf_wr_group: Signal<Out, Bits<16>>,
    pub buf_wr_offset: Signal<Out, Bits<16>>,
    /// Pulse: the scheduler started the last conversion of an MVM.
    pub issued: Signal<In, Bit>,
    /// Pulse: the last code of an MVM reached the lanes.
    pub landed: Signal<In, Bit>,
    /// Pulse: the combiner finished reading an MVM's partial sums.
    pub combined: Signal<In, Bit>,
    /// The activation pipeline or the output register holds a result.
    pub periphery_busy: Signal<In, Bit>,
    /// A loaded vector waits for its conversions.
    pub vector_ready: Signal<Out, Bit>,
    /// The next MVM's partial-sum bank is free.
    pub bank_free: Signal<Out, Bit>,
    /// A landed MVM waits for the combiner.
    pub sums_ready: Signal<Out, Bit>,
    /// Some vector is loading or some MVM is in flight.
    pub busy: Signal<Out, Bit>,
    /// Next element's row in the vector being loaded, and its group and offset in the group.
    row: DFF<Bits<16>>,
    group: DFF<Bits<16>>,
    offset: DFF<Bits<16>>,
    /// Event counters mod 4.
    loaded: DFF<Bits<2>>,
    issued_count: DFF<Bits<2>>,
    landed_count: DFF<Bits<2>>,
    combined_count: DFF<Bits<2>>,
    /// R - 1 and Rg - 1.
    last_row: Constant<Bits<16>>,
    last_offset: Constant<Bits<16>>,
    /// Vectors loaded but not issued.
    waiting: Signal<Local, Bits<2>>,
    /// MVMs issued but not combined.
    in_banks: Signal<Local, Bits<2>>,
}

impl TileController {
    pub fn new(rows: usize, rows_per_read: usize) -> Self {
        assert!((1..=4096).contains(&rows), "rows must be in 1..=4096, not {rows}");
        assert!((1..=rows).contains(&rows_per_read), "rows_per_read must be in 1..={rows}, not {rows_per_read}");
        TileController {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            buf_wr_en: Default::default(),
            buf_wr_bank: Default::default(),
            buf_wr_group: Default::default(),
            buf_wr_offset: Default::default(),
            issued: Default::default(),
            landed: Default::default(),
            combined: Default::default(),
            periphery_busy: Default::default(),
            vector_ready: Default::default(),
            bank_free: Default::default(),
            sums_ready: Default::default(),
            busy: Default::default(),
            row: Default::default(),
            group: Default::default(),
            offset: Default::default(),
            loaded: Default::default(),
            issued_count: Default::default(),
            landed_count: Default::default(),
            combined_count: Default::default(),
            last_row: Constant::new((rows as u64 - 1).into()),
            last_offset: Constant::new((rows_per_read as u64 - 1).into()),
            waiting: Default::default(),
            in_banks: Default::default(),
        }
    }
}

impl Logic for TileController {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, row, group, offset, loaded, issued_count, landed_count, combined_count);
        self.waiting.next = self.loaded.q.val() - self.issued_count.q.val();
        self.in_banks.next = self.issued_count.q.val() - self.combined_count.q.val();
        self.in_ready.next = !self.reset.val() & (self.waiting.val() != 2);
        self.buf_wr_en.next = self.in_valid.val() & self.in_ready.val();
        self.buf_wr_bank.next = self.loaded.q.val().get_bit(0);
        self.buf_wr_group.next = self.group.q.val();
        self.buf_wr_offset.next = self.offset.q.val();
        self.vector_ready.next = self.waiting.val() != 0;
        self.bank_free.next = self.in_banks.val() != 2;
        self.sums_ready.next = self.landed_count.q.val() != self.combined_count.q.val();
        self.busy.next = (self.row.q.val() != 0)
            | (self.loaded.q.val() != self.combined_count.q.val())
            | self.periphery_busy.val();
        if self.buf_wr_en.val() {
            if self.row.q.val() == self.last_row.val() {
                self.row.d.next = 0.into();
                self.group.d.next = 0.into();
                self.offset.d.next = 0.into();
                self.loaded.d.next = self.loaded.q.val() + 1;
            } else {
                self.row.d.next = self.row.q.val() + 1;
                if self.offset.q.val() == self.last_offset.val() {
                    self.offset.d.next = 0.into();
                    self.group.d.next = self.group.q.val() + 1;
                } else {
                    self.offset.d.next = self.offset.q.val() + 1;
                }
            }
        }
        if self.issued.val() {
            self.issued_count.d.next = self.issued_count.q.val() + 1;
        }
        if self.landed.val() {
            self.landed_count.d.next = self.landed_count.q.val() + 1;
        }
        if self.combined.val() {
            self.combined_count.d.next = self.combined_count.q.val() + 1;
        }
        if self.reset.val() {
            self.row.d.next = 0.into();
            self.group.d.next = 0.into();
            self.offset.d.next = 0.into();
            self.loaded.d.next = 0.into();
            self.issued_count.d.next = 0.into();
            self.landed_count.d.next = 0.into();
            self.combined_count.d.next = 0.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesizes() {
        let mut uut = TileController::new(5, 2);
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top"));
    }

    /// Loads two vectors of 3 rows back to back; the third waits until one is issued, and the
    /// bank flags follow the issued/landed/combined pulses.
    #[test]
    fn double_buffers_and_tracks_banks() {
        let mut uut = TileController::new(3, 2);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<TileController>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<TileController>| {
            let mut x = sim.init()?;
            // One clock: inputs set, the settled outputs read, then the rising edge.
            macro_rules! cycle {
                () => {{
                    wait_clock_false!(sim, clock, x);
                    let seen = (
                        x.in_ready.val(),
                        x.buf_wr_en.val(),
                        x.buf_wr_bank.val(),
                        (x.buf_wr_group.val().index(), x.buf_wr_offset.val().index()),
                    );
                    wait_clock_true!(sim, clock, x);
                    seen
                }};
            }
            x.reset.next = true;
            cycle!();
            x.reset.next = false;
            x.in_valid.next = true;
            let mut writes = vec![];
            for _ in 0..7 {
                let (ready, wr, bank, row) = cycle!();
                if wr {
                    sim_assert!(sim, ready, x);
                    writes.push((bank, row));
                }
            }
            // The seventh element waits: both banks hold vectors that are not issued.
            // Rg = 2: rows 0, 1 are group 0, row 2 is group 1.
            let vector = [(0, 0), (0, 1), (1, 0)];
            let expected: Vec<_> = [false, true].iter().flat_map(|&bank| vector.iter().map(move |&r| (bank, r))).collect();
            sim_assert_eq!(sim, writes, expected, x);
            wait_clock_false!(sim, clock, x);
            sim_assert!(sim, !x.in_ready.val() && x.vector_ready.val() && x.bank_free.val() && x.busy.val(), x);
            x.in_valid.next = false;
            x.issued.next = true;
            cycle!();
            x.issued.next = false;
            wait_clock_false!(sim, clock, x);
            sim_assert!(sim, x.in_ready.val() && !x.buf_wr_bank.val() && x.vector_ready.val(), x);
            x.issued.next = true;
            cycle!();
            x.issued.next = false;
            wait_clock_false!(sim, clock, x);
            // Two MVMs issued, none combined: both partial-sum banks are taken.
            sim_assert!(sim, !x.bank_free.val() && !x.vector_ready.val() && !x.sums_ready.val(), x);
            x.landed.next = true;
            cycle!();
            x.landed.next = false;
            wait_clock_false!(sim, clock, x);
            sim_assert!(sim, x.sums_ready.val() && !x.bank_free.val(), x);
            x.combined.next = true;
            cycle!();
            x.combined.next = false;
            wait_clock_false!(sim, clock, x);
            sim_assert!(sim, x.bank_free.val() && !x.sums_ready.val(), x);
            x.reset.next = true;
            cycle!();
            x.reset.next = false;
            wait_clock_false!(sim, clock, x);
            sim_assert!(sim, !x.busy.val() && x.in_ready.val() && x.bank_free.val(), x);
            sim.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }
}

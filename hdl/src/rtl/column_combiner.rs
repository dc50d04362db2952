//! Column combiner: turns one MVM's partial sums (one per physical column, in the lanes) into
//! one accumulator per logical column:
//! `acc[c] = sum over s of (part[pc(c,s,+)] - part[pc(c,s,-)]) << (s*Bc)`.
//!
//! It reads one physical column per cycle in ascending `pc` order, which is column by column,
//! slice by slice, positive before negative, and walks the lanes' address `(m, a)` with
//! `pc = m*A + a` by counting, so nothing divides. `P` cycles per MVM, which the ADCs' own
//! `Ib*G*M*Ta` cycles cover whenever `Ib*G*Ta >= A`; otherwise the scheduler waits for the bank.
//!
//! Output protocol: `acc_valid` with `acc`, `acc_col`, `acc_last` moves on every cycle with
//! `advance` high (the activation unit takes it); with `advance` low everything holds.
//! `combined` pulses when the last partial sum of an MVM has been read (its bank is free).

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct ColumnCombiner {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: idle, bank 0, no output.
    pub reset: Signal<In, Bit>,
    /// A landed MVM waits (from the tile controller).
    pub sums_ready: Signal<In, Bit>,
    /// The downstream pipeline moves this cycle.
    pub advance: Signal<In, Bit>,
    /// Lanes' read port: partial sum of pc = rd_phase*A + rd_lane in bank rd_bank.
    pub rd_bank: Signal<Out, Bit>,
    pub rd_phase: Signal<Out, Bits<24>>,
    pub rd_lane: Signal<Out, Bits<24>>,
    /// The partial sum read, two's complement.
    pub part: Signal<In, Bits<64>>,
    pub acc_valid: Signal<Out, Bit>,
    /// `acc[c]`, two's complement.
    pub acc: Signal<Out, Bits<64>>,
    pub acc_col: Signal<Out, Bits<16>>,
    pub acc_last: Signal<Out, Bit>,
    pub combined: Signal<Out, Bit>,
    /// Reading a bank.
    active: DFF<Bit>,
    bank: DFF<Bit>,
    lane: DFF<Bits<24>>,
    phase: DFF<Bits<24>>,
    /// Slice s, polarity (negative), shift s*Bc and column c of the partial sum being read.
    slice: DFF<Bits<5>>,
    negative: DFF<Bit>,
    shift: DFF<Bits<8>>,
    col: DFF<Bits<16>>,
    /// Running sum of the column so far.
    sum: DFF<Bits<64>>,
    out_valid: DFF<Bit>,
    out_acc: DFF<Bits<64>>,
    out_col: DFF<Bits<16>>,
    out_last: DFF<Bit>,
    /// A - 1, S - 1, C - 1, Bc.
    last_lane: Constant<Bits<24>>,
    last_slice: Constant<Bits<5>>,
    last_col: Constant<Bits<16>>,
    cell_bits: Constant<Bits<8>>,
    term: Signal<Local, Bits<64>>,
    base: Signal<Local, Bits<64>>,
    next_sum: Signal<Local, Bits<64>>,
}

impl ColumnCombiner {
    pub fn new(adcs: usize, slices: usize, cols: usize, cell_bits: u32) -> Self {
        assert!((1..1 << 24).contains(&adcs), "adcs must be in 1..2^24, not {adcs}");
        assert!((1..=15).contains(&slices), "slices must be in 1..=15, not {slices}");
        assert!((1..=4096).contains(&cols), "cols must be in 1..=4096, not {cols}");
        assert!((1..=8).contains(&cell_bits), "cell_bits must be in 1..=8, not {cell_bits}");
        ColumnCombiner {
            clock: Default::default(),
            reset: Default::default(),
            sums_ready: Default::default(),
            advance: Default::default(),
            rd_bank: Default::default(),
            rd_phase: Default::default(),
            rd_lane: Default::default(),
            part: Default::default(),
            acc_valid: Default::default(),
            acc: Default::default(),
            acc_col: Default::default(),
            acc_last: Default::default(),
            combined: Default::default(),
            active: Default::default(),
            bank: Default::default(),
            lane: Default::default(),
            phase: Default::default(),
            slice: Default::default(),
            negative: Default::default(),
            shift: Default::default(),
            col: Default::default(),
            sum: Default::default(),
            out_valid: Default::default(),
            out_acc: Default::default(),
            out_col: Default::default(),
            out_last: Default::default(),
            last_lane: Constant::new((adcs as u64 - 1).into()),
            last_slice: Constant::new((slices as u64 - 1).into()),
            last_col: Constant::new((cols as u64 - 1).into()),
            cell_bits: Constant::new((cell_bits as u64).into()),
            term: Default::default(),
            base: Default::default(),
            next_sum: Default::default(),
        }
    }
}

impl Logic for ColumnCombiner {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, active, bank, lane, phase, slice, negative, shift, col, sum, out_valid, out_acc,
            out_col, out_last
        );
        self.rd_bank.next = self.bank.q.val();
        self.rd_phase.next = self.phase.q.val();
        self.rd_lane.next = self.lane.q.val();
        self.acc_valid.next = self.out_valid.q.val();
        self.acc.next = self.out_acc.q.val();
        self.acc_col.next = self.out_col.q.val();
        self.acc_last.next = self.out_last.q.val();
        self.combined.next = false;
        self.term.next = self.part.val() << self.shift.q.val();
        self.base.next = self.sum.q.val();
        if !self.slice.q.val().any() & !self.negative.q.val() {
            self.base.next = 0.into();
        }
        self.next_sum.next = self.base.val() + self.term.val();
        if self.negative.q.val() {
            self.next_sum.next = self.base.val() - self.term.val();
        }
        if self.advance.val() {
            self.out_valid.d.next = false;
            if self.active.q.val() {
                if self.lane.q.val() == self.last_lane.val() {
                    self.lane.d.next = 0.into();
                    self.phase.d.next = self.phase.q.val() + 1;
                } else {
                    self.lane.d.next = self.lane.q.val() + 1;
                }
                self.sum.d.next = self.next_sum.val();
                self.negative.d.next = !self.negative.q.val();
                if self.negative.q.val() {
                    if self.slice.q.val() == self.last_slice.val() {
                        self.out_valid.d.next = true;
                        self.out_acc.d.next = self.next_sum.val();
                        self.out_col.d.next = self.col.q.val();
                        self.out_last.d.next = self.col.q.val() == self.last_col.val();
                        self.slice.d.next = 0.into();
                        self.shift.d.next = 0.into();
                        if self.col.q.val() == self.last_col.val() {
                            self.col.d.next = 0.into();
                            self.lane.d.next = 0.into();
                            self.phase.d.next = 0.into();
                            self.active.d.next = false;
                            self.bank.d.next = !self.bank.q.val();
                            self.combined.next = true;
                        } else {
                            self.col.d.next = self.col.q.val() + 1;
                        }
                    } else {
                        self.slice.d.next = self.slice.q.val() + 1;
                        self.shift.d.next = self.shift.q.val() + self.cell_bits.val();
                    }
                }
            } else if self.sums_ready.val() {
                self.active.d.next = true;
            }
        }
        if self.reset.val() {
            self.active.d.next = false;
            self.bank.d.next = false;
            self.lane.d.next = 0.into();
            self.phase.d.next = 0.into();
            self.slice.d.next = 0.into();
            self.negative.d.next = false;
            self.shift.d.next = 0.into();
            self.col.d.next = 0.into();
            self.sum.d.next = 0.into();
            self.out_valid.d.next = false;
            self.out_acc.d.next = 0.into();
            self.out_col.d.next = 0.into();
            self.out_last.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesizes() {
        let mut uut = ColumnCombiner::new(3, 2, 2, 2);
        uut.connect_all();
        assert!(generate_verilog(&uut).contains("module top"));
    }

    /// A = 3 lanes, S = 2 slices of Bc = 2 bits, C = 2 columns (P = 8): partial sums
    /// part[pc] = pc*10 - 30 (some negative) read through a model of the lanes' read port.
    #[test]
    fn combines_slices_and_polarities() {
        let mut uut = ColumnCombiner::new(3, 2, 2, 2);
        uut.connect_all();
        let part = |pc: i64| pc * 10 - 30;
        let expected: Vec<i64> = (0..2)
            .map(|c| (0..2).map(|s| (part((c * 2 + s) * 2) - part((c * 2 + s) * 2 + 1)) << (2 * s)).sum())
            .collect();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ColumnCombiner>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<ColumnCombiner>| {
            let mut x = sim.init()?;
            x.reset.next = true;
            wait_clock_cycle!(sim, clock, x);
            x.reset.next = false;
            x.sums_ready.next = true;
            let mut got = vec![];
            let mut combined = 0;
            for cycle in 0..40 {
                // Stall every third cycle: nothing may be lost or repeated.
                x.advance.next = cycle % 3 != 2;
                let pc = x.rd_phase.val().index() as i64 * 3 + x.rd_lane.val().index() as i64;
                x.part.next = (part(pc) as u64).into();
                wait_clock_true!(sim, clock, x);
                if x.advance.val() && x.acc_valid.val() {
                    got.push((x.acc_col.val().index(), x.acc.val().to_u64() as i64, x.acc_last.val()));
                }
                if x.advance.val() && x.combined.val() {
                    combined += 1;
                    x.sums_ready.next = combined < 2;
                }
                wait_clock_cycle!(sim, clock, x);
            }
            let want: Vec<_> = (0..2)
                .flat_map(|_| (0..2).map(|c| (c, expected[c], c == 1)))
                .collect();
            sim_assert_eq!(sim, got, want, x);
            sim_assert_eq!(sim, combined, 2, x);
            sim.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }
}

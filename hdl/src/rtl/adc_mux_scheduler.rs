//! ADC mux scheduler: starts one conversion on every ADC each `Ta` cycles and tags the codes
//! that come back.
//!
//! Loop order per MVM: input bit b (outer), row group g, mux phase m (inner). In phase m, ADC a
//! converts physical column `pc = m*A + a`; in the last phase, ADCs with `pc >= P` idle. The
//! macro's column select is the phase m (every ADC's mux takes the same select), the row drive
//! comes from the input buffer at (bank, b, g).
//!
//! A conversion takes `Ta` cycles and one is in flight per ADC, so the tag of the conversion in
//! flight is one register set, written at each start and read by the lanes when the codes land.
//! Because codes of phase m on lane a always belong to `pc = m*A + a`, the tag (phase, bit,
//! sign, first) fixes each code's logical column `pc / 2S`, slice `(pc / 2) % S`, polarity
//! `pc % 2` and shift for the lanes and the combiner.
//!
//! Starting an MVM needs a loaded vector (`vector_ready`) and a free partial-sum bank
//! (`bank_free`); once started, an MVM runs to its end, and the next one follows without a gap
//! when it is ready, so back-to-back MVMs keep every ADC busy.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct AdcMuxScheduler {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: back to the first conversion of MVM 0, nothing in flight.
    pub reset: Signal<In, Bit>,
    pub vector_ready: Signal<In, Bit>,
    pub bank_free: Signal<In, Bit>,
    /// Start a conversion on every ADC this cycle, at (conv_bank, conv_bit, conv_group, col_sel).
    pub conv_start: Signal<Out, Bit>,
    pub conv_bank: Signal<Out, Bit>,
    pub conv_bit: Signal<Out, Bits<5>>,
    pub conv_group: Signal<Out, Bits<16>>,
    pub col_sel: Signal<Out, Bits<24>>,
    /// Batch index k of the MVM being converted (MVMs since reset, mod 2^32).
    pub conv_mvm: Signal<Out, Bits<32>>,
    /// Pulse with the last start of an MVM.
    pub issued: Signal<Out, Bit>,
    /// Tag of the conversion in flight.
    pub tag_bank: Signal<Out, Bit>,
    pub tag_phase: Signal<Out, Bits<24>>,
    pub tag_bit: Signal<Out, Bits<5>>,
    pub tag_negative: Signal<Out, Bit>,
    pub tag_first: Signal<Out, Bit>,
    pub tag_last: Signal<Out, Bit>,
    /// Position of the next conversion.
    input_bit: DFF<Bits<5>>,
    group: DFF<Bits<16>>,
    phase: DFF<Bits<24>>,
    bank: DFF<Bit>,
    mvm: DFF<Bits<32>>,
    /// Cycles until the ADCs may start again.
    slot_timer: DFF<Bits<7>>,
    tag_bank_r: DFF<Bit>,
    tag_phase_r: DFF<Bits<24>>,
    tag_bit_r: DFF<Bits<5>>,
    tag_negative_r: DFF<Bit>,
    tag_first_r: DFF<Bit>,
    tag_last_r: DFF<Bit>,
    /// Ib - 1, G - 1, M - 1, Ta - 1, and whether inputs are signed.
    last_bit: Constant<Bits<5>>,
    last_group: Constant<Bits<16>>,
    last_phase: Constant<Bits<24>>,
    slot_wait: Constant<Bits<7>>,
    signed_inputs: Constant<Bit>,
    mid_mvm: Signal<Local, Bit>,
    at_last_phase: Signal<Local, Bit>,
    at_last_group: Signal<Local, Bit>,
    at_last_bit: Signal<Local, Bit>,
}

impl AdcMuxScheduler {
    pub fn new(input_bits: u32, inputs_signed: bool, groups: usize, phases: usize, adc_cycles: u32) -> Self {
        assert!((1..=16).contains(&input_bits), "input_bits must be in 1..=16, not {input_bits}");
        assert!((1..=4096).contains(&groups), "groups must be in 1..=4096, not {groups}");
        assert!((1..1 << 24).contains(&phases), "phases must be in 1..2^24, not {phases}");
        assert!((1..=64).contains(&adc_cycles), "adc_cycles must be in 1..=64, not {adc_cycles}");
        AdcMuxScheduler {
            clock: Default::default(),
            reset: Default::default(),
            vector_ready: Default::default(),
            bank_free: Default::default(),
            conv_start: Default::default(),
            conv_bank: Default::default(),
            conv_bit: Default::default(),
            conv_group: Default::default(),
            col_sel: Default::default(),
            conv_mvm: Default::default(),
            issued: Default::default(),
            tag_bank: Default::default(),
            tag_phase: Default::default(),
            tag_bit: Default::default(),
            tag_negative: Default::default(),
            tag_first: Default::default(),
            tag_last: Default::default(),
            input_bit: Default::default(),
            group: Default::default(),
            phase: Default::default(),
            bank: Default::default(),
            mvm: Default::default(),
            slot_timer: Default::default(),
            tag_bank_r: Default::default(),
            tag_phase_r: Default::default(),
            tag_bit_r: Default::default(),
            tag_negative_r: Default::default(),
            tag_first_r: Default::default(),
            tag_last_r: Default::default(),
            last_bit: Constant::new((input_bits as u64 - 1).into()),
            last_group: Constant::new((groups as u64 - 1).into()),
            last_phase: Constant::new((phases as u64 - 1).into()),
            slot_wait: Constant::new((adc_cycles as u64 - 1).into()),
            signed_inputs: Constant::new(inputs_signed),
            mid_mvm: Default::default(),
            at_last_phase: Default::default(),
            at_last_group: Default::default(),
            at_last_bit: Default::default(),
        }
    }
}

impl Logic for AdcMuxScheduler {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, input_bit, group, phase, bank, mvm, slot_timer, tag_bank_r, tag_phase_r, tag_bit_r,
            tag_negative_r, tag_first_r, tag_last_r
        );
        self.at_last_phase.next = self.phase.q.val() == self.last_phase.val();
        self.at_last_group.next = self.group.q.val() == self.last_group.val();
        self.at_last_bit.next = self.input_bit.q.val() == self.last_bit.val();
        self.mid_mvm.next =
            self.input_bit.q.val().any() | self.group.q.val().any() | self.phase.q.val().any();
        self.conv_start.next = !self.reset.val()
            & !self.slot_timer.q.val().any()
            & (self.mid_mvm.val() | (self.vector_ready.val() & self.bank_free.val()));
        self.conv_bank.next = self.bank.q.val();
        self.conv_bit.next = self.input_bit.q.val();
        self.conv_group.next = self.group.q.val();
        self.col_sel.next = self.phase.q.val();
        self.conv_mvm.next = self.mvm.q.val();
        self.issued.next = self.conv_start.val()
            & self.at_last_phase.val()
            & self.at_last_group.val()
            & self.at_last_bit.val();
        self.tag_bank.next = self.tag_bank_r.q.val();
        self.tag_phase.next = self.tag_phase_r.q.val();
        self.tag_bit.next = self.tag_bit_r.q.val();
        self.tag_negative.next = self.tag_negative_r.q.val();
        self.tag_first.next = self.tag_first_r.q.val();
        self.tag_last.next = self.tag_last_r.q.val();
        if self.conv_start.val() {
            self.slot_timer.d.next = self.slot_wait.val();
            self.tag_bank_r.d.next = self.bank.q.val();
            self.tag_phase_r.d.next = self.phase.q.val();
            self.tag_bit_r.d.next = self.input_bit.q.val();
            self.tag_negative_r.d.next = self.signed_inputs.val() & self.at_last_bit.val();
            self.tag_first_r.d.next = !self.input_bit.q.val().any() & !self.group.q.val().any();
            self.tag_last_r.d.next = self.issued.val();
            if self.at_last_phase.val() {
                self.phase.d.next = 0.into();
                if self.at_last_group.val() {
                    self.group.d.next = 0.into();
                    if self.at_last_bit.val() {
                        self.input_bit.d.next = 0.into();
                        self.bank.d.next = !self.bank.q.val();
                        self.mvm.d.next = self.mvm.q.val() + 1;
                    } else {
                        self.input_bit.d.next = self.input_bit.q.val() + 1;
                    }
                } else {
                    self.group.d.next = self.group.q.val() + 1;
                }
            } else {
                self.phase.d.next = self.phase.q.val() + 1;
            }
        } else if self.slot_timer.q.val().any() {
            self.slot_timer.d.next = self.slot_timer.q.val() - 1;
        }
        if self.reset.val() {
            self.input_bit.d.next = 0.into();
            self.group.d.next = 0.into();
            self.phase.d.next = 0.into();
            self.bank.d.next = false;
            self.mvm.d.next = 0.into();
            self.slot_timer.d.next = 0.into();
            self.tag_bank_r.d.next = false;
            self.tag_phase_r.d.next = 0.into();
            self.tag_bit_r.d.next = 0.into();
            self.tag_negative_r.d.next = false;
            self.tag_first_r.d.next = false;
            self.tag_last_r.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesizes() {
        let mut uut = AdcMuxScheduler::new(4, true, 3, 5, 2);
        uut.connect_all();
        assert!(generate_verilog(&uut).contains("module top"));
    }

    /// Two back-to-back MVMs of Ib=2, G=2, M=3 with Ta=2: a start every second cycle, in
    /// (b, g, m) order, no gap between MVMs, tags one conversion behind the starts.
    #[test]
    fn starts_every_slot_in_loop_order() {
        let mut uut = AdcMuxScheduler::new(2, true, 2, 3, 2);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<AdcMuxScheduler>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<AdcMuxScheduler>| {
            let mut x = sim.init()?;
            x.reset.next = true;
            wait_clock_cycle!(sim, clock, x);
            x.reset.next = false;
            wait_clock_true!(sim, clock, x);
            sim_assert!(sim, !x.conv_start.val(), x);
            x.vector_ready.next = true;
            x.bank_free.next = true;
            let mut starts = vec![];
            let mut issued = 0;
            for cycle in 0..48 {
                wait_clock_true!(sim, clock, x);
                if x.conv_start.val() {
                    starts.push((cycle, x.conv_mvm.val().index(), x.conv_bit.val().index(), x.conv_group.val().index(), x.col_sel.val().index()));
                    if x.issued.val() {
                        issued += 1;
                    }
                }
                wait_clock_cycle!(sim, clock, x);
                // The tag now describes the conversion just started.
                if let Some(&(_, _, b, _, m)) = starts.last() {
                    sim_assert_eq!(sim, (x.tag_bit.val().index(), x.tag_phase.val().index()), (b, m), x);
                    sim_assert_eq!(sim, x.tag_negative.val(), b == 1, x);
                }
            }
            sim_assert_eq!(sim, starts.len(), 24, x);
            let first = starts[0].0;
            starts.iter_mut().for_each(|s| s.0 -= first);
            sim_assert_eq!(sim, issued, 2, x);
            let mut expected = vec![];
            for k in 0..2 {
                for b in 0..2 {
                    for g in 0..2 {
                        for m in 0..3 {
                            expected.push((expected.len() * 2, k, b, g, m));
                        }
                    }
                }
            }
            sim_assert_eq!(sim, starts, expected, x);
            sim.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }
}

//! Activation unit: `y = clamp(act(round((acc + bias) * mult / 2^shift)))` for one column per
//! cycle, in three pipeline stages:
//! 1. `u = acc + bias` (64 bits hold `|acc| + 2^31`); the column's mult and shift ride along.
//! 2. `t = u * mult` (80 bits): rust-hdl multiplies only 16x16, so the magnitude is built from
//!    four 16x16 partial products of `|u|` and `|mult|`, then signed.
//! 3. Rounding shift `floor((t + 2^(shift-1)) / 2^shift)` (an arithmetic shift: two's
//!    complement `>>` is `!((!t) >> s)` for negative t), ReLU, saturation to the output range.
//!
//! Handshake: the result is a valid/ready stream (`out_valid`, `out_ready`); `advance` is high
//! when the output register is empty or being taken, and then every stage moves one step (the
//! input, `in_valid` with `acc`, is taken on every advancing cycle). So a stalled output stalls
//! the pipeline and the combiner behind it; nothing is dropped. `out_valid`, once high, holds
//! until the transfer.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct ActivationUnit {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: empties the pipeline.
    pub reset: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub in_acc: Signal<In, Bits<64>>,
    pub in_col: Signal<In, Bits<16>>,
    pub in_last: Signal<In, Bit>,
    /// Column parameters of `in_col` (read combinationally from the parameter memory).
    pub mult: Signal<In, Bits<16>>,
    pub shift: Signal<In, Bits<5>>,
    pub bias: Signal<In, Bits<32>>,
    pub out_valid: Signal<Out, Bit>,
    pub out_ready: Signal<In, Bit>,
    /// Output, two's complement (signed range) or plain binary (unsigned range).
    pub out_data: Signal<Out, Bits<32>>,
    pub out_col: Signal<Out, Bits<16>>,
    pub out_last: Signal<Out, Bit>,
    pub advance: Signal<Out, Bit>,
    /// Some stage holds a result.
    pub busy: Signal<Out, Bit>,
    s1_valid: DFF<Bit>,
    s1_value: DFF<Bits<64>>,
    s1_mult: DFF<Bits<16>>,
    s1_shift: DFF<Bits<5>>,
    s1_col: DFF<Bits<16>>,
    s1_last: DFF<Bit>,
    s2_valid: DFF<Bit>,
    s2_product: DFF<Bits<80>>,
    s2_shift: DFF<Bits<5>>,
    s2_col: DFF<Bits<16>>,
    s2_last: DFF<Bit>,
    s3_valid: DFF<Bit>,
    s3_data: DFF<Bits<32>>,
    s3_col: DFF<Bits<16>>,
    s3_last: DFF<Bit>,
    relu: Constant<Bit>,
    /// Output range bounds with the sign bit flipped, so that signed order is unsigned order.
    out_min_flipped: Constant<Bits<80>>,
    out_max_flipped: Constant<Bits<80>>,
    sign_bit: Constant<Bits<80>>,
    /// The output range bounds' low 32 bits (what a clamped result outputs).
    out_min_low: Constant<Bits<32>>,
    out_max_low: Constant<Bits<32>>,
    bias_wide: Signal<Local, Bits<64>>,
    u_abs: Signal<Local, Bits<64>>,
    m_abs: Signal<Local, Bits<16>>,
    pp0: Signal<Local, Bits<32>>,
    pp1: Signal<Local, Bits<32>>,
    pp2: Signal<Local, Bits<32>>,
    pp3: Signal<Local, Bits<32>>,
    magnitude: Signal<Local, Bits<80>>,
    product: Signal<Local, Bits<80>>,
    rounded: Signal<Local, Bits<80>>,
    shifted: Signal<Local, Bits<80>>,
    activated: Signal<Local, Bits<80>>,
    flipped: Signal<Local, Bits<80>>,
    clamped: Signal<Local, Bits<32>>,
}

/// `v` as an 80-bit two's complement pattern with its sign bit flipped.
fn flipped_80(v: i64) -> Bits<80> {
    let pattern = (v as i128 as u128) & ((1u128 << 80) - 1);
    let flipped = pattern ^ (1u128 << 79);
    let high: Bits<80> = ((flipped >> 64) as u64).into();
    let low: Bits<80> = (flipped as u64).into();
    (high << 64) | low
}

impl ActivationUnit {
    /// `out_min..=out_max` is the output range (spec: signed or unsigned `Ob` bits).
    pub fn new(relu: bool, out_min: i64, out_max: i64) -> Self {
        assert!(out_min < out_max, "empty output range {out_min}..={out_max}");
        ActivationUnit {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_acc: Default::default(),
            in_col: Default::default(),
            in_last: Default::default(),
            mult: Default::default(),
            shift: Default::default(),
            bias: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_data: Default::default(),
            out_col: Default::default(),
            out_last: Default::default(),
            advance: Default::default(),
            busy: Default::default(),
            s1_valid: Default::default(),
            s1_value: Default::default(),
            s1_mult: Default::default(),
            s1_shift: Default::default(),
            s1_col: Default::default(),
            s1_last: Default::default(),
            s2_valid: Default::default(),
            s2_product: Default::default(),
            s2_shift: Default::default(),
            s2_col: Default::default(),
            s2_last: Default::default(),
            s3_valid: Default::default(),
            s3_data: Default::default(),
            s3_col: Default::default(),
            s3_last: Default::default(),
            relu: Constant::new(relu),
            out_min_flipped: Constant::new(flipped_80(out_min)),
            out_max_flipped: Constant::new(flipped_80(out_max)),
            sign_bit: Constant::new(Bits::<80>::from(1u64) << 79u64),
            out_min_low: Constant::new((out_min as u64 & 0xFFFF_FFFF).into()),
            out_max_low: Constant::new((out_max as u64 & 0xFFFF_FFFF).into()),
            bias_wide: Default::default(),
            u_abs: Default::default(),
            m_abs: Default::default(),
            pp0: Default::default(),
            pp1: Default::default(),
            pp2: Default::default(),
            pp3: Default::default(),
            magnitude: Default::default(),
            product: Default::default(),
            rounded: Default::default(),
            shifted: Default::default(),
            activated: Default::default(),
            flipped: Default::default(),
            clamped: Default::default(),
        }
    }
}

impl Logic for ActivationUnit {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s1_valid, s1_value, s1_mult, s1_shift, s1_col, s1_last, s2_valid, s2_product,
            s2_shift, s2_col, s2_last, s3_valid, s3_data, s3_col, s3_last
        );
        self.advance.next = !self.s3_valid.q.val() | self.out_ready.val();
        self.busy.next = self.s1_valid.q.val() | self.s2_valid.q.val() | self.s3_valid.q.val();
        self.out_valid.next = self.s3_valid.q.val();
        self.out_data.next = self.s3_data.q.val();
        self.out_col.next = self.s3_col.q.val();
        self.out_last.next = self.s3_last.q.val();
        // Stage 1: sign-extend the bias and add.
        self.bias_wide.next = bit_cast::<64, 32>(self.bias.val());
        if self.bias.val().get_bit(31) {
            self.bias_wide.next = bit_cast::<64, 32>(self.bias.val()) | 0xFFFF_FFFF_0000_0000_u64;
        }
        // Stage 2: |u| * |mult| from 16x16 partial products, then the sign.
        self.u_abs.next = self.s1_value.q.val();
        if self.s1_value.q.val().get_bit(63) {
            self.u_abs.next = !self.s1_value.q.val() + 1;
        }
        self.m_abs.next = self.s1_mult.q.val();
        if self.s1_mult.q.val().get_bit(15) {
            self.m_abs.next = !self.s1_mult.q.val() + 1;
        }
        self.pp0.next = self.u_abs.val().get_bits::<16>(0) * self.m_abs.val();
        self.pp1.next = self.u_abs.val().get_bits::<16>(16) * self.m_abs.val();
        self.pp2.next = self.u_abs.val().get_bits::<16>(32) * self.m_abs.val();
        self.pp3.next = self.u_abs.val().get_bits::<16>(48) * self.m_abs.val();
        self.magnitude.next = bit_cast::<80, 32>(self.pp0.val())
            + (bit_cast::<80, 32>(self.pp1.val()) << 16)
            + (bit_cast::<80, 32>(self.pp2.val()) << 32)
            + (bit_cast::<80, 32>(self.pp3.val()) << 48);
        self.product.next = self.magnitude.val();
        if self.s1_value.q.val().get_bit(63) ^ self.s1_mult.q.val().get_bit(15) {
            self.product.next = !self.magnitude.val() + 1;
        }
        // Stage 3: rounding shift, activation, saturation.
        self.rounded.next = self.s2_product.q.val();
        self.shifted.next = self.s2_product.q.val();
        if self.s2_shift.q.val().any() {
            self.rounded.next = self.s2_product.q.val()
                + (bit_cast::<80, 1>(1.into()) << (self.s2_shift.q.val() - 1));
            self.shifted.next = self.rounded.val() >> self.s2_shift.q.val();
            if self.rounded.val().get_bit(79) {
                self.shifted.next = !((!self.rounded.val()) >> self.s2_shift.q.val());
            }
        }
        self.activated.next = self.shifted.val();
        if self.relu.val() & self.shifted.val().get_bit(79) {
            self.activated.next = 0.into();
        }
        self.flipped.next = self.activated.val() ^ self.sign_bit.val();
        self.clamped.next = self.activated.val().get_bits::<32>(0);
        if self.flipped.val() < self.out_min_flipped.val() {
            self.clamped.next = self.out_min_low.val();
        }
        if self.flipped.val() > self.out_max_flipped.val() {
            self.clamped.next = self.out_max_low.val();
        }
        if self.advance.val() {
            self.s1_valid.d.next = self.in_valid.val();
            self.s1_value.d.next = self.in_acc.val() + self.bias_wide.val();
            self.s1_mult.d.next = self.mult.val();
            self.s1_shift.d.next = self.shift.val();
            self.s1_col.d.next = self.in_col.val();
            self.s1_last.d.next = self.in_last.val();
            self.s2_valid.d.next = self.s1_valid.q.val();
            self.s2_product.d.next = self.product.val();
            self.s2_shift.d.next = self.s1_shift.q.val();
            self.s2_col.d.next = self.s1_col.q.val();
            self.s2_last.d.next = self.s1_last.q.val();
            self.s3_valid.d.next = self.s2_valid.q.val();
            self.s3_data.d.next = self.clamped.val();
            self.s3_col.d.next = self.s2_col.q.val();
            self.s3_last.d.next = self.s2_last.q.val();
        }
        if self.reset.val() {
            self.s1_valid.d.next = false;
            self.s2_valid.d.next = false;
            self.s3_valid.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesizes() {
        let mut uut = ActivationUnit::new(true, -128, 127);
        uut.connect_all();
        assert!(generate_verilog(&uut).contains("module top"));
    }

    /// The spec's periphery, written plainly (the golden model's rule, restated).
    fn expected(acc: i64, mult: i16, shift: u8, bias: i32, relu: bool, lo: i64, hi: i64) -> i64 {
        let t = (acc as i128 + bias as i128) * mult as i128;
        let y = if shift == 0 { t } else { (t + (1i128 << (shift - 1))) >> shift };
        let y = if relu { y.max(0) } else { y };
        y.clamp(lo as i128, hi as i128) as i64
    }

    fn run_cases(relu: bool, lo: i64, hi: i64, cases: Vec<(i64, i16, u8, i32)>) {
        let mut uut = ActivationUnit::new(relu, lo, hi);
        uut.connect_all();
        let want: Vec<i64> = cases.iter().map(|&(a, m, s, b)| expected(a, m, s, b, relu, lo, hi)).collect();
        let count = cases.len();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ActivationUnit>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<ActivationUnit>| {
            let mut x = sim.init()?;
            x.reset.next = true;
            wait_clock_false!(sim, clock, x);
            wait_clock_true!(sim, clock, x);
            x.reset.next = false;
            let mut next = 0;
            let mut got = vec![];
            let mut cycle = 0;
            while got.len() < count && cycle < 20 * count + 20 {
                // Backpressure on every fourth cycle.
                x.out_ready.next = cycle % 4 != 3;
                x.in_valid.next = next < count;
                if next < count {
                    let (a, m, s, b) = cases[next];
                    x.in_acc.next = (a as u64).into();
                    x.mult.next = (m as u16 as u64).into();
                    x.shift.next = (s as u64).into();
                    x.bias.next = (b as u32 as u64).into();
                    x.in_col.next = (next as u64).into();
                }
                // Between edges: what the next rising edge will sample.
                wait_clock_false!(sim, clock, x);
                if x.out_valid.val() && x.out_ready.val() {
                    let raw = x.out_data.val().to_u64() as u32;
                    got.push(if lo < 0 { raw as i32 as i64 } else { raw as i64 });
                }
                if x.advance.val() && next < count {
                    next += 1;
                }
                wait_clock_true!(sim, clock, x);
                cycle += 1;
            }
            sim_assert_eq!(sim, got, want, x);
            sim.done(x)
        });
        sim.run(Box::new(uut), 1_000_000).unwrap();
    }

    #[test]
    fn rounds_saturates_and_activates() {
        let extremes = vec![
            (0, 1, 0, 0),
            (10, -2, 2, -3),
            (-7, 1, 1, 0),
            (-6, 1, 2, 0),
            (5, 1, 1, 0),
            ((1 << 59) - 1, i16::MIN, 0, i32::MIN),
            (-(1 << 59), i16::MIN, 31, i32::MIN),
            (-(1 << 59), i16::MAX, 31, i32::MAX),
            ((1 << 59) - 1, i16::MAX, 31, i32::MAX),
            (123_456_789, -1234, 7, -99),
            (-123_456_789, 4321, 13, 77),
            (3, 3, 1, 0),
        ];
        run_cases(false, -(1 << 31), (1 << 31) - 1, extremes.clone());
        run_cases(true, -128, 127, extremes.clone());
        run_cases(false, 0, (1 << 32) - 1, extremes.clone());
        run_cases(false, -2, 1, extremes);
    }
}

//! The spec's pseudo-random numbers (section 3): `mix`, `H`, `uni`. All arithmetic wraps mod 2^32.

/// Hash tag of the programming error (ASCII "PROG").
pub const PROG: u32 = 0x5052_4f47;
/// Hash tag of the read noise (ASCII "READ").
pub const READ: u32 = 0x5245_4144;
/// Hash tag of the stuck-cell draw (ASCII "FALT").
pub const FAULT: u32 = 0x4641_4c54;
/// Hash tag of the per-cell drift spread (ASCII "DRFT").
pub const DRIFT: u32 = 0x4452_4654;

/// The spec's 32-bit finalizer `mix`: every bit of the input moves every bit of the output.
#[inline(always)]
pub fn mix(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// `H(tag, seed, a, b, c, d)`.
pub fn hash(tag: u32, seed: u32, a: u32, b: u32, c: u32, d: u32) -> u32 {
    mix(mix(mix(mix(mix(seed ^ tag) ^ a) ^ b) ^ c) ^ d)
}

/// `uni(h, amp)`: uniform in `-amp..=amp`. The modulus is a precomputed fast-mod (Lemire,
/// "Faster remainder by direct computation", 2019), exact for every 32-bit `h`, because one
/// division per ADC conversion would dominate the model's run time.
#[derive(Debug, Clone, Copy)]
pub struct Uniform {
    amp: u32,
    modulus: u64,
    magic: u64,
}

impl Uniform {
    /// Draws in `-amp..=amp` (the spec's `uni(h, amp)`).
    pub fn new(amp: u32) -> Self {
        let modulus = 2 * amp as u64 + 1;
        Uniform {
            amp,
            modulus,
            magic: (u64::MAX / modulus).wrapping_add(1),
        }
    }

    /// `uni(h, amp)`: `h mod (2*amp + 1) - amp`, by a multiply instead of a division.
    #[inline(always)]
    pub fn sample(&self, h: u32) -> i64 {
        if self.amp == 0 {
            return 0;
        }
        let low = self.magic.wrapping_mul(h as u64);
        let rem = ((low as u128 * self.modulus as u128) >> 64) as i64;
        rem - self.amp as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mix_matches_hand_computation() {
        // Values computed independently (Python, arbitrary precision masked to 32 bits).
        assert_eq!(mix(0), 0);
        assert_eq!(mix(1), 0x6889_90c0);
        assert_eq!(mix(0x1234_5678), 0xf5e7_1c96);
    }

    #[test]
    fn tags_spell_their_names() {
        assert_eq!(&PROG.to_be_bytes(), b"PROG");
        assert_eq!(&READ.to_be_bytes(), b"READ");
        assert_eq!(&FAULT.to_be_bytes(), b"FALT");
        assert_eq!(&DRIFT.to_be_bytes(), b"DRFT");
    }

    #[test]
    fn zero_amplitude_is_silent() {
        assert_eq!(Uniform::new(0).sample(12345), 0);
    }

    proptest! {
        #[test]
        fn fast_mod_equals_remainder(h in any::<u32>(), amp in 0u32..=(1 << 20)) {
            let expected = if amp == 0 { 0 } else { (h as u64 % (2 * amp as u64 + 1)) as i64 - amp as i64 };
            prop_assert_eq!(Uniform::new(amp).sample(h), expected);
        }

        #[test]
        fn fast_mod_at_extremes(amp in prop::sample::select(vec![1u32, 2, 3, 1 << 19, (1 << 20) - 1, 1 << 20])) {
            for h in [0u32, 1, u32::MAX, u32::MAX - 1, 1 << 31] {
                let expected = (h as u64 % (2 * amp as u64 + 1)) as i64 - amp as i64;
                prop_assert_eq!(Uniform::new(amp).sample(h), expected);
            }
        }
    }
}

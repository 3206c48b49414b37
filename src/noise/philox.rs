//! Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
//! as easy as 1, 2, 3", SC 2011; Random123): a bijection of a 128-bit counter
//! under a 64-bit key, ten rounds of two 32x32 -> 64-bit multiplications.
//!
//! The lane version keeps each 32-bit word in a 64-bit lane: the multiply
//! then needs no shuffles (x86's `pmuludq` multiplies the low halves of
//! 64-bit lanes), and the high halves may hold leftovers, because only low
//! halves are multiplied and only low halves are returned.

// Lane indices below the const generic V, word indices below 4.
#![allow(clippy::indexing_slicing)]

use crate::simd::array;

/// The round multipliers.
const M: [u32; 2] = [0xD251_1F53, 0xCD9E_8D57];
/// The key increments (the golden ratio and sqrt(3) - 1, as 32-bit fractions).
const W: [u32; 2] = [0x9E37_79B9, 0xBB67_AE85];
const ROUNDS: u32 = 10;

/// Philox4x32-10 of one counter under one key, as Random123 defines it.
///
/// ```
/// // Random123's first known-answer vector.
/// assert_eq!(
///     dataspace::noise::philox4x32_10([0; 4], [0; 2]),
///     [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
/// );
/// ```
#[must_use]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = counter;
    let mut k = key;
    for round in 0..ROUNDS {
        if round > 0 {
            k = [k[0].wrapping_add(W[0]), k[1].wrapping_add(W[1])];
        }
        let p0 = u64::from(M[0]) * u64::from(c[0]);
        let p1 = u64::from(M[1]) * u64::from(c[2]);
        // The high words (>> 32) and low words (truncation) of the products.
        c = [
            (p1 >> 32) as u32 ^ c[1] ^ k[0],
            p1 as u32,
            (p0 >> 32) as u32 ^ c[3] ^ k[1],
            p0 as u32,
        ];
    }
    c
}

/// [`philox4x32_10`] of `V` counters at once, word `w` of lane `i` in
/// `counters[w][i]`: the same bits as `V` calls, written so that the
/// compiler turns each step into one vector instruction per register.
#[inline(always)]
pub(crate) fn philox4x32_10_lanes<const V: usize>(
    counters: [[u32; V]; 4],
    key: [u32; 2],
) -> [[u32; V]; 4] {
    let mut c = array::map([[0u64; V]; 4], |w, _| {
        array::from_fn(|i| u64::from(counters[w][i]))
    });
    let (m0, m1) = (u64::from(M[0]), u64::from(M[1]));
    const LOW: u64 = 0xFFFF_FFFF;
    let mut k = key;
    for round in 0..ROUNDS {
        if round > 0 {
            k = [k[0].wrapping_add(W[0]), k[1].wrapping_add(W[1])];
        }
        let (k0, k1) = (u64::from(k[0]), u64::from(k[1]));
        // Lane i of four words at once: one index reads clearer than a zip of four.
        #[allow(clippy::needless_range_loop)]
        for i in 0..V {
            // Only the low halves are multiplied: 32x32 -> 64 bits.
            let p0 = (c[0][i] & LOW) * m0;
            let p1 = (c[2][i] & LOW) * m1;
            let (c1, c3) = (c[1][i], c[3][i]);
            c[0][i] = (p1 >> 32) ^ c1 ^ k0;
            c[1][i] = p1;
            c[2][i] = (p0 >> 32) ^ c3 ^ k1;
            c[3][i] = p0;
        }
    }
    array::map([[0u32; V]; 4], |w, _| {
        array::from_fn(|i| (c[w][i] & LOW) as u32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Random123's known-answer vectors are checked through the public
    // layout in tests/suite/noise.rs; here, the lane version against the
    // one-counter version, including widths the packs do not have.

    fn lanes_match_scalar<const V: usize>() {
        let keys = [[0, 0], [u32::MAX, u32::MAX], [0xa409_3822, 0x299f_31d0]];
        for (n, key) in keys.into_iter().enumerate() {
            let counters: [[u32; V]; 4] = core::array::from_fn(|w| {
                core::array::from_fn(|i| {
                    (i as u32 ^ n as u32).wrapping_mul(0x9E37_79B9)
                        ^ (w as u32).rotate_left(7 * n as u32)
                })
            });
            let out = philox4x32_10_lanes(counters, key);
            for i in 0..V {
                let lane = core::array::from_fn(|w| counters[w][i]);
                let got = core::array::from_fn(|w| out[w][i]);
                assert_eq!(got, philox4x32_10(lane, key), "V = {V}, lane {i}");
            }
        }
    }

    #[test]
    fn lanes_give_the_scalar_bits_at_every_width() {
        lanes_match_scalar::<1>();
        lanes_match_scalar::<2>();
        lanes_match_scalar::<4>();
        lanes_match_scalar::<8>();
        lanes_match_scalar::<16>();
        lanes_match_scalar::<32>();
        lanes_match_scalar::<64>();
    }

    #[test]
    fn the_first_known_answer() {
        assert_eq!(
            philox4x32_10([0; 4], [0; 2]),
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]
        );
    }
}

//! Random numbers that belong to points: a counter-based generator keyed by
//! (seed, point index, stream, counter), so that a point draws the same
//! numbers whatever the lane count, the thread count, the blocks, the shard,
//! the MPI rank or the resume point of the run it is in.
//!
//! - `philox`: Philox4x32-10, one counter or `V` at once.
//!
//! The layer above `simd`: draws come as packs ([`F32<V>`], [`F64<V>`]).

// Lane indices below the const generic V (from `array::from_fn`); word
// indices below 4.
#![allow(clippy::indexing_slicing)]

mod philox;

pub use philox::philox4x32_10;

use crate::simd::array;
use crate::simd::{F32, F64, Float, FloatPack, Pack};

/// A seeded source of random numbers for every point of a sweep, without
/// state: the numbers of point `i` are a function of (seed, `i`, stream,
/// counter) alone, computed by Philox4x32-10 (Random123; cuRAND's and
/// TensorFlow's stateless generator) from the counter block
/// `[counter, i mod 2^32, i / 2^32, stream]` under the key
/// `[seed mod 2^32, seed / 2^32]`.
///
/// In a kernel, the point index is [`Lanes::index`](crate::Lanes::index)
/// and the counter is the step (or a pair of steps: one call gives four
/// `f32` draws per point); `stream` separates independent uses (the noise
/// of two state variables, the initial state and the noise).
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { sigma: f32 }
///
/// const NOISE: Philox = Philox::new(20240604);
///
/// // A random walk per point: 100 steps of N(0, sigma^2), four steps a call.
/// fn walk<const V: usize>(p: PLanes<'_, V>) -> F32<V>
/// where
///     f32: Float<V>,
/// {
///     let mut x = F32::<V>::splat(0.0);
///     for step in 0..25 {
///         for xi in NOISE.normal::<V>(p.index(), 0, step) {
///             x = xi.mul_add(p.sigma, x);
///         }
///     }
///     x
/// }
/// let space = PSpace::new(PColumns { sigma: vec![1.0; 100] })?;
/// let narrow = Executor::sequential().run(&space, walk::<4>)?;
/// let wide = Executor::parallel().run(&space, walk::<64>)?;
/// assert_eq!(narrow, wide); // the same numbers per point, bit for bit
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Philox {
    key: [u32; 2],
}

/// 2^-23 and 2^-52: one step of a 23- or 52-bit uniform.
const F32_STEP: f32 = 1.0 / 8_388_608.0;
const F64_STEP: f64 = 1.0 / 4_503_599_627_370_496.0;

/// A word as a uniform `f32` in (0, 1): its top 23 bits `m` give
/// `(m + 1/2) 2^-23`, exact, between `2^-24` and `1 - 2^-24`, so that
/// `ln(u)` and `ln(1 - u)` are finite.
///
/// ```
/// use dataspace::noise::uniform_f32;
///
/// assert_eq!(uniform_f32(0), 0.5 / 8_388_608.0);
/// assert_eq!(uniform_f32(u32::MAX), 1.0 - 0.5 / 8_388_608.0);
/// ```
#[inline(always)]
#[must_use]
pub fn uniform_f32(word: u32) -> f32 {
    // (m + 1/2) has 24 significant bits: exact in f32, as is the scaling.
    ((word >> 9) as f32 + 0.5) * F32_STEP
}

/// Two words as a uniform `f64` in (0, 1): the top 52 bits `m` of
/// `high * 2^32 + low` give `(m + 1/2) 2^-52`, exact.
///
/// ```
/// use dataspace::noise::uniform_f64;
///
/// assert_eq!(uniform_f64(0, 0), 0.5 / 4_503_599_627_370_496.0);
/// assert_eq!(uniform_f64(u32::MAX, u32::MAX), 1.0 - 0.5 / 4_503_599_627_370_496.0);
/// ```
#[inline(always)]
#[must_use]
pub fn uniform_f64(high: u32, low: u32) -> f64 {
    let bits = (u64::from(high) << 32) | u64::from(low);
    ((bits >> 12) as f64 + 0.5) * F64_STEP
}

impl Philox {
    /// The generator of a seed.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self {
            key: [seed as u32, (seed >> 32) as u32],
        }
    }

    /// The seed it was made from.
    ///
    /// ```
    /// assert_eq!(dataspace::Philox::new(u64::MAX - 1).seed(), u64::MAX - 1);
    /// ```
    #[must_use]
    pub const fn seed(&self) -> u64 {
        ((self.key[1] as u64) << 32) | self.key[0] as u64
    }

    /// The four 32-bit words of `point` for (`stream`, `counter`): the
    /// reference every other method draws from.
    ///
    /// ```
    /// use dataspace::Philox;
    /// use dataspace::noise::philox4x32_10;
    ///
    /// let seed = 0x0123_4567_89ab_cdef;
    /// let words = Philox::new(seed).words(7, 2, 99);
    /// assert_eq!(words, philox4x32_10([99, 7, 0, 2], [0x89ab_cdef, 0x0123_4567]));
    /// ```
    #[must_use]
    pub fn words(&self, point: u64, stream: u32, counter: u32) -> [u32; 4] {
        philox4x32_10(
            [counter, point as u32, (point >> 32) as u32, stream],
            self.key,
        )
    }

    /// [`words`](Philox::words) of the `V` points from `first`: word `w` of
    /// point `first + i` in `[w][i]`.
    #[inline(always)]
    #[must_use]
    pub fn words_lanes<const V: usize>(
        &self,
        first: usize,
        stream: u32,
        counter: u32,
    ) -> [[u32; V]; 4] {
        let point = |i: usize| (first as u64).wrapping_add(i as u64);
        philox::philox4x32_10_lanes(
            [
                [counter; V],
                array::from_fn(|i| point(i) as u32),
                array::from_fn(|i| (point(i) >> 32) as u32),
                [stream; V],
            ],
            self.key,
        )
    }

    /// Four uniform `f32` packs in (0, 1) for the `V` points from `first`
    /// (one per word, [`uniform_f32`]).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::noise::uniform_f32;
    ///
    /// let noise = Philox::new(1);
    /// let [u0, _, _, u3] = noise.uniform::<8>(40, 0, 5);
    /// assert_eq!(u0.to_array()[2], uniform_f32(noise.words(42, 0, 5)[0]));
    /// assert_eq!(u3.to_array()[7], uniform_f32(noise.words(47, 0, 5)[3]));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn uniform<const V: usize>(&self, first: usize, stream: u32, counter: u32) -> [F32<V>; 4]
    where
        f32: Float<V>,
    {
        let words = self.words_lanes::<V>(first, stream, counter);
        let lanes = |w: usize| array::from_fn(|i| uniform_f32(words[w][i]));
        let pack = |w: usize| <F32<V> as Pack<V>>::from_array(lanes(w));
        [pack(0), pack(1), pack(2), pack(3)]
    }

    /// Four standard normal `f32` packs for the `V` points from `first`, by
    /// Box–Muller from the four uniforms `u0..u3` of
    /// [`uniform`](Philox::uniform): `sqrt(-2 ln u0) (cos 2 pi u1,
    /// sin 2 pi u1)`, then the same from `u2`, `u3`.
    ///
    /// Computed with one polynomial for `ln` and one each for `sin` and
    /// `cos` of a quarter turn (within 4e-7 of the radius), which give the
    /// same bits at every lane count of one build; a build with other
    /// target features (FMA or not) may differ in the last bits. Releases
    /// before 0.1.0's issue 19 used `wide`'s `ln`, `sin` and `cos`: their
    /// normals differ from these in the last bits.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// let noise = Philox::new(7);
    /// let [a, ..] = noise.normal::<4>(0, 0, 0);
    /// let [b, ..] = noise.normal::<16>(0, 0, 0);
    /// assert_eq!(a.to_array(), b.to_array()[..4]); // same points, same draws
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn normal<const V: usize>(&self, first: usize, stream: u32, counter: u32) -> [F32<V>; 4]
    where
        f32: Float<V>,
    {
        let [u0, u1, u2, u3] = self.uniform::<V>(first, stream, counter);
        let ([x0, y0], [x1, y1]) = (u0.box_muller(u1), u2.box_muller(u3));
        [x0, y0, x1, y1]
    }

    /// Two uniform `f64` packs in (0, 1) for the `V` points from `first`:
    /// words (0, 1) and (2, 3) as [`uniform_f64`]`(high, low)`.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::noise::uniform_f64;
    ///
    /// let noise = Philox::new(1);
    /// let [_, u] = noise.uniform_f64::<4>(8, 3, 0);
    /// let w = noise.words(9, 3, 0);
    /// assert_eq!(u.to_array()[1], uniform_f64(w[2], w[3]));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn uniform_f64<const V: usize>(
        &self,
        first: usize,
        stream: u32,
        counter: u32,
    ) -> [F64<V>; 2]
    where
        f64: Float<V>,
    {
        let [w0, w1, w2, w3] = self.words_lanes::<V>(first, stream, counter);
        let pack = |high: [u32; V], low: [u32; V]| {
            <F64<V> as Pack<V>>::from_array(array::from_fn(|i| uniform_f64(high[i], low[i])))
        };
        [pack(w0, w1), pack(w2, w3)]
    }

    /// Two standard normal `f64` packs for the `V` points from `first`: one
    /// Box–Muller pair from the two uniforms of
    /// [`uniform_f64`](Philox::uniform_f64).
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// let [x, y] = Philox::new(3).normal_f64::<8>(0, 0, 0);
    /// assert!(x.to_array().iter().chain(&y.to_array()).all(|v| v.abs() < 10.0));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn normal_f64<const V: usize>(&self, first: usize, stream: u32, counter: u32) -> [F64<V>; 2]
    where
        f64: Float<V>,
    {
        let [u0, u1] = self.uniform_f64::<V>(first, stream, counter);
        u0.box_muller(u1)
    }
}

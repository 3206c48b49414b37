//! The arithmetic a model needs on packs of floats, for every lane count.
//!
//! `wide`'s float types have these as inherent methods; the trait gathers them
//! so that a kernel written once, generic over `V`, compiles for `f32x8` and
//! for a [`Lockstep`](crate::Lockstep) of four `f32x16` alike.

// Indices here are lane counts clamped to the pack's length: they cannot be out of range.
#![allow(clippy::indexing_slicing)]

use super::scalar::{Packable, Scalar};
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A pack of floats with the arithmetic of a model: operators, fused
/// multiply-add, the usual functions, comparisons and selects. Every
/// operation works lane by lane. Building a pack (`splat`, `from_array`,
/// `load`) is [`Pack`](crate::Pack)'s job.
///
/// Comparisons return a mask of the same type (all bits set where true), as
/// in `wide`; [`select`](FloatPack::select) picks lanes by such a mask.
///
/// **Method names shared with `wide`.** On a concrete `wide` type
/// (`f32x8`), a method call picks `wide`'s inherent method of that name
/// before this trait's: `x.exp()` and `x.recip()` are then `wide`'s (its
/// `recip` is an approximate `rcpps`). In a kernel generic over `V`, the
/// usual case, they are this trait's; on a concrete type, write
/// `FloatPack::recip(x)`.
///
/// **Tail lanes** hold NaN by default. Lane-wise arithmetic on them is
/// harmless, but [`min`](FloatPack::min) and [`max`](FloatPack::max) return
/// the other operand when one is NaN (as `wide` does), and a sum over all
/// lanes is NaN: reduce with [`sum_lanes`](FloatPack::sum_lanes) and the
/// pack's count of real lanes, [`Lanes::valid`](crate::Lanes::valid).
///
/// ```
/// use dataspace::prelude::*;
///
/// // Written once for any float pack: `f32x4`, or a `Lockstep` of 64 lanes.
/// fn relu_plus<P: FloatPack>(x: P, y: P) -> P {
///     let zero = x - x;
///     x.simd_gt(zero).select(x, zero).mul_add(y, y) // max(x, 0) * y + y
/// }
/// let x = f32x4::from([-1.0, 0.5, 2.0, 3.0]);
/// let out = relu_plus(x, f32x4::splat(2.0));
/// assert_eq!(out.to_array(), [2.0, 3.0, 6.0, 8.0]);
/// let wide = relu_plus(F32::<64>::splat(3.0), F32::<64>::splat(2.0));
/// assert_eq!(wide.sum_lanes(64), 64.0 * 8.0);
/// assert_eq!(f64x2::from([4.0, 9.0]).sqrt().to_array(), [2.0, 3.0]);
/// ```
pub trait FloatPack:
    Copy
    + Send
    + Sync
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
{
    /// The scalar in each lane.
    type Scalar: Scalar;

    /// `self * a + b`, fused (one rounding) where the target has FMA.
    #[must_use]
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `b - self * a`, fused where the target has FMA.
    #[must_use]
    fn mul_neg_add(self, a: Self, b: Self) -> Self;
    /// Square root.
    #[must_use]
    fn sqrt(self) -> Self;
    /// `e^self`, within 2 ulp of the rounded exact value for `f32` and 3
    /// ulp of std's `exp` for `f64` (`tests/suite/arithmetic.rs`), with
    /// `e^x` of large `x` infinite, of very negative `x` subnormal then 0,
    /// and NaN for NaN.
    ///
    /// Written once over this trait's lane-wise operations (range
    /// reduction by `ln 2`, a polynomial, a scaling by `2^n`), so that a
    /// [`Lockstep`](crate::Lockstep) pack issues each operation on all its
    /// registers before the next: the registers' dependency chains
    /// interleave, which a sigmoid-heavy model needs to fill the FMA pipes.
    /// The same bits at every lane count (a NaN result is NaN; the
    /// compiler keeps no NaN's payload).
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// // On a concrete `wide` type `x.exp()` is `wide`'s inherent method: name
    /// // the trait's (a kernel generic over `V` calls it by `x.exp()`).
    /// let x = FloatPack::exp(f64x4::from([0.0, 1.0, -744.0, 710.0])).to_array();
    /// assert_eq!(x[0], 1.0);
    /// assert!((x[1] - std::f64::consts::E).abs() <= 2.0 * f64::EPSILON * x[1]);
    /// assert!(x[2] > 0.0 && x[2] < 1e-322); // subnormal
    /// assert!(x[3].is_infinite());
    /// ```
    #[must_use]
    #[inline(always)]
    fn exp(self) -> Self {
        exp(self)
    }
    /// Natural logarithm.
    #[must_use]
    fn ln(self) -> Self;
    /// Sine.
    #[must_use]
    fn sin(self) -> Self;
    /// Cosine.
    #[must_use]
    fn cos(self) -> Self;
    /// Hyperbolic tangent.
    #[must_use]
    fn tanh(self) -> Self;
    /// Absolute value.
    #[must_use]
    fn abs(self) -> Self;
    /// Lane-wise minimum; a NaN operand yields the other operand.
    #[must_use]
    fn min(self, other: Self) -> Self;
    /// Lane-wise maximum; a NaN operand yields the other operand.
    #[must_use]
    fn max(self, other: Self) -> Self;
    /// Mask of `self < other`.
    #[must_use]
    fn simd_lt(self, other: Self) -> Self;
    /// Mask of `self <= other`.
    #[must_use]
    fn simd_le(self, other: Self) -> Self;
    /// Mask of `self > other`.
    #[must_use]
    fn simd_gt(self, other: Self) -> Self;
    /// Mask of `self >= other`.
    #[must_use]
    fn simd_ge(self, other: Self) -> Self;
    /// Mask of `self == other`.
    #[must_use]
    fn simd_eq(self, other: Self) -> Self;
    /// Mask of lanes that are NaN.
    #[must_use]
    fn is_nan(self) -> Self;
    /// `if_true` where the mask `self` is set, `if_false` elsewhere.
    #[must_use]
    fn select(self, if_true: Self, if_false: Self) -> Self;
    /// Whether any lane of the mask `self` is set.
    fn any(self) -> bool;
    /// Every lane holding `value`: [`Pack::splat`](crate::Pack::splat) for
    /// code that knows the pack only as a `FloatPack` (integrators, generic
    /// helpers).
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// fn halve<P: FloatPack>(x: P) -> P {
    ///     x * P::from_scalar(P::Scalar::from_fill(0.5))
    /// }
    /// assert_eq!(halve(f64x2::from([1.0, 3.0])).to_array(), [0.5, 1.5]);
    /// ```
    #[must_use]
    fn from_scalar(value: Self::Scalar) -> Self;
    /// `1 / self`, correctly rounded (a division, not an approximate
    /// reciprocal instruction, whose bits differ between CPUs).
    #[must_use]
    fn recip(self) -> Self;
    /// `self / d` for `d` in [1, 2^126) (beyond, up to the logistic's
    /// clamp at about 2^127, a quotient below 1e-37 may come out 0: the
    /// logistic documents only a bound there): a division, or in an `f32` pack of an
    /// AVX-512 build (`avx512f` and `avx512vl`) `vrcp14ps` (2^-14, specified
    /// to the bit by Intel's reference implementation), then one Newton
    /// step on the quotient: within 0.55 ulp (0.535 the worst of 2^18
    /// random pairs), the same at every lane count
    /// of the build. A 16-lane division issues once every 10 or more
    /// cycles; the sigmoids of W3 took 12 per step at `V = 64`.
    #[doc(hidden)]
    #[must_use]
    fn quotient(self, d: Self) -> Self;
    /// Box–Muller: `sqrt(-2 ln self)` times `cos 2 pi t` and `sin 2 pi t`,
    /// for `self` in (0, 1] and `t` in [0, 1). `f64` packs compute it with
    /// [`ln`](FloatPack::ln), [`cos`](FloatPack::cos) and
    /// [`sin`](FloatPack::sin); `f32` packs with one polynomial for
    /// `ln` (by the exponent and a mantissa in [sqrt(1/2), sqrt(2))) and
    /// one each for `cos` and `sin` of a quarter turn, after reducing `t`
    /// to quarter turns: within 4e-7 of the radius (2.2e-7 the worst
    /// measured); with it W4 went from 1.78x to 1.53x the hand-written
    /// kernel's time (criterion, `bench-results/issue19-sitting.log`
    /// against `issue19-sitting-final.log`; Intel Xeon model 207, AVX-512).
    #[doc(hidden)]
    #[must_use]
    fn box_muller(self, t: Self) -> [Self; 2];
    /// The largest integer at most `self` (NaN stays NaN).
    #[must_use]
    fn floor(self) -> Self;
    /// Mask of lanes that are neither infinite nor NaN.
    #[must_use]
    fn is_finite(self) -> Self;
    /// `self` limited to `[lo, hi]` lane by lane, as numpy's `clip` and the
    /// scalar `clamp`: NaN lanes stay NaN (where `max(x, lo).min(hi)` alone
    /// would give `lo`), and a NaN bound leaves the lane unclamped on that
    /// side. Lanes with `lo > hi` give `hi`. (Not named `clamp`: `wide`'s
    /// types have an inherent `clamp` that a method call would pick, with
    /// other NaN rules.)
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// let x = f32x4::from([-1.0, 0.5, 7.0, f32::NAN]);
    /// let y = x.clip(f32x4::splat(0.0), f32x4::splat(1.0)).to_array();
    /// assert_eq!(y[..3], [0.0, 0.5, 1.0]);
    /// assert!(y[3].is_nan());
    /// ```
    #[must_use]
    fn clip(self, lo: Self, hi: Self) -> Self;
    /// Sum of the first `n` lanes (all lanes if `n` is larger), added in lane
    /// order from 0: the reduction to use on a pack with tail lanes.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// let x = f32x4::from([1.0, 2.0, 3.0, f32::NAN]); // lane 3 a tail lane
    /// assert_eq!(x.sum_lanes(3), 6.0);
    /// assert!(x.sum_lanes(4).is_nan());
    /// ```
    #[inline]
    fn sum_lanes(self, n: usize) -> Self::Scalar {
        self.add_lanes_to(Self::Scalar::from_fill(0.0), n)
    }
    /// `acc` plus the first `n` lanes, added one at a time in lane order.
    #[doc(hidden)]
    fn add_lanes_to(self, acc: Self::Scalar, n: usize) -> Self::Scalar;
    /// The constants of [`exp`](FloatPack::exp) for this scalar.
    #[doc(hidden)]
    const EXP: ExpTable;
    /// `self * 2^n` for integer-valued `n` with `|n| < 2^(mantissa bits - 2)`
    /// whose halves are normal exponents (`|n| <= 250` for `f32`), in one
    /// rounding: `self` scaled by `2^a` exactly, then by `2^b`, `a + b = n`.
    #[doc(hidden)]
    #[must_use]
    fn mul_pow2i(self, n: Self) -> Self;
    /// `self * 2^n`, exact where the product is a normal number, by adding
    /// `n` to the exponent field: `n` given as `shifted = n + EXP.magic`, the
    /// sum that rounded it to an integer (its low bits hold `n`).
    #[doc(hidden)]
    #[must_use]
    fn mul_pow2_shifted(self, shifted: Self) -> Self;
    /// The logistic function `1 / (1 + e^-self)`, the sigmoid of neural
    /// mass and rate models (Jansen–Rit's `S(v)` is
    /// `2 nu_max * (r (v - v0)).logistic()`, Wilson–Cowan's likewise).
    ///
    /// Within 3 ulp of the exact value while it is above 1e-37 (`f32`;
    /// 1e-307 for `f64`), and below that bound beyond. Cheaper than
    /// `1 / (1 + (-x).exp())`: the sigmoid needs no subnormal or infinite
    /// `e^x`, so the argument is clamped once and `2^n` built in one step.
    /// NaN for NaN; the same bits at every lane count.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// let y = f32x8::from([0.0, 1.0, -1.0, 20.0, -20.0, 100.0, -100.0, f32::NAN]).logistic().to_array();
    /// assert_eq!(y[0], 0.5);
    /// assert!((y[1] - 0.731_058_6).abs() < 1e-7 && (y[1] + y[2] - 1.0).abs() < 1e-7);
    /// assert!(y[3] == 1.0 && y[4] > 0.0 && y[4] < 2.1e-9);
    /// assert!(y[5] == 1.0 && y[6] < 1e-37);
    /// assert!(y[7].is_nan());
    /// ```
    #[must_use]
    #[inline(always)]
    fn logistic(self) -> Self {
        logistic(self, Self::from_scalar(Self::Scalar::from_fill(1.0)))
    }
    /// `scale / (1 + e^-self)`: the logistic function times `scale`, at the
    /// cost of [`logistic`](FloatPack::logistic) alone (the division takes
    /// `scale` for numerator), as a model's sigmoid with its maximum rate
    /// is written: Jansen–Rit's `S(v) = 2 e0 / (1 + e^(r (v0 - v)))` is
    /// `(r * (v - v0)).logistic_times(2 e0)`. Within 3 ulp of the exact
    /// value where that is above `scale * 1e-37` (`f32`); with `scale = 1`
    /// it is `logistic`, bit for bit.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// let max_rate = f32x4::splat(0.005);
    /// let y = f32x4::from([0.0, 3.0, -3.0, 50.0]).logistic_times(max_rate).to_array();
    /// assert_eq!(y[0], 0.0025);
    /// assert!((y[1] + y[2] - 0.005).abs() < 1e-9 && y[3] == 0.005);
    /// ```
    #[must_use]
    #[inline(always)]
    fn logistic_times(self, scale: Self) -> Self {
        logistic(self, scale)
    }
}

/// A scalar whose `V`-lane pack is a [`FloatPack`]: the bound a kernel generic
/// over `V` writes, `where f32: Float<V>`.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// // One kernel for every lane count f32 has.
/// fn kernel<const V: usize>(p: PLanes<'_, V>) -> F32<V>
/// where
///     f32: Float<V>,
/// {
///     p.x.mul_add(p.x, F32::<V>::splat(1.0)) // x^2 + 1
/// }
/// let space = PSpace::new(PColumns { x: vec![0.0, 1.0, 2.0, 3.0, 4.0] })?;
/// let narrow = Executor::sequential().run(&space, kernel::<4>)?;
/// let wide = Executor::sequential().run(&space, kernel::<64>)?;
/// assert_eq!(narrow, [1.0, 2.0, 5.0, 10.0, 17.0]);
/// assert_eq!(narrow, wide);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Float<const V: usize>: Packable<V, Pack: FloatPack<Scalar = Self>> {}

impl<T: Packable<V, Pack: FloatPack<Scalar = T>>, const V: usize> Float<V> for T {}

/// The pack of `V` `f32` lanes: `F32<8>` is `f32x8`, `F32<64>` four `f32x16` in lockstep.
///
/// ```
/// use dataspace::prelude::*;
///
/// let eight: F32<8> = f32x8::splat(1.5); // the same type
/// assert_eq!(eight.sum_lanes(8), 12.0);
/// let wide = F32::<64>::from_array(core::array::from_fn(|k| k as f32));
/// assert_eq!(wide, Lockstep::<f32x16, 4>::from_array(core::array::from_fn(|k| k as f32)));
/// assert_eq!(wide.to_array()[63], 63.0);
/// ```
pub type F32<const V: usize> = <f32 as Packable<V>>::Pack;

/// The pack of `V` `f64` lanes: `F64<4>` is `f64x4`.
///
/// ```
/// use dataspace::prelude::*;
///
/// let x: F64<4> = f64x4::from([1.0, 4.0, 9.0, 16.0]);
/// assert_eq!(x.sqrt().to_array(), [1.0, 2.0, 3.0, 4.0]);
/// let y = F64::<16>::splat(0.5); // two f64x8 in lockstep
/// assert_eq!(y.sum_lanes(16), 8.0);
/// ```
pub type F64<const V: usize> = <f64 as Packable<V>>::Pack;

/// The constants of `exp` for one scalar type.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct ExpTable {
    /// `x` is clipped to `[min, max]` first: beyond, `e^x` is 0 or infinite
    /// (and the scaling by `2^n` stays within its range).
    pub min: f64,
    pub max: f64,
    /// The clamp of `logistic`'s `e^-x`: within it `e^-x` is a normal
    /// number and `2^n` a normal exponent.
    pub logistic_min: f64,
    pub logistic_max: f64,
    /// `1.5 * 2^(mantissa bits)`: adding it rounds to an integer.
    pub magic: f64,
    /// `ln 2` as a sum whose first part times any `n` in range is exact.
    pub ln2_hi: f64,
    pub ln2_lo: f64,
    /// The polynomial `z(r)` with `e^r = 1 + r + r^2 z(r)` on `|r| <= ln(2)/2`:
    /// the Taylor coefficients `1/2!, 1/3!, ...`, lowest first.
    pub poly: &'static [f64],
    /// `logistic`'s polynomial for `e^-s` on `|s| <= ln(2)/2`, one Horner
    /// chain, lowest power first.
    pub logistic_poly: &'static [f64],
}

/// `1/k!` for k = 2..=13.
const INVERSE_FACTORIALS: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// `(-1)^k / k!` for k = 0..=13: Taylor's `e^-s`.
const ALTERNATING_INVERSE_FACTORIALS: [f64; 14] = {
    let mut out = [1.0; 14];
    let mut k = 1;
    while k < 14 {
        out[k] = -out[k - 1] / k as f64;
        k += 1;
    }
    out
};

/// `f32`: Taylor to degree 7 (truncation below 6e-9 relative), `ln 2` split
/// as fdlibm's single-precision `expf`. `logistic`'s `e^-s` is a
/// near-minimax fit of degree 6 (`tools/fit_logistic_poly.py`: 2e-9
/// relative in exact arithmetic, 7.2e-8 as an f32 Horner chain), one FMA
/// shorter than Taylor's degree 7 at the same accuracy.
pub(crate) const EXP_F32: ExpTable = ExpTable {
    min: -104.0,
    max: 89.0,
    logistic_min: -87.0,
    logistic_max: 88.0,
    magic: 12_582_912.0,
    ln2_hi: 0.693_359_375,
    ln2_lo: -2.121_944_4e-4,
    poly: {
        let (six, _) = INVERSE_FACTORIALS.split_at(6);
        six
    },
    logistic_poly: &[
        1.0,
        -1.0,
        0.499_999_94,
        -0.166_664_3,
        0.041_668_005,
        -0.008_374_186,
        0.001_384_357,
    ],
};

/// `f64`: Taylor to degree 13 (truncation below 5e-18 relative), `ln 2`
/// split as fdlibm's `exp`.
pub(crate) const EXP_F64: ExpTable = ExpTable {
    min: -746.0,
    max: 710.0,
    logistic_min: -708.0,
    logistic_max: 709.0,
    magic: 6_755_399_441_055_744.0,
    ln2_hi: f64::from_bits(0x3fe6_2e42_fee0_0000),
    ln2_lo: f64::from_bits(0x3dea_39ef_3579_3c76),
    poly: &INVERSE_FACTORIALS,
    logistic_poly: &ALTERNATING_INVERSE_FACTORIALS,
};

/// `e^x` from the trait's lane-wise operations (see [`FloatPack::exp`]).
#[inline(always)]
fn exp<P: FloatPack>(x: P) -> P {
    let table = P::EXP;
    let c = |value: f64| P::from_scalar(P::Scalar::from_fill(value));
    let x = x.clip(c(table.min), c(table.max));
    let (n, mantissa) = exp_reduced(x);
    mantissa.mul_pow2i(n)
}

/// `(n, e^(x - n ln 2))` with `n = round(x / ln 2)`: `e^x` is the second
/// times `2^n`.
#[inline(always)]
fn exp_reduced<P: FloatPack>(x: P) -> (P, P) {
    let table = P::EXP;
    let c = |value: f64| P::from_scalar(P::Scalar::from_fill(value));
    // Adding `magic` rounds to an integer.
    let magic = c(table.magic);
    let n = x.mul_add(c(core::f64::consts::LOG2_E), magic) - magic;
    let r = n.mul_neg_add(c(table.ln2_hi), x);
    let r = n.mul_neg_add(c(table.ln2_lo), r);
    let (&last, rest) = table.poly.split_last().unwrap_or((&0.0, &[]));
    let mut z = c(last);
    for &coefficient in rest.iter().rev() {
        z = z.mul_add(r, c(coefficient));
    }
    (n, z.mul_add(r * r, r) + c(1.0))
}

/// `scale / (1 + e^-x)` (see [`FloatPack::logistic`]).
///
/// `e^-x = 2^n e^-s` with `n = round(-x / ln 2)` and `s = x + n ln 2`: the
/// negation is folded into the constants (`-x` is never formed; rounding is
/// symmetric, so the bits are those of reducing `-x`), and `e^-s` is one
/// Horner chain. The clamp keeps `e^-x` a normal number, so `2^n` is
/// applied exactly by adding `n` to the exponent field of `e^-s`, taken
/// from the sum that rounded `n`: the only multiply-adds are the reduction
/// and the polynomial, and the `+ 1` is a plain addition.
#[inline(always)]
fn logistic<P: FloatPack>(x: P, scale: P) -> P {
    let table = P::EXP;
    let c = |value: f64| P::from_scalar(P::Scalar::from_fill(value));
    let x = x.clip(c(-table.logistic_max), c(-table.logistic_min));
    let magic = c(table.magic);
    let shifted = x.mul_add(c(-core::f64::consts::LOG2_E), magic);
    let n = shifted - magic;
    let s = n.mul_add(c(table.ln2_hi), x);
    let s = n.mul_add(c(table.ln2_lo), s);
    let (&top, rest) = table.logistic_poly.split_last().unwrap_or((&1.0, &[]));
    let mut e_s = c(top);
    for &coefficient in rest.iter().rev() {
        e_s = e_s.mul_add(s, c(coefficient));
    }
    scale.quotient(e_s.mul_pow2_shifted(shifted) + c(1.0))
}

/// [`FloatPack::quotient`] of one `wide` register type.
pub(crate) trait Quotient: Sized {
    fn quotient(self, d: Self) -> Self;
}

macro_rules! quotient_by_division {
    ($($pack:ident),*) => {$(
        impl Quotient for wide::$pack {
            #[inline(always)]
            fn quotient(self, d: Self) -> Self {
                self / d
            }
        }
    )*};
}

quotient_by_division!(f64x2, f64x4, f64x8);
#[cfg(not(all(
    target_arch = "x86_64",
    target_feature = "avx512f",
    target_feature = "avx512vl"
)))]
quotient_by_division!(f32x4, f32x8, f32x16);

/// `vrcp14ps` at every `f32` width of an AVX-512 build, refined: `q0 = a y`,
/// `q = q0 + (a - d q0) y` (the residual exact by the fused multiply-add).
#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx512f",
    target_feature = "avx512vl"
))]
macro_rules! quotient_by_rcp14 {
    ($($pack:ident $reg:ident $rcp:ident),*) => {$(
        impl Quotient for wide::$pack {
            #[inline(always)]
            fn quotient(self, d: Self) -> Self {
                use core::arch::x86_64::{$reg, $rcp};
                // SAFETY: the intrinsic needs avx512f and avx512vl, which
                // this build enables (the cfg above). With them, `wide`'s
                // pack is a `repr(C)` struct of one field, `safe_arch`'s
                // `repr(transparent)` wrapper of this very register type:
                // the same size (checked by `transmute`) and layout, and
                // every bit pattern is a valid value of both.
                let y: Self = unsafe { core::mem::transmute($rcp(core::mem::transmute::<Self, $reg>(d))) };
                let q0 = self * y;
                d.mul_neg_add(q0, self).mul_add(y, q0)
            }
        }
    )*};
}

#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx512f",
    target_feature = "avx512vl"
))]
quotient_by_rcp14!(f32x4 __m128 _mm_rcp14_ps, f32x8 __m256 _mm256_rcp14_ps, f32x16 __m512 _mm512_rcp14_ps);

/// [`FloatPack::box_muller`] of one `wide` register type.
pub(crate) trait BoxMuller: Sized {
    fn box_muller(self, t: Self) -> [Self; 2];
}

macro_rules! box_muller_by_std_functions {
    ($($pack:ident $t:ident),*) => {$(
        impl BoxMuller for wide::$pack {
            #[inline(always)]
            fn box_muller(self, t: Self) -> [Self; 2] {
                let angle = Self::splat(core::$t::consts::TAU) * t;
                let radius = (Self::splat(-2.0) * self.ln()).sqrt();
                [radius * angle.cos(), radius * angle.sin()]
            }
        }
    )*};
}

box_muller_by_std_functions!(f64x2 f64, f64x4 f64, f64x8 f64);

/// `-2 ln(1 + f) = f q(f)` for `f` in [sqrt(1/2) - 1, sqrt(2) - 1]: `q`'s
/// coefficients from `q(0)` up: the near-minimax `f32` fits of the
/// hand-written W4 baseline (`benches/w34_handwritten.rs`), digits as
/// printed; checked by `box_muller`'s bound test.
#[allow(clippy::excessive_precision)]
const LN_Q: [f32; 9] = [
    -2.0,
    0.999_999_76,
    -0.666_683_67,
    0.500_043_1,
    -0.399_139_55,
    0.331_213_92,
    -0.298_981_9,
    0.287_546_6,
    -0.174_878_91,
];
/// `sin(pi f / 2) = f s(f^2)` and `cos(pi f / 2) = c(f^2)` for `f` in
/// [-1/2, 1/2]: `s`'s and `c`'s coefficients from the constant term up.
#[allow(clippy::excessive_precision)]
const SIN_Q: [f32; 4] = [1.570_796_4, -0.645_963_5, 0.079_680_22, -0.004_602_163];
#[allow(clippy::excessive_precision)]
const COS_Q: [f32; 4] = [0.999_999_94, -1.233_696_7, 0.253_594_9, -0.020_398_485];

macro_rules! box_muller_by_polynomials {
    ($($pack:ident $int:ident $from_int:ident),*) => {$(
        impl BoxMuller for wide::$pack {
            #[inline(always)]
            fn box_muller(self, t: Self) -> [Self; 2] {
                use wide::bytemuck::cast;
                type F = wide::$pack;
                type I = wide::$int;
                let horner = |x: F, coefficients: &[f32]| {
                    let (&top, rest) = coefficients.split_last().unwrap_or((&0.0, &[]));
                    rest.iter().rev().fold(F::splat(top), |p, &c| p.mul_add(x, F::splat(c)))
                };
                // The radius: u = 2^e m, m in [sqrt(1/2), sqrt(2)).
                let sqrt_half = I::splat(0x3f35_04f3);
                let ix = cast::<F, I>(self) - sqrt_half;
                let e = F::$from_int(ix >> 23);
                let f = cast::<I, F>((ix & I::splat(0x007f_ffff)) + sqrt_half) - F::splat(1.0);
                let minus_two_ln = e.mul_add(F::splat(-2.0 * core::f32::consts::LN_2), f * horner(f, &LN_Q));
                let radius = minus_two_ln.sqrt();
                // The angle: q = round(4 t) quarter turns (the low bits of
                // `shifted`), f = 4 t - q in [-1/2, 1/2].
                let magic = F::splat(12_582_912.0); // 1.5 * 2^23
                let shifted = t.mul_add(F::splat(4.0), magic);
                let f = t.mul_add(F::splat(4.0), magic - shifted);
                let f2 = f * f;
                let (sin, cos) = (f * horner(f2, &SIN_Q), horner(f2, &COS_Q));
                // (cos, sin)(q pi/2 + phi) = (c, s), (-s, c), (-c, -s), (s, -c).
                let q = cast::<F, I>(shifted);
                let odd = cast::<I, F>((q & I::splat(1)).simd_eq(I::splat(1)));
                let (x, y) = (odd.select(sin, cos), odd.select(cos, sin));
                let flip_cos = ((q + I::splat(1)) & I::splat(2)) << 30;
                let flip_sin = (q & I::splat(2)) << 30;
                let cos = cast::<I, F>(cast::<F, I>(x) ^ flip_cos);
                let sin = cast::<I, F>(cast::<F, I>(y) ^ flip_sin);
                [radius * cos, radius * sin]
            }
        }
    )*};
}

box_muller_by_polynomials!(f32x4 i32x4 from_i32x4, f32x8 i32x8 from_i32x8, f32x16 i32x16 from_i32x16);

/// The integer pack of a float pack's bits.
pub(crate) trait FloatBits {
    type Bits;
}

macro_rules! float_bits {
    ($($float:ident => $bits:ident),*) => {$(
        impl FloatBits for wide::$float {
            type Bits = wide::$bits;
        }
    )*};
}

float_bits!(f32x4 => u32x4, f32x8 => u32x8, f32x16 => u32x16, f64x2 => u64x2, f64x4 => u64x4, f64x8 => u64x8);

/// `clip` on one `wide` register (see [`FloatPack::clip`]).
///
/// On x86 `maxps(a, b)` is `a > b ? a : b` and `minps(a, b)` is
/// `a < b ? a : b`: with the bound first, a NaN `x` falls through both
/// compares and stays NaN, a NaN bound leaves `x` alone, and signed zeros
/// come out as from the compare-and-select form. `wide`'s `fast_max` and
/// `fast_min` are those instructions there (two operations instead of four);
/// other targets define them otherwise, so they keep the compares.
macro_rules! clip {
    ($x:expr, $lo:expr, $hi:expr) => {{
        #[cfg(target_arch = "x86_64")]
        let clipped = $hi.fast_min($lo.fast_max($x));
        #[cfg(not(target_arch = "x86_64"))]
        let clipped = {
            // Comparisons with NaN are false: such lanes keep `x`.
            let x =
                $crate::simd::FloatPack::select($crate::simd::FloatPack::simd_lt($x, $lo), $lo, $x);
            $crate::simd::FloatPack::select($crate::simd::FloatPack::simd_gt(x, $hi), $hi, x)
        };
        clipped
    }};
}

pub(crate) use clip;

macro_rules! float_packs {
    ($t:ident => $($pack:ident),*) => {$(
        impl $crate::simd::FloatPack for $pack {
            type Scalar = $t;
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self { $pack::mul_add(self, a, b) }
            #[inline(always)]
            fn mul_neg_add(self, a: Self, b: Self) -> Self { $pack::mul_neg_add(self, a, b) }
            #[inline(always)]
            fn sqrt(self) -> Self { $pack::sqrt(self) }
            #[inline(always)]
            fn ln(self) -> Self { $pack::ln(self) }
            #[inline(always)]
            fn sin(self) -> Self { $pack::sin(self) }
            #[inline(always)]
            fn cos(self) -> Self { $pack::cos(self) }
            #[inline(always)]
            fn tanh(self) -> Self { $pack::tanh(self) }
            #[inline(always)]
            fn abs(self) -> Self { $pack::abs(self) }
            #[inline(always)]
            fn min(self, other: Self) -> Self { $pack::min(self, other) }
            #[inline(always)]
            fn max(self, other: Self) -> Self { $pack::max(self, other) }
            #[inline(always)]
            fn simd_lt(self, other: Self) -> Self { $pack::simd_lt(self, other) }
            #[inline(always)]
            fn simd_le(self, other: Self) -> Self { $pack::simd_le(self, other) }
            #[inline(always)]
            fn simd_gt(self, other: Self) -> Self { $pack::simd_gt(self, other) }
            #[inline(always)]
            fn simd_ge(self, other: Self) -> Self { $pack::simd_ge(self, other) }
            #[inline(always)]
            fn simd_eq(self, other: Self) -> Self { $pack::simd_eq(self, other) }
            #[inline(always)]
            fn is_nan(self) -> Self { $pack::is_nan(self) }
            #[inline(always)]
            fn select(self, if_true: Self, if_false: Self) -> Self { $pack::select::<$pack>(self, if_true, if_false) }
            #[inline(always)]
            fn any(self) -> bool { $pack::any(self) }
            #[inline(always)]
            fn from_scalar(value: $t) -> Self { $pack::splat(value) }
            #[inline(always)]
            fn recip(self) -> Self { $pack::splat(1.0) / self }
            #[inline(always)]
            fn quotient(self, d: Self) -> Self {
                <$pack as $crate::simd::float::Quotient>::quotient(self, d)
            }
            #[inline(always)]
            fn box_muller(self, t: Self) -> [Self; 2] {
                <$pack as $crate::simd::float::BoxMuller>::box_muller(self, t)
            }
            #[inline(always)]
            fn floor(self) -> Self { $pack::floor(self) }
            #[inline(always)]
            fn is_finite(self) -> Self { $pack::is_finite(self) }
            const EXP: $crate::simd::float::ExpTable = $crate::simd::float::exp_table::<$t>();
            #[inline(always)]
            fn mul_pow2i(self, n: Self) -> Self {
                type Bits = <$pack as $crate::simd::float::FloatBits>::Bits;
                let mantissa = $t::MANTISSA_DIGITS - 1;
                let magic = $pack::splat(Self::EXP.magic as $t);
                // 2^k from an integer `k + magic`: k sits in the low bits, and
                // (bits + bias - bits(magic)) << mantissa is 2^k's bit pattern.
                let bias = (1.0 as $t).to_bits() >> mantissa;
                let offset = Bits::splat(bias.wrapping_sub((Self::EXP.magic as $t).to_bits()));
                let pow2 = |t: $pack| -> $pack {
                    wide::bytemuck::cast((wide::bytemuck::cast::<$pack, Bits>(t) + offset) << mantissa)
                };
                let a = n.mul_add($pack::splat(0.5), magic); // round(n / 2) + magic
                let b = (n - (a - magic)) + magic;
                self * pow2(a) * pow2(b)
            }
            #[inline(always)]
            fn mul_pow2_shifted(self, shifted: Self) -> Self {
                type Bits = <$pack as $crate::simd::float::FloatBits>::Bits;
                let mantissa = $t::MANTISSA_DIGITS - 1;
                // `magic`'s bits end in zeros past the exponent field's width,
                // so shifting `shifted`'s bits left by the mantissa width
                // leaves `n << mantissa` (mod 2^bits): `n` added to the exponent.
                const { assert!((Self::EXP.magic as $t).to_bits() << ($t::MANTISSA_DIGITS - 1) == 0) };
                let bits = |x: $pack| wide::bytemuck::cast::<$pack, Bits>(x);
                wide::bytemuck::cast(bits(self) + (bits(shifted) << mantissa))
            }
            #[inline(always)]
            fn clip(self, lo: Self, hi: Self) -> Self {
                $crate::simd::float::clip!(self, lo, hi)
            }
            #[inline]
            fn add_lanes_to(self, acc: $t, n: usize) -> $t {
                let lanes = self.to_array();
                lanes[..n.min(lanes.len())].iter().fold(acc, |sum, &x| sum + x)
            }
        }
    )*};
}

/// Used by the scalar table for each float row.
pub(crate) use float_packs;

/// The `exp` constants of `f32` or `f64`.
pub(crate) const fn exp_table<T: ExpScalar>() -> ExpTable {
    T::TABLE
}

/// The float scalars, with their `exp` constants.
pub(crate) trait ExpScalar {
    const TABLE: ExpTable;
}

impl ExpScalar for f32 {
    const TABLE: ExpTable = EXP_F32;
}

impl ExpScalar for f64 {
    const TABLE: ExpTable = EXP_F64;
}

//! Packs wider than one register: `R` registers operated in lockstep.
//!
//! A time-stepping kernel is a chain of dependent operations per pack; one
//! register per pack leaves the FMA pipes idle while each result waits for the
//! last (13 % of peak on this crate's reference machine). Advancing several
//! independent registers through each step fills the pipes (77-86 %). A
//! `Lockstep<f32x16, 4>` is that register blocking as a type: every operation
//! is forwarded to each register, so a kernel written once, generic over `V`,
//! gets it by choosing `V = 64`.

// Indices here are register and lane numbers below the const generics R and W: they cannot be out of range.
#![allow(clippy::indexing_slicing)]

use super::array;
use super::float::FloatPack;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// `R` packs of one scalar operated in lockstep: a pack of `R` times as many
/// lanes. Lane `k` is lane `k % W` of register `k / W` (`W` the lanes of one
/// register), so the lanes are in point order.
///
/// ```
/// use dataspace::prelude::*;
///
/// // 32 lanes of f32: two f32x16 registers, lanes 0..16 then 16..32.
/// let x = Lockstep::<f32x16, 2>::from_array(core::array::from_fn(|k| k as f32));
/// assert_eq!(x.0[1].to_array()[0], 16.0);
/// let y = x.mul_add(x, F32::<32>::splat(1.0)); // every operation on each register
/// assert_eq!(y.to_array()[17], 17.0 * 17.0 + 1.0);
/// assert_eq!(y.sum_lanes(2), 1.0 + 2.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lockstep<P, const R: usize>(pub [P; R]);

macro_rules! forward_binary {
    ($($op:ident $method:ident $assign:ident $assign_method:ident),*) => {$(
        impl<P: $op<Output = P> + Copy, const R: usize> $op for Lockstep<P, R> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                Lockstep(array::map(self.0, |r, p| p.$method(rhs.0[r])))
            }
        }
        impl<P: $op<Output = P> + Copy, const R: usize> $assign for Lockstep<P, R> {
            #[inline(always)]
            fn $assign_method(&mut self, rhs: Self) {
                *self = (*self).$method(rhs);
            }
        }
    )*};
}

forward_binary!(Add add AddAssign add_assign, Sub sub SubAssign sub_assign, Mul mul MulAssign mul_assign, Div div DivAssign div_assign);

impl<P: Neg<Output = P> + Copy, const R: usize> Neg for Lockstep<P, R> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Lockstep(array::map(self.0, |_, p| -p))
    }
}

/// Forwards a method to every register.
macro_rules! each {
    ($self:ident.$method:ident($($arg:ident),*)) => {
        Lockstep(array::map($self.0, |_r, p| p.$method($($arg.0[_r]),*)))
    };
}

impl<P: FloatPack, const R: usize> FloatPack for Lockstep<P, R> {
    type Scalar = P::Scalar;

    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        each!(self.mul_add(a, b))
    }
    #[inline(always)]
    fn mul_neg_add(self, a: Self, b: Self) -> Self {
        each!(self.mul_neg_add(a, b))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        each!(self.sqrt())
    }
    #[inline(always)]
    fn ln(self) -> Self {
        each!(self.ln())
    }
    #[inline(always)]
    fn sin(self) -> Self {
        each!(self.sin())
    }
    #[inline(always)]
    fn cos(self) -> Self {
        each!(self.cos())
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        each!(self.tanh())
    }
    #[inline(always)]
    fn abs(self) -> Self {
        each!(self.abs())
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        each!(self.min(other))
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        each!(self.max(other))
    }
    #[inline(always)]
    fn simd_lt(self, other: Self) -> Self {
        each!(self.simd_lt(other))
    }
    #[inline(always)]
    fn simd_le(self, other: Self) -> Self {
        each!(self.simd_le(other))
    }
    #[inline(always)]
    fn simd_gt(self, other: Self) -> Self {
        each!(self.simd_gt(other))
    }
    #[inline(always)]
    fn simd_ge(self, other: Self) -> Self {
        each!(self.simd_ge(other))
    }
    #[inline(always)]
    fn simd_eq(self, other: Self) -> Self {
        each!(self.simd_eq(other))
    }
    #[inline(always)]
    fn is_nan(self) -> Self {
        each!(self.is_nan())
    }
    const EXP: super::float::ExpTable = P::EXP;
    #[inline(always)]
    fn mul_pow2i(self, n: Self) -> Self {
        each!(self.mul_pow2i(n))
    }
    #[inline(always)]
    fn mul_pow2_shifted(self, shifted: Self) -> Self {
        each!(self.mul_pow2_shifted(shifted))
    }
    #[inline(always)]
    fn clip(self, lo: Self, hi: Self) -> Self {
        each!(self.clip(lo, hi))
    }
    #[inline(always)]
    fn from_scalar(value: P::Scalar) -> Self {
        Lockstep([P::from_scalar(value); R])
    }
    #[inline(always)]
    fn recip(self) -> Self {
        each!(self.recip())
    }
    #[inline(always)]
    fn quotient(self, d: Self) -> Self {
        each!(self.quotient(d))
    }
    #[inline(always)]
    fn box_muller(self, t: Self) -> [Self; 2] {
        let (mut cos, mut sin) = (self, self);
        for r in 0..R {
            [cos.0[r], sin.0[r]] = self.0[r].box_muller(t.0[r]);
        }
        [cos, sin]
    }
    #[inline(always)]
    fn floor(self) -> Self {
        each!(self.floor())
    }
    #[inline(always)]
    fn is_finite(self) -> Self {
        each!(self.is_finite())
    }
    #[inline(always)]
    fn select(self, if_true: Self, if_false: Self) -> Self {
        each!(self.select(if_true, if_false))
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0.iter().any(|p| p.any())
    }
    #[inline]
    fn add_lanes_to(self, mut acc: P::Scalar, n: usize) -> P::Scalar {
        // Register by register, continuing one running sum: the same additions
        // in the same order as a one-register pack of as many lanes.
        let per_register = size_of::<P>() / size_of::<P::Scalar>();
        let mut left = n;
        for p in self.0 {
            if left == 0 {
                break;
            }
            acc = p.add_lanes_to(acc, left);
            left = left.saturating_sub(per_register);
        }
        acc
    }
}

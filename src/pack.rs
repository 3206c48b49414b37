//! Scalars, and the SIMD packs they map to at each lane count.
//!
//! The derive never names a `wide` type: it writes `<f32 as Packable<V>>::Pack`,
//! and this module decides what that is. Adding a lane count (say a pack of
//! 32 `f32` built from two `f32x16` registers) is one more `impl Packable<32>
//! for f32` here; no generated code changes.

use wide::{f32x16, f32x4, f32x8, f64x2, f64x4, f64x8, i32x16, i32x4, i32x8, u32x16, u32x4, u32x8};

mod sealed {
    pub trait Sealed {}
}

/// A number that can be a column: one free field of one point.
///
/// Implemented for `f32`, `f64`, `i32` and `u32`, the scalars `wide` has packs
/// for at every lane count this crate supports. Sealed: the derive checks the
/// field types by name, so the list is closed.
pub trait Scalar:
    Copy + PartialEq + core::fmt::Debug + Send + Sync + 'static + sealed::Sealed
{
    /// The type's name as written in Rust (`"f32"`), for error messages.
    const NAME: &'static str;

    /// Converts a [`CollectOptions::fill`](crate::CollectOptions::fill) value
    /// to this type with `as` semantics: floats keep NaN and infinities,
    /// integers saturate and turn NaN into 0 (so the default NaN fill gives
    /// integer columns a 0 fill).
    fn from_fill(fill: f64) -> Self;

    /// Whether two values are the same bits (so NaN equals NaN): the equality
    /// that round-trip checks need.
    fn same_bits(self, other: Self) -> bool;
}

/// A SIMD pack of `V` lanes of one scalar: one column over `V` consecutive points.
///
/// For `V` up to the native register width this is a `wide` type (`f32x8`...).
/// The trait holds only what moving data in and out needs; arithmetic comes
/// from the pack type itself.
pub trait Pack<const V: usize>: Copy + Send + Sync + 'static {
    /// The scalar in each lane.
    type Scalar: Scalar;

    /// Every lane set to `value`.
    fn splat(value: Self::Scalar) -> Self;

    /// Lane `k` holds `array[k]`.
    fn from_array(array: [Self::Scalar; V]) -> Self;

    /// Lane `k` goes to `array[k]`.
    fn to_array(self) -> [Self::Scalar; V];

    /// Loads `V` consecutive values: an unaligned vector load.
    #[inline(always)]
    fn load(values: &[Self::Scalar; V]) -> Self {
        Self::from_array(*values)
    }
}

/// Maps a scalar and a lane count `V` to its SIMD pack type.
///
/// | scalar | V | pack |
/// |---|---|---|
/// | `f32` | 4, 8, 16, 32, 64 | `f32x4`, `f32x8`, `f32x16`, `Lockstep<f32x16, 2>`, `Lockstep<f32x16, 4>` |
/// | `f64` | 2, 4, 8, 16, 32 | `f64x2`, `f64x4`, `f64x8`, `Lockstep<f64x8, 2>`, `Lockstep<f64x8, 4>` |
/// | `i32` | 4, 8, 16, 32, 64 | `i32x4`, `i32x8`, `i32x16`, `Lockstep<i32x16, 2>`, `Lockstep<i32x16, 4>` |
/// | `u32` | 4, 8, 16, 32, 64 | `u32x4`, `u32x8`, `u32x16`, `Lockstep<u32x16, 2>`, `Lockstep<u32x16, 4>` |
///
/// A space with fields of several scalars supports the lane counts they have
/// in common (`f32` with `f64`: 4, 8, 16 and 32). Lane counts above 16 (8 for
/// `f64`) are several registers in [`Lockstep`](crate::Lockstep).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no SIMD pack of {V} lanes",
    label = "no pack of `{Self}` with {V} lanes",
    note = "supported lane counts: f32, i32, u32: 4, 8, 16, 32, 64; f64: 2, 4, 8, 16, 32",
    note = "a space supports a lane count only if every free field's scalar does"
)]
pub trait Packable<const V: usize>: Scalar {
    /// The pack of `V` lanes of `Self`.
    type Pack: Pack<V, Scalar = Self>;
}

macro_rules! scalars {
    ($($t:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl Scalar for $t {
            const NAME: &'static str = stringify!($t);
            #[inline]
            fn from_fill(fill: f64) -> Self {
                fill as $t
            }
            #[inline]
            fn same_bits(self, other: Self) -> bool {
                self.to_ne_bytes() == other.to_ne_bytes()
            }
        }
    )*};
}

scalars!(f32, f64, i32, u32);

macro_rules! packs {
    ($($t:ident: $($v:literal => $pack:ident),*;)*) => {$($(
        impl Pack<$v> for $pack {
            type Scalar = $t;
            #[inline(always)]
            fn splat(value: $t) -> Self {
                $pack::splat(value)
            }
            #[inline(always)]
            fn from_array(array: [$t; $v]) -> Self {
                $pack::new(array)
            }
            #[inline(always)]
            fn to_array(self) -> [$t; $v] {
                $pack::to_array(self)
            }
        }
        impl Packable<$v> for $t {
            type Pack = $pack;
        }
    )*)*};
}

packs! {
    f32: 4 => f32x4, 8 => f32x8, 16 => f32x16;
    f64: 2 => f64x2, 4 => f64x4, 8 => f64x8;
    i32: 4 => i32x4, 8 => i32x8, 16 => i32x16;
    u32: 4 => u32x4, 8 => u32x8, 16 => u32x16;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Packable<V>, const V: usize>(values: [T; V]) {
        let pack = <T::Pack as Pack<V>>::from_array(values);
        let back = pack.to_array();
        assert!(values.iter().zip(&back).all(|(a, b)| a.same_bits(*b)));
        let loaded = <T::Pack as Pack<V>>::load(&values).to_array();
        assert!(values.iter().zip(&loaded).all(|(a, b)| a.same_bits(*b)));
    }

    #[test]
    fn every_pack_round_trips_its_lanes_in_order() {
        round_trip::<f32, 4>([1.0, f32::NAN, -0.0, f32::INFINITY]);
        round_trip::<f32, 8>(core::array::from_fn(|k| k as f32 * 0.5));
        round_trip::<f32, 16>(core::array::from_fn(|k| -(k as f32)));
        round_trip::<f64, 2>([f64::NEG_INFINITY, f64::NAN]);
        round_trip::<f64, 4>(core::array::from_fn(|k| k as f64 / 3.0));
        round_trip::<f64, 8>(core::array::from_fn(|k| k as f64 * 1e300));
        round_trip::<i32, 4>([i32::MIN, -1, 0, i32::MAX]);
        round_trip::<i32, 8>(core::array::from_fn(|k| k as i32 - 4));
        round_trip::<i32, 16>(core::array::from_fn(|k| k as i32 * 1000));
        round_trip::<u32, 4>([0, 1, u32::MAX, 7]);
        round_trip::<u32, 8>(core::array::from_fn(|k| k as u32));
        round_trip::<u32, 16>(core::array::from_fn(|k| u32::MAX - k as u32));
    }

    #[test]
    fn fill_converts_with_as_semantics() {
        assert!(f32::from_fill(f64::NAN).is_nan());
        assert_eq!(f64::from_fill(-1.5), -1.5);
        assert_eq!(i32::from_fill(f64::NAN), 0);
        assert_eq!(u32::from_fill(f64::NAN), 0);
        assert_eq!(i32::from_fill(-7.0), -7);
        assert_eq!(u32::from_fill(-7.0), 0);
        assert_eq!(i32::from_fill(1e20), i32::MAX);
        assert_eq!(f32::from_fill(f64::INFINITY), f32::INFINITY);
    }
}

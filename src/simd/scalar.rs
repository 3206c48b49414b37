//! The scalar table: every fact that differs between column scalars, written
//! once. A scalar's pack at each lane count, its numpy type, its cell text,
//! its conversions, and the [`Dtype`] and [`Value`] enums are all generated
//! from the one invocation of `scalar_table!` at the bottom of this file.
//!
//! Adding a scalar is a row there (and its name in the derive's list of
//! column types, `SCALARS` in `macros/src/ast.rs`); adding a lane count is an entry in
//! a row. Everything above this module is generic over [`Scalar`] and
//! [`Pack`].

use super::array;
use super::lockstep::Lockstep;
use core::fmt;
use wide::{
    f32x4, f32x8, f32x16, f64x2, f64x4, f64x8, i32x4, i32x8, i32x16, i64x2, i64x4, i64x8, u32x4,
    u32x8, u32x16,
};

mod sealed {
    pub trait Sealed {}
}

/// A number that can be a column: one free field of one point.
///
/// Implemented for the scalars of the table in the crate docs (`f32`, `f64`,
/// `i32`, `u32`, `i64`). Sealed: the derive checks field types by name, so
/// the list is closed.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{Dtype, Value};
///
/// assert_eq!((f32::NAME, f32::DTYPE, f32::FLOAT), ("f32", Dtype::F32, true));
/// assert_eq!(i32::from_fill(f64::NAN), 0); // the default fill, for integers
/// assert_eq!(u32::from_fill(-3.0), 0); // saturating, as `as`
/// assert!(f32::NAN.same_bits(f32::NAN));
/// assert_eq!(2.5f64.value(), Value::F64(2.5));
/// ```
pub trait Scalar:
    Copy + PartialEq + PartialOrd + fmt::Debug + Default + Send + Sync + 'static + sealed::Sealed
{
    /// The type's name as written in Rust (`"f32"`), for error messages.
    const NAME: &'static str;
    /// The type as a column type.
    const DTYPE: Dtype;
    /// Whether it is a floating-point type.
    const FLOAT: bool;
    /// The smallest and largest finite values, as `f64`.
    const RANGE: (f64, f64);
    /// The smallest positive normal value, as `f64` (1 for integers).
    const MIN_POSITIVE: f64;

    /// Converts a [`CollectOptions::fill`](crate::CollectOptions::fill) value
    /// (or any `f64`) to this type with `as` semantics: floats keep NaN and
    /// infinities, integers saturate and turn NaN into 0 (so the default NaN
    /// fill gives integer columns a 0 fill).
    fn from_fill(fill: f64) -> Self;

    /// This value as `f64` (exact, except `i64` beyond 2^53).
    fn to_f64(self) -> f64;

    /// Whether two values are the same bits (so NaN equals NaN): the equality
    /// that round-trip checks need.
    fn same_bits(self, other: Self) -> bool;

    /// The value as a cell of a table.
    fn value(self) -> Value;

    /// Appends the value's cell text (as [`Value`]'s `Display` writes it) to
    /// `out`: the shortest text that reads back to the same bits (`ryu` for
    /// floats, with `inf`, `-inf`, `NaN`, `-NaN`; `itoa` for integers).
    fn write_text(self, out: &mut Vec<u8>);

    /// The largest value below `self` (floats: the next float down).
    #[must_use]
    #[doc(hidden)]
    fn below(self) -> Self;

    /// Parses a cell of text: Rust's syntax for the type; for floats also
    /// `inf`/`infinity` and `NaN`/`-NaN` (any case). A finite number outside
    /// the type's range is not a value (`1e39` for `f32`, rather than infinity).
    #[doc(hidden)]
    fn parse_cell(cell: &str) -> Option<Self>;

    /// The value from its bytes (exactly its size), in the given byte order.
    #[doc(hidden)]
    fn from_bytes(bytes: &[u8], big_endian: bool) -> Option<Self>;

    /// The values' little-endian bytes: the values themselves, seen as
    /// bytes, on little-endian machines (a copy elsewhere). How `.npy` data
    /// is written in bulk.
    #[doc(hidden)]
    fn le_bytes(values: &[Self]) -> std::borrow::Cow<'_, [u8]>;

    /// The value of a cell of this type, bit for bit; `None` for a cell of
    /// another type (binary readers: Parquet).
    #[doc(hidden)]
    fn from_value(value: Value) -> Option<Self>;
}

/// A SIMD pack of `V` lanes of one scalar: one column over `V` consecutive points.
///
/// For `V` up to the native register width this is a `wide` type (`f32x8`...),
/// above it a [`Lockstep`] of registers. The trait holds only what moving
/// data in and out needs; arithmetic comes from
/// [`FloatPack`](crate::FloatPack) or the pack type itself.
///
/// ```
/// use dataspace::prelude::*;
///
/// // Generic over the lane count: `T::Pack` is `i32x8` for `V = 8`.
/// fn ramp<T: Packable<V>, const V: usize>(f: impl Fn(usize) -> T) -> T::Pack {
///     <T::Pack as Pack<V>>::from_array(core::array::from_fn(f))
/// }
/// let pack = ramp::<i32, 8>(|k| k as i32 * 10);
/// assert_eq!(pack.to_array(), [0, 10, 20, 30, 40, 50, 60, 70]);
/// assert_eq!(<u32x4 as Pack<4>>::splat(7).to_array(), [7; 4]);
/// assert_eq!(<f64x2 as Pack<2>>::load(&[1.0, 2.0]).to_array(), [1.0, 2.0]);
/// ```
pub trait Pack<const V: usize>: Copy + fmt::Debug + Send + Sync + 'static {
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

/// Maps a scalar and a lane count `V` to its SIMD pack type: the table in
/// the crate docs.
///
/// A space with fields of several scalars supports the lane counts they have
/// in common (`f32` with `f64`: 4, 8, 16 and 32).
///
/// ```
/// use dataspace::prelude::*;
///
/// let a: <f32 as Packable<8>>::Pack = f32x8::splat(1.0);
/// let b: <f64 as Packable<32>>::Pack = Lockstep([f64x8::splat(2.0); 4]);
/// let c: <i64 as Packable<2>>::Pack = i64x2::new([1, 2]);
/// assert_eq!((a.to_array()[7], b.to_array()[31], c.to_array()), (1.0, 2.0, [1, 2]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no SIMD pack of {V} lanes",
    label = "no pack of `{Self}` with {V} lanes",
    note = "supported lane counts: f32, i32, u32: 4, 8, 16, 32, 64; f64: 2, 4, 8, 16, 32; i64: 2, 4, 8, 16, 32",
    note = "a space supports a lane count only if every free field's scalar does"
)]
pub trait Packable<const V: usize>: Scalar {
    /// The pack of `V` lanes of `Self`.
    type Pack: Pack<V, Scalar = Self>;
}

/// The scalar table. Per row: the scalar; its [`Dtype`]/[`Value`] variant,
/// numpy type string and kind (`float` or `int`); its register packs by lane
/// count; its register for lockstep packs, that register's lanes, and the
/// lockstep lane counts with their register counts.
macro_rules! scalar_table {
    ($(
        $t:ident ($variant:ident, $npy:literal, $kind:ident):
            $($v:literal => $pack:ident),+;
            lockstep $reg:ident ($w:literal): $($lv:literal => $r:literal),+;
    )+) => {
        /// The scalar type of a column: what `.npy` files store and CSV cells parse as.
        ///
        /// ```
        /// use dataspace::io::Dtype;
        /// use dataspace::Scalar;
        ///
        /// assert_eq!(f64::DTYPE, Dtype::F64);
        /// assert_eq!((Dtype::F32.name(), Dtype::F32.npy(), Dtype::F32.size()), ("f32", "<f4", 4));
        /// assert_eq!(Dtype::I64.to_string(), "i64");
        /// assert_eq!(Dtype::ALL.len(), 5);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Dtype {
            $(
                #[doc = concat!("`", stringify!($t), "`, numpy `", $npy, "`.")]
                $variant,
            )+
        }

        impl Dtype {
            /// Every column type.
            pub const ALL: &'static [Dtype] = &[$(Dtype::$variant),+];

            /// The Rust name of the type (`"f32"`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Dtype::$variant => stringify!($t),)+
                }
            }

            /// numpy's type string for it, little-endian (`"<f4"`).
            pub fn npy(self) -> &'static str {
                match self {
                    $(Dtype::$variant => $npy,)+
                }
            }

            /// Bytes per value.
            pub fn size(self) -> usize {
                match self {
                    $(Dtype::$variant => size_of::<$t>(),)+
                }
            }
        }

        /// One cell: a value of one of the column scalars.
        ///
        /// ```
        /// use dataspace::io::{Dtype, Value};
        ///
        /// let cell = Value::F32(0.1);
        /// assert_eq!(cell.dtype(), Dtype::F32);
        /// assert_eq!(cell.to_string(), "0.1"); // the shortest text that reads back
        /// assert_eq!(Value::F64(f64::NEG_INFINITY).to_string(), "-inf");
        /// let mut bytes = Vec::new();
        /// Value::I32(-2).write_le(&mut bytes);
        /// assert_eq!(bytes, (-2i32).to_le_bytes());
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Value {
            $(
                #[doc = concat!("An `", stringify!($t), "`.")]
                $variant($t),
            )+
        }

        impl Value {
            /// The type of the value.
            pub fn dtype(self) -> Dtype {
                match self {
                    $(Value::$variant(_) => Dtype::$variant,)+
                }
            }

            /// Appends the value's cell text, as `Display` writes it, to `out`
            /// (see [`Scalar::write_text`]).
            #[inline]
            pub fn write_text(self, out: &mut Vec<u8>) {
                match self {
                    $(Value::$variant(x) => x.write_text(out),)+
                }
            }

            /// Appends the value's little-endian bytes.
            pub fn write_le(self, out: &mut Vec<u8>) {
                match self {
                    $(Value::$variant(x) => out.extend_from_slice(&x.to_le_bytes()),)+
                }
            }

            /// The order of two values of one type, in that type (no
            /// conversion); `None` for a NaN or values of different types.
            pub(crate) fn partial_cmp_same(self, other: Value) -> Option<core::cmp::Ordering> {
                match (self, other) {
                    $((Value::$variant(a), Value::$variant(b)) => a.partial_cmp(&b),)+
                    _ => None,
                }
            }

            /// Whether the value is a float NaN.
            pub(crate) fn is_nan(self) -> bool {
                self.partial_cmp_same(self).is_none()
            }
        }

        impl fmt::Display for Value {
            /// The shortest text that reads back to the same value (`ryu`
            /// for floats, `itoa` for integers; `inf`, `-inf`, `NaN` and
            /// `-NaN` included; a NaN's payload bits other than its sign are
            /// not kept, as in numpy's and pandas' text formats). The same
            /// text as [`Value::write_text`].
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match *self {
                    $(Value::$variant(x) => {
                        let mut buffer = scalar_table!(@buffer $kind);
                        f.write_str(scalar_table!(@text $kind x buffer))
                    })+
                }
            }
        }

        $(
            impl sealed::Sealed for $t {}

            impl Scalar for $t {
                const NAME: &'static str = stringify!($t);
                const DTYPE: Dtype = Dtype::$variant;
                const FLOAT: bool = scalar_table!(@float $kind);
                const RANGE: (f64, f64) = ($t::MIN as f64, $t::MAX as f64);
                const MIN_POSITIVE: f64 = scalar_table!(@min_positive $kind $t);

                #[inline]
                fn from_fill(fill: f64) -> Self {
                    fill as $t
                }
                #[inline]
                fn to_f64(self) -> f64 {
                    self as f64
                }
                #[inline]
                fn same_bits(self, other: Self) -> bool {
                    self.to_ne_bytes() == other.to_ne_bytes()
                }
                #[inline]
                fn value(self) -> Value {
                    Value::$variant(self)
                }
                #[inline]
                fn write_text(self, out: &mut Vec<u8>) {
                    let mut buffer = scalar_table!(@buffer $kind);
                    out.extend_from_slice(scalar_table!(@text $kind self buffer).as_bytes());
                }
                #[inline]
                fn below(self) -> Self {
                    scalar_table!(@below $kind self)
                }
                fn parse_cell(cell: &str) -> Option<Self> {
                    scalar_table!(@parse $kind $t cell)
                }
                #[inline]
                fn from_bytes(bytes: &[u8], big_endian: bool) -> Option<Self> {
                    let raw: [u8; size_of::<$t>()] = bytes.try_into().ok()?;
                    Some(if big_endian { $t::from_be_bytes(raw) } else { $t::from_le_bytes(raw) })
                }
                fn le_bytes(values: &[Self]) -> std::borrow::Cow<'_, [u8]> {
                    if cfg!(target_endian = "little") {
                        std::borrow::Cow::Borrowed(bytemuck::cast_slice(values))
                    } else {
                        std::borrow::Cow::Owned(values.iter().flat_map(|x| x.to_le_bytes()).collect())
                    }
                }
                #[inline]
                fn from_value(value: Value) -> Option<Self> {
                    match value {
                        Value::$variant(x) => Some(x),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }

            $(
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
            )+

            $(
                impl Pack<$lv> for Lockstep<$reg, $r> {
                    type Scalar = $t;
                    #[inline(always)]
                    fn splat(value: $t) -> Self {
                        Lockstep([$reg::splat(value); $r])
                    }
                    #[inline(always)]
                    fn from_array(array: [$t; $lv]) -> Self {
                        Self::load(&array)
                    }
                    #[inline(always)]
                    fn to_array(self) -> [$t; $lv] {
                        let registers: [[$t; $w]; $r] = array::from_fn(|r| self.0[r].to_array());
                        array::from_fn(|k| registers[k / $w][k % $w])
                    }
                    #[inline(always)]
                    fn load(values: &[$t; $lv]) -> Self {
                        Lockstep(array::from_fn(|r| {
                            $reg::new(array::from_fn(|k| values[r * $w + k]))
                        }))
                    }
                }

                impl Packable<$lv> for $t {
                    type Pack = Lockstep<$reg, $r>;
                }
            )+

            scalar_table!(@arithmetic $kind $t: $($pack),+);
        )+

        /// Each scalar's lane counts, in the order of the table.
        #[cfg(test)]
        pub(crate) const LANES: &[(&str, &[usize])] = &[$((stringify!($t), &[$($v,)+ $($lv,)+]),)+];

        /// The widest pack of any scalar, in lanes.
        pub const MAX_LANES: usize = {
            let lanes = [$($($v,)+ $($lv,)+)+];
            let mut max = 0;
            let mut k = 0;
            while k < lanes.len() {
                if lanes[k] > max {
                    max = lanes[k];
                }
                k += 1;
            }
            max
        };
    };

    (@min_positive float $t:ident) => { $t::MIN_POSITIVE as f64 };
    (@min_positive int $t:ident) => { 1.0 };
    (@float float) => { true };
    (@float int) => { false };
    (@below float $x:ident) => { $x.next_down() };
    (@below int $x:ident) => { $x.saturating_sub(1) };
    (@parse float $t:ident $cell:ident) => { parse_float::<$t>($cell.trim()) };
    (@parse int $t:ident $cell:ident) => { $cell.trim().parse().ok() };
    (@buffer float) => { ryu::Buffer::new() };
    (@buffer int) => { itoa::Buffer::new() };
    // A cell's text, borrowed from `$buffer`.
    (@text float $x:ident $buffer:ident) => {
        if $x.is_nan() {
            // The sign of a NaN is kept (`0.0 / 0.0` is a negative NaN on
            // x86); its payload is not.
            if $x.is_sign_negative() { "-NaN" } else { "NaN" }
        } else if $x.is_infinite() {
            if $x.is_sign_negative() { "-inf" } else { "inf" }
        } else {
            $buffer.format_finite($x)
        }
    };
    (@text int $x:ident $buffer:ident) => { $buffer.format($x) };
    (@arithmetic float $t:ident: $($pack:ident),+) => {
        crate::simd::float::float_packs!($t => $($pack),+);
    };
    (@arithmetic int $t:ident: $($pack:ident),+) => {};
}

/// A float cell: a number in the type's range, `inf`/`infinity`, or
/// `NaN` (`-NaN` is the NaN with the sign bit set, as [`Value`] writes it).
/// A finite number too large for the type is not a value (`1e39` for `f32`),
/// rather than infinity.
fn parse_float<T>(cell: &str) -> Option<T>
where
    T: core::str::FromStr + core::ops::Neg<Output = T> + Scalar,
{
    let (negative, body) = match cell.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, cell.strip_prefix('+').unwrap_or(cell)),
    };
    if body.eq_ignore_ascii_case("nan") {
        let nan = T::from_fill(f64::NAN);
        return Some(if negative { -nan } else { nan });
    }
    let x: T = cell.parse().ok()?;
    let infinite = x.to_f64().is_infinite();
    let says_infinite = body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity");
    (!infinite || says_infinite).then_some(x)
}

// Indices in the generated code are lane and register numbers below the
// row's constants: they cannot be out of range.
#[allow(clippy::indexing_slicing)]
mod table {
    use super::*;

    scalar_table! {
        f32 (F32, "<f4", float): 4 => f32x4, 8 => f32x8, 16 => f32x16;
            lockstep f32x16 (16): 32 => 2, 64 => 4;
        f64 (F64, "<f8", float): 2 => f64x2, 4 => f64x4, 8 => f64x8;
            lockstep f64x8 (8): 16 => 2, 32 => 4;
        i32 (I32, "<i4", int): 4 => i32x4, 8 => i32x8, 16 => i32x16;
            lockstep i32x16 (16): 32 => 2, 64 => 4;
        u32 (U32, "<u4", int): 4 => u32x4, 8 => u32x8, 16 => u32x16;
            lockstep u32x16 (16): 32 => 2, 64 => 4;
        i64 (I64, "<i8", int): 2 => i64x2, 4 => i64x4, 8 => i64x8;
            lockstep i64x8 (8): 16 => 2, 32 => 4;
    }
}

pub use table::{Dtype, MAX_LANES, Value};

/// The lane counts `Packable`'s diagnostic note lists (a literal: attributes
/// take no macros), checked against the table by a test.
#[cfg(test)]
const LANE_NOTE: &str = "supported lane counts: f32, i32, u32: 4, 8, 16, 32, 64; f64: 2, 4, 8, 16, 32; i64: 2, 4, 8, 16, 32";

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
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
        round_trip::<f32, 32>(core::array::from_fn(|k| k as f32 + 0.25));
        round_trip::<f32, 64>(core::array::from_fn(|k| k as f32 - 7.0));
        round_trip::<f64, 2>([f64::NEG_INFINITY, f64::NAN]);
        round_trip::<f64, 4>(core::array::from_fn(|k| k as f64 / 3.0));
        round_trip::<f64, 8>(core::array::from_fn(|k| k as f64 * 1e300));
        round_trip::<f64, 16>(core::array::from_fn(|k| k as f64 - 1e-300));
        round_trip::<f64, 32>(core::array::from_fn(|k| k as f64));
        round_trip::<i32, 4>([i32::MIN, -1, 0, i32::MAX]);
        round_trip::<i32, 8>(core::array::from_fn(|k| k as i32 - 4));
        round_trip::<i32, 16>(core::array::from_fn(|k| k as i32 * 1000));
        round_trip::<i32, 32>(core::array::from_fn(|k| -(k as i32)));
        round_trip::<i32, 64>(core::array::from_fn(|k| k as i32 * 3));
        round_trip::<u32, 4>([0, 1, u32::MAX, 7]);
        round_trip::<u32, 8>(core::array::from_fn(|k| k as u32));
        round_trip::<u32, 16>(core::array::from_fn(|k| u32::MAX - k as u32));
        round_trip::<u32, 32>(core::array::from_fn(|k| k as u32 * 5));
        round_trip::<u32, 64>(core::array::from_fn(|k| k as u32 + 9));
        round_trip::<i64, 2>([i64::MIN, i64::MAX]);
        round_trip::<i64, 4>(core::array::from_fn(|k| (k as i64) << 40));
        round_trip::<i64, 8>(core::array::from_fn(|k| -(k as i64) * 1_000_000_007));
        round_trip::<i64, 16>(core::array::from_fn(|k| k as i64 - 8));
        round_trip::<i64, 32>(core::array::from_fn(|k| (k as i64) << 50));
    }

    #[test]
    fn fill_converts_with_as_semantics() {
        assert!(f32::from_fill(f64::NAN).is_nan());
        assert_eq!(f64::from_fill(-1.5), -1.5);
        assert_eq!(i32::from_fill(f64::NAN), 0);
        assert_eq!(u32::from_fill(f64::NAN), 0);
        assert_eq!(i64::from_fill(f64::NAN), 0);
        assert_eq!(i32::from_fill(-7.0), -7);
        assert_eq!(u32::from_fill(-7.0), 0);
        assert_eq!(i32::from_fill(1e20), i32::MAX);
        assert_eq!(i64::from_fill(1e20), 100_000_000_000_000_000_000f64 as i64);
        assert_eq!(f32::from_fill(f64::INFINITY), f32::INFINITY);
    }

    #[test]
    fn the_diagnostic_note_lists_the_lane_counts_of_the_table() {
        let source = include_str!("scalar.rs");
        assert!(
            source.contains(&format!("note = \"{LANE_NOTE}\"")),
            "Packable's note is LANE_NOTE"
        );
        let mut listed: Vec<(String, Vec<usize>)> = Vec::new();
        for group in LANE_NOTE
            .trim_start_matches("supported lane counts: ")
            .split("; ")
        {
            let (names, counts) = group.split_once(": ").unwrap();
            let counts: Vec<usize> = counts.split(", ").map(|c| c.parse().unwrap()).collect();
            listed.extend(names.split(", ").map(|n| (n.to_owned(), counts.clone())));
        }
        listed.sort();
        let mut table: Vec<(String, Vec<usize>)> = table::LANES
            .iter()
            .map(|(n, c)| ((*n).to_owned(), c.to_vec()))
            .collect();
        table.sort();
        assert_eq!(
            listed, table,
            "update the note of Packable (and LANE_NOTE) to the table"
        );
    }

    /// splitmix64: random bit patterns without a dependency.
    fn bits(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The written text parses back to the same bits (a NaN to a NaN of the
    /// same sign: its payload is not kept), and `Display` writes the same text.
    fn reads_back<T: Scalar>(x: T) {
        let mut text = Vec::new();
        x.write_text(&mut text);
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text, x.value().to_string(), "Display and write_text agree");
        let back = T::parse_cell(&text).unwrap_or_else(|| panic!("{text:?} parses"));
        let x64 = x.to_f64();
        if x64.is_nan() {
            let b64 = back.to_f64();
            assert!(b64.is_nan() && b64.is_sign_negative() == x64.is_sign_negative());
        } else {
            assert!(x.same_bits(back), "{x:?} wrote {text:?}, read {back:?}");
        }
    }

    #[test]
    fn every_written_text_reads_back_to_the_same_bits() {
        let mut state = 20261126;
        for _ in 0..200_000 {
            let r = bits(&mut state);
            reads_back(f32::from_bits(r as u32));
            reads_back(f64::from_bits(r));
            reads_back(r as i32);
            reads_back(r as u32);
            reads_back(r as i64);
        }
        for e in -46..=39 {
            for m in [1.0, 1.5, 9.999_999] {
                reads_back((m * 10f64.powi(e)) as f32);
            }
        }
        for e in -325..=309 {
            for m in [1.0, 1.5, 9.999_999_999_999_999] {
                reads_back(m * 10f64.powi(e));
            }
        }
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            f32::MIN,
            f32::MAX,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            f32::from_bits(0x8000_0001),
            f32::MIN_POSITIVE.next_down(),
            f32::EPSILON,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
            16_777_217.0,
        ] {
            reads_back(x);
        }
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            f64::MIN,
            f64::MAX,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::from_bits(0x8000_0000_0000_0001),
            f64::MIN_POSITIVE.next_down(),
            f64::EPSILON,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            9_007_199_254_740_993.0,
        ] {
            reads_back(x);
        }
        for x in [i32::MIN, -1, 0, 1, i32::MAX] {
            reads_back(x);
        }
        for x in [0, 1, u32::MAX] {
            reads_back(x);
        }
        for x in [i64::MIN, -1, 0, 1, i64::MAX] {
            reads_back(x);
        }
        let text = |v: Value| v.to_string();
        assert_eq!(text(Value::F32(f32::INFINITY)), "inf");
        assert_eq!(text(Value::F64(f64::NEG_INFINITY)), "-inf");
        assert_eq!(text(Value::F32(f32::NAN)), "NaN");
        assert_eq!(text(Value::F64(-f64::NAN)), "-NaN");
        assert_eq!(text(Value::F32(-0.0)), "-0.0");
        assert_eq!(text(Value::F64(1.0)), "1.0");
        assert_eq!(text(Value::U32(u32::MAX)), "4294967295");
    }

    #[test]
    fn the_table_describes_every_scalar() {
        let names: Vec<&str> = Dtype::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["f32", "f64", "i32", "u32", "i64"]);
        assert_eq!(
            Dtype::ALL.iter().map(|d| d.npy()).collect::<Vec<_>>(),
            ["<f4", "<f8", "<i4", "<u4", "<i8"]
        );
        assert_eq!(i64::DTYPE.size(), 8);
        assert_eq!(MAX_LANES, 64);
        assert_eq!(i64::parse_cell(" -9223372036854775808 "), Some(i64::MIN));
        assert_eq!(f32::parse_cell("1e39"), None);
        assert!(f32::parse_cell("-NaN").is_some_and(|x| x.is_nan() && x.is_sign_negative()));
        assert_eq!(Value::I64(-3).to_string(), "-3");
        assert_eq!(Value::F64(-f64::NAN).to_string(), "-NaN");
        assert_eq!(i64::from_bytes(&(-5i64).to_be_bytes(), true), Some(-5));
        assert_eq!(i64::from_bytes(&[0; 4], false), None);
    }
}

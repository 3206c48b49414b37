//! The bottom layer: scalars, their SIMD packs at each lane count, and the
//! arithmetic kernels use on packs. Depends on nothing else in the crate.
//!
//! - `scalar`: [`Scalar`], [`Pack`], [`Packable`], [`Dtype`], [`Value`],
//!   all generated from the one scalar table.
//! - `array`: arrays built element by element, inlined in every build profile.
//! - `lockstep`: [`Lockstep`], packs of several registers.
//! - `float`: [`FloatPack`], the lane-wise operations of a model.
//! - `info`: [`simd_info`], what the build uses against what the CPU offers.

pub(crate) mod array;
pub(crate) mod float;
mod info;
mod lockstep;
mod scalar;

pub use float::{F32, F64, Float, FloatPack};
pub(crate) use info::warn_if_below_cpu;
pub use info::{NATIVE_F32_LANES, NATIVE_F64_LANES, SimdInfo, simd_info};
pub use lockstep::Lockstep;
pub use scalar::{Dtype, MAX_LANES, Pack, Packable, Scalar, Value};

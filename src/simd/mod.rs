//! The bottom layer: scalars, their SIMD packs at each lane count, and the
//! arithmetic kernels use on packs. Depends on nothing else in the crate.
//!
//! - `scalar`: [`Scalar`], [`Pack`], [`Packable`], [`Dtype`], [`Value`],
//!   all generated from the one scalar table.
//! - `lockstep`: [`Lockstep`], packs of several registers.
//! - `float`: [`FloatPack`], the lane-wise operations of a model.
//! - `info`: [`simd_info`], what the build uses against what the CPU offers.

pub(crate) mod float;
mod info;
mod lockstep;
mod scalar;

pub use float::{Float, FloatPack, F32, F64};
pub(crate) use info::warn_if_below_cpu;
pub use info::{simd_info, SimdInfo};
pub use lockstep::Lockstep;
pub use scalar::{Dtype, Pack, Packable, Scalar, Value, MAX_LANES};

//! One time step of an ODE or an SDE with additive noise, on a state of `D`
//! packs (`[F32<V>; D]`: variable `i` of `V` points in `y[i]`), written once
//! for every lane count and float type.
//!
//! The model is its right-hand side, a closure `f(y) -> dy/dt`; anything
//! else it needs (parameters, coupling, time) it captures. Each function
//! returns the next state; the caller owns the loop, so it can observe,
//! clamp or accumulate between steps:
//!
//! ```
//! use dataspace::integrate::heun;
//! use dataspace::prelude::*;
//!
//! // dx/dt = -x, from x = 1 to t = 1 in 100 Heun steps, 4 points at once.
//! let decay = |y: [F64<4>; 1]| [-y[0]];
//! let dt = F64::<4>::splat(0.01);
//! let mut y = [F64::<4>::splat(1.0)];
//! for _ in 0..100 {
//!     y = heun(y, dt, decay);
//! }
//! let error = (y[0].to_array()[0] - (-1.0f64).exp()).abs();
//! assert!(error < 1e-5); // second order: about (dt^2 / 6) e^-1
//! ```
//!
//! Operation order, so that a kernel can match a hand-written one bit for
//! bit: Euler's update is `f(y).mul_add(dt, y)` (one rounding where the
//! target has FMA); the additive noise of the stochastic steps is added as
//! `g.mul_add(xi, ..)`, `g` the noise amplitude times `sqrt(dt)` and `xi`
//! standard normal draws (from [`Philox`](crate::Philox)).

// Indices are below the const generic D.
#![allow(clippy::indexing_slicing)]

use crate::simd::array;
use crate::simd::{FloatPack, Scalar};

/// A constant as a pack of the state's float type.
#[inline(always)]
fn constant<P: FloatPack>(value: f64) -> P {
    P::from_scalar(P::Scalar::from_fill(value))
}

/// `y + dt k`, variable by variable, fused.
#[inline(always)]
fn step<P: FloatPack, const D: usize>(y: &[P; D], dt: P, k: &[P; D]) -> [P; D] {
    array::map(*y, |i, y| k[i].mul_add(dt, y))
}

/// `y + g xi`, variable by variable, fused: the additive noise.
#[inline(always)]
fn add_noise<P: FloatPack, const D: usize>(y: &[P; D], g: &[P; D], xi: &[P; D]) -> [P; D] {
    array::map(*y, |i, y| g[i].mul_add(xi[i], y))
}

/// Forward Euler: `y + dt f(y)`.
///
/// ```
/// use dataspace::integrate::euler;
/// use dataspace::prelude::*;
///
/// let y = euler([f32x4::splat(1.0), f32x4::splat(0.0)], f32x4::splat(0.5), |[x, v]| [v, -x]);
/// assert_eq!((y[0].to_array()[0], y[1].to_array()[0]), (1.0, -0.5));
/// ```
#[inline(always)]
#[must_use]
pub fn euler<P: FloatPack, const D: usize>(
    y: [P; D],
    dt: P,
    f: impl Fn([P; D]) -> [P; D],
) -> [P; D] {
    step(&y, dt, &f(y))
}

/// Heun's method (explicit trapezoid; TVB's default deterministic
/// integrator): the Euler predictor `y1 = y + dt f(y)`, then
/// `y + (dt/2) (f(y) + f(y1))`. Second order, two evaluations of `f`.
#[inline(always)]
#[must_use]
pub fn heun<P: FloatPack, const D: usize>(
    y: [P; D],
    dt: P,
    f: impl Fn([P; D]) -> [P; D],
) -> [P; D] {
    let k1 = f(y);
    let k2 = f(step(&y, dt, &k1));
    trapezoid(&y, dt, &k1, &k2)
}

/// Heun's corrector: `y + (dt/2) (k1 + k2)`.
#[inline(always)]
fn trapezoid<P: FloatPack, const D: usize>(y: &[P; D], dt: P, k1: &[P; D], k2: &[P; D]) -> [P; D] {
    let half_dt = dt * constant::<P>(0.5);
    array::map(*y, |i, y| (k1[i] + k2[i]).mul_add(half_dt, y))
}

/// The classical fourth-order Runge–Kutta step: stages at `y`,
/// `y + (dt/2) k1`, `y + (dt/2) k2`, `y + dt k3`, then
/// `y + (dt/6) (k1 + 2 k2 + 2 k3 + k4)`.
///
/// ```
/// use dataspace::integrate::rk4;
/// use dataspace::prelude::*;
///
/// // dx/dt = x over one step of 0.1: the Taylor polynomial of e^0.1 to degree 4.
/// let y = rk4([f64x2::splat(1.0)], f64x2::splat(0.1), |y| y);
/// let taylor = 1.0 + 0.1 + 0.01 / 2.0 + 0.001 / 6.0 + 0.0001 / 24.0;
/// assert!((y[0].to_array()[0] - taylor).abs() < 1e-15);
/// ```
#[inline(always)]
#[must_use]
pub fn rk4<P: FloatPack, const D: usize>(y: [P; D], dt: P, f: impl Fn([P; D]) -> [P; D]) -> [P; D] {
    let half_dt = dt * constant::<P>(0.5);
    let two = constant::<P>(2.0);
    let k1 = f(y);
    let k2 = f(step(&y, half_dt, &k1));
    let k3 = f(step(&y, half_dt, &k2));
    let k4 = f(step(&y, dt, &k3));
    let sixth_dt = dt * constant::<P>(1.0 / 6.0);
    array::map(y, |i, y| {
        let sum = (k2[i] + k3[i]).mul_add(two, k1[i] + k4[i]);
        sum.mul_add(sixth_dt, y)
    })
}

/// Euler–Maruyama with additive noise: `y + dt f(y) + g xi`, where `g` is
/// the noise amplitude times `sqrt(dt)` (per variable, per point) and `xi`
/// fresh standard normal draws. Computed as `g.mul_add(xi, f(y).mul_add(dt, y))`.
///
/// ```
/// use dataspace::integrate::euler_maruyama;
/// use dataspace::prelude::*;
///
/// let y = [f32x4::splat(1.0)];
/// let (dt, g, xi) = (f32x4::splat(0.5), [f32x4::splat(0.25)], [f32x4::from([0.0, 1.0, -1.0, 2.0])]);
/// let next = euler_maruyama(y, dt, g, xi, |y| [-y[0]]);
/// assert_eq!(next[0].to_array(), [0.5, 0.75, 0.25, 1.0]);
/// ```
#[inline(always)]
#[must_use]
pub fn euler_maruyama<P: FloatPack, const D: usize>(
    y: [P; D],
    dt: P,
    g: [P; D],
    xi: [P; D],
    f: impl Fn([P; D]) -> [P; D],
) -> [P; D] {
    add_noise(&euler(y, dt, f), &g, &xi)
}

/// Heun's method for additive noise (TVB's `HeunStochastic`): with
/// `n = g xi` (as in [`euler_maruyama`]), the predictor
/// `y1 = y + dt f(y) + n`, then `y + (dt/2) (f(y) + f(y1)) + n`. The same
/// `xi` enters both stages.
#[inline(always)]
#[must_use]
pub fn stochastic_heun<P: FloatPack, const D: usize>(
    y: [P; D],
    dt: P,
    g: [P; D],
    xi: [P; D],
    f: impl Fn([P; D]) -> [P; D],
) -> [P; D] {
    let k1 = f(y);
    let k2 = f(add_noise(&step(&y, dt, &k1), &g, &xi));
    add_noise(&trapezoid(&y, dt, &k1, &k2), &g, &xi)
}

//! W3: the Jansen–Rit neural mass model, single node, with TVB's and
//! tvboptim's equations and defaults (no coupling), as defined in
//! `../shared/peers/REPORT.md` ("W3 and W4"):
//!
//! ```text
//! S(x)  = 2 nu_max / (1 + exp(r (v0 - x)))
//! y0' = y3,  y1' = y4,  y2' = y5
//! y3' = A a S(y1 - y2) - 2 a y3 - a^2 y0
//! y4' = A a (mu + a_2 J S(a_1 J y0)) - 2 a y4 - a^2 y1
//! y5' = B b a_4 J S(a_3 J y0) - 2 b y5 - b^2 y2
//! ```
//!
//! Forward Euler, dt = 0.1 ms, 2,000 steps from (0, 5, 5, 0, 0, 0); the
//! output is the mean of y1 - y2 (TVB's observable) over steps 1001..2000.
//! Swept: A, B, mu. Three sigmoids per step make it `exp`-bound.
//!
//! One file for every target, as `mpr.rs`: tests reach it as
//! `common::jansen_rit`, examples and benches by `#[path]`.
#![allow(dead_code)] // each example, test and bench uses part of this module

use dataspace::integrate::euler;
use dataspace::prelude::*;

/// Points and steps of W3.
pub const W3_POINTS: usize = 65_536;
pub const W3_STEPS: usize = 2_000;
/// Euler step (ms).
pub const DT: f32 = 0.1;
/// Rates (1/ms), sigmoid (mV, 1/ms, 1/mV) and connectivity constants.
pub const RATE_A: f32 = 0.1;
pub const RATE_B: f32 = 0.05;
pub const V0: f32 = 5.52;
pub const NU_MAX: f32 = 0.0025;
pub const R: f32 = 0.56;
pub const J: f32 = 135.0;
pub const A_1: f32 = 1.0;
pub const A_2: f32 = 0.8;
pub const A_3: f32 = 0.25;
pub const A_4: f32 = 0.25;
/// tvboptim's `JansenRit.INITIAL_STATE`.
pub const Y0: [f32; 6] = [0.0, 5.0, 5.0, 0.0, 0.0, 0.0];

/// The swept parameters of one Jansen–Rit node.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct JansenRit {
    /// A: the excitatory PSP amplitude (mV).
    pub a_psp: f32,
    /// B: the inhibitory PSP amplitude (mV).
    pub b_psp: f32,
    /// mu: the mean input rate (1/ms).
    pub mu: f32,
    /// Euler steps; the output averages over the last half.
    #[space(fixed)]
    pub steps: usize,
}

/// W3 on `V` points, as a user tunes it: the crate's `integrate::euler` and
/// `FloatPack::logistic_times`, with the constants folded per point before
/// the time loop. Each sigmoid's argument is one fused multiply-add
/// (`r x - r v0`), and each sigmoid's factor in the derivatives (`2 nu_max`
/// times `A a`, `B b` and the connectivity constants) is the numerator of
/// its division, so a step is 16 operations besides the three sigmoids (the
/// equations as written take 31).
#[inline(always)]
pub fn w3_kernel<const V: usize>(p: JansenRitLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let c = F32::<V>::splat;
    let (r, minus_r_v0) = (c(R), c(-(R * V0)));
    let (r_a1j, r_a3j) = (c(R * A_1 * J), c(R * A_3 * J));
    let (ta, aa, tb, bb) = (
        c(2.0 * RATE_A),
        c(RATE_A * RATE_A),
        c(2.0 * RATE_B),
        c(RATE_B * RATE_B),
    );
    // y3' = A a S1 - ..., y4' = A a mu + A a a_2 J S2 - ..., y5' = B b a_4 J S3 - ...,
    // with S = 2 nu_max logistic(...): each gain times 2 nu_max scales a logistic.
    let a_a = p.a_psp * c(RATE_A);
    let gain1 = a_a * c(2.0 * NU_MAX);
    let (gain2, drive) = (a_a * c(A_2 * J * 2.0 * NU_MAX), a_a * p.mu);
    let gain3 = p.b_psp * c(RATE_B * A_4 * J * 2.0 * NU_MAX);
    let rhs = |[y0, y1, y2, y3, y4, y5]: [F32<V>; 6]| {
        let s1 = (y1 - y2).mul_add(r, minus_r_v0).logistic_times(gain1);
        let s2 = y0.mul_add(r_a1j, minus_r_v0).logistic_times(gain2);
        let s3 = y0.mul_add(r_a3j, minus_r_v0).logistic_times(gain3);
        [
            y3,
            y4,
            y5,
            y0.mul_neg_add(aa, y3.mul_neg_add(ta, s1)),
            y1.mul_neg_add(aa, y4.mul_neg_add(ta, s2 + drive)),
            y2.mul_neg_add(bb, y5.mul_neg_add(tb, s3)),
        ]
    };
    w3_euler(*p.steps, rhs)
}

/// W3 on `V` points written as the equations read (the references'
/// operation order, each product and difference rounded), with
/// `integrate::euler` and `FloatPack::logistic`: the plain form, for the
/// cost of not folding (`cargo bench --bench w34`).
#[inline(always)]
pub fn w3_kernel_literal<const V: usize>(p: JansenRitLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let c = F32::<V>::splat;
    // The constants rounded to f32 first, as the references do.
    let (two_nu, r, v0) = (c(2.0 * NU_MAX), c(R), c(V0));
    let (a1j, a2j, a3j, a4j) = (c(A_1 * J), c(A_2 * J), c(A_3 * J), c(A_4 * J));
    let (ta, aa, tb, bb) = (
        c(2.0 * RATE_A),
        c(RATE_A * RATE_A),
        c(2.0 * RATE_B),
        c(RATE_B * RATE_B),
    );
    let (big_aa, big_bb) = (p.a_psp * c(RATE_A), p.b_psp * c(RATE_B));
    // S(x) = 2 nu_max / (1 + e^(r (v0 - x))) = 2 nu_max logistic(r (x - v0)).
    let sigmoid = |x: F32<V>| two_nu * (r * (x - v0)).logistic();
    let rhs = |[y0, y1, y2, y3, y4, y5]: [F32<V>; 6]| {
        let (s1, s2, s3) = (sigmoid(y1 - y2), sigmoid(a1j * y0), sigmoid(a3j * y0));
        [
            y3,
            y4,
            y5,
            big_aa * s1 - ta * y3 - aa * y0,
            big_aa * (p.mu + a2j * s2) - ta * y4 - aa * y1,
            big_bb * (a4j * s3) - tb * y5 - bb * y2,
        ]
    };
    w3_euler(*p.steps, rhs)
}

/// `steps` Euler steps of `rhs` from `Y0`; the mean of y1 - y2 over the
/// last half.
#[inline(always)]
fn w3_euler<const V: usize>(steps: usize, rhs: impl Fn([F32<V>; 6]) -> [F32<V>; 6]) -> F32<V>
where
    f32: Float<V>,
{
    let c = F32::<V>::splat;
    let dt = c(DT);
    let mut y = Y0.map(c);
    let mut acc = c(0.0);
    // One loop, so that `rhs` has one call site: with two, LLVM calls the
    // large closure instead of inlining it, and the state goes through memory.
    let first_averaged = steps - steps / 2;
    for step in 0..steps {
        y = euler(y, dt, &rhs);
        if step >= first_averaged {
            acc += y[1] - y[2];
        }
    }
    acc / c((steps / 2) as f32)
}

/// W3 on one point in plain f32, the references' operation order (libm `exp`).
pub fn w3_scalar(p: JansenRit) -> f32 {
    let sigmoid = |x: f32| (2.0 * NU_MAX) / (1.0 + (R * (V0 - x)).exp());
    let (big_aa, big_bb) = (p.a_psp * RATE_A, p.b_psp * RATE_B);
    let (ta, aa, tb, bb) = (2.0 * RATE_A, RATE_A * RATE_A, 2.0 * RATE_B, RATE_B * RATE_B);
    let [mut y0, mut y1, mut y2, mut y3, mut y4, mut y5] = Y0;
    let mut acc = 0.0f32;
    for t in 0..p.steps {
        let (s1, s2, s3) = (
            sigmoid(y1 - y2),
            sigmoid(A_1 * J * y0),
            sigmoid(A_3 * J * y0),
        );
        let dy3 = big_aa * s1 - ta * y3 - aa * y0;
        let dy4 = big_aa * (p.mu + A_2 * J * s2) - ta * y4 - aa * y1;
        let dy5 = big_bb * (A_4 * J * s3) - tb * y5 - bb * y2;
        (y0, y1, y2) = (y0 + DT * y3, y1 + DT * y4, y2 + DT * y5);
        (y3, y4, y5) = (y3 + DT * dy3, y4 + DT * dy4, y5 + DT * dy5);
        if t >= p.steps - p.steps / 2 {
            acc += y1 - y2;
        }
    }
    acc / (p.steps / 2) as f32
}

/// W3 on the peers' inputs (`tests/data/w3_params.f32`: the A, B and mu
/// columns), with `steps` Euler steps.
pub fn w3_inputs(steps: usize) -> JansenRitSpace {
    let [a_psp, b_psp, mu] = super::mpr::committed_columns("w3_params.f32", W3_POINTS);
    JansenRitSpace::new(JansenRitColumns {
        a_psp,
        b_psp,
        mu,
        steps,
    })
    .expect("three columns of W3_POINTS values")
}

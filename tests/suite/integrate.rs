//! The integrators: their orders of accuracy, the same bits at every lane
//! count, the stochastic steps reducing to the deterministic ones without
//! noise, and Euler–Maruyama's stationary variance of an Ornstein–Uhlenbeck
//! process driven by `Philox`.

use dataspace::integrate::{euler, euler_maruyama, heun, rk4, stochastic_heun};
use dataspace::prelude::*;

type Stepper<P, const D: usize> = fn([P; D], P, &dyn Fn([P; D]) -> [P; D]) -> [P; D];

/// The three deterministic methods behind one signature, with their orders.
fn methods<P: FloatPack, const D: usize>() -> [(&'static str, u32, Stepper<P, D>); 3] {
    [
        ("euler", 1, |y, dt, f| euler(y, dt, f)),
        ("heun", 2, |y, dt, f| heun(y, dt, f)),
        ("rk4", 4, |y, dt, f| rk4(y, dt, f)),
    ]
}

/// The error at t = 1 of the oscillator x'' = -4 x (x(0) = 1, x'(0) = 0;
/// exactly cos 2t) after `steps` steps.
fn oscillator_error(stepper: Stepper<F64<4>, 2>, steps: usize) -> f64 {
    let dt = F64::<4>::splat(1.0 / steps as f64);
    let f = |[x, v]: [F64<4>; 2]| [v, x * F64::<4>::splat(-4.0)];
    let mut y = [F64::<4>::splat(1.0), F64::<4>::splat(0.0)];
    for _ in 0..steps {
        y = stepper(y, dt, &f);
    }
    let x = y[0].to_array();
    assert!(x.iter().all(|&v| v == x[0]), "every lane the same");
    (x[0] - 2f64.cos()).abs()
}

#[test]
fn each_method_converges_at_its_order() {
    for (name, order, stepper) in methods::<F64<4>, 2>() {
        let coarse = oscillator_error(stepper, 200);
        let fine = oscillator_error(stepper, 400);
        let ratio = coarse / fine;
        let expected = f64::from(1u32 << order);
        assert!(
            ratio > 0.85 * expected && ratio < 1.15 * expected,
            "{name}: error {coarse:e} -> {fine:e}, ratio {ratio} (order {order})"
        );
    }
    // And RK4 is accurate in absolute terms.
    assert!(oscillator_error(|y, dt, f| rk4(y, dt, f), 400) < 1e-10);
}

/// A stiff-ish nonlinear model (MPR's right-hand side) stepped 200 times.
fn mpr_run<const V: usize>(method: usize, eta: F32<V>) -> [f32; V]
where
    f32: Float<V>,
{
    let splat = F32::<V>::splat;
    let pi = splat(std::f32::consts::PI);
    let f = move |[r, v]: [F32<V>; 2]| {
        let pr = pi * r;
        [
            (r + r).mul_add(v, splat(1.0 / std::f32::consts::PI)),
            splat(15.0).mul_add(r, v.mul_add(v, eta)) - pr * pr,
        ]
    };
    let dt = splat(0.01);
    let (g, noise) = ([splat(0.05), splat(0.1)], Philox::new(9));
    let mut y = [splat(0.1), splat(-2.0)];
    for step in 0..200 {
        let [a, b, ..] = noise.normal::<V>(0, 0, step);
        y = match method {
            0 => euler(y, dt, f),
            1 => heun(y, dt, f),
            2 => rk4(y, dt, f),
            3 => euler_maruyama(y, dt, g, [a, b], f),
            _ => stochastic_heun(y, dt, g, [a, b], f),
        };
    }
    y[0].to_array()
}

#[test]
fn every_method_gives_the_same_bits_at_every_lane_count() {
    let eta: [f32; 64] = core::array::from_fn(|k| -6.0 + k as f32 * 0.05);
    for method in 0..5 {
        let wide = mpr_run::<64>(method, F32::<64>::from_array(eta));
        assert!(wide.iter().all(|x| x.is_finite()), "method {method}");
        let check = |got: &[f32], at: usize| {
            for (k, x) in got.iter().enumerate() {
                assert_eq!(
                    x.to_bits(),
                    wide[at + k].to_bits(),
                    "method {method} lane {}",
                    at + k
                );
            }
        };
        // Each width sees the points from 0 (the noise is keyed by point 0..V).
        check(
            &mpr_run::<4>(method, F32::<4>::from_array(eta[..4].try_into().unwrap())),
            0,
        );
        check(
            &mpr_run::<8>(method, F32::<8>::from_array(eta[..8].try_into().unwrap())),
            0,
        );
        check(
            &mpr_run::<16>(method, F32::<16>::from_array(eta[..16].try_into().unwrap())),
            0,
        );
        check(
            &mpr_run::<32>(method, F32::<32>::from_array(eta[..32].try_into().unwrap())),
            0,
        );
    }
}

#[test]
fn without_noise_the_stochastic_steps_are_the_deterministic_ones() {
    let f = |[x, v]: [F32<8>; 2]| [v, x * F32::<8>::splat(-3.0) - v];
    let y0 = [
        F32::<8>::from_array(core::array::from_fn(|k| k as f32)),
        F32::<8>::splat(0.5),
    ];
    let dt = F32::<8>::splat(0.02);
    let zero = [F32::<8>::splat(0.0); 2];
    let bits = |y: [F32<8>; 2]| y.map(|p| p.to_array().map(f32::to_bits));
    assert_eq!(
        bits(euler_maruyama(y0, dt, zero, zero, f)),
        bits(euler(y0, dt, f))
    );
    assert_eq!(
        bits(stochastic_heun(y0, dt, zero, zero, f)),
        bits(heun(y0, dt, f))
    );
    // With noise, the same xi is added once per step, in both stages.
    let (g, xi) = ([F32::<8>::splat(0.5); 2], [F32::<8>::splat(1.0); 2]);
    let drift_only = |_: [F32<8>; 2]| [F32::<8>::splat(0.0); 2];
    let moved = stochastic_heun(y0, dt, g, xi, drift_only);
    assert_eq!(moved[1].to_array(), [1.0; 8]);
}

#[test]
fn euler_maruyama_reaches_the_ou_stationary_variance() {
    // dx = -theta x dt + sigma dW; Euler–Maruyama's own stationary variance
    // is sigma^2 dt / (1 - (1 - theta dt)^2).
    const V: usize = 16;
    let (theta, sigma, dt) = (2.0f64, 0.5f64, 0.05f64);
    let points = 1 << 15;
    let noise = Philox::new(123);
    let f = |[x]: [F64<V>; 1]| [x * F64::<V>::splat(-theta)];
    let g = [F64::<V>::splat(sigma * dt.sqrt())];
    let mut finals = Vec::with_capacity(points);
    for first in (0..points).step_by(V) {
        let mut y = [F64::<V>::splat(0.0)];
        for step in 0..400 {
            // 400 steps: theta t = 40, the start forgotten.
            let [xi, _] = noise.normal_f64::<V>(first, 0, step);
            y = euler_maruyama(y, F64::<V>::splat(dt), g, [xi], f);
        }
        finals.extend(y[0].to_array());
    }
    let n = finals.len() as f64;
    let mean = finals.iter().sum::<f64>() / n;
    let var = finals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let want = sigma * sigma * dt / (1.0 - (1.0 - theta * dt).powi(2));
    assert!(mean.abs() < 5.0 * (want / n).sqrt(), "mean {mean}");
    assert!(
        (var - want).abs() < 5.0 * want * (2.0 / n).sqrt(),
        "variance {var} vs {want}"
    );
}

/// W1 written with `euler`, against the fixture's hand-written step.
fn w1_with_euler<const V: usize>(p: crate::common::mpr::MprLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    use crate::common::mpr::{DT, PI, R0, V0};
    let c = F32::<V>::splat;
    let delta_over_pi = p.delta / c(PI);
    let rhs = |[r, v]: [F32<V>; 2]| {
        let pr = r * c(PI);
        let dv = p.j.mul_add(r, v.mul_add(v, p.eta));
        [(r + r).mul_add(v, delta_over_pi), pr.mul_neg_add(pr, dv)]
    };
    let steps = *p.steps;
    let mut y = [c(R0), c(V0)];
    let mut acc = c(0.0);
    for t in 0..steps {
        y = euler(y, c(DT), rhs);
        if t >= steps - steps / 2 {
            acc += y[0];
        }
    }
    acc / c((steps / 2) as f32)
}

#[test]
fn euler_is_the_hand_written_step_bit_for_bit() {
    use crate::common::mpr::{w1_inputs, w1_kernel};
    let space = w1_inputs();
    let space = space.slice(0..4099).unwrap();
    let by_hand = Executor::parallel().run(&space, w1_kernel::<64>).unwrap();
    let by_euler = Executor::parallel()
        .run(&space, w1_with_euler::<64>)
        .unwrap();
    let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&by_euler), bits(&by_hand));
}

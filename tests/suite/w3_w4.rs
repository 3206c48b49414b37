//! W3 (Jansen–Rit, `exp`-bound) and W4 (MPR with noise, Euler–Maruyama)
//! through the public API, against the peers' NumPy outputs committed in
//! `tests/data`: W3 to round-off against float64; W4 point by point against
//! the float64 replay of the same Philox stream, and in distribution
//! against NumPy runs with independent noise.

use crate::common::jansen_rit::*;
use crate::common::mpr::{
    MprNoise, MprNoiseColumns, MprNoiseSpace, W4_POINTS, W4_SEED, W4_STEPS, committed_input,
    w4_inputs, w4_kernel,
};
use dataspace::prelude::*;

/// The reference output `name` in `tests/data` (one f32 per point).
fn reference(name: &str, len: usize) -> Vec<f64> {
    committed_input(name, len)
        .into_iter()
        .map(f64::from)
        .collect()
}

#[test]
fn w3_agrees_with_numpy_float64_to_round_off() {
    let space = w3_inputs(W3_STEPS);
    let want = reference("w3_numpy_f64.f32", W3_POINTS);
    for (kernel, got) in [
        ("folded", Executor::parallel().run(&space, w3_kernel::<64>)),
        (
            "literal",
            Executor::parallel().run(&space, w3_kernel_literal::<16>),
        ),
    ] {
        let got = got.unwrap();
        let mut worst_abs: f64 = 0.0;
        let mut worst_rel: f64 = 0.0;
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            let diff = (f64::from(g) - w).abs();
            assert!(g.is_finite(), "{kernel}, point {i}: {g}");
            worst_abs = worst_abs.max(diff);
            if w.abs() >= 1.0 {
                worst_rel = worst_rel.max(diff / w.abs());
            }
        }
        // The peers' float32 implementations reach 4.3e-4 to 9.2e-4 mV and
        // 1.5e-4 to 2.2e-4 relative (REPORT.md, "Agreement").
        assert!(worst_abs < 2e-3, "{kernel}: max |diff| {worst_abs} mV");
        assert!(
            worst_rel < 5e-4,
            "{kernel}: max relative diff {worst_rel} where |ref| >= 1 mV"
        );
        let sum: f64 = got.iter().map(|&x| f64::from(x)).sum();
        assert!((sum - 267_849.298_990).abs() < 1.0, "{kernel}: sum {sum}");
    }
}

#[test]
fn w3_matches_its_scalar_kernel_on_every_lane_count() {
    // 300 steps on 37 points: every lane width, tail lanes included.
    let full = w3_inputs(300);
    let space = full.slice(1000..1037).unwrap();
    let scalar = Executor::parallel().map(&space, w3_scalar).unwrap();
    let wide = Executor::parallel().run(&space, w3_kernel::<64>).unwrap();
    for (got, width) in [
        (
            Executor::sequential().run(&space, w3_kernel::<4>).unwrap(),
            4,
        ),
        (Executor::parallel().run(&space, w3_kernel::<8>).unwrap(), 8),
        (
            Executor::parallel().run(&space, w3_kernel::<16>).unwrap(),
            16,
        ),
        (
            Executor::parallel().run(&space, w3_kernel::<32>).unwrap(),
            32,
        ),
    ] {
        let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&wide), "V = {width}");
    }
    for (i, (&w, &s)) in wide.iter().zip(&scalar).enumerate() {
        assert!(
            (w - s).abs() <= 1e-3 * (1.0 + s.abs()),
            "point {i}: {w} vs {s}"
        );
    }
}

/// W4 over all points, V = 64.
fn w4_run() -> Vec<f64> {
    let space = w4_inputs(W4_STEPS);
    let got = Executor::parallel().run(&space, w4_kernel::<64>).unwrap();
    got.into_iter().map(f64::from).collect()
}

#[test]
fn w4_follows_the_float64_replay_of_its_noise_point_by_point() {
    let got = w4_run();
    let replay = reference("w4_numpy_f64_philox32.f32", W4_POINTS);
    let diffs: Vec<f64> = got
        .iter()
        .zip(&replay)
        .map(|(g, r)| (g - r).abs())
        .collect();
    let worst = diffs.iter().copied().fold(0.0, f64::max);
    let off = diffs.iter().filter(|&&d| d > 1e-3).count();
    // The peers' Rust kernels, same stream: max 1.6e-4 / 2.1e-4, none > 1e-3.
    assert!(worst < 5e-3, "max |diff| {worst}");
    assert!(off <= 3, "{off} points differ by more than 1e-3");
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    assert!((mean(&got) - 0.168_110).abs() < 2e-5, "mean {}", mean(&got));
}

/// The two-sample Kolmogorov–Smirnov distance.
fn ks_two_sample(a: &[f64], b: &[f64]) -> f64 {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[test]
fn w4_agrees_with_numpy_under_independent_noise_in_distribution() {
    let got = w4_run();
    let n = got.len() as f64;
    for name in ["w4_numpy.f32", "w4_numpy_f64.f32"] {
        let other = reference(name, W4_POINTS);
        // Paired differences: Monte-Carlo scatter of two independent runs.
        let diffs: Vec<f64> = got.iter().zip(&other).map(|(a, b)| a - b).collect();
        let mean = diffs.iter().sum::<f64>() / n;
        let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let z = mean / (sd / n.sqrt());
        assert!(
            z.abs() < 4.0,
            "{name}: sweep means differ by {mean} (z = {z})"
        );
        // The per-point output distributions: the 0.1 % critical value of
        // the two-sample KS distance is 1.95 sqrt(2 / n).
        let d = ks_two_sample(&got, &other);
        assert!(d < 1.95 * (2.0 / n).sqrt(), "{name}: KS distance {d}");
        // Bistable points switch state under other noise: high-state fractions agree.
        let high = |x: &[f64]| x.iter().filter(|&&v| v > 0.5).count() as f64 / n;
        let (a, b) = (high(&got), high(&other));
        assert!(
            (a - b).abs() < 4.0 * (2.0 * a * (1.0 - a) / n).sqrt(),
            "{name}: {a} vs {b}"
        );
    }
}

#[test]
fn w4_is_the_same_however_the_run_is_cut() {
    let space = w4_inputs(200);
    let space = space.slice(0..999).unwrap();
    let reference = Executor::sequential().run(&space, w4_kernel::<8>).unwrap();
    let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let mut joined = Vec::new();
    for shard in 0..3 {
        let part = space.shard(shard, 3).unwrap();
        joined.extend(Executor::parallel().run(&part, w4_kernel::<64>).unwrap());
    }
    assert_eq!(bits(&joined), bits(&reference));
    let odd = Executor::parallel()
        .n_pmap(5)
        .run(&space, w4_kernel::<16>)
        .unwrap();
    assert_eq!(bits(&odd), bits(&reference));
    // Another seed, other noise: most points end elsewhere.
    let point: MprNoise = space.get(3).unwrap();
    assert_eq!(point.seed, W4_SEED);
    let points: Vec<MprNoise> = space.iter().collect();
    let reseeded = MprNoiseSpace::new(MprNoiseColumns {
        eta: points.iter().map(|p| p.eta).collect(),
        j: points.iter().map(|p| p.j).collect(),
        sigma: points.iter().map(|p| p.sigma).collect(),
        steps: 200,
        seed: W4_SEED + 1,
    })
    .unwrap();
    let other = Executor::parallel()
        .run(&reseeded, w4_kernel::<64>)
        .unwrap();
    let same = other.iter().zip(&reference).filter(|(a, b)| a == b).count();
    assert!(same < 10, "{same} of 999 points unchanged by the seed");
}

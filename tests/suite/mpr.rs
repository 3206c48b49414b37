//! The two MPR workloads: SIMD kernels against their scalar versions on every
//! point, and against the peers' outputs for the peers' inputs (all in `tests/data`).

use crate::common;

use common::mpr::*;
use dataspace::prelude::*;
use std::path::Path;

/// Builds with and without FMA differ in the last bits, and the time series
/// are transient-sensitive: the peers agree with a float64 run to 3e-5.
const TOLERANCE: f64 = 1e-4;

fn reference(name: &str) -> Vec<f32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    read_f32(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn w1_simd_agrees_with_scalar_on_every_point() {
    // Fewer steps than the benchmark keep the test fast; every point is checked.
    let space = w1_space(4099, 7, 400);
    let executor = Executor::parallel();
    let scalar = executor.map(&space, w1_scalar).unwrap();
    for simd in [
        executor
            .run::<64, _, _, _>(&space, w1_kernel::<64>)
            .unwrap(),
        executor.run::<8, _, _, _>(&space, w1_kernel::<8>).unwrap(),
    ] {
        assert!(simd.iter().all(|x| x.is_finite()));
        assert!(
            max_rel_diff(&simd, &scalar) < TOLERANCE,
            "{}",
            max_rel_diff(&simd, &scalar)
        );
    }
}

#[test]
fn w2_simd_agrees_with_scalar_on_every_point() {
    let space = w2_space(45, 11, 200);
    let executor = Executor::parallel();
    let scalar = executor.map(&space, w2_scalar).unwrap();
    for simd in [
        executor
            .run::<32, _, _, _>(&space, w2_kernel::<32>)
            .unwrap(),
        executor.run::<8, _, _, _>(&space, w2_kernel::<8>).unwrap(),
    ] {
        assert!(
            max_rel_diff(&simd, &scalar) < TOLERANCE,
            "{}",
            max_rel_diff(&simd, &scalar)
        );
    }
}

#[test]
fn w1_and_w2_match_the_peers_outputs_on_the_peers_inputs() {
    let executor = Executor::parallel();

    let w1 = w1_inputs();
    assert_eq!(w1.len(), W1_POINTS);
    let ours = executor.run::<64, _, _, _>(&w1, w1_kernel::<64>).unwrap();
    let f64_reference = reference("w1_numpy_f64.f32");
    let jax = reference("w1_jax.f32");
    assert!(max_rel_diff(&ours, &f64_reference) < TOLERANCE);
    assert!(max_rel_diff(&ours, &jax) < TOLERANCE);
    let sum: f64 = ours.iter().map(|&x| x as f64).sum();
    assert!((sum - 22199.22).abs() < 0.01, "W1 checksum {sum}");

    let w2 = w2_inputs();
    let ours = executor.run::<32, _, _, _>(&w2, w2_kernel::<32>).unwrap();
    assert!(max_rel_diff(&ours, &reference("w2_numpy_f64.f32")) < TOLERANCE);
    assert!(max_rel_diff(&ours, &reference("w2_jax.f32")) < TOLERANCE);
    let scalar = executor.map(&w2, w2_scalar).unwrap();
    assert!(max_rel_diff(&ours, &scalar) < TOLERANCE);
}

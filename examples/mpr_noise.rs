//! W4: the W1 sweep with additive noise on r and v (Euler–Maruyama, r
//! clamped at 0), noise-bound: four normal draws per point and two steps.
//!
//! Each point's noise is `Philox::new(seed).normal(point, 0, step / 2)`: a
//! function of the point's index and the step alone, so the results are the
//! same bits for any lane count, thread count or shard, and agree point by
//! point with a float64 NumPy replay of the same stream
//! (`tests/data/w4_numpy_f64_philox32.f32`).
//!
//! ```text
//! cargo run --release --example mpr_noise
//! ```

#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::prelude::*;
use mpr::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let space = w4_inputs(W4_STEPS);
    let executor = Executor::parallel();
    println!(
        "W4: {} points x {W4_STEPS} steps, seed {W4_SEED}, {INPUTS}, {} threads",
        space.len(),
        executor.thread_count()
    );
    let point_steps = (space.len() * W4_STEPS) as f64;
    // The executor's choice of V (the best width depends on the CPU: 64
    // lanes suit AVX-512; W4's Philox state fits AVX2's 16 registers only
    // at 16 lanes, BENCHMARKS.md), then two fixed widths beside it.
    let (auto, results) = median_seconds(9, || executor.run_auto_tuned(&space, widths!(w4_kernel)));
    let (results, tuning) = results?;
    let (seconds, fixed) = median_seconds(9, || executor.run(&space, w4_kernel::<64>));
    assert_eq!(fixed?, results, "the chosen width changed a result");
    let (narrow, _) = median_seconds(9, || executor.run(&space, w4_kernel::<16>));
    let chosen = format!("auto ({})", tuning.lanes);
    for (lanes, seconds) in [
        (chosen, auto),
        ("64".into(), seconds),
        ("16".into(), narrow),
    ] {
        println!(
            "  V = {lanes}: {:8.2} ms  {:.3e} point-steps/s",
            seconds * 1e3,
            point_steps / seconds
        );
    }

    let replay = committed_input("w4_numpy_f64_philox32.f32", W4_POINTS);
    let worst = results
        .iter()
        .zip(&replay)
        .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
        .fold(0.0, f64::max);
    let mean = results.iter().map(|&x| f64::from(x)).sum::<f64>() / results.len() as f64;
    let high = results.iter().filter(|&&r| r > 0.5).count();
    println!("against the float64 replay of the same noise: max |difference| {worst:.2e}");
    println!(
        "mean output {mean:.6} (replay: 0.168110); {high} points ({:.2} %) in the high-activity state",
        100.0 * high as f64 / results.len() as f64
    );
    Ok(())
}

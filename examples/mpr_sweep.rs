//! W1: a sweep of the Montbrió–Pazó–Roxin model, one node per point.
//!
//! 65,536 points (eta in [-6, -3], J in [10, 20], Delta in [0.5, 2]), 1,000
//! Euler steps each; the output is the mean firing rate r over the last 500.
//! Uses the peers' inputs (committed in `tests/data`, copied from
//! `../shared/peers/data`), so the results compare with the JAX and NumPy peers.
//!
//! ```text
//! cargo run --release --example mpr_sweep
//! ```

#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::prelude::*;
use mpr::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let space = w1_inputs();
    let executor = Executor::parallel();
    println!(
        "W1: {} points x {W1_STEPS} steps, {INPUTS}, {} threads",
        space.len(),
        executor.thread_count()
    );

    let point_steps = (space.len() * W1_STEPS) as f64;
    // The executor's choice of V: a trial of every width on a prefix, the
    // rest at the fastest; the same results as any fixed V.
    let (auto, results) = median_seconds(9, || executor.run_auto_tuned(&space, widths!(w1_kernel)));
    let (results, tuning) = results?;
    let (fast, fixed) = median_seconds(9, || executor.run(&space, w1_kernel::<64>));
    assert_eq!(fixed?, results, "the chosen width changed a result");
    let (one_register, _) = median_seconds(5, || executor.run(&space, w1_kernel::<8>));
    let chosen = format!("auto: V = {} chosen", tuning.lanes);
    for (label, seconds) in [
        (chosen.as_str(), auto),
        ("V = 64 (4 x f32x16 in lockstep)", fast),
        ("V = 8 (one f32x8)", one_register),
    ] {
        println!(
            "  {label:<34} {:8.2} ms  {:.3e} point-steps/s",
            seconds * 1e3,
            point_steps / seconds
        );
    }

    // The SIMD kernel against the scalar one, on a sample of points.
    let indices: Vec<usize> = (0..space.len()).step_by(97).collect();
    let sample = w1_sample(&space, &indices);
    let scalar = executor.map(&sample, w1_scalar)?;
    let simd: Vec<f32> = indices.iter().map(|&i| results[i]).collect();
    let diff = max_rel_diff(&simd, &scalar);
    println!(
        "SIMD vs scalar on {} points: max relative difference {diff:.2e}",
        indices.len()
    );
    assert!(diff < 1e-4, "the SIMD and scalar kernels disagree");

    println!(
        "\n{:>6} {:>8} {:>8} {:>8} {:>10}",
        "point", "eta", "J", "Delta", "mean r"
    );
    for i in [0, 1, 2, 3, space.len() / 2, space.len() - 1] {
        let p = space.get(i).expect("in range");
        println!(
            "{i:>6} {:>8.4} {:>8.4} {:>8.4} {:>10.6}",
            p.eta, p.j, p.delta, results[i]
        );
    }
    let high = results.iter().filter(|&&r| r > 0.5).count();
    let sum: f64 = results.iter().map(|&r| r as f64).sum();
    println!(
        "\n{high} of {} points ({:.1} %) end in the high-activity state (mean r > 0.5); sum of outputs {sum:.6}",
        results.len(),
        100.0 * high as f64 / results.len() as f64
    );
    Ok(())
}

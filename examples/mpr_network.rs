//! W2: a sweep of a network of 68 Montbrió–Pazó–Roxin nodes per point.
//!
//! 512 points (global coupling G in [0, 1], eta in [-6, -3]; J = 15,
//! Delta = 1), nodes coupled by a fixed 68 x 68 matrix W (row-normalised, zero
//! diagonal; a `#[space(fixed)]` `nalgebra::DMatrix<f32>` shared by every
//! point), 500 Euler steps; the output is the mean r over nodes and the last
//! 250 steps. Uses the peers' inputs (committed in `tests/data`, copied from
//! `../shared/peers/data`).
//!
//! ```text
//! cargo run --release --example mpr_network
//! ```

#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::prelude::*;
use mpr::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let space = w2_inputs();
    let executor = Executor::parallel();
    println!(
        "W2: {} points x {W2_STEPS} steps x {NODES} nodes, {INPUTS}, {} threads",
        space.len(),
        executor.thread_count()
    );

    let node_steps = (space.len() * W2_STEPS * NODES) as f64;
    // 512 points are too few for the executor to time its widths: it runs
    // them at four registers of this build (V = 64 with AVX-512).
    let (auto, results) = median_seconds(9, || executor.run_auto_tuned(&space, widths!(w2_kernel)));
    let (results, tuning) = results?;
    let (fast, fixed) = median_seconds(9, || executor.run(&space, w2_kernel::<64>));
    assert_eq!(fixed?, results, "the chosen width changed a result");
    let (two_registers, _) = median_seconds(9, || executor.run(&space, w2_kernel::<32>));
    let (one_register, _) = median_seconds(5, || executor.run(&space, w2_kernel::<8>));
    let chosen = format!("auto: V = {} (untimed)", tuning.lanes);
    for (label, seconds) in [
        (chosen.as_str(), auto),
        ("V = 64 (4 x f32x16 in lockstep)", fast),
        ("V = 32 (2 x f32x16 in lockstep)", two_registers),
        ("V = 8 (one f32x8)", one_register),
    ] {
        println!(
            "  {label:<34} {:8.2} ms  {:.3e} node-steps/s  {:.3e} point-steps/s",
            seconds * 1e3,
            node_steps / seconds,
            node_steps / NODES as f64 / seconds
        );
    }

    let indices: Vec<usize> = (0..space.len()).step_by(7).collect();
    let sample = w2_sample(&space, &indices);
    let scalar = executor.map(&sample, w2_scalar)?;
    let simd: Vec<f32> = indices.iter().map(|&i| results[i]).collect();
    let diff = max_rel_diff(&simd, &scalar);
    println!(
        "SIMD vs scalar on {} points: max relative difference {diff:.2e}",
        indices.len()
    );
    assert!(diff < 1e-4, "the SIMD and scalar kernels disagree");

    println!("\n{:>6} {:>8} {:>8} {:>10}", "point", "G", "eta", "mean r");
    for i in [0, 1, 2, 3, space.len() / 2, space.len() - 1] {
        let p = space.get(i).expect("in range");
        println!("{i:>6} {:>8.4} {:>8.4} {:>10.6}", p.g, p.eta, results[i]);
    }
    let sum: f64 = results.iter().map(|&r| r as f64).sum();
    println!("\nsum of outputs {sum:.6}");
    Ok(())
}

//! W3: a sweep of the Jansen–Rit neural mass model (TVB's equations and
//! defaults), exp-bound: three sigmoids per step.
//!
//! 65,536 points (A in [2.6, 9.75] mV, B in [11, 44] mV, mu in [0.1, 0.3]
//! 1/ms), 2,000 Euler steps of 0.1 ms each, the kernel written with
//! `dataspace::integrate::euler`; the output is the mean of y1 - y2 over the
//! last 1,000 steps. The peers' inputs (`tests/data`), so the output compares
//! with NumPy in float64 (`tests/data/w3_numpy_f64.f32`).
//!
//! ```text
//! cargo run --release --example jansen_rit
//! ```

#[path = "../tests/common/jansen_rit.rs"]
mod jansen_rit;
#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::prelude::*;
use jansen_rit::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let space = w3_inputs(W3_STEPS);
    let executor = Executor::parallel();
    println!(
        "W3: {} points x {W3_STEPS} steps, {}, {} threads",
        space.len(),
        mpr::INPUTS,
        executor.thread_count()
    );
    let point_steps = (space.len() * W3_STEPS) as f64;
    // The executor's choice of V (the best width depends on the CPU: 64
    // lanes suit AVX-512; W4's Philox state fits AVX2's 16 registers only
    // at 16 lanes, BENCHMARKS.md), then two fixed widths beside it.
    let (auto, results) =
        mpr::median_seconds(9, || executor.run_auto_tuned(&space, widths!(w3_kernel)));
    let (results, tuning) = results?;
    let (seconds, fixed) = mpr::median_seconds(9, || executor.run(&space, w3_kernel::<64>));
    assert_eq!(fixed?, results, "the chosen width changed a result");
    let (narrow, _) = mpr::median_seconds(9, || executor.run(&space, w3_kernel::<16>));
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

    let reference = mpr::committed_input("w3_numpy_f64.f32", W3_POINTS);
    let worst = results
        .iter()
        .zip(&reference)
        .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
        .fold(0.0, f64::max);
    println!("against NumPy float64: max |difference| {worst:.2e} mV");

    println!(
        "\n{:>6} {:>8} {:>8} {:>8} {:>12}",
        "point", "A", "B", "mu", "mean y1-y2"
    );
    for i in [0, 1, 2, space.len() / 2, space.len() - 1] {
        let p = space.get(i).expect("in range");
        println!(
            "{i:>6} {:>8.4} {:>8.4} {:>8.4} {:>12.6}",
            p.a_psp, p.b_psp, p.mu, results[i]
        );
    }
    let sum: f64 = results.iter().map(|&x| f64::from(x)).sum();
    println!("\nsum of outputs {sum:.4} (NumPy float64: 267849.2990)");
    Ok(())
}

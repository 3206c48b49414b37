//! A small space with free and fixed fields (N, a point, the collected layout
//! with its NaN tail lanes), then a real sweep: 4,096 Montbrió–Pazó–Roxin
//! models through the executor.
//!
//! ```text
//! cargo run --release --example quickstart
//! ```

#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::prelude::*;
use nalgebra::DMatrix;

/// Parameters of one Montbrió–Pazó–Roxin sweep point.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Mpr {
    pub eta: f32,
    pub j: f32,
    pub delta: f64,
    /// Initial state (r, v): two columns.
    pub r0: [f32; 2],
    #[space(fixed)]
    pub dt: f32,
    /// Shared connectivity, never copied per point.
    #[space(fixed)]
    pub weights: DMatrix<f32>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = 11;
    let eta: Vec<f32> = (0..n)
        .map(|i| -6.0 + 3.0 * i as f32 / (n - 1) as f32)
        .collect();
    let space = MprSpace::new(MprColumns {
        eta,
        j: vec![15.0; n],
        delta: (0..n).map(|i| (50 + 15 * i) as f64 / 100.0).collect(),
        r0: vec![[0.1, -2.0]; n],
        dt: 0.01,
        weights: DMatrix::from_fn(3, 3, |i, j| if i == j { 0.0 } else { 0.5 }),
    })?;

    println!("N = {} points", space.len());
    let point = space.get(4).expect("4 < N");
    println!(
        "point 4 = Mpr {{ eta: {}, j: {}, delta: {}, r0: {:?}, dt: {}, weights: {}x{} matrix }}",
        point.eta,
        point.j,
        point.delta,
        point.r0,
        point.dt,
        point.weights.nrows(),
        point.weights.ncols()
    );
    println!("eta column = {:?}", space.columns().eta);

    let options = CollectOptions {
        n_pmap: 2,
        ..CollectOptions::default()
    };
    let packs = space.collect_with::<4>(options)?;
    let (n_pmap, n_map, v) = packs.shape();
    println!(
        "\ncollect::<4>() with n_pmap = 2: shape (n_pmap, n_map, V) = ({n_pmap}, {n_map}, {v})"
    );
    println!(
        "{:>5} {:>4} {:>5}  {:<30}  delta lanes (f64)",
        "block", "pack", "valid", "eta lanes (f32)"
    );
    for block in packs.blocks() {
        for (m, lanes) in block.iter().enumerate() {
            let eta = format!("{:?}", lanes.eta.to_array());
            let delta = lanes.delta.to_array();
            println!(
                "{:>5} {:>4} {:>5}  {eta:<30}  {delta:?}",
                block.index(),
                m,
                lanes.valid()
            );
        }
    }
    let shared = packs.pack(1, 0).expect("in range").weights;
    println!(
        "\nevery pack borrows the same weights matrix: {}",
        std::ptr::eq(shared, space.columns().weights)
    );

    // Mismatched lengths are a typed error naming the field.
    let bad = MprSpace::new(MprColumns {
        eta: vec![0.0; 3],
        j: vec![0.0; 2],
        delta: vec![0.0; 3],
        r0: vec![[0.0; 2]; 3],
        dt: 0.01,
        weights: DMatrix::zeros(0, 0),
    });
    if let Err(error) = bad {
        println!("\nMprSpace::new with a short `j` column: {error}");
    }

    sweep()
}

/// 4,096 MPR nodes (eta, J, Delta drawn from a seed), 1,000 Euler steps each,
/// run on SIMD lanes and all cores; the output is the mean firing rate r over
/// the last 500 steps.
fn sweep() -> Result<(), Box<dyn std::error::Error>> {
    let space = mpr::w1_space(4096, 1, mpr::W1_STEPS);
    let executor = Executor::parallel();
    // The lane count chosen by the executor: 4,096 points are too few to
    // time, so they run at four registers of this build (V = 64 with
    // AVX-512, 32 with AVX2); a larger run times every width first.
    let (seconds, rates) = mpr::median_seconds(5, || {
        executor.run_auto_tuned(&space, widths!(mpr::w1_kernel))
    });
    let (rates, tuning) = rates?;
    let point_steps = (space.len() * mpr::W1_STEPS) as f64;
    println!(
        "\nMPR sweep: {} points x {} steps on {} threads, V = {}: {:.2} ms, {:.2e} point-steps/s",
        space.len(),
        mpr::W1_STEPS,
        executor.thread_count(),
        tuning.lanes,
        seconds * 1e3,
        point_steps / seconds
    );
    let scalar = executor.map(&space, mpr::w1_scalar)?;
    println!(
        "max relative difference to the scalar kernel: {:.1e}",
        mpr::max_rel_diff(&rates, &scalar)
    );
    println!(
        "{:>6} {:>8} {:>8} {:>8} {:>8}",
        "point", "eta", "J", "Delta", "mean r"
    );
    for i in [0, 1, 2, 1000, 2000, 4095] {
        let p = space.get(i).expect("in range");
        println!(
            "{i:>6} {:>8.3} {:>8.3} {:>8.3} {:>8.4}",
            p.eta, p.j, p.delta, rates[i]
        );
    }
    let high = rates.iter().filter(|&&r| r > 0.5).count();
    println!(
        "{high} of {} points end in the high-activity state (mean r > 0.5)",
        rates.len()
    );
    Ok(())
}

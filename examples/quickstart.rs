//! A small space with free and fixed fields: N, a point, and the collected
//! layout with its NaN tail lanes.
//!
//! ```text
//! cargo run --release --example quickstart
//! ```

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
    Ok(())
}

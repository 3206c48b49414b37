//! A parameter sweep in a crate of its own: derive a space, run a kernel on
//! it with an `Executor` at the lane count it measures fastest here, print a
//! checksum and the time.
//!
//! ```sh
//! cargo run --release              # 65,536 points x 1,000 steps (the W1 sweep), V chosen by the executor
//! cargo run --release -- 4096 100  # points, steps
//! cargo run --release -- 65536 1000 16  # points, steps, a fixed V (8, 16, 32 or 64)
//! ```
//!
//! No `[profile]` section is needed: cargo's default release profile runs
//! within 1.5 % of fat LTO with one codegen unit (BENCHMARKS.md).

use dataspace::prelude::*;

/// The parameters of one Montbrió–Pazó–Roxin node.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Node {
    pub eta: f32,
    pub j: f32,
    pub delta: f32,
    #[space(fixed)]
    pub steps: usize,
}

const DT: f32 = 0.01;
const PI: f32 = std::f32::consts::PI;

/// The mean firing rate over the second half of `steps` Euler steps, for
/// `V` nodes at once.
fn mean_rate<const V: usize>(p: NodeLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let (dt, pi) = (F32::<V>::splat(DT), F32::<V>::splat(PI));
    let c = p.delta / pi;
    let step = |r: F32<V>, v: F32<V>| {
        let pr = r * pi;
        let dr = (r + r).mul_add(v, c);
        let dv = pr.mul_neg_add(pr, p.j.mul_add(r, v.mul_add(v, p.eta)));
        (dr.mul_add(dt, r), dv.mul_add(dt, v))
    };
    let (mut r, mut v) = (F32::<V>::splat(0.1), F32::<V>::splat(-2.0));
    let steps = *p.steps;
    for _ in 0..steps - steps / 2 {
        (r, v) = step(r, v);
    }
    let mut acc = F32::<V>::splat(0.0);
    for _ in 0..steps / 2 {
        (r, v) = step(r, v);
        acc += r;
    }
    acc / F32::<V>::splat((steps / 2).max(1) as f32)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n = args.next().map(|a| a.parse::<usize>()).transpose()?.unwrap_or(65_536);
    let steps = args.next().map(|a| a.parse::<usize>()).transpose()?.unwrap_or(1_000);
    let lanes = args.next().unwrap_or_else(|| "auto".to_owned());

    let space = NodeSpace::new(NodeColumns {
        eta: (0..n).map(|i| -6.0 + 4.0 * i as f32 / n as f32).collect(),
        j: vec![15.0; n],
        delta: vec![1.0; n],
        steps,
    })?;

    let info = dataspace::simd_info();
    println!("{info}");

    let executor = Executor::parallel();
    let (rates, median) = match lanes.as_str() {
        // The executor times V = 8, 16, 32 and 64 on a prefix of the run
        // and runs the rest at the fastest: the same results as any fixed V.
        "auto" => timed(|| executor.run_auto(&space, widths!(mean_rate)))?,
        "8" => timed(|| executor.run(&space, mean_rate::<8>))?,
        "16" => timed(|| executor.run(&space, mean_rate::<16>))?,
        "32" => timed(|| executor.run(&space, mean_rate::<32>))?,
        "64" => timed(|| executor.run(&space, mean_rate::<64>))?,
        other => return Err(format!("V = {other}: choose auto, 8, 16, 32 or 64").into()),
    };
    if lanes == "auto" {
        let (_, tuning) = executor.run_auto_tuned(&space, widths!(mean_rate))?;
        println!("auto: V = {} ({:?} ns per point)", tuning.lanes, tuning.trials);
    }
    let checksum: f64 = rates.iter().map(|&r| f64::from(r)).sum();
    println!(
        "{n} points x {steps} steps, V = {lanes}, {} threads: median {:.2} ms of 5, checksum {checksum:.6}",
        executor.thread_count(),
        median * 1e3
    );
    Ok(())
}

/// Runs the sweep five times: the results and the median time in seconds.
fn timed(
    mut sweep: impl FnMut() -> Result<Vec<f32>, dataspace::ExecError>,
) -> Result<(Vec<f32>, f64), dataspace::ExecError> {
    let mut times = Vec::new();
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = std::time::Instant::now();
        rates = sweep()?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((rates, times[2]))
}

//! W1, W3 and W4 as a user writes them (no `#[inline]`, closures for the
//! right-hand sides, `integrate::*` and `Philox` from the crate), timed at
//! one lane count or at the width the executor picks.
//!
//! ```sh
//! downstream WORKLOAD V RUNS DATA_DIR   # WORKLOAD: w1 | w3 | w4; V: 8, 16, 32, 64 or auto
//! ```
//! Prints one line: the workload, V, the median of RUNS timed runs (after
//! one untimed) in ms, and a checksum of the results.

use dataspace::integrate::{euler, euler_maruyama};
use dataspace::prelude::*;
use std::path::Path;

/// W1 and W4's node (W4 also draws noise).
#[derive(DataSpace, Clone, Debug)]
pub struct Node {
    pub eta: f32,
    pub j: f32,
    pub delta: f32,
    #[space(fixed)]
    pub steps: usize,
}

#[derive(DataSpace, Clone, Debug)]
pub struct NoisyNode {
    pub eta: f32,
    pub j: f32,
    pub sigma: f32,
    #[space(fixed)]
    pub steps: usize,
    #[space(fixed)]
    pub seed: u64,
}

#[derive(DataSpace, Clone, Debug)]
pub struct JansenRit {
    pub a_psp: f32,
    pub b_psp: f32,
    pub mu: f32,
    #[space(fixed)]
    pub steps: usize,
}

const PI: f32 = std::f32::consts::PI;

/// W1: Montbrió–Pazó–Roxin, Euler, mean r over the last half of the steps.
pub fn w1<const V: usize>(p: NodeLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let c = F32::<V>::splat;
    let (dt, pi) = (c(0.01), c(PI));
    let delta_pi = p.delta / pi;
    let rhs = |[r, v]: [F32<V>; 2]| {
        let pr = r * pi;
        [(r + r).mul_add(v, delta_pi), pr.mul_neg_add(pr, p.j.mul_add(r, v.mul_add(v, p.eta)))]
    };
    let mut y = [c(0.1), c(-2.0)];
    let mut acc = c(0.0);
    let steps = *p.steps;
    for step in 0..steps {
        y = euler(y, dt, rhs);
        if step >= steps - steps / 2 {
            acc += y[0];
        }
    }
    acc / c((steps / 2).max(1) as f32)
}

/// W4: W1 with noise on r and v (Euler–Maruyama), r clamped at 0.
pub fn w4<const V: usize>(p: NoisyNodeLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let c = F32::<V>::splat;
    let (pi, one_over_pi, zero, dt) = (c(PI), c(1.0 / PI), c(0.0), c(0.01));
    let rhs = |[r, v]: [F32<V>; 2]| {
        let pr = r * pi;
        [(r + r).mul_add(v, one_over_pi), pr.mul_neg_add(pr, p.j.mul_add(r, v.mul_add(v, p.eta)))]
    };
    let noise = Philox::new(*p.seed);
    let g = p.sigma * c(0.1);
    let steps = *p.steps;
    let mut y = [c(0.1), c(-2.0)];
    let mut acc = c(0.0);
    for pair in 0..steps.div_ceil(2) {
        let [xr0, xv0, xr1, xv1] = noise.normal::<V>(p.index(), 0, pair as u32);
        for (step, xi) in [(2 * pair, [xr0, xv0]), (2 * pair + 1, [xr1, xv1])] {
            if step == steps {
                break;
            }
            y = euler_maruyama(y, dt, [g, g], xi, rhs);
            y[0] = y[0].max(zero);
            if step >= steps - steps / 2 {
                acc += y[0];
            }
        }
    }
    acc / c((steps / 2).max(1) as f32)
}

/// W3: Jansen–Rit, Euler, mean of y1 - y2 over the last half.
pub fn w3<const V: usize>(p: JansenRitLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let c = F32::<V>::splat;
    let (rate_a, rate_b, v0, nu_max, r, j) = (0.1f32, 0.05f32, 5.52f32, 0.0025f32, 0.56f32, 135.0f32);
    let (ta, aa, tb, bb) = (c(2.0 * rate_a), c(rate_a * rate_a), c(2.0 * rate_b), c(rate_b * rate_b));
    let (r_, minus_r_v0, r_a1j, r_a3j) = (c(r), c(-(r * v0)), c(r * j), c(r * 0.25 * j));
    let a_a = p.a_psp * c(rate_a);
    let gain1 = a_a * c(2.0 * nu_max);
    let (gain2, drive) = (a_a * c(0.8 * j * 2.0 * nu_max), a_a * p.mu);
    let gain3 = p.b_psp * c(rate_b * 0.25 * j * 2.0 * nu_max);
    let rhs = |[y0, y1, y2, y3, y4, y5]: [F32<V>; 6]| {
        let s1 = (y1 - y2).mul_add(r_, minus_r_v0).logistic_times(gain1);
        let s2 = y0.mul_add(r_a1j, minus_r_v0).logistic_times(gain2);
        let s3 = y0.mul_add(r_a3j, minus_r_v0).logistic_times(gain3);
        [
            y3,
            y4,
            y5,
            y0.mul_neg_add(aa, y3.mul_neg_add(ta, s1)),
            y1.mul_neg_add(aa, y4.mul_neg_add(ta, s2 + drive)),
            y2.mul_neg_add(bb, y5.mul_neg_add(tb, s3)),
        ]
    };
    let dt = c(0.1);
    let mut y = [0.0, 5.0, 5.0, 0.0, 0.0, 0.0].map(c);
    let mut acc = c(0.0);
    let steps = *p.steps;
    for step in 0..steps {
        y = euler(y, dt, &rhs);
        if step >= steps - steps / 2 {
            acc += y[1] - y[2];
        }
    }
    acc / c((steps / 2).max(1) as f32)
}

fn columns(data: &Path, name: &str, n: usize) -> [Vec<f32>; 3] {
    let bytes = std::fs::read(data.join(name)).expect("the committed inputs");
    let values: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
    assert_eq!(values.len(), 3 * n, "{name}");
    [0, 1, 2].map(|k| values[k * n..(k + 1) * n].to_vec())
}

fn median_ms<R>(runs: usize, mut run: impl FnMut() -> R) -> (f64, R) {
    let mut out = run();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            out = run();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], out)
}

macro_rules! at_width {
    ($lanes:expr, $runs:expr, $exec:expr, $space:expr, $kernel:ident) => {
        match $lanes.as_str() {
            "8" => median_ms($runs, || $exec.run(&$space, $kernel::<8>).unwrap()),
            "16" => median_ms($runs, || $exec.run(&$space, $kernel::<16>).unwrap()),
            "32" => median_ms($runs, || $exec.run(&$space, $kernel::<32>).unwrap()),
            "64" => median_ms($runs, || $exec.run(&$space, $kernel::<64>).unwrap()),
            "split64" => median_ms($runs, || {
                let head = $space.slice(0..720).unwrap();
                let rest = $space.slice(720..$space.len()).unwrap();
                let mut out = $exec.run(&head, $kernel::<64>).unwrap();
                out.extend($exec.run(&rest, $kernel::<64>).unwrap());
                out
            }),
            "auto64" => median_ms($runs, || $exec.run_auto(&$space, widths!($kernel; 64)).unwrap()),
            "auto" => {
                let mut chosen = Vec::new();
                let timed = median_ms($runs, || {
                    let (out, tuning) = $exec.run_auto_tuned(&$space, widths!($kernel)).unwrap();
                    chosen.push(tuning.lanes);
                    out
                });
                eprintln!("auto chose V = {chosen:?}");
                timed
            }
            other => panic!("V = {other}: 8, 16, 32, 64 or auto"),
        }
    };
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, workload, lanes, runs, data] = &args[..] else {
        panic!("usage: downstream w1|w3|w4 V RUNS DATA_DIR")
    };
    let runs: usize = runs.parse().unwrap();
    let data = Path::new(data);
    let exec = Executor::parallel();
    let (ms, out): (f64, Vec<f32>) = match workload.as_str() {
        "w1" => {
            let [eta, j, delta] = columns(data, "w1_params.f32", 65_536);
            let space = NodeSpace::new(NodeColumns { eta, j, delta, steps: 1000 }).unwrap();
            at_width!(lanes, runs, exec, space, w1)
        }
        "w3" => {
            let [a_psp, b_psp, mu] = columns(data, "w3_params.f32", 65_536);
            let space = JansenRitSpace::new(JansenRitColumns { a_psp, b_psp, mu, steps: 2000 }).unwrap();
            at_width!(lanes, runs, exec, space, w3)
        }
        "w4" => {
            let [eta, j, sigma] = columns(data, "w4_params.f32", 65_536);
            let space =
                NoisyNodeSpace::new(NoisyNodeColumns { eta, j, sigma, steps: 1000, seed: 20_240_604 }).unwrap();
            at_width!(lanes, runs, exec, space, w4)
        }
        other => panic!("workload {other}: w1, w3 or w4"),
    };
    let checksum: f64 = out.iter().map(|&x| f64::from(x)).sum();
    println!("{workload} V={lanes} median {ms:.3} ms of {runs} checksum {checksum:.6}");
}

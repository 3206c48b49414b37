//! The Montbrió–Pazó–Roxin mean-field model, the default model of tvboptim's
//! and TVB's sweeps, as the two benchmark workloads of this crate:
//!
//! ```text
//! dr/dt = Delta/pi + 2 r v
//! dv/dt = v^2 + eta + J r - (pi r)^2  (+ G * sum_j W_ij r_j in a network)
//! ```
//!
//! forward Euler, dt = 0.01, f32, start r = 0.1, v = -2. Each workload has a
//! SIMD kernel generic over the lane count `V` (written once against the
//! public API) and a scalar kernel for `Executor::map`, the reference.
//!
//! The operation order is the one of the peer implementations in
//! `../shared/peers` (`pr = pi r; dr = 2r v + Delta/pi; dv = ((v v + eta) + J r) - pr pr`),
//! fused with `mul_add` in the SIMD kernels, so results agree to round-off.
//!
//! One file for every target: integration tests reach it as `common::mpr`
//! (`tests/common/mod.rs`), examples and benches with
//! `#[path = "../tests/common/mpr.rs"] mod mpr;`.
#![allow(dead_code)] // each example, test and bench uses part of this module

use dataspace::prelude::*;
use nalgebra::DMatrix;

pub const PI: f32 = core::f32::consts::PI;
/// Euler step.
pub const DT: f32 = 0.01;
/// Initial state.
pub const R0: f32 = 0.1;
pub const V0: f32 = -2.0;
/// W1: points and steps.
pub const W1_POINTS: usize = 65_536;
pub const W1_STEPS: usize = 1_000;
/// W2: points, steps and nodes.
pub const W2_POINTS: usize = 512;
pub const W2_STEPS: usize = 500;
pub const NODES: usize = 68;
/// W2's fixed parameters.
pub const W2_J: f32 = 15.0;
pub const W2_DELTA: f32 = 1.0;

/// W1: one uncoupled node per point.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Mpr {
    pub eta: f32,
    pub j: f32,
    pub delta: f32,
    /// Number of Euler steps; the output averages r over the last half.
    #[space(fixed)]
    pub steps: usize,
}

/// W2: a network of `NODES` nodes per point, coupled by a fixed matrix.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct MprNetwork {
    /// Global coupling strength.
    pub g: f32,
    pub eta: f32,
    /// Row-normalised connectivity, zero diagonal; shared by every point.
    #[space(fixed)]
    pub weights: DMatrix<f32>,
    #[space(fixed)]
    pub steps: usize,
}

/// One Euler step of one node, lane-wise.
#[inline(always)]
fn step<const V: usize>(
    r: F32<V>,
    v: F32<V>,
    eta: F32<V>,
    j: F32<V>,
    c: F32<V>,
    coupling: Option<(F32<V>, F32<V>)>,
) -> (F32<V>, F32<V>)
where
    f32: Float<V>,
{
    let pr = r * F32::<V>::splat(PI);
    let dr = (r + r).mul_add(v, c);
    let dv = j.mul_add(r, v.mul_add(v, eta));
    let dv = pr.mul_neg_add(pr, dv);
    let dv = match coupling {
        Some((g, coup)) => g.mul_add(coup, dv),
        None => dv,
    };
    let dt = F32::<V>::splat(DT);
    (dr.mul_add(dt, r), dv.mul_add(dt, v))
}

/// W1 on `V` points: mean r over the last `steps / 2` steps. Choose `V = 64`
/// (four AVX-512 registers in lockstep) for speed, `V = 8` for one register.
#[inline(always)]
pub fn w1_kernel<const V: usize>(lanes: MprLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let steps = *lanes.steps;
    let c = lanes.delta / F32::<V>::splat(PI);
    let (mut r, mut v) = (F32::<V>::splat(R0), F32::<V>::splat(V0));
    for _ in 0..steps - steps / 2 {
        (r, v) = step(r, v, lanes.eta, lanes.j, c, None);
    }
    let mut acc = F32::<V>::splat(0.0);
    for _ in 0..steps / 2 {
        (r, v) = step(r, v, lanes.eta, lanes.j, c, None);
        acc += r;
    }
    acc / F32::<V>::splat((steps / 2) as f32)
}

/// W1 on one point, in plain f32 arithmetic (no fused operations).
pub fn w1_scalar(point: Mpr) -> f32 {
    let c = point.delta / PI;
    let (mut r, mut v) = (R0, V0);
    let step = |r: f32, v: f32| {
        let pr = PI * r;
        let dr = (2.0 * r) * v + c;
        let dv = ((v * v + point.eta) + point.j * r) - pr * pr;
        (r + DT * dr, v + DT * dv)
    };
    for _ in 0..point.steps - point.steps / 2 {
        (r, v) = step(r, v);
    }
    let mut acc = 0.0f32;
    for _ in 0..point.steps / 2 {
        (r, v) = step(r, v);
        acc += r;
    }
    acc / (point.steps / 2) as f32
}

/// Rows of W summed per block of the coupling loop: 4 rows x (V / 16)
/// registers of independent accumulators.
const ROW_BLOCK: usize = 4;

/// W2 on `V` points: mean r over nodes and the last `steps / 2` steps.
/// `V = 64` (four AVX-512 registers per pack: the coupling loop, 4 rows of W
/// at a time, keeps 16 independent accumulators) and `V = 32` (8
/// accumulators, but the state of 68 nodes fits in L1) measure within run-to-run
/// noise of each other on the reference machine (BENCHMARKS.md); the examples
/// use 64.
#[inline(always)]
pub fn w2_kernel<const V: usize>(lanes: MprNetworkLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let w = lanes.weights;
    assert_eq!(
        w.shape(),
        (NODES, NODES),
        "W2 is a network of {NODES} nodes"
    );
    // Column-major: W[(i, j)] is at j * NODES + i, so rows i..i+4 of column j are adjacent.
    let w = w.as_slice();
    let steps = *lanes.steps;
    let zero = F32::<V>::splat(0.0);
    let (j, c) = (F32::<V>::splat(W2_J), F32::<V>::splat(W2_DELTA / PI));
    let mut r = [F32::<V>::splat(R0); NODES];
    let mut v = [F32::<V>::splat(V0); NODES];
    let mut acc = [zero; NODES];
    let mut coup = [zero; NODES];
    for t in 0..steps {
        for i0 in (0..NODES).step_by(ROW_BLOCK) {
            let mut s = [zero; ROW_BLOCK];
            for (jn, &r_j) in r.iter().enumerate() {
                let column = &w[jn * NODES + i0..jn * NODES + i0 + ROW_BLOCK];
                for q in 0..ROW_BLOCK {
                    s[q] = F32::<V>::splat(column[q]).mul_add(r_j, s[q]);
                }
            }
            coup[i0..i0 + ROW_BLOCK].copy_from_slice(&s);
        }
        for i in 0..NODES {
            (r[i], v[i]) = step(r[i], v[i], lanes.eta, j, c, Some((lanes.g, coup[i])));
        }
        if t >= steps - steps / 2 {
            for i in 0..NODES {
                acc[i] += r[i];
            }
        }
    }
    let mut total = zero;
    for a in acc {
        total += a;
    }
    total / F32::<V>::splat(NODES as f32) / F32::<V>::splat((steps / 2) as f32)
}

/// W2 on one point, in plain f32 arithmetic; each row's coupling a
/// sequential sum.
pub fn w2_scalar(point: MprNetwork) -> f32 {
    let w = &point.weights;
    let c = W2_DELTA / PI;
    let mut r = [R0; NODES];
    let mut v = [V0; NODES];
    let mut acc = [0.0f32; NODES];
    let mut coup = [0.0f32; NODES];
    for t in 0..point.steps {
        for (i, coup_i) in coup.iter_mut().enumerate() {
            *coup_i = (0..NODES).map(|jn| w[(i, jn)] * r[jn]).sum();
        }
        for i in 0..NODES {
            let pr = PI * r[i];
            let dr = (2.0 * r[i]) * v[i] + c;
            let dv = ((v[i] * v[i] + point.eta) + W2_J * r[i]) - pr * pr + point.g * coup[i];
            (r[i], v[i]) = (r[i] + DT * dr, v[i] + DT * dv);
        }
        if t >= point.steps - point.steps / 2 {
            for i in 0..NODES {
                acc[i] += r[i];
            }
        }
    }
    acc.iter().sum::<f32>() / NODES as f32 / (point.steps / 2) as f32
}

/// A small counter-based generator (SplitMix64): point `i`'s values depend
/// only on (seed, i), not on how many points are drawn or in what order.
pub fn uniform(seed: u64, i: u64, lo: f32, hi: f32) -> f32 {
    let mut z = seed.wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    lo + (hi - lo) * ((z >> 40) as f32 / (1u64 << 24) as f32)
}

/// W1's space of `n` seeded points.
pub fn w1_space(n: usize, seed: u64, steps: usize) -> MprSpace {
    let column = |k: u64, lo, hi| {
        (0..n as u64)
            .map(|i| uniform(seed ^ k, i, lo, hi))
            .collect()
    };
    MprSpace::new(MprColumns {
        eta: column(1, -6.0, -3.0),
        j: column(2, 10.0, 20.0),
        delta: column(3, 0.5, 2.0),
        steps,
    })
    .expect("columns of equal length")
}

/// A seeded connectivity: uniform weights, zero diagonal, rows summing to 1.
pub fn w2_weights(seed: u64) -> DMatrix<f32> {
    let mut w = DMatrix::from_fn(NODES, NODES, |i, j| {
        if i == j {
            0.0
        } else {
            uniform(seed, (i * NODES + j) as u64, 0.0, 1.0)
        }
    });
    for mut row in w.row_iter_mut() {
        let sum: f32 = row.iter().sum();
        row /= sum;
    }
    w
}

/// W2's space of `n` seeded points.
pub fn w2_space(n: usize, seed: u64, steps: usize) -> MprNetworkSpace {
    let column = |k: u64, lo, hi| {
        (0..n as u64)
            .map(|i| uniform(seed ^ k, i, lo, hi))
            .collect()
    };
    MprNetworkSpace::new(MprNetworkColumns {
        g: column(4, 0.0, 1.0),
        eta: column(5, -6.0, -3.0),
        weights: w2_weights(seed ^ 6),
        steps,
    })
    .expect("columns of equal length")
}

/// W1's three free parameters without the fixed step count: the collect
/// benchmark's space (three f32 columns and nothing else).
#[derive(DataSpace, Clone, Debug)]
pub struct Sweep {
    pub eta: f32,
    pub j: f32,
    pub delta: f32,
}

/// `n` seeded points of [`Sweep`], W1's ranges.
pub fn sweep_space(n: usize, seed: u64) -> SweepSpace {
    let column = |k: u64, lo, hi| {
        (0..n as u64)
            .map(|i| uniform(seed ^ k, i, lo, hi))
            .collect()
    };
    SweepSpace::new(SweepColumns {
        eta: column(1, -6.0, -3.0),
        j: column(2, 10.0, 20.0),
        delta: column(3, 0.5, 2.0),
    })
    .expect("columns of equal length")
}

/// The points of `space` at `indices`, as a space of their own (for checking
/// a sample against the scalar kernel).
pub fn w1_sample(space: &MprSpace, indices: &[usize]) -> MprSpace {
    let points: Vec<Mpr> = indices.iter().filter_map(|&i| space.get(i)).collect();
    MprSpace::new(MprColumns {
        eta: points.iter().map(|p| p.eta).collect(),
        j: points.iter().map(|p| p.j).collect(),
        delta: points.iter().map(|p| p.delta).collect(),
        steps: *space.columns().steps,
    })
    .expect("columns of equal length")
}

/// The points of `space` at `indices`, as a space of their own.
pub fn w2_sample(space: &MprNetworkSpace, indices: &[usize]) -> MprNetworkSpace {
    let points: Vec<MprNetwork> = indices.iter().filter_map(|&i| space.get(i)).collect();
    let columns = space.columns();
    MprNetworkSpace::new(MprNetworkColumns {
        g: points.iter().map(|p| p.g).collect(),
        eta: points.iter().map(|p| p.eta).collect(),
        weights: columns.weights.clone(),
        steps: *columns.steps,
    })
    .expect("columns of equal length")
}

/// Largest relative difference between two result vectors (denominator at least 1e-6).
pub fn max_rel_diff(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (x as f64 - y as f64).abs() / (y as f64).abs().max(1e-6))
        .fold(0.0, f64::max)
}

/// Median of the wall time of `runs` calls of `f`, after one uncounted call.
pub fn median_seconds<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            out = f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], out)
}

/// The peers' shared inputs, committed in `tests/data` (copied from
/// `../shared/peers/data`; see `tests/data/README.md`): raw little-endian f32
/// from numpy's PCG64, seed 20240601. W1: the eta, J and Delta columns of
/// `W1_POINTS` values each.
pub const W1_PARAMS: &str = "w1_params.f32";
/// W2: the G and eta columns of `W2_POINTS` values each.
pub const W2_PARAMS: &str = "w2_params.f32";
/// W2's connectivity W, `NODES` x `NODES`, row-major.
pub const W2_W: &str = "w2_W.f32";

/// A file of the repository's `tests/data`. The packages that include this
/// fixture sit at the workspace root (the tests) or one level below it
/// (`examples/`, `benches/`).
pub fn data_path(name: &str) -> std::path::PathBuf {
    let package = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = match package.join("tests/data").is_dir() {
        true => package,
        false => package.parent().unwrap_or(package),
    };
    root.join("tests/data").join(name)
}

pub fn read_f32(path: &std::path::Path) -> std::io::Result<Vec<f32>> {
    let bytes = std::fs::read(path)?;
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// One of the committed inputs, `len` values; panics if it is missing or of
/// another length (it is part of the repository).
pub fn committed_input(name: &str, len: usize) -> Vec<f32> {
    let path = data_path(name);
    let values = read_f32(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        values.len(),
        len,
        "{}: {len} f32 values expected",
        path.display()
    );
    values
}

/// A committed input of `K` columns of `n` values each, one after the other.
pub fn committed_columns<const K: usize>(name: &str, n: usize) -> [Vec<f32>; K] {
    let values = committed_input(name, K * n);
    let mut columns = values.chunks_exact(n).map(<[f32]>::to_vec);
    core::array::from_fn(|_| columns.next().expect("K columns"))
}

/// W1 on the peers' inputs: `W1_POINTS` points, `W1_STEPS` steps.
pub fn w1_inputs() -> MprSpace {
    let [eta, j, delta] = committed_columns(W1_PARAMS, W1_POINTS);
    MprSpace::new(MprColumns {
        eta,
        j,
        delta,
        steps: W1_STEPS,
    })
    .expect("three columns of n values")
}

/// W2 on the peers' inputs: `W2_POINTS` points and their W, `W2_STEPS` steps.
pub fn w2_inputs() -> MprNetworkSpace {
    let [g, eta] = committed_columns(W2_PARAMS, W2_POINTS);
    let w = committed_input(W2_W, NODES * NODES);
    MprNetworkSpace::new(MprNetworkColumns {
        g,
        eta,
        weights: DMatrix::from_row_slice(NODES, NODES, &w),
        steps: W2_STEPS,
    })
    .expect("two columns of n values")
}

/// A description of the inputs of [`w1_inputs`] and [`w2_inputs`], for output.
pub const INPUTS: &str = "the peers' inputs (tests/data)";

/// W4: points, steps and the noise seed.
pub const W4_POINTS: usize = 65_536;
pub const W4_STEPS: usize = 1_000;
pub const W4_SEED: u64 = 20_240_604;
/// sqrt(DT), rounded to f32 as the references do.
pub const SQRT_DT: f32 = 0.1;

/// W4: W1 with additive noise on r and v (Delta = 1), Euler–Maruyama, r
/// clamped at 0 after each step.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct MprNoise {
    pub eta: f32,
    pub j: f32,
    /// Noise amplitude, the same on r and v.
    pub sigma: f32,
    #[space(fixed)]
    pub steps: usize,
    /// The seed of the point's noise (`Philox`).
    #[space(fixed)]
    pub seed: u64,
}

/// W4 on `V` points: mean r (after clamping) over the last `steps / 2`
/// steps. The noise of point i for steps 2s and 2s + 1 is
/// `Philox::new(seed).normal(i, 0, s)`: (xi_r, xi_v) of step 2s, then of
/// step 2s + 1, the layout of the peers' Rust W4 and its NumPy replay.
#[inline(always)]
pub fn w4_kernel<const V: usize>(p: MprNoiseLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    use dataspace::integrate::euler_maruyama;
    let c = F32::<V>::splat;
    let (pi, one_over_pi, zero) = (c(PI), c(1.0 / PI), c(0.0));
    let rhs = |[r, v]: [F32<V>; 2]| {
        let pr = r * pi;
        let dv = p.j.mul_add(r, v.mul_add(v, p.eta));
        [(r + r).mul_add(v, one_over_pi), pr.mul_neg_add(pr, dv)]
    };
    let noise = Philox::new(*p.seed);
    let g = p.sigma * c(SQRT_DT);
    let (steps, dt) = (*p.steps, c(DT));
    let mut y = [c(R0), c(V0)];
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
    acc / c((steps / 2) as f32)
}

/// W4 on the peers' inputs (`tests/data/w4_params.f32`: the eta, J and sigma
/// columns).
pub fn w4_inputs(steps: usize) -> MprNoiseSpace {
    let [eta, j, sigma] = committed_columns("w4_params.f32", W4_POINTS);
    MprNoiseSpace::new(MprNoiseColumns {
        eta,
        j,
        sigma,
        steps,
        seed: W4_SEED,
    })
    .expect("three columns of n values")
}

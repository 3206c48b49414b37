//! W3 (Jansen–Rit, exp-bound) and W4 (MPR with noise, noise-bound) through
//! the executor, against the peers' hand-written kernels (the ceiling they
//! reached: `w34_handwritten.rs`), on the peers' inputs.
//!
//! ```text
//! cargo bench --bench w34
//! ```
//!
//! Throughput is in point-steps. Both sides are checked to agree before
//! anything is timed.

#[path = "../tests/common/jansen_rit.rs"]
mod jansen_rit;
#[path = "../tests/common/mpr.rs"]
mod mpr;
mod w34_handwritten;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataspace::ExecError;
use dataspace::prelude::*;
use std::hint::black_box;
use std::time::Duration;

fn settings<'c>(
    c: &'c mut Criterion,
    name: &str,
    point_steps: usize,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Elements(point_steps as u64))
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    group
}

/// A run of the crate on a space at one lane count.
type Run<S> = fn(&S, &Executor) -> Result<Vec<f32>, ExecError>;

/// One group: each of the crate's `runs` on `space` (`steps` steps a
/// point), then the hand-written baseline, in the same group.
fn compare<S: Space>(
    c: &mut Criterion,
    name: &str,
    steps: usize,
    space: &S,
    runs: &[(&str, Run<S>)],
    handwritten: impl Fn() -> Vec<f32>,
) {
    let executor = Executor::parallel();
    let mut group = settings(c, name, space.len() * steps);
    for &(lanes, run) in runs {
        group.bench_function(BenchmarkId::new("dataspace", lanes), |b| {
            b.iter(|| run(black_box(space), &executor).unwrap())
        });
    }
    group.bench_function("handwritten_peers_f32x16x4", |b| b.iter(&handwritten));
    group.finish();
}

fn w3(c: &mut Criterion) {
    use jansen_rit::*;
    let space = w3_inputs(W3_STEPS);
    let columns = space.columns();
    let executor = Executor::parallel();
    let ours = executor.run(&space, w3_kernel::<64>).unwrap();
    let theirs = w34_handwritten::w3_run(columns.a_psp, columns.b_psp, columns.mu);
    let worst = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 2e-3, "W3: the kernels disagree by {worst} mV");

    let runs: [(&str, Run<JansenRitSpace>); 5] = [
        ("auto", |s, e| e.run_auto(s, widths!(w3_kernel))),
        ("V=64", |s, e| e.run(s, w3_kernel::<64>)),
        ("V=32", |s, e| e.run(s, w3_kernel::<32>)),
        ("V=16", |s, e| e.run(s, w3_kernel::<16>)),
        ("literal_V=16", |s, e| e.run(s, w3_kernel_literal::<16>)),
    ];
    compare(c, "w3_jansen_rit", W3_STEPS, &space, &runs, || {
        w34_handwritten::w3_run(black_box(columns.a_psp), columns.b_psp, columns.mu)
    });
}

fn w4(c: &mut Criterion) {
    use mpr::*;
    let space = w4_inputs(W4_STEPS);
    let columns = space.columns();
    let executor = Executor::parallel();
    let ours = executor.run(&space, w4_kernel::<64>).unwrap();
    let theirs = w34_handwritten::w4_run(columns.eta, columns.j, columns.sigma);
    // The same Philox stream: pathwise agreement (transcendentals differ).
    let off = ours
        .iter()
        .zip(&theirs)
        .filter(|(a, b)| (*a - *b).abs() > 1e-3)
        .count();
    assert!(off <= 3, "W4: {off} points differ by more than 1e-3");

    let runs: [(&str, Run<MprNoiseSpace>); 4] = [
        ("auto", |s, e| e.run_auto(s, widths!(w4_kernel))),
        ("V=64", |s, e| e.run(s, w4_kernel::<64>)),
        ("V=32", |s, e| e.run(s, w4_kernel::<32>)),
        ("V=16", |s, e| e.run(s, w4_kernel::<16>)),
    ];
    compare(c, "w4_mpr_noise", W4_STEPS, &space, &runs, || {
        w34_handwritten::w4_run(black_box(columns.eta), columns.j, columns.sigma)
    });
}

/// The generator alone, on one thread: 2^20 points x 4 draws per call,
/// summed so that nothing is optimised away.
fn philox(c: &mut Criterion) {
    const POINTS: usize = 1 << 20;
    let noise = Philox::new(20240604);
    let mut group = c.benchmark_group("philox_one_thread");
    group
        .throughput(Throughput::Elements(4 * POINTS as u64))
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    fn sum<const V: usize>(packs: [F32<V>; 4], acc: &mut F32<V>)
    where
        f32: Float<V>,
    {
        for p in packs {
            *acc += p;
        }
    }
    group.bench_function("words_u32x16", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for first in (0..POINTS).step_by(16) {
                for word in noise.words_lanes::<16>(black_box(first), 0, 7) {
                    acc = word.iter().fold(acc, |a, &w| a ^ w);
                }
            }
            acc
        })
    });
    group.bench_function("uniform_f32_V=16", |b| {
        b.iter(|| {
            let mut acc = F32::<16>::splat(0.0);
            for first in (0..POINTS).step_by(16) {
                sum::<16>(noise.uniform::<16>(black_box(first), 0, 7), &mut acc);
            }
            acc
        })
    });
    group.bench_function("normal_f32_V=16", |b| {
        b.iter(|| {
            let mut acc = F32::<16>::splat(0.0);
            for first in (0..POINTS).step_by(16) {
                sum::<16>(noise.normal::<16>(black_box(first), 0, 7), &mut acc);
            }
            acc
        })
    });
    group.finish();
}

criterion_group!(workloads, w3, w4, philox);
criterion_main!(workloads);

//! The two MPR sweeps through the executor, against a hand-written
//! register-blocked `wide` + rayon loop over the raw columns (the ceiling),
//! scalar + rayon, and scalar on one thread.
//!
//! ```text
//! cargo bench --bench mpr
//! ```
//!
//! Inputs are the peers' (committed in `tests/data`, copied from
//! `../shared/peers/data`). Throughput is in point-steps.

#[path = "../tests/common/mpr.rs"]
mod mpr;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use dataspace::prelude::*;
use mpr::*;
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Duration;
use wide::f32x16;

type P = f32x16;
const L: usize = 16;

/// Packs a column into f32x16, NaN in the tail lanes, to a multiple of `multiple` packs.
fn pack_column(column: &[f32], multiple: usize) -> Vec<P> {
    let packs = column.len().div_ceil(L).div_ceil(multiple) * multiple;
    (0..packs)
        .map(|p| {
            P::new(core::array::from_fn(|l| {
                column.get(p * L + l).copied().unwrap_or(f32::NAN)
            }))
        })
        .collect()
}

fn unpack(packs: &[P], n: usize) -> Vec<f32> {
    packs.iter().flat_map(|p| p.to_array()).take(n).collect()
}

#[inline(always)]
fn step(r: P, v: P, eta: P, j: P, c: P) -> (P, P) {
    let pr = r * P::splat(PI);
    let dr = (r + r).mul_add(v, c);
    let dv = j.mul_add(r, v.mul_add(v, eta));
    let dv = pr.mul_neg_add(pr, dv);
    (dr.mul_add(P::splat(DT), r), dv.mul_add(P::splat(DT), v))
}

/// W1 by hand: 4 packs of 16 advanced together per rayon task (register blocking).
fn w1_handwritten(eta: &[f32], j: &[f32], delta: &[f32]) -> Vec<f32> {
    const K: usize = 4;
    let (pe, pj, pd) = (
        pack_column(eta, K),
        pack_column(j, K),
        pack_column(delta, K),
    );
    let mut out = vec![P::splat(0.0); pe.len()];
    out.par_chunks_mut(K).enumerate().for_each(|(b, out)| {
        let (e, jj) = (&pe[b * K..b * K + K], &pj[b * K..b * K + K]);
        let c: [P; K] = core::array::from_fn(|k| pd[b * K + k] / P::splat(PI));
        let (mut r, mut v) = ([P::splat(R0); K], [P::splat(V0); K]);
        for _ in 0..W1_STEPS - W1_STEPS / 2 {
            for k in 0..K {
                (r[k], v[k]) = step(r[k], v[k], e[k], jj[k], c[k]);
            }
        }
        let mut acc = [P::splat(0.0); K];
        for _ in 0..W1_STEPS / 2 {
            for k in 0..K {
                (r[k], v[k]) = step(r[k], v[k], e[k], jj[k], c[k]);
                acc[k] += r[k];
            }
        }
        for k in 0..K {
            out[k] = acc[k] / P::splat((W1_STEPS / 2) as f32);
        }
    });
    unpack(&out, eta.len())
}

/// W2 by hand: 2 packs of 16 per task, 4 rows of W at a time (8 accumulators).
fn w2_handwritten(g: &[f32], eta: &[f32], w_row_major: &[f32]) -> Vec<f32> {
    const K: usize = 2;
    const RB: usize = 4;
    let (pg, pe) = (pack_column(g, K), pack_column(eta, K));
    let mut out = vec![P::splat(0.0); pg.len()];
    out.par_chunks_mut(K).enumerate().for_each(|(b, out)| {
        let (gg, ee) = (&pg[b * K..b * K + K], &pe[b * K..b * K + K]);
        let (j, c) = (P::splat(W2_J), P::splat(W2_DELTA / PI));
        let mut r = [[P::splat(R0); K]; NODES];
        let mut v = [[P::splat(V0); K]; NODES];
        let mut acc = [[P::splat(0.0); K]; NODES];
        let mut coup = [[P::splat(0.0); K]; NODES];
        for t in 0..W2_STEPS {
            for i0 in (0..NODES).step_by(RB) {
                let mut s = [[P::splat(0.0); K]; RB];
                for jn in 0..NODES {
                    for q in 0..RB {
                        let wq = P::splat(w_row_major[(i0 + q) * NODES + jn]);
                        for k in 0..K {
                            s[q][k] = wq.mul_add(r[jn][k], s[q][k]);
                        }
                    }
                }
                coup[i0..i0 + RB].copy_from_slice(&s);
            }
            for i in 0..NODES {
                for k in 0..K {
                    let (ri, vi) = (r[i][k], v[i][k]);
                    let pr = ri * P::splat(PI);
                    let dr = (ri + ri).mul_add(vi, c);
                    let dv = j.mul_add(ri, vi.mul_add(vi, ee[k]));
                    let dv = gg[k].mul_add(coup[i][k], pr.mul_neg_add(pr, dv));
                    r[i][k] = dr.mul_add(P::splat(DT), ri);
                    v[i][k] = dv.mul_add(P::splat(DT), vi);
                }
            }
            if t >= W2_STEPS - W2_STEPS / 2 {
                for i in 0..NODES {
                    for k in 0..K {
                        acc[i][k] += r[i][k];
                    }
                }
            }
        }
        for k in 0..K {
            let mut total = P::splat(0.0);
            for a in &acc {
                total += a[k];
            }
            out[k] = total / P::splat(NODES as f32) / P::splat((W2_STEPS / 2) as f32);
        }
    });
    unpack(&out, g.len())
}

/// Sample settings for runs of milliseconds (the SIMD rows).
fn fast_settings(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

/// Sample settings for runs of a few hundred milliseconds (the scalar rows).
fn slow_settings(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
}

fn w1(c: &mut Criterion) {
    let space = w1_inputs();
    let columns = space.columns();
    let executor = Executor::parallel();
    let reference = executor
        .run::<64, _, _, _>(&space, w1_kernel::<64>)
        .unwrap();
    let handwritten = w1_handwritten(columns.eta, columns.j, columns.delta);
    assert!(max_rel_diff(&reference, &handwritten) < 1e-4);

    let mut group = c.benchmark_group("w1_mpr_single");
    group.throughput(Throughput::Elements((space.len() * W1_STEPS) as u64));
    fast_settings(&mut group);
    group.bench_function(BenchmarkId::new("dataspace", "V=64"), |b| {
        b.iter(|| {
            executor
                .run::<64, _, _, _>(black_box(&space), w1_kernel::<64>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "V=32"), |b| {
        b.iter(|| {
            executor
                .run::<32, _, _, _>(black_box(&space), w1_kernel::<32>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "V=16"), |b| {
        b.iter(|| {
            executor
                .run::<16, _, _, _>(black_box(&space), w1_kernel::<16>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "V=8"), |b| {
        b.iter(|| {
            executor
                .run::<8, _, _, _>(black_box(&space), w1_kernel::<8>)
                .unwrap()
        })
    });
    // The width chosen by the executor (a trial on a prefix of the run).
    assert_eq!(
        executor.run_auto(&space, widths!(w1_kernel)).unwrap(),
        reference
    );
    group.bench_function(BenchmarkId::new("dataspace", "auto"), |b| {
        b.iter(|| {
            executor
                .run_auto(black_box(&space), widths!(w1_kernel))
                .unwrap()
        })
    });
    // The same points as a lazy design (zip of value axes): packs built per point.
    let design = MprDesign::zip(MprAxes {
        eta: dataspace::Axis::values(columns.eta.to_vec()),
        j: dataspace::Axis::values(columns.j.to_vec()),
        delta: dataspace::Axis::values(columns.delta.to_vec()),
        steps: W1_STEPS,
    })
    .expect("equal lengths");
    assert_eq!(
        executor
            .run::<64, _, _, _>(&design, w1_kernel::<64>)
            .unwrap(),
        reference
    );
    group.bench_function(BenchmarkId::new("dataspace_design", "V=64"), |b| {
        b.iter(|| {
            executor
                .run::<64, _, _, _>(black_box(&design), w1_kernel::<64>)
                .unwrap()
        })
    });
    group.bench_function("handwritten_blocked_f32x16", |b| {
        b.iter(|| {
            w1_handwritten(
                black_box(columns.eta),
                black_box(columns.j),
                black_box(columns.delta),
            )
        })
    });
    slow_settings(&mut group);
    group.bench_function("scalar_rayon", |b| {
        b.iter(|| {
            (0..space.len())
                .into_par_iter()
                .map(|i| w1_scalar(space.get(i).unwrap()))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("scalar_one_thread", |b| {
        b.iter(|| space.iter().map(w1_scalar).collect::<Vec<_>>())
    });
    group.finish();
}

fn w2(c: &mut Criterion) {
    let space = w2_inputs();
    let columns = space.columns();
    let w_row_major: Vec<f32> = columns.weights.transpose().as_slice().to_vec();
    let executor = Executor::parallel();
    let reference = executor
        .run::<32, _, _, _>(&space, w2_kernel::<32>)
        .unwrap();
    let handwritten = w2_handwritten(columns.g, columns.eta, &w_row_major);
    assert!(max_rel_diff(&reference, &handwritten) < 1e-4);

    let mut group = c.benchmark_group("w2_mpr_network");
    group.throughput(Throughput::Elements((space.len() * W2_STEPS) as u64));
    fast_settings(&mut group);
    group.bench_function(BenchmarkId::new("dataspace", "V=32"), |b| {
        b.iter(|| {
            executor
                .run::<32, _, _, _>(black_box(&space), w2_kernel::<32>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "V=64"), |b| {
        b.iter(|| {
            executor
                .run::<64, _, _, _>(black_box(&space), w2_kernel::<64>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "V=16"), |b| {
        b.iter(|| {
            executor
                .run::<16, _, _, _>(black_box(&space), w2_kernel::<16>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "V=8"), |b| {
        b.iter(|| {
            executor
                .run::<8, _, _, _>(black_box(&space), w2_kernel::<8>)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("dataspace", "auto"), |b| {
        b.iter(|| {
            executor
                .run_auto(black_box(&space), widths!(w2_kernel))
                .unwrap()
        })
    });
    group.bench_function("handwritten_blocked_f32x16", |b| {
        b.iter(|| {
            w2_handwritten(
                black_box(columns.g),
                black_box(columns.eta),
                black_box(&w_row_major),
            )
        })
    });
    slow_settings(&mut group);
    group.bench_function("scalar_rayon", |b| {
        b.iter(|| {
            (0..space.len())
                .into_par_iter()
                .map(|i| w2_scalar(space.get(i).unwrap()))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("scalar_one_thread", |b| {
        b.iter(|| space.iter().map(w2_scalar).collect::<Vec<_>>())
    });
    group.finish();
}

criterion_group!(sweeps, w1, w2);
criterion_main!(sweeps);

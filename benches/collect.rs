//! `collect::<V>()` plus one pass over every pack, against the same pass over
//! the raw columns with hand-written `wide` loads, and against a memcpy of
//! the columns (the memory-bandwidth floor).
//!
//! ```text
//! cargo bench --bench collect
//! ```

#[path = "../tests/common/mpr.rs"]
mod mpr;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataspace::prelude::*;
use mpr::{SweepSpace, sweep_space};
use std::hint::black_box;
use std::ops::Add;
use std::time::Duration;

type P<const V: usize> = <f32 as Packable<V>>::Pack;

/// Sum of every real lane of every field, through the public API: full packs
/// are added as packs, the tail pack's real lanes one by one.
///
/// Both passes are `inline(never)`: inlined into criterion's timing loop their
/// code (and so the comparison) changes with the surroundings.
#[inline(never)]
fn sum_collected<const V: usize>(space: &SweepSpace) -> f32
where
    f32: Packable<V>,
    P<V>: Add<Output = P<V>>,
{
    let mut acc = P::<V>::splat(0.0);
    let mut tail = 0.0f32;
    for lanes in &space.collect::<V>() {
        if lanes.valid() == V {
            acc = acc + lanes.eta + lanes.j + lanes.delta;
        } else {
            let (eta, j, delta) = (
                lanes.eta.to_array(),
                lanes.j.to_array(),
                lanes.delta.to_array(),
            );
            for k in 0..lanes.valid() {
                tail += eta[k] + j[k] + delta[k];
            }
        }
    }
    acc.to_array().iter().sum::<f32>() + tail
}

/// The same sum written by hand over the raw `Vec<f32>` columns.
#[inline(never)]
fn sum_raw<const V: usize>(eta: &[f32], j: &[f32], delta: &[f32]) -> f32
where
    f32: Packable<V>,
    P<V>: Add<Output = P<V>>,
{
    let n = eta.len();
    let full = n / V * V;
    let load =
        |column: &[f32], start: usize| P::<V>::load(column[start..start + V].try_into().unwrap());
    let mut acc = P::<V>::splat(0.0);
    for start in (0..full).step_by(V) {
        acc = acc + load(eta, start) + load(j, start) + load(delta, start);
    }
    let mut tail = 0.0f32;
    for i in full..n {
        tail += eta[i] + j[i] + delta[i];
    }
    acc.to_array().iter().sum::<f32>() + tail
}

fn bench_lanes<const V: usize>(c: &mut Criterion)
where
    f32: Packable<V>,
    P<V>: Add<Output = P<V>>,
{
    let mut group = c.benchmark_group(format!("collect_sum_f32x{V}"));
    for n in [1_000usize, 100_000, 10_000_000] {
        let space = sweep_space(n, 0x2545_f491_4f6c_dd1d);
        let columns = space.columns();
        assert_eq!(
            sum_collected::<V>(&space).to_bits(),
            sum_raw::<V>(columns.eta, columns.j, columns.delta).to_bits(),
            "both passes add the same values in the same order"
        );
        if n >= 10_000_000 {
            group
                .sample_size(20)
                .measurement_time(Duration::from_secs(4));
        }
        group.throughput(Throughput::Bytes((3 * n * size_of::<f32>()) as u64));
        group.bench_with_input(BenchmarkId::new("dataspace", n), &space, |b, space| {
            b.iter(|| sum_collected::<V>(black_box(space)))
        });
        group.bench_with_input(BenchmarkId::new("raw_wide", n), &columns, |b, columns| {
            b.iter(|| {
                sum_raw::<V>(
                    black_box(columns.eta),
                    black_box(columns.j),
                    black_box(columns.delta),
                )
            })
        });
        if V == 8 {
            // Independent of V: measured once, in the f32x8 group.
            let mut copies = [vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]];
            group.bench_function(BenchmarkId::new("memcpy", n), |b| {
                b.iter(|| {
                    copies[0].copy_from_slice(black_box(columns.eta));
                    copies[1].copy_from_slice(black_box(columns.j));
                    copies[2].copy_from_slice(black_box(columns.delta));
                    black_box(&mut copies);
                })
            });
        }
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_lanes::<4>(c);
    bench_lanes::<8>(c);
    bench_lanes::<16>(c);
}

criterion_group!(collect, benches);
criterion_main!(collect);

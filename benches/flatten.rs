//! A flattened field costs nothing: the pass of the collect bench (the sum
//! of every real lane of three `f32` columns) over a struct of three plain
//! fields and over the same columns with two of them in a
//! `#[space(flatten)]` struct, whose packs are loaded from a space of its
//! own inside the outer one.
//!
//! ```text
//! cargo bench --bench flatten
//! ```

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataspace::prelude::*;
use std::hint::black_box;
use std::ops::Add;
use std::time::Duration;

type P<const V: usize> = <f32 as Packable<V>>::Pack;

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Plain {
    eta: f32,
    j: f32,
    delta: f32,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Inner {
    j: f32,
    delta: f32,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Nested {
    eta: f32,
    #[space(flatten)]
    inner: Inner,
}

fn column(n: usize, seed: u32) -> Vec<f32> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) ^ seed) as f32 * 1e-9)
        .collect()
}

/// Sum of every real lane of every field of the plain struct.
#[inline(never)]
fn sum_plain<const V: usize>(space: &PlainSpace) -> f32
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

/// The same sum, two of the columns read through the flattened field.
#[inline(never)]
fn sum_nested<const V: usize>(space: &NestedSpace) -> f32
where
    f32: Packable<V>,
    P<V>: Add<Output = P<V>>,
{
    let mut acc = P::<V>::splat(0.0);
    let mut tail = 0.0f32;
    for lanes in &space.collect::<V>() {
        if lanes.valid() == V {
            acc = acc + lanes.eta + lanes.inner.j + lanes.inner.delta;
        } else {
            let (eta, j, delta) = (
                lanes.eta.to_array(),
                lanes.inner.j.to_array(),
                lanes.inner.delta.to_array(),
            );
            for k in 0..lanes.valid() {
                tail += eta[k] + j[k] + delta[k];
            }
        }
    }
    acc.to_array().iter().sum::<f32>() + tail
}

fn bench_lanes<const V: usize>(c: &mut Criterion)
where
    f32: Packable<V>,
    P<V>: Add<Output = P<V>>,
{
    let mut group = c.benchmark_group(format!("flatten_sum_f32x{V}"));
    for n in [1_000usize, 100_000, 4_000_000] {
        let (eta, j, delta) = (column(n, 1), column(n, 2), column(n, 3));
        let plain = PlainSpace::new(PlainColumns {
            eta: eta.clone(),
            j: j.clone(),
            delta: delta.clone(),
        })
        .unwrap();
        let nested = NestedSpace::new(NestedColumns {
            eta,
            inner: InnerColumns { j, delta },
        })
        .unwrap();
        assert_eq!(
            sum_plain::<V>(&plain).to_bits(),
            sum_nested::<V>(&nested).to_bits()
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("plain", n), &plain, |b, s| {
            b.iter(|| black_box(sum_plain::<V>(black_box(s))))
        });
        group.bench_with_input(BenchmarkId::new("flattened", n), &nested, |b, s| {
            b.iter(|| black_box(sum_nested::<V>(black_box(s))))
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_lanes::<8>(c);
    bench_lanes::<16>(c);
    bench_lanes::<64>(c);
}

criterion_group! {
    name = flatten;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(flatten);

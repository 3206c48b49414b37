//! What a distribution axis costs a random design: the values of 65,536
//! points of a one-field Latin hypercube design (`design.iter()`), per
//! distribution, against the same design with a uniform axis (the draw and
//! an affine map: the baseline) in the same group.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataspace::prelude::*;
use dataspace::{Axis, Sampler};
use std::hint::black_box;
use std::time::Duration;

#[derive(DataSpace, Clone, Debug)]
struct One {
    x: f64,
}

fn distribution_axes(c: &mut Criterion) {
    const POINTS: usize = 65_536;
    let mut group = c.benchmark_group("distribution_axes");
    group
        .throughput(Throughput::Elements(POINTS as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let axes: [(&str, Axis<f64>); 8] = [
        ("uniform (baseline)", Axis::uniform(0.0, 1.0)),
        ("normal", Axis::normal(0.0, 1.0)),
        ("lognormal", Axis::lognormal(0.0, 1.0)),
        (
            "truncated_normal",
            Axis::truncated_normal(0.2, 0.5, 0.0, f64::INFINITY),
        ),
        ("beta(2,5)", Axis::beta(2.0, 5.0, 0.0, 1.0)),
        ("gamma(0.3)", Axis::gamma(0.3, 1.0)),
        ("gamma(2)", Axis::gamma(2.0, 1.0)),
        ("gamma(50)", Axis::gamma(50.0, 1.0)),
    ];
    for (name, x) in axes {
        let design = OneDesign::random(POINTS, Sampler::LatinHypercube, 7, OneAxes { x }).unwrap();
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(&design).iter().map(|p| p.x).sum::<f64>())
        });
    }
    group.finish();
}

criterion_group!(benches, distribution_axes);
criterion_main!(benches);

//! What progress reporting costs: W1 (65,536 points x 1,000 steps, V = 64)
//! with reporting off, with a callback per block, and with `progress_bar()`
//! (the indicatif bar on a terminal; otherwise log lines, which for runs this
//! short is the last line of each run: send stderr elsewhere).
//!
//! ```text
//! cargo bench --bench progress 2>/dev/null
//! ```

#[path = "../tests/common/mpr.rs"]
mod mpr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dataspace::prelude::*;
use mpr::*;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn progress(c: &mut Criterion) {
    let space = w1_space(W1_POINTS, 20240601, W1_STEPS);
    let reports = Arc::new(AtomicUsize::new(0));
    let counter = reports.clone();
    let executors = [
        ("off", Executor::parallel()),
        (
            "callback",
            Executor::parallel().on_progress(move |_, _| {
                counter.fetch_add(1, Ordering::Relaxed);
            }),
        ),
        ("bar", Executor::parallel().progress_bar()),
    ];
    let mut group = c.benchmark_group("progress_overhead");
    group.throughput(Throughput::Elements((space.len() * W1_STEPS) as u64));
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (name, executor) in &executors {
        group.bench_function(*name, |b| {
            b.iter(|| {
                executor
                    .run::<64, _, _, _>(black_box(&space), w1_kernel::<64>)
                    .unwrap()
            })
        });
    }
    group.finish();
    assert!(
        reports.load(Ordering::Relaxed) > 0,
        "the callback was called"
    );
}

criterion_group!(benches, progress);
criterion_main!(benches);

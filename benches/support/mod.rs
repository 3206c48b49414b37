//! Set-up shared by the benchmarks: inputs are built here, outside the timed closures.

use dataspace::prelude::*;

/// Three free parameters, as in the single-node MPR sweep.
#[derive(DataSpace, Clone, Debug)]
pub struct Sweep {
    pub eta: f32,
    pub j: f32,
    pub delta: f32,
}

/// `n` points with deterministic, distinct values (a cheap LCG, no `rand` needed).
pub fn sweep_columns(n: usize) -> SweepColumns {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |lo: f32, hi: f32| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        lo + (hi - lo) * ((state >> 40) as f32 / (1u64 << 24) as f32)
    };
    let mut columns = SweepColumns {
        eta: Vec::with_capacity(n),
        j: Vec::with_capacity(n),
        delta: Vec::with_capacity(n),
    };
    for _ in 0..n {
        columns.eta.push(next(-6.0, -3.0));
        columns.j.push(next(10.0, 20.0));
        columns.delta.push(next(0.5, 2.0));
    }
    columns
}

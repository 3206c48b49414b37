//! W1 over MPI ranks: each rank runs its shard of the points with its own
//! rayon pool, rank 0 gathers the results in point order.
//!
//! ```text
//! cargo build --release --features mpi --example mpr_sweep_mpi
//! mpirun -np 2 target/release/examples/mpr_sweep_mpi
//! ```
//!
//! Options (used by the tests): `--points N --steps T` (N seeded points of T
//! steps; the default is W1 on the peers' inputs in `tests/data`), `--expect-ranks R`
//! (fail unless the job has R ranks: a binary launched by another MPI's
//! `mpirun` runs as R one-rank jobs), `--threads-by-rank` (rank r runs r + 1
//! threads), `--out FILE` (rank 0 writes the
//! results as raw little-endian f32), `--csv FILE` (stream inputs and results
//! to a CSV file through rank 0), `--parquet DIR` (feature `parquet`: each
//! rank streams its own part files of the Parquet dataset `DIR`, resuming
//! it, or with `--fresh` replacing it; `--part-rows K` points per part),
//! `--panic-at I` (the kernel panics on the
//! pack holding point I), `--runs K` (time K runs), `--gather-bench N` (time
//! the gather of N results alone), `--errors PREFIX` (each rank writes its
//! error to `PREFIX.rank-<r>`).

#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::CsvSink;
use dataspace::mpi::{MpiExecutor, mpi};
use dataspace::prelude::*;
use mpi::traits::*;
use mpr::*;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Reports a failed run on this rank (stderr, and `--errors PREFIX.rank-<r>`
/// when asked: the ranks' stderr lines may interleave) and exits with 2.
fn fail(rank: usize, error: &dataspace::ExecError) -> ! {
    let line = format!("rank {rank}: {error}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    if let Some(prefix) = arg("--errors") {
        let _ = std::fs::write(format!("{prefix}.rank-{rank}"), line);
    }
    std::process::exit(2);
}

fn main() {
    let universe = mpi::initialize().expect("MPI initialises once");
    let world = universe.world();
    // `--threads-by-rank`: rank r runs r + 1 threads (so ranks default to
    // different block counts, as on mixed nodes).
    let local = match std::env::args().any(|a| a == "--threads-by-rank") {
        true => Executor::parallel()
            .threads(world.rank() as usize + 1)
            .expect("a pool of rank + 1 threads"),
        false => Executor::parallel(),
    };
    let executor = MpiExecutor::new(world, local);
    let (rank, size) = (executor.rank(), executor.size());
    if let Some(expected) = arg("--expect-ranks").and_then(|r| r.parse::<usize>().ok())
        && size != expected
    {
        eprintln!(
            "rank {rank}: the job has {size} ranks, expected {expected} (another MPI's mpirun?)"
        );
        std::process::exit(3);
    }
    if let Some(n) = arg("--gather-bench").and_then(|n| n.parse::<usize>().ok()) {
        // Times the gather alone: each rank sends its shard of n f32 results.
        let shard = dataspace::shard::shard_range(n, 64, rank, size).unwrap_or(0..0);
        let local = vec![1.0f32; shard.len()];
        let mut times = Vec::new();
        for _ in 0..9 {
            executor.world().barrier();
            let start = std::time::Instant::now();
            let all = executor
                .gather(n, 64, &local)
                .unwrap_or_else(|e| fail(rank, &e));
            executor.world().barrier();
            times.push(start.elapsed().as_secs_f64());
            assert!(all.is_none_or(|all| all.len() == n));
        }
        times.sort_by(f64::total_cmp);
        if rank == 0 {
            println!(
                "gather of {n} f32 results over {size} ranks: median {:.2} ms of 9",
                times[4] * 1e3
            );
        }
        return;
    }
    let steps = arg("--steps")
        .and_then(|s| s.parse().ok())
        .unwrap_or(W1_STEPS);
    let space = match arg("--points").and_then(|n| n.parse().ok()) {
        Some(n) => w1_space(n, 7, steps),
        None => w1_inputs(),
    };
    // `--steps` applies to seeded points only: W1's inputs keep W1_STEPS.
    let steps = *space.columns().steps;
    let panic_at: Option<usize> = arg("--panic-at").and_then(|p| p.parse().ok());
    let kernel = |lanes: MprLanes<'_, 64>| {
        if let Some(p) = panic_at {
            // Point p's eta, unique among seeded draws.
            let target = space.get(p).map(|q| q.eta);
            assert!(
                !lanes.eta.to_array().iter().any(|&e| Some(e) == target),
                "kernel failed on purpose"
            );
        }
        w1_kernel::<64>(lanes)
    };

    #[cfg(feature = "parquet")]
    if let Some(dir) = arg("--parquet") {
        let fresh = std::env::args().any(|a| a == "--fresh");
        let sink = match fresh {
            true => dataspace::ParquetSink::create(&dir, "mean_r"),
            false => dataspace::ParquetSink::open(&dir, "mean_r"),
        };
        let mut sink = sink
            .expect("the dataset folder opens")
            .metadata("seed", "7")
            .metadata("steps", &steps.to_string());
        if let Some(rows) = arg("--part-rows").and_then(|k| k.parse().ok()) {
            sink = sink.part_rows(rows);
        }
        if let Err(error) = executor.run_into_parts(&space, kernel, &mut sink) {
            fail(rank, &error);
        }
        return;
    }

    if let Some(csv) = arg("--csv") {
        let mut sink =
            (rank == 0).then(|| CsvSink::open(&csv, "mean_r").expect("the CSV file opens"));
        match executor.run_into(&space, kernel, sink.as_mut()) {
            Ok(()) => {}
            Err(error) => fail(rank, &error),
        }
        return;
    }

    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut times = Vec::new();
    let mut results = None;
    for _ in 0..runs {
        executor.world().barrier();
        let start = std::time::Instant::now();
        match executor.run(&space, kernel) {
            Ok(out) => results = out,
            Err(error) => fail(rank, &error),
        }
        times.push(start.elapsed().as_secs_f64());
    }
    if let Some(results) = results {
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "W1 over {size} ranks x {} threads: {} points x {steps} steps, median {:.2} ms of {runs}, {:.3e} point-steps/s",
            executor_threads(),
            space.len(),
            median * 1e3,
            (space.len() * steps) as f64 / median
        );
        if let Some(out) = arg("--out") {
            let bytes: Vec<u8> = results.iter().flat_map(|x| x.to_le_bytes()).collect();
            std::fs::write(out, bytes).expect("the output file is writable");
        }
    }
}

fn executor_threads() -> usize {
    Executor::parallel().thread_count()
}

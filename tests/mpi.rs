//! The MPI executor, launched with `mpirun` (feature `mpi`): gathered results
//! equal a single-process run bit for bit, failures end every rank, the file
//! sink writes the same bytes. Needs OpenMPI's `mpirun` on PATH.
#![cfg(feature = "mpi")]

mod common;

use common::mpr::*;
use dataspace::io::{Column, write_csv};
use dataspace::prelude::*;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The example binary, built into the same target directory by
/// `cargo build --features mpi --example mpr_sweep_mpi` (it lives in the
/// `dataspace-examples` package, which `cargo test --test mpi` does not build).
fn program() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let program = dir.join("examples").join("mpr_sweep_mpi");
    assert!(
        program.exists(),
        "{} is missing: run `cargo build --features mpi --example mpr_sweep_mpi` first",
        program.display()
    );
    program
}

/// `mpirun -np ranks program args`, as root, on loopback and shared memory,
/// oversubscribed if need be; killed after 60 s (a hang is a failure).
///
/// One job at a time, each with a session directory of its own: OpenMPI's
/// `mpirun`s started together race to create the same one under /tmp
/// ("mkdir ... File exists", orte_init failed).
fn mpirun(ranks: usize, args: &[&str]) -> Output {
    static ONE_JOB: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _job = ONE_JOB
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let session = temp(&format!("session-{ranks}-{}", args.join("_").len()));
    std::fs::create_dir_all(&session).unwrap();
    let mut child = Command::new("mpirun")
        .env("OMPI_MCA_orte_tmpdir_base", &session)
        .args(["-np", &ranks.to_string()])
        .arg(program())
        .args(["--expect-ranks", &ranks.to_string()])
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_btl", "self,vader")
        .env("OMPI_MCA_oob_tcp_if_include", "lo")
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mpirun is on PATH (apt-get install openmpi-bin libopenmpi-dev)");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("mpirun -np {ranks} {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let _ = std::fs::remove_dir_all(&session);
    output
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("dataspace-mpi-{}-{name}", std::process::id()))
}

fn read(path: &std::path::Path) -> Vec<u32> {
    read_f32(path)
        .unwrap()
        .into_iter()
        .map(f32::to_bits)
        .collect()
}

#[test]
fn gathered_results_equal_a_single_process_run_bit_for_bit() {
    let steps = 200;
    for (ranks, n) in [(2, 65_536), (2, 1001), (3, 1001), (3, 1), (2, 0), (3, 200)] {
        let out = temp(&format!("r{ranks}-n{n}.f32"));
        let run = mpirun(
            ranks,
            &[
                "--points",
                &n.to_string(),
                "--steps",
                &steps.to_string(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(
            run.status.success(),
            "{ranks} ranks, N = {n}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let single = Executor::parallel()
            .run::<64, _, _, _>(&w1_space(n, 7, steps), w1_kernel::<64>)
            .unwrap();
        let single: Vec<u32> = single.iter().map(|x| x.to_bits()).collect();
        assert_eq!(read(&out), single, "{ranks} ranks, N = {n}");
        std::fs::remove_file(&out).unwrap();
    }
}

#[test]
fn a_panic_on_one_rank_ends_the_job_on_every_rank() {
    let prefix = temp("errors");
    let run = mpirun(
        2,
        &[
            "--points",
            "5000",
            "--steps",
            "50",
            "--panic-at",
            "4000",
            "--errors",
            prefix.to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    // Both ranks end with the same failure: rank 1 holds point 4000, in the pack from 3968.
    for rank in 0..2 {
        let path = format!("{}.rank-{rank}", prefix.display());
        let error = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("rank {rank} wrote no error: {e}"));
        assert!(
            error.starts_with(&format!(
                "rank {rank}: the kernel failed on rank 1 at point 3968: "
            )),
            "{error}"
        );
        std::fs::remove_file(&path).unwrap();
    }
    assert!(String::from_utf8_lossy(&run.stderr).contains("kernel failed on purpose"));
}

/// `mpirun` streaming `n` seeded points of `steps` steps to the CSV `file`
/// (plus `extra` arguments), which must succeed.
fn stream_csv(ranks: usize, n: usize, steps: usize, file: &std::path::Path, extra: &[&str]) {
    let (n, steps) = (n.to_string(), steps.to_string());
    let mut args = vec![
        "--points",
        &n,
        "--steps",
        &steps,
        "--csv",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = mpirun(ranks, &args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The CSV a single-process `run_into` of the same points writes.
fn single_process_csv(n: usize, steps: usize) -> Vec<u8> {
    let space = w1_space(n, 7, steps);
    let results = Executor::parallel()
        .run::<64, _, _, _>(&space, w1_kernel::<64>)
        .unwrap();
    let mut expected = Vec::new();
    write_csv(&mut expected, &[&space, &Column::new("mean_r", &results)]).unwrap();
    expected
}

#[test]
fn the_csv_written_through_rank_0_equals_a_single_process_file() {
    let (n, steps) = (3000, 50);
    let file = temp("sweep.csv");
    let _ = std::fs::remove_file(&file);
    stream_csv(3, n, steps, &file, &[]);
    let expected = single_process_csv(n, steps);
    assert_eq!(std::fs::read(&file).unwrap(), expected);
    // Cut it and resume over 2 ranks: the same bytes.
    std::fs::write(&file, &expected[..expected.len() * 2 / 3]).unwrap();
    stream_csv(2, n, steps, &file, &[]);
    assert_eq!(std::fs::read(&file).unwrap(), expected);
    std::fs::remove_file(&file).unwrap();
}

/// Ranks with different thread counts (so different default block counts,
/// and so different window sizes of their own) still cut the run into the
/// same windows: rank 0's. 60,000 points are two windows for a one-thread
/// rank and one for the others; before the window was shared, the ranks'
/// collectives did not match.
#[test]
fn ranks_with_different_thread_counts_stream_the_same_windows() {
    let (n, steps) = (60_000, 20);
    let file = temp("threads-by-rank.csv");
    let _ = std::fs::remove_file(&file);
    stream_csv(3, n, steps, &file, &["--threads-by-rank"]);
    assert_eq!(std::fs::read(&file).unwrap(), single_process_csv(n, steps));
    std::fs::remove_file(&file).unwrap();
}

/// `mpirun` streaming `n` seeded points of `steps` steps into the Parquet
/// dataset `dir`, each rank its own parts of `part_rows` points.
#[cfg(feature = "parquet")]
fn stream_parquet(ranks: usize, n: usize, steps: usize, dir: &std::path::Path, part_rows: usize) {
    stream_parquet_with(ranks, n, steps, dir, part_rows, &[]);
}

#[cfg(feature = "parquet")]
fn stream_parquet_with(
    ranks: usize,
    n: usize,
    steps: usize,
    dir: &std::path::Path,
    part_rows: usize,
    extra: &[&str],
) {
    let (n, steps, rows) = (n.to_string(), steps.to_string(), part_rows.to_string());
    let mut args = vec![
        "--points",
        &n,
        "--steps",
        &steps,
        "--parquet",
        dir.to_str().unwrap(),
        "--part-rows",
        &rows,
    ];
    args.extend_from_slice(extra);
    let run = mpirun(ranks, &args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[cfg(feature = "parquet")]
fn parts(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Each rank writes its own parts (no gather): the dataset reads back as
/// the single-process results in point order, its files named by their
/// first point (cut at shard ends and at multiples of the part size), and
/// a resume after losing parts of two ranks gives the same bytes.
#[cfg(feature = "parquet")]
#[test]
fn each_rank_writes_its_own_parts_of_one_parquet_dataset() {
    use dataspace::io::read_parquet_column;
    for (ranks, n) in [(3, 3000), (2, 1001), (3, 1), (2, 0)] {
        let steps = 50;
        let dir = temp(&format!("parts-r{ranks}-n{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        stream_parquet(ranks, n, steps, &dir, 700);
        let space = w1_space(n, 7, steps);
        let single = Executor::parallel()
            .run::<64, _, _, _>(&space, w1_kernel::<64>)
            .unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let y: Vec<f32> = read_parquet_column(&dir, "mean_r").unwrap();
        assert_eq!(bits(&y), bits(&single), "{ranks} ranks, N = {n}");
        let eta: Vec<f32> = read_parquet_column(&dir, "eta").unwrap();
        assert_eq!(bits(&eta), bits(space.columns().eta));
        // Part names: every shard start and every multiple of 700 inside.
        let mut starts: Vec<usize> = (0..ranks)
            .filter_map(|r| dataspace::shard::shard_range(n, 64, r, ranks).ok())
            .filter(|s| !s.is_empty())
            .map(|s| s.start)
            .chain((0..n).step_by(700))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        if n == 0 {
            starts = vec![0];
        }
        let expected: Vec<String> = starts
            .iter()
            .map(|s| format!("part-{s:020}.parquet"))
            .collect();
        let written = parts(&dir);
        assert_eq!(
            written.keys().cloned().collect::<Vec<_>>(),
            expected,
            "{ranks} ranks, N = {n}"
        );
        if n == 3000 {
            // Lose the last part of rank 0's share and the last of the dataset.
            let rank1 = dataspace::shard::shard_range(n, 64, 1, ranks)
                .unwrap()
                .start;
            let before_rank1 = starts.iter().filter(|&&s| s < rank1).max().unwrap();
            std::fs::remove_file(dir.join(format!("part-{before_rank1:020}.parquet"))).unwrap();
            std::fs::remove_file(dir.join(expected.last().unwrap())).unwrap();
            stream_parquet(ranks, n, steps, &dir, 700);
            assert_eq!(parts(&dir), written, "resumed");
            // A smaller run into the same folder: resuming is refused (the
            // folder holds more points), a fresh run replaces every part.
            let smaller = mpirun(
                ranks,
                &[
                    "--points",
                    "1001",
                    "--steps",
                    "50",
                    "--parquet",
                    dir.to_str().unwrap(),
                    "--part-rows",
                    "700",
                ],
            );
            assert!(!smaller.status.success());
            assert_eq!(parts(&dir), written, "a refused resume changes nothing");
            stream_parquet_with(ranks, 1001, steps, &dir, 700, &["--fresh"]);
            let y: Vec<f32> = read_parquet_column(&dir, "mean_r").unwrap();
            let smaller = Executor::parallel()
                .run::<64, _, _, _>(&w1_space(1001, 7, steps), w1_kernel::<64>)
                .unwrap();
            assert_eq!(bits(&y), bits(&smaller), "a fresh smaller run");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A sink failing on one rank (a foreign file in the folder, seen by every
/// rank here) ends the run on every rank with an error, never a hang, and
/// the folder is left as it was.
#[cfg(feature = "parquet")]
#[test]
fn a_sink_failing_on_the_ranks_ends_the_run_on_every_rank() {
    let dir = temp("parts-foreign");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.parquet"), b"not ours").unwrap();
    let prefix = temp("parts-errors");
    let run = mpirun(
        2,
        &[
            "--points",
            "1000",
            "--steps",
            "10",
            "--parquet",
            dir.to_str().unwrap(),
            "--errors",
            prefix.to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    for rank in 0..2 {
        let path = format!("{}.rank-{rank}", prefix.display());
        let error = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("rank {rank} wrote no error: {e}"));
        assert!(error.starts_with(&format!("rank {rank}: ")), "{error}");
        std::fs::remove_file(&path).unwrap();
    }
    let names: Vec<String> = parts(&dir).into_keys().collect();
    assert_eq!(names, ["notes.parquet"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

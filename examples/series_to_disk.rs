//! Time series streamed to disk in bounded memory: N points x T samples of
//! a damped oscillator, recorded every step, written by `run_into` to one
//! 2-D `.npy` per variable; then the same number of bytes written raw to
//! one file, the disk's own speed, for the ratio.
//!
//! ```text
//! cargo run --release --example series_to_disk -- [points] [samples] [dir] [phases]
//! ```
//!
//! Defaults: 10^6 points x 1000 samples (4 GB of f32), in the system's
//! temporary folder, phases `discard,sink,raw`: the run with its results
//! discarded (the crate's own cost), the run into an `NpySink`, the raw
//! write. Prints the time, CPU time and throughput of each, with and
//! without waiting for the disk (`fsync`), and the process's peak resident
//! memory (`VmHWM`, Linux). The page cache makes a write slower after
//! another one filled it: `bench-results/series-to-disk.sh` runs one phase
//! per process, with the cache dropped before each.

use dataspace::io::{IoError, Table};
use dataspace::prelude::*;
use dataspace::{NpySink, Recorder, Sink};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

#[derive(DataSpace, Clone, Debug)]
struct Oscillator {
    /// Angular frequency (rad per unit time).
    omega: f32,
    /// Damping rate.
    gamma: f32,
}

/// Semi-implicit Euler steps of x'' = -omega² x - 2 gamma x', from x = 1:
/// one sample of x per step.
fn oscillate<const V: usize>(p: OscillatorLanes<'_, V>, samples: usize) -> Recorder<F32<V>>
where
    f32: Float<V>,
{
    let dt = F32::<V>::splat(1e-3);
    let (mut x, mut v) = (F32::<V>::splat(1.0), F32::<V>::splat(0.0));
    let (stiffness, friction) = (p.omega * p.omega, p.gamma + p.gamma);
    let mut recorder = Recorder::with_capacity(samples);
    for _ in 0..samples {
        v -= (stiffness * x + friction * v) * dt;
        x += v * dt;
        recorder.record([x]);
    }
    recorder
}

/// A sink that keeps nothing: what the run costs without a disk.
struct Discard(usize);

impl Sink<TimeSeries<f32>> for Discard {
    fn resume(&mut self, _: &[String], _: usize) -> Result<usize, IoError> {
        Ok(0)
    }
    fn write(&mut self, _: &dyn Table, outputs: &TimeSeries<f32>) -> Result<(), IoError> {
        self.0 += outputs.points();
        Ok(())
    }
}

/// The process's peak resident memory in MiB (Linux), or `None`.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time of the process so far (user + system, all threads), in seconds
/// (Linux, at 100 ticks a second), or NaN.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |k: usize| fields.get(k).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

fn sync_all(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        std::fs::File::open(entry?.path())?.sync_all()?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let points: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let samples: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let base = args
        .next()
        .map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let dir = base.join(format!("dataspace-series-{}", std::process::id()));
    let phases = args.next().unwrap_or_else(|| "discard,sink,raw".to_owned());
    let phase = |name: &str| phases.split(',').any(|p| p == name);

    let omega = (0..points)
        .map(|i| 1.0 + (i % 1000) as f32 * 0.05)
        .collect();
    let gamma = (0..points)
        .map(|i| 0.01 * (i / 1000 % 100) as f32)
        .collect();
    let space = OscillatorSpace::new(OscillatorColumns { omega, gamma })?;
    let bytes = (points * samples * 4) as f64;
    println!(
        "{points} points x {samples} samples: {:.2} GB of f32 into {}",
        bytes / 1e9,
        dir.display()
    );

    let kernel = |p: OscillatorLanes<'_, 16>| oscillate(p, samples);
    if phase("discard") {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let mut discard = Discard(0);
        Executor::parallel().run_into(&space, kernel, &mut discard)?;
        assert_eq!(discard.0, points);
        println!(
            "run_into, results discarded: {:.2} s, {:.2} s CPU",
            start.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
    }
    if phase("sink") {
        sink_phase(&space, &dir, kernel, bytes)?;
    }
    if phase("raw") {
        raw_phase(&dir, points * samples * 4)?;
    }
    Ok(())
}

/// The run into an `NpySink` in `dir`, timed, then removed.
fn sink_phase(
    space: &OscillatorSpace,
    dir: &Path,
    kernel: impl Fn(OscillatorLanes<'_, 16>) -> Recorder<F32<16>> + Sync,
    bytes: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let mut sink = NpySink::create(dir, &["x"])?;
    Executor::parallel().run_into(space, kernel, &mut sink)?;
    let written = start.elapsed().as_secs_f64();
    sync_all(dir)?;
    let synced = start.elapsed().as_secs_f64();
    let sink_cpu = cpu_seconds() - cpu;
    let rss = peak_rss_mib();
    println!(
        "run_into + NpySink: {written:.2} s ({:.2} GB/s) written, {synced:.2} s ({:.2} GB/s) on disk, {sink_cpu:.2} s CPU; peak RSS {}",
        bytes / written / 1e9,
        bytes / synced / 1e9,
        rss.map_or("unknown".to_owned(), |r| format!("{r:.1} MiB"))
    );
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

/// `len` bytes written raw to one file in `dir`, in the sink's 1 MiB
/// writes, timed, then removed.
fn raw_phase(dir: &Path, len: usize) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = len as f64;
    std::fs::create_dir_all(dir)?;
    let path = dir.join("raw.bin");
    let chunk = vec![0x3fu8; 1 << 20];
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let mut file = std::fs::File::create(&path)?;
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        file.write_all(&chunk[..n])?;
        left -= n;
    }
    let raw_written = start.elapsed().as_secs_f64();
    file.sync_all()?;
    let raw_synced = start.elapsed().as_secs_f64();
    let raw_cpu = cpu_seconds() - cpu;
    println!(
        "raw write of the same bytes: {raw_written:.2} s ({:.2} GB/s) written, {raw_synced:.2} s ({:.2} GB/s) on disk, {raw_cpu:.2} s CPU",
        bytes / raw_written / 1e9,
        bytes / raw_synced / 1e9
    );
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

//! A streaming run killed with SIGKILL and resumed gives the same file.
//!
//! The parent test spawns this test binary again, running only
//! [`child`], which streams a design to a CSV with `CsvSink::open` (resuming
//! whatever the file holds) and `Executor::run_into`. The parent kills it with
//! SIGKILL after a seeded pseudo-random delay, checks that the killed file is
//! a byte prefix of an uninterrupted run's file, restarts it, and so on; the
//! last child runs to the end and the file must then equal the uninterrupted
//! one byte for byte. `DATASPACE_KILL_RESUME_SEED=<u64>` replays a schedule.
//!
//! [`a_killed_series_run_resumes_to_the_same_files`] does the same for time
//! series streamed to `.npy` files by `NpySink`.
//!
//! The same file checks that resuming a multi-GB file takes constant memory
//! ([`resuming_a_multi_gb_file_takes_bounded_memory`], ignored: it writes
//! 3 GiB).

#![cfg(unix)]

use dataspace::prelude::*;
use dataspace::{Axis, CsvSink, Sink};
use std::fs::File;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Cube {
    a: f32,
    b: f32,
    c: f32,
}

/// Carries `<points per axis>:<file>` to [`child`].
const CHILD_ENV: &str = "DATASPACE_KILL_RESUME_CHILD";
/// Carries `<records>:<file>` to [`bounded_memory_child`].
const MEMORY_ENV: &str = "DATASPACE_KILL_RESUME_MEMORY";
/// Overrides the seed of the kill schedule.
const SEED_ENV: &str = "DATASPACE_KILL_RESUME_SEED";

/// Lanes per pack of the streamed runs.
const V: usize = 16;

/// `n^3` points in C order, values of different lengths in the CSV.
fn design(n: usize) -> CubeDesign {
    CubeDesign::product(CubeAxes {
        a: Axis::linspace(-1.0, 1.0, n),
        b: Axis::logspace(-1.0, 1.0, n),
        c: Axis::linspace(0.0, 10.0, n),
    })
    .unwrap()
}

/// Cheap, and different for every point.
fn kernel<const W: usize>(l: CubeLanes<W>) -> F32<W>
where
    f32: Float<W>,
{
    l.a.mul_add(l.b, l.c.sqrt())
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "dataspace-kill-resume-{}-{name}.csv",
        std::process::id()
    ))
}

/// Streams the design to the file named in [`CHILD_ENV`], resuming it.
#[test]
#[ignore = "run by kill_resume::a_killed_run_resumes_to_the_same_file and kill_resume::soak, as a child process"]
fn child() {
    let Some(spec) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let spec = spec.into_string().unwrap();
    let (n, path) = spec.split_once(':').unwrap();
    let design = design(n.parse().unwrap());
    let mut sink = CsvSink::open(path, "y").unwrap();
    Executor::parallel()
        .run_into::<V, _, _, _, _>(&design, kernel::<V>, &mut sink)
        .unwrap();
}

/// This test binary, running only the ignored test `name`.
fn spawn_self(name: &str, env: &str, value: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--ignored", "--nocapture", "-q"])
        .env(env, value)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn describe(output: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// SplitMix64: a seeded schedule with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The first byte where `found` and `expected` differ, with the lines
/// around it, or `None` if they are equal.
fn first_difference(found: &[u8], expected: &[u8]) -> Option<String> {
    let at = found
        .iter()
        .zip(expected)
        .position(|(f, e)| f != e)
        .or_else(|| (found.len() != expected.len()).then_some(found.len().min(expected.len())))?;
    let line_start = expected[..at.min(expected.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = expected[..line_start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let excerpt = |bytes: &[u8]| {
        let end = (at + 80).min(bytes.len());
        String::from_utf8_lossy(&bytes[line_start.min(end)..end]).into_owned()
    };
    Some(format!(
        "first difference at byte {at} (line {line}; found {} bytes, expected {}):\n  \
         found:    {:?}\n  expected: {:?}",
        found.len(),
        expected.len(),
        excerpt(found),
        excerpt(expected)
    ))
}

/// What happened to one child.
struct Kill {
    /// Milliseconds between the spawn and the kill.
    after_ms: u64,
    /// The file's size when the child was dead.
    size: u64,
    /// The child left the file ending inside a line (a write cut short).
    torn: bool,
    /// The size the parent then cut the file to, inside a line: a write cut
    /// short, as a kill inside `write` leaves it.
    cut: Option<u64>,
    /// The child had finished before the signal.
    finished: bool,
}

impl std::fmt::Debug for Kill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ms: {} B", self.after_ms, self.size)?;
        if self.torn {
            f.write_str(" (mid-line)")?;
        }
        if let Some(cut) = self.cut {
            write!(f, " cut to {cut} B")?;
        }
        if self.finished {
            f.write_str(" (finished first)")?;
        }
        Ok(())
    }
}

/// Streams an `n^3`-point design in a child killed `kills` times after
/// `sleep_ms` (drawn per kill), then finished; asserts the file equals an
/// uninterrupted run's, and that at least one kill left a partly written file.
fn kill_and_resume(tag: &str, n: usize, kills: usize, sleep_ms: std::ops::Range<u64>) {
    let seed = std::env::var(SEED_ENV)
        .ok()
        .map_or(0x5EED_0FC0_FFEE, |s| s.parse().unwrap());
    let mut rng = Rng(seed);
    let design = design(n);

    let reference_path = temp_path(&format!("{tag}-reference"));
    let started = Instant::now();
    let mut sink = CsvSink::create(&reference_path, "y").unwrap();
    Executor::parallel()
        .run_into::<V, _, _, _, _>(&design, kernel::<V>, &mut sink)
        .unwrap();
    drop(sink);
    let reference = std::fs::read(&reference_path).unwrap();
    std::fs::remove_file(&reference_path).unwrap();
    let reference_time = started.elapsed();
    let final_size = reference.len() as u64;

    let path = temp_path(tag);
    let _ = std::fs::remove_file(&path);
    let spec = format!("{n}:{}", path.display());
    let mut history = Vec::new();
    let context = |history: &[Kill]| {
        format!(
            "seed {seed} ({SEED_ENV}), {} points, {final_size} bytes, uninterrupted run {reference_time:?}, \
             file kept at {}; kills so far: {history:?}",
            design.len(),
            path.display()
        )
    };
    for _ in 0..kills {
        let after_ms = sleep_ms.start + rng.below(sleep_ms.end - sleep_ms.start);
        let before = std::fs::metadata(&path).map_or(0, |m| m.len());
        let mut child = spawn_self("kill_resume::child", CHILD_ENV, &spec);
        std::thread::sleep(Duration::from_millis(after_ms));
        child.kill().unwrap(); // SIGKILL; Ok if it has exited already
        let output = child.wait_with_output().unwrap();
        let finished = output.status.success();
        assert!(
            finished || output.status.signal() == Some(9),
            "the child failed before it was killed: {}\n{}",
            describe(&output),
            context(&history)
        );
        let written = std::fs::read(&path).unwrap_or_default();
        history.push(Kill {
            after_ms,
            size: written.len() as u64,
            torn: written.len() as u64 != before && written.last().is_some_and(|&b| b != b'\n'),
            cut: None,
            finished,
        });
        // Windows are written in order: whatever a killed run leaves is the
        // start of the finished file (a cut line included).
        assert!(
            reference.starts_with(&written),
            "the file of a killed run is not a prefix of the uninterrupted run's: {}\n{}",
            first_difference(&written, &reference[..written.len().min(reference.len())])
                .unwrap_or_else(|| "longer than the uninterrupted run's".into()),
            context(&history)
        );
        // Kills rarely land inside the one `write` of a window: every other
        // time, cut the file inside a line as such a kill would.
        if !finished && written.len() > 1 && rng.below(2) == 0 {
            let mut cut =
                written.len() as u64 - 1 - rng.below((written.len() as u64 - 1).min(4096));
            while cut > 1 && reference[cut as usize - 1] == b'\n' {
                cut -= 1;
            }
            File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(cut)
                .unwrap();
            history.last_mut().unwrap().cut = Some(cut);
        }
    }
    let output = spawn_self("kill_resume::child", CHILD_ENV, &spec)
        .wait_with_output()
        .unwrap();
    assert!(
        output.status.success(),
        "the last, uninterrupted child failed: {}\n{}",
        describe(&output),
        context(&history)
    );
    let resumed = std::fs::read(&path).unwrap();
    if let Some(difference) = first_difference(&resumed, &reference) {
        panic!(
            "the resumed file differs from an uninterrupted run's: {difference}\n{}",
            context(&history)
        );
    }
    let partial = history
        .iter()
        .filter(|k| k.size > 0 && k.size < final_size)
        .count();
    let torn = history.iter().filter(|k| k.torn).count();
    let cut = history.iter().filter(|k| k.cut.is_some()).count();
    println!(
        "kill_resume::{tag}: {} points, {final_size} bytes, uninterrupted {reference_time:?}, \
         {partial} of {kills} kills left a partial file ({torn} mid-line, {cut} more cut mid-line), \
         seed {seed}: {history:?}",
        design.len()
    );
    assert!(
        partial >= 1,
        "no kill landed while the file was partly written, the test proved nothing\n{}",
        context(&history)
    );
    std::fs::remove_file(&path).unwrap();
}

/// 128^3 = 2,097,152 points (about 85 MB of CSV), 5 kills 20-400 ms after
/// each start.
#[test]
fn a_killed_run_resumes_to_the_same_file() {
    kill_and_resume("short", 128, 5, 20..400);
}

/// The same with 40 kills of a 200^3 = 8,000,000-point design (about 325 MB
/// of CSV), 20-600 ms after each start: about a minute. Run with
/// `cargo test --test adversarial kill_resume::soak -- --ignored --nocapture`
/// (and `DATASPACE_KILL_RESUME_SEED=<u64>` for another schedule).
#[test]
#[ignore = "soak: 40 kills of an 8M-point run, about a minute; cargo test --test adversarial kill_resume::soak -- --ignored"]
fn soak() {
    kill_and_resume("soak", 200, 40, 20..600);
}

/// `VmRSS`, `VmHWM` (kB) of this process.
#[cfg(target_os = "linux")]
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Opens and resumes the file named in [`MEMORY_ENV`] and prints the time
/// and the memory it took, for [`resuming_a_multi_gb_file_takes_bounded_memory`].
#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by kill_resume::resuming_a_multi_gb_file_takes_bounded_memory, as a child process"]
fn bounded_memory_child() {
    let Some(spec) = std::env::var_os(MEMORY_ENV) else {
        return;
    };
    let spec = spec.into_string().unwrap();
    let (records, path) = spec.split_once(':').unwrap();
    let records: usize = records.parse().unwrap();
    let inputs = ["a", "b", "c"].map(String::from);
    // Reset the peak to the current resident size (Linux 4.0+); if refused,
    // the growth is measured from the current size, an upper bound.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (rss_before, hwm_before) = memory_kb();
    let started = Instant::now();
    let mut sink = CsvSink::open(path, "y").unwrap();
    let opened = started.elapsed();
    let resumed = <CsvSink as Sink<Vec<f32>>>::resume(&mut sink, &inputs, records).unwrap();
    let total = started.elapsed();
    let (rss_after, hwm_after) = memory_kb();
    println!(
        "MEMORY records={resumed} written={} open_ms={} resume_ms={} rss_before_kb={rss_before} \
         hwm_before_kb={hwm_before} rss_after_kb={rss_after} hwm_after_kb={hwm_after}",
        sink.written(),
        opened.as_millis(),
        (total - opened).as_millis()
    );
}

/// A valid record of `a,b,c,y`, varied by `i`.
fn record(i: usize, out: &mut Vec<u8>) {
    let x = i as f32 * 0.001_953_125 - 1.0;
    writeln!(out, "{x},{},{},{}", x * 0.5, i % 97, x.mul_add(2.0, 0.25)).unwrap();
}

/// Resuming a 3 GiB file keeps memory bounded: a header and ~100M records
/// (plus a torn last line) written in 8 MiB chunks, then opened and resumed
/// in a child process whose peak resident size (`VmHWM` in
/// `/proc/self/status`, reset just before) may grow by at most 16 MiB while
/// `CsvSink::open` scans the file (in a 64 KiB buffer) and `Sink::resume`
/// checks it and cuts the torn line. Needs 3 GiB free in the temp dir.
/// Run with
/// `cargo test --test adversarial kill_resume::resuming_a_multi_gb_file -- --ignored --nocapture`
#[cfg(target_os = "linux")]
#[test]
#[ignore = "writes a multi-GB file: 3 GiB in the temp dir; cargo test --test adversarial kill_resume::resuming_a_multi_gb_file -- --ignored --nocapture"]
fn resuming_a_multi_gb_file_takes_bounded_memory() {
    const TARGET: u64 = 3 << 30;
    const CHUNK: usize = 8 << 20;
    const BOUND_KB: u64 = 16 << 10;
    let path = temp_path("3gib");
    let started = Instant::now();
    let mut chunk = Vec::with_capacity(CHUNK + 256);
    let mut lines = 0usize;
    while chunk.len() < CHUNK {
        record(lines, &mut chunk);
        lines += 1;
    }
    let mut file = File::create(&path).unwrap();
    file.write_all(b"a,b,c,y\n").unwrap();
    let (mut size, mut records) = (8u64, 0usize);
    while size < TARGET {
        file.write_all(&chunk).unwrap();
        size += chunk.len() as u64;
        records += lines;
    }
    file.write_all(b"0.5,0.25,1").unwrap(); // a write cut short
    drop(file);
    let written_in = started.elapsed();
    let full_size = std::fs::metadata(&path).unwrap().len();

    let spec = format!("{records}:{}", path.display());
    let started = Instant::now();
    let output = spawn_self("kill_resume::bounded_memory_child", MEMORY_ENV, &spec)
        .wait_with_output()
        .unwrap();
    let child_time = started.elapsed();
    let kept_size = std::fs::metadata(&path).unwrap().len();
    std::fs::remove_file(&path).unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("MEMORY "))
        .unwrap_or_else(|| panic!("no report from the child: {}", describe(&output)));
    let value = |key: &str| -> u64 {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .unwrap()
            .parse()
            .unwrap()
    };
    let growth = value("hwm_after_kb").saturating_sub(value("rss_before_kb"));
    println!(
        "resume of {full_size} bytes ({records} records) written in {written_in:?}: \
         child {child_time:?}; {line}; peak growth {growth} kB (bound {BOUND_KB} kB)"
    );
    assert_eq!(value("records"), records as u64);
    assert_eq!(value("written"), records as u64);
    assert_eq!(kept_size, size, "the torn last line is cut, nothing else");
    assert!(
        growth <= BOUND_KB,
        "resuming a {full_size}-byte file grew the peak resident size by {growth} kB (bound {BOUND_KB} kB)"
    );
}

/// Carries `<points per axis>:<folder>` to [`series_child`].
const SERIES_ENV: &str = "DATASPACE_KILL_RESUME_SERIES";

/// Samples per point of the streamed series.
const SERIES_SAMPLES: usize = 300;

/// A recorded variable that differs at every point and sample.
fn series_kernel<const W: usize>(l: CubeLanes<W>) -> dataspace::Recorder<F32<W>, 2>
where
    f32: Float<W>,
{
    let mut recorder = dataspace::Recorder::with_capacity(SERIES_SAMPLES);
    let (mut x, step) = (l.a, F32::<W>::splat(0.001));
    for _ in 0..SERIES_SAMPLES {
        // Steps between samples, so the run computes as much as it writes.
        for _ in 0..16 {
            x = x.mul_add(l.b, step * l.c).sin();
        }
        recorder.record([x, x * x]);
    }
    recorder
}

/// Streams time series of the design to the folder named in [`SERIES_ENV`],
/// resuming it.
#[test]
#[ignore = "run by kill_resume::a_killed_series_run_resumes_to_the_same_files, as a child process"]
fn series_child() {
    let Some(spec) = std::env::var_os(SERIES_ENV) else {
        return;
    };
    let spec = spec.into_string().unwrap();
    let (n, dir) = spec.split_once(':').unwrap();
    let mut sink = dataspace::NpySink::open(dir, &["x", "x2"]).unwrap();
    Executor::parallel()
        .run_into::<V, _, _, _, _>(&design(n.parse().unwrap()), series_kernel::<V>, &mut sink)
        .unwrap();
}

/// The rows a growing `.npy` file's header counts (its shape's first number).
fn header_rows(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(&bytes[10..bytes.len().min(128)]).into_owned();
    let shape = text.split("'shape': (").nth(1).unwrap();
    shape
        .split([',', ')'])
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A run streaming time series (40^3 points x 300 samples x 2 variables,
/// 154 MB of results, about 2 s) is killed four times and resumed (the
/// children got 14k, 28k, 28k, 28k points done in one run here, killed
/// mid-run each time): after each kill,
/// every file's header counts only rows that are the uninterrupted run's,
/// and the finished folder equals the uninterrupted run's byte for byte.
#[test]
fn a_killed_series_run_resumes_to_the_same_files() {
    let n = 40;
    let design = design(n);
    let reference_dir = temp_path("series-reference").with_extension("d");
    let _ = std::fs::remove_dir_all(&reference_dir);
    let started = Instant::now();
    let mut sink = dataspace::NpySink::create(&reference_dir, &["x", "x2"]).unwrap();
    Executor::parallel()
        .run_into::<V, _, _, _, _>(&design, series_kernel::<V>, &mut sink)
        .unwrap();
    let reference_time = started.elapsed();
    let names = ["a.npy", "b.npy", "c.npy", "x.npy", "x2.npy"];
    let read_all = |dir: &std::path::Path| -> Vec<Vec<u8>> {
        names
            .iter()
            .map(|name| std::fs::read(dir.join(name)).unwrap_or_default())
            .collect()
    };
    let reference = read_all(&reference_dir);
    std::fs::remove_dir_all(&reference_dir).unwrap();

    let dir = temp_path("series").with_extension("d");
    let _ = std::fs::remove_dir_all(&dir);
    let spec = format!("{n}:{}", dir.display());
    let mut rng = Rng(0x005E_21E5);
    let mut kills = Vec::new();
    let budget = reference_time.as_millis() as u64;
    for _ in 0..4 {
        // A child starts (about 10 ms) and resumes before it computes.
        let after_ms = 10 + rng.below((budget / 2).max(20));
        let mut child = spawn_self("kill_resume::series_child", SERIES_ENV, &spec);
        std::thread::sleep(Duration::from_millis(after_ms));
        child.kill().unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success() || output.status.signal() == Some(9),
            "the child failed before it was killed: {}",
            describe(&output)
        );
        for (name, (found, expected)) in names.iter().zip(read_all(&dir).iter().zip(&reference)) {
            if found.len() < 128 {
                continue; // not created yet, or cut in its header
            }
            let rows = header_rows(found);
            let row = if name.starts_with('x') {
                SERIES_SAMPLES * 4
            } else {
                4
            };
            let end = 128 + rows * row;
            assert!(
                found.len() >= end && found[128..end] == expected[128..end],
                "{name} after a kill at {after_ms} ms: its header counts {rows} rows that are not the uninterrupted run's ({} bytes, first difference at {:?}; kills {kills:?})",
                found.len(),
                found
                    .iter()
                    .zip(expected)
                    .skip(128)
                    .position(|(f, e)| f != e)
                    .map(|p| p + 128)
            );
        }
        kills.push((after_ms, output.status.success()));
    }
    assert!(
        kills.iter().any(|&(_, finished)| !finished),
        "every child finished before its kill: nothing was resumed (kills {kills:?})"
    );
    let mut sink = dataspace::NpySink::open(&dir, &["x", "x2"]).unwrap();
    Executor::parallel()
        .run_into::<V, _, _, _, _>(&design, series_kernel::<V>, &mut sink)
        .unwrap();
    assert!(
        read_all(&dir) == reference,
        "the resumed folder differs from the uninterrupted run's (kills {kills:?})"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

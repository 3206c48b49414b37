//! Progress on a batch job's log: a sweep run in a child process (this test
//! binary again) with stderr redirected to a file, and the lines it wrote.

use dataspace::prelude::*;
use dataspace::{Axis, Progress};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Set in the child: which progress to report.
const CHILD_ENV: &str = "DATASPACE_PROGRESS_CHILD";

#[derive(DataSpace, Clone, Debug)]
struct Point {
    a: f32,
    b: f32,
}

fn kernel<const V: usize>(l: PointLanes<V>) -> F32<V>
where
    f32: Float<V>,
{
    l.a.mul_add(l.b, l.b.sqrt())
}

/// Runs a sweep of 2^16 points in 16 blocks, reporting as [`CHILD_ENV`] says.
#[test]
#[ignore = "run by the tests below, as a child process with stderr in a file"]
fn child() {
    let Some(kind) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let progress = match kind.to_str().unwrap() {
        "lines" => Progress::Lines {
            every: Duration::ZERO,
        },
        #[cfg(feature = "progress")]
        "bar" => Progress::Bar { forced: false },
        #[cfg(feature = "progress")]
        "forced" => Progress::Bar { forced: true },
        other => panic!("unknown child {other}"),
    };
    let design = PointDesign::product(PointAxes {
        a: Axis::linspace(-1.0, 1.0, 256),
        b: Axis::linspace(0.0, 2.0, 256),
    })
    .unwrap();
    let out = Executor::parallel()
        .n_pmap(16)
        .progress(progress)
        .run::<8, _, _, _>(&design, kernel::<8>)
        .unwrap();
    assert_eq!(out.len(), 1 << 16);
}

/// What the child wrote to its stderr file.
fn run_child(kind: &str) -> String {
    let path: PathBuf = std::env::temp_dir().join(format!(
        "dataspace-progress-{}-{kind}.log",
        std::process::id()
    ));
    let file = std::fs::File::create(&path).unwrap();
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "progress::child",
            "--ignored",
            "--nocapture",
            "-q",
        ])
        .env(CHILD_ENV, kind)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(file))
        .status()
        .unwrap();
    let log = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(status.success(), "{status}\n--- stderr\n{log}");
    log
}

/// One progress line, parsed: (done, total, percent, points/s).
fn parse(line: &str) -> (usize, usize, f64, f64) {
    // progress: 4096/65536 points (6.2 %)  1.23 M points/s  ETA 1s
    let rest = line.strip_prefix("progress: ").unwrap();
    let (counts, rest) = rest.split_once(" points (").unwrap();
    let (done, total) = counts.split_once('/').unwrap();
    let (percent, rest) = rest.split_once(" %)  ").unwrap();
    let (rate, time) = rest.split_once(" points/s  ").unwrap();
    let (value, unit) = rate.split_once(' ').unwrap_or((rate, ""));
    let scale = match unit {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        other => panic!("unit {other:?} in {line:?}"),
    };
    assert!(
        time.starts_with("ETA ")
            || time.starts_with("done in ")
            || time.starts_with("stopped after "),
        "{line:?}"
    );
    (
        done.parse().unwrap(),
        total.parse().unwrap(),
        percent.parse().unwrap(),
        value.parse::<f64>().unwrap() * scale,
    )
}

fn progress_lines(log: &str) -> Vec<(usize, usize, f64, f64)> {
    log.lines()
        .filter(|l| l.starts_with("progress: "))
        .map(parse)
        .collect()
}

#[test]
fn lines_go_to_a_log_file_and_end_at_100_percent() {
    let log = run_child("lines");
    let lines = progress_lines(&log);
    assert!(lines.len() >= 2, "a line per block and a last one:\n{log}");
    for window in lines.windows(2) {
        assert!(window[0].0 <= window[1].0, "done never goes back:\n{log}");
    }
    for &(done, total, percent, rate) in &lines {
        assert_eq!(total, 1 << 16);
        assert!(done <= total && done > 0);
        assert!((0.0..=100.0).contains(&percent));
        assert!(rate > 0.0, "{log}");
    }
    let &(done, total, percent, _) = lines.last().unwrap();
    assert_eq!((done, percent), (total, 100.0), "{log}");
    assert!(log.lines().last().unwrap().contains("done in "), "{log}");
}

#[cfg(feature = "progress")]
#[test]
fn the_bar_off_a_terminal_writes_lines() {
    let log = run_child("bar");
    let lines = progress_lines(&log);
    assert!(!lines.is_empty(), "at least the last line:\n{log}");
    let &(done, total, percent, _) = lines.last().unwrap();
    assert_eq!((done, total, percent), (1 << 16, 1 << 16, 100.0), "{log}");
}

#[cfg(feature = "progress")]
#[test]
fn a_forced_bar_draws_into_the_file() {
    let log = run_child("forced");
    assert!(log.contains("65,536/65,536 points"), "{log:?}");
    assert!(!log.contains("progress: "), "{log:?}");
}

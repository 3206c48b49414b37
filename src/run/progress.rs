//! Progress of long runs: a callback hook, plain lines for logs, and a
//! terminal bar (feature `progress`).

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How an [`Executor`](crate::Executor) reports progress. Reports come after
/// each block, from the worker that ran it.
///
/// ```
/// use dataspace::prelude::*;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0; 10_000] })?;
/// let done = Arc::new(AtomicUsize::new(0));
/// let seen = Arc::clone(&done);
/// let executor = Executor::parallel()
///     .on_progress(move |points, total| { seen.fetch_max(points, Ordering::Relaxed); assert_eq!(total, 10_000); });
/// let _: Vec<f32> = executor.run(&space, |p: PLanes<'_, 8>| p.x)?;
/// assert_eq!(done.load(Ordering::Relaxed), 10_000);
/// // In a batch job: `Executor::parallel().progress_bar()` writes a log line
/// // every `Progress::LINE_EVERY` when stderr is a file.
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub enum Progress {
    /// No reports (the default): nothing is counted.
    #[default]
    Off,
    /// Called with (points done, points in the run) after each block.
    Callback(Arc<dyn Fn(usize, usize) + Send + Sync>),
    /// Plain lines on stderr, for logs (a batch job's stderr file): at most
    /// one per `every` as blocks finish, and a last one when the run ends
    /// (`stopped after ..` instead of `done in ..` if it failed).
    /// Each line holds the points done and in the run, the percentage, the
    /// rate in human units and the time left:
    ///
    /// ```text
    /// progress: 524288/1048576 points (50.0 %)  1.23 M points/s  ETA 1m 05s
    /// progress: 1048576/1048576 points (100.0 %)  1.24 M points/s  done in 2m 10s
    /// ```
    Lines {
        /// The least time between two lines (`Duration::ZERO`: a line
        /// after every block).
        every: Duration,
    },
    /// A bar on stderr with rate and ETA when stderr is a terminal;
    /// otherwise, unless `forced`, [`Lines`](Progress::Lines) every
    /// [`LINE_EVERY`](Progress::LINE_EVERY).
    #[cfg(feature = "progress")]
    Bar {
        /// Draw the bar even when stderr is not a terminal (its cursor
        /// movements then go into the file).
        forced: bool,
    },
}

impl Progress {
    /// How often [`Progress::Bar`] writes a line when stderr is not a terminal.
    pub const LINE_EVERY: Duration = Duration::from_secs(5);
}

impl core::fmt::Debug for Progress {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Progress::Off => f.write_str("Off"),
            Progress::Callback(_) => f.write_str("Callback"),
            Progress::Lines { every } => write!(f, "Lines {{ every: {every:?} }}"),
            #[cfg(feature = "progress")]
            Progress::Bar { forced } => write!(f, "Bar {{ forced: {forced} }}"),
        }
    }
}

/// The live counter of one run.
pub(crate) enum Reporter {
    Off,
    Callback {
        f: Arc<dyn Fn(usize, usize) + Send + Sync>,
        done: AtomicUsize,
        total: usize,
    },
    Lines(Lines),
    #[cfg(feature = "progress")]
    Bar(indicatif::ProgressBar),
}

impl Reporter {
    /// A counter for a run of `total` points of which `done` are done already
    /// (a resumed stream).
    pub(crate) fn new(progress: &Progress, done: usize, total: usize) -> Reporter {
        match progress {
            Progress::Off => Reporter::Off,
            Progress::Callback(f) => Reporter::Callback {
                f: f.clone(),
                done: AtomicUsize::new(done),
                total,
            },
            Progress::Lines { every } => Reporter::Lines(Lines::new(*every, done, total)),
            #[cfg(feature = "progress")]
            Progress::Bar { forced } => {
                use std::io::IsTerminal;
                let target = if std::io::stderr().is_terminal() {
                    indicatif::ProgressDrawTarget::stderr()
                } else if *forced {
                    // indicatif's stderr target hides itself off a terminal;
                    // a `TermLike` target draws wherever it writes.
                    indicatif::ProgressDrawTarget::term_like(Box::new(AnsiStderr))
                } else {
                    return Reporter::Lines(Lines::new(Progress::LINE_EVERY, done, total));
                };
                let bar = indicatif::ProgressBar::with_draw_target(Some(total as u64), target);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:40} {human_pos}/{human_len} points  {rate}  ETA {eta}",
                ) {
                    bar.set_style(style.with_key(
                        "rate",
                        |state: &indicatif::ProgressState, w: &mut dyn core::fmt::Write| {
                            let _ = w.write_str(&rate(state.per_sec()));
                        },
                    ));
                }
                bar.set_position(done as u64);
                Reporter::Bar(bar)
            }
        }
    }

    /// `points` more are done.
    ///
    /// # Errors
    /// The message of a panicking callback: the user's code failed, which
    /// the run reports as an error rather than unwinding through it.
    #[inline]
    pub(crate) fn advance(&self, points: usize) -> Result<(), String> {
        match self {
            Reporter::Off => Ok(()),
            Reporter::Callback { f, done, total } => {
                let now = done.fetch_add(points, Ordering::Relaxed) + points;
                catch_unwind(AssertUnwindSafe(|| f(now, *total)))
                    .map_err(super::executor::panic_message)
            }
            Reporter::Lines(lines) => {
                lines.advance(points);
                Ok(())
            }
            #[cfg(feature = "progress")]
            Reporter::Bar(bar) => {
                bar.inc(points as u64);
                Ok(())
            }
        }
    }

    pub(crate) fn finish(&self) {
        match self {
            Reporter::Lines(lines) => lines.finish(),
            #[cfg(feature = "progress")]
            Reporter::Bar(bar) => bar.finish(),
            _ => {}
        }
    }
}

/// The counter behind [`Progress::Lines`].
pub(crate) struct Lines {
    every: Duration,
    start: Instant,
    /// Points done before this run (a resumed stream): not in the rate.
    before: usize,
    done: AtomicUsize,
    total: usize,
    /// When the next line is due, in nanoseconds after `start`: read
    /// without the lock, so a block that is not due costs one load.
    due: AtomicU64,
    /// Held while a line is written, so lines come whole and in order.
    writing: Mutex<()>,
}

impl Lines {
    fn new(every: Duration, done: usize, total: usize) -> Lines {
        Lines {
            every,
            start: Instant::now(),
            before: done,
            done: AtomicUsize::new(done),
            total,
            due: AtomicU64::new(nanos(every)),
            writing: Mutex::new(()),
        }
    }

    fn advance(&self, points: usize) {
        self.done.fetch_add(points, Ordering::Relaxed);
        let elapsed = self.start.elapsed();
        if nanos(elapsed) < self.due.load(Ordering::Relaxed) {
            return;
        }
        // Another worker writing now writes this line's news too.
        let Ok(_writing) = self.writing.try_lock() else {
            return;
        };
        let elapsed = self.start.elapsed();
        if nanos(elapsed) < self.due.load(Ordering::Relaxed) {
            return;
        }
        self.due
            .store(nanos(elapsed.saturating_add(self.every)), Ordering::Relaxed);
        let done = self.done.load(Ordering::Relaxed);
        self.write(&self.line(done, elapsed, false));
    }

    fn finish(&self) {
        let _writing = self.writing.lock();
        let done = self.done.load(Ordering::Relaxed);
        self.write(&self.line(done, self.start.elapsed(), true));
    }

    /// A line of `done` points after `elapsed`; the last one says how long
    /// the run took instead of the time left.
    fn line(&self, done: usize, elapsed: Duration, last: bool) -> String {
        let percent = if self.total == 0 {
            100.0
        } else {
            // Rounded down, so 100.0 % means every point.
            (done as u128 * 1000 / self.total as u128) as f64 / 10.0
        };
        let per_sec = done.saturating_sub(self.before) as f64 / elapsed.as_secs_f64();
        let time = if last && done >= self.total {
            format!("done in {}", duration(elapsed.as_secs_f64()))
        } else if last {
            // A run that failed: its error says why.
            format!("stopped after {}", duration(elapsed.as_secs_f64()))
        } else if per_sec > 0.0 && per_sec.is_finite() {
            let left = self.total.saturating_sub(done) as f64 / per_sec;
            format!("ETA {}", duration(left))
        } else {
            "ETA ?".to_owned()
        };
        format!(
            "progress: {done}/{} points ({percent:.1} %)  {}  {time}",
            self.total,
            rate(per_sec)
        )
    }

    /// Writes a line to stderr; a failing stderr is not the run's failure.
    fn write(&self, line: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{line}");
        let _ = stderr.flush();
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A rate in human units: `1.23 M points/s`, `523 points/s`.
fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() {
        return "? points/s".to_owned();
    }
    let (value, unit) = [(1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")]
        .into_iter()
        .find(|&(scale, _)| per_sec >= scale)
        .map_or((per_sec, ""), |(scale, unit)| (per_sec / scale, unit));
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$}{unit} points/s")
}

/// A duration for people: `42s`, `1m 05s`, `2h 03m`.
fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "?".to_owned();
    }
    let s = seconds.round().max(0.0) as u64;
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{}h {:02}m", s / 3600, s % 3600 / 60)
    }
}

/// stderr with ANSI cursor movements: the draw target of a forced bar.
#[cfg(feature = "progress")]
#[derive(Debug)]
struct AnsiStderr;

#[cfg(feature = "progress")]
impl indicatif::TermLike for AnsiStderr {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}A"))
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}B"))
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}C"))
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}D"))
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.write_str(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        std::io::stderr().lock().write_all(s.as_bytes())
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.write_str("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_durations_read_as_people_write_them() {
        assert_eq!(rate(1_234_567.0), "1.23 M points/s");
        assert_eq!(rate(270_544.494_8), "271 k points/s");
        assert_eq!(rate(523.0), "523 points/s");
        assert_eq!(rate(5.234), "5.23 points/s");
        assert_eq!(rate(12.5e9), "12.5 G points/s");
        assert_eq!(rate(f64::NAN), "? points/s");
        assert_eq!(duration(42.2), "42s");
        assert_eq!(duration(65.0), "1m 05s");
        assert_eq!(duration(7380.0), "2h 03m");
        assert_eq!(duration(f64::INFINITY), "?");
    }

    #[test]
    fn a_line_counts_from_the_resumed_point() {
        let lines = Lines::new(Duration::ZERO, 500, 1000);
        lines.done.fetch_add(250, Ordering::Relaxed);
        let line = lines.line(750, Duration::from_secs(1), false);
        assert_eq!(
            line,
            "progress: 750/1000 points (75.0 %)  250 points/s  ETA 1s"
        );
        assert!(
            lines
                .line(900, Duration::from_secs(2), true)
                .ends_with("stopped after 2s")
        );
        let last = lines.line(1000, Duration::from_secs(2), true);
        assert_eq!(
            last,
            "progress: 1000/1000 points (100.0 %)  250 points/s  done in 2s"
        );
    }
}

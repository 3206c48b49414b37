//! Progress of long runs: a callback hook, and a terminal bar (feature `progress`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How an [`Executor`](crate::Executor) reports progress. Reports come after
/// each block, from the worker that ran it.
#[derive(Clone, Default)]
pub enum Progress {
    /// No reports (the default): nothing is counted.
    #[default]
    Off,
    /// Called with (points done, points in the run) after each block.
    Callback(Arc<dyn Fn(usize, usize) + Send + Sync>),
    /// A bar on stderr with rate and ETA, drawn only when stderr is a
    /// terminal unless `forced`.
    #[cfg(feature = "progress")]
    Bar {
        /// Draw even when stderr is not a terminal.
        forced: bool,
    },
}

impl core::fmt::Debug for Progress {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Progress::Off => f.write_str("Off"),
            Progress::Callback(_) => f.write_str("Callback"),
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
            #[cfg(feature = "progress")]
            Progress::Bar { forced } => {
                use std::io::IsTerminal;
                let target = if *forced || std::io::stderr().is_terminal() {
                    indicatif::ProgressDrawTarget::stderr()
                } else {
                    indicatif::ProgressDrawTarget::hidden()
                };
                let bar = indicatif::ProgressBar::with_draw_target(Some(total as u64), target);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:40} {human_pos}/{human_len} points  {per_sec}  ETA {eta}",
                ) {
                    bar.set_style(style);
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
            #[cfg(feature = "progress")]
            Reporter::Bar(bar) => {
                bar.inc(points as u64);
                Ok(())
            }
        }
    }

    pub(crate) fn finish(&self) {
        #[cfg(feature = "progress")]
        if let Reporter::Bar(bar) = self {
            bar.finish();
        }
    }
}

//! The top layer: running a kernel over a space. `executor` runs it on
//! packs in parallel and returns results in point order through `output`;
//! `sink` streams results to a resumable file window by window; `progress`
//! reports; `mpi` (feature `mpi`) shares a run over ranks.

mod executor;
#[cfg(feature = "mpi")]
pub mod mpi;
mod output;
mod progress;
mod sink;
mod window;

pub use executor::Executor;
pub use output::Output;
pub use progress::Progress;
pub use sink::{CsvSink, Sink};

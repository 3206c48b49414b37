//! The top layer: running a kernel over a space. `executor` runs it on
//! packs in parallel and returns results in point order through `output`;
//! `sink` streams results to a resumable file window by window; `progress`
//! reports; `mpi` (feature `mpi`) shares a run over ranks.

mod executor;
#[cfg(feature = "mpi")]
pub mod mpi;
mod output;
#[cfg(feature = "parquet")]
mod parquet_sink;
mod progress;
mod sink;
mod window;

pub use executor::Executor;
pub use output::Output;
#[cfg(feature = "parquet")]
pub use parquet_sink::ParquetSink;
pub use progress::Progress;
pub use sink::{CsvSink, Sink};

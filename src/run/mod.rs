//! The top layer: running a kernel over a space. `executor` runs it on
//! packs in parallel and returns results in point order through `output`;
//! `sink` streams results to a resumable file window by window; `progress`
//! reports; `mpi` (feature `mpi`) shares a run over ranks.

mod executor;
#[cfg(feature = "mpi")]
pub mod mpi;
mod npy_sink;
mod output;
#[cfg(feature = "parquet")]
mod parquet_sink;
mod progress;
mod series;
mod sink;
mod width;
mod window;

pub use executor::Executor;
pub use npy_sink::NpySink;
pub use output::Output;
#[cfg(feature = "parquet")]
pub use parquet_sink::ParquetSink;
pub use progress::Progress;
pub use series::{Recorder, SeriesBlock, TimeSeries};
pub use sink::{CsvSink, Sink};
pub use width::{Candidates, Tuning, Width, WidthVisitor, Widths};

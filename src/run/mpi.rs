//! The same sweep over MPI ranks (feature `mpi`, rsmpi over the system's MPI).
//!
//! Each rank takes a contiguous shard of the points ([`shard_range`], from
//! rank and size alone, balanced to within one pack), runs it with its own
//! [`Executor`], and rank 0 gathers the results in point order (a
//! variable-count gather). Before the gather every rank learns, with one
//! reduction, whether any rank failed, so a failure ends the run on every
//! rank with the same error: never a hang, never a partial result.

use super::executor::Executor;
use super::output::Output;
#[cfg(feature = "parquet")]
use super::parquet_sink::ParquetSink;
use super::progress::Reporter;
use super::sink::Sink;
use super::window::{Windows, write_empty};
use crate::error::ExecError;
use crate::io::{Record, Table};
use crate::space::PackedSpace;
use crate::space::{Slice, shard_range};
use ::mpi::Count;
use ::mpi::collective::SystemOperation;
use ::mpi::datatype::{Equivalence, PartitionMut};
use ::mpi::topology::SimpleCommunicator;
use ::mpi::traits::*;

pub use ::mpi;

/// Runs kernels over the ranks of an MPI communicator (usually the world).
///
/// Every rank calls the same methods with the same space (for designs: the
/// same axes; no rank materialises another rank's points); rank 0 gets the
/// results. The kernel API is [`Executor::run`]'s; results must be one
/// scalar per point (`Vec<T>` of any column `Scalar`).
///
/// ```no_run
/// use dataspace::mpi::{mpi, MpiExecutor};
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let universe = mpi::initialize().expect("MPI initialises once");
/// let executor = MpiExecutor::new(universe.world(), Executor::parallel());
/// let space = PSpace::new(PColumns { x: (0..1000).map(|i| i as f32).collect() })?;
/// let squares = executor.run(&space, |p: PLanes<'_, 16>| p.x * p.x)?;
/// if let Some(squares) = squares {
///     assert_eq!(squares[999], 998_001.0); // on rank 0, every point in order
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MpiExecutor {
    world: SimpleCommunicator,
    local: Executor,
}

impl core::fmt::Debug for MpiExecutor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MpiExecutor")
            .field("rank", &self.rank())
            .field("size", &self.size())
            .field("local", &self.local)
            .finish()
    }
}

impl MpiExecutor {
    /// Runs this rank's shard with `local` (its own rayon pool by default:
    /// `Executor::parallel()` uses the threads rayon sees on this rank).
    pub fn new(world: SimpleCommunicator, local: Executor) -> Self {
        MpiExecutor { world, local }
    }

    /// This rank.
    pub fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    /// The number of ranks.
    pub fn size(&self) -> usize {
        self.world.size() as usize
    }

    /// The communicator.
    pub fn world(&self) -> &SimpleCommunicator {
        &self.world
    }

    /// Runs `kernel` over every point; rank 0 gets `Some(results)` in point
    /// order, the other ranks `None`. Bit-identical to a single-process
    /// [`Executor::run`] of the same build.
    ///
    /// # Errors
    /// On every rank: [`ExecError::RankFailed`] naming the rank and the first
    /// failing point if a kernel panicked (or a run failed) on any rank.
    pub fn run<'s, const V: usize, S, L, O, T>(
        &self,
        space: &'s S,
        kernel: impl Fn(L) -> O + Sync,
    ) -> Result<Option<Vec<T>>, ExecError>
    where
        S: PackedSpace<V, Lanes<'s> = L> + Sync,
        O: Output<V, Result = Vec<T>>,
        T: Equivalence + Copy + Default,
    {
        self.run_range::<V, S, _, O, T>(space, 0..space.len(), &kernel)
    }

    /// Runs points `range` of `space`: this rank's shard of it, then the
    /// failure check and the gather to rank 0.
    fn run_range<'s, const V: usize, S, K, O, T>(
        &self,
        space: &'s S,
        range: core::ops::Range<usize>,
        kernel: &K,
    ) -> Result<Option<Vec<T>>, ExecError>
    where
        S: PackedSpace<V> + Sync,
        K: Fn(S::Lanes<'s>) -> O + Sync,
        O: Output<V, Result = Vec<T>>,
        T: Equivalence + Copy + Default,
    {
        let (rank, size, len) = (self.rank(), self.size(), range.len());
        if len > Count::MAX as usize {
            return Err(ExecError::GatherTooLarge {
                results: len,
                max: Count::MAX as usize,
            });
        }
        let mine = rank_range(len, V, rank, size);
        let offset = range.start + mine.start;
        // A rank's shard of `range`, which lies inside the space.
        let slice = Slice::new(space, offset..offset + mine.len());
        let local = self.local.run::<V, _, _, _>(&slice, kernel);
        let local = self.agree(local, offset)?;
        self.gather::<T>(len, V, &local)
    }

    /// Every rank learns whether any rank's `local` result (for its points
    /// from `offset`) failed: `Ok` on every rank if none did, else on every
    /// rank [`ExecError::RankFailed`] naming the lowest rank with the first
    /// failing point. Every rank must call it.
    fn agree<R>(&self, local: Result<R, ExecError>, offset: usize) -> Result<R, ExecError> {
        let rank = self.rank();
        // Every rank learns the first failing point (u64::MAX: none).
        let my_failure = match &local {
            Ok(_) => u64::MAX,
            Err(ExecError::KernelPanicked { point, .. }) => (offset + point) as u64,
            Err(_) => offset as u64,
        };
        let mut first_failure = u64::MAX;
        self.world
            .all_reduce_into(&my_failure, &mut first_failure, SystemOperation::min());
        if first_failure != u64::MAX {
            let point = first_failure as usize;
            // The failing rank: the lowest whose failure is that point (a
            // second all-reduce, so that every rank names the same one, also
            // when ranks with empty shards fail at the same offset).
            let mine = if my_failure == first_failure {
                rank as u64
            } else {
                u64::MAX
            };
            let mut failing = u64::MAX;
            self.world
                .all_reduce_into(&mine, &mut failing, SystemOperation::min());
            let failing = usize::try_from(failing).unwrap_or(rank);
            let message = match local {
                Err(ExecError::KernelPanicked { message, .. }) if failing == rank => message,
                Err(error) if failing == rank => error.to_string(),
                _ => format!(
                    "the kernel failed on rank {failing} (its message is in that rank's error)"
                ),
            };
            return Err(ExecError::RankFailed {
                rank: failing,
                point,
                message,
            });
        }
        // Ok on every rank: a failed run is a failure every rank has learnt of.
        local
    }

    /// Gathers each rank's results for its shard of `len` points (shards of
    /// [`shard_range`] with `lanes`) to rank 0, in point order: `Some(all)` on
    /// rank 0, `None` elsewhere. Every rank must call it.
    ///
    /// # Errors
    /// On every rank, [`ExecError::GatherTooLarge`] if `len` exceeds
    /// `i32::MAX` (MPI counts), [`ExecError::GatherShard`] if any rank's
    /// `local` is not its shard's length: the ranks
    /// agree on that (one all-reduce) before the gather, so none is left
    /// waiting.
    pub fn gather<T: Equivalence + Copy + Default>(
        &self,
        len: usize,
        lanes: usize,
        local: &[T],
    ) -> Result<Option<Vec<T>>, ExecError> {
        let (rank, size) = (self.rank(), self.size());
        let expected = rank_range(len, lanes, rank, size).len();
        let fits = Count::try_from(len).is_ok();
        let mine_ok = u8::from(local.len() == expected && fits);
        let mut all_ok = 0u8;
        self.world
            .all_reduce_into(&mine_ok, &mut all_ok, SystemOperation::min());
        if all_ok == 0 {
            return Err(if !fits {
                ExecError::GatherTooLarge {
                    results: len,
                    max: Count::MAX as usize,
                }
            } else if local.len() != expected {
                ExecError::GatherShard {
                    rank: Some(rank),
                    held: local.len(),
                    expected,
                }
            } else {
                ExecError::GatherShard {
                    rank: None,
                    held: 0,
                    expected: 0,
                }
            });
        }
        let root = self.world.process_at_rank(0);
        if rank == 0 {
            // Every shard's length and start are below len <= Count::MAX.
            let shards = (0..size).map(|r| rank_range(len, lanes, r, size));
            let count = |n: usize| Count::try_from(n).unwrap_or(Count::MAX);
            let counts: Vec<Count> = shards.clone().map(|s| count(s.len())).collect();
            let displs: Vec<Count> = shards.map(|s| count(s.start)).collect();
            let mut all = vec![T::default(); len];
            {
                let mut partition = PartitionMut::new(&mut all[..], counts, &displs[..]);
                root.gather_varcount_into_root(local, &mut partition);
            }
            Ok(Some(all))
        } else {
            root.gather_varcount_into(local);
            Ok(None)
        }
    }

    /// Runs `kernel` window by window (as [`Executor::run_into`]): each
    /// window is shared out over the ranks, gathered to rank 0, and rank 0
    /// appends the window's parameters and results to `sink` (pass `Some`
    /// on rank 0, `None` elsewhere). The file equals a single-process
    /// `run_into`'s byte for byte, and an interrupted run resumes from it.
    pub fn run_into<'s, const V: usize, S, L, O, T, W>(
        &self,
        space: &'s S,
        kernel: impl Fn(L) -> O + Sync,
        sink: Option<&mut W>,
    ) -> Result<(), ExecError>
    where
        S: PackedSpace<V, Lanes<'s> = L> + Sync,
        S::Point: Record,
        O: Output<V, Result = Vec<T>>,
        T: Equivalence + Copy + Default + crate::io::Cells,
        W: Sink<Vec<T>>,
    {
        let len = space.len();
        // Only rank 0 writes: a sink given elsewhere is not touched.
        let mut sink = if self.rank() == 0 { sink } else { None };
        // Rank 0 checks its sink; every rank learns where to start, or that
        // rank 0 failed (u64::MAX), so no rank is left waiting in a collective.
        let mut resumed = Ok(0);
        if let Some(sink) = sink.as_deref_mut() {
            resumed = sink.resume(&Table::header(space), len);
        }
        // Rank 0's window too: ranks with other thread counts (and so other
        // default block counts) must still cut the run into the same windows.
        let window = self.local.window_points::<V>().saturating_mul(self.size());
        let mut plan = [
            resumed.as_ref().map_or(u64::MAX, |&n| n as u64),
            window as u64,
        ];
        self.world.process_at_rank(0).broadcast_into(&mut plan[..]);
        if let Err(error) = resumed {
            return Err(ExecError::Sink(error));
        }
        let [start, window] = plan;
        if start == u64::MAX {
            return Err(sink_failed_on_root());
        }
        let window = usize::try_from(window).unwrap_or(usize::MAX);
        // Rank 0 reports the run's progress as windows are written.
        let progress = if self.rank() == 0 {
            self.local.progress.clone()
        } else {
            crate::run::Progress::Off
        };
        let reporter = Reporter::new(&progress, start as usize, len);
        for window in Windows::new(start as usize, len, window) {
            let points = window.len();
            let results = self.run_range::<V, S, _, O, T>(space, window.clone(), &kernel)?;
            let mut written = Ok(());
            if let (Some(results), Some(sink)) = (results, sink.as_deref_mut()) {
                let inputs = Slice::new(space, window);
                written = sink.write(&inputs as &dyn Table, &results);
            }
            let written = written.map_err(ExecError::Sink).and_then(|()| {
                reporter
                    .advance(points)
                    .map_err(|message| ExecError::ProgressPanicked { message })
            });
            // Every rank learns whether rank 0 wrote and reported the window.
            let mut ok = u8::from(written.is_ok());
            self.world.process_at_rank(0).broadcast_into(&mut ok);
            written?;
            if ok == 0 {
                return Err(sink_failed_on_root());
            }
        }
        if let (0, Some(sink)) = (len, sink) {
            // Nothing to run, but the file still gets its header, as in a
            // single-process run.
            write_empty::<S, O, V, W>(space, sink)?;
        }
        reporter.finish();
        Ok(())
    }

    /// Runs `kernel` over every point with no gather: each rank streams its
    /// own shard of the points (as [`Executor::run_into`]) into its own part
    /// files of one Parquet dataset, `sink`'s folder, named by their first
    /// point, so the dataset reads as one table in point order
    /// (`pandas.read_parquet(dir)`, [`read_parquet`](crate::io::read_parquet)).
    /// No rank holds more than its own windows, and no result passes
    /// through rank 0. Feature `parquet`.
    ///
    /// Every rank passes a sink on the same folder (shared by every rank:
    /// a network file system on a cluster), made alike
    /// ([`ParquetSink::open`] to resume, the same metadata and part size);
    /// each touches only the parts of its own points (rank 0 also those
    /// past the last point, another run's: removed by
    /// [`ParquetSink::create`], refused by [`ParquetSink::open`]). Resuming resumes
    /// each rank's share: run it with the same number of ranks. Rank 0
    /// reports progress (of its own shard). The values equal a
    /// single-process run's; the files are cut at the ranks' shard ends too.
    ///
    /// ```no_run
    /// use dataspace::mpi::{mpi, MpiExecutor};
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, ParquetSink};
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32 }
    ///
    /// let universe = mpi::initialize().expect("MPI initialises once");
    /// let executor = MpiExecutor::new(universe.world(), Executor::parallel());
    /// let design = PDesign::product(PAxes { x: Axis::linspace(0.0, 1.0, 1_000_000) })?;
    /// let mut sink = ParquetSink::open("sweep.parquet", "y")?.describe(&design);
    /// executor.run_into_parts(&design, |p: PLanes<'_, 16>| p.x * p.x, &mut sink)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// On every rank: [`ExecError::RankFailed`] naming the rank and the
    /// first failing point if a kernel panicked or a sink failed (another
    /// run's parts, say) on any rank; the failing rank's message is its own
    /// error's.
    #[cfg(feature = "parquet")]
    pub fn run_into_parts<'s, const V: usize, S, L, O>(
        &self,
        space: &'s S,
        kernel: impl Fn(L) -> O + Sync,
        sink: &mut ParquetSink,
    ) -> Result<(), ExecError>
    where
        S: PackedSpace<V, Lanes<'s> = L> + Sync,
        S::Point: Record,
        O: Output<V>,
        O::Result: Send,
        ParquetSink: Sink<O::Result>,
    {
        let (rank, size, len) = (self.rank(), self.size(), space.len());
        let mine = rank_range(len, V, rank, size);
        // Rank 0 also owns the parts past the run's end (another run's).
        sink.share(mine.start, (rank == 0).then_some(len));
        let mut local = self.local.clone();
        if rank != 0 {
            local.progress = crate::run::Progress::Off;
        }
        let slice = Slice::new(space, mine.clone());
        // A rank without points writes nothing; rank 0 writes the one empty
        // part of a run of no points.
        let runs = !mine.is_empty() || (len == 0 && rank == 0);
        // Every rank checks its share of the folder, and learns whether all
        // could, before any writes: a refused resume changes no part.
        let checked = match runs {
            true => {
                <ParquetSink as Sink<O::Result>>::resume(sink, &Table::header(space), mine.len())
                    .map(|_| ())
                    .map_err(ExecError::Sink)
            }
            false => Ok(()),
        };
        self.agree(checked, mine.start)?;
        let result = match runs {
            true => local.run_into::<V, Slice<'s, S>, L, O, ParquetSink>(&slice, &kernel, sink),
            false => Ok(()),
        };
        self.agree(result, mine.start)
    }
}

/// Shard `rank` of `size` of `len` points: a communicator has at least one
/// rank, so the count is never 0.
fn rank_range(len: usize, lanes: usize, rank: usize, size: usize) -> core::ops::Range<usize> {
    shard_range(len, lanes, rank, size.max(1)).unwrap_or(len..len)
}

/// What ranks other than 0 report when rank 0's sink or progress callback failed.
fn sink_failed_on_root() -> ExecError {
    ExecError::RankFailed {
        rank: 0,
        point: 0,
        message: "rank 0 stopped the run: its sink or progress callback failed (the error is in rank 0's result)".to_owned(),
    }
}

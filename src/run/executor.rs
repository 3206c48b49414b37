//! Runs a kernel over every point of a space: packs on SIMD lanes, blocks on
//! rayon threads, results back in point order.

use super::output::Output;
use super::progress::{Progress, Reporter};
use super::sink::Sink;
use super::window::{Windows, write_empty};
use crate::error::{ExecError, IoError, OutputError};
use crate::io::Record;
use crate::space::{Block, CollectOptions, Slice};
use crate::space::{Lanes, PackedSpace, Space};
use core::ops::Range;
use rayon::prelude::*;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Blocks per thread when [`Executor::n_pmap`] is not set: enough for work
/// stealing to even out blocks that finish at different times, few enough
/// that each block is a long run of packs.
const BLOCKS_PER_THREAD: usize = 4;

/// Packs per block in one window of a streaming run.
const WINDOW_PACKS_PER_BLOCK: usize = 64;

/// Most bytes of results in one window of a streaming run whose results
/// are large per point (time series, [`Output::point_bytes`]). A pipelined
/// run holds the window being written and the next (twice, while its
/// blocks are joined): 10^6 x 1000 f32 samples into an `NpySink` peaked
/// at 91 MiB resident with 16 MiB windows, 51 MiB with 8 MiB
/// (`series_to_disk`).
const WINDOW_BYTES: usize = 8 << 20;

/// Most blocks in one window of a streaming run: a huge `n_pmap` must not
/// make a window (held in memory whole) unbounded. 1024 x 64 packs of 64
/// lanes is 4 Mi points.
const WINDOW_BLOCKS_MAX: usize = 1024;

/// Most results a block sets room aside for before it has any: the rest grow
/// as they come, so a block of a design of 2^64 points fails (if ever) for
/// lack of memory, not on its first allocation.
const PREALLOCATED_RESULTS: usize = 1 << 20;

/// Runs kernels over spaces: [`run`](Executor::run) on SIMD packs,
/// [`map`](Executor::map) on single points.
///
/// Results come back in point order and are bit-identical for every thread
/// count and number of blocks: each point's result depends only on its lanes.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::Executor;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..100).map(|i| i as f32).collect() })?;
/// let squares: Vec<f32> = Executor::parallel().run(&space, |lanes: PLanes<8>| lanes.x * lanes.x)?;
/// assert_eq!(squares[9], 81.0);
/// let same = Executor::sequential().map(&space, |p: P| p.x * p.x)?;
/// assert_eq!(squares, same);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Executor {
    pool: Pool,
    n_pmap: Option<usize>,
    pub(crate) progress: Progress,
}

#[derive(Clone)]
enum Pool {
    /// rayon's global pool (or the pool the caller runs in).
    Current,
    /// The calling thread, blocks in order.
    Sequential,
    /// A pool of our own.
    Owned(Arc<rayon::ThreadPool>),
}

impl core::fmt::Debug for Pool {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Pool::Current => f.write_str("Current"),
            Pool::Sequential => f.write_str("Sequential"),
            Pool::Owned(pool) => write!(f, "Owned({} threads)", pool.current_num_threads()),
        }
    }
}

/// What went wrong in one block.
pub(super) enum BlockError {
    /// The kernel panicked on the pack (or point) starting at `point`.
    Panicked { point: usize, message: String },
    /// The progress callback panicked after the block.
    Progress { message: String },
    /// A pack's results did not fit the block's; `point` counts from the
    /// start of the run.
    Output(OutputError),
    /// The block stopped early because an earlier block failed.
    Skipped,
}

impl BlockError {
    /// The same failure at a point `offset` further on: a block of a slice
    /// reports points of the whole space.
    pub(super) fn offset(self, offset: usize) -> Self {
        match self {
            BlockError::Panicked { point, message } => BlockError::Panicked {
                point: point.saturating_add(offset),
                message,
            },
            BlockError::Output(error) => BlockError::Output(error.offset(offset)),
            other => other,
        }
    }
}

/// [`Executor::parallel`]: rayon's global pool.
impl Default for Executor {
    fn default() -> Self {
        Executor::parallel()
    }
}

impl Executor {
    /// Runs on rayon's global pool (all cores, unless `RAYON_NUM_THREADS` says otherwise).
    #[must_use]
    pub fn parallel() -> Self {
        Executor {
            pool: Pool::Current,
            n_pmap: None,
            progress: Progress::Off,
        }
    }

    /// Runs on the calling thread, block after block: the same results as a
    /// parallel run, for debugging and for callers that parallelise above.
    #[must_use]
    pub fn sequential() -> Self {
        Executor {
            pool: Pool::Sequential,
            n_pmap: None,
            progress: Progress::Off,
        }
    }

    /// Runs on a dedicated pool of `threads` threads. More threads than cores
    /// is allowed (they share the cores).
    ///
    /// ```
    /// use dataspace::{ExecError, Executor};
    ///
    /// let executor = Executor::parallel().threads(3)?.n_pmap(12);
    /// assert_eq!(executor.thread_count(), 3);
    /// assert!(matches!(Executor::parallel().threads(0), Err(ExecError::NoThreads)));
    /// # Ok::<(), ExecError>(())
    /// ```
    ///
    /// # Errors
    /// [`ExecError::NoThreads`] for 0; [`ExecError::Pool`] if the threads
    /// cannot be started.
    pub fn threads(self, threads: usize) -> Result<Self, ExecError> {
        if threads == 0 {
            return Err(ExecError::NoThreads);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("dataspace-{i}"))
            .build()
            .map_err(|e| ExecError::Pool(Box::new(e)))?;
        Ok(Executor {
            pool: Pool::Owned(Arc::new(pool)),
            ..self
        })
    }

    /// Splits the space into `n_pmap` blocks, one rayon task each (tvboptim's
    /// `n_pmap`). Default: 4 blocks per thread. 0 is an error at run time.
    #[must_use]
    pub fn n_pmap(self, n_pmap: usize) -> Self {
        Executor {
            n_pmap: Some(n_pmap),
            ..self
        }
    }

    /// Reports progress as `progress` says (default: off, which counts nothing).
    #[must_use]
    pub fn progress(self, progress: Progress) -> Self {
        Executor { progress, ..self }
    }

    /// Calls `report(points done, points in the run)` after each block, from
    /// the worker that ran it: for programs that report elsewhere than a terminal.
    #[must_use]
    pub fn on_progress(self, report: impl Fn(usize, usize) + Send + Sync + 'static) -> Self {
        self.progress(Progress::Callback(Arc::new(report)))
    }

    /// A progress bar on stderr with rate and ETA when stderr is a terminal;
    /// otherwise (a batch job's log file) a plain line every
    /// [`LINE_EVERY`](Progress::LINE_EVERY) and one at the end
    /// ([`Progress::Lines`]).
    #[must_use]
    #[cfg(feature = "progress")]
    pub fn progress_bar(self) -> Self {
        self.progress(Progress::Bar { forced: false })
    }

    /// The number of threads a run uses.
    #[must_use]
    pub fn thread_count(&self) -> usize {
        match &self.pool {
            Pool::Current => rayon::current_num_threads(),
            Pool::Sequential => 1,
            Pool::Owned(pool) => pool.current_num_threads(),
        }
    }

    fn blocks(&self) -> usize {
        self.n_pmap
            .unwrap_or(BLOCKS_PER_THREAD.saturating_mul(self.thread_count()))
    }

    /// The blocks a run of `len` points in packs of `lanes` uses: the
    /// requested `n_pmap`, clamped to the number of packs (at least 1), since
    /// blocks past them would hold no point. Results do not depend on it.
    pub(super) fn blocks_for(&self, len: usize, lanes: usize) -> Result<usize, ExecError> {
        match self.blocks() {
            0 => Err(crate::error::LayoutError::NoBlocks.into()),
            n => Ok(n.min(len.div_ceil(lanes.max(1)).max(1))),
        }
    }

    /// Runs `kernel` on every pack of `V` points and returns its results in
    /// point order, tail lanes dropped. Packs that hold no real point (the
    /// trailing blocks of a small space) are not run.
    ///
    /// The kernel returns a pack (`f32x8`: results as `Vec<f32>`), an array of
    /// packs (`[f32x8; K]`: `Vec<[f32; K]>`), or the lanes of another derived
    /// struct without fixed fields (`SummaryLanes<'_, V>`: a `SummarySpace`).
    ///
    /// `V` comes from the kernel (a generic kernel instantiated at `V`, or
    /// a closure whose argument names its lanes type), or from the call:
    /// `run::<V, _, _, _>`.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32, k: i32 }
    ///
    /// fn twice<const V: usize>(p: PLanes<'_, V>) -> [F32<V>; 2]
    /// where
    ///     f32: Float<V>,
    ///     i32: Packable<V>,
    /// {
    ///     [p.x + p.x, p.x * p.x]
    /// }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0], k: vec![7; 3] })?;
    /// let out = Executor::parallel().run(&space, twice::<16>)?; // V = 16
    /// assert_eq!(out, [[2.0, 1.0], [4.0, 4.0], [6.0, 9.0]]);
    /// let ks: Vec<i32> = Executor::sequential().run(&space, |p: PLanes<'_, 4>| p.k)?;
    /// assert_eq!(ks, [7, 7, 7]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ExecError::KernelPanicked`] naming the first point of the first pack
    /// (in point order) whose kernel call panicked, and the panic message; no
    /// partial result. [`ExecError::Layout`] if `n_pmap` is 0.
    pub fn run<'s, const V: usize, S, L, O>(
        &self,
        space: &'s S,
        kernel: impl Fn(L) -> O + Sync,
    ) -> Result<O::Result, ExecError>
    where
        S: PackedSpace<V, Lanes<'s> = L> + Sync,
        O: Output<V>,
    {
        crate::simd::warn_if_below_cpu();
        let reporter = Reporter::new(&self.progress, 0, space.len());
        let result = self.run_reporting::<V, S, _, O>(space, &kernel, &reporter);
        reporter.finish();
        result
    }

    /// [`run`](Executor::run), reporting each finished block to `reporter`.
    pub(crate) fn run_reporting<'s, const V: usize, S, K, O>(
        &self,
        space: &'s S,
        kernel: &K,
        reporter: &Reporter,
    ) -> Result<O::Result, ExecError>
    where
        S: PackedSpace<V> + Sync,
        K: Fn(S::Lanes<'s>) -> O + Sync,
        O: Output<V>,
    {
        let blocks = self.run_blocks::<V, S, K, O>(space, kernel, reporter)?;
        Ok(O::finish(blocks, space.len())?)
    }

    /// The blocks of [`run_reporting`](Executor::run_reporting), in order,
    /// before they are joined.
    pub(super) fn run_blocks<'s, const V: usize, S, K, O>(
        &self,
        space: &'s S,
        kernel: &K,
        reporter: &Reporter,
    ) -> Result<Vec<O::Block>, ExecError>
    where
        S: PackedSpace<V> + Sync,
        K: Fn(S::Lanes<'s>) -> O + Sync,
        O: Output<V>,
    {
        let options = CollectOptions {
            n_pmap: self.blocks_for(space.len(), V)?,
            fill: f64::NAN,
        };
        let layout = space.collect_with::<V>(options)?;
        let first_failed = AtomicUsize::new(usize::MAX);
        let run_block = |block: Block<'s, S, V>| {
            run_block::<V, S, K, O>(block, kernel, &first_failed, reporter)
        };
        let blocks = self.each_block(layout.shape().0, |p| {
            layout.block(p).map_or(Ok(O::block(0)), run_block)
        });
        first_error(blocks)
    }

    /// Runs `kernel` like [`run`](Executor::run) but hands the results to
    /// `sink` window by window, in point order, beside each point's
    /// parameters: memory stays bounded by two windows whatever the size of
    /// the space or design. A window is `n_pmap x 64` packs (`n_pmap`
    /// counted up to 1024), or fewer when a point's results are large (a
    /// [`TimeSeries`](crate::TimeSeries)): at most 8 MiB of results, at
    /// least one pack per thread. The first window is one pack per thread,
    /// to learn that size. Every window of a time series must have the
    /// first one's samples per point ([`ExecError::SampleCount`] names the
    /// first point of a window that differs). The sink is checked first ([`Sink::resume`]) and
    /// the run starts after the points it already holds, so an interrupted
    /// run resumes where it stopped. An empty space still gets its header.
    ///
    /// The next window is computed while the calling thread writes the last
    /// (except on a [`sequential`](Executor::sequential) executor, or when
    /// called from inside a rayon pool), so a run that writes much takes the
    /// longer of computing and writing, not their sum.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, CsvSink};
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32 }
    ///
    /// let design = PDesign::product(PAxes { x: Axis::linspace(0.0, 1.0, 5) })?;
    /// let path = std::env::temp_dir().join(format!("run-into-{}.csv", std::process::id()));
    /// let mut sink = CsvSink::create(&path, "y")?;
    /// Executor::parallel().run_into(&design, |p: PLanes<'_, 8>| p.x + p.x, &mut sink)?;
    /// let text = std::fs::read_to_string(&path)?;
    /// assert_eq!(text.lines().next(), Some("x,y"));
    /// assert_eq!(text.lines().last(), Some("1.0,2.0"));
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`run`](Executor::run), with the point counted from the start of
    /// the space; [`ExecError::Sink`] if the sink is not this run's or fails.
    /// Windows before a failure stay written.
    pub fn run_into<'s, const V: usize, S, L, O, W>(
        &self,
        space: &'s S,
        kernel: impl Fn(L) -> O + Sync,
        sink: &mut W,
    ) -> Result<(), ExecError>
    where
        S: PackedSpace<V, Lanes<'s> = L> + Sync,
        S::Point: Record,
        O: Output<V>,
        O::Result: Send,
        W: Sink<O::Result>,
    {
        crate::simd::warn_if_below_cpu();
        let start = self.resume(space, V, sink)?;
        self.run_into_from::<V, S, _, O, W>(space, &kernel, sink, start)
    }

    /// The checks a streaming run makes before its first window: `n_pmap`
    /// (for packs of `lanes`), then the sink against the space (its header,
    /// its points): the point to start from.
    pub(super) fn resume<S, R, W>(
        &self,
        space: &S,
        lanes: usize,
        sink: &mut W,
    ) -> Result<usize, ExecError>
    where
        S: Space,
        S::Point: Record,
        W: Sink<R>,
    {
        self.blocks_for(space.len(), lanes)?;
        sink.resume(&crate::io::Table::header(space), space.len())
            .map_err(ExecError::Sink)
    }

    /// [`run_into`](Executor::run_into) from point `start`, where the sink
    /// resumed.
    pub(super) fn run_into_from<'s, const V: usize, S, K, O, W>(
        &self,
        space: &'s S,
        kernel: &K,
        sink: &mut W,
        start: usize,
    ) -> Result<(), ExecError>
    where
        S: PackedSpace<V> + Sync,
        S::Point: Record,
        K: Fn(S::Lanes<'s>) -> O + Sync,
        O: Output<V>,
        O::Result: Send,
        W: Sink<O::Result>,
    {
        let len = space.len();
        let reporter = Reporter::new(&self.progress, start, len);
        let write = |sink: &mut W, window: Range<usize>, out: &O::Result| {
            sink.write(&Slice::new(space, window), out)
                .map_err(ExecError::Sink)
        };
        let produce = |emit: &mut dyn FnMut(Range<usize>, O::Result) -> Result<(), ExecError>| {
            self.produce_windows::<V, S, _, O>(space, start, kernel, &reporter, emit)
        };
        // A caller inside a rayon pool keeps its windows in that pool.
        let in_pool = matches!(self.pool, Pool::Current) && rayon::current_thread_index().is_some();
        match self.pool {
            // All on the calling thread: compute a window, write it.
            Pool::Sequential => produce(&mut |window, out| write(sink, window, &out))?,
            _ if in_pool => produce(&mut |window, out| write(sink, window, &out))?,
            // The next window is computed (on a thread of its own, which
            // hands blocks to the pool) while this thread writes the last
            // one: a run is as fast as the slower of the two, not their sum.
            // At most two windows are held: the rendezvous channel makes the
            // producer wait with the next until the last is written.
            _ => std::thread::scope(|scope| {
                let (send, receive) = std::sync::mpsc::sync_channel::<(Range<usize>, O::Result)>(0);
                let producer = scope.spawn(move || {
                    produce(&mut |window, out| {
                        // The receiver is gone only after a failed write,
                        // whose error is the one returned.
                        send.send((window, out)).map_err(|_| {
                            let source = std::io::Error::other("the sink stopped taking windows");
                            ExecError::Sink(IoError::Stream {
                                role: "writer",
                                source,
                            })
                        })
                    })
                });
                let mut written = Ok(());
                for (window, out) in receive {
                    written = write(sink, window, &out);
                    if written.is_err() {
                        break;
                    }
                }
                let produced = producer
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
                written.and(produced)
            })?,
        }
        if len == 0 {
            write_empty::<S, O, V, W>(space, sink)?;
        }
        reporter.finish();
        Ok(())
    }

    /// Runs `f` on every point (fixed fields cloned into each) and returns the
    /// results in point order: the path for models that cannot be written
    /// with packs, and the reference SIMD kernels are tested against.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f64, #[space(fixed)] label: String }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 4.0, 9.0], label: "r".into() })?;
    /// let named = Executor::parallel().map(&space, |p: P| format!("{}={}", p.label, p.x.sqrt()))?;
    /// assert_eq!(named, ["r=1", "r=2", "r=3"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ExecError::KernelPanicked`] naming the first point (in point order)
    /// whose call panicked; [`ExecError::Layout`] if `n_pmap` is 0.
    pub fn map<S, F, R>(&self, space: &S, f: F) -> Result<Vec<R>, ExecError>
    where
        S: Space + Sync,
        F: Fn(S::Point) -> R + Sync,
        R: Send,
    {
        crate::simd::warn_if_below_cpu();
        let len = space.len();
        let n_blocks = self.blocks_for(len, 1)?;
        let per_block = len.div_ceil(n_blocks).max(1);
        let first_failed = AtomicUsize::new(usize::MAX);
        let reporter = Reporter::new(&self.progress, 0, len);
        let run_range = |b: usize| {
            let start = b.saturating_mul(per_block).min(len);
            let points = start..start.saturating_add(per_block).min(len);
            let done = points.len();
            let out = map_range(space, points, b, &f, &first_failed)?;
            report(&reporter, done, b, &first_failed)?;
            Ok(out)
        };
        let blocks = self.each_block(n_blocks, run_range);
        reporter.finish();
        Ok(first_error(blocks)?.into_iter().flatten().collect())
    }

    /// Runs the windows of a streaming run from point `start`, in order,
    /// handing each window's points and results to `emit`, and stops at the
    /// first error (of the run or of `emit`). The first window is one pack
    /// per thread: its results tell how many bytes a point's results take,
    /// and so how many points later windows hold (a time series of 1000
    /// samples takes 1000 times a scalar's room).
    fn produce_windows<'s, const V: usize, S, K, O>(
        &self,
        space: &'s S,
        start: usize,
        kernel: &K,
        reporter: &Reporter,
        emit: &mut dyn FnMut(Range<usize>, O::Result) -> Result<(), ExecError>,
    ) -> Result<(), ExecError>
    where
        S: PackedSpace<V> + Sync,
        K: Fn(S::Lanes<'s>) -> O + Sync,
        O: Output<V>,
    {
        let len = space.len();
        let mut windows = Windows::new(start, len, self.first_window::<V>());
        let mut samples = None;
        while let Some(window) = windows.next() {
            let slice = Slice::new(space, window.clone());
            let out = self
                .run_reporting::<V, Slice<'s, S>, _, O>(&slice, kernel, reporter)
                .map_err(|error| error.offset(window.start))?;
            // Within a window the output checks its time series; between
            // windows, this (the window's first point is the first to differ).
            if let (Some(expected), Some(found)) = (samples, O::samples(&out))
                && found != expected
            {
                return Err(ExecError::SampleCount {
                    point: window.start,
                    found,
                    expected,
                });
            }
            samples = samples.or(O::samples(&out));
            windows.resize(self.window_points_for::<V, O>(&out));
            emit(window, out)?;
        }
        Ok(())
    }

    /// Points per window of a streaming run: `n_pmap x 64` packs, `n_pmap`
    /// counted up to [`WINDOW_BLOCKS_MAX`].
    pub(crate) fn window_points<const V: usize>(&self) -> usize {
        self.blocks()
            .clamp(1, WINDOW_BLOCKS_MAX)
            .saturating_mul(V)
            .saturating_mul(WINDOW_PACKS_PER_BLOCK)
    }

    /// The first window of a streaming run: one pack per thread, so that
    /// its results (whose size per point is not yet known) stay small.
    fn first_window<const V: usize>(&self) -> usize {
        self.thread_count().max(1).saturating_mul(V)
    }

    /// [`window_points`](Executor::window_points), or fewer for results
    /// that take many bytes per point (as `out`'s do), so that a window
    /// holds at most [`WINDOW_BYTES`] of them, rounded down to whole packs
    /// per thread, but at least one pack per thread (what the threads hold
    /// at once anyway).
    fn window_points_for<const V: usize, O: Output<V>>(&self, out: &O::Result) -> usize {
        let packs = self.first_window::<V>();
        match O::point_bytes(out) {
            Some(bytes) if bytes > 0 => self
                .window_points::<V>()
                .min((WINDOW_BYTES / bytes / packs * packs).max(packs)),
            _ => self.window_points::<V>(),
        }
    }

    /// `run(b)` for every block `b < n`, in this executor's pool (or in a
    /// loop, for `sequential`), the results in block order.
    pub(super) fn each_block<T: Send>(
        &self,
        n: usize,
        run: impl Fn(usize) -> T + Sync + Send,
    ) -> Vec<T> {
        match &self.pool {
            Pool::Sequential => (0..n).map(run).collect(),
            Pool::Current => (0..n).into_par_iter().map(run).collect(),
            Pool::Owned(pool) => pool.install(|| (0..n).into_par_iter().map(run).collect()),
        }
    }
}

/// One block of a SIMD run: the kernel on each pack that holds a real point.
pub(super) fn run_block<'s, const V: usize, S, K, O>(
    block: Block<'s, S, V>,
    kernel: &K,
    first_failed: &AtomicUsize,
    reporter: &Reporter,
) -> Result<O::Block, BlockError>
where
    S: PackedSpace<V>,
    K: Fn(S::Lanes<'s>) -> O,
    O: Output<V>,
{
    let index = block.index();
    let points = block.points();
    let mut current = points.start;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = O::block(points.len().min(PREALLOCATED_RESULTS));
        for (m, lanes) in block.iter().enumerate() {
            let valid = lanes.valid();
            if valid == 0 {
                break; // the rest of the block is past N
            }
            if first_failed.load(Ordering::Relaxed) < index {
                return None;
            }
            current = points.start + m * V;
            if let Err(error) = kernel(lanes).push(&mut out, valid) {
                return Some(Err(error.offset(points.start)));
            }
        }
        Some(Ok(out))
    }));
    let out = settle(result, index, current, first_failed)?.map_err(|error| {
        first_failed.fetch_min(index, Ordering::Relaxed);
        BlockError::Output(error)
    })?;
    // Only finished blocks count: a failed run never reports 100 %.
    report(reporter, points.len(), index, first_failed)?;
    Ok(out)
}

/// Reports a finished block; a panicking callback fails the block (and so
/// stops later blocks) like a panicking kernel.
pub(super) fn report(
    reporter: &Reporter,
    points: usize,
    index: usize,
    first_failed: &AtomicUsize,
) -> Result<(), BlockError> {
    reporter.advance(points).map_err(|message| {
        first_failed.fetch_min(index, Ordering::Relaxed);
        BlockError::Progress { message }
    })
}

/// One block of a scalar run.
fn map_range<S, F, R>(
    space: &S,
    points: core::ops::Range<usize>,
    index: usize,
    f: &F,
    first_failed: &AtomicUsize,
) -> Result<Vec<R>, BlockError>
where
    S: Space,
    F: Fn(S::Point) -> R,
{
    let mut current = points.start;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::with_capacity(points.len().min(PREALLOCATED_RESULTS));
        for i in points.clone() {
            if first_failed.load(Ordering::Relaxed) < index {
                return None;
            }
            current = i;
            // A `Space` with no point below its `len()` breaks the trait's
            // contract; the panic is caught and reported at point `i`.
            #[allow(clippy::expect_used)]
            let point = space
                .get(i)
                .expect("a space has a point at every index below len()");
            out.push(f(point));
        }
        Some(out)
    }));
    settle(result, index, current, first_failed)
}

/// Turns a block's caught outcome into its result, recording a failure so
/// later blocks can stop early.
pub(super) fn settle<T>(
    result: std::thread::Result<Option<T>>,
    index: usize,
    point: usize,
    first_failed: &AtomicUsize,
) -> Result<T, BlockError> {
    match result {
        Ok(Some(out)) => Ok(out),
        Ok(None) => Err(BlockError::Skipped),
        Err(payload) => {
            first_failed.fetch_min(index, Ordering::Relaxed);
            Err(BlockError::Panicked {
                point,
                message: panic_message(payload),
            })
        }
    }
}

/// The blocks' results in order, or the error of the first block that
/// panicked. A skipped block always follows a panicked one, so the first
/// error in block order is a panic.
pub(super) fn first_error<T>(blocks: Vec<Result<T, BlockError>>) -> Result<Vec<T>, ExecError> {
    let mut ok = Vec::with_capacity(blocks.len());
    for block in blocks {
        match block {
            Ok(out) => ok.push(out),
            Err(BlockError::Panicked { point, message }) => {
                return Err(ExecError::KernelPanicked { point, message });
            }
            Err(BlockError::Progress { message }) => {
                return Err(ExecError::ProgressPanicked { message });
            }
            Err(BlockError::Output(error)) => return Err(error.into()),
            #[allow(clippy::unreachable)] // blocks skip only after a failure, met first
            Err(BlockError::Skipped) => {
                unreachable!("a block is skipped only after an earlier block panicked")
            }
        }
    }
    Ok(ok)
}

pub(crate) fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(message) => (*message).to_owned(),
            Err(_) => "a panic with a non-string payload".to_owned(),
        },
    }
}

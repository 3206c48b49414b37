//! The lane count chosen for the user: a kernel written once, generic over
//! `V`, instantiated at several widths ([`widths!`](crate::widths)), timed
//! on a prefix of the run, and the rest run at the fastest.
//!
//! Every point's result depends only on its own lanes, never on `V`, so
//! the choice changes speed and nothing else: the prefix's results are
//! kept (no point is computed twice), and the run's results are those of
//! any fixed `V`, bit for bit.
//!
//! The trial is FFTW's planner at the smallest scale that still measures:
//! each task (one per thread) runs one pack of every width, three rounds in alternating
//! order, timing each pack alone (no dispatch in the figure), and each
//! width's cost is its fastest pack's time per point. A pack of `V` lanes
//! holds `V` points, so a narrow width costs no more to try than a wide
//! one: on W1 (65,536 points, 2 threads) the trial is 720 points, 1.1 % of
//! the run; its narrow packs' own cost is about 0.3 % of it.

// Indices are width numbers below `lanes().len()`, which is at least 1
// (the macro takes one width or more).
#![allow(clippy::indexing_slicing)]

use super::executor::{BlockError, Executor, first_error, panic_message, run_block};
use super::output::Output;
use super::progress::{Progress, Reporter};
use super::sink::Sink;
use crate::error::{ExecError, OutputError};
use crate::io::Record;
use crate::space::{CollectOptions, Lanes, PackedSpace, Slice, Space};
use core::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Rounds of the trial: each task runs one pack of every width per
/// round, in alternating order (so that a width is not always the first,
/// cold, or the last).
const ROUNDS: usize = 3;

/// The run must hold this many times the trial's points for the trial to
/// run; a smaller run takes [`default_lanes`] untimed (its time is then
/// small, or its points few and long, where a trial of one pack per width
/// could not be repeated).
const RUN_PER_TRIAL: usize = 16;

/// After the first round, a task skips the widths whose fastest pack took
/// more than this times its fastest width's time per point.
const SKIP_ABOVE: f64 = 1.25;

/// A kernel at `V` lanes: one entry of [`Widths`], made by
/// [`widths!`](crate::widths).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Width<const V: usize, K>(K);

impl<const V: usize, K> Width<V, K> {
    #[doc(hidden)]
    pub fn __new(kernel: K) -> Self {
        Width(kernel)
    }
}

/// One kernel at several lane counts, for [`Executor::run_auto`]: made by
/// [`widths!`](crate::widths) from a kernel generic over `V`.
#[derive(Clone, Copy, Debug)]
pub struct Widths<T>(T);

impl<T> Widths<T> {
    #[doc(hidden)]
    pub fn __new(kernels: T) -> Self {
        Widths(kernels)
    }
}

/// A kernel written once, generic over the lane count, at several lane
/// counts: the argument of [`Executor::run_auto`], which times them on a
/// prefix of the run and runs the rest at the fastest.
///
/// `widths!(kernel)` takes `V` = 8, 16, 32 and 64 (every width `f32`, `i32`
/// and `u32` have from one AVX2 register to eight); name the widths to try
/// after a `;` (`widths!(kernel; 4, 8, 16, 32)` for a kernel with `f64` or
/// `i64` fields, which have no 64-lane pack): one to eight widths, as
/// integer literals. `kernel` is the path of a function generic over
/// `const V: usize` (not a closure: a closure has one type, so one `V`);
/// it must work at every width given, since a timed run tries each.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f64 }
///
/// fn cube<const V: usize>(p: PLanes<'_, V>) -> F64<V> where f64: Float<V> { p.x * p.x * p.x }
///
/// let space = PSpace::new(PColumns { x: vec![2.0; 100] })?;
/// let out = Executor::parallel().run_auto(&space, widths!(cube; 4, 8, 16, 32))?;
/// assert_eq!(out, vec![8.0; 100]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! widths {
    ($($kernel:ident)::+) => {
        $crate::widths!($($kernel)::+; 8, 16, 32, 64)
    };
    ($($kernel:ident)::+; $($lanes:literal),+ $(,)?) => {
        $crate::widths!(@path [$($kernel)::+] $($lanes),+)
    };
    // Each width names its `V` (`kernel::<8>`): inferred instead, it would
    // take the `V` of a generic function the call stands in.
    (@path $kernel:tt $($lanes:literal),+) => {
        $crate::Widths::__new(($($crate::__width!($kernel $lanes),)+))
    };
    ($($other:tt)*) => {
        ::core::compile_error!(
            "`widths!` takes the path of a function generic over `const V: usize` \
             (`widths!(kernel)`, or `widths!(kernel; 4, 8, 16, 32)` with literal widths, \
             at most eight): a closure has one type, so one `V`"
        )
    };
}

/// One width of [`widths!`]: `kernel::<V>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __width {
    ([$($kernel:tt)*] $lanes:literal) => {
        $crate::__private::Width::<$lanes, _>::__new($($kernel)*::<$lanes>)
    };
}

/// What [`Executor::run_auto_tuned`] and [`Executor::run_into_auto`]
/// measured and chose.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Tuning {
    /// The lane count that ran most of the points after the trial (blocks
    /// that started before every task's trial had ended took the fastest
    /// width known then).
    pub lanes: usize,
    /// Each width tried, with its fastest pack's time per point in
    /// nanoseconds, in the order of [`widths!`](crate::widths); empty when
    /// the run was too small to time (it ran at [`Tuning::lanes`] whole:
    /// four registers of the build, [`NATIVE_F32_LANES`](crate::NATIVE_F32_LANES)
    /// x 4, or the widest width given up to that, else the narrowest).
    pub trials: Vec<(usize, f64)>,
    /// Points of the trial: the first of the run, or of what a streaming
    /// run's sink did not hold yet.
    pub trial_points: usize,
}

/// What is done with one width's kernel: [`Candidates::visit`] hands it
/// over with its `V`, which a generic method can name and a closure
/// cannot.
#[doc(hidden)]
pub trait WidthVisitor<'s, S: Space + 's, C: Candidates<'s, S> + ?Sized> {
    type Out;
    fn visit<const V: usize, K, O>(self, kernel: &K) -> Self::Out
    where
        S: PackedSpace<V>,
        K: Fn(<S as PackedSpace<V>>::Lanes<'s>) -> O + Sync,
        O: Output<V, Block = C::Block, Result = C::Result>;
}

/// A kernel at several widths whose results are of one type: implemented
/// for [`Widths`] of one to eight widths of a kernel over `S`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a kernel at several lane counts over this space",
    label = "made by `widths!(kernel)`",
    note = "pass `widths!(kernel)`, `kernel` a function generic over `const V: usize` taking the space's lanes (`XLanes<'_, V>`); name the widths for kernels with `f64` or `i64` fields: `widths!(kernel; 4, 8, 16, 32)`"
)]
pub trait Candidates<'s, S: Space + 's>: Sync + sealed::Sealed {
    /// The run's result (the same at every width).
    type Result;
    /// One block's results (the same at every width).
    #[doc(hidden)]
    type Block: Send;
    /// The lane counts, in order.
    #[doc(hidden)]
    fn lanes(&self) -> &'static [usize];
    /// Hands the kernel at width `index` to `visitor`.
    #[doc(hidden)]
    fn visit<W: WidthVisitor<'s, S, Self>>(&self, index: usize, visitor: W) -> W::Out;
    /// An empty block with room for `points` results.
    #[doc(hidden)]
    fn block(points: usize) -> Self::Block;
    /// Joins blocks of any width into the run's result.
    #[doc(hidden)]
    fn finish(blocks: Vec<Self::Block>, len: usize) -> Result<Self::Result, OutputError>;
}

mod sealed {
    /// Only [`Widths`](super::Widths) are [`Candidates`](super::Candidates).
    pub trait Sealed {}
    impl<T> Sealed for super::Widths<T> {}
}

macro_rules! candidates_for_tuples {
    ($(($n0:tt $v0:ident $k0:ident $o0:ident $(, $n:tt $v:ident $k:ident $o:ident)*))+) => {$(
        impl<'s, S, const $v0: usize, $k0, $o0 $(, const $v: usize, $k, $o)*> Candidates<'s, S>
            for Widths<(Width<$v0, $k0>, $(Width<$v, $k>,)*)>
        where
            S: Space + 's + PackedSpace<$v0> $(+ PackedSpace<$v>)*,
            $k0: Fn(<S as PackedSpace<$v0>>::Lanes<'s>) -> $o0 + Sync,
            $o0: Output<$v0>,
            $(
                $k: Fn(<S as PackedSpace<$v>>::Lanes<'s>) -> $o + Sync,
                $o: Output<$v, Block = <$o0 as Output<$v0>>::Block, Result = <$o0 as Output<$v0>>::Result>,
            )*
        {
            type Result = <$o0 as Output<$v0>>::Result;
            type Block = <$o0 as Output<$v0>>::Block;
            fn lanes(&self) -> &'static [usize] {
                &[$v0 $(, $v)*]
            }
            fn visit<W: WidthVisitor<'s, S, Self>>(&self, index: usize, visitor: W) -> W::Out {
                let _ = index; // one width: nothing to choose
                $(
                    if index == $n {
                        return visitor.visit::<$v, $k, $o>(&(self.0).$n.0);
                    }
                )*
                // Index 0, and any index past the widths (none is asked for).
                visitor.visit::<$v0, $k0, $o0>(&(self.0).$n0.0)
            }
            fn block(points: usize) -> Self::Block {
                <$o0 as Output<$v0>>::block(points)
            }
            fn finish(blocks: Vec<Self::Block>, len: usize) -> Result<Self::Result, OutputError> {
                <$o0 as Output<$v0>>::finish(blocks, len)
            }
        }
    )+};
}

candidates_for_tuples! {
    (0 V0 K0 O0)
    (0 V0 K0 O0, 1 V1 K1 O1)
    (0 V0 K0 O0, 1 V1 K1 O1, 2 V2 K2 O2)
    (0 V0 K0 O0, 1 V1 K1 O1, 2 V2 K2 O2, 3 V3 K3 O3)
    (0 V0 K0 O0, 1 V1 K1 O1, 2 V2 K2 O2, 3 V3 K3 O3, 4 V4 K4 O4)
    (0 V0 K0 O0, 1 V1 K1 O1, 2 V2 K2 O2, 3 V3 K3 O3, 4 V4 K4 O4, 5 V5 K5 O5)
    (0 V0 K0 O0, 1 V1 K1 O1, 2 V2 K2 O2, 3 V3 K3 O3, 4 V4 K4 O4, 5 V5 K5 O5, 6 V6 K6 O6)
    (0 V0 K0 O0, 1 V1 K1 O1, 2 V2 K2 O2, 3 V3 K3 O3, 4 V4 K4 O4, 5 V5 K5 O5, 6 V6 K6 O6, 7 V7 K7 O7)
}

impl Executor {
    /// Runs a kernel written once for every lane count at the width that is
    /// fastest here: `widths!(kernel)` instantiates it at `V` = 8, 16, 32
    /// and 64; one task per thread times one pack of every width (three
    /// rounds in alternating order, after the first only the widths within
    /// 1.25x of its fastest: a prefix of 720 points with 2 threads, 1.1 % of
    /// a W1-sized run), and the rest of the run goes, block by block, at the
    /// width whose fastest pack took the least time per point so far. The
    /// results are those of [`run`](Executor::run) at any of the widths, bit
    /// for bit: a point's result does not depend on `V`, and the trial's
    /// results are kept, not computed twice.
    ///
    /// A task times its trial only where the run holds 16 times its points
    /// (`16 x 3 x (8 + 16 + 32 + 64)` = 5,760 points with the default
    /// widths); a smaller run runs untimed at four registers of the build,
    /// `4 *` [`NATIVE_F32_LANES`](crate::NATIVE_F32_LANES) (the widest
    /// width given up to that, else the narrowest). A run that fails is run
    /// again untimed at that width, without reporting progress again: its
    /// packs do not depend on timing, so the error names the same point
    /// every time. A kernel must work at every width given: one that fails
    /// only at a width the trial tried fails the run with that failure.
    /// [`run_auto_tuned`](Executor::run_auto_tuned) also says what was
    /// measured and chosen.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct Node { eta: f32, #[space(fixed)] steps: usize }
    ///
    /// fn relax<const V: usize>(p: NodeLanes<'_, V>) -> F32<V>
    /// where
    ///     f32: Float<V>,
    /// {
    ///     let mut x = F32::<V>::splat(0.0);
    ///     for _ in 0..*p.steps {
    ///         x = (p.eta - x).mul_add(F32::<V>::splat(0.1), x);
    ///     }
    ///     x
    /// }
    ///
    /// let space = NodeSpace::new(NodeColumns { eta: (0..20_000).map(|i| i as f32).collect(), steps: 50 })?;
    /// let executor = Executor::parallel();
    /// let auto = executor.run_auto(&space, widths!(relax))?;
    /// assert_eq!(auto, executor.run(&space, relax::<16>)?); // bit for bit
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`run`](Executor::run).
    pub fn run_auto<'s, S, W>(&self, space: &'s S, widths: W) -> Result<W::Result, ExecError>
    where
        S: Space + Sync + 's,
        W: Candidates<'s, S>,
    {
        self.run_auto_tuned(space, widths).map(|(result, _)| result)
    }

    /// [`run_auto`](Executor::run_auto), also returning what the trial
    /// measured and which width it chose.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32 }
    ///
    /// fn twice<const V: usize>(p: PLanes<'_, V>) -> F32<V> where f32: Float<V> { p.x + p.x }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0; 100_000] })?;
    /// let (out, tuning) = Executor::parallel().run_auto_tuned(&space, widths!(twice; 8, 16))?;
    /// assert_eq!(out, vec![2.0; 100_000]);
    /// assert!([8, 16].contains(&tuning.lanes));
    /// assert_eq!(tuning.trials.iter().map(|&(v, _)| v).collect::<Vec<_>>(), [8, 16]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`run`](Executor::run).
    pub fn run_auto_tuned<'s, S, W>(
        &self,
        space: &'s S,
        widths: W,
    ) -> Result<(W::Result, Tuning), ExecError>
    where
        S: Space + Sync + 's,
        W: Candidates<'s, S>,
    {
        crate::simd::warn_if_below_cpu();
        self.check_layout(space, &widths)?;
        let reporter = Reporter::new(&self.progress, 0, space.len());
        let timed = self.tuned(space, &widths, &reporter, Run::Whole { timed: true });
        reporter.finish();
        let (blocks, tuning) = match timed {
            Ok(done) => done,
            Err(error @ ExecError::ProgressPanicked { .. }) => return Err(error),
            // A failure is named by a run whose packs do not depend on
            // timing: the whole run again, untimed, at the default width
            // (its progress not reported again). If that run succeeds, the
            // kernel failed at another width only: the first failure stands.
            Err(first) => {
                let quiet = Reporter::new(&Progress::Off, 0, space.len());
                self.tuned(space, &widths, &quiet, Run::Whole { timed: false })?;
                return Err(first);
            }
        };
        Ok((W::finish(blocks, space.len())?, tuning))
    }

    /// [`run_into`](Executor::run_into) at the width that is fastest here:
    /// the sink is checked first ([`Sink::resume`]), the trial of
    /// [`run_auto`](Executor::run_auto) runs on the first points the sink
    /// does not hold yet (its results dropped, so those points are computed
    /// twice: the sink takes the run's windows in point order), then
    /// `run_into` from there at the winner. A kernel that fails in the
    /// trial fails the run before the sink takes a window; the point named
    /// is the first of the failing pack, whose start (within the widest
    /// width) depends on which task took which of the trial's packs.
    /// Returns what the trial measured and chose.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, CsvSink};
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32 }
    ///
    /// fn double<const V: usize>(p: PLanes<'_, V>) -> F32<V> where f32: Float<V> { p.x + p.x }
    ///
    /// let design = PDesign::product(PAxes { x: Axis::linspace(0.0, 1.0, 5) })?;
    /// let path = std::env::temp_dir().join(format!("run-into-auto-{}.csv", std::process::id()));
    /// let mut sink = CsvSink::create(&path, "y")?;
    /// let tuning = Executor::parallel().run_into_auto(&design, widths!(double), &mut sink)?;
    /// assert!(tuning.trials.is_empty()); // 5 points: too few to time
    /// assert_eq!(std::fs::read_to_string(&path)?.lines().last(), Some("1.0,2.0"));
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`run_into`](Executor::run_into); a kernel that panics in the
    /// trial fails the run before the sink is touched.
    pub fn run_into_auto<'s, S, W, K>(
        &self,
        space: &'s S,
        widths: W,
        sink: &mut K,
    ) -> Result<Tuning, ExecError>
    where
        S: Space + Sync + 's,
        S::Point: Record,
        W: Candidates<'s, S>,
        W::Result: Send,
        K: Sink<W::Result>,
    {
        crate::simd::warn_if_below_cpu();
        self.check_layout(space, &widths)?;
        let lanes = widths.lanes();
        let start = self.resume(space, lanes[0], sink)?;
        let quiet = Reporter::new(&Progress::Off, 0, space.len());
        // A failure in the trial fails the run before the sink takes a window.
        let (_, tuning) = self.tuned(space, &widths, &quiet, Run::TrialFrom(start))?;
        let chosen = lanes.iter().position(|&v| v == tuning.lanes).unwrap_or(0);
        widths.visit(
            chosen,
            RunInto {
                executor: self,
                space,
                sink,
                start,
            },
        )?;
        Ok(tuning)
    }

    /// The trial and, if `with_rest`, the rest of the run: its blocks in
    /// point order (of the trial alone otherwise) and what was measured.
    fn tuned<'s, S, W>(
        &self,
        space: &'s S,
        widths: &W,
        reporter: &Reporter,
        run: Run,
    ) -> Result<(Vec<W::Block>, Tuning), ExecError>
    where
        S: Space + Sync + 's,
        W: Candidates<'s, S>,
    {
        let len = space.len();
        let lanes = widths.lanes();
        let widest = lanes.iter().copied().max().unwrap_or(1);
        let per_task = ROUNDS * lanes.iter().sum::<usize>();
        let threads = self.thread_count().max(1);
        let (first, with_rest) = match run {
            Run::Whole { timed: true } => (0, true),
            Run::Whole { timed: false } => (len, true),
            Run::TrialFrom(first) => (first.min(len), false),
        };
        // One task's trial needs 16 times its points of the run left.
        let trial_tasks =
            threads.min((len - first) / per_task.saturating_mul(RUN_PER_TRIAL).max(1));
        let (trial_start, trial_end) = if with_rest && trial_tasks == 0 {
            (0, 0)
        } else {
            (first, first + trial_tasks * per_task)
        };
        let rest = if with_rest { len - trial_end } else { 0 };
        let n_blocks = self.blocks_for(rest, widest)?;
        // Whole packs of the widest width per block (unless that overflows:
        // a design of nearly 2^64 points in one block).
        let block_len = rest.div_ceil(n_blocks);
        let block_len = block_len
            .checked_next_multiple_of(widest)
            .unwrap_or(block_len)
            .max(widest);
        let plan = Schedule {
            widths,
            space,
            trial_tasks,
            trial_end,
            block_len,
            n_blocks: rest.div_ceil(block_len),
            cursor: AtomicUsize::new(trial_start),
            next_block: AtomicUsize::new(0),
            failed_at: AtomicUsize::new(usize::MAX),
            measured: Mutex::new(vec![f64::INFINITY; lanes.len()]),
            ran: lanes.iter().map(|_| AtomicUsize::new(0)).collect(),
            reporter,
        };
        let tasks = if with_rest { threads } else { trial_tasks };
        let mut parts: Parts<W::Block> = self
            .each_block(tasks, |task| plan.task(task))
            .into_iter()
            .flatten()
            .collect();
        parts.sort_by_key(|&(start, _)| start);
        let blocks = first_error(parts.into_iter().map(|(_, part)| part).collect())?;
        let trials = plan.measured();
        // The width that ran most of the rest (blocks that started before
        // every task's trial had ended took the fastest known then).
        let ran: Vec<usize> = plan.ran.iter().map(|n| n.load(Ordering::Relaxed)).collect();
        let chosen = match ran.iter().enumerate().max_by_key(|&(_, n)| *n) {
            Some((i, &n)) if n > 0 => i,
            _ => plan.choice(&trials),
        };
        let tuning = Tuning {
            lanes: lanes[chosen],
            trials: if trial_tasks == 0 {
                Vec::new()
            } else {
                lanes.iter().copied().zip(trials).collect()
            },
            trial_points: trial_end - trial_start,
        };
        Ok((blocks, tuning))
    }

    /// The layout errors [`run`](Executor::run) reports for this space
    /// and executor (`n_pmap` 0, more lanes than `usize` counts), at the
    /// first width: a tuned run's blocks are cut otherwise and would not
    /// meet them.
    fn check_layout<'s, S, W>(&self, space: &'s S, widths: &W) -> Result<(), ExecError>
    where
        S: Space + Sync + 's,
        W: Candidates<'s, S>,
    {
        widths.visit(
            0,
            CheckLayout {
                executor: self,
                space,
            },
        )
    }
}

/// Which part of a run [`Executor::tuned`] runs.
#[derive(Clone, Copy)]
enum Run {
    /// The whole run: the trial (if `timed` and the run is large enough)
    /// and the rest.
    Whole { timed: bool },
    /// Only a trial, on the points from this one (a streaming run's resume).
    TrialFrom(usize),
}

/// One tuned run, shared by its tasks: the trial (points
/// `0..trial_end`, taken pack by pack from `cursor` by the first
/// `trial_tasks` tasks), then the rest in blocks of `block_len` points
/// taken from `next_block` by every task, each at the width measured
/// fastest so far. One parallel dispatch for both: a second would cost
/// W1 about 3 % (the threads are woken again; `bench-results/split-dispatch.log`).
struct Schedule<'p, 's, S, W> {
    widths: &'p W,
    space: &'s S,
    trial_tasks: usize,
    trial_end: usize,
    block_len: usize,
    n_blocks: usize,
    cursor: AtomicUsize,
    next_block: AtomicUsize,
    /// The first point of the first part that failed: later parts are not run.
    failed_at: AtomicUsize,
    /// Each width's fastest time per point (ns) over the trial's packs so far.
    measured: Mutex<Vec<f64>>,
    /// Points of the rest each width ran.
    ran: Vec<AtomicUsize>,
    reporter: &'p Reporter,
}

/// A task's parts of the run: each result with its first point.
type Parts<B> = Vec<(usize, Result<B, BlockError>)>;

impl<'s, S, W> Schedule<'_, 's, S, W>
where
    S: Space + Sync + 's,
    W: Candidates<'s, S>,
{
    /// Task `task`: its share of the trial (if it has one), then blocks of
    /// the rest until none is left or a part failed.
    fn task(&self, task: usize) -> Parts<W::Block> {
        let mut parts = Vec::new();
        if task < self.trial_tasks && !self.trial(&mut parts) {
            return parts;
        }
        loop {
            let b = self.next_block.fetch_add(1, Ordering::Relaxed);
            if b >= self.n_blocks {
                return parts;
            }
            let start = self
                .trial_end
                .saturating_add(b.saturating_mul(self.block_len));
            if self.failed_at.load(Ordering::Relaxed) < start {
                return parts;
            }
            let end = start.saturating_add(self.block_len).min(self.space.len());
            let chosen = self.choice(&self.measured());
            self.ran[chosen].fetch_add(end - start, Ordering::Relaxed);
            let block = self.widths.visit(
                chosen,
                RunBlock {
                    space: self.space,
                    points: start..end,
                    reporter: self.reporter,
                },
            );
            let failed = block.is_err();
            parts.push((start, block));
            if failed {
                self.failed_at.fetch_min(start, Ordering::Relaxed);
                return parts;
            }
        }
    }

    /// One task's trial: a pack of every width per round, those more than
    /// [`SKIP_ABOVE`] times slower than the task's fastest skipped after the
    /// first round, then packs of its fastest until the trial's points are
    /// all taken. False if a pack failed.
    fn trial(&self, parts: &mut Parts<W::Block>) -> bool {
        let lanes = self.widths.lanes();
        let mut fastest = vec![f64::INFINITY; lanes.len()];
        for round in 0..ROUNDS {
            let best = fastest.iter().copied().fold(f64::INFINITY, f64::min);
            for step in 0..lanes.len() {
                // Alternate the order: a width is not always first.
                let w = if round % 2 == 0 {
                    step
                } else {
                    lanes.len() - 1 - step
                };
                if fastest[w] > best * SKIP_ABOVE {
                    continue;
                }
                match self.trial_pack(w, parts) {
                    Some(Ok(nanos)) => fastest[w] = fastest[w].min(nanos / lanes[w] as f64),
                    Some(Err(())) => return false,
                    None => {}
                }
            }
            let mut measured = self.lock();
            for (all, mine) in measured.iter_mut().zip(&fastest) {
                *all = all.min(*mine);
            }
        }
        // The trial's points that skipped widths left, at this task's fastest.
        let mine = self.choice(&fastest);
        loop {
            match self.trial_pack(mine, parts) {
                Some(Ok(_)) => {}
                Some(Err(())) => return false,
                None => return true,
            }
        }
    }

    /// The next pack of the trial at width `w`, its time in nanoseconds;
    /// `None` when the trial's points are all taken.
    fn trial_pack(&self, w: usize, parts: &mut Parts<W::Block>) -> Option<Result<f64, ()>> {
        let lanes = self.widths.lanes()[w];
        let start = self.cursor.fetch_add(lanes, Ordering::Relaxed);
        if start >= self.trial_end {
            return None;
        }
        let end = (start + lanes).min(self.trial_end);
        let mut block = W::block(lanes);
        let clock = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            self.widths.visit(
                w,
                RunPack {
                    space: self.space,
                    points: start..end,
                    block: &mut block,
                },
            )
        }));
        let nanos = clock.elapsed().as_nanos() as f64;
        // Only packs that ran count: a failed run never reports 100 %.
        let part = match outcome {
            Ok(Ok(())) => match self.reporter.advance(end - start) {
                Ok(()) => Ok(block),
                Err(message) => Err(BlockError::Progress { message }),
            },
            Ok(Err(error)) => Err(BlockError::Output(error)),
            Err(payload) => Err(BlockError::Panicked {
                point: start,
                message: panic_message(payload),
            }),
        };
        let failed = part.is_err();
        parts.push((start, part));
        if failed {
            self.failed_at.fetch_min(start, Ordering::Relaxed);
            return Some(Err(()));
        }
        // A partial pack (the trial's last) is not a fair time.
        Some(Ok(if end - start == lanes {
            nanos
        } else {
            f64::INFINITY
        }))
    }

    /// The measurements so far (a poisoned lock still holds numbers).
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<f64>> {
        self.measured
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn measured(&self) -> Vec<f64> {
        self.lock().clone()
    }

    /// The width to run at after `measured`: the fastest, or, before any
    /// measurement (a run too small to time), [`default_lanes`].
    fn choice(&self, measured: &[f64]) -> usize {
        if measured.iter().all(|t| t.is_infinite()) {
            default_lanes(self.widths.lanes())
        } else {
            fastest(measured)
        }
    }
}

/// The index of the width a run too small to time takes: the widest of at
/// most four registers of the build (W1 and W3 were fastest there on an
/// AVX-512 Xeon; on AVX2 this default is not measured), or the narrowest
/// if all are wider.
fn default_lanes(lanes: &[usize]) -> usize {
    let four_registers = 4 * crate::simd::NATIVE_F32_LANES;
    lanes
        .iter()
        .enumerate()
        .filter(|&(_, &v)| v <= four_registers)
        .max_by_key(|&(_, &v)| v)
        .or_else(|| lanes.iter().enumerate().min_by_key(|&(_, &v)| v))
        .map_or(0, |(i, _)| i)
}

/// The index of the smallest time per point (the first of equals).
fn fastest(nanos_per_point: &[f64]) -> usize {
    let mut best = 0;
    for (i, &t) in nanos_per_point.iter().enumerate() {
        if t < nanos_per_point[best] {
            best = i;
        }
    }
    best
}

/// One pack of the trial at its width, its results pushed to `block`.
struct RunPack<'a, 's, S: Space, B> {
    space: &'s S,
    points: Range<usize>,
    block: &'a mut B,
}

impl<'s, S, C> WidthVisitor<'s, S, C> for RunPack<'_, 's, S, C::Block>
where
    S: Space + 's,
    C: Candidates<'s, S> + ?Sized,
{
    type Out = Result<(), OutputError>;
    #[inline]
    fn visit<const V: usize, K, O>(self, kernel: &K) -> Self::Out
    where
        S: PackedSpace<V>,
        K: Fn(<S as PackedSpace<V>>::Lanes<'s>) -> O + Sync,
        O: Output<V, Block = C::Block, Result = C::Result>,
    {
        let lanes = self
            .space
            .load_until(self.points.start, self.points.end, f64::NAN);
        let valid = lanes.valid();
        kernel(lanes)
            .push(self.block, valid)
            .map_err(|error| error.offset(self.points.start))
    }
}

/// One block of the rest at one width: the executor's block loop on the
/// block's points.
struct RunBlock<'a, 's, S> {
    space: &'s S,
    points: Range<usize>,
    reporter: &'a Reporter,
}

impl<'s, S, C> WidthVisitor<'s, S, C> for RunBlock<'_, 's, S>
where
    S: Space + Sync + 's,
    C: Candidates<'s, S> + ?Sized,
{
    type Out = Result<C::Block, BlockError>;
    fn visit<const V: usize, K, O>(self, kernel: &K) -> Self::Out
    where
        S: PackedSpace<V>,
        K: Fn(<S as PackedSpace<V>>::Lanes<'s>) -> O + Sync,
        O: Output<V, Block = C::Block, Result = C::Result>,
    {
        let start = self.points.start;
        let slice = Slice::new(self.space, self.points);
        let options = CollectOptions {
            n_pmap: 1,
            fill: f64::NAN,
        };
        let layout = match slice.collect_with::<V>(options) {
            Ok(layout) => layout,
            // Only n_pmap = 0 and lane counts past usize are refused; a
            // block is a part of a layout `check_layout` accepted.
            #[allow(clippy::unreachable)]
            Err(_) => unreachable!("one block is a valid layout"),
        };
        let Some(block) = layout.block(0) else {
            return Ok(O::block(0));
        };
        // The block's own failure flag: this run's is `Schedule::failed_at`.
        let failed = AtomicUsize::new(usize::MAX);
        run_block::<V, Slice<'s, S>, K, O>(block, kernel, &failed, self.reporter)
            .map_err(|error| error.offset(start))
    }
}

/// A streaming run at one width, from where the sink resumed.
struct RunInto<'a, 's, S, K> {
    executor: &'a Executor,
    space: &'s S,
    sink: &'a mut K,
    start: usize,
}

impl<'s, S, C, K> WidthVisitor<'s, S, C> for RunInto<'_, 's, S, K>
where
    S: Space + Sync + 's,
    S::Point: Record,
    C: Candidates<'s, S> + ?Sized,
    C::Result: Send,
    K: Sink<C::Result>,
{
    type Out = Result<(), ExecError>;
    fn visit<const V: usize, F, O>(self, kernel: &F) -> Self::Out
    where
        S: PackedSpace<V>,
        F: Fn(<S as PackedSpace<V>>::Lanes<'s>) -> O + Sync,
        O: Output<V, Block = C::Block, Result = C::Result>,
    {
        self.executor
            .run_into_from::<V, S, F, O, K>(self.space, kernel, self.sink, self.start)
    }
}

/// [`run`](Executor::run)'s layout checks at one width.
struct CheckLayout<'a, 's, S> {
    executor: &'a Executor,
    space: &'s S,
}

impl<'s, S, C> WidthVisitor<'s, S, C> for CheckLayout<'_, 's, S>
where
    S: Space + Sync + 's,
    C: Candidates<'s, S> + ?Sized,
{
    type Out = Result<(), ExecError>;
    fn visit<const V: usize, F, O>(self, _: &F) -> Self::Out
    where
        S: PackedSpace<V>,
        F: Fn(<S as PackedSpace<V>>::Lanes<'s>) -> O + Sync,
        O: Output<V, Block = C::Block, Result = C::Result>,
    {
        let options = CollectOptions {
            n_pmap: self.executor.blocks_for(self.space.len(), V)?,
            fill: f64::NAN,
        };
        self.space.collect_with::<V>(options)?;
        Ok(())
    }
}

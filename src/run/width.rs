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
//! each thread runs one pack of every width, three rounds in alternating
//! order, timing each pack alone (no dispatch in the figure), and each
//! width's cost is its fastest pack's time per point. A pack of `V` lanes
//! holds `V` points, so a narrow width costs no more to try than a wide
//! one: on W1 (65,536 points, 2 threads) the trial is 720 points, 1.1 % of
//! the run, at a cost under 1 % of it.

// Indices are width numbers below `lanes().len()`, which is at least 1
// (the macro takes one width or more).
#![allow(clippy::indexing_slicing)]

use super::executor::{BlockError, Executor, first_error, report, settle};
use super::output::Output;
use super::progress::Reporter;
use crate::error::{ExecError, OutputError};
use crate::space::{Lanes, PackedSpace, Slice, Space};
use core::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

/// Rounds of the trial: each thread runs one pack of every width per
/// round, in alternating order (so that a width is not always the first,
/// cold, or the last).
const ROUNDS: usize = 3;

/// The run must hold this many times the trial's points for the trial to
/// run; a smaller run takes [`default_lanes`] untimed (its time is then
/// small, or its points few and long, where a trial of one pack per width
/// could not be repeated).
const RUN_PER_TRIAL: usize = 16;

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
/// `i64` fields, which have no 64-lane pack). `kernel` is a function
/// generic over `const V: usize` (a path, not a closure: a closure has one
/// type, so one `V`).
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
    ($kernel:expr) => {
        $crate::widths!($kernel; 8, 16, 32, 64)
    };
    ($kernel:expr; $($lanes:literal),+ $(,)?) => {
        $crate::Widths::__new(($($crate::__private::Width::<$lanes, _>::__new($kernel),)+))
    };
}

/// What [`Executor::run_auto_tuned`] measured and chose.
#[derive(Clone, Debug, PartialEq)]
pub struct Tuning {
    /// The lane count the run (after the trial) ran at.
    pub lanes: usize,
    /// Each width tried, with its fastest pack's time per point in
    /// nanoseconds, in the order of [`widths!`](crate::widths); empty when
    /// the run was too small to time (it ran at [`Tuning::lanes`] whole:
    /// four registers of the build, [`NATIVE_F32_LANES`](crate::NATIVE_F32_LANES)
    /// x 4, or the nearest width given).
    pub trials: Vec<(usize, f64)>,
    /// Points of the trial, at the start of the run.
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
pub trait Candidates<'s, S: Space + 's>: Sync {
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
    /// and 64, each thread times one pack of every width (three rounds, a
    /// prefix of about 1 % of a W1-sized run), and the rest of the run goes
    /// at the width whose fastest pack took the least time per point. The
    /// results are those of [`run`](Executor::run) at any of the widths, bit
    /// for bit: a point's result does not depend on `V`, and the trial's
    /// results are kept, not computed twice.
    ///
    /// A run too small to time (under 16 times the trial's points) runs
    /// whole at four registers of the build, `4 *`
    /// [`NATIVE_F32_LANES`](crate::NATIVE_F32_LANES) (or the nearest width
    /// given). [`run_auto_tuned`](Executor::run_auto_tuned) also says what
    /// was measured and chosen.
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
        let len = space.len();
        let lanes = widths.lanes();
        let reporter = Reporter::new(&self.progress, 0, len);
        let per_task = ROUNDS * lanes.iter().sum::<usize>();
        let tasks = self
            .thread_count()
            .min(len / per_task.saturating_mul(RUN_PER_TRIAL).max(1));
        let (mut blocks, trials, trial_points) = if tasks == 0 {
            (Vec::new(), Vec::new(), 0)
        } else {
            let (blocks, trials) = trial(self, &widths, space, tasks, per_task, &reporter)?;
            (blocks, trials, tasks * per_task)
        };
        let chosen = if trials.is_empty() {
            default_lanes(lanes)
        } else {
            fastest(&trials)
        };
        let rest = widths.visit(
            chosen,
            RunRest {
                executor: self,
                space,
                points: trial_points..len,
                reporter: &reporter,
            },
        )?;
        blocks.extend(rest);
        let result = W::finish(blocks, len)?;
        reporter.finish();
        let tuning = Tuning {
            lanes: lanes[chosen],
            trials: lanes.iter().copied().zip(trials).collect(),
            trial_points,
        };
        Ok((result, tuning))
    }
}

/// The index of the width a run too small to time takes: the widest of at
/// most four registers of the build (W1 and W3 were fastest there on
/// AVX-512 and AVX2), or the narrowest if all are wider.
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

/// The trial: `tasks` tasks of `per_task` consecutive points from point 0,
/// each running one pack of every width per round and timing each pack.
/// Returns the tasks' blocks (in point order) and each width's fastest time
/// per point, in nanoseconds.
fn trial<'s, S, W>(
    executor: &Executor,
    widths: &W,
    space: &'s S,
    tasks: usize,
    per_task: usize,
    reporter: &Reporter,
) -> Result<(Vec<W::Block>, Vec<f64>), ExecError>
where
    S: Space + Sync + 's,
    W: Candidates<'s, S>,
{
    let lanes = widths.lanes();
    let first_failed = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let run_task = |task: usize| {
        let start = task * per_task;
        let mut current = start;
        let mut fastest = vec![f64::INFINITY; lanes.len()];
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut block = W::block(per_task);
            for round in 0..ROUNDS {
                for step in 0..lanes.len() {
                    // Alternate the order: a width is not always first.
                    let w = if round % 2 == 0 { step } else { lanes.len() - 1 - step };
                    let clock = Instant::now();
                    let pushed = widths.visit(
                        w,
                        RunPack {
                            space,
                            start: current,
                            block: &mut block,
                        },
                    );
                    let nanos = clock.elapsed().as_nanos() as f64;
                    if let Err(error) = pushed {
                        return Some(Err(error));
                    }
                    fastest[w] = fastest[w].min(nanos / lanes[w] as f64);
                    current += lanes[w];
                }
            }
            Some(Ok(block))
        }));
        let block = settle(outcome, task, current, &first_failed)?.map_err(|error| {
            first_failed.fetch_min(task, std::sync::atomic::Ordering::Relaxed);
            BlockError::Output(error)
        })?;
        report(reporter, per_task, task, &first_failed)?;
        Ok((block, fastest))
    };
    let done = first_error(executor.each_block(tasks, run_task))?;
    let mut fastest = vec![f64::INFINITY; lanes.len()];
    let mut blocks = Vec::with_capacity(done.len());
    for (block, times) in done {
        blocks.push(block);
        for (best, t) in fastest.iter_mut().zip(times) {
            *best = best.min(t);
        }
    }
    Ok((blocks, fastest))
}

/// One whole pack of the trial at its width, its results pushed to `block`.
struct RunPack<'a, 's, S: Space, B> {
    space: &'s S,
    start: usize,
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
        let lanes = self.space.load_until(self.start, self.space.len(), f64::NAN);
        let valid = lanes.valid();
        let point = self.start;
        kernel(lanes)
            .push(self.block, valid)
            .map_err(|error| error.offset(point))
    }
}

/// The run after the trial, at one width: its blocks.
struct RunRest<'a, 's, S> {
    executor: &'a Executor,
    space: &'s S,
    points: Range<usize>,
    reporter: &'a Reporter,
}

impl<'s, S, C> WidthVisitor<'s, S, C> for RunRest<'_, 's, S>
where
    S: Space + Sync + 's,
    C: Candidates<'s, S> + ?Sized,
{
    type Out = Result<Vec<C::Block>, ExecError>;
    fn visit<const V: usize, K, O>(self, kernel: &K) -> Self::Out
    where
        S: PackedSpace<V>,
        K: Fn(<S as PackedSpace<V>>::Lanes<'s>) -> O + Sync,
        O: Output<V, Block = C::Block, Result = C::Result>,
    {
        let start = self.points.start;
        let rest = Slice::new(self.space, self.points);
        self.executor
            .run_blocks::<V, Slice<'s, S>, K, O>(&rest, kernel, self.reporter)
            .map_err(|error| error.offset(start))
    }
}

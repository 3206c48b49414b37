//! Typed columnar parameter spaces for high-throughput CPU parameter sweeps.
//!
//! You have a model and a struct of its parameters; you want to run the model
//! over thousands to millions of parameter sets on every SIMD lane of every
//! core. `#[derive(DataSpace)]` turns the struct into a *space*: its free
//! fields stored as columns (struct of arrays) checked to share one length N,
//! its fixed fields (a time step, a connectivity matrix) stored once. The
//! space hands out points one at a time ([`Space`]) or `V` at a time as SIMD
//! packs ([`Space::collect`]), blocked for rayon's threads.
//!
//! ```
//! use dataspace::prelude::*;
//!
//! #[derive(DataSpace, Clone, Debug, PartialEq)]
//! pub struct Mpr {
//!     pub eta: f32,
//!     pub j: f32,
//!     pub r0: [f32; 2],   // a small per-point vector: 2 columns
//!     #[space(fixed)]
//!     pub dt: f32,        // one value for every point
//! }
//!
//! let space = MprSpace::new(MprColumns {
//!     eta: vec![-5.0, -4.5, -4.0],
//!     j: vec![15.0, 15.0, 16.0],
//!     r0: vec![[0.1, -2.0]; 3],
//!     dt: 0.01,
//! })?;
//! assert_eq!(space.len(), 3);
//! assert_eq!(space.get(1), Some(Mpr { eta: -4.5, j: 15.0, r0: [0.1, -2.0], dt: 0.01 }));
//! assert_eq!(space.columns().eta, &[-5.0, -4.5, -4.0]);
//!
//! // Four lanes per pack, two blocks: shape (n_pmap, n_map, V) = (2, 1, 4).
//! let packs = space.collect_with::<4>(CollectOptions { n_pmap: 2, ..Default::default() })?;
//! assert_eq!(packs.shape(), (2, 1, 4));
//! let first = packs.pack(0, 0).unwrap();
//! assert_eq!(first.valid(), 3); // lane 3 is a tail lane
//! let eta = first.eta.to_array();
//! assert_eq!(&eta[..3], &[-5.0, -4.5, -4.0]);
//! assert!(eta[3].is_nan());
//! assert_eq!(packs.pack(1, 0).unwrap().valid(), 0); // block 1 holds only fill
//!
//! // A mismatched column is a typed error, not a panic.
//! let bad = MprSpace::new(MprColumns { eta: vec![1.0; 3], j: vec![1.0; 2], r0: vec![[0.0; 2]; 3], dt: 0.01 });
//! assert_eq!(
//!     bad.err().unwrap().to_string(),
//!     "free parameter `j` of `Mpr` has 2 points but `eta` has 3"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Running a model
//!
//! An [`Executor`] runs a kernel on every pack, blocks on rayon's threads,
//! and returns the results in point order: [`Executor::run`] for kernels on
//! packs (generic over `V`, with the arithmetic of [`FloatPack`]),
//! [`Executor::map`] for plain per-point functions. Kernels may return a
//! pack, an array of packs, or the lanes of another derived struct (see
//! [`Output`]). [`Executor::run_auto`] chooses `V` for you: `widths!(kernel)`
//! instantiates a kernel written once at `V` = 8, 16, 32 and 64, a trial
//! times each on a prefix of the run, and the rest runs at the fastest,
//! with the results of any fixed `V`. The best width depends on the model
//! and the CPU (a [`Lockstep`] of several registers keeps the FMA pipes
//! busy until its state spills); [`NATIVE_F32_LANES`] is the build's
//! register width for a fixed choice (the README's "Which `V`").
//!
//! ```
//! use dataspace::prelude::*;
//!
//! #[derive(DataSpace, Clone, Debug)]
//! struct Node { eta: f32, #[space(fixed)] steps: usize }
//!
//! fn decay<const V: usize>(p: NodeLanes<'_, V>) -> F32<V>
//! where
//!     f32: Float<V>,
//! {
//!     let mut x = p.eta;
//!     for _ in 0..*p.steps {
//!         x = x.mul_add(F32::<V>::splat(0.99), F32::<V>::splat(0.01));
//!     }
//!     x
//! }
//!
//! let space = NodeSpace::new(NodeColumns { eta: vec![2.0; 1000], steps: 100 })?;
//! let out = Executor::parallel().run_auto(&space, widths!(decay))?;
//! assert_eq!(out, Executor::parallel().run(&space, decay::<8>)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Designs, files, clusters
//!
//! The derive also generates `XDesign` and `XAxes`: sweeps defined by
//! [`Axis`] values (grids, zips, groups, or [`Sampler`] draws) whose points are
//! computed from their index, so designs of 10^9 points need no storage.
//! [`io`] reads and writes CSV and NPY; [`Executor::run_into`] streams results
//! to a resumable [`Sink`] such as [`CsvSink`]; [`Progress`] reports on long
//! runs; [`shard`] splits a sweep for job arrays, and the `mpi` module
//! (cargo feature `mpi`) runs it over MPI ranks.
//!
//! # Conventions
//!
//! - A **point** is one parameter set, one value of your struct; a space has
//!   **N** of them, in order. Results always come back in point order.
//! - A **column** is one free field over all points (`Vec<f32>` of length N);
//!   an array field `[T; K]` is K columns.
//! - A **pack** is `V` lanes of one column, a `wide` SIMD type; the generated
//!   **lanes** struct `XLanes<'a, V>` holds one pack per free field for `V`
//!   consecutive points, and references to the fixed fields.
//! - **Tail lanes** are lanes past N. They hold the fill value (NaN for floats
//!   and 0 for integers unless you choose another) and are counted by
//!   [`Lanes::valid`]. Arithmetic on them is harmless; reductions and
//!   `wide`'s `min`/`max`/`clamp` (which ignore a NaN operand) must look only at
//!   the first `valid()` lanes.
//! - A **block** is the run of `n_map` packs handed to one rayon worker; there
//!   are `n_pmap` of them. See [`Collected`] for the layout and how it differs
//!   from tvboptim's.
//!
//! # Pack types
//!
//! | scalar | V | pack |
//! |---|---|---|
//! | `f32` | 4 / 8 / 16 | `f32x4` / `f32x8` / `f32x16` (16, 32, 64 bytes, aligned to their size) |
//! | `f32` | 32 / 64 | [`Lockstep`]`<f32x16, 2>` / `<f32x16, 4>`: registers in lockstep |
//! | `f64` | 2 / 4 / 8 | `f64x2` / `f64x4` / `f64x8` |
//! | `f64` | 16 / 32 | `Lockstep<f64x8, 2>` / `Lockstep<f64x8, 4>` |
//! | `i32`, `u32` | 4 / 8 / 16 / 32 / 64 | `i32x4` ... `i32x16`, then `Lockstep<i32x16, 2 or 4>` (and `u32` alike) |
//! | `i64` | 2 / 4 / 8 / 16 / 32 | `i64x2` / `i64x4` / `i64x8`, then `Lockstep<i64x8, 2 or 4>` |
//!
//! Float packs implement [`FloatPack`]: operators, `mul_add`, `sqrt`, `exp`,
//! `ln`, `sin`, `cos`, `tanh`, `abs`, `min`, `max`, comparisons, `select`,
//! and `sum_lanes` for reductions over the real lanes. A kernel generic over
//! `V` bounds `f32: Float<V>` and names its packs [`F32<V>`](F32).
//!
//! `wide` picks instructions at compile time: build with
//! `RUSTFLAGS="-C target-cpu=native"` (or the target you run on), or the
//! 16-lane packs are emulated with four SSE registers. [`simd_info`] tells
//! what the build uses against what the CPU offers, and the first run of a
//! process built below its CPU prints one line on stderr saying so (set
//! `DATASPACE_NO_SIMD_WARNING=1` to silence it); a debug build (the crate at
//! `opt-level = 0`) says so too (`DATASPACE_NO_DEBUG_WARNING=1`). No
//! `[profile]` setting is needed: cargo's default release profile ran W1,
//! W3 and W4 within 1.5 % of fat LTO at their best widths.

#![warn(missing_docs, missing_debug_implementations)]
// No panic reachable from user input: every unwrap, expect, index and panic in
// library code is either gone or allowed where it stands, with the invariant
// that makes it unreachable (tests may unwrap).
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable
    )
)]

extern crate self as dataspace;

// The layers, bottom to top: simd, noise, integrate, error, space, design, io, run; each uses
// only those below it (`tests/suite/layers.rs` checks). See ARCHITECTURE.md.
mod design;
mod error;
pub mod integrate;
pub mod io;
pub mod noise;
mod run;
mod simd;
mod space;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(doc)]
pub mod example_generated;

pub use design::{Axes, AxesLanes, Axis, AxisScalar, Design, Sampler};
pub use error::{
    DesignError, ExecError, LayoutError, OutputError, RangeError, SeriesShapeError, ShapeError,
    StrideError,
};
pub use io::FromRecords;
pub use noise::Philox;
#[cfg(feature = "parquet")]
pub use run::ParquetSink;
#[doc(hidden)]
pub use run::SeriesBlock;
pub use run::{
    Candidates, CsvSink, Executor, NpySink, Output, Progress, Recorder, Sink, TimeSeries, Tuning,
    Widths,
};
pub use simd::{
    F32, F64, Float, FloatPack, Lockstep, NATIVE_F32_LANES, NATIVE_F64_LANES, Pack, Packable,
    Scalar, SimdInfo, simd_info,
};
pub use space::{
    Block, CollectOptions, Collected, Lanes, PackedSpace, Packs, Points, Slice, Space,
};

/// MPI ranks (cargo feature `mpi`): see [`mpi::MpiExecutor`].
#[cfg(feature = "mpi")]
pub use run::mpi;

/// Splitting a sweep over processes: contiguous shards computed from
/// (index, count) alone ([`shard_range`](shard::shard_range), [`Space::shard`]), per-shard
/// result files ([`write_shard`](shard::write_shard)) and their merge ([`merge_shards`](shard::merge_shards)). Used
/// by job arrays (SLURM arrays, shell loops) and by the MPI executor.
pub mod shard {
    pub use crate::error::ShardError;
    pub use crate::io::shard::{merge_shards, shard_path, write_shard};
    pub use crate::space::shard_range;
}

/// The thread-pool crate: [`Collected::par_blocks`] returns its parallel
/// iterator, and `RAYON_NUM_THREADS` sets the default thread count.
pub use rayon;

/// The SIMD crate the packs come from, for its arithmetic and the pack types
/// not in the [`prelude`].
pub use wide;

/// Derives a typed, columnar space for a struct of model parameters.
///
/// On `struct Mpr { ... }` with the same visibility as the struct it generates:
///
/// | item | what it is |
/// |---|---|
/// | `MprColumns` | the input: `Vec<T>` per free field, `T` per fixed field |
/// | `MprArrays<const N: usize>` | the input as arrays `[T; N]`: lengths checked by the compiler |
/// | `MprSpace` | the validated columns; implements [`Space`] and [`PackedSpace<V>`] |
/// | `MprColumnsRef<'a>` | `space.columns()`: each free column as `&[T]` (array fields `[&[T]; K]`), each fixed field as `&T` |
/// | `MprLanes<'a, const V: usize>` | V points: a pack per free scalar, `[pack; K]` per array, `&'a T` per fixed field (`'a` whether or not there is one, so every lanes type reads `XLanes<'_, V>`) |
///
/// `MprSpace::new(MprColumns) -> Result<MprSpace, ShapeError>` checks that
/// every free column has the length of the first; `MprSpace::from_arrays`
/// cannot fail. Accessors sit on `columns()` rather than on the space so that
/// no field name can shadow a [`Space`] method.
///
/// # Fields
///
/// - A **free** field is `f32`, `f64`, `i32`, `u32`, `i64` or an array `[T; K]` of one
///   of them. Other types are rejected at the field, with the fix.
/// - `#[space(fixed)]` marks a field shared by every point: any type that is
///   `Clone + Sync` (points from [`Space::get`] clone it; packs borrow it).
/// - `#[space(flatten)]` marks a field whose type is another
///   `#[derive(DataSpace)]` struct without fixed fields: its free fields
///   become columns of this space, named by their dotted path (`inner.x`) in
///   errors, designs, summaries and files, and read as `p.inner.x` in
///   kernels. `MprColumns`, `MprArrays`, `MprColumnsRef`, `MprAxes` and
///   `MprLanes` hold the inner struct's own `...Columns`, `...Arrays`,
///   `...ColumnsRef`, `...Axes` and `...Lanes`. Nesting goes to any depth.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct Coupling { g: f32, delay: f32 }
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct Model { eta: f32, #[space(flatten)] coupling: Coupling }
///
/// let space = ModelSpace::new(ModelColumns {
///     eta: vec![1.0, 2.0],
///     coupling: CouplingColumns { g: vec![0.5, 0.25], delay: vec![3.0] },
/// });
/// let error = space.err().unwrap();
/// assert_eq!(error.to_string(), "free parameter `coupling.delay` of `Model` has 1 point but `eta` has 2");
/// assert_eq!(<ModelAxes as dataspace::Axes>::FIELDS, ["eta", "coupling.g", "coupling.delay"]);
/// ```
///
/// A flattened type that does not derive `DataSpace` (or has fixed fields)
/// is a compile error at the field:
///
/// ```compile_fail
/// use dataspace::prelude::*;
/// struct Coupling { g: f32 }
/// #[derive(DataSpace)]
/// struct Model { eta: f32, #[space(flatten)] coupling: Coupling } // error: derive `DataSpace` on `Coupling`
/// ```
/// - A struct needs at least one free field; generic structs, tuple structs,
///   unit structs, enums and unions are rejected.
///
/// ```compile_fail
/// use dataspace::prelude::*;
/// #[derive(DataSpace)]
/// struct Bad {
///     name: String, // error: use a supported scalar or `#[space(fixed)]`
/// }
/// ```
///
/// Lane counts are checked at compile time: a space with an `f64` field has
/// no 64-lane packs.
///
/// ```compile_fail
/// use dataspace::prelude::*;
/// #[derive(DataSpace)]
/// struct P { x: f64 }
/// let space = PSpace::from_arrays(PArrays { x: [1.0] });
/// let _ = space.collect::<64>(); // error: `f64` has no SIMD pack of 64 lanes
/// ```
pub use dataspace_macros::DataSpace;

/// Everything a sweep needs in scope: the derive, the traits, the options,
/// and `wide`'s pack types.
pub mod prelude {
    pub use crate::io::FromRecords;
    pub use crate::{
        CollectOptions, DataSpace, Executor, F32, F64, Float, FloatPack, Lanes, Lockstep, Pack,
        Packable, PackedSpace, Philox, Recorder, Scalar, Space, TimeSeries, widths,
    };
    pub use wide::{
        f32x4, f32x8, f32x16, f64x2, f64x4, f64x8, i32x4, i32x8, i32x16, i64x2, i64x4, i64x8,
        u32x4, u32x8, u32x16,
    };
}

/// The README's examples, compiled and run as doctests (one uses the progress bar).
#[cfg(all(doctest, feature = "progress"))]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

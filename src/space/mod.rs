//! Spaces: N points read by index ([`Space`]) or `V` at a time as packs
//! ([`PackedSpace`], [`Lanes`]), the `(n_pmap, n_map, V)` layout of their
//! packs (`collect`), views of part of one (`slice`, `shard`), and the
//! columnar storage of derived spaces (`columns`, the crate's one `unsafe`).
//! The layer above `simd`; it knows nothing of designs, files or executors.

mod collect;
mod columns;
mod shard;
mod slice;

pub use collect::{Block, CollectOptions, Collected, Packs};
pub use columns::{Columns, padded_len};
pub use shard::shard_range;
pub use slice::{Slice, strided_len};

use crate::error::{LayoutError, RangeError, ShardError};
use crate::simd::MAX_LANES;
use core::iter::FusedIterator;
use core::ops::Range;

/// N parameter sets (points) that can be read one at a time.
///
/// This is tvboptim's `DataSpace` seen from the outside: [`len`](Space::len)
/// is its `N`, [`get`](Space::get) its `ds[i]`, [`iter`](Space::iter) its
/// `for state in ds`. `#[derive(DataSpace)]` implements it for the generated
/// `XSpace`; lazy designs implement it by computing point `i` from `i`.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::Axis;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// // Code written against `Space` takes stored spaces and designs alike.
/// fn total<S: Space<Point = P>>(space: &S) -> f32 {
///     space.iter().map(|p| p.x).sum()
/// }
/// let stored = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0] })?;
/// let design = PDesign::product(PAxes { x: Axis::linspace(1.0, 3.0, 3) })?;
/// assert_eq!(total(&stored), 6.0);
/// assert_eq!(total(&design), 6.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Space {
    /// One parameter set: the user's struct.
    type Point;

    /// The number of points, N (the shared leading dimension).
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32, #[space(fixed)] dt: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0], dt: 0.1 })?;
    /// assert_eq!(space.len(), 3);
    /// assert!(!space.is_empty());
    /// assert!(PSpace::new(PColumns { x: vec![], dt: 0.1 })?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn len(&self) -> usize;

    /// Whether the space has no points.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Point `index` (fixed fields cloned), or `None` past the end.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32, #[space(fixed)] dt: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0], dt: 0.1 })?;
    /// assert_eq!(space.get(1), Some(P { x: 2.0, dt: 0.1 }));
    /// assert_eq!(space.get(3), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn get(&self, index: usize) -> Option<Self::Point>;

    /// Every point in order.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32, #[space(fixed)] dt: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0], dt: 0.1 })?;
    /// let xs: Vec<f32> = space.iter().map(|p| p.x).collect();
    /// assert_eq!(xs, [1.0, 2.0, 3.0]);
    /// for p in &space {
    ///     assert_eq!(p.dt, 0.1);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    fn iter(&self) -> Points<'_, Self> {
        Points {
            space: self,
            indices: 0..self.len(),
        }
    }

    /// Points `range` as a space of their own (for manual chunking), or an
    /// error if the range reaches past N or ends before it starts.
    ///
    /// # Errors
    /// [`RangeError`] if `range` is not inside `0..N`.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32, #[space(fixed)] dt: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0, 4.0], dt: 0.1 })?;
    /// let middle = space.slice(1..3)?;
    /// assert_eq!(middle.len(), 2);
    /// assert_eq!(middle.get(0), Some(P { x: 2.0, dt: 0.1 }));
    /// assert!(space.slice(2..5).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn slice(&self, range: core::ops::Range<usize>) -> Result<Slice<'_, Self>, RangeError> {
        let len = self.len();
        if range.start > range.end || range.end > len {
            return Err(RangeError {
                start: range.start,
                end: range.end,
                len,
            });
        }
        Ok(Slice::new(self, range))
    }

    /// Shard `index` of `count` (for job arrays): a contiguous slice, the
    /// shards in index order covering every point, their sizes balanced to
    /// within 64 points (so each starts on a boundary of the widest packs).
    /// An `index` past the last shard gives an empty slice.
    ///
    /// # Errors
    /// [`ShardError::NoShards`] if `count` is 0.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..200).map(|i| i as f32).collect() })?;
    /// // Job 1 of 3 (e.g. SLURM_ARRAY_TASK_ID = 1): points 128..192.
    /// let mine = space.shard(1, 3)?;
    /// assert_eq!((mine.offset(), mine.len()), (128, 64));
    /// assert_eq!(mine.get(0), Some(P { x: 128.0 }));
    /// let sizes: Vec<usize> = (0..3).map(|i| space.shard(i, 3).map(|s| s.len())).collect::<Result<_, _>>()?;
    /// assert_eq!(sizes, [128, 64, 8]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn shard(&self, index: usize, count: usize) -> Result<Slice<'_, Self>, ShardError> {
        let range = shard_range(self.len(), MAX_LANES, index, count)?;
        Ok(Slice::new(self, range))
    }

    /// The space laid out as `(n_pmap, n_map, V)` packs of `V` lanes, with
    /// `n_pmap` = rayon's thread count and NaN (0 for integers) in tail lanes.
    ///
    /// A view, not a copy: full packs are loaded straight from the columns
    /// when they are read. See [`Collected`] for the layout.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let packs = space.collect::<8>();
    /// let real: Vec<usize> = packs.iter().map(|p| p.valid()).filter(|&v| v > 0).collect();
    /// assert_eq!(real, [8, 2]); // 10 points: a full pack and a tail pack
    /// let first = packs.iter().next().unwrap();
    /// assert_eq!(first.x.to_array(), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    fn collect<const V: usize>(&self) -> Collected<'_, Self, V>
    where
        Self: PackedSpace<V> + Sized,
    {
        // The default n_pmap is rayon's thread count: at least 1, and V times
        // it fits in usize, the only ways a layout can fail.
        #[allow(clippy::expect_used)]
        Collected::new(self, CollectOptions::default())
            .expect("the default options always describe a valid layout")
    }

    /// [`collect`](Space::collect) with a chosen number of blocks and fill value.
    ///
    /// # Errors
    /// [`LayoutError`] if `options.n_pmap` is 0 or the layout has more lanes
    /// than `usize` counts.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32, k: i32 }
    ///
    /// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0], k: vec![4, 5, 6] })?;
    /// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 1, fill: -1.0 })?;
    /// assert_eq!(packs.shape(), (1, 1, 4));
    /// let pack = packs.pack(0, 0).unwrap();
    /// assert_eq!(pack.x.to_array(), [1.0, 2.0, 3.0, -1.0]); // tail lane holds the fill
    /// assert_eq!(pack.k.to_array(), [4, 5, 6, -1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn collect_with<const V: usize>(
        &self,
        options: CollectOptions,
    ) -> Result<Collected<'_, Self, V>, LayoutError>
    where
        Self: PackedSpace<V> + Sized,
    {
        Collected::new(self, options)
    }
}

/// A space that can hand out packs of `V` consecutive points.
///
/// The derive implements this for every `V` that all free fields' scalars
/// support (see [`Packable`](crate::Packable)); asking for another `V` is a
/// compile error naming the scalar and the lane counts it has.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32, #[space(fixed)] dt: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0, 4.0, 5.0], dt: 0.5 })?;
/// let lanes = PackedSpace::<4>::load(&space, 2, 0.0); // points 2..6
/// assert_eq!(lanes.x.to_array(), [3.0, 4.0, 5.0, 0.0]);
/// assert_eq!(*lanes.dt, 0.5); // fixed fields are borrowed
/// let cut = PackedSpace::<4>::load_until(&space, 0, 2, f64::NAN);
/// assert_eq!(cut.valid(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait PackedSpace<const V: usize>: Space {
    /// `V` points as one pack per free field: the generated `XLanes<'a, V>`.
    type Lanes<'a>: Lanes<V, Point = Self::Point> + Copy
    where
        Self: 'a;

    /// Points `start .. start + V` as packs. Lanes at or past `end` or past
    /// [`len`](Space::len) hold `fill` (converted with
    /// [`Scalar::from_fill`](crate::Scalar::from_fill)), so `start` and `end`
    /// may be anything.
    fn load_until(&self, start: usize, end: usize, fill: f64) -> Self::Lanes<'_>;

    /// Points `start .. start + V` as packs, lanes past N holding `fill`.
    #[inline(always)]
    fn load(&self, start: usize, fill: f64) -> Self::Lanes<'_> {
        self.load_until(start, self.len(), fill)
    }
}

/// `V` consecutive points, one SIMD pack per free field.
///
/// Implemented by the generated `XLanes<'a, V>`. The first [`valid`](Lanes::valid)
/// lanes are real points; the rest are tail lanes holding the fill value.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32, #[space(fixed)] dt: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0], dt: 0.1 })?;
/// let lanes = space.collect::<4>().pack(0, 0).unwrap();
/// assert_eq!(lanes.valid(), 3); // lane 3 is a tail lane
/// assert_eq!(lanes.lane(1), Some(P { x: 2.0, dt: 0.1 }));
/// assert!(lanes.lane(3).unwrap().x.is_nan());
/// assert_eq!(lanes.points().map(|p| p.x).collect::<Vec<_>>(), [1.0, 2.0, 3.0]);
/// // A reduction over the real lanes only:
/// assert_eq!(lanes.x.sum_lanes(lanes.valid()), 6.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Lanes<const V: usize> {
    /// The point type: the user's struct.
    type Point;

    /// How many lanes, counted from lane 0, are real points: `V` except in a
    /// tail pack. Reductions (`reduce_add`, `min`, `max`) must look only at
    /// these lanes: NaN tail lanes poison a sum, and `wide`'s `min`/`max`
    /// silently ignore them.
    fn valid(&self) -> usize;

    /// The index of lane 0's point; lane `k` holds point `index() + k`.
    ///
    /// The index is the point's place in the space the run started from,
    /// whatever cut it into pieces: in a [`slice`](crate::Space::slice) or
    /// a shard (a job-array task, an MPI rank) it counts from the start of
    /// the whole space, so a point keeps its index, and the random numbers
    /// keyed by it ([`Philox`](crate::Philox)), in every run that contains
    /// it. Lanes made by a generated `XLanes::new` (a kernel's result)
    /// have index 0.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let firsts = Executor::sequential().run(&space, |p: PLanes<'_, 4>| {
    ///     F32::<4>::splat(p.index() as f32)
    /// })?;
    /// assert_eq!(firsts, [0.0, 0.0, 0.0, 0.0, 4.0, 4.0, 4.0, 4.0, 8.0, 8.0]);
    /// // A slice keeps the indices of the space it was cut from.
    /// let tail = space.slice(6..10)?;
    /// let lanes = tail.collect::<4>().pack(0, 0).unwrap();
    /// assert_eq!((lanes.index(), lanes.x.to_array()[0]), (6, 6.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn index(&self) -> usize;

    /// Lane `k` as a point, tail lanes included (they hold the fill value),
    /// or `None` if `k >= V`.
    fn lane(&self, k: usize) -> Option<Self::Point>;

    /// The real points of this pack, in lane order.
    #[must_use]
    fn points(&self) -> impl Iterator<Item = Self::Point> + '_ {
        (0..self.valid()).filter_map(|k| self.lane(k))
    }
}

/// Iterator over the points of a [`Space`], in order. Made by [`Space::iter`].
///
/// Like [`Packs`], a cursor over indices (a `Range<usize>`, which does the
/// counting) and a read per index.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0] })?;
/// let points = space.iter();
/// assert_eq!(points.len(), 3); // exact size
/// let backwards: Vec<f32> = points.rev().map(|p| p.x).collect();
/// assert_eq!(backwards, [3.0, 2.0, 1.0]);
/// assert_eq!(space.iter().nth(1), Some(P { x: 2.0 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Points<'a, S: ?Sized> {
    space: &'a S,
    indices: Range<usize>,
}

impl<S: ?Sized> Clone for Points<'_, S> {
    fn clone(&self) -> Self {
        Points {
            space: self.space,
            indices: self.indices.clone(),
        }
    }
}

impl<S: Space + ?Sized> Iterator for Points<'_, S> {
    type Item = S::Point;

    #[inline]
    fn next(&mut self) -> Option<S::Point> {
        self.indices.next().and_then(|i| self.space.get(i))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<S::Point> {
        self.indices.nth(n).and_then(|i| self.space.get(i))
    }
}

impl<S: Space + ?Sized> DoubleEndedIterator for Points<'_, S> {
    #[inline]
    fn next_back(&mut self) -> Option<S::Point> {
        self.indices.next_back().and_then(|i| self.space.get(i))
    }
}

impl<S: Space + ?Sized> ExactSizeIterator for Points<'_, S> {}
impl<S: Space + ?Sized> FusedIterator for Points<'_, S> {}
